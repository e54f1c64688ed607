//! Webhooks: a receiver on 127.0.0.1 checks every signature, sees each event accepted exactly
//! once and each aggregate's events in order, gets retries after answering 500, and nothing once
//! the endpoint is disabled; a parked delivery comes back with `redeliver`; two gateways on one
//! database deliver each event once.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use laurel_tests::{Org, TestServer, q};
use poem::{EndpointExt, Route, handler, http::StatusCode, post, web::Data};
use serde_json::{Value, json};
use sha2::Sha256;

const SECRET: &str = "whsec_kiem-thu-bi-mat-2026";

/// What the receiver saw: every request, and whether it was accepted.
#[derive(Debug, Clone)]
struct Seen {
    event_id: i64,
    kind: String,
    chain: String,
    seq: i64,
    accepted: bool,
    signature_ok: bool,
}

#[derive(Debug, Default)]
struct Receiver {
    seen: Vec<Seen>,
    /// Requests still to refuse with a 500.
    refuse: usize,
}

fn signature_ok(header: Option<&str>, body: &str) -> bool {
    let Some((t, v1)) = header
        .and_then(|h| h.split_once(','))
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
    else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex == v1
}

#[handler]
fn receive(req: &poem::Request, body: String, state: Data<&Arc<Mutex<Receiver>>>) -> StatusCode {
    let payload: Value = serde_json::from_str(&body).unwrap();
    let mut r = state.lock().unwrap();
    let accepted = r.refuse == 0;
    r.refuse = r.refuse.saturating_sub(1);
    r.seen.push(Seen {
        event_id: payload["id"].as_i64().unwrap(),
        kind: payload["kind"].as_str().unwrap().to_owned(),
        chain: payload["chain"].as_str().unwrap().to_owned(),
        seq: payload["seq"].as_i64().unwrap(),
        accepted,
        signature_ok: signature_ok(
            req.headers()
                .get("Laurel-Signature")
                .and_then(|v| v.to_str().ok()),
            &body,
        ),
    });
    if accepted {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// Starts a receiver refusing its first `refuse` requests; returns its URL and what it saw.
async fn receiver(refuse: usize) -> (String, Arc<Mutex<Receiver>>) {
    let state = Arc::new(Mutex::new(Receiver {
        seen: Vec::new(),
        refuse,
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Route::new()
        .at("/hook", post(receive))
        .data(Arc::clone(&state));
    tokio::spawn(async move {
        let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).unwrap();
        poem::Server::new_with_acceptor(acceptor).run(app).await
    });
    (format!("http://{addr}/hook"), state)
}

fn fast(config: &mut laurel::ServeConfig) {
    config.webhooks.poll = Duration::from_millis(50);
    config.webhooks.retry_base = Duration::from_millis(100);
    config.webhooks.max_delay = Duration::from_millis(400);
}

const KINDS: [&str; 6] = [
    "NOMINATION_CREATED",
    "NOMINATION_SUBMITTED",
    "NOMINATION_RECEIVED",
    "NOMINATION_APPRAISED",
    "NOMINATION_DECIDED",
    "DECISION_SIGNED",
];

/// The ids of the audited events of these kinds.
async fn events_of(server: &TestServer, kinds: &[&str]) -> Vec<i64> {
    let list = kinds
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    laurel_store::testing::select_text(
        server.store(),
        &format!("SELECT CAST(id AS TEXT) FROM audit_log WHERE action IN ({list}) ORDER BY id"),
    )
    .await
    .unwrap()
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

/// Waits until every one of `ids` was accepted by the receiver (or 30 s pass).
async fn all_accepted(state: &Arc<Mutex<Receiver>>, ids: &[i64]) {
    for _ in 0..600 {
        {
            let r = state.lock().unwrap();
            if ids
                .iter()
                .all(|id| r.seen.iter().any(|s| s.accepted && s.event_id == *id))
            {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let r = state.lock().unwrap();
    panic!(
        "not every event was delivered: want {ids:?}, saw {:?}",
        r.seen
    );
}

/// The endpoint's delivery log, read again (for up to ten seconds) until `done` holds for its
/// deliveries: a delivery is recorded a moment after its receiver saw it.
async fn deliveries_until(
    server: &TestServer,
    admin: &str,
    endpoint: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Value {
    let mut log = Value::Null;
    for _ in 0..200 {
        log = server
            .ok(
                Some(admin),
                q!("webhook_deliveries"),
                json!({ "endpointId": endpoint }),
            )
            .await;
        if log["webhookDeliveries"].as_array().is_some_and(|d| done(d)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    log
}

async fn register(server: &TestServer, admin: &str, url: &str, kinds: &[&str]) -> Value {
    server
        .ok(
            Some(admin),
            q!("register_webhook"),
            json!({ "input": { "url": url, "kinds": kinds, "secret": SECRET, "description": "Cổng thông tin thi đua" } }),
        )
        .await["registerWebhook"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_in_order_retried_and_stop_when_disabled() {
    let server = TestServer::start_with(fast).await;
    let org = Org::create(&server).await;
    let admin = org.admin.clone();
    let (url, state) = receiver(2).await;
    let registered = register(&server, &admin, &url, &KINDS).await;
    assert_eq!(registered["secret"], SECRET);
    let endpoint = registered["endpoint"]["id"].as_str().unwrap().to_owned();
    let (id, version) = org
        .submitted(&server, "Thành tích được báo qua webhook")
        .await;
    server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await;
    let expected = events_of(&server, &KINDS).await;
    assert!(expected.len() >= 6, "{expected:?}");
    all_accepted(&state, &expected).await;

    {
        let r = state.lock().unwrap();
        assert!(r.seen.iter().all(|s| s.signature_ok), "{:?}", r.seen);
        assert!(r.seen.iter().all(|s| KINDS.contains(&s.kind.as_str())));
        // The first two answers were 500s: those events came again and were accepted once.
        assert_eq!(r.seen.iter().filter(|s| !s.accepted).count(), 2);
        let mut accepted: HashMap<i64, usize> = HashMap::new();
        for s in r.seen.iter().filter(|s| s.accepted) {
            *accepted.entry(s.event_id).or_default() += 1;
        }
        assert!(accepted.values().all(|n| *n == 1), "{accepted:?}");
        // Each aggregate's events arrive in the order of its chain.
        let mut last: BTreeMap<&str, i64> = BTreeMap::new();
        for s in r.seen.iter().filter(|s| s.accepted) {
            let before = last.insert(&s.chain, s.seq).unwrap_or(0);
            assert!(
                s.seq > before,
                "{} arrived out of order: {:?}",
                s.chain,
                r.seen
            );
        }
    }

    // The delivery log shows the retried ones. A delivery is recorded once the receiver's
    // answer is back, a moment after the receiver saw it: read until each one is recorded.
    let log = deliveries_until(&server, &admin, &endpoint, |d| {
        d.iter().all(|d| d["status"] == "DELIVERED")
    })
    .await;
    let deliveries = log["webhookDeliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), expected.len());
    assert!(
        deliveries.iter().all(|d| d["status"] == "DELIVERED"),
        "{log}"
    );
    assert!(
        deliveries
            .iter()
            .any(|d| d["attempts"].as_i64().unwrap() >= 2 && d["lastStatus"] == 204),
        "{log}"
    );

    // Others may not read or change webhooks.
    let error = server
        .err(
            Some(&org.clerk),
            q!("webhook_deliveries"),
            json!({ "endpointId": endpoint }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "FORBIDDEN");

    // Disabled: nothing more arrives.
    let disabled = server
        .ok(
            Some(&admin),
            q!("set_webhook_enabled"),
            json!({ "id": endpoint, "enabled": false, "expectedVersion": 1 }),
        )
        .await;
    assert_eq!(disabled["setWebhookEnabled"]["enabled"], false);
    let seen_before = state.lock().unwrap().seen.len();
    let someone = org.person(&server, "Trần Thị Tắt").await;
    org.draft(&server, &someone, "Một đề nghị khi webhook đã tắt")
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(state.lock().unwrap().seen.len(), seen_before);

    // Enabled again, a delivery put back in the queue comes again.
    server
        .ok(
            Some(&admin),
            q!("set_webhook_enabled"),
            json!({ "id": endpoint, "enabled": true, "expectedVersion": 2 }),
        )
        .await;
    let again = server
        .ok(
            Some(&admin),
            q!("redeliver"),
            json!({ "deliveryId": deliveries[0]["id"] }),
        )
        .await;
    assert_eq!(again["redeliver"]["status"], "PENDING");
    for _ in 0..200 {
        if state.lock().unwrap().seen.len() > seen_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    {
        let r = state.lock().unwrap();
        assert_eq!(r.seen.len(), seen_before + 1, "{:?}", r.seen);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_that_keeps_failing_is_parked_and_redelivered_on_request() {
    let server = TestServer::start_with(|c| {
        fast(c);
        c.webhooks.give_up_after = Duration::from_millis(300);
    })
    .await;
    let org = Org::create(&server).await;
    let admin = org.admin.clone();
    let (url, state) = receiver(usize::MAX).await;
    let endpoint = register(&server, &admin, &url, &["NOMINATION_CREATED"]).await["endpoint"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    org.draft(&server, &org.huyen, "Thành tích").await;
    let log = deliveries_until(&server, &admin, &endpoint, |d| {
        d.first().is_some_and(|d| d["status"] == "PARKED")
    })
    .await;
    let parked = log["webhookDeliveries"][0].clone();
    assert_eq!(parked["status"], "PARKED", "never parked: {log}");
    assert!(parked["attempts"].as_i64().unwrap() >= 2, "{parked}");
    assert_eq!(parked["lastStatus"], 500);
    assert!(parked["lastError"].as_str().unwrap().contains("500"));
    assert!(state.lock().unwrap().seen.iter().all(|s| !s.accepted));

    // The endpoint is fixed; an administrator puts the delivery back.
    state.lock().unwrap().refuse = 0;
    server
        .ok(
            Some(&admin),
            q!("redeliver"),
            json!({ "deliveryId": parked["id"] }),
        )
        .await;
    let event = events_of(&server, &["NOMINATION_CREATED"]).await;
    all_accepted(&state, &event).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_on_one_database_deliver_each_event_once() {
    let server = TestServer::start_with(fast).await;
    let twin = server.twin().await;
    let org = Org::create(&server).await;
    let (url, state) = receiver(0).await;
    register(&server, &org.admin, &url, &KINDS).await;
    // Work arrives through both gateways.
    for (i, gateway) in [&server, &twin, &server, &twin].into_iter().enumerate() {
        let person = org.person(gateway, &format!("Người thứ {i}")).await;
        org.draft(gateway, &person, &format!("Đề nghị thứ {i}"))
            .await;
    }
    let expected = events_of(&server, &KINDS).await;
    assert_eq!(expected.len(), 4);
    all_accepted(&state, &expected).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    {
        let r = state.lock().unwrap();
        let mut ids: Vec<i64> = r.seen.iter().map(|s| s.event_id).collect();
        ids.sort_unstable();
        assert_eq!(ids, expected, "each event once: {:?}", r.seen);
    }
    twin.stop().await;
    server.stop().await;
}
