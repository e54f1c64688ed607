//! The rules engine through the API: facts recorded, eligibility explained, signing refused
//! with every failed criterion, quotas reserved and released, cash recorded per recipient, and
//! the offline CLI commands.

use laurel_domain::award::{AwardKind, RecipientKind};
use laurel_domain::calendar::local_date;
use laurel_domain::rules::{Rulesets, reward};
use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};

fn code(error: &Value) -> &str {
    error["extensions"]["code"].as_str().unwrap()
}

async fn check(server: &TestServer, token: &str, person: &str, award: &str, period: i32) -> Value {
    server
        .ok(
            Some(token),
            q!("check_eligibility"),
            json!({ "input": { "nomineePersonId": person, "awardKind": award, "period": period, "asOf": format!("{}-12-31", period) } }),
        )
        .await["checkEligibility"]
        .clone()
}

fn failed(eligibility: &Value) -> Vec<String> {
    eligibility["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["met"] == json!(false))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_recorded_through_the_api_drive_an_explained_verdict() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;

    // Nothing recorded: CSTĐ cơ sở 2024 is not computable-met, and every line explains itself.
    let bare = check(&server, &org.clerk, &org.huyen, "CSTD_CO_SO", 2024).await;
    assert_eq!(bare["verdict"], "INELIGIBLE");
    assert_eq!(bare["ruleset"], "ND98_2023");
    for criterion in bare["criteria"].as_array().unwrap() {
        for key in ["id", "article", "messageVi", "messageEn"] {
            assert!(!criterion[key].as_str().unwrap().is_empty(), "{criterion}");
        }
    }
    assert!(
        bare["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["article"].as_str().unwrap().contains("23")),
        "Art 23 is cited: {bare}"
    );

    // Ratings and a prior LĐTT title make it computable-met.
    for year in 2022..=2024 {
        server
            .ok(
                Some(&org.clerk),
                q!("record_rating"),
                json!({ "input": { "nomineePersonId": org.huyen, "year": year, "rating": "HTXSNV" } }),
            )
            .await;
    }
    server
        .ok(
            Some(&org.clerk),
            q!("record_prior_award"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "LAO_DONG_TIEN_TIEN", "year": 2024, "decisionReference": "45/QĐ-CAT" } }),
        )
        .await;
    let met = check(&server, &org.clerk, &org.huyen, "CSTD_CO_SO", 2024).await;
    assert_ne!(met["verdict"], "INELIGIBLE", "{met}");
    assert!(failed(&met).is_empty(), "{met}");

    // A pending complaint blocks; resolving it unblocks.
    let block = server
        .ok(
            Some(&org.clerk),
            q!("record_block"),
            json!({ "input": { "nomineePersonId": org.huyen, "kind": "COMPLAINT", "reason": "Đang xác minh đơn tố cáo", "from": "2024-06-01" } }),
        )
        .await["recordBlock"]["block"]
        .clone();
    let blocked = check(&server, &org.clerk, &org.huyen, "CSTD_CO_SO", 2024).await;
    assert_eq!(blocked["verdict"], "INELIGIBLE");
    assert!(
        failed(&blocked).iter().any(|id| id.contains("blocked")),
        "{blocked}"
    );
    server
        .ok(
            Some(&org.clerk),
            q!("resolve_block"),
            json!({ "input": { "id": block["id"], "expectedVersion": block["version"], "resolvedOn": "2024-09-30" } }),
        )
        .await;
    let unblocked = check(&server, &org.clerk, &org.huyen, "CSTD_CO_SO", 2024).await;
    assert!(failed(&unblocked).is_empty(), "{unblocked}");

    // Facts are recorded only by clerks of the nominee's subtree, and checked only by readers.
    let error = server
        .err(
            Some(&org.clerk),
            q!("record_rating"),
            json!({ "input": { "nomineePersonId": org.other_person, "year": 2024, "rating": "HTXSNV" } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    let error = server
        .err(
            Some(&org.other_head),
            q!("check_eligibility"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "CSTD_CO_SO", "period": 2024 } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    // Every change to facts is audited.
    let log = server
        .ok(
            Some(&org.admin),
            "{ auditLog(first: 200) { edges { node { action } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<_> = log["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_string())
        .collect();
    for action in [
        "RATING_RECORDED",
        "PRIOR_AWARD_RECORDED",
        "BLOCK_RECORDED",
        "BLOCK_RESOLVED",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} missing");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ineligible_nomination_is_submitted_with_warnings_but_cannot_be_appraised_or_signed() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let created = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "CSTD_CO_SO", "issuerUnitId": org.province, "period": 2024, "achievement": "Chiến sĩ thi đua cơ sở năm 2024" } }),
        )
        .await["createNomination"]["nomination"]
        .clone();
    let id = created["id"].as_str().unwrap().to_string();
    org.attach_dossier(&server, &id).await;

    // Submitting warns (the clerk sees every failed line) but goes through.
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_with_eligibility"),
            json!({ "id": id, "expectedVersion": 1 }),
        )
        .await["submitNomination"]
        .clone();
    assert_eq!(submitted["nomination"]["state"], "SUBMITTED");
    assert_eq!(submitted["nomination"]["ruleset"], "ND98_2023");
    assert_eq!(submitted["eligibility"]["verdict"], "INELIGIBLE");
    let warned = failed(&submitted["eligibility"]);
    assert!(!warned.is_empty());

    // Received; appraising it eligible is refused, listing every failed criterion with its
    // article; nothing changes.
    let received = server
        .ok(
            Some(&org.office),
            q!("receive_nomination"),
            json!({ "input": { "id": id, "expectedVersion": 2 } }),
        )
        .await;
    let version = received["receiveNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    let appraise = json!({ "input": { "id": id, "expectedVersion": version, "verdict": "ELIGIBLE", "notes": "Đủ điều kiện" } });
    let error = server
        .err(
            Some(&org.office),
            q!("appraise_nomination"),
            appraise.clone(),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    let violations = error["extensions"]["violations"].as_array().unwrap();
    assert_eq!(violations.len(), warned.len(), "{error}");
    for violation in violations {
        assert!(!violation["article"].as_str().unwrap().is_empty());
        assert!(!violation["messageEn"].as_str().unwrap().is_empty());
    }

    // Record what makes it eligible; now it is appraised and voted.
    for year in 2023..=2024 {
        server
            .ok(Some(&org.clerk), q!("record_rating"), json!({ "input": { "nomineePersonId": org.huyen, "year": year, "rating": "HTXSNV" } }))
            .await;
    }
    server
        .ok(Some(&org.clerk), q!("record_prior_award"), json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "LAO_DONG_TIEN_TIEN", "year": 2024 } }))
        .await;
    let appraised = server
        .ok(Some(&org.office), q!("appraise_nomination"), appraise)
        .await;
    let version = appraised["appraiseNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    let voted = server
        .ok(Some(&org.secretary), q!("record_council_outcome"), json!({ "input": { "id": id, "expectedVersion": version, "members": 5, "present": 5, "votesFor": 5, "votesAgainst": 0 } }))
        .await;
    let version = voted["recordCouncilOutcome"]["nomination"]["version"]
        .as_i64()
        .unwrap();

    // A pending inspection recorded before signing: signing judges again and refuses,
    // naming the criterion; nothing is created.
    let block = server
        .ok(Some(&org.clerk), q!("record_block"), json!({ "input": { "nomineePersonId": org.huyen, "kind": "INSPECTION", "reason": "Thanh tra đột xuất", "from": "2024-12-01" } }))
        .await["recordBlock"]["block"]
        .clone();
    let sign = json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } });
    let error = server
        .err(Some(&org.signer), q!("sign_decision"), sign.clone())
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    assert!(
        error.to_string().contains("general.not_blocked")
            || error["extensions"]["violations"].as_array().unwrap().len() == 1,
        "{error}"
    );
    let decisions = server
        .ok(Some(&org.signer), q!("decisions"), json!({ "first": 10 }))
        .await;
    assert_eq!(decisions["decisions"]["edges"], json!([]));
    server
        .ok(Some(&org.clerk), q!("resolve_block"), json!({ "input": { "id": block["id"], "expectedVersion": 1, "resolvedOn": "2024-12-15" } }))
        .await;
    let signed = server
        .ok(Some(&org.signer), q!("sign_decision"), sign)
        .await;
    assert_eq!(signed["signDecision"]["decision"]["number"], "1/QĐ-CAT");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_are_reserved_at_submission_released_on_withdrawal_and_rechecked_at_signing() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // Only the issuer's signer or an administrator sets quotas.
    let quota = json!({ "input": { "issuerUnitId": org.province, "awardKind": "GIAY_KHEN", "period": 2024, "maxCount": 1 } });
    let error = server
        .err(Some(&org.clerk), q!("set_quota"), quota.clone())
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    server.ok(Some(&org.signer), q!("set_quota"), quota).await;

    let (first, v1) = org.draft(&server, &org.huyen, "Thành tích thứ nhất").await;
    let (second, v2) = org.draft(&server, &org.huyen, "Thành tích thứ hai").await;
    org.attach_dossier(&server, &second).await;
    server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": first, "expectedVersion": v1 }),
        )
        .await;
    let error = server
        .err(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": second, "expectedVersion": v2 }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .contains("Quota"),
        "{error}"
    );

    // Withdrawing the first releases its place.
    server
        .ok(Some(&org.clerk), q!("withdraw_nomination"), json!({ "input": { "id": first, "expectedVersion": v1 + 1, "reason": "Nhường chỉ tiêu" } }))
        .await;
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": second, "expectedVersion": v2 }),
        )
        .await;
    let v2 = submitted["submitNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    // Appraisal re-checks the place; the council approves.
    let v2 = org.review(&server, &second, v2).await;

    // The quota shrinks to zero after appraisal: signing re-checks it and refuses.
    server
        .ok(Some(&org.admin), q!("set_quota"), json!({ "input": { "issuerUnitId": org.province, "awardKind": "GIAY_KHEN", "maxPercent": 10, "baseAwardKind": "LAO_DONG_TIEN_TIEN" } }))
        .await;
    server
        .ok(Some(&org.admin), q!("set_quota"), json!({ "input": { "issuerUnitId": org.province, "awardKind": "GIAY_KHEN", "period": 2024, "maxCount": 0 } }))
        .await;
    let sign = json!({ "input": { "nominations": [{ "id": second, "expectedVersion": v2 }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } });
    let error = server
        .err(Some(&org.signer), q!("sign_decision"), sign.clone())
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    server
        .ok(Some(&org.admin), q!("set_quota"), json!({ "input": { "issuerUnitId": org.province, "awardKind": "GIAY_KHEN", "period": 2024, "maxCount": 5 } }))
        .await;
    server
        .ok(Some(&org.signer), q!("sign_decision"), sign)
        .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_records_the_cash_amount_for_each_recipient() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (id, version) = org
        .submitted(&server, "Hoàn thành xuất sắc nhiệm vụ năm 2024")
        .await;
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await;
    let decision = signed["signDecision"]["decision"]["id"].clone();
    let today = local_date(time::OffsetDateTime::now_utc());
    let rulesets = Rulesets::embedded().unwrap();
    let expected = reward(
        &rulesets,
        AwardKind::GiayKhen,
        RecipientKind::Individual,
        today,
    )
    .unwrap();
    let data = server
        .ok(
            Some(&org.signer),
            q!("decision_recipients"),
            json!({ "id": decision }),
        )
        .await;
    let recipient = &data["decision"]["recipients"][0];
    assert_eq!(recipient["amountVnd"], expected.amount_vnd);
    assert_eq!(recipient["baseSalaryVnd"], expected.base_salary_vnd);
    assert_eq!(recipient["ruleset"], expected.ruleset);
    assert_eq!(
        recipient["nomination"]["reward"]["amountVnd"],
        expected.amount_vnd
    );
    assert_eq!(expected.amount_vnd % 10_000, 0, "rounded up to 10,000 VND");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_award_kind_is_in_every_ruleset_with_its_rules() {
    let server = TestServer::start().await;
    let data = server.ok(None, q!("rulesets"), json!({})).await;
    let rulesets = data["rulesets"].as_array().unwrap();
    let ids: Vec<_> = rulesets.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ND91_2017", "ND98_2023", "ND152_2025"]);
    for ruleset in rulesets {
        let awards = ruleset["awards"].as_array().unwrap();
        assert_eq!(awards.len(), 14, "{}", ruleset["id"]);
        for award in awards {
            assert!(!award["criteria"].as_array().unwrap().is_empty(), "{award}");
            assert!(!award["dossier"].as_array().unwrap().is_empty(), "{award}");
            assert!(
                award["council"]["thresholdPercent"].as_i64().unwrap() > 0,
                "{award}"
            );
            assert!(award["coefficient"].as_f64().unwrap() > 0.0, "{award}");
        }
    }
    server.stop().await;
}

async fn cli(args: &[&str]) -> Result<String, String> {
    use clap::Parser;
    let cli = laurel::cli::Cli::try_parse_from(args).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    laurel::cli::run(cli, &mut out)
        .await
        .map_err(|e| format!("{e:#}"))?;
    Ok(String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn the_eligibility_command_reads_a_case_file_and_names_malformed_fields() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.json");
    std::fs::write(
        &case,
        serde_json::to_string(&json!({
            "award": "CSTD_CO_SO",
            "period": 2024,
            "as_of": "2025-01-15",
            "nominee": {
                "kind": "INDIVIDUAL",
                "recruited_on": "2015-09-01",
                "ratings": [{ "year": 2023, "rating": "HTXSNV" }, { "year": 2024, "rating": "HTXSNV" }],
                "titles": [{ "award": "LAO_DONG_TIEN_TIEN", "year": 2024 }],
                "initiatives": [{ "year": 2024, "scope": "CO_SO" }],
                "research": [],
                "discipline": [],
                "blocked": false
            }
        }))
        .unwrap(),
    )
    .unwrap();
    let out = cli(&["laurel", "eligibility", "--case", case.to_str().unwrap()])
        .await
        .unwrap();
    let result: Value = serde_json::from_str(&out).unwrap();
    assert!(
        matches!(
            result["verdict"].as_str(),
            Some("ELIGIBLE" | "NEEDS_JUDGEMENT")
        ),
        "{out}"
    );
    assert_eq!(result["ruleset"], "ND98_2023");
    for criterion in result["criteria"].as_array().unwrap() {
        assert!(criterion["met"].is_boolean() || criterion["met"].is_null());
        for key in ["id", "article", "message_vi", "message_en"] {
            assert!(criterion[key].is_string(), "{criterion}");
        }
    }

    std::fs::write(
        &case,
        r#"{"award": "CSTD_CO_SO", "period": 2024, "as_of": "2025-01-15",
            "nominee": {"kind": "INDIVIDUAL", "ratings": [{"year": 2024, "rating": "EXCELLENT"}]}}"#,
    )
    .unwrap();
    let error = cli(&["laurel", "eligibility", "--case", case.to_str().unwrap()])
        .await
        .unwrap_err();
    assert!(error.contains("nominee.ratings[0].rating"), "{error}");
}

#[tokio::test]
async fn the_reward_command_computes_coefficient_times_base_salary_rounded_up() {
    let out = cli(&[
        "laurel",
        "reward",
        "--award",
        "GIAY_KHEN",
        "--kind",
        "INDIVIDUAL",
        "--date",
        "2025-01-15",
    ])
    .await
    .unwrap();
    let reward: Value = serde_json::from_str(&out).unwrap();
    // 0.3 × 2,340,000 = 702,000 → 710,000 (rounded up to 10,000 VND).
    assert_eq!(reward["coefficient"], 0.3);
    assert_eq!(reward["base_salary_vnd"], 2_340_000);
    assert_eq!(reward["amount_vnd"], 710_000);
    assert_eq!(reward["ruleset"], "ND98_2023");
    let household = cli(&[
        "laurel",
        "reward",
        "--award",
        "GIAY_KHEN",
        "--kind",
        "HOUSEHOLD",
        "--date",
        "2025-08-01",
    ])
    .await
    .unwrap();
    let household: Value = serde_json::from_str(&household).unwrap();
    // 1.5 × the individual amount: 1.5 × 702,000 = 1,053,000 → 1,060,000.
    assert_eq!(household["amount_vnd"], 1_060_000);
    assert_eq!(household["ruleset"], "ND152_2025");
    let error = cli(&[
        "laurel",
        "reward",
        "--award",
        "HUY_CHUONG",
        "--kind",
        "INDIVIDUAL",
        "--date",
        "2025-01-15",
    ])
    .await
    .unwrap_err();
    assert!(
        error.contains("GIAY_KHEN"),
        "lists the valid codes: {error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initiatives_an_award_relied_on_are_marked_used_by_it_when_signed() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    for year in [2023, 2024] {
        server
            .ok(Some(&org.clerk), q!("record_rating"), json!({ "input": { "nomineePersonId": org.huyen, "year": year, "rating": "HTXSNV" } }))
            .await;
        server
            .ok(
                Some(&org.clerk),
                q!("record_initiative"),
                json!({ "input": { "nomineePersonId": org.huyen, "title": format!("Sáng kiến {year}"), "year": year, "scope": "CO_SO", "recognisedBy": "Hội đồng sáng kiến Công an tỉnh" } }),
            )
            .await;
    }
    let created = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "BANG_KHEN_BO_TINH", "issuerUnitId": org.province, "period": 2024, "achievement": "Hai năm liền hoàn thành xuất sắc nhiệm vụ, có hai sáng kiến" } }),
        )
        .await["createNomination"]["nomination"]
        .clone();
    let id = created["id"].as_str().unwrap().to_string();
    org.attach_dossier(&server, &id).await;
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_with_eligibility"),
            json!({ "id": id, "expectedVersion": 1 }),
        )
        .await;
    assert_ne!(
        submitted["submitNomination"]["eligibility"]["verdict"], "INELIGIBLE",
        "{submitted}"
    );
    let version = org.review(&server, &id, 2).await;
    server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await;
    let facts = server
        .ok(
            Some(&org.clerk),
            "query($p: ID) { nomineeFacts(nomineePersonId: $p) { recognitions { title usedByNominationId } } }",
            json!({ "p": org.huyen }),
        )
        .await;
    let recognitions = facts["nomineeFacts"]["recognitions"].as_array().unwrap();
    assert_eq!(recognitions.len(), 2);
    for recognition in recognitions {
        assert_eq!(
            recognition["usedByNominationId"],
            json!(id),
            "{recognition}"
        );
    }
    server.stop().await;
}

