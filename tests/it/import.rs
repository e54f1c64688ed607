//! Importing nominations from Excel or CSV (issue 10 §4): a file with every kind of mistake an
//! office makes yields exactly those findings, each at its line and column in Vietnamese and
//! English, and writes nothing; a clean file imports whole, as drafts in a proposal per issuer,
//! and importing it again is refused line by line as duplicates.

use laurel_tests::{Org, TestServer, q};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

/// The template's headings, in order.
pub(crate) const HEADINGS: [&str; 17] = [
    "STT",
    "Họ và tên / Tên tập thể",
    "Cá nhân / tập thể",
    "Đơn vị",
    "Chức vụ",
    "Cấp bậc",
    "Ngày tuyển dụng",
    "Hình thức khen thưởng",
    "Cấp khen thưởng",
    "Năm",
    "Thành tích",
    "Xếp loại",
    "Sáng kiến",
    "Phạm vi sáng kiến",
    "Cơ quan công nhận sáng kiến",
    "Địa chỉ (ngoài hệ thống)",
    "Cơ quan / tổ chức (ngoài hệ thống)",
];

/// A line for a person of Phòng Tham mưu, a Giấy khen of the province for `year`.
pub(crate) fn person(name: &str, year: i32) -> Vec<String> {
    [
        "",
        name,
        "cá nhân",
        "PTM",
        "Cán bộ",
        "Trung úy",
        "01/08/2016",
        "Giấy khen",
        "CAT",
        &year.to_string(),
        "Hoàn thành xuất sắc nhiệm vụ công tác năm",
        "HTXSNV",
        "",
        "",
        "",
        "",
        "",
    ]
    .iter()
    .map(|c| (*c).to_owned())
    .collect()
}

pub(crate) fn xlsx(
    lines: &[Vec<String>],
    decorate: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    for (c, h) in HEADINGS.iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (r, line) in lines.iter().enumerate() {
        for (c, cell) in line.iter().enumerate() {
            if !cell.is_empty() {
                ws.write(1 + r as u32, c as u16, cell).unwrap();
            }
        }
    }
    decorate(ws);
    workbook.save_to_buffer().unwrap()
}

pub(crate) async fn import(
    server: &TestServer,
    token: &str,
    unit: &str,
    file: &[u8],
    name: &str,
    dry_run: bool,
) -> Value {
    import_at(&server.base, token, unit, file, name, dry_run)
        .await
        .unwrap()
}

/// `importNominations` sent to the server at `base` (which may be killed meanwhile).
pub(crate) async fn import_at(
    base: &str,
    token: &str,
    unit: &str,
    file: &[u8],
    name: &str,
    dry_run: bool,
) -> reqwest::Result<Value> {
    let input = json!({ "proposingUnitId": unit, "dryRun": dry_run, "file": null });
    import_with(base, token, input, file, name).await
}

