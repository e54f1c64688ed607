//! Notification preferences: an account's e-mail address and how it hears of its work (each
//! change, a daily digest, or nothing), set by the account itself or by an administrator; and
//! the list of what it was told. Sending is the notifier's (`crate::notify`).

use laurel_domain::authz::{Action, Actor};
use laurel_domain::events::{Change, Kind, Subject};
use laurel_domain::ids::AccountId;
use laurel_domain::notification::Mode;
use laurel_domain::text::InvalidInput;
use laurel_store::{Account, NotificationRecord, Read};
use serde_json::json;
use time::OffsetDateTime;

use super::{Ops, by, everywhere, recorded};
use crate::error::OpsError;

const EMAIL_MAX: usize = 254;

/// An e-mail address as given: trimmed, checked by lettre's parser (RFC 5321 lengths, a domain
/// with a dot or an IP literal). `""` clears it.
pub fn parse_email(raw: &str) -> Result<Option<String>, InvalidInput> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let ok = trimmed.len() <= EMAIL_MAX
        && trimmed
            .parse::<lettre::Address>()
            .is_ok_and(|a| a.domain().contains('.') || a.domain().starts_with('['));
    if ok {
        Ok(Some(trimmed.to_owned()))
    } else {
        Err(InvalidInput::Malformed {
            field: "email",
            expected_vi: "một địa chỉ thư điện tử, ví dụ ten@donvi.gov.vn",
            expected_en: "an e-mail address such as name@unit.gov.vn",
        })
    }
}

impl Ops {
    /// Sets where `target`'s notifications go and how (the account itself, or an
    /// administrator for anyone); `None` leaves a setting as it is, an empty address clears it.
    pub async fn set_notification_preferences(
        &self,
        actor: &Actor,
        target: Option<AccountId>,
        email: Option<&str>,
        mode: Option<Mode>,
        now: OffsetDateTime,
    ) -> Result<Account, OpsError> {
        let target = match target {
            Some(t) if t != actor.account => {
                actor.authorize(Action::ManageOrganisation, &everywhere())?;
                t
            }
            _ => actor.account,
        };
        let email = email
            .map(parse_email)
            .transpose()
            .map_err(OpsError::invalid)?;
        in_tx!(self, |tx| {
            if tx.account(target).await?.is_none() {
                return Err(OpsError::NotFound {
                    entity: "account",
                    id: target.to_string(),
                });
            }
            let account = tx
                .set_notification_preferences(target.0, email.clone(), mode)
                .await?;
            // The address itself is personal data: the log says only whether there is one.
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Account(target),
                    Kind::NotificationPreferencesChanged,
                    json!({
                        "emailSet": account.email.is_some(),
                        "mode": account.notify_mode.code(),
                    }),
                ),
            ))
            .await?;
            Ok(account)
        })
    }

    /// What the actor was told (or is about to be), newest first.
    pub async fn my_notifications(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<NotificationRecord>, OpsError> {
        Ok(self
            .store
            .notifications_of(actor.account.0, before, limit)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_people_type() {
        let cases = [
            (
                "  an.tran@congan.gialai.gov.vn ",
                Ok(Some("an.tran@congan.gialai.gov.vn")),
            ),
            ("", Ok(None)),
            ("   ", Ok(None)),
            ("an.tran", Err(())),
            ("an@localhost", Err(())),
            ("an tran@congan.gov.vn", Err(())),
            ("an@@congan.gov.vn", Err(())),
        ];
        for (raw, expected) in cases {
            let got = parse_email(raw);
            match expected {
                Ok(want) => assert_eq!(got.ok(), Some(want.map(str::to_owned)), "{raw:?}"),
                Err(()) => assert!(got.is_err(), "{raw:?}"),
            }
        }
    }
}
