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

async fn pdf(server: &TestServer, token: &str, path: &str) -> Vec<u8> {
    let response = get(server, token, path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response.bytes().await.unwrap().to_vec()
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
    let sheet = pdf(&server, &org.office, url).await;
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
    let blank = pdf(
        &server,
        &org.office,
        &format!("/certificates/{certificate}.pdf?blank=true"),
    )
    .await;
    assert_eq!(laurel_tests::pdf_page_sizes(&blank), vec![(297, 210)]);
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
    let batch = pdf(
        &server,
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
