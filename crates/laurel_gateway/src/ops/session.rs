//! Logging in and out, passwords, and the first administrator.

use laurel_domain::authz::{Grant, Role};
use laurel_domain::ids::AccountId;
use laurel_store::{Account, NewAccount, Read, Store, StoreError};
use serde_json::json;
use time::OffsetDateTime;

use super::{Ops, everywhere, recorded};
use crate::auth::{self, Authenticated};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The bearer token: shown once, never stored.
    pub token: String,
    /// When it expires.
    pub expires_at: OffsetDateTime,
    /// Who logged in.
    pub account: Account,
}

/// The administrator created on an empty database.
#[derive(Debug, Clone)]
pub struct Bootstrapped {
    /// Its username.
    pub username: String,
    /// Its one-time password (to be changed at first login).
    pub password: String,
}

/// The username of the first administrator.
pub const FIRST_ADMIN: &str = "admin";

/// A hash to verify against when the username is unknown, so that the response time does not
/// reveal which usernames exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0qXvQvb7k5d2UKlxUVQhzShhQ9H5aTvVJb2tlMrr1aU";

/// How long failed logins are remembered, and how long a throttled username or address waits.
pub const LOGIN_WINDOW: time::Duration = time::Duration::minutes(15);
/// Failed logins of one username from one client address within [`LOGIN_WINDOW`] after which
/// that address is refused for that username until the oldest of them is older than the
/// window (whatever password comes). The person typing from their own office is not held up by
/// someone guessing elsewhere.
pub const LOGIN_FAILURES_PER_USERNAME_FROM_CLIENT: u64 = 5;
/// Failed logins of one username from all addresses within [`LOGIN_WINDOW`] after which it is
/// refused everywhere likewise: a guess spread over many addresses. Since each address gets
/// [`LOGIN_FAILURES_PER_USERNAME_FROM_CLIENT`] tries, keeping someone out takes at least five
/// addresses (IPv6 /64 networks) trying all the time, and every such lock is audited; a guess
/// gets at most 25 tries an account every 15 minutes, however many addresses it comes from.
pub const LOGIN_FAILURES_PER_USERNAME: u64 = 25;
/// Failed logins from one client address within [`LOGIN_WINDOW`] (any usernames) after which
/// that address is refused likewise.
pub const LOGIN_FAILURES_PER_CLIENT: u64 = 30;

/// The limits, by the name the audit row gives them.
fn limits(counted: &laurel_store::LoginFailures) -> [(&'static str, &[OffsetDateTime], u64); 3] {
    [
        (
            "usernameFromClient",
            &counted.username_from_client,
            LOGIN_FAILURES_PER_USERNAME_FROM_CLIENT,
        ),
        ("username", &counted.username, LOGIN_FAILURES_PER_USERNAME),
        ("client", &counted.client, LOGIN_FAILURES_PER_CLIENT),
    ]
}

/// The address a login came from, put in the GraphQL request's data by the server (and the
/// console) so that failures are counted per client too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The key a client's failed logins are counted under: an IPv4 address as it is (an IPv4
/// address mapped into IPv6 too); an IPv6 address by its /64 network, since one subscriber
/// usually holds a whole /64 and could otherwise try from 2^64 addresses.
fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{}/64", std::net::Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
    }
}

