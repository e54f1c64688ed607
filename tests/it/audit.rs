//! The audit log proves its history: `laurel audit verify` passes after real work, and names
//! the row when one is edited, deleted or moved behind the database's back; a checkpoint
//! catches a row deleted from the end of a chain.

use laurel_tests::{Org, TestServer, laurel, q};
use serde_json::json;

async fn verify(url: &str) -> (String, Result<(), String>) {
    laurel(&["laurel", "audit", "verify", "--database-url", url]).await
}

/// Lifts the database's append-only guard on the audit log, as someone with the database's
/// keys could.
async fn tamper(store: &laurel_store::Store, url: &str, sql: &str) {
    let lift = if url.starts_with("postgres") {
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"
    } else {
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete"
    };
    for statement in lift.split("; ").chain([sql]) {
        laurel_store::testing::execute(store, statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// A server with a Giấy khen signed and a few more changes audited; returns it, its org and
/// the audited nomination's id.
async fn worked() -> (TestServer, Org, String) {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (id, version) = org.submitted(&server, "Thành tích được ghi vết").await;
    server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await;
    (server, org, id)
}

/// The id and place of the audit row of `action`.
async fn row(store: &laurel_store::Store, action: &str) -> (i64, i64) {
    let found = laurel_store::testing::select_text(
        store,
        &format!("SELECT CAST(id AS TEXT) || ' ' || CAST(seq AS TEXT) FROM audit_log WHERE action = '{action}'"),
    )
    .await
    .unwrap();
    let (id, seq) = found[0].split_once(' ').unwrap();
    (id.parse().unwrap(), seq.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_verifies_after_real_work_and_names_an_edited_row() {
    let (server, _org, _) = worked().await;
    let url = server.database_url().to_string();
    let (out, result) = verify(&url).await;
    assert!(result.is_ok(), "{out}");
    assert!(
        out.contains("Every chain and checkpoint verifies."),
        "{out}"
    );
    let checkpoint = laurel(&["laurel", "audit", "checkpoint", "--database-url", &url]).await;
    assert!(checkpoint.1.is_ok(), "{}", checkpoint.0);
    let sealed: serde_json::Value = serde_json::from_str(&checkpoint.0).unwrap();
    assert_eq!(sealed["hash"].as_str().unwrap().len(), 64);
    assert!(sealed["chains"].as_i64().unwrap() > 5, "{sealed}");

    // Someone with the database's keys rewrites why a nomination was submitted.
    let store = laurel_store::Store::connect(&url).await.unwrap();
    let (submitted, _) = row(&store, "NOMINATION_SUBMITTED").await;
    tamper(
        &store,
        &url,
        &format!("UPDATE audit_log SET reason = 'sửa lại' WHERE id = {submitted}"),
    )
    .await;
    let (out, result) = verify(&url).await;
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains(&format!("BAD audit_log row {submitted} ")) && out.contains("edited"),
        "{out}"
    );
    store.close().await.unwrap();
    server.stop_unchecked().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_or_reordered_row_is_named() {
    let (server, _org, _) = worked().await;
    let url = server.database_url().to_string();
    let store = laurel_store::Store::connect(&url).await.unwrap();
    let (received, _) = row(&store, "NOMINATION_RECEIVED").await;
    tamper(
        &store,
        &url,
        &format!("DELETE FROM audit_log WHERE id = {received}"),
    )
    .await;
    let (out, result) = verify(&url).await;
    assert!(result.is_err(), "{out}");
    assert!(out.contains("rows missing or reordered"), "{out}");
    store.close().await.unwrap();
    server.stop_unchecked().await;

    // Two rows of one chain swapped.
    let (server, _org, _) = worked().await;
    let url = server.database_url().to_string();
    let store = laurel_store::Store::connect(&url).await.unwrap();
    let (appraised, a) = row(&store, "NOMINATION_APPRAISED").await;
    let (council, c) = row(&store, "COUNCIL_APPROVED").await;
    tamper(
        &store,
        &url,
        &format!("UPDATE audit_log SET seq = -1 WHERE id = {appraised}"),
    )
    .await;
    for (id, seq) in [(council, a), (appraised, c)] {
        laurel_store::testing::execute(
            &store,
            &format!("UPDATE audit_log SET seq = {seq} WHERE id = {id}"),
        )
        .await
        .unwrap();
    }
    let (out, result) = verify(&url).await;
    assert!(result.is_err(), "{out}");
    assert!(out.contains("BAD audit_log row"), "{out}");
    store.close().await.unwrap();
    server.stop_unchecked().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_catches_a_row_deleted_from_the_end_of_a_chain() {
    let (server, _org, _) = worked().await;
    let url = server.database_url().to_string();
    laurel(&["laurel", "audit", "checkpoint", "--database-url", &url])
        .await
        .1
        .unwrap();
    let store = laurel_store::Store::connect(&url).await.unwrap();
    // The last row of the nomination's chain: without a checkpoint nothing would miss it.
    let (decided, _) = row(&store, "NOMINATION_DECIDED").await;
    tamper(
        &store,
        &url,
        &format!("DELETE FROM audit_log WHERE id = {decided}"),
    )
    .await;
    let (out, result) = verify(&url).await;
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains("BAD audit_checkpoint row 1") && out.contains("missing or changed"),
        "{out}"
    );
    store.close().await.unwrap();
    server.stop_unchecked().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_filters_and_is_scoped_by_role() {
    let (server, org, id) = worked().await;
    // The clerk who drafted it reads the nomination's own entries, chained in order.
    let data = server
        .ok(
            Some(&org.clerk),
            q!("audit_log"),
            json!({ "filter": { "entity": "nomination", "entityId": id }, "first": 100 }),
        )
        .await;
    let entries = data["auditLog"]["edges"].as_array().unwrap().clone();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"NOMINATION_SUBMITTED"), "{actions:?}");
    assert!(actions.contains(&"NOMINATION_DECIDED"), "{actions:?}");
    assert_eq!(entries[0]["node"]["seq"], 1);
    assert_eq!(entries[0]["node"]["prevHash"], "");
    for (i, pair) in entries.windows(2).enumerate() {
        assert_eq!(pair[0]["node"]["chain"], format!("nomination:{id}"));
        assert_eq!(
            pair[1]["node"]["prevHash"], pair[0]["node"]["hash"],
            "link {i}"
        );
        assert_eq!(
            pair[1]["node"]["seq"].as_i64().unwrap(),
            pair[0]["node"]["seq"].as_i64().unwrap() + 1
        );
    }

    // The head of another unit may not read it, nor the whole log; the public neither.
    let filter = json!({ "filter": { "entity": "nomination", "entityId": id } });
    for token in [Some(org.other_head.as_str()), None] {
        let error = server.err(token, q!("audit_log"), filter.clone()).await;
        assert!(
            ["FORBIDDEN", "UNAUTHENTICATED"]
                .contains(&error["extensions"]["code"].as_str().unwrap()),
            "{error}"
        );
    }
    let error = server
        .err(Some(&org.clerk), q!("audit_log"), json!({}))
        .await;
    assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{error}");

    // The administrator filters the whole log by action and by actor, and pages through it.
    let submitted = server
        .ok(
            Some(&org.admin),
            q!("audit_log"),
            json!({ "filter": { "action": "NOMINATION_SUBMITTED" }, "first": 100 }),
        )
        .await;
    let rows = submitted["auditLog"]["edges"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{submitted}");
    let head = rows[0]["node"]["actorId"].clone();
    let mut seen = 0;
    let mut after: Option<String> = None;
    loop {
        let page = server
            .ok(
                Some(&org.admin),
                q!("audit_log"),
                json!({ "filter": { "actorId": head }, "first": 1, "after": after }),
            )
            .await;
        for edge in page["auditLog"]["edges"].as_array().unwrap() {
            assert_eq!(edge["node"]["actorId"], head);
            seen += 1;
        }
        if !page["auditLog"]["pageInfo"]["hasNextPage"]
            .as_bool()
            .unwrap()
        {
            break;
        }
        after = page["auditLog"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    // The head submitted, and did more than that in `worked()` (endorsed or reviewed).
    assert!(seen >= 2, "{seen}");
    let future = server
        .ok(
            Some(&org.admin),
            q!("audit_log"),
            json!({ "filter": { "from": "2999-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(future["auditLog"]["edges"].as_array().unwrap().len(), 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_checkpoint_proves_the_log_only_grew_and_its_deletion_is_caught() {
    let (server, _org, _) = worked().await;
    let url = server.database_url().to_string();
    let (printed, result) =
        laurel(&["laurel", "audit", "checkpoint", "--database-url", &url]).await;
    result.unwrap();
    let kept: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let hash = kept["hash"].as_str().unwrap().to_owned();
    let args = [
        "laurel",
        "audit",
        "verify",
        "--database-url",
        &url,
        "--checkpoint",
        &hash,
    ];
    let (out, result) = laurel(&args).await;
    assert!(result.is_ok(), "{out}");
    assert!(
        out.contains(&format!("Kept checkpoint {hash} is in the log")),
        "{out}"
    );

    // Someone removes the checkpoint (and so could rewrite what it sealed): the kept hash says so.
    let store = laurel_store::Store::connect(&url).await.unwrap();
    let lift = if url.starts_with("postgres") {
        "ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only"
    } else {
        "DROP TRIGGER IF EXISTS audit_checkpoint_no_delete"
    };
    laurel_store::testing::execute(&store, lift).await.unwrap();
    laurel_store::testing::execute(&store, "DELETE FROM audit_checkpoint")
        .await
        .unwrap();
    let (out, result) = verify(&url).await;
    assert!(result.is_ok(), "without the kept hash nothing shows: {out}");
    let (out, result) = laurel(&args).await;
    assert!(result.is_err(), "{out}");
    assert!(out.contains("is not in the log"), "{out}");
    store.close().await.unwrap();
    server.stop_unchecked().await;
}