/// `importNominations` of `file` with `input` (whose `file` the upload fills).
pub(crate) async fn import_with(
    base: &str,
    token: &str,
    input: Value,
    file: &[u8],
    name: &str,
) -> reqwest::Result<Value> {
    let operations = json!({ "query": q!("import_nominations"), "variables": { "input": input } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(file.to_vec()).file_name(name.to_owned()),
        );
    reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?
        .json()
        .await
}

/// Every stored row but the outbox's (whose delivery flags the dispatcher moves in the
/// background).
pub(crate) async fn stored(server: &TestServer) -> Vec<(String, String)> {
    let mut rows = laurel_store::testing::dump_rows(server.store())
        .await
        .unwrap();
    rows.retain(|(table, _)| table != "outbox");
    rows
}

pub(crate) fn findings(report: &Value) -> Vec<(Option<i64>, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_i64(), f["code"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_every_kind_of_mistake_yields_exactly_those_findings_and_writes_nothing() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    // Huyền already has a Chiến sĩ thi đua cơ sở nomination for the year.
    server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "CSTD_CO_SO",
                "issuerUnitId": org.province, "period": year, "achievement": "Xuất sắc" } }),
        )
        .await;

    let mut lines = Vec::new();
    let mut line = |edit: &dyn Fn(&mut Vec<String>)| {
        let mut l = person(&format!("Cán bộ số {}", lines.len() + 2), year);
        edit(&mut l);
        lines.push(l);
    };
    line(&|l| l[1] = "Lê Văn Mới".into()); // 2: clean, a person new to Laurel
    line(&|l| l[7] = "Huân chương Lao động".into()); // 3
    line(&|l| l[6] = "31/02/2020".into()); // 4
    line(&|l| l[1] = "Nguyễn Thị Ngọc Huyền".nfd().collect()); // 5: NFD, a notice only
    line(&|l| l[3] = "PC02".into()); // 6: another department
    line(&|l| l[1] = "Lê Văn Mới".into()); // 7: line 2 again
    line(&|_| {}); // 8: merged below
    line(&|_| {}); // 9: a formula below
    line(&|l| l[10] = String::new()); // 10
    line(&|l| l[9] = "2O25".into()); // 11
    line(&|l| l[2] = "hộ gia đình".into()); // 12
    line(&|l| {
        // 13: a title for individuals given to a collective
        l[1] = "Phòng Tham mưu".into();
        l[2] = "tập thể".into();
        l[4] = String::new();
        l[5] = String::new();
        l[6] = String::new();
        l[11] = String::new();
        l[7] = "CSTD_CO_SO".into();
    });
    line(&|l| l[3] = "PX99".into()); // 14
    line(&|l| {
        // 15
        l[1] = "Phòng Tham mưu Công an".into();
        l[2] = "tập thể".into();
        l[4] = String::new();
        l[5] = String::new();
        l[6] = String::new();
        l[11] = String::new();
    });
    line(&|l| l[11] = "Xuất sắc lắm".into()); // 16
    line(&|l| l[12] = "Sổ tay nghiệp vụ".into()); // 17: no scope, no recogniser
    line(&|l| l[8] = "PC02".into()); // 18: an issuer that does not manage Phòng Tham mưu
    line(&|l| l[1] = "Nguyễn 李".into()); // 19
    line(&|l| {
        // 20
        l[1] = "Nguyễn Thị Ngọc Huyền".into();
        l[7] = "Chiến sĩ thi đua cơ sở".into();
    });
    line(&|l| {
        // 21: a rank for a collective
        l[1] = "Phòng Tham mưu".into();
        l[2] = "tập thể".into();
        l[4] = String::new();
        l[6] = String::new();
        l[11] = String::new();
    });
    line(&|l| l[10] = "x".repeat(2001)); // 22
    line(&|l| l[6] = "hôm qua".into()); // 23
    let mut file_lines = lines.clone();
    file_lines[0].push("ghi chú".into()); // an extra cell under a heading Laurel lacks
    let file = xlsx(&file_lines, |ws| {
        ws.write(0, 15, "Ghi chú").unwrap();
        // Two empty cells merged (a merged cell shows its value in its first cell only).
        ws.merge_range(7, 12, 7, 13, "", &Format::new()).unwrap();
        ws.write_formula(
            8,
            9,
            rust_xlsxwriter::Formula::new(format!("={year}")).set_result(year.to_string()),
        )
        .unwrap();
    });
    let before = stored(&server).await;
    let checked = import(&server, &org.clerk, &org.staff, &file, "de-nghi.xlsx", true).await;
    assert!(checked.get("errors").is_none(), "{checked}");
    let report = &checked["data"]["importNominations"];
    let expected: Vec<(Option<i64>, String)> = [
        (Some(1), "UNKNOWN_COLUMN"),
        (Some(3), "UNKNOWN_AWARD"),
        (Some(4), "BAD_DATE"),
        (Some(5), "NORMALISED_TO_NFC"),
        (Some(6), "OUT_OF_SCOPE"),
        (Some(7), "DUPLICATE_IN_FILE"),
        (Some(8), "MERGED_CELL"),
        (Some(8), "MERGED_CELL"),
        (Some(9), "FORMULA"),
        (Some(10), "EMPTY"),
        (Some(11), "BAD_YEAR"),
        (Some(12), "UNKNOWN_RECIPIENT_KIND"),
        (Some(13), "AWARD_NOT_FOR_RECIPIENT"),
        (Some(14), "UNKNOWN_UNIT"),
        (Some(15), "COLLECTIVE_NAME_MISMATCH"),
        (Some(16), "UNKNOWN_RATING"),
        (Some(17), "INITIATIVE_INCOMPLETE"),
        (Some(18), "RULE"),
        (Some(19), "UNPRINTABLE"),
        (Some(20), "ALREADY_NOMINATED"),
        (Some(21), "NOT_FOR_COLLECTIVE"),
        (Some(22), "TOO_LONG"),
        (Some(23), "BAD_DATE"),
    ]
    .iter()
    .map(|(l, c)| (*l, (*c).to_owned()))
    .collect();
    assert_eq!(findings(report), expected, "{report:#}");
    assert_eq!(report["lines"], 22);
    assert_eq!(report["errors"], 21, "both merged cells, M8 and N8");
    assert_eq!(report["committed"], false);
    // Each says where, in both languages.
    let award = &report["findings"][1];
    assert_eq!(award["column"], "H");
    assert_eq!(award["heading"], "Hình thức khen thưởng");
    assert_eq!(
        award["message"],
        "Dòng 3, cột H (Hình thức khen thưởng): không có hình thức khen thưởng \"Huân chương Lao động\" (xem trang Danh mục)."
    );
    assert_eq!(
        award["messageEn"],
        "Line 3, column H (Award): there is no award \"Huân chương Lao động\" (see the Danh mục sheet)."
    );
    assert_eq!(
        report["findings"][4]["message"],
        "Dòng 6, cột D (Đơn vị): đơn vị Phòng Cảnh sát hình sự không thuộc đơn vị đề nghị nên không nhập được."
    );
    assert_eq!(report["findings"][0]["severity"], "NOTICE");

    // Asked to commit, the same file writes nothing either.
    let refused = import(
        &server,
        &org.clerk,
        &org.staff,
        &file,
        "de-nghi.xlsx",
        false,
    )
    .await;
    let refused = &refused["data"]["importNominations"];
    assert_eq!(refused["committed"], false);
    assert_eq!(findings(refused), expected);
    assert_eq!(stored(&server).await, before, "nothing written");

    // Whole-file problems: a missing column, an empty sheet, not a spreadsheet.
    let mut no_year = Workbook::new();
    let ws = no_year.add_worksheet();
    for (c, h) in HEADINGS.iter().enumerate().filter(|(_, h)| **h != "Năm") {
        ws.write(0, c as u16, *h).unwrap();
    }
    let no_year = no_year.save_to_buffer().unwrap();
    let report = import(&server, &org.clerk, &org.staff, &no_year, "a.xlsx", true).await;
    assert_eq!(
        findings(&report["data"]["importNominations"]),
        [(None, "NO_ROWS".into()), (Some(1), "MISSING_COLUMN".into())]
    );
    let mut empty = Workbook::new();
    empty.add_worksheet();
    let empty = empty.save_to_buffer().unwrap();
    let report = import(&server, &org.clerk, &org.staff, &empty, "b.xlsx", true).await;
    assert_eq!(
        findings(&report["data"]["importNominations"]),
        [(None, "EMPTY_SHEET".into())]
    );
    let report = import(
        &server,
        &org.clerk,
        &org.staff,
        b"PK\x03\x04junk",
        "c.xlsx",
        true,
    )
    .await;
    assert_eq!(
        findings(&report["data"]["importNominations"]),
        [(None, "UNREADABLE_FILE".into())]
    );

    // Someone who may not propose for the unit learns nothing of the file.
    let other = import(&server, &org.other_head, &org.staff, &file, "d.xlsx", true).await;
    assert_eq!(
        other["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{other}"
    );
    assert_eq!(stored(&server).await, before);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_in_windows_1258_or_with_a_bom_imports_as_drafts_in_a_proposal_and_not_twice() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    let mut text = HEADINGS.join(";") + "\r\n";
    for name in ["Trần Văn Bình", "Phạm Thị Lan"] {
        text += &(person(name, year).join(";") + "\r\n");
    }
    // The collective too, with an initiative of its own.
    text += &format!(
        ";Phòng Tham mưu;tập thể;PTM;;;;Giấy khen;CAT;{year};Dẫn đầu phong trào;;Quy trình tiếp dân;cơ sở;Hội đồng sáng kiến Công an tỉnh\r\n"
    );
    // Windows-1258 writes Vietnamese with its vowels (â, ơ, ư, …) whole and its tones as
    // combining marks after them.
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let decomposed: String = text
        .chars()
        .flat_map(|c| {
            let parts: Vec<char> = c.nfd().collect();
            let base: String = parts
                .iter()
                .filter(|p| !tones.contains(p))
                .collect::<String>()
                .nfc()
                .collect();
            let marks: String = parts.iter().filter(|p| tones.contains(p)).collect();
            (base + &marks).chars().collect::<Vec<_>>()
        })
        .collect();
    let (legacy, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&decomposed);
    assert!(!unmappable);
    let report = import(
        &server,
        &org.clerk,
        &org.staff,
        &legacy,
        "de-nghi.csv",
        true,
    )
    .await;
    let report = &report["data"]["importNominations"];
    assert_eq!(
        findings(report)[0],
        (None, "DECODED_WINDOWS_1258".into()),
        "{report:#}"
    );
    assert_eq!(report["errors"], 0, "{report:#}");

    let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let done = import(
        &server,
        &org.clerk,
        &org.staff,
        &with_bom,
        "de-nghi.csv",
        false,
    )
    .await;
    let done = &done["data"]["importNominations"];
    assert_eq!(done["committed"], true, "{done:#}");
    assert_eq!(done["findings"], json!([]));
    assert_eq!(done["peopleCreated"], 2);
    assert_eq!(done["proposals"].as_array().unwrap().len(), 1);
    assert_eq!(done["proposals"][0]["proposingUnit"]["code"], "PTM");
    assert_eq!(done["proposals"][0]["issuer"]["code"], "CAT");
    let proposal = server
        .ok(
            Some(&org.clerk),
            q!("proposal"),
            json!({ "id": done["proposals"][0]["id"] }),
        )
        .await;
    let nominations = proposal["proposal"]["nominations"].as_array().unwrap();
    assert_eq!(nominations.len(), 3);
    assert!(nominations.iter().all(|n| n["state"] == "DRAFT"));
    assert_eq!(proposal["proposal"]["status"], "DRAFT");

    // Again: every line is already nominated, and nothing more is written.
    let before = stored(&server).await;
    let again = import(
        &server,
        &org.clerk,
        &org.staff,
        &with_bom,
        "de-nghi.csv",
        false,
    )
    .await;
    let again = &again["data"]["importNominations"];
    assert_eq!(again["committed"], false);
    assert_eq!(
        findings(again),
        [
            (Some(2), "ALREADY_NOMINATED".into()),
            (Some(3), "ALREADY_NOMINATED".into()),
            (Some(4), "ALREADY_NOMINATED".into()),
        ]
    );
    assert_eq!(stored(&server).await, before);
    server.stop().await;
}

