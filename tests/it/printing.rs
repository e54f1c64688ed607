//! Printing on pre-printed blanks (phôi): an issuer's office prints the calibration sheet,
//! measures, corrects the calibration (optimistic versions, audited, refused when a box runs
//! off the sheet), and prints a certificate and a whole decision on its blanks; the same
//! offline with `laurel print --blank`.

use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};

const LAYOUT: &str = "query($unit: ID!, $form: CertificateForm!) { blankLayout(issuerUnitId: $unit, form: $form) { issuerUnitId form widthMm heightMm version updatedAt calibrationUrl qr { xMm yMm sizeMm } fields { field xMm yMm widthMm heightMm sizePt bold italic align color } } }";
const SET: &str = "mutation($input: SetBlankLayoutInput!) { setBlankLayout(input: $input) { version widthMm fields { field xMm yMm } qr { sizeMm } } }";

async fn get(server: &TestServer, token: &str, path: &str) -> reqwest::Response {
    server
        .http()
        .get(format!("{}{path}", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_calibrates_its_blanks_and_prints_on_them() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (_, decision, certificate) = org.certified(&server, "Nguyễn Thị Ngọc Huyền").await;
    let certificate = certificate["id"].as_str().unwrap().to_owned();

    // Before any calibration: Laurel's standard layout of an A4 Giấy khen, version 0.
    let vars = json!({ "unit": org.province, "form": "GIAY_KHEN" });
    let standard = server.ok(Some(&org.office), LAYOUT, vars.clone()).await["blankLayout"].clone();
    assert_eq!(standard["version"], 0);
    assert_eq!(
        (standard["widthMm"].as_f64(), standard["heightMm"].as_f64()),
        (Some(297.0), Some(210.0))
    );
    assert!(standard["updatedAt"].is_null());
    let fields = standard["fields"].as_array().unwrap();
    assert!(fields.iter().any(|f| f["field"] == "RECIPIENT_NAME"));
    assert!(
        !fields.iter().any(|f| f["field"] == "AWARD_TITLE"),
        "blanks carry it"
    );

    // The calibration sheet: the blank's size, every box named on a millimetre grid.
    let url = standard["calibrationUrl"].as_str().unwrap();
    assert_eq!(
        url,
        format!("/units/{}/blanks/GIAY_KHEN/calibration.pdf", org.province)
    );
    let sheet = server.pdf(&org.office, url).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&sheet), vec![(297, 210)]);
    let text = laurel_tests::pdf_text(&sheet);
    for expected in [
        "recipient_name",
        "achievement",
        "Tờ căn chỉnh phôi Giấy khen",
        "Công an tỉnh Gia Lai",
        "setBlankLayout",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }

    // Printed once on the blank as it is (and so kept) before the office measures.
    let uncalibrated = server
        .pdf(
            &org.office,
            &format!("/certificates/{certificate}.pdf?blank=true"),
        )
        .await;

    // Measured: the name line is 6 mm lower and the QR code goes; the office sets it.
    let mut input_fields: Vec<Value> = fields.clone();
    for f in &mut input_fields {
        if f["field"] == "RECIPIENT_NAME" {
            f["yMm"] = json!(f["yMm"].as_f64().unwrap() + 6.0);
        }
        f.as_object_mut().unwrap().retain(|_, v| !v.is_null());
    }
    let input = |fields: &Vec<Value>, expected: i64| {
        json!({ "input": {
            "issuerUnitId": org.province, "form": "GIAY_KHEN", "widthMm": 297.0, "heightMm": 210.0,
            "fields": fields, "expectedVersion": expected,
        } })
    };
    let set = server
        .ok(Some(&org.office), SET, input(&input_fields, 0))
        .await["setBlankLayout"]
        .clone();
    assert_eq!(set["version"], 1);
    assert!(set["qr"].is_null());
    let read = server.ok(Some(&org.office), LAYOUT, vars.clone()).await["blankLayout"].clone();
    assert_eq!(read["version"], 1);
    let name = read["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "RECIPIENT_NAME")
        .unwrap()
        .clone();
    assert_eq!(
        name["yMm"].as_f64().unwrap(),
        fields
            .iter()
            .find(|f| f["field"] == "RECIPIENT_NAME")
            .unwrap()["yMm"]
            .as_f64()
            .unwrap()
            + 6.0
    );
    assert!(read["qr"].is_null());

    // Someone who read version 0 is told to reload; nothing changes.
    let stale = server
        .err(Some(&org.office), SET, input(&fields.to_vec(), 0))
        .await;
    assert_eq!(stale["extensions"]["code"], "CONFLICT", "{stale}");
    // A box off the sheet is refused, naming the field; nothing changes.
    let mut off = input_fields.clone();
    for f in &mut off {
        if f["field"] == "SIGNER_NAME" {
            f["xMm"] = json!(280.0);
        }
    }
    let refused = server.err(Some(&org.office), SET, input(&off, 1)).await;
    assert_eq!(refused["extensions"]["code"], "VALIDATION", "{refused}");
    assert_eq!(refused["extensions"]["field"], "signer_name", "{refused}");
    assert!(
        refused["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .contains("nằm trọn trên phôi"),
        "{refused}"
    );
    // Another unit's head may not calibrate the province's blanks.
    let forbidden = server
        .err(Some(&org.other_head), SET, input(&input_fields, 1))
        .await;
    assert_eq!(forbidden["extensions"]["code"], "FORBIDDEN", "{forbidden}");
    assert_eq!(
        server.ok(Some(&org.office), LAYOUT, vars.clone()).await["blankLayout"]["version"],
        1
    );
    // The change is in the audit log.
    let audit = server
        .ok(
            Some(&org.admin),
            q!("audit_log"),
            json!({ "filter": { "action": "BLANK_LAYOUT_SET" } }),
        )
        .await;
    let entries = audit["auditLog"]["edges"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["node"]["entityId"], org.province);

    // One certificate on a blank: its data only, on the blank's size.
    let blank = server
        .pdf(
            &org.office,
            &format!("/certificates/{certificate}.pdf?blank=true"),
        )
        .await;
    assert_eq!(laurel_tests::pdf_page_sizes(&blank), vec![(297, 210)]);
    assert!(
        blank != uncalibrated,
        "the print kept before the calibration was served"
    );
    let text = laurel_tests::pdf_text(&blank);
    assert!(text.contains("Nguyễn Thị Ngọc Huyền"), "{text}");
    assert!(text.contains("Số sổ vàng"), "{text}");
    for absent in ["CỘNG HÒA", "TẶNG", "GIẤY KHEN"] {
        assert!(
            !text.contains(absent),
            "{absent} is on the blank already:\n{text}"
        );
    }
    // The whole decision on blanks, over HTTP and offline.
    let batch = server
        .pdf(
            &org.office,
            &format!("/decisions/{decision}/certificates.pdf?blank=true"),
        )
        .await;
    assert_eq!(laurel_tests::pdf_page_sizes(&batch), vec![(297, 210)]);
    assert_eq!(laurel_tests::pdf_text(&batch), text);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("phoi.pdf");
    let args = [
        "laurel",
        "print",
        "--database-url",
        server.database_url(),
        "--decision",
        &decision,
        "--out",
        out.to_str().unwrap(),
        "--blank",
    ];
    let cli = <laurel::cli::Cli as clap::Parser>::try_parse_from(args).unwrap();
    let mut said = Vec::new();
    laurel::cli::run(cli, &mut said).await.unwrap();
    assert!(
        String::from_utf8(said)
            .unwrap()
            .contains("1 certificate(s) of decision 1/QĐ-CAT on blanks")
    );
    assert_eq!(laurel_tests::pdf_text(&std::fs::read(&out).unwrap()), text);
    // Unknown forms are not found.
    let unknown = get(
        &server,
        &org.office,
        &format!("/units/{}/blanks/GIAY_VANG/calibration.pdf", org.province),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    server.stop().await;
}

const PRINT: &str = "mutation($d: ID!) { printCertificates(input: {decisionId: $d}) { id state total done blank decision { number } } }";
const JOB: &str = "query($id: ID!) { printJob(id: $id) { id state total done percent error downloadUrl finishedAt } }";

/// Polls a print job until it is finished; returns it.
async fn finished(server: &TestServer, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let job = server.ok(Some(token), JOB, json!({ "id": id })).await["printJob"].clone();
        if job["state"] == "DONE" || job["state"] == "FAILED" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("print job {id} did not finish");
}

/// A big decision prints in the background: the client polls the progress and downloads the
/// PDF; only its requester sees it; a job whose process stopped is taken up again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_print_job_reports_progress_and_survives_its_process() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let mut targets = Vec::new();
    for name in ["Đặng Quốc Bảo", "Lê Thị Vệ", "Nguyễn Thị Ngọc Huyền"] {
        let person = org.person(&server, name).await;
        let (id, version) = org
            .submitted_for(&server, &person, "Hoàn thành xuất sắc nhiệm vụ năm 2026")
            .await;
        targets.push(json!({ "id": id, "expectedVersion": version }));
    }
    let decision = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": targets, "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await["signDecision"]["decision"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not before the certificates are issued.
    let early = server
        .err(Some(&org.office), PRINT, json!({ "d": decision }))
        .await;
    assert_eq!(early["extensions"]["code"], "INVALID_TRANSITION", "{early}");
    assert_eq!(early["extensions"]["reason"], "NONE_ISSUED", "{early}");
    server
        .ok(
            Some(&org.office),
            q!("issue_certificates"),
            json!({ "decisionId": decision }),
        )
        .await;

    let job = server
        .ok(Some(&org.office), PRINT, json!({ "d": decision }))
        .await["printCertificates"]
        .clone();
    assert_eq!(
        (job["total"].as_i64(), job["blank"].as_bool()),
        (Some(3), Some(false)),
        "{job}"
    );
    assert_eq!(job["decision"]["number"], "1/QĐ-CAT");
    let id = job["id"].as_str().unwrap().to_owned();
    let done = finished(&server, &org.office, &id).await;
    assert_eq!(done["state"], "DONE", "{done}");
    assert_eq!(
        (done["done"].as_i64(), done["percent"].as_f64()),
        (Some(3), Some(100.0))
    );
    let url = done["downloadUrl"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/print-jobs/{id}.pdf"));
    let print = server.pdf(&org.office, &url).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&print), vec![(297, 210); 3]);
    let text = laurel_tests::pdf_text(&print);
    for name in ["Đặng Quốc Bảo", "Lê Thị Vệ", "Nguyễn Thị Ngọc Huyền"] {
        assert!(text.contains(name), "{name}:\n{text}");
    }
    // Someone else's job is not theirs to know of or download.
    assert!(
        server
            .ok(Some(&org.other_head), JOB, json!({ "id": id }))
            .await["printJob"]
            .is_null()
    );
    assert_eq!(get(&server, &org.other_head, &url).await.status(), 404);
    assert!(
        server
            .ok(Some(&org.office), JOB, json!({ "id": "no-such-job" }))
            .await["printJob"]
            .is_null()
    );

    // A process took a job and stopped (its lease lapsed, nothing laid out): the next poll,
    // from any process, takes it up again and finishes it.
    let store = server.store();
    let stalled = uuid::Uuid::now_v7();
    let now = time::OffsetDateTime::now_utc();
    let account = laurel_domain::ids::AccountId(
        uuid::Uuid::parse_str(org.accounts["tdkt.cat"].as_str()).unwrap(),
    );
    store
        .insert_print_job(
            &laurel_store::PrintJobRecord {
                id: stalled,
                decision: laurel_domain::ids::DecisionId(uuid::Uuid::parse_str(&decision).unwrap()),
                requested_by: account,
                on_blanks: false,
                state: laurel_store::PrintJobState::Queued,
                total: 3,
                done: 0,
                error: None,
                created_at: now,
                finished_at: None,
                lease_until: None,
                has_pdf: false,
            },
            now - time::Duration::days(1),
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_print_job(stalled, now, now - time::Duration::seconds(1))
            .await
            .unwrap()
    );
    let twin = server.twin().await;
    let resumed = finished(&twin, &org.office, &stalled.to_string()).await;
    assert_eq!(resumed["state"], "DONE", "{resumed}");
    assert_eq!(
        laurel_tests::pdf_text(
            &twin
                .pdf(&org.office, &format!("/print-jobs/{stalled}.pdf"))
                .await
        ),
        text
    );
    twin.stop().await;
    server.stop().await;
}

const SET_TEMPLATE: &str = "mutation($input: SetCertificateTemplateInput!) { setCertificateTemplate(input: $input) { form version sha256 updatedAt } }";

/// `setCertificateTemplate` as a GraphQL multipart upload of `source`.
async fn upload_template(server: &TestServer, token: &str, input: Value, source: &str) -> Value {
    let operations = json!({ "query": SET_TEMPLATE, "variables": { "input": input } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(source.as_bytes().to_vec()).file_name("mau.typ"),
        );
    server
        .http()
        .post(format!("{}/graphql", server.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// An issuer's own template: refused with typst's own message when it does not render a full
/// sample on one page; used for that issuer's certificates once set; removed, Laurel's again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_template_is_checked_then_used_then_removed() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (_, decision, certificate) = org.certified(&server, "Lê Thị Vệ").await;
    let certificate = certificate["id"].as_str().unwrap().to_owned();
    let input = |expected: i64| json!({ "issuerUnitId": org.province, "form": "GIAY_KHEN", "file": null, "expectedVersion": expected });
    // Downloaded once in Laurel's layout, and so kept: the issuer's template must replace it.
    let before = laurel_tests::pdf_text(
        &server
            .pdf(&org.office, &format!("/certificates/{certificate}.pdf"))
            .await,
    );
    assert!(
        before.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "{before}"
    );

    // A typo: typst's message, with its line and column.
    let broken = upload_template(
        &server,
        &org.admin,
        input(0),
        "#let d = json(\"data.json\")\n#text(d.recipient_nam)\n",
    )
    .await;
    let error = &broken["errors"][0]["extensions"];
    assert_eq!(error["code"], "VALIDATION", "{broken}");
    assert_eq!(error["field"], "file", "{broken}");
    let message = error["messageEn"].as_str().unwrap();
    assert!(message.contains("custom.typ:2:"), "{message}");
    assert!(message.contains("recipient_nam"), "{message}");
    assert!(
        error["messageVi"]
            .as_str()
            .unwrap()
            .starts_with("Mẫu file không dựng được"),
        "{broken}"
    );
    // Two pages for one certificate: refused.
    let spilling = upload_template(
        &server,
        &org.admin,
        input(0),
        "#let d = json(\"data.json\")\n#d.recipient_name\n#pagebreak()\n#d.achievement\n",
    )
    .await;
    let message = spilling["errors"][0]["extensions"]["messageEn"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("exactly one page"), "{message}");
    // Only administrators.
    let forbidden = upload_template(&server, &org.office, input(0), TEMPLATE).await;
    assert_eq!(
        forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{forbidden}"
    );

    let set = upload_template(&server, &org.admin, input(0), TEMPLATE).await;
    assert!(set.get("errors").is_none(), "{set}");
    assert_eq!(set["data"]["setCertificateTemplate"]["version"], 1);
    let listed = server
        .ok(
            Some(&org.office),
            "query($u: ID!) { certificateTemplates(issuerUnitId: $u) { form version source } }",
            json!({ "u": org.province }),
        )
        .await;
    assert_eq!(listed["certificateTemplates"][0]["source"], TEMPLATE);
    // The issuer's certificates now print with it, one by one and all at once.
    let text = laurel_tests::pdf_text(
        &server
            .pdf(&org.office, &format!("/certificates/{certificate}.pdf"))
            .await,
    );
    assert!(text.contains("MẪU RIÊNG CỦA CÔNG AN TỈNH"), "{text}");
    assert!(text.contains("Lê Thị Vệ"), "{text}");
    assert!(!text.contains("CỘNG HÒA"), "{text}");
    let batch = server
        .pdf(
            &org.office,
            &format!("/decisions/{decision}/certificates.pdf"),
        )
        .await;
    assert_eq!(laurel_tests::pdf_text(&batch), text);
    // The template does not mention the proof; the PDF carries it all the same.
    let single = server
        .pdf(&org.office, &format!("/certificates/{certificate}.pdf"))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mau-rieng.pdf");
    std::fs::write(&file, &single).unwrap();
    let base = server.base.clone();
    let args = [
        "laurel",
        "verify",
        "--file",
        file.to_str().unwrap(),
        "--url",
        &base,
    ];
    let cli = <laurel::cli::Cli as clap::Parser>::try_parse_from(args).unwrap();
    let mut said = Vec::new();
    laurel::cli::run(cli, &mut said).await.unwrap();

    // Someone who read version 0 is told to reload.
    let stale = upload_template(&server, &org.admin, input(0), TEMPLATE).await;
    assert_eq!(
        stale["errors"][0]["extensions"]["code"], "CONFLICT",
        "{stale}"
    );
    let removed = server
        .ok(Some(&org.admin), "mutation($i: RemoveCertificateTemplateInput!) { removeCertificateTemplate(input: $i) }", json!({ "i": { "issuerUnitId": org.province, "form": "GIAY_KHEN", "expectedVersion": 1 } }))
        .await;
    assert_eq!(removed["removeCertificateTemplate"], true);
    let text = laurel_tests::pdf_text(
        &server
            .pdf(&org.office, &format!("/certificates/{certificate}.pdf"))
            .await,
    );
    assert!(
        text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "{text}"
    );
    for action in ["CERTIFICATE_TEMPLATE_SET", "CERTIFICATE_TEMPLATE_REMOVED"] {
        let audit = server
            .ok(
                Some(&org.admin),
                q!("audit_log"),
                json!({ "filter": { "action": action } }),
            )
            .await;
        assert_eq!(
            audit["auditLog"]["edges"].as_array().unwrap().len(),
            1,
            "{action}: {audit}"
        );
    }
    server.stop().await;
}

/// An issuer's own Giấy khen: a plain A4 page with its heading, the recipient and the QR code.
const TEMPLATE: &str = r##"#import "fit.typ": fit-line
#let d = json("data.json")
#set page(paper: "a4", flipped: true, margin: 20mm)
#set text(font: "Liberation Serif", fallback: false, lang: "vi", size: 14pt)
#set align(center)
#text(size: 20pt, weight: "bold")[MẪU RIÊNG CỦA CÔNG AN TỈNH]
#v(8mm)
#fit-line((max: 28pt, min: 14pt), (s, t) => text(size: s, weight: "bold", t), d.recipient_name)
#v(4mm)
#par(d.achievement)
#v(1fr)
#grid(columns: (1fr, 1fr), align(left)[#d.decision_line \ #d.golden_book_line \ #image("qr.svg", width: 22mm)], [#d.place_date_line \ #strong(d.signer_title) \ #v(25mm) #strong(d.signer_name)])
"##;
