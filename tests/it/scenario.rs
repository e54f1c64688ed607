//! The walking skeleton: one Giấy khen from draft to a verifiable PDF certificate.

use std::process::Command;

use laurel_tests::{Org, TestServer, nfd, q};
use serde_json::{Value, json};

const HUYEN: &str = "Nguyễn Thị Ngọc Huyền";
const ACHIEVEMENT: &str =
    "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2024";

/// The PDF's text, extracted by poppler's `pdftotext`.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("certificate.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: apt-get install poppler-utils");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout).unwrap()
}

fn pdf_page_size(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("certificate.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_giay_khen_goes_from_draft_to_a_verifiable_pdf_certificate() {
    let server = TestServer::start().await;
    let health = server
        .http()
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let graphiql = server
        .http()
        .get(format!("{}/graphql", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(graphiql.status(), 200);
    assert!(
        graphiql
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );

    let org = Org::create(&server).await;

    // The clerk drafts; the name was typed in NFD and is stored in NFC.
    let nomination = server
        .ok(
            Some(&org.clerk),
            q!("nomination"),
            json!({ "id": org.draft(&server, &org.huyen, &nfd(ACHIEVEMENT)).await.0 }),
        )
        .await["nomination"]
        .clone();
    assert_eq!(nomination["state"], "DRAFT");
    assert_eq!(nomination["achievement"], ACHIEVEMENT);
    assert_eq!(nomination["nominee"]["fullName"], HUYEN);
    assert_eq!(
        nomination["nominee"]["displayName"],
        format!("Đại úy {HUYEN}")
    );
    let id = nomination["id"].as_str().unwrap().to_string();

    // The clerk fixes the citation; the unit head submits.
    let edited = server
        .ok(
            Some(&org.clerk),
            q!("update_nomination"),
            json!({ "input": { "id": id, "expectedVersion": 1, "achievement": ACHIEVEMENT } }),
        )
        .await;
    assert_eq!(edited["updateNomination"]["nomination"]["version"], 2);
    // The dossier (Art 84.2 for a Giấy khen) goes with it; attaching changes no version.
    org.attach_dossier(&server, &id).await;
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": 2 }),
        )
        .await;
    assert_eq!(
        submitted["submitNomination"]["nomination"]["state"],
        "SUBMITTED"
    );
    assert_eq!(submitted["submitNomination"]["nomination"]["version"], 3);

    // The province's office receives and appraises it, the council approves it.
    let version = org.review(&server, &id, 3).await;
    assert_eq!(version, 6);

    // The deputy director signs "KT. GIÁM ĐỐC".
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": {
                "nominations": [{ "id": id, "expectedVersion": 6 }],
                "capacity": "KT",
                "signerTitle": "Phó Giám đốc",
            } }),
        )
        .await;
    let decision = &signed["signDecision"]["decision"];
    assert_eq!(decision["number"], "1/QĐ-CAT");
    assert_eq!(decision["sequence"], 1);
    assert_eq!(decision["issuerTitle"], "Giám đốc Công an tỉnh Gia Lai");
    assert_eq!(decision["signerName"], "Đại tá Nguyễn Hữu Bình");
    assert_eq!(decision["capacityLine"], "KT. GIÁM ĐỐC");
    assert_eq!(decision["titleLine"], "PHÓ GIÁM ĐỐC");
    assert_eq!(decision["state"], "SIGNED");
    assert_eq!(decision["nominations"][0]["state"], "DECIDED");
    let signed_on_text = decision["signedOnText"].as_str().unwrap().to_string();
    assert_eq!(signed_on_text.len(), 10, "dd/mm/yyyy: {signed_on_text}");
    assert_eq!(
        decision["reference"],
        format!("Quyết định số 1/QĐ-CAT ngày {signed_on_text}")
    );
    let decision_id = decision["id"].as_str().unwrap().to_string();

    // Certificates are issued once; issuing again changes nothing.
    let issued = server
        .ok(
            Some(&org.signer),
            q!("issue_certificates"),
            json!({ "decisionId": decision_id }),
        )
        .await;
    let certificates = issued["issueCertificates"]["certificates"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(certificates.len(), 1);
    let certificate = &certificates[0];
    assert_eq!(certificate["goldenBookNumber"], 1);
    assert_eq!(certificate["status"], "VALID");
    assert_eq!(certificate["recipientName"], format!("Đại úy {HUYEN}"));
    assert_eq!(certificate["awardTitle"], "GIẤY KHEN");
    let again = server
        .ok(
            Some(&org.signer),
            q!("issue_certificates"),
            json!({ "decisionId": decision_id }),
        )
        .await;
    assert_eq!(
        again["issueCertificates"]["certificates"],
        Value::Array(certificates.clone())
    );

    // The PDF: A4 landscape, with every part of the legal template, in NFC.
    let pdf_url = format!("{}{}", server.base, certificate["pdfUrl"].as_str().unwrap());
    let anonymous = server.http().get(&pdf_url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let outsider = server
        .http()
        .get(&pdf_url)
        .bearer_auth(&org.other_head)
        .send()
        .await
        .unwrap();
    assert_eq!(outsider.status(), 403);
    let response = server
        .http()
        .get(&pdf_url)
        .bearer_auth(&org.clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(
        pdf_page_size(&pdf).contains("841.89 x 595.276"),
        "A4 landscape: {}",
        pdf_page_size(&pdf)
    );
    let text = pdf_text(&pdf);
    assert!(text.contains(HUYEN), "recipient in NFC:\n{text}");
    assert!(!text.contains(&nfd(HUYEN)), "no NFD left:\n{text}");
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI",
        "TẶNG",
        "GIẤY KHEN",
        "Phó Trưởng phòng, Phòng Tham mưu, Công an tỉnh Gia Lai",
        "Quyết định số 1/QĐ-CAT",
        &signed_on_text,
        "Số sổ vàng: 1",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đại tá Nguyễn Hữu Bình",
        certificate["code"].as_str().unwrap(),
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(ACHIEVEMENT), "achievement in:\n{text}");

    // Anyone can verify, through GraphQL without a token and over plain HTTP.
    let code = certificate["code"].as_str().unwrap();
    let verified = server
        .ok(
            None,
            q!("verify_certificate"),
            json!({ "code": code.to_lowercase() }),
        )
        .await["verifyCertificate"]
        .clone();
    assert_eq!(verified["status"], "VALID");
    assert_eq!(verified["recipientName"], format!("Đại úy {HUYEN}"));
    assert_eq!(verified["decisionNumber"], "1/QĐ-CAT");
    assert_eq!(verified["decisionDate"], signed_on_text);
    assert_eq!(verified["contentSha256"], certificate["contentSha256"]);
    let verify_url = certificate["verifyUrl"].as_str().unwrap();
    assert!(verify_url.starts_with(&server.base), "{verify_url}");
    let json_page: Value = server
        .http()
        .get(verify_url)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json_page["status"], "VALID");
    assert_eq!(json_page["recipientName"], format!("Đại úy {HUYEN}"));
    let html = server
        .http()
        .get(verify_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("hợp lệ") && html.contains(HUYEN), "{html}");
    let unknown = server
        .ok(
            None,
            q!("verify_certificate"),
            json!({ "code": "0000-0000-0000-0000" }),
        )
        .await;
    assert_eq!(unknown["verifyCertificate"], Value::Null);
    let missing = server
        .http()
        .get(format!("{}/verify/00000000000000000000", server.base))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);

    // Every state change is in the nomination's history, with who did it.
    let history = server
        .ok(Some(&org.clerk), q!("nomination"), json!({ "id": id }))
        .await["nomination"]["history"]
        .clone();
    let steps: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap().to_string(),
                h["actorName"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("NOMINATION_CREATED", "clerk.ptm"),
        ("NOMINATION_EDITED", "clerk.ptm"),
        ("NOMINATION_SUBMITTED", "head.ptm"),
        ("NOMINATION_RECEIVED", "tdkt.cat"),
        ("NOMINATION_APPRAISED", "tdkt.cat"),
        ("COUNCIL_APPROVED", "thuky.hd"),
        ("NOMINATION_DECIDED", "Nguyễn Hữu Bình"),
    ]
    .iter()
    .map(|(a, u)| (a.to_string(), u.to_string()))
    .collect();
    assert_eq!(steps, expected);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_password_must_be_changed_before_anything_else() {
    let server = TestServer::start().await;
    let token = server.login("admin", &server.admin_password).await;
    let me = server
        .ok(
            Some(&token),
            "{ me { username mustChangePassword } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"]["mustChangePassword"], true);
    let refused = server
        .err(Some(&token), "{ units { id } }", json!({}))
        .await;
    assert_eq!(refused["extensions"]["code"], "PASSWORD_CHANGE_REQUIRED");
    let wrong = server
        .err(
            Some(&token),
            q!("change_password"),
            json!({ "current": "not the password", "new": "a-new-long-password" }),
        )
        .await;
    assert_eq!(wrong["extensions"]["code"], "UNAUTHENTICATED");
    server
        .ok(
            Some(&token),
            q!("change_password"),
            json!({ "current": server.admin_password, "new": "a-new-long-password" }),
        )
        .await;
    server.ok(Some(&token), "{ units { id } }", json!({})).await;
    // The old password no longer works; logout ends the session.
    let old = server
        .err(
            None,
            q!("login"),
            json!({ "username": "admin", "password": server.admin_password }),
        )
        .await;
    assert_eq!(old["extensions"]["code"], "UNAUTHENTICATED");
    let out = server
        .ok(Some(&token), "mutation { logout { loggedOut } }", json!({}))
        .await;
    assert_eq!(out["logout"]["loggedOut"], true);
    let after = server
        .err(Some(&token), "{ units { id } }", json!({}))
        .await;
    assert_eq!(after["extensions"]["code"], "UNAUTHENTICATED");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_restarted_on_the_same_database_creates_no_second_admin_and_keeps_data() {
    let db = laurel_store::testing::TestDatabase::empty().await.unwrap();
    let documents = tempfile::tempdir().unwrap();
    let mut config = laurel::ServeConfig::new(&db.url, "127.0.0.1:0".parse().unwrap());
    config.documents_dir = documents.path().to_path_buf();
    config.key_secret_file = documents.path().join("key-secret");
    let first = laurel::start(config.clone()).await.unwrap();
    assert!(first.bootstrap.is_some());
    first.stop().await.unwrap();
    let second = laurel::start(config).await.unwrap();
    assert!(second.bootstrap.is_none(), "admin is created only once");
    second.stop().await.unwrap();
}
