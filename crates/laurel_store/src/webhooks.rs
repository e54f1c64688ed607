//! Webhook endpoints and their deliveries, fed from the outbox.
//!
//! Fan-out turns each outbox row into one delivery row per matching endpoint (a unique index
//! makes that once, whichever process does it). A delivery is claimed under a lease by one
//! process at a time (a conditional update, so two processes on one PostgreSQL never both win),
//! and only when no earlier delivery of the same aggregate to the same endpoint is still
//! pending: each endpoint sees an aggregate's events in order.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{outbox, webhook_delivery, webhook_endpoint};
use crate::{Store, StoreError, WriteTx};

/// A registered endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Its id.
    pub id: Uuid,
    /// Where deliveries are POSTed.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The event kinds it wants (empty: every kind).
    pub kinds: Vec<String>,
    /// The unit whose subtree it hears about (`None`: the whole organisation).
    pub scope_unit: Option<Uuid>,
    /// That unit's path, `/a/b/` (`/` for the whole organisation).
    pub scope_path: String,
    /// The signing secret.
    pub secret: String,
    /// Whether deliveries go out.
    pub enabled: bool,
    /// Who registered it.
    pub created_by: Uuid,
    /// When.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Optimistic version.
    pub version: i32,
}

/// The text of a scope path as endpoints and outbox rows store it: `/a/b/` (`/` for the whole
/// organisation), so that "under this unit" is a prefix test.
pub fn scope_text(path: &laurel_domain::org::UnitPath) -> String {
    crate::convert::format_path(path)
}

impl WebhookEndpoint {
    /// Whether an event of `kind` concerning the units under `scope` goes to this endpoint.
    pub fn wants(&self, kind: &str, scope: &str) -> bool {
        self.enabled
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind))
            && scope.starts_with(&self.scope_path)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Retries ran out; waits for a `redeliver`.
    Parked,
}

impl DeliveryStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Parked => "PARKED",
        }
    }

    fn parse(code: &str, id: i64) -> Result<DeliveryStatus, StoreError> {
        match code {
            "PENDING" => Ok(DeliveryStatus::Pending),
            "DELIVERED" => Ok(DeliveryStatus::Delivered),
            "PARKED" => Ok(DeliveryStatus::Parked),
            other => Err(StoreError::Corrupt {
                entity: "webhook_delivery",
                id: id.to_string(),
                detail: format!("unknown status `{other}`"),
            }),
        }
    }
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Its id.
    pub id: i64,
    /// The endpoint.
    pub endpoint: Uuid,
    /// The event (its audit id is in the payload).
    pub outbox_id: i64,
    /// The event's kind.
    pub kind: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i32,
    /// When it was fanned out.
    pub created_at: OffsetDateTime,
    /// When the next attempt is due (for a pending one).
    pub next_attempt_at: OffsetDateTime,
    /// The last attempt.
    pub last_attempt_at: Option<OffsetDateTime>,
    /// The HTTP status of the last answer.
    pub last_status: Option<i32>,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When the endpoint accepted it.
    pub delivered_at: Option<OffsetDateTime>,
}

/// A delivery claimed for an attempt: what to send and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub id: i64,
    /// Attempts made before this one.
    pub attempts: i32,
    /// When it was fanned out (retries stop a bounded time after).
    pub created_at: OffsetDateTime,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's secret.
    pub secret: String,
    /// The event's id (its audit id).
    pub event_id: i64,
    /// The event's kind.
    pub kind: String,
    /// The JSON body.
    pub payload: String,
}

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Accepted (2xx).
    Delivered {
        /// The status.
        status: i32,
    },
    /// Refused or unreachable; try again at `retry_at`, or park when `None`.
    Failed {
        /// The status, when an answer came.
        status: Option<i32>,
        /// What went wrong.
        error: String,
        /// When to try again (`None`: give up and park).
        retry_at: Option<OffsetDateTime>,
    },
}

