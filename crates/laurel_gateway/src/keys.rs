//! Issuers' signing keys and certificate signatures.
//!
//! Each issuing unit signs its certificates with its own Ed25519 key, made on first use. The
//! private half is stored in the database sealed with ChaCha20-Poly1305 under a 32-byte secret
//! kept outside it (`--key-secret-file`), so a copy of the database alone cannot sign. Keys are
//! published at `GET /.well-known/laurel-keys.json` (a JWK set: `kty: OKP`, `crv: Ed25519`),
//! retired ones included, so a certificate signed before a rotation keeps verifying.
//!
//! A signature covers `"laurel-certificate-v1\n" + code + "\n" + content`, the verification code
//! and the frozen content JSON exactly as stored. The PDF carries the same three things and the
//! key id as one ASCII keyword (`LAUREL-PROOF:v1:<base64url JSON>`), so `laurel verify --file`
//! checks a PDF offline against the published keys.
//!
//! Crypto is ring's (already in the tree through rustls; audited, constant-time Ed25519 and
//! AEAD), not hand-written.

use std::path::Path;

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::edge;

/// The algorithm of every key Laurel makes.
pub const ALGORITHM: &str = "Ed25519";
/// What a PDF's proof keyword starts with.
pub const PROOF_PREFIX: &str = "LAUREL-PROOF:v1:";
const DOMAIN: &str = "laurel-certificate-v1";

/// What went wrong with a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The secret file could not be read or made.
    #[error("the key secret file {path}: {detail}")]
    SecretFile {
        /// Where.
        path: String,
        /// What happened.
        detail: String,
    },
    /// A sealed key does not open with this secret (another secret, or tampering).
    #[error("the private key {0} does not open with this key secret")]
    Unseal(String),
    /// A key's bytes are not an Ed25519 key.
    #[error("the key {0} is not a valid Ed25519 key")]
    Invalid(String),
}

/// The secret that seals private keys.
#[derive(Clone)]
pub struct KeySecret([u8; 32]);

impl std::fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecret(…)")
    }
}

impl KeySecret {
    /// A secret from its bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> KeySecret {
        KeySecret(bytes)
    }

    /// A key for another purpose, derived from this secret and a label naming the purpose
    /// (SHA-256 of both), so that every process sharing the secret derives the same key and
    /// knowing it reveals nothing of the secret.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"laurel-derived-key\n");
        hasher.update(label.as_bytes());
        hasher.update(b"\n");
        hasher.update(self.0);
        hasher.finalize().into()
    }

    /// Reads the secret at `path` (64 hex digits), or makes one there (readable by its owner
    /// only) when there is none. Several processes sharing a database must share this file.
    pub fn load_or_create(path: &Path) -> Result<KeySecret, KeyError> {
        let error = |detail: String| KeyError::SecretFile {
            path: path.display().to_string(),
            detail,
        };
        let fresh = HEXLOWER.encode(&edge::random_bytes::<32>());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, format!("{fresh}\n").as_bytes())
                    .map_err(|e| error(e.to_string()))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(error(e.to_string())),
        }
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let bytes = HEXLOWER
            .decode(text.trim().as_bytes())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| error("expected 64 hexadecimal digits".into()))?;
        Ok(KeySecret(bytes))
    }

    fn key(&self) -> LessSafeKey {
        // 32 bytes is ChaCha20-Poly1305's key length: this cannot fail.
        LessSafeKey::new(
            UnboundKey::new(&CHACHA20_POLY1305, &self.0)
                .unwrap_or_else(|_| unreachable!("a 32-byte ChaCha20-Poly1305 key")),
        )
    }

    fn seal(&self, kid: &str, seed: &[u8; 32]) -> String {
        let nonce = edge::random_bytes::<12>();
        let mut sealed = seed.to_vec();
        // Sealing into a Vec cannot fail for a 32-byte message.
        self.key()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(kid.as_bytes()),
                &mut sealed,
            )
            .unwrap_or_else(|_| unreachable!("sealing 32 bytes"));
        let mut out = nonce.to_vec();
        out.extend(sealed);
        BASE64URL_NOPAD.encode(&out)
    }

    fn unseal(&self, kid: &str, sealed: &str) -> Result<[u8; 32], KeyError> {
        let bytes = BASE64URL_NOPAD
            .decode(sealed.as_bytes())
            .map_err(|_| KeyError::Unseal(kid.into()))?;
        if bytes.len() < 12 {
            return Err(KeyError::Unseal(kid.into()));
        }
        let (nonce, rest) = bytes.split_at(12);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| KeyError::Unseal(kid.into()))?;
        let mut rest = rest.to_vec();
        let seed = self
            .key()
            .open_in_place(nonce, Aad::from(kid.as_bytes()), &mut rest)
            .map_err(|_| KeyError::Unseal(kid.into()))?;
        <[u8; 32]>::try_from(&*seed).map_err(|_| KeyError::Unseal(kid.into()))
    }
}

/// A key just made: its id, public half (base64url) and sealed private half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// `ed25519-<first 16 hex digits of SHA-256 of the public key>`.
    pub id: String,
    /// The public key, base64url without padding.
    pub public_key: String,
    /// The private key's seed, sealed.
    pub sealed: String,
}

/// Makes a key from 32 random bytes and seals it under `secret`.
pub fn generate(secret: &KeySecret, seed: [u8; 32]) -> Result<NewKey, KeyError> {
    let pair =
        Ed25519KeyPair::from_seed_unchecked(&seed).map_err(|_| KeyError::Invalid("new".into()))?;
    let public = pair.public_key().as_ref().to_vec();
    let id = format!(
        "ed25519-{}",
        &HEXLOWER.encode(&Sha256::digest(&public))[..16]
    );
    Ok(NewKey {
        sealed: secret.seal(&id, &seed),
        public_key: BASE64URL_NOPAD.encode(&public),
        id,
    })
}

