//! Certificates as Open Badges 3.0 credentials, for wallets and verifiers outside Vietnam.
//!
//! Each certificate is also an `OpenBadgeCredential` (Open Badges 3.0 on the W3C Verifiable
//! Credentials Data Model 2.0), secured as a JWT (OB 3.0 §8.2, the "VC-JWT" proof format; W3C
//! VC-JOSE-COSE): a compact JWS whose payload is the credential itself, signed `EdDSA` with the
//! same Ed25519 key that signed the certificate. Annulment is published in a W3C Bitstring
//! Status List per issuer and year, itself a credential signed the same way.
//!
//! Why JOSE rather than a Data Integrity proof: the bytes signed are the bytes served, so there
//! is no canonicalisation step to get wrong (`eddsa-rdfc-2022` needs JSON-LD expansion and RDF
//! canonicalisation with the contexts at hand; `eddsa-jcs-2022` is not in OB 3.0), and every
//! JOSE library verifies it. The header is `{"alg":"EdDSA","kid":<URL>,"typ":"JWT"}`: OB 3.0
//! requires `typ`, when present, to be `JWT` (VC-JOSE-COSE only recommends `vc+jwt`), and its
//! `kid` to dereference to the JWK, which `GET /issuers/{id}/keys/{kid}` does.
//!
//! | path | what |
//! |---|---|
//! | `/credentials/{code}.jwt` | the credential (`application/vc+jwt`) |
//! | `/issuers/{id}` | the issuer's OB 3.0 `Profile` (its `id` is this URL) |
//! | `/issuers/{id}/keys/{kid}` | one of its public keys, as a JWK |
//! | `/issuers/{id}/achievements/{award}` | one of its awards, as an OB 3.0 `Achievement` |
//! | `/issuers/{id}/status/{year}` | its revocation list of that year (`application/vc+jwt`) |
//!
//! The credential carries what the certificate prints and `/verify/{code}` shows: no
//! database ids of people, nominations or decisions, no birth dates. The recipient, who has no
//! DID, is named by an `IdentityObject` of type `name` (not hashed: the name is printed on the
//! paper and shown by `/verify`); what the recipient did is the credential's `evidence`
//! narrative, beside the decision that awarded it. The status index is the certificate's golden-book number,
//! which the issuer's gapless sequence makes unique within the decision's year.

use std::io::Write as _;

use data_encoding::BASE64URL_NOPAD;
use laurel_certificates::CertificateData;
use laurel_domain::award::AwardKind;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::keys::{self, KeyError, KeySecret};

/// The W3C Verifiable Credentials Data Model 2.0 context.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context.
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// Bits in a status list at least (Bitstring Status List §2.1: 16 KiB, for herd privacy).
pub const MIN_STATUS_LIST_BITS: usize = 131_072;
/// The media type of a credential secured as a JWT.
pub const MEDIA_TYPE: &str = "application/vc+jwt";

/// Where an issuer's things live under a deployment's public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerUrls {
    base: String,
}

impl IssuerUrls {
    /// The issuer `unit` of the deployment at `public_url`.
    pub fn new(public_url: &str, unit: impl std::fmt::Display) -> IssuerUrls {
        IssuerUrls {
            base: format!("{}/issuers/{unit}", public_url.trim_end_matches('/')),
        }
    }

    /// The issuer's id, which is its profile's address.
    pub fn profile(&self) -> String {
        self.base.clone()
    }

    /// The address of one of its keys, as a JWK: the JWT header's `kid`.
    pub fn key(&self, kid: &str) -> String {
        format!("{}/keys/{kid}", self.base)
    }

    /// The address of one of its awards, as an `Achievement`.
    pub fn achievement(&self, award: AwardKind) -> String {
        format!("{}/achievements/{}", self.base, award.code())
    }

    /// The address of its status list of `year`.
    pub fn status_list(&self, year: i32) -> String {
        format!("{}/status/{year}", self.base)
    }
}

/// The issuer's OB 3.0 profile.
pub fn profile(urls: &IssuerUrls, name: &str) -> Value {
    json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": urls.profile(),
        "type": ["Profile"],
        "name": name,
    })
}

