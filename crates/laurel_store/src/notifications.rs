//! Notifications to people, fed from the outbox.
//!
//! The notifier walks the outbox behind its own flag (`outbox.notified`), asks the domain which
//! nomination events someone must hear of ([`laurel_domain::notification::reason_for`]), finds
//! those accounts, and writes one `notification` row each; a sweep adds the due-soon and overdue
//! ones. Rows are unique per (account, key), so a row written twice by two processes is one
//! row. Sending claims rows under a lease, like webhook deliveries. Only committed changes
//! reach the outbox, so nobody hears of a change that rolled back.

use std::collections::BTreeSet;

use laurel_domain::award::AwardKind;
use laurel_domain::events::NominationEvent;
use laurel_domain::ids::NominationId;
use laurel_domain::nomination::NominationState;
use laurel_domain::notification::{Audience, Item, Mode, Reason, due_reason, reason_for};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::entity::{
    account, delegation, nomination, notification, outbox, person, role_grant, unit,
};
use crate::{Store, StoreError, WriteTx};

/// Where a notification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationStatus {
    /// Waiting to be sent (now, or with the next digest).
    Pending,
    /// Sent.
    Sent,
    /// Sending kept failing; given up.
    Failed,
    /// Not sent: the account turned notifications off or has no address any more.
    Dropped,
}

impl NotificationStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            NotificationStatus::Pending => "PENDING",
            NotificationStatus::Sent => "SENT",
            NotificationStatus::Failed => "FAILED",
            NotificationStatus::Dropped => "DROPPED",
        }
    }

    fn parse(code: &str, id: i64) -> Result<NotificationStatus, StoreError> {
        [
            NotificationStatus::Pending,
            NotificationStatus::Sent,
            NotificationStatus::Failed,
            NotificationStatus::Dropped,
        ]
        .into_iter()
        .find(|s| s.code() == code)
        .ok_or_else(|| StoreError::Corrupt {
            entity: "notification",
            id: id.to_string(),
            detail: format!("unknown status `{code}`"),
        })
    }
}

/// A notification, as an account sees its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    /// Its id.
    pub id: i64,
    /// What it says.
    pub item: Item,
    /// Whether it waits for the daily digest.
    pub digest: bool,
    /// Where it stands.
    pub status: NotificationStatus,
    /// Attempts to send it.
    pub attempts: i32,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// When it was sent.
    pub sent_at: Option<OffsetDateTime>,
    /// What went wrong last.
    pub last_error: Option<String>,
}

/// A notification claimed for sending, with where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedNotification {
    /// Its id.
    pub id: i64,
    /// The account.
    pub account: Uuid,
    /// The account's shown name.
    pub name: String,
    /// Its address now (`None`: it has none any more).
    pub email: Option<String>,
    /// Its mode now.
    pub mode: Mode,
    /// What to tell.
    pub item: Item,
    /// Whether it was held for the digest.
    pub digest: bool,
    /// Attempts before this one.
    pub attempts: i32,
    /// When it was written (retries stop a bounded time after).
    pub created_at: OffsetDateTime,
}

/// What sending came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// The server took it.
    Sent,
    /// Refused or unreachable: try again at `retry_at`, or give up when `None`.
    Failed {
        /// What went wrong.
        error: String,
        /// When to try again.
        retry_at: Option<OffsetDateTime>,
    },
    /// Not sent, on purpose (opted out, no address).
    Dropped,
}

/// When the notifier writes rows: the time, the local date, when the next digest goes out,
/// and how many days ahead "due soon" starts.
#[derive(Debug, Clone, Copy)]
pub struct NotifyClock {
    /// Now.
    pub now: OffsetDateTime,
    /// Today in Vietnam.
    pub today: Date,
    /// When rows for digest accounts become due.
    pub next_digest: OffsetDateTime,
    /// Days before a due date that count as "soon".
    pub soon_days: u32,
}

fn record(m: notification::Model) -> Result<NotificationRecord, StoreError> {
    let item: Item = serde_json::from_str(&m.details).map_err(|e| StoreError::Corrupt {
        entity: "notification",
        id: m.id.to_string(),
        detail: e.to_string(),
    })?;
    Ok(NotificationRecord {
        status: NotificationStatus::parse(&m.status, m.id)?,
        id: m.id,
        item,
        digest: m.digest,
        attempts: m.attempts,
        created_at: m.created_at,
        sent_at: m.sent_at,
        last_error: m.last_error,
    })
}

