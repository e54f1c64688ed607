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

/// A count the test reads from the database.
async fn count_of(server: &TestServer, sql: &str) -> i64 {
    laurel_store::testing::select_text(
        server.store(),
        &sql.replace("COUNT(*)", "CAST(COUNT(*) AS TEXT)"),
    )
    .await
    .unwrap()[0]
        .parse()
        .unwrap()
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
    laurel_tests::assert_unavailable(
        &write,
        (
            "The database cannot be reached",
            "Không kết nối được cơ sở dữ liệu",
        ),
        &[
            "sqlx",
            "connection refused",
            "broken pipe",
            "os error",
            "pool",
        ],
    );
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
    // PostgreSQL goes away while a write is in flight: an import of 300 lines, cut when part
    // of the time an import takes here has passed. Whatever the answer, it landed whole or not
    // at all; a refusal is a clean UNAVAILABLE.
    let lines = |round: &str| -> Vec<u8> {
        let lines: Vec<Vec<String>> = (0..300)
            .map(|i| crate::import::person(&format!("Cán bộ {round} số {i:03}"), 2024))
            .collect();
        crate::import::xlsx(&lines, |_| {})
    };
    let sent = Instant::now();
    let whole = crate::import::import(
        &server,
        &org.clerk,
        &org.staff,
        &lines("đo giờ"),
        "do.xlsx",
        false,
    )
    .await;
    assert_eq!(
        whole["data"]["importNominations"]["committed"], true,
        "{whole}"
    );
    let takes = sent.elapsed();
    // Cut ever earlier until a cut lands before the import answers (the writing is quick).
    let mut cut_in_flight = false;
    for (round, fraction) in [0.7, 0.5, 0.3, 0.15].into_iter().enumerate() {
        let name = format!("cắt ngang {round}");
        let (base, clerk, staff, file) = (
            server.base.clone(),
            org.clerk.clone(),
            org.staff.clone(),
            lines(&name),
        );
        let importing = tokio::spawn(async move {
            crate::import::import_at(&base, &clerk, &staff, &file, "cat-ngang.xlsx", false).await
        });
        tokio::time::sleep(takes.mul_f64(fraction)).await;
        relay.cut();
        let answer = importing.await.unwrap();
        relay.restore();
        let deadline = Instant::now() + Duration::from_secs(30);
        while ready(&server).await != 200 {
            assert!(Instant::now() < deadline, "/readyz did not recover");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let count = count_of(
            &server,
            &format!("SELECT COUNT(*) FROM person WHERE full_name LIKE 'Cán bộ {name} số %'"),
        )
        .await;
        // Only PostgreSQL's side is cut: Laurel always answers.
        let body = answer.expect("an answer from Laurel");
        eprintln!(
            "an import cut after {:?} of {takes:?}: {count} of 300 lines landed",
            takes.mul_f64(fraction)
        );
        if body["data"]["importNominations"]["committed"] == true {
            assert_eq!(count, 300, "acknowledged, so whole: {body}");
            continue;
        }
        assert_eq!(code(&body), Some("UNAVAILABLE"), "{body}");
        assert!(
            count == 0 || count == 300,
            "{count} of 300 lines landed: {body}"
        );
        cut_in_flight = true;
        break;
    }
    assert!(
        cut_in_flight,
        "every cut came after the import had answered"
    );

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

/// PostgreSQL itself stopped and started again under load (issue 11 §4): a cluster of the
/// test's own, made as `laurel bench --postgres` makes one, stopped with `pg_ctl stop -m fast`
/// and started again on the same port while eight clients create people throughout. While it
/// is down every refusal is a clean `UNAVAILABLE` and `/readyz` answers 503; once it is back
/// the same process serves again by itself; every person acknowledged is there, and the
/// history and the audit log verify.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_stopped_and_started_again_under_load_loses_nothing_acknowledged() {
    // The PostgreSQL pass only, where the server's binaries are known to be installed.
    if std::env::var_os(laurel_store::testing::DATABASE_ENV).is_none() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("laurel-outage-{}", std::process::id()));
    let cluster = std::sync::Arc::new(
        tokio::task::spawn_blocking(move || laurel::private_pg::PrivateCluster::start(&dir))
            .await
            .unwrap()
            .unwrap(),
    );
    let url = cluster.url();
    let server = TestServer::start_with(|config| config.database_url = url.clone()).await;
    let org = Org::create(&server).await;

    // Eight clients creating people until told to stop: what each was told.
    let going = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut load = JoinSet::new();
    for client in 0..8 {
        let (http, endpoint, token, unit, going) = (
            server.http().clone(),
            format!("{}/graphql", server.base),
            org.clerk.clone(),
            org.staff.clone(),
            going.clone(),
        );
        load.spawn(async move {
            let mut told: Vec<(String, Value)> = Vec::new();
            let mut i = 0;
            while going.load(std::sync::atomic::Ordering::Relaxed) {
                let name = format!("Cán bộ {client} lần {i}");
                let body: Value = http
                    .post(&endpoint)
                    .bearer_auth(&token)
                    .json(&json!({
                        "query": q!("create_person"),
                        "variables": { "input": { "fullName": name, "unitId": unit } },
                    }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                told.push((name, body));
                i += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            told
        });
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopping = cluster.clone();
    tokio::task::spawn_blocking(move || stopping.stop())
        .await
        .unwrap()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready(&server).await != 503 {
        assert!(
            Instant::now() < deadline,
            "/readyz did not see PostgreSQL go"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let meanwhile = server
        .gql(
            Some(&org.clerk),
            q!("create_person"),
            json!({ "input": { "fullName": "Trong lúc dừng", "unitId": org.staff } }),
        )
        .await;
    assert_eq!(code(&meanwhile), Some("UNAVAILABLE"), "{meanwhile}");
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let starting = cluster.clone();
    tokio::task::spawn_blocking(move || starting.start_again())
        .await
        .unwrap()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready(&server).await != 200 {
        assert!(Instant::now() < deadline, "/readyz did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    going.store(false, std::sync::atomic::Ordering::Relaxed);

    let (mut acknowledged, mut refused, mut after) = (Vec::new(), 0, 0);
    for told in load.join_all().await {
        // Once a client was refused, what it was told after is the recovery.
        let mut seen_refusal = false;
        for (name, body) in told {
            match code(&body) {
                None => {
                    acknowledged.push(name);
                    after += usize::from(seen_refusal);
                }
                Some("UNAVAILABLE") => {
                    refused += 1;
                    seen_refusal = true;
                    let said = body.to_string();
                    for driver in ["sqlx", "connection refused", "os error", "pool timed out"] {
                        assert!(!said.contains(driver), "driver words in {said}");
                    }
                }
                Some(other) => panic!("{other} while PostgreSQL was away: {body}"),
            }
        }
    }
    assert!(
        after > 0 || refused == 0,
        "no refused client was served after the restart"
    );
    // Every acknowledged person is there (a refused one may or may not have landed: the
    // message says so).
    let stored: std::collections::BTreeSet<String> = laurel_store::testing::select_text(
        server.store(),
        "SELECT full_name FROM person WHERE full_name LIKE 'Cán bộ % lần %'",
    )
    .await
    .unwrap()
    .into_iter()
    .collect();
    for name in &acknowledged {
        assert!(stored.contains(name), "acknowledged, then lost: {name}");
    }
    eprintln!(
        "{} acknowledged, {refused} refused while PostgreSQL was away, {after} served after",
        acknowledged.len()
    );
    laurel_tests::check_history(&url).await;
    server.stop_unchecked().await;
    drop(cluster);
}
