//! The notifier: a task inside `laurel serve`, on only when an SMTP server is configured, that
//! e-mails people when it is their turn.
//!
//! Each round it (1) turns new outbox events into notification rows (the store asks the domain
//! whom each event concerns), (2) every few minutes sweeps the nominations due soon or overdue,
//! and (3) claims the rows that are due, gathers them per account, and sends one e-mail per
//! account: everything pending for an account that hears at once, or the daily digest at the
//! configured hour for one that chose it. Accounts that opted out, or have no address, are not
//! written to. Like the dispatcher it is safe with several gateway processes on one database:
//! rows are unique per (account, event), and each is claimed under a lease by one process.
//!
//! SMTP goes through [lettre](https://lettre.rs) (the maintained Rust mail client: SMTP with
//! STARTTLS or implicit TLS on rustls, connection URLs, and a message builder that encodes
//! Vietnamese subjects and bodies correctly).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use laurel_domain::calendar::{VIETNAM, local_date};
use laurel_domain::notification::{Item, Mode, compose};
use laurel_store::{ClaimedNotification, MailOutcome, NotifyClock, Store, StoreError};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::{OffsetDateTime, Time};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::edge::Clock;
use crate::metrics::Metrics;

/// How to send mail, and when.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The SMTP server: `smtp://host:25` (plain, for a relay on the same network),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    pub smtp_url: String,
    /// The sender, e.g. `Laurel <thiduakhenthuong@congan.gialai.gov.vn>`.
    pub from: String,
    /// Where people open Laurel (the public URL), written in every e-mail.
    pub console_url: String,
    /// The hour (0–23, Asia/Ho_Chi_Minh) the daily digest goes out.
    pub digest_hour: u8,
    /// How many days before a due date "due soon" is sent.
    pub due_soon_days: u32,
    /// How often it looks for work.
    pub poll: Duration,
    /// How often it sweeps for due-soon and overdue nominations.
    pub sweep_every: Duration,
    /// The first retry's delay after a failed send; each next one doubles, up to an hour.
    pub retry_base: Duration,
    /// How long after a notification was written sending stops being retried.
    pub give_up_after: Duration,
    /// Where "now" is read.
    pub clock: Clock,
}

impl MailConfig {
    /// Defaults for everything but the server and the sender.
    pub fn new(smtp_url: &str, from: &str) -> MailConfig {
        MailConfig {
            smtp_url: smtp_url.to_owned(),
            from: from.to_owned(),
            console_url: String::new(),
            digest_hour: 7,
            due_soon_days: 2,
            poll: Duration::from_secs(5),
            sweep_every: Duration::from_secs(600),
            retry_base: Duration::from_secs(60),
            give_up_after: Duration::from_secs(24 * 3600),
            clock: Clock::system(),
        }
    }
}

/// Why mail cannot start.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    /// The SMTP URL is not one lettre understands.
    #[error(
        "the SMTP URL is not valid ({0}); expected smtp://host:port or smtps://user:password@host"
    )]
    Url(String),
    /// The sender is not a mailbox.
    #[error("the sender `{0}` is not an address such as `Laurel <laurel@unit.gov.vn>`")]
    From(String),
    /// The digest hour is not an hour.
    #[error("the digest hour must be 0 to 23, not {0}")]
    Hour(u8),
}

/// The first instant at local hour `hour` (Asia/Ho_Chi_Minh) strictly after `now`, in UTC (it
/// is stored and compared with other instants, which SQLite does as text).
pub fn next_digest(now: OffsetDateTime, hour: u8) -> OffsetDateTime {
    let local = now.to_offset(VIETNAM);
    let at = Time::from_hms(hour.min(23), 0, 0).unwrap_or(Time::MIDNIGHT);
    let today = local.date().with_time(at).assume_offset(VIETNAM);
    let next = if today > local {
        today
    } else {
        today + time::Duration::days(1)
    };
    next.to_offset(time::UtcOffset::UTC)
}

/// A running notifier.
#[derive(Debug)]
pub struct Notifier {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    config: MailConfig,
}

impl Notifier {
    /// Checks the configuration and starts sending from `store`.
    pub fn start(
        store: Store,
        metrics: Arc<Metrics>,
        config: MailConfig,
    ) -> Result<Notifier, MailSetupError> {
        if config.digest_hour > 23 {
            return Err(MailSetupError::Hour(config.digest_hour));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| MailSetupError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|_| MailSetupError::From(config.from.clone()))?;
        let sender = Sender {
            transport,
            from,
            config,
        };
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let start = sender.config.clock.now();
            // Switched on today: nobody hears of what happened before yesterday.
            if let Err(e) = skip_old(&store, start - time::Duration::days(1)).await {
                tracing::warn!(error = %e, "could not skip old events for notifications");
            }
            let mut last_sweep: Option<OffsetDateTime> = None;
            loop {
                if let Err(e) = round(&store, &sender, &metrics, &mut last_sweep).await {
                    tracing::debug!(error = %e, "notification round failed; trying again");
                }
                tokio::select! {
                    _ = &mut stopped => break,
                    () = tokio::time::sleep(sender.config.poll) => {}
                }
            }
        });
        Ok(Notifier { stop, task })
    }

    /// Stops after the round in progress.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

