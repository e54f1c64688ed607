//! `laurel seed --demo`: the seed articles' ceremonies replayed into an empty database. The
//! reports Laurel computes from it say what the articles say, sentence for sentence where an
//! article gives numbers (`../shared/seeds/`):
//! - 004 (Gia Lai, 2022): "Bằng khen của Bộ Công an cho 10 tập thể; Giấy khen của Giám đốc Công an
//!   tỉnh cho 18 tập thể, cá nhân";
//! - 002 (the province, 2020): "Bộ Công an đã tặng Bằng khen cho 9 tập thể; UBND tỉnh tặng Cờ đơn
//!   vị dẫn đầu phong trào thi đua toàn dân bảo vệ ANTQ cho 2 tập thể, tặng Bằng khen cho 8 tập
//!   thể, 12 cá nhân".

use laurel_tests::{TestServer, q};
use serde_json::{Value, json};

use crate::console::Browser;

async fn unit_ids(server: &TestServer, token: &str) -> std::collections::HashMap<String, String> {
    let data = server
        .ok(Some(token), "{ units { id code } }", json!({}))
        .await;
    data["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_owned(),
                u["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn issuer_report(server: &TestServer, token: &str, issuer: &str, year: i32) -> Value {
    let units = unit_ids(server, token).await;
    server
        .ok(
            Some(token),
            q!("award_report"),
            json!({ "issuerUnitId": units[issuer], "year": year }),
        )
        .await["awardReport"]
        .clone()
}

fn states(report: &Value) -> Vec<(String, i64)> {
    report["byState"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_replays_the_seed_ceremonies_and_its_reports_say_what_the_articles_say() {
    let (server, said) = TestServer::start_demo().await;
    assert!(
        said.contains(
            "88 đề nghị / nominations, 8 quyết định / decisions, 84 bằng, giấy khen, cờ / certificates"
        ),
        "{said}"
    );
    for (login, role) in [
        ("vanthu.cp", "CLERK"),
        ("truong.cp", "UNIT_HEAD"),
        ("tdkt.cagl", "CLERK"),
        ("thuky.cagl", "COUNCIL_SECRETARY"),
        ("pgd.son", "SIGNER"),
    ] {
        assert!(
            said.lines()
                .any(|l| l.trim_start().starts_with(login) && l.contains(role)),
            "{login}: {said}"
        );
    }
    let password = said
        .lines()
        .find_map(|l| l.split("every other demo account's password: ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let gia_lai = server.login("tdkt.cagl", &password).await;
    let ministry = server.login("tdkt.bca", &password).await;
    let province = server.login("tdkt.ubnd-nd", &password).await;

    // Article 004: Gia Lai, 2022.
    let report = issuer_report(&server, &ministry, "BCA", 2022).await;
    assert_eq!(
        report["sentences"],
        json!(["Bộ trưởng Bộ Công an tặng Bằng khen cho 10 tập thể."])
    );
    let report = issuer_report(&server, &gia_lai, "CAGL", 2022).await;
    assert_eq!(
        report["sentences"],
        json!(["Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 10 tập thể, 8 cá nhân."])
    );
    assert_eq!(report["totalRecipients"], 18, "{report}");
    // 0.3 × 1,490,000 (Decree 91/2017 [C-old] on Decree 38/2019's base salary), 2 × for
    // collectives, each rounded up to 10,000 VND as Laurel rounds every amount: 10 × 900,000 +
    // 8 × 450,000.
    assert_eq!(report["totalCashVnd"], 12_600_000, "{report}");
    // The movement's report has both, and says what did not make it.
    let movements = server.ok(Some(&gia_lai), q!("movements"), json!({})).await;
    let movement = movements["movements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Toàn dân bảo vệ an ninh Tổ quốc năm 2022")
        .unwrap()
        .clone();
    assert_eq!(movement["launchedBy"]["code"], "CAGL");
    let report = server
        .ok(
            Some(&gia_lai),
            q!("movement_report"),
            json!({ "movementId": movement["id"] }),
        )
        .await["movementReport"]
        .clone();
    assert_eq!(
        report["sentences"],
        json!([
            "Bộ trưởng Bộ Công an tặng Bằng khen cho 10 tập thể.",
            "Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 10 tập thể, 8 cá nhân."
        ])
    );
    assert_eq!(
        states(&report),
        [("REJECTED".to_owned(), 1), ("WITHDRAWN".to_owned(), 1)]
    );

    // The ministry's two decisions, on their historic days; Ia Dêr's return and resubmission
    // are in its history; each certificate verifies with the keys the demo made.
    let decisions = server
        .ok(
            Some(&ministry),
            "{ decisions(first: 10) { edges { node { number signedOn signerName capacityLine \
               nominations { nominee { ... on Unit { code } } \
                 history { action } certificate { code } } } } } }",
            json!({}),
        )
        .await;
    let mut signed: Vec<(String, String, usize)> = decisions["decisions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["number"].as_str().unwrap().to_owned(),
                e["node"]["signedOn"].as_str().unwrap().to_owned(),
                e["node"]["nominations"].as_array().unwrap().len(),
            )
        })
        .collect();
    signed.sort();
    // The ministry reads its own decisions and those of the provincial police below it.
    assert_eq!(
        signed,
        [
            ("1/QĐ-BCA".to_owned(), "2020-11-30".to_owned(), 9),
            ("1/QĐ-BCA".to_owned(), "2023-02-20".to_owned(), 10),
            ("1/QĐ-CAGL".to_owned(), "2023-03-01".to_owned(), 18),
            ("1/QĐ-CAKG".to_owned(), "2023-05-22".to_owned(), 8),
        ]
    );
    let gia_lai_decision = decisions["decisions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["signedOn"] == "2023-02-20")
        .unwrap()["node"]
        .clone();
    assert_eq!(gia_lai_decision["capacityLine"], "KT. BỘ TRƯỞNG");
    let ia_der = gia_lai_decision["nominations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["nominee"]["code"] == "IG-ID")
        .unwrap();
    let story: Vec<&str> = ia_der["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert!(
        story.contains(&"NOMINATION_RETURNED") && story.contains(&"NOMINATION_RESUBMITTED"),
        "{story:?}"
    );
    let code = ia_der["certificate"]["code"].as_str().unwrap();
    let verified = server
        .ok(None, q!("verify_certificate"), json!({ "code": code }))
        .await["verifyCertificate"]
        .clone();
    assert_eq!(verified["status"], "VALID", "{verified}");
    assert_eq!(verified["decisionNumber"], "1/QĐ-BCA");

    // Article 002: the province, 2020.
    let report = issuer_report(&server, &ministry, "BCA", 2020).await;
    assert_eq!(
        report["sentences"],
        json!(["Bộ trưởng Bộ Công an tặng Bằng khen cho 9 tập thể."])
    );
    let report = issuer_report(&server, &province, "UBND-ND", 2020).await;
    assert_eq!(
        report["sentences"],
        json!([
            "Chủ tịch Ủy ban nhân dân tỉnh Nam Định tặng Cờ thi đua cho 2 tập thể; Bằng khen cho 8 tập thể, 12 cá nhân."
        ])
    );

    // The two flags' certificates, downloaded as the province's office: the flag layout (A3
    // landscape) with its award, recipient and signer, as handed over at the ceremony.
    let decisions = server
        .ok(
            Some(&province),
            "{ decisions(first: 50) { edges { node { number certificates { awardTitle recipientName pdfUrl } } } } }",
            json!({}),
        )
        .await;
    let flags: Vec<Value> = decisions["decisions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["node"]["certificates"].as_array().unwrap().clone())
        .filter(|c| c["awardTitle"] == "CỜ THI ĐUA")
        .collect();
    assert_eq!(flags.len(), 2, "{decisions}");
    for flag in &flags {
        let pdf = server
            .http()
            .get(format!(
                "{}{}",
                server.base,
                flag["pdfUrl"].as_str().unwrap()
            ))
            .bearer_auth(&province)
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status(), 200);
        let pdf = pdf.bytes().await.unwrap();
        assert_eq!(laurel_tests::pdf_page_sizes(&pdf), vec![(420, 297)]);
        let text = laurel_tests::pdf_text(&pdf);
        for expected in [
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH",
            "CỜ THI ĐUA",
            flag["recipientName"].as_str().unwrap(),
            "KT. CHỦ TỊCH",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }

    // What is still under way: a nomination returned to a ward of Cửa Lò, one before the
    // council of Công an tỉnh Kiên Giang.
    let ward_head = server.login("truong.cl-nha", &password).await;
    let queue = server
        .ok(Some(&ward_head), q!("work_queue"), json!({ "first": 10 }))
        .await;
    assert_eq!(queue["workQueue"]["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(queue["workQueue"]["nodes"][0]["state"], "RETURNED");
    let secretary = server.login("thuky.cakg", &password).await;
    let queue = server
        .ok(Some(&secretary), q!("work_queue"), json!({ "first": 10 }))
        .await;
    let nodes = queue["workQueue"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{queue}");
    assert_eq!(nodes[0]["stage"]["kind"], "COUNCIL");

    // A new user reads the 2022 Gia Lai report in the console, in Vietnamese.
    let units = unit_ids(&server, &gia_lai).await;
    let mut browser = Browser::login(&server.base, "tdkt.cagl", &password).await;
    let page = browser
        .get(&format!("/reports?issuer={}&year=2022", units["CAGL"]))
        .await;
    assert!(
        page.body
            .contains("Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 10 tập thể, 8 cá nhân."),
        "{}",
        page.body
    );

    // Every step was audited, and the history of each nomination folds back from its events.
    laurel_tests::check_history(server.database_url()).await;
    // The ceremonies ran side by side, each step on its day: the audit log's time never goes
    // back, though it is recorded in one pass.
    let backwards = laurel_store::testing::select_text(
        server.store(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM (SELECT at, LAG(at) OVER (ORDER BY id) AS before \
         FROM audit_log) steps WHERE at < before",
    )
    .await
    .unwrap();
    assert_eq!(backwards, ["0"]);
    // The demo fills an empty database only.
    let elsewhere = tempfile::tempdir().unwrap();
    let key_secret = elsewhere.path().join("key-secret");
    let (_, again) = laurel_tests::laurel(&[
        "laurel",
        "seed",
        "--demo",
        "--database-url",
        server.database_url(),
        "--documents-dir",
        elsewhere.path().to_str().unwrap(),
        "--key-secret-file",
        key_secret.to_str().unwrap(),
    ])
    .await;
    assert!(again.unwrap_err().contains("not empty"));
    server.stop().await;
}

/// Issue 10 §5: the nominations as XLSX and CSV, linked from GraphQL, straight from the database
/// with `laurel export --nominations`; the workbook reads back (calamine) with the same data the
/// API gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nomination_lists_export_to_excel_and_csv_and_read_back_the_same() {
    let (server, said) = TestServer::start_demo().await;
    let password = said
        .lines()
        .find_map(|l| l.split("every other demo account's password: ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let office = server.login("tdkt.cagl", &password).await;
    let listed = server
        .ok(
            Some(&office),
            "{ nominations(first: 100, filter: {period: 2022}) { edges { node { id state } } } \
               xlsx: nominationsExportUrl(filter: {period: 2022}) \
               csv: nominationsExportUrl(filter: {period: 2022}, csv: true) \
               rejected: nominationsExportUrl(filter: {state: REJECTED}) }",
            json!({}),
        )
        .await;
    let mut ids: Vec<String> = listed["nominations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    // The province's office reads its districts' 12 Bằng khen and 18 Giấy khen nominations.
    assert_eq!(ids.len(), 30);
    assert_eq!(listed["xlsx"], "/exports/nominations.xlsx?period=2022");
    let download = |url: String| {
        let (server, office) = (&server, &office);
        async move {
            let response = server
                .http()
                .get(format!("{}{url}", server.base))
                .bearer_auth(office)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.bytes().await.unwrap().to_vec(),
            )
        }
    };
    let (status, xlsx) = download(listed["xlsx"].as_str().unwrap().to_owned()).await;
    assert_eq!(status, 200);
    let grid = laurel_sheets::read::read_grid(&xlsx).unwrap();
    assert_eq!(grid.lines[2], laurel_gateway::ops::NOMINATION_COLUMNS);
    let rows = &grid.lines[3..];
    let mut exported: Vec<String> = rows.iter().map(|r| r[13].clone()).collect();
    exported.sort();
    assert_eq!(exported, ids, "the same nominations");
    let ia_der = rows.iter().find(|r| r[1] == "Công an xã Ia Dêr").unwrap();
    assert_eq!(
        ia_der[2..9],
        [
            "tập thể",
            "Công an huyện Ia Grai",
            "Bằng khen của bộ, ban, ngành, tỉnh",
            "Bộ trưởng Bộ Công an",
            "2022",
            "đã có quyết định",
            ""
        ]
    );
    assert_eq!(ia_der[12], "1/QĐ-BCA ngày 20/02/2023");
    let officer = rows.iter().find(|r| r[1] == "Ksor H'Bia").unwrap();
    assert_eq!(officer[2..4], ["cá nhân", "Công an xã Ia Khươl"]);
    // The CSV has the same lines, after a byte-order mark for Excel.
    let (status, csv) = download(listed["csv"].as_str().unwrap().to_owned()).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let from_csv = laurel_sheets::read::read_grid(&csv).unwrap();
    assert_eq!(from_csv.lines[0], grid.lines[2]);
    assert_eq!(from_csv.lines[1..], grid.lines[3..]);
    // The console links the same export from the filtered list, for the same session.
    let mut browser = Browser::login(&server.base, "tdkt.cagl", &password).await;
    let page = browser.get("/nominations?period=2022").await;
    assert!(
        page.body
            .contains("href=\"/exports/nominations.xlsx?period=2022\""),
        "{}",
        page.body
    );
    let (status, from_console) = browser
        .download("/exports/nominations.xlsx?period=2022")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        laurel_sheets::read::read_grid(&from_console).unwrap().lines[3..],
        grid.lines[3..]
    );
    // A filter by state; a malformed one is refused.
    let (_, rejected) = download(listed["rejected"].as_str().unwrap().to_owned()).await;
    let rejected = laurel_sheets::read::read_grid(&rejected).unwrap();
    assert_eq!(rejected.lines.len(), 4, "{:?}", rejected.lines);
    assert_eq!(rejected.lines[3][1], "Công an xã Song An");
    let (status, _) = download("/exports/nominations.xlsx?state=LOST".into()).await;
    assert_eq!(status, 400);

    // Offline, the same from the database: the nomination still before Kiên Giang's council,
    // overdue since 2023.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dang-xet.xlsx");
    let (printed, result) = laurel_tests::laurel(&[
        "laurel",
        "export",
        "--nominations",
        "--year",
        "2023",
        "--state",
        "SUBMITTED",
        "--database-url",
        server.database_url(),
        "--out",
        out.to_str().unwrap(),
    ])
    .await;
    result.unwrap();
    assert!(printed.contains(": 1 đề nghị / nominations"), "{printed}");
    let grid = laurel_sheets::read::read_grid(&std::fs::read(&out).unwrap()).unwrap();
    let row = &grid.lines[3];
    assert_eq!(row[1], "Huỳnh Văn Tư");
    assert_eq!(
        row[7..10],
        [
            "đang xét duyệt",
            "Hội đồng Thi đua - Khen thưởng xét",
            "Công an tỉnh Kiên Giang",
        ]
    );
    assert_eq!(row[11], "quá hạn");
    assert!(row[10].ends_with("/2023"), "{row:?}");

    // Reports too: the issuer's 2022 report as CSV through its GraphQL link and offline, and as
    // the workbook offline; each reads back with its figures.
    let units = unit_ids(&server, &office).await;
    let link = server
        .ok(
            Some(&office),
            "query($id: ID!) { awardReport(issuerUnitId: $id, year: 2022) { csvUrl } }",
            json!({ "id": units["CAGL"] }),
        )
        .await["awardReport"]["csvUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(link.ends_with("/2022.csv"), "{link}");
    let (status, csv) = download(link).await;
    assert_eq!(status, 200);
    let table = laurel_sheets::read::read_grid(&csv).unwrap();
    assert_eq!(table.lines[0], laurel_gateway::ops::REPORT_CSV_COLUMNS);
    assert_eq!(
        table.lines[1],
        [
            "Giám đốc Công an tỉnh Gia Lai",
            "Giấy khen",
            "10",
            "8",
            "12600000"
        ]
    );
    assert_eq!(table.lines[2], ["Tổng cộng", "", "10", "8", "12600000"]);
    for name in ["bao-cao.csv", "bao-cao.xlsx"] {
        let file = dir.path().join(name);
        let (printed, result) = laurel_tests::laurel(&[
            "laurel",
            "export",
            "--report",
            "--issuer",
            "CAGL",
            "--year",
            "2022",
            "--database-url",
            server.database_url(),
            "--out",
            file.to_str().unwrap(),
        ])
        .await;
        result.unwrap();
        assert!(
            printed.starts_with("Khen thưởng năm 2022 — Giám đốc Công an tỉnh Gia Lai"),
            "{printed}"
        );
        let grid = laurel_sheets::read::read_grid(&std::fs::read(&file).unwrap()).unwrap();
        if name.ends_with(".csv") {
            assert_eq!(grid.lines, table.lines);
        } else {
            assert!(
                grid.lines.iter().flatten().any(|c| c
                    == "Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 10 tập thể, 8 cá nhân."),
                "{:?}",
                grid.lines
            );
        }
    }
    server.stop().await;
}