/// A clean file of 10,000 lines imports completely, in proposals of at most 1,000; the CLI
/// checks the same file offline and refuses it as duplicates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_lines_import_completely_and_the_cli_refuses_them_again() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    let mut lines: Vec<Vec<String>> = (1..=10_000)
        .map(|i| person(&format!("Cán bộ số {i:05}"), year))
        .collect();
    // The last line names the first line's person again (the same new person, in the tenth
    // proposal), for Chiến sĩ thi đua cơ sở, with another rating for the same year: the later
    // rating stands, as when the two lines are one proposal.
    lines[9_999] = person("Cán bộ số 00001", year);
    lines[9_999][7] = "CSTD_CO_SO".into();
    lines[9_999][11] = "HTTNV".into();
    let file = xlsx(&lines, |_| {});
    let done = import(&server, &org.clerk, &org.staff, &file, "lon.xlsx", false).await;
    let done = &done["data"]["importNominations"];
    assert_eq!(done["committed"], true, "{}", done["findings"]);
    assert_eq!(done["nominationIds"].as_array().unwrap().len(), 10_000);
    assert_eq!(done["peopleCreated"], 9_999);
    assert_eq!(done["proposals"].as_array().unwrap().len(), 10);
    let rating = laurel_store::testing::select_text(
        server.store(),
        "SELECT r.rating FROM task_rating r JOIN person p ON CAST(p.id AS TEXT) = CAST(r.nominee_id AS TEXT) \
         WHERE p.full_name = 'Cán bộ số 00001'",
    )
    .await
    .unwrap();
    assert_eq!(rating, ["HTTNV"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lon.xlsx");
    std::fs::write(&path, &file).unwrap();
    let args = [
        "laurel",
        "import",
        "--database-url",
        server.database_url(),
        path.to_str().unwrap(),
        "--unit",
        "PTM",
        "--as",
        "clerk.ptm",
        "--commit",
    ];
    let cli = <laurel::cli::Cli as clap::Parser>::try_parse_from(args).unwrap();
    let mut said = Vec::new();
    let refused = laurel::cli::run(cli, &mut said).await;
    let said = String::from_utf8(said).unwrap();
    assert!(refused.is_err(), "{said}");
    assert_eq!(
        said.matches("ALREADY").count(),
        0,
        "people read words, not codes"
    );
    assert_eq!(
        said.lines()
            .filter(|l| l.contains("đã có đề nghị cùng hình thức và năm"))
            .count(),
        10_000
    );
    assert!(
        said.ends_with("10000 dòng, 10000 lỗi / 10000 lines, 10000 errors\n"),
        "{}",
        &said[said.len() - 200..]
    );
    server.stop().await;
}

/// What the file says of facts Laurel holds already is said back, and nothing is recorded
/// twice: a rating that replaces the one on record, an initiative on record or on an earlier
/// line, a new person named twice in one unit (taken as one person).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_held_already_are_noticed_and_not_recorded_twice() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    server
        .ok(
            Some(&org.clerk),
            q!("record_rating"),
            json!({ "input": { "nomineePersonId": org.huyen, "year": year, "rating": "HTTNV" } }),
        )
        .await;
    let line = |name: &str, award: &str, initiative: &str| {
        let mut l = person(name, year);
        l[7] = award.into();
        if !initiative.is_empty() {
            l[12] = initiative.into();
            l[13] = "cơ sở".into();
            l[14] = "Hội đồng sáng kiến Công an tỉnh".into();
        }
        l.join(";")
    };
    let mut text = HEADINGS.join(";") + "\n";
    for l in [
        line("Nguyễn Thị Ngọc Huyền", "GIAY_KHEN", "Sổ tay tiếp dân"),
        line("Nguyễn Thị Ngọc Huyền", "CSTD_CO_SO", "Sổ tay tiếp dân"),
        line("Lê Văn Mới", "GIAY_KHEN", ""),
        line("Lê Văn Mới", "CSTD_CO_SO", ""),
    ] {
        text += &(l + "\n");
    }
    let done = import(
        &server,
        &org.clerk,
        &org.staff,
        text.as_bytes(),
        "a.csv",
        false,
    )
    .await;
    let done = &done["data"]["importNominations"];
    assert_eq!(
        findings(done),
        [
            (Some(2), "RATING_CHANGED".into()),
            (Some(3), "RATING_CHANGED".into()),
            (Some(3), "INITIATIVE_KNOWN".into()),
            (Some(5), "SAME_PERSON".into()),
        ],
        "{done:#}"
    );
    assert_eq!(done["committed"], true);
    assert_eq!(done["peopleCreated"], 1);
    assert_eq!(
        done["findings"][0]["message"],
        format!(
            "Dòng 2, cột L (Xếp loại): xếp loại năm {year} đang là \"hoàn thành tốt nhiệm vụ\"; sẽ ghi lại thành \"hoàn thành xuất sắc nhiệm vụ\"."
        )
    );
    let recognitions = laurel_store::testing::select_text(
        server.store(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM recognition",
    )
    .await
    .unwrap();
    assert_eq!(recognitions, ["1"]);
    let people = laurel_store::testing::select_text(
        server.store(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM person WHERE full_name = 'Lê Văn Mới'",
    )
    .await
    .unwrap();
    assert_eq!(people, ["1"]);
    server.stop().await;
}