/// Drafts and submits a nomination of `award` for `person` (issuer: the province); returns
/// (id, version).
async fn nominate(server: &TestServer, org: &Org, person: &str, award: &str) -> (String, i64) {
    nominate_as(server, org, "nomineePersonId", person, award).await
}

/// Drafts and submits a nomination of `award` for a nominee given by `field`
/// (`nomineePersonId` or `nomineeUnitId`); returns (id, version).
async fn nominate_as(
    server: &TestServer,
    org: &Org,
    field: &str,
    nominee: &str,
    award: &str,
) -> (String, i64) {
    let mut input = json!({ "awardKind": award, "issuerUnitId": org.province, "period": 2024, "achievement": format!("{award} năm 2024") });
    input[field] = json!(nominee);
    let created = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": input }),
        )
        .await;
    let id = created["createNomination"]["nomination"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    org.attach_dossier(server, &id).await;
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": 1 }),
        )
        .await;
    (
        id,
        submitted["submitNomination"]["nomination"]["version"]
            .as_i64()
            .unwrap(),
    )
}

/// Takes submitted nominations through review to their SIGN stage; returns their versions.
async fn to_sign(server: &TestServer, org: &Org, nominations: &mut [&mut (String, i64)]) {
    for n in nominations.iter_mut() {
        n.1 = org.review(server, &n.0, n.1).await;
    }
}