impl WriteTx {
    /// Sets where an account's notifications go and how; `None` leaves a setting as it is.
    /// Returns the account as it is now.
    pub async fn set_notification_preferences(
        &self,
        account_id: Uuid,
        email: Option<Option<String>>,
        mode: Option<Mode>,
    ) -> Result<crate::Account, StoreError> {
        let mut update = account::Entity::update_many().col_expr(
            account::Column::Version,
            Expr::col(account::Column::Version).add(1),
        );
        if let Some(email) = email {
            update = update.col_expr(account::Column::Email, Expr::value(email));
        }
        if let Some(mode) = mode {
            update = update.col_expr(account::Column::NotifyMode, Expr::value(mode.code()));
        }
        update
            .filter(account::Column::Id.eq(account_id))
            .exec(&self.tx)
            .await?;
        // Switched to hearing at once: what waited for the digest goes out now.
        if mode == Some(Mode::Immediate) {
            notification::Entity::update_many()
                .col_expr(notification::Column::Digest, Expr::value(false))
                .col_expr(
                    notification::Column::NextAttemptAt,
                    Expr::col(notification::Column::CreatedAt),
                )
                .filter(notification::Column::AccountId.eq(account_id))
                .filter(notification::Column::Status.eq(NotificationStatus::Pending.code()))
                .filter(notification::Column::Digest.eq(true))
                .exec(&self.tx)
                .await?;
        }
        account::Entity::find_by_id(account_id)
            .one(&self.tx)
            .await?
            .map(crate::convert::account)
            .transpose()?
            .ok_or(StoreError::NotFound {
                entity: "account",
                id: account_id.to_string(),
            })
    }

    /// Marks the outbox rows older than `before` as seen by the notifier without telling anyone:
    /// when notifications are switched on, nobody gets mail about last month.
    pub async fn skip_notifications_before(
        &self,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        Ok(outbox::Entity::update_many()
            .col_expr(outbox::Column::Notified, Expr::value(true))
            .filter(outbox::Column::Notified.eq(false))
            .filter(outbox::Column::At.lt(before))
            .exec(&self.tx)
            .await?
            .rows_affected)
    }

    /// Turns up to `limit` outbox rows into notifications; returns how many rows it read.
    pub async fn notify_fan_out(
        &self,
        clock: NotifyClock,
        limit: u64,
    ) -> Result<usize, StoreError> {
        let mut select = outbox::Entity::find()
            .filter(outbox::Column::Notified.eq(false))
            .order_by_asc(outbox::Column::Id)
            .limit(limit);
        if self.tx.get_database_backend() == sea_orm::DbBackend::Postgres {
            select = select.lock_with_behavior(
                sea_orm::sea_query::LockType::Update,
                sea_orm::sea_query::LockBehavior::SkipLocked,
            );
        }
        let rows = select.all(&self.tx).await?;
        for row in rows.iter().filter(|r| r.entity == "nomination") {
            self.notify_of(row, clock).await?;
        }
        if !rows.is_empty() {
            outbox::Entity::update_many()
                .col_expr(outbox::Column::Notified, Expr::value(true))
                .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
                .exec(&self.tx)
                .await?;
        }
        Ok(rows.len())
    }

    async fn notify_of(&self, row: &outbox::Model, clock: NotifyClock) -> Result<(), StoreError> {
        let Ok(payload) = serde_json::from_str::<serde_json::Value>(&row.payload) else {
            return Ok(());
        };
        let Ok(event) = serde_json::from_value::<NominationEvent>(payload["data"].clone()) else {
            return Ok(());
        };
        let Some((reason, audience)) = reason_for(&event) else {
            return Ok(());
        };
        let NominationEvent::Moved { after, .. } = &event else {
            return Ok(());
        };
        let Some(n) = nomination::Entity::find_by_id(row.entity_id)
            .one(&self.tx)
            .await?
        else {
            return Ok(());
        };
        let mut to: BTreeSet<Uuid> = BTreeSet::new();
        match audience {
            Audience::Waiting | Audience::WaitingAndDrafter => {
                // Moved on since: the work is someone else's now, and they hear of that.
                if n.version != after.version {
                    return Ok(());
                }
                to.extend(self.waiting_accounts(&n, clock.today).await?);
                if audience == Audience::WaitingAndDrafter {
                    to.insert(n.created_by);
                }
            }
            Audience::Proposers => {
                to.insert(n.created_by);
                to.extend(after.submitted_by.map(|a| a.0));
            }
        }
        if let Some(actor) = row.actor_account_id {
            to.remove(&actor);
        }
        let note = payload["reason"].as_str().map(str::to_owned);
        let item = Item {
            reason,
            nomination: NominationId(n.id),
            nominee: self.nominee_name(&n).await?,
            award: crate::convert::parse::<AwardKind>("nomination", n.id, &n.award_kind)?,
            due_on: after.due_on,
            note: note.filter(|_| matches!(reason, Reason::Returned | Reason::Rejected)),
        };
        self.insert_notifications(&to, &format!("event:{}", row.id), &item, clock)
            .await
    }

