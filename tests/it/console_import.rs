//! Importing nominations in the web console (issues 10 §4 and 12): the template downloads with
//! the clerk's own units, a check lists every finding at its line and column in the page's
//! language and writes nothing, a refused import writes nothing either, and a clean file lands
//! as drafts.

use calamine::Reader;
use laurel_tests::*;
use reqwest::StatusCode;

use crate::console::{Browser, between, option, text};
use crate::import::stored;

/// The template's headings.
const HEADINGS: &str = "STT,Họ và tên / Tên tập thể,Cá nhân / tập thể,Đơn vị,Chức vụ,Cấp bậc,Ngày tuyển dụng,Hình thức khen thưởng,Cấp khen thưởng,Năm,Thành tích,Xếp loại,Sáng kiến,Phạm vi sáng kiến,Cơ quan công nhận sáng kiến,Địa chỉ (ngoài hệ thống),Cơ quan / tổ chức (ngoài hệ thống)";

fn csv(lines: &[String]) -> Vec<u8> {
    let mut text = HEADINGS.to_owned() + "\n";
    for line in lines {
        text += line;
        text += "\n";
    }
    text.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_checks_a_file_then_imports_it_and_nothing_is_written_until_it_is_clean() {
    let server = TestServer::start().await;
    Org::create(&server).await;
    let year = server.today().year();
    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;

    let form = clerk.get("/import").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let unit = option(&form.body, "Phòng Tham mưu");

    // The template, with the cookie: the clerk's unit and the issuer above it, not another's.
    let (status, template) = clerk.download("/imports/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(template)).unwrap();
    let first = workbook.worksheet_range("Danh sách đề nghị").unwrap();
    let headings: Vec<String> = first
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(headings.join(","), HEADINGS);
    let units = workbook.worksheet_range("Đơn vị").unwrap();
    let codes: Vec<String> = units.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(codes, ["PTM"]);
    let issuers = workbook.worksheet_range("Cấp khen thưởng").unwrap();
    let codes: Vec<String> = issuers.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(codes, ["CAT"]);

    let good = format!(
        ",Trần Văn Bình,cá nhân,PTM,Cán bộ,Trung úy,01/08/2016,Giấy khen,CAT,{year},Hoàn thành xuất sắc nhiệm vụ,HTXSNV,,,"
    );
    let bad = format!(",Phạm Thị Lan,cá nhân,PTM,,,,Huân chương,CAT,{year},Tốt,,,,");
    let before = stored(&server).await;
    let checked = clerk
        .post_file(
            "/import",
            &[("proposingUnitId", &unit), ("mode", "check")],
            "de-nghi.csv",
            csv(&[good.clone(), bad.clone()]),
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    let said = text(&checked.body);
    assert!(said.contains("2 dòng, 1 lỗi: chưa nhập gì."), "{said}");
    assert!(
        said.contains(
            "Dòng 3, cột H (Hình thức khen thưởng): không có hình thức khen thưởng &#34;Huân chương&#34;"
        ),
        "{said}"
    );
    assert!(
        checked.body.contains(&format!("value=\"{unit}\" selected")),
        "the unit stays chosen"
    );
    // Asked to import, the same file is refused and nothing is written.
    let refused = clerk
        .post_file(
            "/import",
            &[("proposingUnitId", &unit), ("mode", "import")],
            "de-nghi.csv",
            csv(&[good.clone(), bad]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&server).await, before);
    // No file chosen: said beside the field.
    let no_file = clerk
        .post_file(
            "/import",
            &[("proposingUnitId", &unit), ("mode", "check")],
            "x.csv",
            Vec::new(),
        )
        .await;
    assert!(text(&no_file.body).contains("Hãy chọn tệp Excel hoặc CSV cần nhập."));

    // In English, the clean file is checked, then imported as checked, without choosing it
    // again: the page carries it.
    clerk.get("/lang/en").await;
    clerk.get("/import").await;
    let clean = clerk
        .post_file(
            "/import",
            &[("proposingUnitId", &unit), ("mode", "check")],
            "de-nghi.csv",
            csv(&[good]),
        )
        .await;
    assert_eq!(clean.status, StatusCode::OK, "{}", clean.body);
    assert!(
        text(&clean.body).contains("Import the file just checked: de-nghi.csv"),
        "{}",
        text(&clean.body)
    );
    assert_eq!(stored(&server).await, before, "a check writes nothing");
    let carried = between(&clean.body, "name=\"checkedFile\" value=\"", "\"")
        .expect("the checked file in the page")
        .to_owned();
    let done = clerk
        .post_file(
            "/import",
            &[
                ("proposingUnitId", &unit),
                ("mode", "import"),
                ("checkedName", "de-nghi.csv"),
                ("checkedFile", &carried),
            ],
            "",
            Vec::new(),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let said = text(&done.body);
    assert!(
        said.contains("Imported 1 nomination(s) as drafts; 1 new person(s) recorded."),
        "{said}"
    );
    assert!(said.contains("Proposal to Công an tỉnh Gia Lai"), "{said}");
    let drafts = clerk.get("/nominations?state=DRAFT").await;
    assert!(text(&drafts.body).contains("Trần Văn Bình"));

    // The proposal it made: listed, then its page; the unit's head submits it whole.
    let proposal = between(&done.body, "/console/proposals/", "\"")
        .expect("a link to the proposal")
        .to_owned();
    let listed = clerk.get("/proposals").await;
    assert!(
        listed
            .body
            .contains(&format!("/console/proposals/{proposal}"))
    );
    assert!(
        text(&listed.body).contains("Being drafted"),
        "{}",
        text(&listed.body)
    );
    let mut head = Browser::login(&server.base, "head.ptm", PASSWORD).await;
    let shown = head.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let said = text(&shown.body);
    assert!(
        said.contains("Phòng Tham mưu") && said.contains("Trần Văn Bình"),
        "{said}"
    );
    let version = between(&shown.body, "name=\"version\" value=\"", "\"")
        .unwrap()
        .to_owned();
    let submitted = head
        .post(
            &format!("/proposals/{proposal}/submit"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let said = text(&submitted.body);
    assert!(said.contains("Đã trình."), "{said}");
    assert!(said.contains("Đang xét"), "{said}");
    // Another unit's head is refused the proposal.
    let mut other = Browser::login(&server.base, "head.pc02", PASSWORD).await;
    let hidden = other.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(hidden.status, StatusCode::FORBIDDEN, "{}", hidden.body);
    assert!(!text(&hidden.body).contains("Trần Văn Bình"));

    server.stop().await;
}

/// A proposal drafted from drafts in the console: the ticked ones grouped under a number, and
/// a refusal keeps the ticks and the typed number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_groups_drafts_into_a_proposal() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    let drafted = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            serde_json::json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "GIAY_KHEN",
                "issuerUnitId": org.province, "period": year, "achievement": "Hoàn thành xuất sắc nhiệm vụ" } }),
        )
        .await;
    let id = drafted["createNomination"]["nomination"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    let list = clerk.get("/proposals").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let pick = between(&list.body, "name=\"pick\" value=\"", "\"")
        .unwrap()
        .to_owned();
    assert!(pick.starts_with(&id));
    // The wrong issuer: refused with the API's reason, the tick and the number kept.
    let refused = clerk
        .post(
            "/proposals",
            &[
                ("pick", &pick),
                ("proposingUnitId", &org.staff),
                ("issuerUnitId", &org.police),
                ("number", "15/TTr-PTM"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text(&refused.body)
    );
    assert!(refused.body.contains("checked") && refused.body.contains("value=\"15/TTr-PTM\""));
    let made = clerk
        .post(
            "/proposals",
            &[
                ("pick", &pick),
                ("proposingUnitId", &org.staff),
                ("issuerUnitId", &org.province),
                ("number", "15/TTr-PTM"),
                ("proposedOn", &server.today().to_string()),
            ],
        )
        .await;
    let shown = clerk.get(made.to()).await;
    let said = text(&shown.body);
    assert!(
        said.contains("15/TTr-PTM") && said.contains("Nguyễn Thị Ngọc Huyền"),
        "{said}"
    );
    // It is no longer offered for another proposal.
    let list = clerk.get("/proposals").await;
    assert!(!list.body.contains(&pick));
    server.stop().await;
}
