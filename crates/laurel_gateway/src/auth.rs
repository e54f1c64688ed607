//! Passwords, session tokens, and turning a bearer token into an [`Actor`].
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults, OWASP's recommended
//! parameters). Session tokens are 32 random bytes, handed to the client once, and stored only as
//! their SHA-256, so a database leak reveals no usable token.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use laurel_domain::authz::Actor;
use laurel_domain::text::InvalidInput;
use laurel_store::{Account, Read, Store};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use unicode_normalization::UnicodeNormalization;

use crate::edge;
use crate::error::OpsError;

/// Shortest accepted password, in characters.
pub const PASSWORD_MIN: usize = 10;
/// Longest accepted password, in characters.
pub const PASSWORD_MAX: usize = 256;

/// A signed-in account and what it may do.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The account.
    pub account: Account,
    /// Its grants, for authorization.
    pub actor: Actor,
    /// SHA-256 of the bearer token used (for logout).
    pub token_hash: String,
}

/// Why a presented bearer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// No session has this token.
    Unknown,
    /// The session expired or was logged out.
    Expired,
    /// The account was disabled.
    Disabled,
}

/// Validates a username: 3-64 characters of `a-z 0-9 . _ -`, lower-cased.
pub fn parse_username(raw: &str) -> Result<String, InvalidInput> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name)
    } else {
        Err(InvalidInput::Malformed {
            field: "username",
            expected_vi: "3-64 ký tự gồm chữ thường không dấu, chữ số, '.', '_' hoặc '-'",
            expected_en: "3-64 characters of lower-case a-z, digits, '.', '_' or '-'",
        })
    }
}

/// Validates a new password (NFC-normalised, so it matches however it is typed).
pub fn parse_password(field: &'static str, raw: &str) -> Result<String, InvalidInput> {
    let password: String = raw.nfc().collect();
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(InvalidInput::Malformed {
            field,
            expected_vi: "mật khẩu phải có ít nhất 10 ký tự",
            expected_en: "a password needs at least 10 characters",
        });
    }
    if len > PASSWORD_MAX {
        return Err(InvalidInput::TooLong {
            field,
            max: PASSWORD_MAX,
            actual: len,
        });
    }
    Ok(password)
}

/// Hashes a password with Argon2id. CPU-heavy: call from a blocking task.
pub fn hash_password(password: &str) -> Result<String, OpsError> {
    PasswordHasher::<PasswordHash>::hash_password(&Argon2::default(), password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| OpsError::internal(format!("argon2 hash: {e}")))
}

/// Checks a password against a stored hash. CPU-heavy: call from a blocking task.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let password: String = password.nfc().collect();
    PasswordVerifier::<str>::verify_password(&Argon2::default(), password.as_bytes(), hash).is_ok()
}

/// Runs a CPU-heavy closure (password hashing) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OpsError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| OpsError::internal(format!("blocking task failed: {e}")))
}

/// A fresh bearer token.
pub fn new_token() -> String {
    BASE64URL_NOPAD.encode(&edge::random_bytes::<32>())
}

/// A fresh one-time password: 20 characters from an alphabet without look-alikes.
pub fn new_one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    edge::random_bytes::<20>()
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// Resolves a bearer token to an account and its grants.
pub async fn authenticate(
    store: &Store,
    token: &str,
    now: OffsetDateTime,
) -> Result<Result<Authenticated, TokenProblem>, OpsError> {
    authenticate_hash(store, token_hash(token), now).await
}

/// Resolves a session by its token's stored form, as [`authenticate`] does: what a long-lived
/// connection (a subscription) checks again before each event it delivers.
pub async fn authenticate_hash(
    store: &Store,
    hash: String,
    now: OffsetDateTime,
) -> Result<Result<Authenticated, TokenProblem>, OpsError> {
    let Some(read) = store.session_actor(&hash).await? else {
        return Ok(Err(TokenProblem::Unknown));
    };
    let session = read.session;
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Ok(Err(TokenProblem::Expired));
    }
    let Some(account) = read.account else {
        return Ok(Err(TokenProblem::Unknown));
    };
    if account.disabled {
        return Ok(Err(TokenProblem::Disabled));
    }
    // Delegations to the account count on the day of the request (Asia/Ho_Chi_Minh), and only
    // then: an expired one gives nothing (the domain decides which are in force).
    let (grants, delegations) = (read.grants, read.delegations);
    Ok(Ok(Authenticated {
        actor: Actor::new(
            account.id,
            grants,
            &delegations,
            laurel_domain::calendar::local_date(now),
        ),
        account,
        token_hash: hash,
    }))
}

/// The actor an enabled account is, by its login, with its grants and the delegations in
/// force on `now`'s day: for tools that act as an account without a session (`laurel import`).
pub async fn actor_for_login(
    store: &Store,
    username: &str,
    now: OffsetDateTime,
) -> Result<Option<Actor>, OpsError> {
    let Some((account, _)) = store.account_for_login(username).await? else {
        return Ok(None);
    };
    if account.disabled {
        return Ok(None);
    }
    let grants = store.grants(account.id).await?;
    let delegations = laurel_store::ReadReview::delegations_to(store, account.id).await?;
    Ok(Some(Actor::new(
        account.id,
        grants,
        &delegations,
        laurel_domain::calendar::local_date(now),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash_and_ignore_normalisation() {
        let nfd: String = "Mật khẩu rất dài".nfd().collect();
        let hash = hash_password(&parse_password("password", "Mật khẩu rất dài").expect("valid"))
            .expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Mật khẩu rất dài", &hash));
        assert!(verify_password(&nfd, &hash));
        assert!(!verify_password("mật khẩu rất dài", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn usernames_and_passwords_are_checked() {
        assert_eq!(parse_username(" Huyen.NT "), Ok("huyen.nt".into()));
        for bad in ["ab", "huyền", "a b c", &"x".repeat(65)] {
            assert!(parse_username(bad).is_err(), "{bad}");
        }
        assert!(parse_password("password", "short").is_err());
        assert!(parse_password("password", &"p".repeat(300)).is_err());
    }

    #[test]
    fn tokens_and_one_time_passwords_are_random_and_hashes_stable() {
        assert_ne!(new_token(), new_token());
        assert_eq!(new_token().len(), 43);
        let otp = new_one_time_password();
        assert_eq!(otp.chars().count(), 20);
        assert!(parse_password("password", &otp).is_ok());
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_eq!(token_hash("abc").len(), 64);
    }
}