/// A public key as the JWK its `kid` URL answers with.
pub fn jwk(urls: &IssuerUrls, kid: &str, public_key: &str) -> Value {
    json!({
        "kty": "OKP",
        "crv": keys::ALGORITHM,
        "x": public_key,
        "kid": urls.key(kid),
        "use": "sig",
        "alg": "EdDSA",
    })
}

/// An award of an issuer as an OB 3.0 `Achievement`, at `/issuers/{id}/achievements/{code}`.
pub fn achievement(urls: &IssuerUrls, award: AwardKind, issuer_title: &str) -> Value {
    json!({
        "id": urls.achievement(award),
        "type": ["Achievement"],
        "achievementType": "Award",
        "name": award.name_vi(),
        "description": format!("{} — {issuer_title}", award.name_vi()),
        "criteria": {
            "narrative": format!(
                "{} ({}), theo Luật Thi đua, khen thưởng số 06/2022/QH15 và quyết định khen thưởng của người có thẩm quyền.",
                award.name_vi(),
                award.name_en()
            ),
        },
        "inLanguage": "vi",
    })
}

/// What a credential is made of besides the certificate's frozen content.
#[derive(Debug, Clone)]
pub struct CredentialFacts<'a> {
    /// The certificate's public verification address (`/verify/{code}`): the credential's id.
    pub verify_url: &'a str,
    /// The issuer's addresses.
    pub issuer: &'a IssuerUrls,
    /// The award.
    pub award: AwardKind,
    /// When the certificate was issued.
    pub issued_at: OffsetDateTime,
    /// The decision's year: which status list.
    pub year: i32,
    /// Số sổ vàng: the index in that list.
    pub golden_book_no: i32,
}

/// The `OpenBadgeCredential` of a certificate, as the JWT payload: the credential itself
/// with the registered claims OB 3.0 §8.2.4 asks for (`iss`, `jti`, `nbf`).
pub fn credential(data: &CertificateData, facts: &CredentialFacts<'_>) -> Value {
    let issued = facts.issued_at.to_offset(time::UtcOffset::UTC);
    let issued_text = issued.format(&Rfc3339).unwrap_or_default();
    let list = facts.issuer.status_list(facts.year);
    let mut description = vec![data.decision_line.clone(), data.golden_book_line.clone()];
    if let Some(period) = &data.period_line {
        description.insert(0, period.clone());
    }
    if let Some(detail) = &data.recipient_detail {
        description.insert(0, format!("{} — {detail}", data.recipient_name));
    }
    json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": facts.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("{} — {}", data.award_title, data.recipient_name),
        "description": description.join(". "),
        "issuer": {
            "id": facts.issuer.profile(),
            "type": ["Profile"],
            "name": data.issuer_title,
        },
        "validFrom": issued_text,
        "awardedDate": issued_text,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": data.recipient_name,
                "identityType": "name",
                "hashed": false,
            }],
            "achievement": achievement(facts.issuer, facts.award, &data.issuer_title),
        },
        "evidence": [{
            "type": ["Evidence"],
            "name": data.decision_line,
            "narrative": data.achievement,
        }],
        "credentialStatus": {
            "id": format!("{list}#{}", facts.golden_book_no),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": facts.golden_book_no.to_string(),
            "statusListCredential": list,
        },
        "iss": facts.issuer.profile(),
        "jti": facts.verify_url,
        "nbf": issued.unix_timestamp(),
    })
}

