//! A read-only database (issue 11 §4): PostgreSQL serving read-only, as a standby does or a
//! database an operator set `default_transaction_read_only` on. Writes are refused with a clean
//! `UNAVAILABLE` that says why, in both languages and without the driver's words; reads go on;
//! once the database takes writes again, the same process writes without a restart; nothing
//! acknowledged is lost.
//!
//! Runs on PostgreSQL (`LAUREL_TEST_DATABASE_URL`, as `.ci/run` does). SQLite's read-only case
//! (its filesystem remounted read-only) cannot be made here: Linux refuses to remount a
//! filesystem read-only while SQLite holds its file open for writing.

use laurel_store::testing::{execute, select_text};
use laurel_tests::{Org, TestServer, check_history, q};
use serde_json::json;

/// Sets the served database read-only or not, for sessions started from now on, and ends the
/// sessions it has (the pool opens new ones, which read the setting). Done from the server's
/// maintenance database, which the setting does not touch.
async fn set_read_only(server: &TestServer, read_only: bool) {
    let database = select_text(server.store(), "SELECT current_database()")
        .await
        .unwrap()
        .remove(0);
    let admin_url = std::env::var(laurel_store::testing::DATABASE_ENV).unwrap();
    let admin = laurel_store::Store::connect(&admin_url).await.unwrap();
    let setting = if read_only {
        "SET default_transaction_read_only = on"
    } else {
        "RESET default_transaction_read_only"
    };
    execute(&admin, &format!("ALTER DATABASE \"{database}\" {setting}"))
        .await
        .unwrap();
    execute(
        &admin,
        &format!(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = '{database}'"
        ),
    )
    .await
    .unwrap();
}

fn draft(org: &Org, achievement: &str) -> serde_json::Value {
    json!({ "input": {
        "nomineePersonId": org.huyen, "awardKind": "GIAY_KHEN",
        "issuerUnitId": org.province, "period": 2024, "achievement": achievement,
    } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_refuses_writes_cleanly_and_they_resume() {
    let Ok(_) = std::env::var(laurel_store::testing::DATABASE_ENV) else {
        return;
    };
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (before, _) = org
        .just_submitted(&server, &org.huyen, "Trước khi chỉ cho đọc")
        .await;

    set_read_only(&server, true).await;
    // A session ended under a request answers UNAVAILABLE once; then the pool's new sessions
    // are read-only.
    let mut refused = None;
    for _ in 0..5 {
        let body = server
            .gql(
                Some(&org.clerk),
                q!("create_nomination"),
                draft(&org, "Khi chỉ cho đọc"),
            )
            .await;
        assert!(body["data"]["createNomination"].is_null(), "{body}");
        let en = body["errors"][0]["extensions"]["messageEn"]
            .as_str()
            .unwrap_or_default();
        if en.starts_with("The server cannot write") {
            refused = Some(body);
            break;
        }
    }
    let refused = refused.expect("a write refused as the database is read-only");
    laurel_tests::assert_unavailable(
        &refused,
        (
            "The server cannot write its data",
            "Máy chủ không ghi được dữ liệu",
        ),
        &["read-only transaction", "25006", "sqlx", "postgres"],
    );
    // Reads go on.
    let read = server
        .ok(Some(&org.clerk), q!("nomination"), json!({ "id": before }))
        .await;
    assert_eq!(read["nomination"]["state"], "SUBMITTED");

    // Writable again: the same process writes.
    set_read_only(&server, false).await;
    let mut after = None;
    for _ in 0..5 {
        let body = server
            .gql(
                Some(&org.clerk),
                q!("create_nomination"),
                draft(&org, "Sau khi ghi lại được"),
            )
            .await;
        if let Some(id) = body["data"]["createNomination"]["nomination"]["id"].as_str() {
            after = Some(id.to_owned());
            break;
        }
    }
    let after = after.expect("writes resumed");
    for (id, state) in [(&before, "SUBMITTED"), (&after, "DRAFT")] {
        let n = server
            .ok(Some(&org.clerk), q!("nomination"), json!({ "id": id }))
            .await;
        assert_eq!(n["nomination"]["state"], state, "{n}");
    }
    // The refused write did not land.
    let landed = select_text(
        server.store(),
        "SELECT id::text FROM nomination WHERE achievement = 'Khi chỉ cho đọc'",
    )
    .await
    .unwrap();
    assert_eq!(landed, Vec::<String>::new());
    check_history(server.database_url()).await;
    server.stop().await;
}
