//! Webhooks in GraphQL: administrators register endpoints, turn them on and off, read each
//! one's delivery log and put a delivery back in the queue. Thin: each field parses its input
//! and calls one operation.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use laurel_domain::ids::UnitId;
use laurel_domain::text::InvalidInput;
use laurel_store::{DeliveryStatus, WebhookDelivery, WebhookEndpoint};
use time::OffsetDateTime;

use super::{actor, now, ops, parse_id, parse_uuid};
use crate::error::OpsError;
use crate::ops::NewWebhook;

use super::{LOG_PAGE_DEFAULT as DELIVERIES_DEFAULT, LOG_PAGE_MAX as DELIVERIES_MAX};

/// A registered webhook endpoint (its secret is shown once, at registration).
#[derive(Debug, Clone)]
pub struct WebhookNode(pub WebhookEndpoint);

#[Object(name = "WebhookEndpoint")]
impl WebhookNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The event kinds it receives (empty: all).
    async fn kinds(&self) -> &[String] {
        &self.0.kinds
    }
    /// It hears only about this unit's subtree (none: the whole organisation).
    async fn unit_id(&self) -> Option<ID> {
        self.0.scope_unit.map(|u| ID(u.to_string()))
    }
    /// Whether deliveries go out.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
    /// For `setWebhookEnabled`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An endpoint just registered, with the secret its deliveries are signed with.
#[derive(SimpleObject, Debug)]
pub struct WebhookRegistration {
    /// The endpoint.
    endpoint: WebhookNode,
    /// The signing secret: keep it; it is not shown again.
    secret: String,
}

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_store::DeliveryStatus")]
pub enum WebhookDeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The endpoint accepted it (2xx).
    Delivered,
    /// Retries ran out; `redeliver` puts it back.
    Parked,
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone)]
pub struct DeliveryNode(pub WebhookDelivery);

#[Object(name = "WebhookDelivery")]
impl DeliveryNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The event's kind, e.g. NOMINATION_SUBMITTED.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status.into()
    }
    /// Attempts made.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
    /// When the next attempt is due (while pending).
    async fn next_attempt_at(&self) -> Option<OffsetDateTime> {
        (self.0.status == DeliveryStatus::Pending).then_some(self.0.next_attempt_at)
    }
    async fn last_attempt_at(&self) -> Option<OffsetDateTime> {
        self.0.last_attempt_at
    }
    /// The HTTP status of the last answer.
    async fn last_status(&self) -> Option<i32> {
        self.0.last_status
    }
    /// What went wrong last.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn delivered_at(&self) -> Option<OffsetDateTime> {
        self.0.delivered_at
    }
}

/// An endpoint to register.
#[derive(InputObject, Debug)]
pub struct RegisterWebhookInput {
    /// `https://…` (or `http://…` on an internal network).
    pub url: String,
    /// What it is for.
    #[graphql(default)]
    pub description: String,
    /// Event kinds to receive (e.g. NOMINATION_SUBMITTED, DECISION_SIGNED); empty for all.
    #[graphql(default)]
    pub kinds: Vec<String>,
    /// Only events about this unit's subtree; none for the whole organisation.
    pub unit_id: Option<ID>,
    /// The signing secret (16–200 characters); Laurel makes one when absent.
    pub secret: Option<String>,
}

/// Webhook reads (administrators).
#[derive(Debug, Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Every registered endpoint.
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<WebhookNode>> {
        Ok(ops(ctx)?
            .webhooks(actor(ctx)?)
            .await?
            .into_iter()
            .map(WebhookNode)
            .collect())
    }

    /// An endpoint's delivery log, newest first; `before` a delivery id to page back.
    #[graphql(
        complexity = "first.unwrap_or(DELIVERIES_DEFAULT).clamp(1, DELIVERIES_MAX) as usize * child_complexity"
    )]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        endpoint_id: ID,
        first: Option<i32>,
        before: Option<ID>,
    ) -> Result<Vec<DeliveryNode>> {
        let endpoint = parse_uuid("endpointId", &endpoint_id)?;
        let (first, before) =
            super::log_page(first, before.as_ref(), "mã một lần gửi", "a delivery id")?;
        Ok(ops(ctx)?
            .webhook_deliveries(actor(ctx)?, endpoint, before, first)
            .await?
            .into_iter()
            .map(DeliveryNode)
            .collect())
    }
}

/// Webhook changes (administrators).
#[derive(Debug, Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint. Deliveries are POSTed as JSON and signed: header
    /// `Laurel-Signature: t=<unix seconds>,v1=<HMAC-SHA256(secret, "<t>.<body>") in hex>`.
    async fn register_webhook(
        &self,
        ctx: &Context<'_>,
        input: RegisterWebhookInput,
    ) -> Result<WebhookRegistration> {
        let unit = input
            .unit_id
            .as_ref()
            .map(|u| parse_id::<UnitId>("unitId", u))
            .transpose()?;
        let endpoint = ops(ctx)?
            .register_webhook(
                actor(ctx)?,
                NewWebhook {
                    url: input.url,
                    description: input.description,
                    kinds: input.kinds,
                    unit,
                    secret: input.secret,
                },
                now(ctx)?,
            )
            .await?;
        Ok(WebhookRegistration {
            secret: endpoint.secret.clone(),
            endpoint: WebhookNode(endpoint),
        })
    }

    /// Turns an endpoint's deliveries on or off. While off, nothing is sent to it and events
    /// are not queued for it.
    async fn set_webhook_enabled(
        &self,
        ctx: &Context<'_>,
        id: ID,
        enabled: bool,
        expected_version: i32,
    ) -> Result<WebhookNode> {
        let id = parse_uuid("id", &id)?;
        Ok(WebhookNode(
            ops(ctx)?
                .set_webhook_enabled(actor(ctx)?, id, enabled, expected_version, now(ctx)?)
                .await?,
        ))
    }

    /// Puts a delivery (parked, failed or delivered) back in the queue for an attempt now.
    async fn redeliver(&self, ctx: &Context<'_>, delivery_id: ID) -> Result<DeliveryNode> {
        let id = delivery_id.parse::<i64>().map_err(|_| {
            OpsError::invalid(InvalidInput::Malformed {
                field: "deliveryId",
                expected_vi: "mã một lần gửi",
                expected_en: "a delivery id",
            })
        })?;
        Ok(DeliveryNode(
            ops(ctx)?.redeliver(actor(ctx)?, id, now(ctx)?).await?,
        ))
    }
}
