//! The outbox dispatcher: a task inside `laurel serve` that fans new events out to the webhook
//! endpoints that want them and delivers them, signed, with retries.
//!
//! Safe with several gateway processes on one database: fan-out is idempotent (one delivery per
//! endpoint and event, by a unique index; on PostgreSQL rows are also taken `FOR UPDATE SKIP
//! LOCKED`), and a delivery is attempted only by the process that took its lease (a conditional
//! update). A process that dies mid-attempt leaves a lease that expires; another process then
//! retries. An endpoint sees each aggregate's events in order: a delivery waits while an earlier
//! one of the same aggregate to the same endpoint is pending.
//!
//! Deliveries are signed like Stripe's: header `Laurel-Signature: t=<unix seconds>,v1=<hex>`
//! where `<hex>` is HMAC-SHA256 with the endpoint's secret over `"<t>.<body>"`.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use laurel_store::{AttemptOutcome, ClaimedDelivery, Store};
use sha2::Sha256;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::edge::{self, Clock};
use crate::feed::EventFeed;
use crate::metrics::Metrics;

/// The header carrying a delivery's signature.
pub const SIGNATURE_HEADER: &str = "Laurel-Signature";

/// How the dispatcher paces itself.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// How often it looks for work.
    pub poll: Duration,
    /// The first retry's delay; each next one doubles it (with jitter), up to `max_delay`.
    pub retry_base: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// How long after an event retries stop and the delivery is parked.
    pub give_up_after: Duration,
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// Where "now" is read (the server's clock).
    pub clock: Clock,
}

impl Default for DispatchConfig {
    fn default() -> DispatchConfig {
        DispatchConfig {
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(10),
            max_delay: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
            clock: Clock::system(),
        }
    }
}

/// The signature header's value for `body` sent at `t` (Unix seconds).
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let hex = data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes());
    format!("t={t},v1={hex}")
}

/// The delay before attempt `attempt + 1`, after `attempt` failed ones (from 1): `base` doubled
/// each time, capped, then scaled by `jitter` in [0.5, 1] so that many failed deliveries do not
/// all come back at once.
pub fn backoff(config: &DispatchConfig, attempt: i32, jitter: f64) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let raw = config
        .retry_base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(config.max_delay);
    raw.mul_f64(jitter.clamp(0.5, 1.0))
}

fn jitter() -> f64 {
    let [b] = edge::random_bytes::<1>();
    0.5 + f64::from(b) / 510.0
}

/// A running dispatcher.
#[derive(Debug)]
pub struct Dispatcher {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Dispatcher {
    /// Starts one on `store`, publishing every new outbox event to `feed`.
    pub fn start(
        store: Store,
        metrics: Arc<Metrics>,
        feed: Arc<EventFeed>,
        config: DispatchConfig,
    ) -> Dispatcher {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // Live subscribers hear what is committed from now on.
            let mut last = store.outbox_last_id().await.unwrap_or(0);
            let client = match reqwest::Client::builder()
                .timeout(config.timeout)
                .user_agent("Laurel-Webhooks/1")
                .redirect(reqwest::redirect::Policy::none())
                .build()
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "the webhook client could not start; no deliveries");
                    return;
                }
            };
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    () = tokio::time::sleep(config.poll) => {}
                }
                match store.outbox_after(last, 1_000).await {
                    Ok(events) => {
                        if let Some(e) = events.last() {
                            last = e.id;
                        }
                        feed.publish(events);
                    }
                    Err(e) => tracing::debug!(error = %e, "reading the outbox failed"),
                }
                if let Err(e) = tick(&store, &client, &metrics, &config).await {
                    tracing::debug!(error = %e, "dispatch round failed; trying again");
                }
            }
        });
        Dispatcher { stop, task }
    }

    /// Stops after the round in progress.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

const BATCH: u64 = 64;

async fn tick(
    store: &Store,
    client: &reqwest::Client,
    metrics: &Metrics,
    config: &DispatchConfig,
) -> Result<(), laurel_store::StoreError> {
    let now = config.clock.now();
    loop {
        let tx = store.write().await?;
        let n = tx.fan_out(now, BATCH).await?;
        tx.commit().await?;
        if (n as u64) < BATCH {
            break;
        }
    }
    let lease = now + config.timeout * 3;
    let tx = store.write().await?;
    let claimed = tx.claim_deliveries(now, lease, BATCH).await?;
    tx.commit().await?;
    let mut attempts = JoinSet::new();
    for delivery in claimed {
        let client = client.clone();
        attempts.spawn(async move {
            let outcome = attempt(&client, &delivery).await;
            (delivery, outcome)
        });
    }
    while let Some(done) = attempts.join_next().await {
        let Ok((delivery, result)) = done else {
            continue;
        };
        let at = config.clock.now();
        let outcome = match result {
            Ok(status) => {
                metrics.webhook_attempt("delivered");
                AttemptOutcome::Delivered { status }
            }
            Err((status, error)) => {
                let tried = delivery.attempts + 1;
                let next = at + backoff(config, tried, jitter());
                let give_up = delivery.created_at + config.give_up_after;
                let retry_at = (next <= give_up).then_some(next);
                metrics.webhook_attempt(if retry_at.is_some() {
                    "failed"
                } else {
                    "parked"
                });
                AttemptOutcome::Failed {
                    status,
                    error,
                    retry_at,
                }
            }
        };
        let tx = store.write().await?;
        tx.complete_delivery(delivery.id, at, &outcome).await?;
        tx.commit().await?;
    }
    let (unfanned, pending, parked) = store.outbox_backlog().await?;
    metrics.outbox_backlog(unfanned, pending, parked);
    Ok(())
}

/// One attempt: the HTTP status when 2xx, else the status (if any) and what went wrong.
async fn attempt(
    client: &reqwest::Client,
    d: &ClaimedDelivery,
) -> Result<i32, (Option<i32>, String)> {
    // Wall-clock time: receivers compare it with their own clocks.
    let t = edge::now().unix_timestamp();
    let response = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(&d.secret, t, &d.payload))
        .header("Laurel-Event-Id", d.event_id.to_string())
        .header("Laurel-Event-Kind", &d.kind)
        .header("Laurel-Delivery-Id", d.id.to_string())
        .body(d.payload.clone())
        .send()
        .await;
    match response {
        Ok(r) if r.status().is_success() => Ok(i32::from(r.status().as_u16())),
        Ok(r) => Err((
            Some(i32::from(r.status().as_u16())),
            format!("the endpoint answered {}", r.status()),
        )),
        Err(e) => Err((None, format!("{e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Checked against a value computed independently, with Python's hmac module:
        // hmac.new(b"whsec_test", b"1700000000.{\"id\":1}", "sha256").hexdigest()
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"id":1}"#),
            "t=1700000000,v1=2f441ba4b3b2d50d28a9ab9d9fd8880376ecd1eb5d0435401553f5d8d0a5dcf8"
        );
    }

    #[test]
    fn retries_back_off_exponentially_with_a_cap() {
        let c = DispatchConfig {
            retry_base: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            ..DispatchConfig::default()
        };
        let full: Vec<u64> = (1..=5).map(|a| backoff(&c, a, 1.0).as_secs()).collect();
        assert_eq!(full, [10, 20, 40, 60, 60]);
        assert_eq!(backoff(&c, 2, 0.5), Duration::from_secs(10));
        // Jitter is never below half.
        assert_eq!(backoff(&c, 1, 0.1), Duration::from_secs(5));
    }
}