fn endpoint(m: webhook_endpoint::Model) -> Result<WebhookEndpoint, StoreError> {
    let kinds: Vec<String> = serde_json::from_str(&m.kinds).map_err(|e| StoreError::Corrupt {
        entity: "webhook_endpoint",
        id: m.id.to_string(),
        detail: e.to_string(),
    })?;
    Ok(WebhookEndpoint {
        id: m.id,
        url: m.url,
        description: m.description,
        kinds,
        scope_unit: m.scope_unit_id,
        scope_path: m.scope_path,
        secret: m.secret,
        enabled: m.enabled,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

fn delivery(m: webhook_delivery::Model, kind: String) -> Result<WebhookDelivery, StoreError> {
    Ok(WebhookDelivery {
        status: DeliveryStatus::parse(&m.status, m.id)?,
        id: m.id,
        endpoint: m.endpoint_id,
        outbox_id: m.outbox_id,
        kind,
        attempts: m.attempts,
        created_at: m.created_at,
        next_attempt_at: m.next_attempt_at,
        last_attempt_at: m.last_attempt_at,
        last_status: m.last_status,
        last_error: m.last_error,
        delivered_at: m.delivered_at,
    })
}

impl WriteTx {
    /// Registers an endpoint.
    pub async fn insert_webhook(&self, e: &WebhookEndpoint) -> Result<(), StoreError> {
        webhook_endpoint::Entity::insert(webhook_endpoint::ActiveModel {
            id: Set(e.id),
            url: Set(e.url.clone()),
            description: Set(e.description.clone()),
            kinds: Set(serde_json::to_string(&e.kinds).unwrap_or_else(|_| "[]".into())),
            scope_unit_id: Set(e.scope_unit),
            scope_path: Set(e.scope_path.clone()),
            secret: Set(e.secret.clone()),
            enabled: Set(e.enabled),
            created_by: Set(e.created_by),
            created_at: Set(e.created_at),
            updated_at: Set(e.updated_at),
            version: Set(e.version),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// An endpoint, read in this transaction.
    pub async fn webhook(&self, id: Uuid) -> Result<Option<WebhookEndpoint>, StoreError> {
        webhook_endpoint::Entity::find_by_id(id)
            .one(&self.tx)
            .await?
            .map(endpoint)
            .transpose()
    }

    /// Turns an endpoint's deliveries on or off, at the expected version; returns the new
    /// version.
    pub async fn set_webhook_enabled(
        &self,
        id: Uuid,
        enabled: bool,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<i32, StoreError> {
        let updated = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::Enabled, Expr::value(enabled))
            .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                webhook_endpoint::Column::Version,
                Expr::value(expected_version + 1),
            )
            .filter(webhook_endpoint::Column::Id.eq(id))
            .filter(webhook_endpoint::Column::Version.eq(expected_version))
            .exec(&self.tx)
            .await?;
        if updated.rows_affected == 1 {
            return Ok(expected_version + 1);
        }
        let actual = self.webhook(id).await?.ok_or(StoreError::NotFound {
            entity: "webhook",
            id: id.to_string(),
        })?;
        Err(StoreError::Conflict {
            entity: "webhook",
            id: id.to_string(),
            expected: expected_version,
            actual: actual.version,
        })
    }

    /// Fans up to `limit` outbox rows out to the endpoints that want them; returns how many
    /// rows it handled. Delivery rows are unique per (endpoint, event), so a row fanned out
    /// twice by two processes still yields one delivery each.
    pub async fn fan_out(&self, now: OffsetDateTime, limit: u64) -> Result<usize, StoreError> {
        let mut select = outbox::Entity::find()
            .filter(outbox::Column::FannedOut.eq(false))
            .order_by_asc(outbox::Column::Id)
            .limit(limit);
        if self.tx.get_database_backend() == sea_orm::DbBackend::Postgres {
            select = select.lock_with_behavior(
                sea_orm::sea_query::LockType::Update,
                sea_orm::sea_query::LockBehavior::SkipLocked,
            );
        }
        let rows = select.all(&self.tx).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .all(&self.tx)
            .await?
            .into_iter()
            .map(endpoint)
            .collect::<Result<Vec<_>, _>>()?;
        for row in &rows {
            for e in endpoints.iter().filter(|e| e.wants(&row.kind, &row.scope)) {
                webhook_delivery::Entity::insert(webhook_delivery::ActiveModel {
                    endpoint_id: Set(e.id),
                    outbox_id: Set(row.id),
                    chain: Set(row.chain.clone()),
                    status: Set(DeliveryStatus::Pending.code().into()),
                    attempts: Set(0),
                    created_at: Set(now),
                    next_attempt_at: Set(now),
                    ..Default::default()
                })
                .on_conflict(
                    sea_orm::sea_query::OnConflict::columns([
                        webhook_delivery::Column::EndpointId,
                        webhook_delivery::Column::OutboxId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&self.tx)
                .await?;
            }
        }
        outbox::Entity::update_many()
            .col_expr(outbox::Column::FannedOut, Expr::value(true))
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&self.tx)
            .await?;
        Ok(rows.len())
    }

    /// Claims up to `limit` due deliveries for one attempt each, leased until `lease_until`:
    /// the oldest pending delivery of each (endpoint, aggregate) whose endpoint is enabled.
    pub async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        use webhook_delivery::Column as D;
        // An earlier delivery of the same aggregate to the same endpoint still pending holds
        // this one back.
        let earlier = Query::select()
            .expr(Expr::val(1))
            .from_as(webhook_delivery::Entity, "e")
            .and_where(
                Expr::col(("e", D::EndpointId)).equals((webhook_delivery::Entity, D::EndpointId)),
            )
            .and_where(Expr::col(("e", D::Chain)).equals((webhook_delivery::Entity, D::Chain)))
            .and_where(Expr::col(("e", D::Id)).lt(Expr::col((webhook_delivery::Entity, D::Id))))
            .and_where(Expr::col(("e", D::Status)).eq(DeliveryStatus::Pending.code()))
            .to_owned();
        let enabled = Query::select()
            .column(webhook_endpoint::Column::Id)
            .from(webhook_endpoint::Entity)
            .and_where(webhook_endpoint::Column::Enabled.eq(true))
            .to_owned();
        let candidates = webhook_delivery::Entity::find()
            .filter(D::Status.eq(DeliveryStatus::Pending.code()))
            .filter(D::NextAttemptAt.lte(now))
            .filter(
                Condition::any()
                    .add(D::LeaseUntil.is_null())
                    .add(D::LeaseUntil.lt(now)),
            )
            .filter(D::EndpointId.in_subquery(enabled))
            .filter(Expr::exists(earlier).not())
            .order_by(D::Id, Order::Asc)
            .limit(limit)
            .all(&self.tx)
            .await?;
        let mut claimed = Vec::new();
        for c in candidates {
            // Only one process wins a delivery: the lease is taken only if still free.
            let won = webhook_delivery::Entity::update_many()
                .col_expr(D::LeaseUntil, Expr::value(lease_until))
                .filter(D::Id.eq(c.id))
                .filter(D::Status.eq(DeliveryStatus::Pending.code()))
                .filter(
                    Condition::any()
                        .add(D::LeaseUntil.is_null())
                        .add(D::LeaseUntil.lt(now)),
                )
                .exec(&self.tx)
                .await?
                .rows_affected
                == 1;
            if !won {
                continue;
            }
            let (Some(e), Some(o)) = (
                webhook_endpoint::Entity::find_by_id(c.endpoint_id)
                    .one(&self.tx)
                    .await?,
                outbox::Entity::find_by_id(c.outbox_id)
                    .one(&self.tx)
                    .await?,
            ) else {
                continue;
            };
            claimed.push(ClaimedDelivery {
                id: c.id,
                attempts: c.attempts,
                created_at: c.created_at,
                url: e.url,
                secret: e.secret,
                event_id: o.audit_id,
                kind: o.kind,
                payload: o.payload,
            });
        }
        Ok(claimed)
    }

    /// Records an attempt's outcome and releases the lease.
    pub async fn complete_delivery(
        &self,
        id: i64,
        at: OffsetDateTime,
        outcome: &AttemptOutcome,
    ) -> Result<(), StoreError> {
        use webhook_delivery::Column as D;
        let mut update = webhook_delivery::Entity::update_many()
            .col_expr(D::Attempts, Expr::col(D::Attempts).add(1))
            .col_expr(D::LastAttemptAt, Expr::value(Some(at)))
            .col_expr(D::LeaseUntil, Expr::value(Option::<OffsetDateTime>::None));
        update = match outcome {
            AttemptOutcome::Delivered { status } => update
                .col_expr(D::Status, Expr::value(DeliveryStatus::Delivered.code()))
                .col_expr(D::LastStatus, Expr::value(Some(*status)))
                .col_expr(D::LastError, Expr::value(Option::<String>::None))
                .col_expr(D::DeliveredAt, Expr::value(Some(at))),
            AttemptOutcome::Failed {
                status,
                error,
                retry_at,
            } => {
                let update = update
                    .col_expr(D::LastStatus, Expr::value(*status))
                    .col_expr(D::LastError, Expr::value(Some(error.clone())));
                match retry_at {
                    Some(next) => update.col_expr(D::NextAttemptAt, Expr::value(*next)),
                    None => update.col_expr(D::Status, Expr::value(DeliveryStatus::Parked.code())),
                }
            }
        };
        update.filter(D::Id.eq(id)).exec(&self.tx).await?;
        Ok(())
    }

    /// Puts a delivery back in the queue for an attempt now; returns it.
    pub async fn redeliver(
        &self,
        id: i64,
        now: OffsetDateTime,
    ) -> Result<WebhookDelivery, StoreError> {
        use webhook_delivery::Column as D;
        let updated = webhook_delivery::Entity::update_many()
            .col_expr(D::Status, Expr::value(DeliveryStatus::Pending.code()))
            .col_expr(D::NextAttemptAt, Expr::value(now))
            .col_expr(D::CreatedAt, Expr::value(now))
            .col_expr(D::LeaseUntil, Expr::value(Option::<OffsetDateTime>::None))
            .filter(D::Id.eq(id))
            .exec(&self.tx)
            .await?;
        if updated.rows_affected == 0 {
            return Err(StoreError::NotFound {
                entity: "webhook delivery",
                id: id.to_string(),
            });
        }
        let m = webhook_delivery::Entity::find_by_id(id)
            .one(&self.tx)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "webhook delivery",
                id: id.to_string(),
            })?;
        let kind = outbox::Entity::find_by_id(m.outbox_id)
            .one(&self.tx)
            .await?
            .map(|o| o.kind)
            .unwrap_or_default();
        delivery(m, kind)
    }

    /// A delivery's endpoint.
    pub async fn delivery_endpoint(&self, id: i64) -> Result<Option<Uuid>, StoreError> {
        Ok(webhook_delivery::Entity::find_by_id(id)
            .one(&self.tx)
            .await?
            .map(|d| d.endpoint_id))
    }
}

impl Store {
    /// Every registered endpoint, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookEndpoint>, StoreError> {
        webhook_endpoint::Entity::find()
            .order_by_asc(webhook_endpoint::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(endpoint)
            .collect()
    }

    /// An endpoint.
    pub async fn webhook(&self, id: Uuid) -> Result<Option<WebhookEndpoint>, StoreError> {
        webhook_endpoint::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(endpoint)
            .transpose()
    }

    /// An endpoint's deliveries, newest first, after the cursor `before` (a delivery id).
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: Uuid,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let mut q = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(limit);
        if let Some(b) = before {
            q = q.filter(webhook_delivery::Column::Id.lt(b));
        }
        let rows = q.all(&self.db).await?;
        let kinds: std::collections::HashMap<i64, String> = outbox::Entity::find()
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.outbox_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.kind))
            .collect();
        rows.into_iter()
            .map(|m| {
                let kind = kinds.get(&m.outbox_id).cloned().unwrap_or_default();
                delivery(m, kind)
            })
            .collect()
    }

    /// Outbox rows not yet fanned out, and deliveries pending and parked: the backlog.
    pub async fn outbox_backlog(&self) -> Result<(u64, u64, u64), StoreError> {
        let unfanned = outbox::Entity::find()
            .filter(outbox::Column::FannedOut.eq(false))
            .count(&self.db)
            .await?;
        let pending = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
            .count(&self.db)
            .await?;
        let parked = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Parked.code()))
            .count(&self.db)
            .await?;
        Ok((unfanned, pending, parked))
    }
}

