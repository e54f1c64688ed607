//! Notifications in GraphQL: an account sets its e-mail address and how it hears of its work,
//! and reads what it was told. Thin: each field parses its input and calls one operation.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use laurel_domain::ids::AccountId;
use laurel_store::NotificationRecord;
use time::OffsetDateTime;

use super::types::AccountNode;
use super::{actor, now, ops, parse_id};

use super::{LOG_PAGE_DEFAULT as NOTIFICATIONS_DEFAULT, LOG_PAGE_MAX as NOTIFICATIONS_MAX};

/// How an account hears of its work by e-mail.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::notification::Mode")]
pub enum NotificationMode {
    /// An e-mail as things happen (several at once come as one).
    Immediate,
    /// One e-mail a day, at the server's digest hour, with everything since the last.
    Digest,
    /// No e-mail.
    Off,
}

/// Why someone was told.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::notification::Reason")]
pub enum NotificationReason {
    /// A nomination now waits for you.
    NewWork,
    /// What waits for you is due soon.
    DueSoon,
    /// What waits for you is overdue.
    Overdue,
    /// Your nomination was returned for supplement.
    Returned,
    /// Your nomination was awarded by a signed decision.
    Decided,
    /// Your nomination was refused.
    Rejected,
}

/// Where a notification stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_store::NotificationStatus")]
pub enum NotificationStatus {
    /// Waiting to be sent (now, or with the next digest).
    Pending,
    /// Sent.
    Sent,
    /// Sending kept failing for a day; given up.
    Failed,
    /// Not sent: notifications were turned off, or the address removed, before it went.
    Dropped,
}

/// Something you were told (or are about to be).
#[derive(Debug, Clone)]
pub struct NotificationNode(pub NotificationRecord);

#[Object(name = "Notification")]
impl NotificationNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn reason(&self) -> NotificationReason {
        self.0.item.reason.into()
    }
    /// The nomination it is about.
    async fn nomination_id(&self) -> ID {
        ID(self.0.item.nomination.to_string())
    }
    /// The nominee's name, as written in the e-mail.
    async fn nominee(&self) -> &str {
        &self.0.item.nominee
    }
    /// The award's code, e.g. GIAY_KHEN.
    async fn award(&self) -> &str {
        self.0.item.award.code()
    }
    /// The stage's due date, when it has one.
    async fn due_on(&self) -> Option<time::Date> {
        self.0.item.due_on
    }
    /// The reasons given, for a return or a refusal.
    async fn note(&self) -> Option<&str> {
        self.0.item.note.as_deref()
    }
    /// Whether it waits for the daily digest.
    async fn digest(&self) -> bool {
        self.0.digest
    }
    async fn status(&self) -> NotificationStatus {
        self.0.status.into()
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
    async fn sent_at(&self) -> Option<OffsetDateTime> {
        self.0.sent_at
    }
    /// What went wrong at the last attempt to send it.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
}

/// Where notifications go and how.
#[derive(InputObject, Debug)]
pub struct NotificationPreferencesInput {
    /// Whose (administrators only for another account; default: your own).
    pub account_id: Option<ID>,
    /// The e-mail address; "" removes it; absent leaves it as it is.
    pub email: Option<String>,
    /// How to hear of work; absent leaves it as it is.
    pub mode: Option<NotificationMode>,
}

/// Notification reads.
#[derive(Debug, Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// What you were told by e-mail (or are about to be), newest first; `before` a
    /// notification id to page back.
    #[graphql(
        complexity = "first.unwrap_or(NOTIFICATIONS_DEFAULT).clamp(1, NOTIFICATIONS_MAX) as usize * child_complexity"
    )]
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        before: Option<ID>,
    ) -> Result<Vec<NotificationNode>> {
        let (first, before) = super::log_page(
            first,
            before.as_ref(),
            "mã một thông báo",
            "a notification id",
        )?;
        Ok(ops(ctx)?
            .my_notifications(actor(ctx)?, before, first)
            .await?
            .into_iter()
            .map(NotificationNode)
            .collect())
    }
}

/// Notification settings.
#[derive(Debug, Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Sets where your notifications go and how (IMMEDIATE, a daily DIGEST, or OFF). An
    /// administrator may set another account's.
    async fn set_notification_preferences(
        &self,
        ctx: &Context<'_>,
        input: NotificationPreferencesInput,
    ) -> Result<AccountNode> {
        let target = input
            .account_id
            .as_ref()
            .map(|id| parse_id::<AccountId>("accountId", id))
            .transpose()?;
        Ok(AccountNode(
            ops(ctx)?
                .set_notification_preferences(
                    actor(ctx)?,
                    target,
                    input.email.as_deref(),
                    input.mode.map(Into::into),
                    now(ctx)?,
                )
                .await?,
        ))
    }
}
