//! The decision as a document: `GET /decisions/{id}.pdf` prints the Quyết định khen thưởng in the
//! Decree 30/2020 layout with its recipients and cash appended, and an annulling decision cites
//! the one it annuls and the ground. Names given in NFD come out in NFC.

use laurel_tests::{Org, TestServer, laurel, q};
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

/// The text of a decision's PDF, as pdftotext (poppler-utils) reads it, in NFC.
async fn decision_text(server: &TestServer, token: &str, decision: &str) -> String {
    let pdf = server
        .pdf(token, &format!("/decisions/{decision}.pdf"))
        .await;
    let text = laurel_tests::pdf_text(&pdf);
    // Whitespace as laid out does not matter; the words and their diacritics do.
    text.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Huyền (created from an NFD name) and Đặng Quốc Bảo, each given a Giấy khen by one signed
/// decision; returns (the decision as signDecision answers, Huyền's id, Bảo's id).
async fn two_awarded(server: &TestServer, org: &Org) -> (serde_json::Value, String, String) {
    let (huyen, v1) = org
        .submitted(server, "Hoàn thành xuất sắc nhiệm vụ năm 2026")
        .await;
    let bao = org.person(server, "Đặng Quốc Bảo").await;
    let (bao, v2) = org
        .submitted_for(server, &bao, "Hoàn thành xuất sắc nhiệm vụ năm 2026")
        .await;
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": huyen, "expectedVersion": v1 }, { "id": bao, "expectedVersion": v2 }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await["signDecision"]["decision"]
        .clone();
    (signed, huyen, bao)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_decision_and_its_annulment_print_as_documents() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (signed, _huyen, bao) = two_awarded(&server, &org).await;
    let decision = signed["id"].as_str().unwrap();
    let text = decision_text(&server, &org.office, decision).await;
    for expected in [
        "CÔNG AN TỈNH GIA LAI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        &format!("Số: {}", signed["number"].as_str().unwrap()),
        "QUYẾT ĐỊNH",
        "Về việc tặng Giấy khen",
        "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
        "Căn cứ chức năng, nhiệm vụ, quyền hạn của Công an tỉnh Gia Lai;",
        // Both went through the council.
        "Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng Công an tỉnh Gia Lai;",
        "Xét đề nghị của Phòng Tham mưu.",
        "Điều 1. Tặng Giấy khen cho 2 cá nhân (có danh sách kèm theo)",
        "Điều 2.",
        "Quỹ thi đua, khen thưởng của Công an tỉnh Gia Lai",
        "Điều 3. Quyết định có hiệu lực kể từ ngày ký.",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Hữu Bình",
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG GIẤY KHEN",
        "Nguyễn Thị Ngọc Huyền",
        "Đặng Quốc Bảo",
        "Tổng cộng:",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // Achievements of 2024 are judged under Decree 98/2023; the cash of a decision signed after
    // 1/7/2025 follows Decree 152/2025 (its coefficient, on the decision date). The decision
    // cites both, each basis once, the judging one first, by legal force: laws, decrees, then
    // circulars.
    let judged = text.find("Căn cứ Nghị định 98/2023/NĐ-CP;");
    let paid = text.find("Căn cứ Nghị định 152/2025/NĐ-CP;");
    let circular = text.find("Căn cứ Thông tư 01/2024/TT-BNV;");
    assert!(
        judged.is_some() && paid.is_some() && judged < paid && paid < circular,
        "{text}"
    );
    assert_eq!(
        text.matches("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;")
            .count(),
        1
    );

    // Annulled for one of them: the new decision cites the first and the ground.
    let annulment = org.annul(&server, decision, &bao).await["decision"].clone();
    let text = decision_text(&server, &org.office, annulment["id"].as_str().unwrap()).await;
    let first = format!(
        "Căn cứ Quyết định số {} ngày ",
        signed["number"].as_str().unwrap()
    );
    for expected in [
        "Về việc hủy bỏ quyết định khen thưởng",
        &first,
        "của Giám đốc Công an tỉnh Gia Lai về việc khen thưởng;",
        "Điều 1. Hủy bỏ hình thức Giấy khen đã tặng cho 1 cá nhân tại Quyết định số",
        "điểm b khoản 2 Điều 93 Luật Thi đua, khen thưởng",
        "Hồ sơ kê khai không đúng sự thật.",
        "DANH SÁCH TẬP THỂ, CÁ NHÂN BỊ HỦY BỎ HÌNH THỨC KHEN THƯỞNG",
        "Đặng Quốc Bảo",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("Nguyễn Thị Ngọc Huyền"), "{text}");
    // The first decision's grounds (its proposals, its council's vote) are not this one's.
    for not_expected in ["Xét đề nghị", "Hội đồng Thi đua - Khen thưởng"] {
        assert!(!text.contains(not_expected), "{not_expected:?} in:\n{text}");
    }

    // Its certificates print only once issued.
    let print = format!("{}/decisions/{decision}/certificates.pdf", server.base);
    let early = server
        .http()
        .get(&print)
        .bearer_auth(&org.office)
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 409);
    let said = early.text().await.unwrap();
    assert!(said.contains("issueCertificates"), "{said}");
    assert!(said.contains("\"reason\":\"NONE_ISSUED\""), "{said}");

    // Someone of another unit, who may read neither the issuer nor these nominations: refused,
    // the decision and its certificates alike; and nobody without logging in.
    for url in [format!("{}/decisions/{decision}.pdf", server.base), print] {
        let refused = server
            .http()
            .get(&url)
            .bearer_auth(&org.other_head)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{url}");
        let anonymous = server.http().get(&url).send().await.unwrap();
        assert_eq!(anonymous.status(), 401, "{url}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decisions_recipients_export_to_excel_and_csv() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let decision = two_awarded(&server, &org).await.0["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = |ext: &str, token: Option<&str>| {
        let mut request = server.http().get(format!(
            "{}/decisions/{decision}/recipients.{ext}",
            server.base
        ));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(get("csv", None).await.unwrap().status(), 401);

    // CSV: a BOM, one header, one row per recipient with the cash in plain digits.
    let csv = get("csv", Some(&org.office)).await.unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.bytes().await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    assert_eq!(&reader.headers().unwrap()[0], "STT");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let names: Vec<String> = rows.iter().map(|r| r[1].to_owned()).collect();
    assert_eq!(
        names,
        ["Đại úy Nguyễn Thị Ngọc Huyền", "Đặng Quốc Bảo"],
        "NFC, in the appendix's order"
    );
    assert_eq!(
        &rows[0][2], "Phó Trưởng phòng, Phòng Tham mưu",
        "a comma, quoted"
    );
    let cash: i64 = rows.iter().map(|r| r[5].parse::<i64>().unwrap()).sum();
    assert!(cash > 0, "{rows:?}");

    // XLSX, read with calamine: the same recipients and the total.
    let xlsx = get("xlsx", Some(&org.office)).await.unwrap();
    assert_eq!(xlsx.status(), 200);
    let sheet = sheet(xlsx.bytes().await.unwrap().to_vec());
    assert!(sheet[0][0].starts_with("Quyết định số "), "{sheet:?}");
    assert_eq!(sheet[3][1], names[0]);
    assert_eq!(sheet[4][1], names[1]);
    assert_eq!(sheet[5][5], cash.to_string(), "total");

    // Offline, from the database: the same file, by extension.
    let dir = tempfile::tempdir().unwrap();
    let url = server.database_url().to_owned();
    let file = dir.path().join("danh-sach.xlsx");
    let (out, result) = laurel(&[
        "laurel",
        "export",
        "--decision",
        &decision,
        "--out",
        file.to_str().unwrap(),
        "--database-url",
        &url,
    ])
    .await;
    assert_eq!(result, Ok(()), "{out}");
    assert_eq!(sheet_of_file(&file)[5][5], cash.to_string());
    let (out, result) = laurel(&[
        "laurel",
        "export",
        "--decision",
        &decision,
        "--out",
        "danh-sach.pdf",
        "--database-url",
        &url,
    ])
    .await;
    assert!(result.unwrap_err().contains(".xlsx or .csv"), "{out}");
    server.stop().await;
}

fn sheet_of_file(path: &std::path::Path) -> Vec<Vec<String>> {
    sheet(std::fs::read(path).unwrap())
}

/// The first sheet of a workbook as text, read with calamine.
fn sheet(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Danh sách").unwrap();
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}
