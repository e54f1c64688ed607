//! Emulation movements (issue 10 §1): a unit launches one with its participants, the awards it
//! leads to and a nomination window; a nomination made in it takes its kind, and outside its
//! plan it is refused with the reason in Vietnamese and English, changing nothing.

use laurel_tests::{Org, TestServer, q};
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