impl Ops {
    /// Checks a username and password and starts a session. Failed logins are counted (in the
    /// database, so every process counts them) per username and client address, per client
    /// address and per username from every address; past one of
    /// [`LOGIN_FAILURES_PER_USERNAME_FROM_CLIENT`], [`LOGIN_FAILURES_PER_CLIENT`] or
    /// [`LOGIN_FAILURES_PER_USERNAME`] within [`LOGIN_WINDOW`], logins there are refused with
    /// `RATE_LIMITED` before any password is checked, and the moment a limit is reached is
    /// audited (`LOGIN_THROTTLED`). A success forgets its own address's failures only.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<ClientAddress>,
        now: OffsetDateTime,
    ) -> Result<LoggedIn, OpsError> {
        // Counted as typed (trimmed, lower-cased, bounded, no control characters), so that
        // unknown and malformed usernames are throttled like real ones and reveal nothing.
        let tried: String = username
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let client = client.map_or_else(|| "-".to_string(), |c| client_key(c.0));
        // The attempt is charged before its password is checked (and committed), so that
        // parallel attempts count each other; it is forgotten if refused or if it succeeds.
        let attempt = edge::new_id();
        in_tx!(self, |tx| {
            tx.record_login_failure(attempt, &tried, &client, now, now - LOGIN_WINDOW)
                .await?;
            Ok(())
        })?;
        let most = LOGIN_FAILURES_PER_USERNAME
            .max(LOGIN_FAILURES_PER_CLIENT)
            .max(LOGIN_FAILURES_PER_USERNAME_FROM_CLIENT);
        let counted = self
            .store
            .login_failures(&tried, &client, now - LOGIN_WINDOW, most + 1)
            .await?;
        // Refused when a limit was reached before this attempt.
        if let Some(until) = full_until(&counted, 1) {
            in_tx!(self, |tx| {
                tx.forget_login_attempt(attempt).await?;
                Ok(())
            })?;
            return Err(OpsError::TooManyAttempts { until });
        }
        let found = match auth::parse_username(username) {
            Ok(name) => self.store.account_for_login(&name).await?,
            Err(_) => None,
        };
        let hash = found
            .as_ref()
            .map_or_else(|| DUMMY_HASH.to_string(), |(_, h)| h.clone());
        let password = password.to_string();
        let matches = self
            .hash(move || auth::verify_password(&password, &hash))
            .await?;
        let account = match found {
            Some((account, _)) if matches && !account.disabled => account,
            found => {
                // This failure stays counted; if it is the one that reaches a limit, the
                // throttling is audited.
                if let Some(until) = full_until(&counted, 0) {
                    // Audited once: when this failure is the one that reaches a limit.
                    let reached: Vec<&str> = limits(&counted)
                        .into_iter()
                        .filter(|(_, times, limit)| u64::try_from(times.len()) == Ok(*limit))
                        .map(|(by, _, _)| by)
                        .collect();
                    if !reached.is_empty() {
                        self.audit_throttling(
                            &tried,
                            &client,
                            found.map(|(a, _)| a.id),
                            &reached,
                            until,
                            now,
                        )
                        .await?;
                    }
                }
                return Err(OpsError::InvalidCredentials);
            }
        };
        let token = auth::new_token();
        let token_hash = auth::token_hash(&token);
        let expires_at = now + self.settings.session_ttl;
        let account_id = account.id;
        in_tx!(self, |tx| {
            tx.clear_login_failures(&tried, Some(&client)).await?;
            tx.insert_session(
                edge::new_id(),
                account_id,
                token_hash.clone(),
                now,
                expires_at,
            )
            .await?;
            tx.record(&recorded(
                now,
                Some(account_id),
                everywhere(),
                Change::new(
                    Subject::Account(account_id),
                    Kind::SessionStarted,
                    json!({ "expiresAt": expires_at.unix_timestamp() }),
                ),
            ))
            .await?;
            Ok(())
        })?;
        Ok(LoggedIn {
            token,
            expires_at,
            account,
        })
    }

    /// Audits that a failed login reached a limit: logins for `tried` (by username) or from
    /// `client` are refused until `until`.
    async fn audit_throttling(
        &self,
        tried: &str,
        client: &str,
        account: Option<AccountId>,
        by: &[&str],
        until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), OpsError> {
        in_tx!(self, |tx| {
            tx.record(&recorded(
                now,
                None,
                everywhere(),
                Change::new(
                    Subject::Login,
                    Kind::LoginThrottled,
                    json!({
                        "username": tried,
                        "account": account.map(|a| a.to_string()),
                        "client": client,
                        "by": by,
                        "until": until.unix_timestamp(),
                    }),
                ),
            ))
            .await?;
            Ok(())
        })
    }

    /// Ends the session the request was made with.
    pub async fn logout(
        &self,
        auth: &Authenticated,
        now: OffsetDateTime,
    ) -> Result<bool, OpsError> {
        in_tx!(self, |tx| {
            let ended = tx.revoke_session(&auth.token_hash, now).await?;
            if ended {
                tx.record(&recorded(
                    now,
                    Some(auth.account.id),
                    everywhere(),
                    Change::new(
                        Subject::Account(auth.account.id),
                        Kind::SessionEnded,
                        json!({}),
                    ),
                ))
                .await?;
            }
            Ok(ended)
        })
    }

    /// Changes the caller's password (and clears a pending one-time-password change).
    pub async fn change_password(
        &self,
        auth: &Authenticated,
        current: &str,
        new: &str,
        now: OffsetDateTime,
    ) -> Result<Account, OpsError> {
        let new = auth::parse_password("newPassword", new)?;
        if new == unicode_normalization::UnicodeNormalization::nfc(current).collect::<String>() {
            return Err(OpsError::invalid(
                laurel_domain::text::InvalidInput::Malformed {
                    field: "newPassword",
                    expected_vi: "mật khẩu mới phải khác mật khẩu hiện tại",
                    expected_en: "the new password must differ from the current one",
                },
            ));
        }
        let (_, hash) = self
            .store
            .account_for_login(&auth.account.username)
            .await?
            .ok_or(OpsError::Unauthenticated(None))?;
        let current = current.to_string();
        let new_for_hash = new.clone();
        let (matches, new_hash) = self
            .hash(move || {
                let matches = auth::verify_password(&current, &hash);
                (matches, matches.then(|| auth::hash_password(&new_for_hash)))
            })
            .await?;
        let new_hash = match (matches, new_hash) {
            (true, Some(hash)) => hash?,
            _ => return Err(OpsError::InvalidCredentials),
        };
        let id = auth.account.id;
        in_tx!(self, |tx| {
            tx.set_password(id, new_hash.clone(), false).await?;
            // Anyone else holding a session of this account is logged out.
            tx.revoke_sessions_of(id, Some(&auth.token_hash), now)
                .await?;
            tx.record(&recorded(
                now,
                Some(id),
                everywhere(),
                Change::new(Subject::Account(id), Kind::PasswordChanged, json!({})),
            ))
            .await?;
            Ok(())
        })?;
        self.store.account(id).await?.ok_or(OpsError::NotFound {
            entity: "account",
            id: id.to_string(),
        })
    }
}