    /// Adds the due-soon and overdue notifications of nominations waiting at a stage with a
    /// deadline; each (stage visit, reason) is told once. Returns how many were written.
    pub async fn sweep_due(&self, clock: NotifyClock) -> Result<usize, StoreError> {
        let until = clock
            .today
            .saturating_add(time::Duration::days(i64::from(clock.soon_days)));
        let due = nomination::Entity::find()
            .filter(nomination::Column::State.eq(NominationState::Submitted.code()))
            .filter(nomination::Column::DueOn.lte(until))
            .filter(nomination::Column::WaitingRole.is_not_null())
            .all(&self.tx)
            .await?;
        let mut written = 0;
        for n in due {
            let Some(due_on) = n.due_on else { continue };
            let Some(reason) = due_reason(due_on, clock.today, clock.soon_days) else {
                continue;
            };
            // Arrived today: the new-work e-mail already gave the due date.
            if reason == Reason::DueSoon && n.stage_since == Some(clock.today) {
                continue;
            }
            let key = format!(
                "{}:{}:{}:{}:{}",
                reason.code(),
                n.stage,
                n.level,
                n.stage_since.map(|d| d.to_string()).unwrap_or_default(),
                due_on
            );
            let to: BTreeSet<Uuid> = self.waiting_accounts(&n, clock.today).await?.collect();
            if to.is_empty() {
                continue;
            }
            let item = Item {
                reason,
                nomination: NominationId(n.id),
                nominee: self.nominee_name(&n).await?,
                award: crate::convert::parse::<AwardKind>("nomination", n.id, &n.award_kind)?,
                due_on: Some(due_on),
                note: None,
            };
            let before = written;
            self.insert_notifications(&to, &key, &item, clock).await?;
            written = before + to.len();
        }
        Ok(written)
    }

    /// The accounts holding the role a nomination waits for at its unit, directly or by a
    /// delegation in force today.
    async fn waiting_accounts(
        &self,
        n: &nomination::Model,
        today: Date,
    ) -> Result<impl Iterator<Item = Uuid> + use<>, StoreError> {
        let (Some(role), Some(unit)) = (n.waiting_role.clone(), n.waiting_unit_id) else {
            return Ok(Vec::new().into_iter());
        };
        let mut ids: Vec<Uuid> = role_grant::Entity::find()
            .filter(role_grant::Column::Role.eq(role.clone()))
            .filter(role_grant::Column::UnitId.eq(unit))
            .all(&self.tx)
            .await?
            .into_iter()
            .map(|g| g.account_id)
            .collect();
        ids.extend(
            delegation::Entity::find()
                .filter(delegation::Column::Role.eq(role))
                .filter(delegation::Column::UnitId.eq(unit))
                .filter(delegation::Column::FromDate.lte(today))
                .filter(delegation::Column::UntilDate.gte(today))
                .filter(delegation::Column::RevokedAt.is_null())
                .all(&self.tx)
                .await?
                .into_iter()
                .map(|d| d.delegate_account_id),
        );
        Ok(ids.into_iter())
    }

    async fn nominee_name(&self, n: &nomination::Model) -> Result<String, StoreError> {
        if let Some(p) = n.nominee_person_id {
            return Ok(person::Entity::find_by_id(p)
                .one(&self.tx)
                .await?
                .map(|p| p.full_name)
                .unwrap_or_default());
        }
        Ok(match n.nominee_unit_id {
            Some(u) => unit::Entity::find_by_id(u)
                .one(&self.tx)
                .await?
                .map(|u| u.name)
                .unwrap_or_default(),
            None => String::new(),
        })
    }

