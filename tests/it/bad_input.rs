//! Bad input changes nothing and gets a clear, typed error.

use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};

async fn nomination(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .ok(Some(token), q!("nomination"), json!({ "id": id }))
        .await["nomination"]
        .clone()
}

async fn count_nominations(server: &TestServer, token: &str) -> usize {
    server
        .ok(Some(token), q!("nominations"), json!({ "first": 200 }))
        .await["nominations"]["edges"]
        .as_array()
        .unwrap()
        .len()
}

fn code(error: &Value) -> &str {
    error["extensions"]["code"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nominations_with_bad_fields_are_refused_and_not_created() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let create = |fields: Value| {
        let mut input = json!({
            "nomineePersonId": org.huyen,
            "awardKind": "GIAY_KHEN",
            "issuerUnitId": org.province,
            "period": 2024,
            "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2024",
        });
        for (k, v) in fields.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({ "input": input })
    };

    // Unknown award kind: refused by the schema itself, with a code.
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "awardKind": "HUY_CHUONG_VANG" })),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .contains("HUY_CHUONG_VANG")
    );

    // Malformed ids name the field.
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "nomineePersonId": "not-a-uuid" })),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert_eq!(error["extensions"]["field"], "nomineePersonId");
    let error = server
        .err(Some(&org.clerk), q!("nomination"), json!({ "id": "42" }))
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("id"))
    );

    // Empty, too long, and unprintable citations.
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "achievement": "   " })),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("achievement"))
    );
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "achievement": "x".repeat(2001) })),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .contains("2000")
    );
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "achievement": "Thành tích 🏆 xuất sắc" })),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(
        error["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .contains("🏆")
    );

    // A period out of range, and the wrong kind of award for a person, both reported.
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "period": 1800, "achievement": "" })),
        )
        .await;
    let fields: Vec<_> = error["extensions"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["period", "achievement"]);
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "awardKind": "TAP_THE_LD_XUAT_SAC" })),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION");
    assert!(
        error["extensions"]["violations"][0]["article"]
            .as_str()
            .unwrap()
            .contains("06/2022")
    );

    // A 10 MB citation never reaches the resolver: the body is refused.
    let huge = create(json!({ "achievement": "a".repeat(10 * 1024 * 1024) }));
    let response = server
        .http()
        .post(format!("{}/graphql", server.base))
        .bearer_auth(&org.clerk)
        .json(&json!({ "query": q!("create_nomination"), "variables": huge }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");

    // Nominee outside the clerk's unit subtree.
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_nomination"),
            create(json!({ "nomineePersonId": org.other_person })),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");

    // None of the above created anything.
    assert_eq!(count_nominations(&server, &org.admin).await, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wrong_people_cannot_submit_or_sign_and_nothing_changes() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (id, version) = org
        .draft(&server, &org.huyen, "Hoàn thành xuất sắc nhiệm vụ")
        .await;

    // A unit head of another unit; a clerk; no session at all.
    for (token, expected) in [
        (Some(org.other_head.as_str()), "FORBIDDEN"),
        (Some(org.clerk.as_str()), "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
        (Some("not-a-real-token"), "UNAUTHENTICATED"),
    ] {
        let error = server
            .err(
                token,
                q!("submit_nomination"),
                json!({ "id": id, "expectedVersion": version }),
            )
            .await;
        assert_eq!(code(&error), expected);
    }
    let unchanged = nomination(&server, &org.clerk, &id).await;
    assert_eq!(
        (unchanged["state"].as_str(), unchanged["version"].as_i64()),
        (Some("DRAFT"), Some(version))
    );
    assert_eq!(unchanged["history"].as_array().unwrap().len(), 1);

    // Signing a draft is not a transition the workflow allows.
    let sign = |v: i64| json!({ "input": { "nominations": [{ "id": id, "expectedVersion": v }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } });
    let error = server
        .err(Some(&org.signer), q!("sign_decision"), sign(version))
        .await;
    assert_eq!(code(&error), "INVALID_TRANSITION");
    assert_eq!(error["extensions"]["state"], "DRAFT");

    // Submitted and reviewed; now a stale version conflicts, and people without SIGNER at the
    // issuer cannot sign.
    org.attach_dossier(&server, &id).await;
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": version }),
        )
        .await;
    let version = submitted["submitNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    // Not yet at its SIGN stage: not a transition the workflow allows.
    let error = server
        .err(Some(&org.signer), q!("sign_decision"), sign(version))
        .await;
    assert_eq!(code(&error), "INVALID_TRANSITION");
    assert_eq!(error["extensions"]["stage"], "RECEIVE");
    let version = org.review(&server, &id, version).await;
    for token in [
        &org.head,
        &org.clerk,
        &org.admin,
        &org.office,
        &org.secretary,
    ] {
        let error = server
            .err(Some(token), q!("sign_decision"), sign(version))
            .await;
        assert_eq!(code(&error), "FORBIDDEN");
    }
    let error = server
        .err(Some(&org.signer), q!("sign_decision"), sign(version - 1))
        .await;
    assert_eq!(code(&error), "CONFLICT");
    assert_eq!(error["extensions"]["expectedVersion"], version - 1);
    assert_eq!(error["extensions"]["actualVersion"], version);
    // A deputy must say their own title.
    let error = server
        .err(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT" } }),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("signerTitle"))
    );

    // No decision exists, no number was used, the nomination is as it was.
    let decisions = server
        .ok(Some(&org.signer), q!("decisions"), json!({ "first": 10 }))
        .await;
    assert_eq!(decisions["decisions"]["edges"], json!([]));
    let unchanged = nomination(&server, &org.clerk, &id).await;
    assert_eq!(
        (unchanged["state"].as_str(), unchanged["version"].as_i64()),
        (Some("SUBMITTED"), Some(version))
    );
    let signed = server
        .ok(Some(&org.signer), q!("sign_decision"), sign(version))
        .await;
    assert_eq!(
        signed["signDecision"]["decision"]["number"], "1/QĐ-CAT",
        "the failed attempts used no number"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_version_conflicts_and_a_withdrawn_nomination_stays_withdrawn() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (id, version) = org.draft(&server, &org.huyen, "Thành tích").await;
    server
        .ok(Some(&org.clerk), q!("update_nomination"), json!({ "input": { "id": id, "expectedVersion": version, "achievement": "Bản sửa thứ nhất" } }))
        .await;
    let error = server
        .err(Some(&org.clerk), q!("update_nomination"), json!({ "input": { "id": id, "expectedVersion": version, "achievement": "Bản sửa bị trễ" } }))
        .await;
    assert_eq!(code(&error), "CONFLICT");
    assert_eq!(
        nomination(&server, &org.clerk, &id).await["achievement"],
        "Bản sửa thứ nhất"
    );

    let withdrawn = server
        .ok(Some(&org.clerk), q!("withdraw_nomination"), json!({ "input": { "id": id, "expectedVersion": version + 1, "reason": "Đề nghị trùng lặp" } }))
        .await;
    assert_eq!(
        withdrawn["withdrawNomination"]["nomination"]["state"],
        "WITHDRAWN"
    );
    let error = server
        .err(
            Some(&org.head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": version + 2 }),
        )
        .await;
    assert_eq!(code(&error), "INVALID_TRANSITION");
    let history = nomination(&server, &org.clerk, &id).await["history"].clone();
    assert_eq!(history[2]["reason"], "Đề nghị trùng lặp");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_outside_the_contract_get_typed_errors() {
    let server = TestServer::start().await;
    let post = |body: String| {
        server
            .http()
            .post(format!("{}/graphql", server.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // Batches and garbage bodies.
    for body in [
        r#"[{"query":"{ awardKinds { code } }"},{"query":"{ awardKinds { code } }"}]"#.to_string(),
        "not json".to_string(),
    ] {
        let response = post(body).await.unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
    }
    // Syntax errors, unknown fields, and queries nested too deep.
    let error = server.err(None, "{ awardKinds { code ", json!({})).await;
    assert_eq!(code(&error), "VALIDATION");
    let error = server.err(None, "{ awardKindz { code } }", json!({})).await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(
        !error["message"].as_str().unwrap().contains("Did you mean"),
        "no suggestions leak"
    );
    let deep = format!(
        "{{ me {{ person {{ unit {} }} }} }}",
        "{ parent ".repeat(20) + "{ id }" + &" }".repeat(20)
    );
    let error = server.err(None, &deep, json!({})).await;
    assert_eq!(code(&error), "VALIDATION");
    // GraphiQL's own introspection query fits the limits (its docs and autocomplete work) for
    // a signed-in caller; an anonymous one is told to log in (clients read schema.graphql).
    let admin = server.admin().await;
    let schema = server
        .ok(Some(&admin), q!("introspection"), json!({}))
        .await;
    assert!(schema["__schema"]["types"].as_array().unwrap().len() > 20);
    let error = server.err(None, q!("introspection"), json!({})).await;
    assert_eq!(code(&error), "UNAUTHENTICATED");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .contains("schema.graphql")
    );
    // The refusal points at the field that introspects, as any GraphQL error does.
    let error = server
        .err(
            None,
            "query Look {\n  awardKinds { code }\n  __type(name: \"Query\") { name }\n}",
            json!({}),
        )
        .await;
    assert_eq!(code(&error), "UNAUTHENTICATED");
    assert_eq!(
        error["locations"],
        json!([{ "line": 3, "column": 3 }]),
        "{error}"
    );
    // The public catalog needs no login.
    let kinds = server
        .ok(None, "{ awardKinds { code nameVi } }", json!({}))
        .await;
    assert_eq!(kinds["awardKinds"].as_array().unwrap().len(), 14);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisation_input_is_checked() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // Duplicate unit code (case-insensitive), and a clerk creating units.
    let error = server
        .err(
            Some(&org.admin),
            q!("create_unit"),
            json!({ "input": { "name": "Trùng mã", "code": "cat" } }),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("code"))
    );
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_unit"),
            json!({ "input": { "name": "Đơn vị mới", "code": "NEW" } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    // A clerk records people only in their own subtree.
    server
        .ok(
            Some(&org.clerk),
            q!("create_person"),
            json!({ "input": { "fullName": "Lê Văn Tám", "unitId": org.staff } }),
        )
        .await;
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_person"),
            json!({ "input": { "fullName": "Lê Văn Chín", "unitId": org.police } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    // Roles: ADMIN takes no unit, others need one; usernames are unique.
    let error = server
        .err(
            Some(&org.admin),
            q!("create_account"),
            json!({ "input": { "username": "clerk.ptm", "password": "a-long-password" } }),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("username"))
    );
    let account = server
        .ok(
            Some(&org.admin),
            q!("create_account"),
            json!({ "input": { "username": "new.clerk", "password": "a-long-password" } }),
        )
        .await["createAccount"]["account"]["id"]
        .clone();
    let error = server
        .err(
            Some(&org.admin),
            q!("grant_role"),
            json!({ "input": { "accountId": account, "role": "CLERK" } }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    let granted = server
        .ok(
            Some(&org.admin),
            q!("grant_role"),
            json!({ "input": { "accountId": account, "role": "CLERK", "unitId": org.police } }),
        )
        .await;
    assert_eq!(granted["grantRole"]["granted"], true);
    let again = server
        .ok(
            Some(&org.admin),
            q!("grant_role"),
            json!({ "input": { "accountId": account, "role": "CLERK", "unitId": org.police } }),
        )
        .await;
    assert_eq!(again["grantRole"]["granted"], false);
    server.stop().await;
}

/// `laurel serve --public-introspection` opens the schema to callers who are not signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_introspection_answers_anonymous_callers_too() {
    let server = TestServer::start_with(|config| config.public_introspection = true).await;
    let schema = server.ok(None, q!("introspection"), json!({})).await;
    assert!(schema["__schema"]["types"].as_array().unwrap().len() > 20);
    server.stop().await;
}