/// On an empty database, creates the administrator `admin` with a one-time password.
/// Returns `None` when accounts already exist (or another process created it first).
pub async fn bootstrap_admin(
    store: &Store,
    now: OffsetDateTime,
) -> Result<Option<Bootstrapped>, OpsError> {
    if store.count_accounts().await? > 0 {
        return Ok(None);
    }
    let password = auth::new_one_time_password();
    let hash = {
        let password = password.clone();
        auth::blocking(move || auth::hash_password(&password)).await??
    };
    let id = AccountId(edge::new_id());
    let tx = store.write().await?;
    let inserted = tx
        .insert_account(
            NewAccount {
                id,
                username: FIRST_ADMIN.into(),
                password_hash: hash,
                display_name: "Quản trị hệ thống".into(),
                person: None,
                must_change_password: true,
                email: None,
            },
            now,
        )
        .await;
    match inserted {
        Err(StoreError::Duplicate { .. }) => return Ok(None),
        other => other?,
    }
    let admin = Grant::new(Role::Admin, None)?;
    tx.insert_grant(edge::new_id(), id, admin, now).await?;
    tx.record(&recorded(
        now,
        None,
        everywhere(),
        Change::new(
            Subject::Account(id),
            Kind::AccountCreated,
            json!({ "username": FIRST_ADMIN, "roles": ["ADMIN"] }),
        )
        .reason(Some("first start on an empty database")),
    ))
    .await?;
    tx.commit().await?;
    Ok(Some(Bootstrapped {
        username: FIRST_ADMIN.into(),
        password,
    }))
}

/// Gives an account a new one-time password (for `laurel admin reset-password`).
pub async fn reset_password(
    store: &Store,
    username: &str,
    now: OffsetDateTime,
) -> Result<String, OpsError> {
    let name = auth::parse_username(username)?;
    let (account, _) = store
        .account_for_login(&name)
        .await?
        .ok_or(OpsError::NotFound {
            entity: "account",
            id: name.clone(),
        })?;
    let password = auth::new_one_time_password();
    let hash = {
        let password = password.clone();
        auth::blocking(move || auth::hash_password(&password)).await??
    };
    let tx = store.write().await?;
    tx.set_password(account.id, hash, true).await?;
    tx.revoke_sessions_of(account.id, None, now).await?;
    // A username locked by failed logins is free again with its new password.
    tx.clear_login_failures(&name, None).await?;
    tx.record(&recorded(
        now,
        None,
        everywhere(),
        Change::new(Subject::Account(account.id), Kind::PasswordReset, json!({}))
            .reason(Some("laurel admin reset-password")),
    ))
    .await?;
    tx.commit().await?;
    Ok(password)
}

/// When logins may be tried again, if `counted` (newest first) holds at least `extra` more
/// attempts than a limit allows: the oldest of them leaves the window then.
fn full_until(counted: &laurel_store::LoginFailures, extra: u64) -> Option<OffsetDateTime> {
    limits(counted)
        .into_iter()
        .filter_map(|(_, times, limit)| {
            let index = usize::try_from(limit.saturating_add(extra))
                .ok()?
                .checked_sub(1)?;
            times.get(index).map(|oldest| *oldest + LOGIN_WINDOW)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::{DUMMY_HASH, client_key};

    #[test]
    fn the_dummy_hash_is_a_valid_argon2id_hash() {
        // A malformed dummy would make unknown usernames fail fast and reveal themselves.
        assert!(argon2::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn failed_logins_count_per_ipv4_address_and_per_ipv6_network() {
        for (address, key) in [
            ("203.113.7.9", "203.113.7.9"),
            ("::ffff:203.113.7.9", "203.113.7.9"),
            ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("::1", "::/64"),
        ] {
            assert_eq!(
                client_key(address.parse().expect("an address")),
                key,
                "{address}"
            );
        }
    }
}