/// What a certificate's signature covers.
pub fn signed_message(code: &str, content: &str) -> Vec<u8> {
    format!("{DOMAIN}\n{code}\n{content}").into_bytes()
}

/// Signs `message` with the sealed key `kid`; the signature in base64url.
pub fn sign(
    secret: &KeySecret,
    kid: &str,
    sealed: &str,
    message: &[u8],
) -> Result<String, KeyError> {
    let seed = secret.unseal(kid, sealed)?;
    let pair =
        Ed25519KeyPair::from_seed_unchecked(&seed).map_err(|_| KeyError::Invalid(kid.into()))?;
    Ok(BASE64URL_NOPAD.encode(pair.sign(message).as_ref()))
}

/// Whether `signature` (base64url) is `public_key`'s (base64url) over `message`.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> bool {
    let (Ok(public), Ok(signature)) = (
        BASE64URL_NOPAD.decode(public_key.as_bytes()),
        BASE64URL_NOPAD.decode(signature.as_bytes()),
    ) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, public)
        .verify(message, &signature)
        .is_ok()
}

/// What a certificate's PDF carries so it can be checked without the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The verification code.
    pub code: String,
    /// The frozen content JSON, exactly as signed.
    pub content: String,
    /// The signing key's id.
    pub kid: String,
    /// The signature, base64url.
    pub sig: String,
}

impl Proof {
    /// The PDF keyword: [`PROOF_PREFIX`] and the proof's JSON in base64url (ASCII only).
    pub fn keyword(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{PROOF_PREFIX}{}", BASE64URL_NOPAD.encode(json.as_bytes()))
    }

    /// The proof in a PDF's bytes, if it carries one.
    pub fn find_in(pdf: &[u8]) -> Option<Proof> {
        let at = find(pdf, PROOF_PREFIX.as_bytes())? + PROOF_PREFIX.len();
        let end = pdf[at..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
            .map_or(pdf.len(), |n| at + n);
        let json = BASE64URL_NOPAD.decode(&pdf[at..end]).ok()?;
        serde_json::from_slice(&json).ok()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One key of the published set, as a JWK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKey {
    /// `OKP`.
    pub kty: String,
    /// `Ed25519`.
    pub crv: String,
    /// The public key, base64url.
    pub x: String,
    /// The key id.
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// The issuing unit's code (as in its decision numbers).
    pub issuer_code: String,
    /// The issuer as printed on its certificates.
    pub issuer_title: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// When it was retired, if it was (it still verifies what it signed before).
    #[serde(default)]
    pub retired_at: Option<String>,
}

/// The published key set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    /// Every key, retired ones included.
    pub keys: Vec<PublishedKey>,
}

/// How a certificate stands against a key set, check by check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The signature is the key's over the code and content (`false` also when unsigned).
    pub signature_valid: bool,
    /// The key is in the set and belongs to the issuer printed on the certificate.
    pub key_belongs_to_issuer: bool,
}

impl KeySet {
    /// Checks a proof against this set, for a certificate issued by `issuer_title`.
    pub fn check(&self, proof: &Proof, issuer_title: &str) -> SignatureCheck {
        let key = self.keys.iter().find(|k| k.kid == proof.kid);
        SignatureCheck {
            signature_valid: key.is_some_and(|k| {
                verify(
                    &k.x,
                    &signed_message(&proof.code, &proof.content),
                    &proof.sig,
                )
            }),
            key_belongs_to_issuer: key
                .is_some_and(|k| k.issuer_title.to_uppercase() == issuer_title.to_uppercase()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_signs_and_only_its_signature_verifies() {
        let secret = KeySecret::from_bytes([7; 32]);
        let key = generate(&secret, [42; 32]).unwrap();
        assert!(key.id.starts_with("ed25519-"));
        let message = signed_message("ABCD-EFGH", r#"{"recipient_name":"Nguyễn Thị Ngọc Huyền"}"#);
        let sig = sign(&secret, &key.id, &key.sealed, &message).unwrap();
        assert!(verify(&key.public_key, &message, &sig));
        // Another content, another code, another key: refused.
        let other = signed_message("ABCD-EFGH", r#"{"recipient_name":"Nguyễn Thị Ngọc Huyên"}"#);
        assert!(!verify(&key.public_key, &other, &sig));
        assert!(!verify(
            &key.public_key,
            &signed_message("ABCD-EFGX", "{}"),
            &sig
        ));
        let stranger = generate(&secret, [43; 32]).unwrap();
        assert!(!verify(&stranger.public_key, &message, &sig));
        // Another secret does not open the sealed key.
        let wrong = KeySecret::from_bytes([8; 32]);
        assert!(matches!(
            sign(&wrong, &key.id, &key.sealed, &message),
            Err(KeyError::Unseal(_))
        ));
        // A sealed key moved to another id does not open either.
        assert!(sign(&secret, &stranger.id, &key.sealed, &message).is_err());
    }

    #[test]
    fn a_proof_survives_the_trip_through_a_keyword() {
        let proof = Proof {
            code: "ABCD-EFGH".into(),
            content: r#"{"a":"Đặng Quốc Bảo"}"#.into(),
            kid: "ed25519-0123".into(),
            sig: "c2ln".into(),
        };
        let pdf = format!("%PDF-1.7\n/Keywords ({})\n%%EOF", proof.keyword());
        assert_eq!(Proof::find_in(pdf.as_bytes()), Some(proof));
        assert_eq!(Proof::find_in(b"%PDF-1.7 nothing here"), None);
    }
}