fn sign_input(nominations: &[&(String, i64)]) -> Value {
    let list: Vec<Value> = nominations
        .iter()
        .map(|(id, v)| json!({ "id": id, "expectedVersion": v }))
        .collect();
    json!({ "input": { "nominations": list, "capacity": "KT", "signerTitle": "Phó Giám đốc" } })
}

async fn rate(server: &TestServer, org: &Org, person: &str, year: i32, rating: &str) {
    server
        .ok(
            Some(&org.clerk),
            q!("record_rating"),
            json!({ "input": { "nomineePersonId": person, "year": year, "rating": rating } }),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_percentage_quota_counts_its_base_award_decided_in_the_same_decision() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // "CSTĐ cơ sở ≤ 50% of LĐTT", an issuer's own budget rule.
    server
        .ok(Some(&org.signer), q!("set_quota"), json!({ "input": { "issuerUnitId": org.province, "awardKind": "CSTD_CO_SO", "period": 2024, "maxPercent": 50, "baseAwardKind": "LAO_DONG_TIEN_TIEN" } }))
        .await;
    let p1 = org.person(&server, "Lê Văn Một").await;
    let p2 = org.person(&server, "Lê Văn Hai").await;
    rate(&server, &org, &p1, 2024, "HTTNV").await;
    rate(&server, &org, &p2, 2024, "HTTNV").await;
    rate(&server, &org, &org.huyen, 2024, "HTXSNV").await;
    let mut ldtt1 = nominate(&server, &org, &p1, "LAO_DONG_TIEN_TIEN").await;
    let mut ldtt2 = nominate(&server, &org, &p2, "LAO_DONG_TIEN_TIEN").await;
    // Two LĐTT proposed: one CSTĐ cơ sở place is reserved, a second is refused.
    let mut cstd = nominate(&server, &org, &org.huyen, "CSTD_CO_SO").await;
    let created = server
        .ok(Some(&org.clerk), q!("create_nomination"), json!({ "input": { "nomineePersonId": p1, "awardKind": "CSTD_CO_SO", "issuerUnitId": org.province, "period": 2024, "achievement": "Chiến sĩ thi đua cơ sở" } }))
        .await;
    let error = server
        .err(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": created["createNomination"]["nomination"]["id"], "expectedVersion": 1 }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .contains("Quota"),
        "{error}"
    );
    // Appraisal counts the LĐTT under review as the base; all three reach signing.
    to_sign(&server, &org, &mut [&mut ldtt1, &mut ldtt2, &mut cstd]).await;
    // Signed alone, the CSTĐ cơ sở has no decided LĐTT to be 50% of: refused, for the quota.
    let error = server
        .err(Some(&org.signer), q!("sign_decision"), sign_input(&[&cstd]))
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .contains("Quota"),
        "{error}"
    );
    // Signed with the two LĐTT in the same decision: 1 ≤ 50% of 2.
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            sign_input(&[&ldtt1, &ldtt2, &cstd]),
        )
        .await;
    assert_eq!(
        signed["signDecision"]["decision"]["nominations"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let quotas = server
        .ok(Some(&org.signer), "query($u: ID!) { quotas(issuerUnitId: $u) { awardKind period maxPercent baseAwardKind } }", json!({ "u": org.province }))
        .await;
    assert_eq!(quotas["quotas"][0]["maxPercent"], 50);
    // No cap at all removes the quota; only the issuer's signer (or an admin) may.
    server
        .ok(Some(&org.signer), q!("set_quota"), json!({ "input": { "issuerUnitId": org.province, "awardKind": "CSTD_CO_SO", "period": 2024 } }))
        .await;
    let quotas = server
        .ok(
            Some(&org.signer),
            "query($u: ID!) { quotas(issuerUnitId: $u) { awardKind } }",
            json!({ "u": org.province }),
        )
        .await;
    assert_eq!(quotas["quotas"], json!([]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collective_is_judged_on_its_members_titles_even_those_decided_with_it() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // Phòng Tham mưu: Huyền and two more; the unit rated HTTNV.
    let p1 = org.person(&server, "Lê Văn Một").await;
    let p2 = org.person(&server, "Lê Văn Hai").await;
    for person in [&org.huyen, &p1, &p2] {
        rate(&server, &org, person, 2024, "HTTNV").await;
    }
    server
        .ok(
            Some(&org.clerk),
            q!("record_rating"),
            json!({ "input": { "nomineeUnitId": org.staff, "year": 2024, "rating": "HTTNV" } }),
        )
        .await;
    let before = server
        .ok(Some(&org.clerk), q!("check_eligibility"), json!({ "input": { "nomineeUnitId": org.staff, "awardKind": "TAP_THE_LD_TIEN_TIEN", "period": 2024, "asOf": "2024-12-31" } }))
        .await["checkEligibility"]
        .clone();
    assert_eq!(
        before["verdict"], "INELIGIBLE",
        "no member is LĐTT yet: {before}"
    );
    assert!(!failed(&before).is_empty());

    let mut collective = nominate_as(
        &server,
        &org,
        "nomineeUnitId",
        &org.staff,
        "TAP_THE_LD_TIEN_TIEN",
    )
    .await;
    let mut members: Vec<(String, i64)> = futures::future::join_all(
        [&org.huyen, &p1, &p2].map(|p| nominate(&server, &org, p, "LAO_DONG_TIEN_TIEN")),
    )
    .await;
    // Appraised with its members' LĐTT under review counted (they are decided with it).
    for m in &mut members {
        m.1 = org.review(&server, &m.0, m.1).await;
    }
    collective.1 = org.review(&server, &collective.0, collective.1).await;
    // Alone, the collective fails its share of LĐTT members; with them, it is decided.
    let error = server
        .err(
            Some(&org.signer),
            q!("sign_decision"),
            sign_input(&[&collective]),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    let mut all: Vec<&(String, i64)> = members.iter().collect();
    all.push(&collective);
    let signed = server
        .ok(Some(&org.signer), q!("sign_decision"), sign_input(&all))
        .await;
    assert_eq!(
        signed["signDecision"]["decision"]["nominations"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // Their certificates, printed through the API: the grassroots title form (A4 landscape,
    // "TẶNG DANH HIỆU"), one page each, the collective's title beside its members'.
    let decision = signed["signDecision"]["decision"]["id"].as_str().unwrap();
    let print = print_certificates(&server, &org, decision).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&print), vec![(297, 210); 4]);
    let titles: Vec<String> = (1..=4)
        .map(|page| laurel_tests::pdf_page_text(&print, page))
        .collect();
    for page in &titles {
        assert!(page.contains("TẶNG DANH HIỆU"), "{page}");
    }
    assert_eq!(
        titles
            .iter()
            .filter(|p| p.contains("TẬP THỂ LAO ĐỘNG TIÊN TIẾN") && p.contains("Phòng Tham mưu"))
            .count(),
        1,
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|p| p.contains("LAO ĐỘNG TIÊN TIẾN") && p.contains("Lê Văn Hai")),
        "{titles:?}"
    );
    server.stop().await;
}

/// Issues a decision's certificates and prints them all, as the office.
async fn print_certificates(server: &TestServer, org: &Org, decision: &str) -> Vec<u8> {
    server
        .ok(
            Some(&org.office),
            q!("issue_certificates"),
            json!({ "decisionId": decision }),
        )
        .await;
    server
        .pdf(
            &org.office,
            &format!("/decisions/{decision}/certificates.pdf"),
        )
        .await
}

/// Issue 9 §2, the higher title form through the API: three consecutive CSTĐ cơ sở (2022–2024)
/// and an initiative recognised by the ministry make Huyền a CSTĐ bộ/tỉnh for 2024 (Law
/// 06/2022 Art 22); its certificate prints on A3 landscape, "TẶNG DANH HIỆU".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provincial_emulation_fighter_is_printed_in_the_higher_title_form() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    for year in 2022..=2024 {
        rate(&server, &org, &org.huyen, year, "HTXSNV").await;
        server
            .ok(
                Some(&org.clerk),
                q!("record_prior_award"),
                json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "CSTD_CO_SO", "year": year, "decisionReference": format!("{}/QĐ-CAT", year - 2010) } }),
            )
            .await;
    }
    server
        .ok(
            Some(&org.clerk),
            q!("record_initiative"),
            json!({ "input": { "nomineePersonId": org.huyen, "title": "Quy trình tiếp nhận tin báo về tội phạm qua ứng dụng", "year": 2024, "scope": "BO_TINH", "recognisedBy": "Hội đồng sáng kiến Bộ Công an" } }),
        )
        .await;
    let verdict = check(&server, &org.clerk, &org.huyen, "CSTD_BO_TINH", 2024).await;
    assert!(failed(&verdict).is_empty(), "{verdict}");
    // The initiative's confirmation is a part appraisal requires of a title that rests on one
    // (Art 84.1), beyond what reception requires: the clerk attaches it with the dossier.
    let created = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "CSTD_BO_TINH", "issuerUnitId": org.province, "period": 2024, "achievement": "Ba năm liền Chiến sĩ thi đua cơ sở; sáng kiến cấp Bộ" } }),
        )
        .await;
    let id = created["createNomination"]["nomination"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    org.attach_dossier(&server, &id).await;
    // Reception's parts are all there; the dossier says what appraisal will need besides, and
    // so does the console's nomination page.
    let dossier = server
        .ok(
            Some(&org.clerk),
            "query($id: ID!) { nomination(id: $id) { dossier { missing missingForAppraisal requiredForAppraisal } } }",
            json!({ "id": id }),
        )
        .await["nomination"]["dossier"]
        .clone();
    assert_eq!(dossier["missing"], json!([]), "{dossier}");
    assert_eq!(
        dossier["missingForAppraisal"],
        json!(["XAC_NHAN_SANG_KIEN"]),
        "{dossier}"
    );
    let mut clerk =
        crate::console::Browser::login(&server.base, "clerk.ptm", laurel_tests::PASSWORD).await;
    let page = crate::console::text(&clerk.get(&format!("/nominations/{id}")).await.body);
    assert!(
        page.contains("Để thẩm định, còn cần thêm: Xác nhận sáng kiến, đề tài khoa học"),
        "{page}"
    );
    let attached = server
        .upload(
            Some(&org.clerk),
            json!({ "nominationId": id, "kind": "XAC_NHAN_SANG_KIEN", "file": null }),
            "xac-nhan-sang-kien.pdf",
            laurel_tests::PDF,
        )
        .await;
    assert!(attached.get("errors").is_none(), "{attached}");
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": 1 }),
        )
        .await;
    let mut fighter = (
        id,
        submitted["submitNomination"]["nomination"]["version"]
            .as_i64()
            .unwrap(),
    );
    to_sign(&server, &org, &mut [&mut fighter]).await;
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            sign_input(&[&fighter]),
        )
        .await;
    let decision = signed["signDecision"]["decision"]["id"].as_str().unwrap();
    let print = print_certificates(&server, &org, decision).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&print), vec![(420, 297)]);
    let text = laurel_tests::pdf_text(&print);
    for expected in [
        "TẶNG DANH HIỆU",
        "CHIẾN SĨ THI ĐUA",
        "Nguyễn Thị Ngọc Huyền",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    server.stop().await;
}

