//! Webhook endpoints: registered, turned on and off, and their deliveries put back in the queue,
//! by administrators. Every change is audited; deliveries themselves are the dispatcher's
//! (`crate::dispatch`).

use laurel_domain::authz::{Action, Actor};
use laurel_domain::events::{Change, Kind, Subject, is_event_name};
use laurel_domain::ids::UnitId;
use laurel_domain::text::InvalidInput;
use laurel_store::{Read, WebhookDelivery, WebhookEndpoint, scope_text};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;

/// What an administrator registers.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// `https://…` (or `http://…`, e.g. on an internal network).
    pub url: String,
    /// What it is for.
    pub description: String,
    /// Event kinds wanted; empty for all.
    pub kinds: Vec<String>,
    /// Only events about this unit's subtree; `None` for everything.
    pub unit: Option<UnitId>,
    /// The signing secret; generated when absent.
    pub secret: Option<String>,
}

const URL_MAX: usize = 2_000;
const SECRET_MIN: usize = 16;

impl Ops {
    /// Registers an endpoint (administrators). Returns it with its secret: the only time the
    /// secret is shown.
    pub async fn register_webhook(
        &self,
        actor: &Actor,
        input: NewWebhook,
        now: OffsetDateTime,
    ) -> Result<WebhookEndpoint, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let url = input.url.trim().to_owned();
        let parsed = reqwest::Url::parse(&url).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host().is_some() && url.len() <= URL_MAX
        });
        let mut errors = Vec::new();
        if parsed.is_none() {
            errors.push(InvalidInput::Malformed {
                field: "url",
                expected_vi: "một địa chỉ http:// hoặc https:// đầy đủ",
                expected_en: "a full http:// or https:// address",
            });
        }
        if input.kinds.iter().any(|k| !is_event_name(k)) {
            errors.push(InvalidInput::Malformed {
                field: "kinds",
                expected_vi: "các loại sự kiện Laurel phát ra, ví dụ NOMINATION_SUBMITTED, DECISION_SIGNED",
                expected_en: "event kinds Laurel emits, e.g. NOMINATION_SUBMITTED, DECISION_SIGNED",
            });
        }
        if input
            .secret
            .as_ref()
            .is_some_and(|s| s.len() < SECRET_MIN || s.len() > 200)
        {
            errors.push(InvalidInput::Malformed {
                field: "secret",
                expected_vi: "một chuỗi bí mật từ 16 đến 200 ký tự (hoặc để trống để Laurel tự tạo)",
                expected_en: "a secret of 16 to 200 characters (or none, and Laurel makes one)",
            });
        }
        let description =
            laurel_domain::text::bounded_line("description", input.description.trim(), 200)
                .or_else(|e| {
                    if input.description.trim().is_empty() {
                        Ok(String::new())
                    } else {
                        Err(e)
                    }
                });
        let description = match description {
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        if !errors.is_empty() {
            return Err(OpsError::Invalid(errors));
        }
        let secret = input.secret.unwrap_or_else(|| {
            format!(
                "whsec_{}",
                data_encoding::BASE32_NOPAD
                    .encode(&edge::random_bytes::<20>())
                    .to_lowercase()
            )
        });
        let mut kinds = input.kinds;
        kinds.sort();
        kinds.dedup();
        in_tx!(self, |tx| {
            let (scope_unit, scope_path) = match input.unit {
                Some(unit) => {
                    tx.require_unit(unit).await?;
                    (Some(unit.0), scope_text(&tx.unit_path(unit).await?))
                }
                None => (None, scope_text(&everywhere())),
            };
            let endpoint = WebhookEndpoint {
                id: edge::new_id(),
                url: url.clone(),
                description: description.clone(),
                kinds: kinds.clone(),
                scope_unit,
                scope_path,
                secret: secret.clone(),
                enabled: true,
                created_by: actor.account.0,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            tx.insert_webhook(&endpoint).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Webhook(endpoint.id),
                    Kind::WebhookRegistered,
                    json!({
                        "url": endpoint.url,
                        "kinds": endpoint.kinds,
                        "unit": endpoint.scope_unit,
                    }),
                ),
            ))
            .await?;
            Ok(endpoint)
        })
    }

    /// Turns an endpoint's deliveries on or off (administrators). Off: nothing more is sent to
    /// it, and events meanwhile are not queued for it.
    pub async fn set_webhook_enabled(
        &self,
        actor: &Actor,
        id: Uuid,
        enabled: bool,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<WebhookEndpoint, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        in_tx!(self, |tx| {
            let version = tx
                .set_webhook_enabled(id, enabled, expected_version, now)
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Webhook(id),
                    if enabled {
                        Kind::WebhookEnabled
                    } else {
                        Kind::WebhookDisabled
                    },
                    json!({ "version": version }),
                ),
            ))
            .await?;
            tx.webhook(id).await?.ok_or(OpsError::NotFound {
                entity: "webhook",
                id: id.to_string(),
            })
        })
    }

    /// Puts a delivery back in the queue for an attempt now (administrators).
    pub async fn redeliver(
        &self,
        actor: &Actor,
        delivery: i64,
        now: OffsetDateTime,
    ) -> Result<WebhookDelivery, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        in_tx!(self, |tx| {
            let endpoint = tx
                .delivery_endpoint(delivery)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "webhook delivery",
                    id: delivery.to_string(),
                })?;
            let redelivered = tx.redeliver(delivery, now).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Webhook(endpoint),
                    Kind::WebhookRedeliveryRequested,
                    json!({ "delivery": delivery, "outboxId": redelivered.outbox_id }),
                ),
            ))
            .await?;
            Ok(redelivered)
        })
    }

    /// Every endpoint (administrators).
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<WebhookEndpoint>, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        Ok(self.store.webhooks().await?)
    }

    /// An endpoint's deliveries, newest first (administrators).
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        endpoint: Uuid,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<WebhookDelivery>, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        if self.store.webhook(endpoint).await?.is_none() {
            return Err(OpsError::NotFound {
                entity: "webhook",
                id: endpoint.to_string(),
            });
        }
        Ok(self
            .store
            .webhook_deliveries(endpoint, before, limit)
            .await?)
    }
}
