//! `laurel backup` and `laurel restore` (issue 11 §4): a copy taken while four clients submit
//! nominations restores into a fresh database that passes every check the original does, and a
//! Laurel started on it serves what was acknowledged before the copy began, documents included.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use laurel_store::testing::TestDatabase;
use laurel_tests::{Org, PASSWORD, TestServer, check_history, laurel, q};
use serde_json::json;
use sha2::Digest;

/// Backs `server`'s database and documents up into `target`.
async fn backup(server: &TestServer, target: &std::path::Path) -> (String, Result<(), String>) {
    laurel(&[
        "laurel",
        "backup",
        "--database-url",
        server.database_url(),
        "--documents-dir",
        server.documents_dir().to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
    ])
    .await
}

/// Restores `from` into the database at `url`, documents into `documents`.
async fn restore(
    url: &str,
    documents: &std::path::Path,
    from: &std::path::Path,
) -> (String, Result<(), String>) {
    laurel(&[
        "laurel",
        "restore",
        "--database-url",
        url,
        "--documents-dir",
        documents.to_str().unwrap(),
        "--from",
        from.to_str().unwrap(),
    ])
    .await
}

/// Clients writing while the backup is taken.
const CLIENTS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_into_a_database_that_passes_every_check() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // Something of everything: a signed decision with its certificate, and a document of its own.
    let (certified, _decision, _certificate) =
        org.certified(&server, "Nguyễn Thị Ngọc Huyền").await;
    let (own, _) = org
        .draft(&server, &org.huyen, "Bảo vệ an ninh trật tự")
        .await;
    let own_pdf = [laurel_tests::PDF, "% hồ sơ riêng của Huyền\n".as_bytes()].concat();
    let body = server
        .upload(
            Some(&org.clerk),
            json!({ "nominationId": own, "kind": "BAO_CAO_THANH_TICH", "file": null }),
            "bao-cao.pdf",
            &own_pdf,
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("laurel-backup");
    let stop = AtomicBool::new(false);
    // Clients with a submission acknowledged so far.
    let started = AtomicUsize::new(0);
    // Four clients draft and submit nominations at once while the copy is taken; each is
    // acknowledged at the moment its submission answered.
    let client = |c: usize| {
        let (org, server, stop, started) = (&org, &server, &stop, &started);
        async move {
            let mut acknowledged = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let achievement = format!(
                    "Thành tích thứ {} của người thứ {c}",
                    acknowledged.len() + 1
                );
                let (id, _) = org.just_submitted(server, &org.huyen, &achievement).await;
                acknowledged.push((id, Instant::now()));
                if acknowledged.len() == 1 {
                    started.fetch_add(1, Ordering::SeqCst);
                }
            }
            acknowledged
        }
    };
    let load = futures::future::join_all((0..CLIENTS).map(client));
    let copy = async {
        // The copy begins once every client has written something, and they go on writing.
        let waiting = Instant::now();
        while started.load(Ordering::SeqCst) < CLIENTS {
            assert!(
                waiting.elapsed() < Duration::from_secs(60),
                "the clients wrote nothing in a minute"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let began = Instant::now();
        let outcome = backup(&server, &target).await;
        let ended = Instant::now();
        stop.store(true, Ordering::SeqCst);
        (began, ended, outcome)
    };
    let (acknowledged, (began, ended, (said, result))) = tokio::join!(load, copy);
    result.unwrap_or_else(|e| panic!("backup failed: {e}\n{said}"));
    assert!(said.contains("Backup of"), "{said}");
    for (c, mine) in acknowledged.iter().enumerate() {
        assert!(
            mine.iter().any(|(_, at)| *at < began),
            "client {c} had nothing acknowledged before the copy began"
        );
    }
    eprintln!(
        "{} submissions acknowledged while the copy was taken",
        acknowledged
            .iter()
            .flatten()
            .filter(|(_, at)| (began..ended).contains(at))
            .count()
    );
    let before: Vec<&String> = acknowledged
        .iter()
        .flatten()
        .filter(|(_, at)| *at < began)
        .map(|(id, _)| id)
        .collect();

    let db = TestDatabase::empty().await.unwrap();
    let documents = tempfile::tempdir().unwrap();
    let (said, result) = restore(&db.url, documents.path(), &target).await;
    result.unwrap_or_else(|e| panic!("restore failed: {e}\n{said}"));
    assert!(said.contains("verifies"), "{said}");

    // The same checks as the fault tests: every nomination's events fold into it, every chain
    // verifies, the engine finds nothing wrong, and nothing acknowledged before the copy is lost.
    check_history(&db.url).await;
    {
        use laurel_store::Read;
        let store = laurel_store::Store::connect(&db.url).await.unwrap();
        assert_eq!(
            store.integrity_problems().await.unwrap(),
            Vec::<String>::new()
        );
        for id in before.iter().copied().chain([&certified, &own]) {
            let id = laurel_domain::ids::NominationId(id.parse().unwrap());
            assert!(
                store.nomination(id).await.unwrap().is_some(),
                "nomination {id}, acknowledged before the backup began, is not in the copy"
            );
        }
        store.close().await.unwrap();
    }

    // A Laurel on the restored database serves it: the clerk signs in with the same password
    // and downloads the documents, byte for byte.
    let restored =
        TestServer::start_on(db, documents, Some(server.admin_password.clone()), |_| {}).await;
    let clerk = restored.login("clerk.ptm", PASSWORD).await;
    for (id, expected) in [(&own, &own_pdf[..]), (&certified, laurel_tests::PDF)] {
        let n = restored
            .ok(Some(&clerk), q!("nomination_dossier"), json!({ "id": id }))
            .await;
        let document = &n["nomination"]["dossier"]["documents"][0];
        let url = format!("{}{}", restored.base, document["url"].as_str().unwrap());
        let got = restored
            .http()
            .get(&url)
            .bearer_auth(&clerk)
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), 200, "{url}");
        let bytes = got.bytes().await.unwrap();
        assert_eq!(&bytes[..], expected);
        assert_eq!(
            document["sha256"].as_str().unwrap(),
            data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(&bytes))
        );
    }
    restored.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_refuses_a_database_in_use_and_a_backup_that_does_not_add_up() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    org.just_submitted(&server, &org.huyen, "Thành tích năm 2026")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup");
    backup(&server, &target).await.1.unwrap();

    // A mistyped SQLite path is not backed up as an empty database (nor created).
    let missing = dir.path().join("khong-co.db");
    let (_, nothing_there) = laurel(&[
        "laurel",
        "backup",
        "--database-url",
        missing.to_str().unwrap(),
        "--out",
        dir.path().join("empty").to_str().unwrap(),
    ])
    .await;
    assert!(nothing_there.unwrap_err().contains("does not exist"));
    assert!(!missing.exists() && !dir.path().join("empty").exists());
    assert!(!dir.path().join("empty.partial").exists());

    // A backup never overwrites another.
    let (_, again) = backup(&server, &target).await;
    assert!(again.unwrap_err().contains("exists already"));

    // A database that holds anything is not restored over.
    let (_, over) = restore(server.database_url(), dir.path(), &target).await;
    assert!(over.unwrap_err().contains("already"));

    // A backup whose rows do not match its manifest is refused, and leaves nothing behind on
    // SQLite (the copy is checked before it becomes the database).
    let manifest_file = target.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_file).unwrap()).unwrap();
    let nominations = manifest["tables"]["nomination"].as_i64().unwrap();
    manifest["tables"]["nomination"] = json!(nominations + 1);
    std::fs::write(&manifest_file, manifest.to_string()).unwrap();
    let db = TestDatabase::empty().await.unwrap();
    let (_, tampered) = restore(&db.url, dir.path(), &target).await;
    let error = tampered.unwrap_err();
    assert!(
        error.contains(&format!(
            "nomination: {} in the backup, {nominations} restored",
            nominations + 1
        )),
        "{error}"
    );
    if let Some(file) = laurel::sqlite_file(&db.url) {
        assert!(!file.exists(), "a refused copy became the database");
    }

    // Not a backup at all.
    let (_, nothing) = restore(&db.url, dir.path(), dir.path()).await;
    assert!(nothing.unwrap_err().contains("is not a Laurel backup"));
    server.stop().await;
}