    /// One row per account that wants mail (an address, not disabled, not opted out).
    async fn insert_notifications(
        &self,
        to: &BTreeSet<Uuid>,
        key: &str,
        item: &Item,
        clock: NotifyClock,
    ) -> Result<(), StoreError> {
        if to.is_empty() {
            return Ok(());
        }
        let accounts = account::Entity::find()
            .filter(account::Column::Id.is_in(to.iter().copied()))
            .filter(account::Column::Disabled.eq(false))
            .filter(account::Column::Email.is_not_null())
            .filter(account::Column::NotifyMode.ne(Mode::Off.code()))
            .all(&self.tx)
            .await?;
        let details = serde_json::to_string(item).unwrap_or_default();
        for a in accounts {
            let digest = a.notify_mode == Mode::Digest.code();
            notification::Entity::insert(notification::ActiveModel {
                account_id: Set(a.id),
                dedupe_key: Set(key.to_owned()),
                reason: Set(item.reason.code().to_owned()),
                nomination_id: Set(Some(item.nomination.0)),
                details: Set(details.clone()),
                digest: Set(digest),
                status: Set(NotificationStatus::Pending.code().to_owned()),
                attempts: Set(0),
                created_at: Set(clock.now),
                next_attempt_at: Set(if digest { clock.next_digest } else { clock.now }),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([
                    notification::Column::AccountId,
                    notification::Column::DedupeKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&self.tx)
            .await?;
        }
        Ok(())
    }

    /// Claims up to `limit` due notifications, leased until `lease_until`, oldest first.
    pub async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<ClaimedNotification>, StoreError> {
        use notification::Column as N;
        let free = || {
            Condition::any()
                .add(N::LeaseUntil.is_null())
                .add(N::LeaseUntil.lt(now))
        };
        let candidates = notification::Entity::find()
            .filter(N::Status.eq(NotificationStatus::Pending.code()))
            .filter(N::NextAttemptAt.lte(now))
            .filter(free())
            .order_by_asc(N::Id)
            .limit(limit)
            .all(&self.tx)
            .await?;
        let accounts: std::collections::HashMap<Uuid, account::Model> = account::Entity::find()
            .filter(account::Column::Id.is_in(candidates.iter().map(|c| c.account_id)))
            .all(&self.tx)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut claimed = Vec::new();
        for c in candidates {
            // Only one process wins a row: the lease is taken only if still free.
            let won = notification::Entity::update_many()
                .col_expr(N::LeaseUntil, Expr::value(lease_until))
                .filter(N::Id.eq(c.id))
                .filter(N::Status.eq(NotificationStatus::Pending.code()))
                .filter(free())
                .exec(&self.tx)
                .await?
                .rows_affected
                == 1;
            let Some(a) = accounts.get(&c.account_id).filter(|_| won) else {
                continue;
            };
            let item = record(c.clone())?.item;
            claimed.push(ClaimedNotification {
                id: c.id,
                account: a.id,
                name: a.display_name.clone(),
                email: a.email.clone().filter(|_| !a.disabled),
                mode: Mode::from_code(&a.notify_mode).unwrap_or(Mode::Off),
                item,
                digest: c.digest,
                attempts: c.attempts,
                created_at: c.created_at,
            });
        }
        Ok(claimed)
    }

    /// Records how sending went for these notifications and releases their leases.
    pub async fn complete_notifications(
        &self,
        ids: &[i64],
        at: OffsetDateTime,
        outcome: &MailOutcome,
    ) -> Result<(), StoreError> {
        use notification::Column as N;
        let mut update = notification::Entity::update_many()
            .col_expr(N::LeaseUntil, Expr::value(Option::<OffsetDateTime>::None));
        update = match outcome {
            MailOutcome::Sent => update
                .col_expr(N::Attempts, Expr::col(N::Attempts).add(1))
                .col_expr(N::Status, Expr::value(NotificationStatus::Sent.code()))
                .col_expr(N::SentAt, Expr::value(Some(at)))
                .col_expr(N::LastError, Expr::value(Option::<String>::None)),
            MailOutcome::Failed { error, retry_at } => {
                let update = update
                    .col_expr(N::Attempts, Expr::col(N::Attempts).add(1))
                    .col_expr(N::LastError, Expr::value(Some(error.clone())));
                match retry_at {
                    Some(next) => update.col_expr(N::NextAttemptAt, Expr::value(*next)),
                    None => {
                        update.col_expr(N::Status, Expr::value(NotificationStatus::Failed.code()))
                    }
                }
            }
            MailOutcome::Dropped => {
                update.col_expr(N::Status, Expr::value(NotificationStatus::Dropped.code()))
            }
        };
        update
            .filter(N::Id.is_in(ids.iter().copied()))
            .exec(&self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// An account's notifications, newest first, before the cursor `before` (an id).
    pub async fn notifications_of(
        &self,
        account_id: Uuid,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let mut q = notification::Entity::find()
            .filter(notification::Column::AccountId.eq(account_id))
            .order_by_desc(notification::Column::Id)
            .limit(limit);
        if let Some(b) = before {
            q = q.filter(notification::Column::Id.lt(b));
        }
        q.all(&self.db).await?.into_iter().map(record).collect()
    }

    /// Notifications waiting to be sent, and those given up on.
    pub async fn notification_backlog(&self) -> Result<(u64, u64), StoreError> {
        let count = |status: NotificationStatus| {
            notification::Entity::find()
                .filter(notification::Column::Status.eq(status.code()))
                .count(&self.db)
        };
        Ok((
            count(NotificationStatus::Pending).await?,
            count(NotificationStatus::Failed).await?,
        ))
    }
}