/// Issue 9 §2, the Prime Minister's form through the API: a Bằng khen bộ/tỉnh (2019), then five
/// years done well with three CSTĐ cơ sở (2020–2024) make a Bộ Công an officer eligible for the
/// Bằng khen của Thủ tướng Chính phủ (Law 06/2022 Art 73.1.b); the ministry proposes, the
/// Government's board receives and appraises, a Deputy Prime Minister signs (KT. THỦ TƯỚNG),
/// and the certificate prints in its own, larger form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prime_ministers_certificate_of_merit_is_printed_in_its_own_form() {
    let server = TestServer::start().await;
    let gov = Org::government(&server).await;
    let mut merit = gov.prime_ministers_merit(&server).await;
    to_sign(&server, &gov, &mut [&mut merit]).await;
    let signed = server
        .ok(
            Some(&gov.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": merit.0, "expectedVersion": merit.1 }], "capacity": "KT", "signerTitle": "Phó Thủ tướng" } }),
        )
        .await;
    let decision = signed["signDecision"]["decision"]["id"].as_str().unwrap();
    let print = print_certificates(&server, &gov, decision).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&print), vec![(450, 350)]);
    let text = laurel_tests::pdf_text(&print);
    for expected in [
        "THỦ TƯỚNG CHÍNH PHỦ",
        "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BẰNG KHEN",
        "Lê Thị Thu Trang",
        "Bộ Công an",
        "KT. THỦ TƯỚNG",
        "PHÓ THỦ TƯỚNG",
        "Phạm Quang Minh",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_judgement_attested_by_the_signer_lets_an_otherwise_unmet_path_through() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // HTTNV, LĐTT, no initiative: CSTĐ cơ sở rests on combat ingenuity (Art 23), a fact only a
    // competent body can attest.
    rate(&server, &org, &org.huyen, 2024, "HTTNV").await;
    let mut nomination = nominate(&server, &org, &org.huyen, "CSTD_CO_SO").await;
    let received = server
        .ok(
            Some(&org.office),
            q!("receive_nomination"),
            json!({ "input": { "id": nomination.0, "expectedVersion": nomination.1 } }),
        )
        .await;
    nomination.1 = received["receiveNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    let appraise = |v: i64| json!({ "input": { "id": nomination.0, "expectedVersion": v, "verdict": "ELIGIBLE", "notes": "x" } });
    let error = server
        .err(
            Some(&org.office),
            q!("appraise_nomination"),
            appraise(nomination.1),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    let attest = |criterion: &str| json!({ "input": { "nominationId": nomination.0, "criterionId": criterion, "basis": "Biên bản Hội đồng TĐKT số 07/BB ngày 10/01/2025" } });
    let combat = "art23.achievement.combat";
    let error = server
        .err(Some(&org.clerk), q!("attest_criterion"), attest(combat))
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    let error = server
        .err(
            Some(&org.signer),
            q!("attest_criterion"),
            attest("art23.nonexistent"),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("criterionId"))
    );
    let attested = server
        .ok(Some(&org.signer), q!("attest_criterion"), attest(combat))
        .await;
    assert_eq!(attested["attestCriterion"]["attested"], true);
    assert_eq!(
        attested["attestCriterion"]["nomination"]["attestedCriteria"],
        json!([combat])
    );
    let again = server
        .ok(Some(&org.signer), q!("attest_criterion"), attest(combat))
        .await;
    assert_eq!(again["attestCriterion"]["attested"], false);
    let appraised = server
        .ok(
            Some(&org.office),
            q!("appraise_nomination"),
            appraise(nomination.1),
        )
        .await;
    nomination.1 = appraised["appraiseNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    let voted = server
        .ok(Some(&org.secretary), q!("record_council_outcome"), json!({ "input": { "id": nomination.0, "expectedVersion": nomination.1, "members": 5, "present": 5, "votesFor": 5, "votesAgainst": 0 } }))
        .await;
    nomination.1 = voted["recordCouncilOutcome"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            sign_input(&[&nomination]),
        )
        .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_to_facts_count_and_past_uses_of_initiatives_are_respected() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    rate(&server, &org, &org.huyen, 2024, "HTTNV").await;
    // Recruited 1 August 2024: 5 months, below the 6 of TT 01/2024 Art 1.5.
    let recruit = |date: &str| json!({ "input": { "personId": org.huyen, "recruitedOn": date } });
    server.ok(Some(&org.clerk), "mutation($input: RecordRecruitmentInput!) { recordRecruitment(input: $input) { person { recruitedOn } } }", recruit("2024-08-01")).await;
    let ldtt = check(&server, &org.clerk, &org.huyen, "LAO_DONG_TIEN_TIEN", 2024).await;
    assert_eq!(ldtt["verdict"], "INELIGIBLE", "{ldtt}");
    server.ok(Some(&org.clerk), "mutation($input: RecordRecruitmentInput!) { recordRecruitment(input: $input) { person { recruitedOn } } }", recruit("2024-07-01")).await;
    let ldtt = check(&server, &org.clerk, &org.huyen, "LAO_DONG_TIEN_TIEN", 2024).await;
    assert_ne!(ldtt["verdict"], "INELIGIBLE", "{ldtt}");

    // An initiative that already backed a CSTĐ cơ sở before Laurel does not count again.
    server
        .ok(Some(&org.clerk), q!("record_prior_award"), json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "LAO_DONG_TIEN_TIEN", "year": 2024 } }))
        .await;
    server
        .ok(Some(&org.clerk), q!("record_initiative"), json!({ "input": { "nomineePersonId": org.huyen, "title": "Sáng kiến đã dùng", "year": 2024, "scope": "CO_SO", "recognisedBy": "Hội đồng sáng kiến", "usedFor": { "awardKind": "BANG_KHEN_BO_TINH", "year": 2023 } } }))
        .await;
    let used = check(&server, &org.clerk, &org.huyen, "CSTD_CO_SO", 2024).await;
    assert_eq!(used["verdict"], "INELIGIBLE", "{used}");
    server
        .ok(Some(&org.clerk), q!("record_initiative"), json!({ "input": { "nomineePersonId": org.huyen, "title": "Sáng kiến mới", "year": 2024, "scope": "CO_SO", "recognisedBy": "Hội đồng sáng kiến" } }))
        .await;
    let fresh = check(&server, &org.clerk, &org.huyen, "CSTD_CO_SO", 2024).await;
    assert_ne!(fresh["verdict"], "INELIGIBLE", "{fresh}");

    // A resolved block is not resolved again.
    let block = server
        .ok(Some(&org.clerk), q!("record_block"), json!({ "input": { "nomineePersonId": org.huyen, "kind": "INSPECTION", "reason": "Thanh tra", "from": "2024-03-01" } }))
        .await["recordBlock"]["block"]
        .clone();
    let resolved = server
        .ok(Some(&org.clerk), q!("resolve_block"), json!({ "input": { "id": block["id"], "expectedVersion": 1, "resolvedOn": "2024-04-01" } }))
        .await;
    let error = server
        .err(Some(&org.clerk), q!("resolve_block"), json!({ "input": { "id": block["id"], "expectedVersion": resolved["resolveBlock"]["block"]["version"], "resolvedOn": "2024-03-15" } }))
        .await;
    assert_eq!(code(&error), "VALIDATION");
    // Administrators do not record facts (separation of duties).
    let error = server
        .err(
            Some(&org.admin),
            q!("record_rating"),
            json!({ "input": { "nomineePersonId": org.huyen, "year": 2023, "rating": "HTXSNV" } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    server.stop().await;
}