/// An event as the outbox keeps it, for live subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// Its place in the outbox.
    pub id: i64,
    /// The event's id (its audit row).
    pub event_id: i64,
    /// When it happened.
    pub at: OffsetDateTime,
    /// What happened.
    pub kind: String,
    /// What it concerns.
    pub entity: String,
    /// Which one.
    pub entity_id: Uuid,
    /// The units it concerns.
    pub scope: laurel_domain::org::UnitPath,
    /// Who did it.
    pub actor: Option<Uuid>,
    /// The JSON sent to webhooks.
    pub payload: String,
}

impl Store {
    /// The last outbox row's id (0 when empty).
    pub async fn outbox_last_id(&self) -> Result<i64, StoreError> {
        Ok(outbox::Entity::find()
            .order_by_desc(outbox::Column::Id)
            .one(&self.db)
            .await?
            .map_or(0, |o| o.id))
    }

    /// Outbox rows after `after`, oldest first.
    pub async fn outbox_after(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<OutboxEvent>, StoreError> {
        outbox::Entity::find()
            .filter(outbox::Column::Id.gt(after))
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| {
                Ok(OutboxEvent {
                    scope: crate::convert::parse_path(o.entity_id, &o.scope)?,
                    id: o.id,
                    event_id: o.audit_id,
                    at: o.at,
                    kind: o.kind,
                    entity: o.entity,
                    entity_id: o.entity_id,
                    actor: o.actor_account_id,
                    payload: o.payload,
                })
            })
            .collect()
    }
}
