//! Emulation movements (issue 10 §1): a unit launches one with its participants, the awards it
//! leads to and a nomination window; a nomination made in it takes its kind, and outside its
//! plan it is refused with the reason in Vietnamese and English, changing nothing.

use laurel_tests::{Org, PASSWORD, TestServer, laurel, q};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

fn date(d: time::Date) -> String {
    d.to_string()
}

async fn launch(server: &TestServer, token: &str, input: Value) -> Value {
    server
        .ok(
            Some(token),
            q!("launch_movement"),
            json!({ "input": input }),
        )
        .await["launchMovement"]
        .clone()
}

/// The province's mass movement of this year, with Phòng Tham mưu taking part, leading to the
/// Giấy khen, open for ten days from today.
async fn mass_movement(server: &TestServer, org: &Org) -> Value {
    let today = server.today();
    launch(
        server,
        &org.signer,
        json!({
            "unitId": org.province, "name": "Toàn dân bảo vệ an ninh Tổ quốc", "kind": "THEO_DOT_CHUYEN_DE",
            "fromYear": today.year(), "participantUnitIds": [org.staff], "offerings": ["GIAY_KHEN"],
            "opensOn": date(today), "closesOn": date(today + time::Duration::days(10)),
        }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_movement_takes_nominations_inside_its_plan_only() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let today = server.today();
    let year = today.year();
    let plan = json!({
        "unitId": org.province,
        "name": "Toàn dân bảo vệ an ninh Tổ quốc".nfd().collect::<String>(),
        "kind": "THEO_DOT_CHUYEN_DE",
        "fromYear": year,
        "theme": "Phong trào quần chúng bảo vệ an ninh Tổ quốc",
        "participantUnitIds": [org.staff],
        "offerings": ["GIAY_KHEN"],
        "opensOn": date(today),
        "closesOn": date(today + time::Duration::days(10)),
    });

    // Who may launch: the province's signer (or its emulation clerk), not a unit's clerk.
    let refused = server
        .err(
            Some(&org.clerk),
            q!("launch_movement"),
            json!({ "input": plan }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN", "{refused}");
    let movement = launch(&server, &org.signer, plan.clone()).await;
    assert_eq!(movement["name"], "Toàn dân bảo vệ an ninh Tổ quốc", "NFC");
    assert_eq!(movement["kind"], "THEO_DOT_CHUYEN_DE");
    assert_eq!(movement["toYear"], year, "one year unless said");
    assert_eq!(movement["open"], true);
    assert_eq!(movement["participants"], json!([{ "code": "PTM" }]));
    let id = movement["id"].as_str().unwrap().to_owned();
    // Audited.
    let audit = server
        .ok(
            Some(&org.admin),
            q!("audit_log"),
            json!({ "filter": { "action": "MOVEMENT_LAUNCHED" } }),
        )
        .await;
    let entries = audit["auditLog"]["edges"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["node"]["entityId"], id);

    // A window that closes before it opens, a period backwards, a unit outside the province:
    // every problem named, nothing stored.
    let mut bad = plan.clone();
    bad["closesOn"] = json!(date(today - time::Duration::days(1)));
    bad["toYear"] = json!(year - 1);
    let error = server
        .err(
            Some(&org.signer),
            q!("launch_movement"),
            json!({ "input": bad }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "VALIDATION", "{error}");
    let fields: Vec<&str> = error["extensions"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["toYear", "closesOn"]);
    // Said as what is wrong, not as a malformed field.
    let said: Vec<&str> = error["extensions"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["messageEn"].as_str().unwrap_or_default())
        .collect();
    assert!(
        said.contains(&"The nomination window must not close before it opens."),
        "{error}"
    );
    // A kind of commendation that is not a way to organise a movement (Art 16.1).
    let mut seniority = plan.clone();
    seniority["kind"] = json!("NIEN_HAN");
    let error = server
        .err(
            Some(&org.signer),
            q!("launch_movement"),
            json!({ "input": seniority }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "VALIDATION", "{error}");
    assert_eq!(error["extensions"]["field"], "kind", "{error}");

    // The clerk of a participating unit sees it, and drafts in it: the nomination takes the
    // movement's kind.
    let seen = server
        .ok(Some(&org.clerk), q!("movements"), json!({}))
        .await;
    assert_eq!(seen["movements"].as_array().unwrap().len(), 1, "{seen}");
    let nomination = |award: &str, period: i32, kind: Option<&str>| {
        let mut input = json!({
            "nomineePersonId": org.huyen,
            "awardKind": award,
            "issuerUnitId": org.province,
            "period": period,
            "achievement": "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
            "movementId": id,
        });
        if let Some(kind) = kind {
            input["commendationKind"] = json!(kind);
        }
        json!({ "input": input })
    };
    let made = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination_in_movement"),
            nomination("GIAY_KHEN", year, None),
        )
        .await["createNomination"]["nomination"]
        .clone();
    assert_eq!(made["commendationKind"], "THEO_DOT_CHUYEN_DE");
    assert_eq!(made["movement"]["id"], id);

    // Outside its plan: refused, with the reason, and nothing drafted.
    let count = |server: &TestServer| {
        let server = server.store().clone();
        async move {
            use laurel_store::Read;
            server
                .nominations(
                    &laurel_store::NominationFilter::default(),
                    laurel_store::PageRequest {
                        after: None,
                        limit: 1000,
                    },
                )
                .await
                .unwrap()
                .len()
        }
    };
    let before = count(&server).await;
    for (case, input, reason) in [
        (
            "an award it does not lead to",
            nomination("CSTD_CO_SO", year, None),
            "AWARD_NOT_OFFERED",
        ),
        (
            "a year outside its period",
            nomination("GIAY_KHEN", year - 1, None),
            "OUTSIDE_PERIOD",
        ),
        (
            "a regular commendation",
            nomination("GIAY_KHEN", year, Some("THUONG_XUYEN")),
            "KIND_MISMATCH",
        ),
    ] {
        let error = server
            .err(Some(&org.clerk), q!("create_nomination_in_movement"), input)
            .await;
        assert_eq!(
            error["extensions"]["code"], "RULE_VIOLATION",
            "{case}: {error}"
        );
        assert_eq!(error["extensions"]["reason"], reason, "{case}: {error}");
        assert!(
            !error["extensions"]["messageVi"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    // A movement of another branch: Phòng Tham mưu does not take part.
    let mut other = plan.clone();
    other["participantUnitIds"] = json!([org.police]);
    let other = launch(&server, &org.signer, other).await;
    let mut input = nomination("GIAY_KHEN", year, None);
    input["input"]["movementId"] = other["id"].clone();
    let error = server
        .err(Some(&org.clerk), q!("create_nomination_in_movement"), input)
        .await;
    assert_eq!(
        error["extensions"]["reason"], "NOT_PARTICIPATING",
        "{error}"
    );
    assert_eq!(
        error["extensions"]["messageVi"],
        "Đơn vị đề nghị không thuộc các đơn vị tham gia phong trào."
    );

    // After the window: closed, saying the last day as people write it.
    server.travel(11);
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination_in_movement"),
            nomination("GIAY_KHEN", year, None),
        )
        .await;
    assert_eq!(error["extensions"]["reason"], "CLOSED", "{error}");
    let last = today + time::Duration::days(10);
    let shown = format!(
        "{:02}/{:02}/{}",
        last.day(),
        u8::from(last.month()),
        last.year()
    );
    assert!(
        error["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .contains(&shown),
        "{error}"
    );
    assert_eq!(count(&server).await, before, "refusals draft nothing");
    let seen = server
        .ok(Some(&org.clerk), q!("movements"), json!({}))
        .await;
    assert_eq!(seen["movements"][0]["open"], false);
    server.stop().await;
}

/// Drafts a Giấy khen in `movement` (for a person, or for Phòng Tham mưu itself), attaches its
/// dossier and submits it through review; returns (id, version) waiting for signature.
async fn reviewed_in(
    server: &TestServer,
    org: &Org,
    movement: &str,
    nominee: Value,
) -> (String, i64) {
    let mut input = json!({
        "awardKind": "GIAY_KHEN",
        "issuerUnitId": org.province,
        "period": server.today().year(),
        "achievement": "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        "movementId": movement,
    });
    input
        .as_object_mut()
        .unwrap()
        .extend(nominee.as_object().unwrap().clone());
    let made = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination_in_movement"),
            json!({ "input": input }),
        )
        .await["createNomination"]["nomination"]
        .clone();
    let id = made["id"].as_str().unwrap().to_owned();
    org.attach_dossier(server, &id).await;
    let n = server
        .ok(Some(&org.clerk), q!("nomination"), json!({ "id": id }))
        .await;
    let version = n["nomination"]["version"].as_i64().unwrap();
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": version }),
        )
        .await["submitNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    let version = org.review(server, &id, submitted).await;
    (id, version)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_movement_report_counts_its_awards_and_says_them() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let today = server.today();
    let year = today.year();
    let movement = launch(
        &server,
        &org.signer,
        json!({
            "unitId": org.province,
            "name": "Toàn dân bảo vệ an ninh Tổ quốc",
            "kind": "THEO_DOT_CHUYEN_DE",
            "fromYear": year,
            "opensOn": date(today),
            "closesOn": date(today + time::Duration::days(30)),
        }),
    )
    .await;
    let id = movement["id"].as_str().unwrap().to_owned();

    // Two people and Phòng Tham mưu itself reach the signer; two more people stay drafts.
    let bao = org.person(&server, "Đặng Quốc Bảo").await;
    let ve = org.person(&server, "Lê Thị Vệ").await;
    let mut signed = Vec::new();
    for nominee in [
        json!({ "nomineePersonId": bao }),
        json!({ "nomineePersonId": ve }),
        json!({ "nomineeUnitId": org.staff }),
    ] {
        signed.push(reviewed_in(&server, &org, &id, nominee).await);
    }
    let huyen = org.person(&server, "Trần Văn Huyên").await;
    let input = |person: &str| {
        json!({ "input": {
        "nomineePersonId": person,
        "awardKind": "GIAY_KHEN",
        "issuerUnitId": org.province,
        "period": year,
        "achievement": "Tích cực tham gia phong trào",
        "movementId": id,
    } })
    };
    server
        .ok(
            Some(&org.clerk),
            q!("create_nomination_in_movement"),
            input(&huyen),
        )
        .await;
    server
        .ok(
            Some(&org.clerk),
            q!("create_nomination_in_movement"),
            input(&org.huyen),
        )
        .await;
    let nominations: Vec<Value> = signed
        .iter()
        .map(|(id, version)| json!({ "id": id, "expectedVersion": version }))
        .collect();
    let decision = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": nominations, "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await["signDecision"]["decision"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // One of them is annulled afterwards: not an award any more.
    org.annul(&server, &decision, &signed[1].0).await;

    let report = server
        .ok(
            Some(&org.signer),
            q!("movement_report"),
            json!({ "movementId": id }),
        )
        .await["movementReport"]
        .clone();
    assert_eq!(
        report["sentences"],
        json!(["Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 1 tập thể, 1 cá nhân."]),
        "{report}"
    );
    assert_eq!(
        report["title"],
        format!("Toàn dân bảo vệ an ninh Tổ quốc ({year})")
    );
    assert_eq!(report["totalRecipients"], 2);
    assert_eq!(report["annulled"], 1);
    assert_eq!(report["awards"][0]["awardKind"], "GIAY_KHEN");
    assert_eq!(report["awards"][0]["issuer"]["code"], "CAT");
    let cash = report["totalCashVnd"].as_i64().unwrap();
    assert!(cash > 0, "Giấy khen carries cash: {report}");
    assert_eq!(
        report["byState"],
        json!([{ "state": "DRAFT", "count": 2 }]),
        "{report}"
    );
    // The workbook says the same, with its chart; it needs a login.
    let url = format!("{}{}", server.base, report["xlsxUrl"].as_str().unwrap());
    assert_eq!(server.http().get(&url).send().await.unwrap().status(), 401);
    let response = server
        .http()
        .get(&url)
        .bearer_auth(&org.signer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let book = workbook(response.bytes().await.unwrap().to_vec());
    assert_eq!(book[0][0], report["title"].as_str().unwrap());
    assert_eq!(book[2][0], report["sentences"][0].as_str().unwrap());
    let row = book.iter().find(|r| r[1] == "Giấy khen").unwrap();
    assert_eq!(
        row[..5],
        [
            "Giám đốc Công an tỉnh Gia Lai",
            "Giấy khen",
            "1",
            "1",
            &cash.to_string()
        ]
    );

    // The issuer's report of the year says the same; the clerk of a unit below may not read it.
    let yearly = server
        .ok(
            Some(&org.signer),
            q!("award_report"),
            json!({ "issuerUnitId": org.province, "year": year }),
        )
        .await["awardReport"]
        .clone();
    assert_eq!(yearly["sentences"], report["sentences"]);
    assert_eq!(yearly["totalCashVnd"], cash);
    let refused = server
        .err(
            Some(&org.clerk),
            q!("award_report"),
            json!({ "issuerUnitId": org.province, "year": year }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN", "{refused}");

    // The command prints it, by movement, by issuer and year, and every movement's by default.
    let url = server.database_url().to_owned();
    for args in [
        vec![
            "laurel",
            "report",
            "--movement",
            id.as_str(),
            "--database-url",
            &url,
        ],
        vec!["laurel", "report", "--database-url", &url],
    ] {
        let (out, result) = laurel(&args).await;
        assert_eq!(result, Ok(()), "{out}");
        assert!(
            out.contains(
                "- Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 1 tập thể, 1 cá nhân."
            ),
            "{out}"
        );
        assert!(
            out.contains("đang soạn 2 (DRAFT), bị hủy quyết định 1 (ANNULLED)"),
            "{out}"
        );
        assert!(out.contains(&laurel_domain::report::vnd(cash)), "{out}");
    }
    let year_text = year.to_string();
    let (out, result) = laurel(&[
        "laurel",
        "report",
        "--issuer",
        "CAT",
        "--year",
        &year_text,
        "--database-url",
        &url,
    ])
    .await;
    assert_eq!(result, Ok(()), "{out}");
    assert!(
        out.starts_with(&format!(
            "Khen thưởng năm {year} — Giám đốc Công an tỉnh Gia Lai"
        )),
        "{out}"
    );
    let (out, result) = laurel(&[
        "laurel",
        "report",
        "--issuer",
        "NOPE",
        "--year",
        &year_text,
        "--database-url",
        &url,
    ])
    .await;
    assert!(
        result.unwrap_err().contains("no unit has the code NOPE"),
        "{out}"
    );
    server.stop().await;
}

/// The first sheet of a workbook as text, read with calamine (an independent reader).
fn workbook(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Báo cáo").unwrap();
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

/// Issue 10 §1: a participating unit registers nominees outside the administrative tree — a
/// citizen, a residential self-management team — with their address and no account; they are
/// then nominated like anyone under that unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participating_unit_registers_citizens_and_groups_outside_the_tree() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    let movement = mass_movement(&server, &org).await;
    let register = "mutation($input: RegisterNomineeInput!) { registerNominee(input: $input) { \
        __typename ... on Person { id fullName position unit { code } external { address organisation movementId } } \
        ... on Unit { id name code external { address organisation movementId } } } }";
    let input = |unit: &str, kind: &str, name: &str, address: &str| json!({ "input": { "movementId": movement["id"], "unitId": unit, "kind": kind, "name": name, "address": address } });
    let citizen = server
        .ok(
            Some(&org.clerk),
            register,
            input(
                &org.staff,
                "INDIVIDUAL",
                "Nguyễn Văn Dân".nfd().collect::<String>().as_str(),
                "Tổ 5, phường Hội Thương, thành phố Pleiku",
            ),
        )
        .await["registerNominee"]
        .clone();
    assert_eq!(citizen["__typename"], "Person");
    assert_eq!(citizen["fullName"], "Nguyễn Văn Dân", "NFC");
    assert_eq!(citizen["unit"]["code"], "PTM");
    assert_eq!(
        citizen["external"],
        json!({ "address": "Tổ 5, phường Hội Thương, thành phố Pleiku", "organisation": null, "movementId": movement["id"] })
    );
    let mut team = input(
        &org.staff,
        "COLLECTIVE",
        "Tổ tự quản về an ninh trật tự tổ 5",
        "Tổ 5, phường Hội Thương, thành phố Pleiku",
    );
    team["input"]["organisation"] = json!("Ủy ban nhân dân phường Hội Thương");
    let team = server.ok(Some(&org.clerk), register, team).await["registerNominee"].clone();
    assert_eq!(team["__typename"], "Unit");
    // A registered group holds nominees, not further registrations.
    let refused = server
        .err(
            Some(&org.clerk),
            register,
            input(
                team["id"].as_str().unwrap(),
                "INDIVIDUAL",
                "Lê Văn D",
                "Tổ 5",
            ),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "VALIDATION", "{refused}");
    assert_eq!(refused["extensions"]["field"], "unitId", "{refused}");
    assert!(
        team["code"].as_str().unwrap().starts_with("NGOAI-"),
        "{team}"
    );
    assert_eq!(
        team["external"]["organisation"],
        "Ủy ban nhân dân phường Hội Thương"
    );
    // The group is nominated, never an issuer, a proposing, launching or organising unit, a
    // cluster's member, or a unit roles are held or delegated at.
    let group = team["id"].as_str().unwrap();
    let clerk_account = &org.accounts["clerk.ptm"];
    let (draft, draft_version) = org
        .draft(&server, &org.huyen, "Hoàn thành tốt nhiệm vụ")
        .await;
    let today = server.today();
    let window = |unit: &str, participants: Value| {
        json!({ "unitId": unit, "name": "Phong trào của tổ", "kind": "THEO_DOT_CHUYEN_DE",
                "fromYear": today.year(), "participantUnitIds": participants,
                "opensOn": today.to_string(), "closesOn": today.to_string() })
    };
    let cluster = |members: Value| {
        json!({ "name": "Cụm có tổ tự quản", "kind": "CUM", "year": 2025,
                "organiserUnitId": org.province, "headUnitId": org.staff, "memberUnitIds": members,
                "criteria": [{ "code": "1", "name": "Kết quả", "maxPoints": 10 }] })
    };
    for (token, query, input) in [
        (
            &org.clerk,
            q!("create_proposal"),
            json!({ "proposingUnitId": group, "issuerUnitId": org.province,
                    "nominations": [{ "id": draft, "expectedVersion": draft_version }] }),
        ),
        (
            &org.signer,
            q!("launch_movement"),
            window(&org.province, json!([org.staff, group])),
        ),
        (
            &org.office,
            "mutation($input: CreateClusterInput!) { createCluster(input: $input) { id } }",
            cluster(json!([org.staff, group])),
        ),
        (
            &org.clerk,
            q!("create_nomination"),
            json!({ "nomineePersonId": org.huyen, "awardKind": "GIAY_KHEN", "issuerUnitId": group, "period": 2024, "achievement": "Hoàn thành xuất sắc nhiệm vụ" }),
        ),
        (
            &org.admin,
            q!("grant_role"),
            json!({ "accountId": clerk_account, "role": "CLERK", "unitId": group }),
        ),
        (
            &org.admin,
            q!("create_council"),
            json!({ "issuerUnitId": group, "name": "Hội đồng của tổ" }),
        ),
        (
            &org.admin,
            q!("set_quota"),
            json!({ "issuerUnitId": group, "awardKind": "GIAY_KHEN", "maxCount": 1 }),
        ),
    ] {
        let refused = server
            .err(Some(token), query, json!({ "input": input }))
            .await;
        assert_eq!(refused["extensions"]["code"], "VALIDATION", "{refused}");
        assert!(
            refused["extensions"]["messageEn"]
                .as_str()
                .unwrap()
                .contains("only nominated"),
            "{refused}"
        );
    }

    // The import template lists the group among the clerk's units, marked as a nominee only.
    let template = server
        .http()
        .get(format!("{}/imports/template.xlsx", server.base))
        .bearer_auth(&org.clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(template.status(), 200);
    let template = template.bytes().await.unwrap().to_vec();
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(template)).unwrap();
    let units: Vec<(String, String)> = calamine::Reader::worksheet_range(&mut workbook, "Đơn vị")
        .unwrap()
        .rows()
        .skip(1)
        .map(|r| (r[1].to_string(), r[3].to_string()))
        .collect();
    assert!(
        units.contains(&("Phòng Tham mưu".into(), String::new())),
        "{units:?}"
    );
    assert!(
        units
            .iter()
            .any(|(name, note)| name == team["name"].as_str().unwrap()
                && note.contains("chỉ là đối tượng được khen thưởng")),
        "{units:?}"
    );

    // Only a participating unit's clerk, with an address; a household is not a registered
    // nominee kind. Nothing is written when refused.
    for (token, body, expected) in [
        (
            &org.other_head,
            input(&org.police, "INDIVIDUAL", "Trần Thị B", "Tổ 1"),
            ("FORBIDDEN", ""),
        ),
        (
            &org.office,
            input(&org.police, "INDIVIDUAL", "Trần Thị B", "Tổ 1"),
            ("RULE_VIOLATION", "NOT_PARTICIPATING"),
        ),
        (
            &org.clerk,
            input(&org.staff, "INDIVIDUAL", "Trần Thị B", " "),
            ("VALIDATION", ""),
        ),
        (
            &org.clerk,
            input(&org.staff, "HOUSEHOLD", "Hộ ông C", "Tổ 1"),
            ("VALIDATION", ""),
        ),
    ] {
        let refused = server.err(Some(token), register, body).await;
        assert_eq!(
            (
                refused["extensions"]["code"].as_str().unwrap(),
                refused["extensions"]["reason"].as_str().unwrap_or("")
            ),
            expected,
            "{refused}"
        );
    }
    let people = laurel_store::testing::select_text(
        server.store(),
        "SELECT full_name FROM person WHERE full_name = 'Trần Thị B'",
    )
    .await
    .unwrap();
    assert!(people.is_empty());

    // Both are nominated in a movement (never outside one) like anyone of Phòng Tham mưu.
    for nominee in [
        json!({ "nomineePersonId": citizen["id"] }),
        json!({ "nomineeUnitId": team["id"] }),
    ] {
        let mut input = json!({ "awardKind": "GIAY_KHEN", "issuerUnitId": org.province, "period": year,
            "achievement": "Tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc", "movementId": movement["id"] });
        for (k, v) in nominee.as_object().unwrap() {
            input[k] = v.clone();
        }
        let mut outside = input.clone();
        outside.as_object_mut().unwrap().remove("movementId");
        let refused = server
            .err(
                Some(&org.clerk),
                q!("create_nomination"),
                json!({ "input": outside }),
            )
            .await;
        assert_eq!(refused["extensions"]["code"], "VALIDATION", "{refused}");
        assert_eq!(refused["extensions"]["field"], "movementId", "{refused}");
        let created = server
            .ok(
                Some(&org.clerk),
                q!("create_nomination_in_movement"),
                json!({ "input": input }),
            )
            .await;
        assert_eq!(
            created["createNomination"]["nomination"]["movement"]["id"],
            movement["id"]
        );
    }
    let audited = laurel_store::testing::select_text(
        server.store(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'EXTERNAL_NOMINEE_REGISTERED'",
    )
    .await
    .unwrap();
    assert_eq!(audited, ["2"]);
    server.stop().await;
}

/// An import made in a movement registers the citizens and groups its lines give with an
/// address, under the line's participating unit; a line naming one registered already (same
/// name, same address) nominates it, and a line with an address needs the movement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_registers_citizens_and_groups_outside_the_tree_for_its_movement() {
    use crate::import::{HEADINGS, findings, import_with, stored};
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    let movement = mass_movement(&server, &org).await;
    let pleiku = "Tổ 5, phường Hội Thương, thành phố Pleiku";
    let known = server
        .ok(
            Some(&org.clerk),
            "mutation($input: RegisterNomineeInput!) { registerNominee(input: $input) { ... on Person { id } } }",
            json!({ "input": { "movementId": movement["id"], "unitId": org.staff, "kind": "INDIVIDUAL",
                               "name": "Nguyễn Văn Dân", "address": pleiku } }),
        )
        .await["registerNominee"]["id"]
        .clone();
    let line = |name: &str,
                kind: &str,
                unit: &str,
                position: &str,
                address: &str,
                organisation: &str| {
        format!(
            ";{name};{kind};{unit};{position};;;Giấy khen;CAT;{year};Tích cực tố giác tội phạm, giữ gìn an ninh trật tự;;;;;{address};{organisation}"
        )
    };
    let lines = [
        // Registered already: the same name at the same address.
        line(
            "Nguyễn Văn Dân",
            "cá nhân",
            "PTM",
            "",
            &pleiku.to_uppercase(),
            "",
        ),
        // The same name elsewhere: another citizen.
        line(
            "Nguyễn Văn Dân",
            "cá nhân",
            "PTM",
            "",
            "Tổ 9, phường Yên Đỗ",
            "Chợ Pleiku",
        ),
        // A group new to Laurel.
        line(
            "Tổ tự quản về an ninh trật tự tổ 5",
            "tập thể",
            "PTM",
            "Tổ trưởng",
            pleiku,
            "Ủy ban nhân dân phường Hội Thương",
        ),
        // A member of the tree, as before.
        line("Trần Văn Bình", "cá nhân", "PTM", "Cán bộ", "", ""),
    ];
    let file = (HEADINGS.join(";") + "\n" + &lines.join("\n") + "\n").into_bytes();
    let send = |movement: Value, dry_run: bool, file: Vec<u8>| {
        let input = json!({ "proposingUnitId": org.staff, "movementId": movement, "dryRun": dry_run, "file": null });
        let (base, token) = (server.base.clone(), org.clerk.clone());
        async move {
            let answer = import_with(&base, &token, input, &file, "dan.csv")
                .await
                .unwrap();
            answer["data"]["importNominations"].clone()
        }
    };

    // Without the movement, every line with an address is refused, and nothing is written.
    let before = stored(&server).await;
    let outside = send(Value::Null, false, file.clone()).await;
    assert_eq!(outside["committed"], false, "{outside:#}");
    assert_eq!(
        findings(&outside),
        [
            (Some(2), "OUTSIDE_NEEDS_MOVEMENT".into()),
            (Some(3), "OUTSIDE_NEEDS_MOVEMENT".into()),
            (Some(4), "OUTSIDE_NEEDS_MOVEMENT".into()),
        ]
    );
    assert_eq!(stored(&server).await, before);

    // In the movement: two registered, one of them a new person, and the known citizen reused.
    let done = send(movement["id"].clone(), false, file.clone()).await;
    assert_eq!(done["committed"], true, "{done:#}");
    assert_eq!(done["findings"], json!([]));
    assert_eq!(done["peopleCreated"], 2, "the other Dân, and Bình");
    assert_eq!(done["nomineesRegistered"], 2);
    let mut nominees = Vec::new();
    for id in done["nominationIds"].as_array().unwrap() {
        nominees.push(
            server
                .ok(
                    Some(&org.clerk),
                    "query($id: ID!) { nomination(id: $id) { movement { id } nominee { \
                       ... on Person { id fullName position unit { code } external { address organisation movementId } } \
                       ... on Unit { id code name headTitle parent { code } external { address organisation movementId } } } } }",
                    json!({ "id": id }),
                )
                .await["nomination"]
                .clone(),
        );
    }
    assert!(
        nominees
            .iter()
            .all(|n| n["movement"]["id"] == movement["id"])
    );
    assert_eq!(nominees[0]["nominee"]["id"], known);
    let other = &nominees[1]["nominee"];
    assert_ne!(other["id"], known);
    assert_eq!(other["unit"]["code"], "PTM");
    assert_eq!(
        other["external"],
        json!({ "address": "Tổ 9, phường Yên Đỗ", "organisation": "Chợ Pleiku", "movementId": movement["id"] })
    );
    let group = &nominees[2]["nominee"];
    assert_eq!(group["name"], "Tổ tự quản về an ninh trật tự tổ 5");
    assert_eq!(group["headTitle"], "Tổ trưởng");
    assert_eq!(group["parent"]["code"], "PTM");
    assert_eq!(
        group["external"]["organisation"],
        "Ủy ban nhân dân phường Hội Thương"
    );
    assert_eq!(nominees[3]["nominee"]["external"], Value::Null);
    // Audited as a registration in the console is: the other Dân, then the group.
    let audited = laurel_store::testing::select_text(
        server.store(),
        "SELECT action FROM audit_log WHERE action IN ('EXTERNAL_NOMINEE_REGISTERED', 'UNIT_CREATED') \
         AND details LIKE '%\"imported\":true%' ORDER BY id",
    )
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "EXTERNAL_NOMINEE_REGISTERED",
            "UNIT_CREATED",
            "EXTERNAL_NOMINEE_REGISTERED"
        ]
    );

    // Again: every line finds its nominee, so every line is a duplicate.
    let again = send(movement["id"].clone(), true, file).await;
    assert_eq!(
        findings(&again),
        (2..=5)
            .map(|l| (Some(l), "ALREADY_NOMINATED".to_owned()))
            .collect::<Vec<_>>()
    );

    // A registered group is nominated itself, in a movement, and is no one's unit or issuer;
    // a member of the tree with a citizen's name is not the citizen.
    let code = group["code"].as_str().unwrap();
    let lines = [
        line("Lê Văn Em", "cá nhân", code, "", pleiku, ""),
        line("Lê Văn Em", "cá nhân", code, "", "", ""),
        line(
            "Tổ tự quản về an ninh trật tự tổ 5",
            "tập thể",
            code,
            "",
            "",
            "",
        ),
        line("Nguyễn Văn Dân", "cá nhân", "PTM", "Cán bộ", "", "")
            .replace(";CAT;", &format!(";{code};")),
        line("Nguyễn Văn Dân", "cá nhân", "PTM", "Cán bộ", "", ""),
    ];
    let file = (HEADINGS.join(";") + "\n" + &lines.join("\n") + "\n").into_bytes();
    let wrong = send(Value::Null, true, file).await;
    assert_eq!(
        findings(&wrong),
        [
            (Some(2), "REGISTERED_GROUP_UNIT".into()),
            (Some(3), "REGISTERED_GROUP_UNIT".into()),
            (Some(4), "OUTSIDE_NEEDS_MOVEMENT".into()),
            (Some(5), "REGISTERED_GROUP_ISSUER".into()),
        ]
    );
    assert_eq!(wrong["lines"], 5);
    // The last line is a new member of Phòng Tham mưu, not either citizen Dân.
    let file = (HEADINGS.join(";") + "\n" + &lines[4] + "\n").into_bytes();
    let staff = send(Value::Null, false, file).await;
    assert_eq!(staff["committed"], true, "{staff:#}");
    assert_eq!(staff["peopleCreated"], 1);
    assert_eq!(staff["nomineesRegistered"], 0);

    // One citizen on two lines with two organisations: a registration has one, so the later
    // line is refused until they agree (the same organisation typed otherwise is the same).
    let twice = |organisation: &str| {
        [
            line("Trần Thị Chợ", "cá nhân", "PTM", "", pleiku, "Chợ Pleiku"),
            line("Trần Thị Chợ", "cá nhân", "PTM", "", pleiku, organisation),
        ]
        .join("\n")
    };
    let file = (HEADINGS.join(";") + "\n" + &twice("Ban quản lý chợ Pleiku") + "\n").into_bytes();
    let differs = findings(&send(movement["id"].clone(), true, file).await);
    assert!(
        differs.contains(&(Some(3), "ORGANISATION_DIFFERS".into())),
        "{differs:?}"
    );
    assert!(!differs.iter().any(|(l, _)| *l == Some(2)), "{differs:?}");
    let file = (HEADINGS.join(";") + "\n" + &twice("chợ  PLEIKU") + "\n").into_bytes();
    let same = findings(&send(movement["id"].clone(), true, file).await);
    assert!(
        !same.iter().any(|(_, c)| c == "ORGANISATION_DIFFERS"),
        "{same:?}"
    );
    server.stop().await;
}

/// Issue 10 §3: what is still in review is counted by the stage it is at, so that an office
/// sees where its year stands (three at reception, one before the council), in the report and
/// in the console.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_years_report_counts_what_is_in_review_by_stage() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let mut ids = Vec::new();
    for name in ["Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba", "Lê Văn Bốn"] {
        let person = org.person(&server, name).await;
        ids.push(
            org.just_submitted(&server, &person, "Hoàn thành tốt nhiệm vụ")
                .await,
        );
    }
    // One received and appraised: before the council.
    let (id, version) = ids[0].clone();
    org.receive_and_appraise(&server, &id, version).await;
    // What the nominations themselves say.
    let mut expected = std::collections::BTreeMap::<String, i64>::new();
    for (id, _) in &ids {
        let n = server
            .ok(
                Some(&org.office),
                "query($id: ID!) { nomination(id: $id) { period stage { kind } } }",
                json!({ "id": id }),
            )
            .await;
        *expected
            .entry(
                n["nomination"]["stage"]["kind"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
            .or_default() += 1;
    }
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert_eq!(expected.get("COUNCIL"), Some(&1), "{expected:?}");
    // Drafted for 2024 (the year the achievements belong to).
    let year = 2024;
    let report = server
        .ok(
            Some(&org.office),
            q!("award_report"),
            json!({ "issuerUnitId": org.province, "year": year }),
        )
        .await["awardReport"]
        .clone();
    assert_eq!(
        report["byState"],
        json!([{ "state": "SUBMITTED", "count": 4 }]),
        "{report}"
    );
    let stages: std::collections::BTreeMap<String, i64> = report["inReviewByStage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stages, expected);
    // In the procedure's order: reception (or endorsement) before the council.
    assert_eq!(report["inReviewByStage"][1]["stage"], "COUNCIL", "{report}");
    // The console's report page says it under "in review".
    let mut office = crate::console::Browser::login(&server.base, "tdkt.cat", PASSWORD).await;
    let page = office
        .get(&format!("/reports?issuer={}&year={year}", org.province))
        .await;
    let shown = crate::console::text(&page.body);
    assert!(
        shown.contains("ở bước Hội đồng Thi đua - Khen thưởng xét: 1"),
        "{shown}"
    );
    server.stop().await;
}
