//! PostgreSQL going away (issue 11 §4). Laurel reaches the test's PostgreSQL through
//! a TCP relay that the test cuts (every connection dropped, new ones closed: what Laurel sees
//! when the server stops) and then restores (the server is back). While it is cut, requests
//! fail with a clean `UNAVAILABLE` and `/readyz` says so; once it is back, the same process
//! serves again without a restart; nothing acknowledged is lost.
//!
//! Runs on PostgreSQL (`LAUREL_TEST_DATABASE_URL`, as `.ci/run` does); SQLite has no server to
//! lose.

use std::time::{Duration, Instant};

use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A TCP relay from a local port to `upstream` that can be cut and restored. Its port stays
/// bound throughout (nobody else can take it meanwhile): while cut, every relayed connection
/// is dropped and new ones are closed as soon as they are accepted.
struct Relay {
    port: u16,
    open: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (open, watch) = tokio::sync::watch::channel(true);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*watch.borrow() {
                    continue; // dropped: the client sees its connection closed
                }
                let upstream = upstream.clone();
                let mut cut = watch.clone();
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                            _ = cut.wait_for(|open| !open) => {}
                        }
                    }
                });
            }
        });
        Relay { port, open, task }
    }

    /// Relays new connections again.
    fn restore(&self) {
        self.open.send_replace(true);
    }

    /// Drops every relayed connection and closes new ones.
    fn cut(&self) {
        self.open.send_replace(false);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

async fn ready(server: &TestServer) -> u16 {
    server
        .http()
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fail_cleanly_while_postgresql_is_gone_and_laurel_recovers_by_itself() {
    let Ok(server_url) = std::env::var(laurel_store::testing::DATABASE_ENV) else {
        return;
    };
    let upstream = server_url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let relay = Relay::start(upstream.clone()).await;
    let via_relay = format!("127.0.0.1:{}", relay.port);
    let server = TestServer::start_with(|config| {
        config.database_url = config.database_url.replacen(&upstream, &via_relay, 1);
    })
    .await;
    let org = Org::create(&server).await;

    // Before: nominations submitted and acknowledged.
    let mut acknowledged = Vec::new();
    for i in 0..3 {
        let (id, _) = org
            .just_submitted(&server, &org.huyen, &format!("Trước sự cố {i}"))
            .await;
        acknowledged.push(id);
    }
    assert_eq!(ready(&server).await, 200);

    // PostgreSQL is gone: reads and writes fail with UNAVAILABLE, in both languages, without
    // the driver's words; /readyz says why.
    relay.cut();
    let started = Instant::now();
    let read = server
        .gql(
            Some(&org.clerk),
            q!("nomination"),
            json!({ "id": acknowledged[0] }),
        )
        .await;
    assert_eq!(code(&read), Some("UNAVAILABLE"), "{read}");
    let write = server
        .gql(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": {
                "nomineePersonId": org.huyen, "awardKind": "GIAY_KHEN",
                "issuerUnitId": org.province, "period": 2024, "achievement": "Trong sự cố",
            } }),
        )
        .await;
    assert_eq!(code(&write), Some("UNAVAILABLE"), "{write}");
    let error = &write["errors"][0];
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .starts_with("The database cannot be reached"),
        "{error}"
    );
    assert!(
        error["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .starts_with("Không kết nối được cơ sở dữ liệu"),
        "{error}"
    );
    let text = write.to_string().to_lowercase();
    for driver_words in [
        "sqlx",
        "connection refused",
        "broken pipe",
        "os error",
        "pool",
    ] {
        assert!(!text.contains(driver_words), "{driver_words}: {write}");
    }
    assert_eq!(ready(&server).await, 503);
    let outage = started.elapsed();
    assert!(outage < Duration::from_secs(60), "answers took {outage:?}");

    // PostgreSQL is back: the same process serves again, by itself.
    relay.restore();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready(&server).await != 200 {
        assert!(Instant::now() < deadline, "/readyz did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (after, _) = org.just_submitted(&server, &org.huyen, "Sau sự cố").await;
    acknowledged.push(after);
    for id in &acknowledged {
        let n = server
            .ok(Some(&org.clerk), q!("nomination"), json!({ "id": id }))
            .await;
        assert_eq!(n["nomination"]["state"], "SUBMITTED", "{n}");
    }
    // The write refused during the outage did not land.
    let drafts = laurel_store::testing::select_text(
        server.store(),
        "SELECT id::text FROM nomination WHERE achievement = 'Trong sự cố'",
    )
    .await
    .unwrap();
    assert_eq!(drafts, Vec::<String>::new());
    server.stop().await;
}