/// The status list credential of an issuer's `year`, valid for a day from `now` (a verifier
/// refuses an older copy, so a replayed list cannot hide an annulment for long).
pub fn status_list_credential(
    urls: &IssuerUrls,
    issuer_name: &str,
    year: i32,
    encoded_list: &str,
    now: OffsetDateTime,
) -> Value {
    let now = now.to_offset(time::UtcOffset::UTC);
    let rfc3339 = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    let id = urls.status_list(year);
    json!({
        "@context": [VC_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": { "id": urls.profile(), "name": issuer_name },
        "validFrom": rfc3339(now),
        "validUntil": rfc3339(now + time::Duration::days(1)),
        "credentialSubject": {
            "id": format!("{id}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
        "iss": urls.profile(),
        "jti": id,
        "nbf": now.unix_timestamp(),
    })
}

/// A Bitstring Status List's `encodedList`: the bits at `set` on (bit 0 is the first byte's
/// highest bit), in `max(16 KiB, enough for highest)`, GZIP-compressed, multibase base64url
/// (`u` prefix, no padding). The same numbers give the same string.
pub fn encoded_list(highest: Option<i32>, set: &[i32]) -> String {
    let needed = highest
        .into_iter()
        .chain(set.iter().copied())
        .filter_map(|n| usize::try_from(n).ok())
        .max()
        .map_or(0, |n| n + 1);
    let bits = needed.max(MIN_STATUS_LIST_BITS).div_ceil(8) * 8;
    let mut bytes = vec![0u8; bits / 8];
    for n in set.iter().filter_map(|n| usize::try_from(*n).ok()) {
        bytes[n / 8] |= 0x80 >> (n % 8);
    }
    // flate2's GZIP header has no name and a zero mtime unless asked: deterministic.
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    gzip.write_all(&bytes)
        .unwrap_or_else(|_| unreachable!("writing to memory"));
    let compressed = gzip
        .finish()
        .unwrap_or_else(|_| unreachable!("writing to memory"));
    format!("u{}", BASE64URL_NOPAD.encode(&compressed))
}

/// Signs `payload` as a compact JWS (`EdDSA`) with the sealed key `kid`, published at `kid_url`.
pub fn sign_jwt(
    secret: &KeySecret,
    kid: &str,
    sealed: &str,
    kid_url: &str,
    payload: &Value,
) -> Result<String, KeyError> {
    let header = json!({ "alg": "EdDSA", "kid": kid_url, "typ": "JWT" });
    let signing_input = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(header.to_string().as_bytes()),
        BASE64URL_NOPAD.encode(payload.to_string().as_bytes())
    );
    let signature = keys::sign(secret, kid, sealed, signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{signature}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use std::io::Read as _;

    use super::*;

    fn decode(list: &str) -> Vec<u8> {
        let compressed = BASE64URL_NOPAD
            .decode(list.strip_prefix('u').unwrap().as_bytes())
            .unwrap();
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    }

    #[test]
    fn a_status_list_sets_the_annulled_numbers_left_to_right() {
        // Bitstring Status List §3.2: index 0 is the left-most bit of the first byte.
        let list = decode(&encoded_list(Some(40), &[0, 9, 40]));
        assert_eq!(list.len(), MIN_STATUS_LIST_BITS / 8, "16 KiB at least");
        assert_eq!(list[0], 0b1000_0000);
        assert_eq!(list[1], 0b0100_0000);
        assert_eq!(list[5], 0b1000_0000);
        assert_eq!(list.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
        // Nothing annulled: all zeros, still 16 KiB.
        assert!(decode(&encoded_list(None, &[])).iter().all(|b| *b == 0));
        // More numbers than 131,072: the list grows to hold the highest.
        let big = decode(&encoded_list(Some(200_000), &[199_999]));
        assert_eq!(big.len(), 25_001);
        assert_eq!(big[199_999 / 8], 0x80 >> (199_999 % 8));
        // The same numbers, the same string.
        assert_eq!(encoded_list(Some(5), &[3]), encoded_list(Some(5), &[3]));
    }

    #[test]
    fn a_jwt_is_header_payload_and_the_keys_signature_over_both() {
        let secret = KeySecret::from_bytes([7; 32]);
        let key = keys::generate(&secret, [42; 32]).unwrap();
        let urls = IssuerUrls::new("https://laurel.example/", "u1");
        let kid_url = urls.key(&key.id);
        assert_eq!(
            kid_url,
            format!("https://laurel.example/issuers/u1/keys/{}", key.id)
        );
        let payload = json!({ "name": "Đặng Quốc Bảo" });
        let jwt = sign_jwt(&secret, &key.id, &key.sealed, &kid_url, &payload).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&BASE64URL_NOPAD.decode(parts[0].as_bytes()).unwrap()).unwrap();
        assert_eq!(
            header,
            json!({ "alg": "EdDSA", "kid": kid_url, "typ": "JWT" })
        );
        let body: Value =
            serde_json::from_slice(&BASE64URL_NOPAD.decode(parts[1].as_bytes()).unwrap()).unwrap();
        assert_eq!(body, payload);
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(keys::verify(&key.public_key, input.as_bytes(), parts[2]));
        // Deterministic: the same payload signs to the same token.
        assert_eq!(
            jwt,
            sign_jwt(&secret, &key.id, &key.sealed, &kid_url, &payload).unwrap()
        );
    }
}