async fn skip_old(store: &Store, before: OffsetDateTime) -> Result<(), StoreError> {
    let tx = store.write().await?;
    tx.skip_notifications_before(before).await?;
    tx.commit().await
}

const BATCH: u64 = 64;

async fn round(
    store: &Store,
    sender: &Sender,
    metrics: &Metrics,
    last_sweep: &mut Option<OffsetDateTime>,
) -> Result<(), StoreError> {
    let config = &sender.config;
    let now = config.clock.now();
    let clock = NotifyClock {
        now,
        today: local_date(now),
        next_digest: next_digest(now, config.digest_hour),
        soon_days: config.due_soon_days,
    };
    loop {
        let tx = store.write().await?;
        let n = tx.notify_fan_out(clock, BATCH).await?;
        tx.commit().await?;
        if (n as u64) < BATCH {
            break;
        }
    }
    let sweep_due = last_sweep.is_none_or(|at| now - at >= config.sweep_every);
    if sweep_due {
        let tx = store.write().await?;
        tx.sweep_due(clock).await?;
        tx.commit().await?;
        *last_sweep = Some(now);
    }
    let tx = store.write().await?;
    let claimed = tx
        .claim_notifications(now, now + time::Duration::minutes(2), 500)
        .await?;
    tx.commit().await?;
    let mut by_account: BTreeMap<Uuid, Vec<ClaimedNotification>> = BTreeMap::new();
    for c in claimed {
        by_account.entry(c.account).or_default().push(c);
    }
    for (_, group) in by_account {
        let (digest, immediate): (Vec<_>, Vec<_>) = group.into_iter().partition(|c| c.digest);
        for batch in [immediate, digest] {
            if !batch.is_empty() {
                send(store, sender, metrics, &batch).await?;
            }
        }
    }
    let (pending, given_up) = store.notification_backlog().await?;
    metrics.notification_backlog(pending, given_up);
    Ok(())
}

/// Sends one e-mail for `batch` (one account's notifications, all immediate or all digest)
/// and records the outcome on each.
async fn send(
    store: &Store,
    sender: &Sender,
    metrics: &Metrics,
    batch: &[ClaimedNotification],
) -> Result<(), StoreError> {
    let config = &sender.config;
    let Some(first) = batch.first() else {
        return Ok(());
    };
    let ids: Vec<i64> = batch.iter().map(|c| c.id).collect();
    let now = config.clock.now();
    let outcome = match (&first.email, first.mode) {
        (None, _) | (_, Mode::Off) => {
            metrics.notifications("dropped", batch.len());
            MailOutcome::Dropped
        }
        (Some(email), _) => {
            let items: Vec<Item> = batch.iter().map(|c| c.item.clone()).collect();
            let mail = compose(
                &first.name,
                &items,
                first.digest.then(|| local_date(now)),
                &config.console_url,
            );
            match deliver(sender, &first.name, email, mail).await {
                Ok(()) => {
                    metrics.notifications("sent", batch.len());
                    MailOutcome::Sent
                }
                Err(error) => {
                    let tried = batch.iter().map(|c| c.attempts).max().unwrap_or(0) + 1;
                    let delay = crate::dispatch::backoff(
                        &crate::dispatch::DispatchConfig {
                            retry_base: config.retry_base,
                            max_delay: Duration::from_secs(3600),
                            ..crate::dispatch::DispatchConfig::default()
                        },
                        tried,
                        1.0,
                    );
                    let next = now + delay;
                    let oldest = batch.iter().map(|c| c.created_at).min().unwrap_or(now);
                    let retry_at = (next <= oldest + config.give_up_after).then_some(next);
                    tracing::warn!(%error, account = %first.account, "sending a notification failed");
                    metrics.notifications(
                        if retry_at.is_some() {
                            "failed"
                        } else {
                            "given_up"
                        },
                        batch.len(),
                    );
                    MailOutcome::Failed { error, retry_at }
                }
            }
        }
    };
    let tx = store.write().await?;
    tx.complete_notifications(&ids, now, &outcome).await?;
    tx.commit().await
}

async fn deliver(
    sender: &Sender,
    name: &str,
    email: &str,
    mail: laurel_domain::notification::Mail,
) -> Result<(), String> {
    let to = Mailbox::new(
        Some(name.to_owned()),
        email
            .parse()
            .map_err(|e| format!("the address {email} is invalid: {e}"))?,
    );
    let message = Message::builder()
        .from(sender.from.clone())
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .map_err(|e| e.to_string())?;
    sender
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_digest_goes_out_at_the_next_local_hour() {
        let cases = [
            // 06:59 in Vietnam: later today at 07:00.
            (
                datetime!(2026-11-29 23:59 UTC),
                datetime!(2026-11-30 07:00 +7),
            ),
            // 07:00 sharp has just gone: tomorrow.
            (
                datetime!(2026-12-01 00:00 UTC),
                datetime!(2026-12-02 07:00 +7),
            ),
            // 20:00 in Vietnam: tomorrow morning.
            (
                datetime!(2026-11-30 13:00 UTC),
                datetime!(2026-12-01 07:00 +7),
            ),
        ];
        for (now, expected) in cases {
            let next = next_digest(now, 7);
            assert_eq!(next, expected, "{now}");
            // Stored and compared with UTC instants (SQLite compares the text).
            assert_eq!(next.offset(), time::UtcOffset::UTC, "{now}");
        }
    }
}
