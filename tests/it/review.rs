//! The review workflow over HTTP: who may act at each stage, what a stage refuses, uploads,
//! proposals, delegation, the public notice, the calendar and the work queue. Every refusal is
//! typed and changes nothing.

use laurel::ServeConfig;
use laurel_tests::{Org, PDF, TestServer, q};
use serde_json::{Value, json};

fn code(error: &Value) -> &str {
    error["extensions"]["code"].as_str().unwrap_or("?")
}

async fn look(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .ok(Some(token), q!("nomination_history"), json!({ "id": id }))
        .await["nomination"]
        .clone()
}

fn history_len(n: &Value) -> usize {
    n["history"].as_array().unwrap().len()
}

/// The operation and variables for `command` on nomination `n` at its current version.
fn command(command: &str, n: &Value) -> (&'static str, Value) {
    let id = n["id"].clone();
    let version = n["version"].clone();
    let plain = json!({ "input": { "id": id, "expectedVersion": version } });
    match command {
        "SUBMIT" => (
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": version }),
        ),
        "RECEIVE" => (q!("receive_nomination"), plain),
        "APPRAISE" => (
            q!("appraise_nomination"),
            json!({ "input": { "id": id, "expectedVersion": version, "verdict": "ELIGIBLE", "notes": "Đủ điều kiện" } }),
        ),
        "RECORD_COUNCIL" => (
            q!("record_council_outcome"),
            json!({ "input": { "id": id, "expectedVersion": version, "members": 5, "present": 5, "votesFor": 5, "votesAgainst": 0 } }),
        ),
        "SIGN" => (
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }] } }),
        ),
        "RESUBMIT" => (q!("resubmit_nomination"), plain),
        "RECALL" => (q!("recall_nomination"), plain),
        other => panic!("no operation for {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_party_of_each_stage_may_act_and_refusals_change_nothing() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // A team inside Phòng Tham mưu, and the province's director.
    let team = server
        .create_unit(
            &org.admin,
            "Đội Tổng hợp",
            "PTM-TH",
            "Đội trưởng",
            Some(&org.staff),
        )
        .await;
    let (team_head, _) = server
        .create_account(&org.admin, "doitruong.th", "UNIT_HEAD", &team, None)
        .await;
    let (director, _) = server
        .create_account(&org.admin, "giamdoc.cat", "UNIT_HEAD", &org.province, None)
        .await;
    // Who is who, relative to Phòng Tham mưu (the proposing unit) and the province (issuer).
    let actors: [(&str, &str); 8] = [
        ("head of the proposing unit", &org.head),
        ("head of an ancestor", &director),
        ("head of a sibling", &org.other_head),
        ("head of a unit below", &team_head),
        ("clerk of the proposing unit", &org.clerk),
        ("the issuer's office", &org.office),
        ("the issuer's council secretary", &org.secretary),
        ("the issuer's signer", &org.signer),
    ];
    // The command each stage waits for, and who may give it.
    let table: [(&str, &[&str]); 5] = [
        (
            "SUBMIT",
            &["head of the proposing unit", "head of an ancestor"],
        ),
        ("RECEIVE", &["the issuer's office"]),
        ("APPRAISE", &["the issuer's office"]),
        ("RECORD_COUNCIL", &["the issuer's council secretary"]),
        ("SIGN", &["the issuer's signer"]),
    ];
    for (round, (stage_command, allowed)) in table.iter().enumerate() {
        let person = org
            .person(&server, &format!("Cán bộ ma trận {round}"))
            .await;
        let (id, _) = org
            .draft(&server, &person, &format!("Thành tích ma trận {round}"))
            .await;
        org.attach_dossier(&server, &id).await;
        // Bring it to the stage, the rightful way.
        for earlier in &table[..round] {
            let n = look(&server, &org.office, &id).await;
            let token = actors
                .iter()
                .find(|(who, _)| *who == earlier.1[0])
                .unwrap()
                .1;
            let (query, variables) = command(earlier.0, &n);
            server.ok(Some(token), query, variables).await;
        }
        let before = look(&server, &org.office, &id).await;
        for (who, token) in actors {
            let may = allowed.contains(&who);
            let visible = server
                .gql(Some(token), q!("nomination_history"), json!({ "id": id }))
                .await;
            let offered = visible["data"]["nomination"]["availableCommands"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c == stage_command));
            assert_eq!(offered, may, "{who} offered {stage_command}: {visible}");
            if may {
                continue;
            }
            let (query, variables) = command(stage_command, &before);
            let error = server.err(Some(token), query, variables).await;
            assert_eq!(
                code(&error),
                "FORBIDDEN",
                "{who} tried {stage_command}: {error}"
            );
        }
        let after = look(&server, &org.office, &id).await;
        assert_eq!(
            after["version"], before["version"],
            "refusals change nothing"
        );
        assert_eq!(history_len(&after), history_len(&before));
        // The rightful party acts.
        let token = actors.iter().find(|(who, _)| *who == allowed[0]).unwrap().1;
        let (query, variables) = command(stage_command, &before);
        server.ok(Some(token), query, variables).await;
    }
    // A sibling unit's head cannot even read a nomination outside its subtree.
    let (id, _) = org.draft(&server, &org.huyen, "Không lộ ra ngoài").await;
    let hidden = server
        .gql(
            Some(&org.other_head),
            q!("nomination_history"),
            json!({ "id": id }),
        )
        .await;
    assert!(
        hidden["data"]["nomination"].is_null(),
        "a sibling reads nothing: {hidden}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_refuses_commands_it_does_not_take_and_the_same_person_may_not_approve_twice() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (id, version) = org.just_submitted(&server, &org.huyen, "Thành tích").await;
    let before = look(&server, &org.office, &id).await;
    assert_eq!(before["stage"]["kind"], "RECEIVE");

    // Appraising before receiving: the error names the stage, the command and what it takes.
    let (query, variables) = command("APPRAISE", &before);
    let error = server.err(Some(&org.office), query, variables).await;
    assert_eq!(code(&error), "INVALID_TRANSITION", "{error}");
    assert_eq!(error["extensions"]["stage"], "RECEIVE");
    assert_eq!(error["extensions"]["command"], "APPRAISE");
    let accepted = error["extensions"]["accepted"].as_array().unwrap();
    assert!(accepted.iter().any(|c| c == "RECEIVE"), "{error}");
    // Resubmitting what was never returned; signing what has not reached SIGN.
    for (token, stage_command) in [(&org.head, "RESUBMIT"), (&org.signer, "SIGN")] {
        let (query, variables) = command(stage_command, &before);
        let error = server.err(Some(token), query, variables).await;
        assert!(
            ["INVALID_TRANSITION", "RULE_VIOLATION"].contains(&code(&error)),
            "{stage_command}: {error}"
        );
    }
    let unchanged = look(&server, &org.office, &id).await;
    assert_eq!(unchanged["version"], version);
    assert_eq!(history_len(&unchanged), history_len(&before));

    // Separation of duties: the head who submitted it cannot record the council's outcome,
    // even holding the secretary's role too.
    server
        .ok(
            Some(&org.admin),
            q!("grant_role"),
            json!({ "input": { "accountId": org.accounts["head.ptm"], "role": "COUNCIL_SECRETARY", "unitId": org.province } }),
        )
        .await;
    let head = server.login("head.ptm", laurel_tests::PASSWORD).await;
    let n = look(&server, &org.office, &id).await;
    let (query, variables) = command("RECEIVE", &n);
    server.ok(Some(&org.office), query, variables).await;
    let n = look(&server, &org.office, &id).await;
    let (query, variables) = command("APPRAISE", &n);
    server.ok(Some(&org.office), query, variables).await;
    let n = look(&server, &org.office, &id).await;
    let (query, variables) = command("RECORD_COUNCIL", &n);
    let error = server.err(Some(&head), query, variables).await;
    assert_eq!(code(&error), "FORBIDDEN", "{error}");
    assert!(
        error["extensions"]["messageEn"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("submitted"),
        "the message says why: {error}"
    );
    assert_eq!(
        look(&server, &org.office, &id).await["version"],
        n["version"]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acting_signer_signs_tuq_only_while_the_delegation_runs() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let deputy = server
        .create_person(
            &org.admin,
            "Trần Minh Tuấn",
            Some("Thượng tá"),
            Some("Chánh Văn phòng"),
            &org.province,
        )
        .await;
    let (acting, acting_id) = server
        .create_account(&org.admin, "cvp.tuan", "CLERK", &org.staff, Some(&deputy))
        .await;
    let (id, version) = org.submitted(&server, "Thành tích ủy quyền").await;
    let sign = |capacity: &str| json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": capacity, "signerTitle": "Chánh Văn phòng" } });

    // A delegation that ended last year (recorded by an administrator on the signer's behalf).
    let signer_id = &org.accounts["pgd.binh"];
    let past = server
        .ok(
            Some(&org.admin),
            q!("delegate_role"),
            json!({ "input": { "role": "SIGNER", "unitId": org.province, "delegateAccountId": acting_id, "delegatorAccountId": signer_id, "from": "2024-01-01", "until": "2024-01-31" } }),
        )
        .await["delegateRole"]["delegation"]
        .clone();
    assert_eq!(past["active"], false);
    let error = server
        .err(Some(&acting), q!("sign_decision"), sign("TUQ"))
        .await;
    assert_eq!(code(&error), "FORBIDDEN", "expired delegation: {error}");

    // One running today: the signer delegates; only TUQ. fits it.
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+7))
        .date();
    let running = server
        .ok(
            Some(&org.signer),
            q!("delegate_role"),
            json!({ "input": { "role": "SIGNER", "unitId": org.province, "delegateAccountId": acting_id, "from": (today - time::Duration::days(1)).to_string(), "until": (today + time::Duration::days(7)).to_string() } }),
        )
        .await["delegateRole"]["delegation"]
        .clone();
    assert_eq!(running["active"], true);
    let error = server
        .err(Some(&acting), q!("sign_decision"), sign("KT"))
        .await;
    assert_eq!(
        code(&error),
        "VALIDATION",
        "KT. by an acting signer: {error}"
    );
    // Revoked, it no longer counts.
    server
        .ok(
            Some(&org.signer),
            q!("revoke_delegation"),
            json!({ "id": running["id"] }),
        )
        .await;
    let error = server
        .err(Some(&acting), q!("sign_decision"), sign("TUQ"))
        .await;
    assert_eq!(code(&error), "FORBIDDEN", "revoked delegation: {error}");
    assert_eq!(look(&server, &org.office, &id).await["version"], version);

    // A new one, and the acting signer signs TUQ. for the deputy director.
    server
        .ok(
            Some(&org.signer),
            q!("delegate_role"),
            json!({ "input": { "role": "SIGNER", "unitId": org.province, "delegateAccountId": acting_id, "from": today.to_string(), "until": today.to_string() } }),
        )
        .await;
    let decision = server
        .ok(Some(&acting), q!("sign_decision"), sign("TUQ"))
        .await["signDecision"]["decision"]
        .clone();
    assert_eq!(decision["capacityLine"], "TUQ. GIÁM ĐỐC");
    assert_eq!(decision["signerName"], "Thượng tá Trần Minh Tuấn");
    assert_eq!(decision["actingForName"], "Nguyễn Hữu Bình");
    // What the session reads (in one statement): both of its own grants, and of its three
    // delegations the one in force today (not last year's, not the revoked one).
    server
        .ok(
            Some(&org.admin),
            q!("grant_role"),
            json!({ "input": { "accountId": acting_id, "role": "COUNCIL_SECRETARY", "unitId": org.province } }),
        )
        .await;
    let me = server
        .ok(
            Some(&acting),
            "{ me { rolesInForce { role unit { code } } } }",
            json!({}),
        )
        .await;
    let mut roles: Vec<(String, String)> = me["me"]["rolesInForce"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["role"].as_str().unwrap().to_owned(),
                g["unit"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    roles.sort();
    assert_eq!(
        roles,
        [
            ("CLERK".to_owned(), "PTM".to_owned()),
            ("COUNCIL_SECRETARY".to_owned(), "CAT".to_owned()),
            ("SIGNER".to_owned(), "CAT".to_owned()),
        ]
    );
    // Nobody delegates a role they do not hold.
    let error = server
        .err(
            Some(&org.clerk),
            q!("delegate_role"),
            json!({ "input": { "role": "SIGNER", "unitId": org.province, "delegateAccountId": acting_id, "from": today.to_string(), "until": today.to_string() } }),
        )
        .await;
    assert!(
        ["FORBIDDEN", "VALIDATION"].contains(&code(&error)),
        "{error}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_checked_by_size_and_by_content_and_refusals_leave_the_dossier_alone() {
    let server = TestServer::start_with(|config: &mut ServeConfig| {
        config.max_document_bytes = 64 * 1024;
    })
    .await;
    let org = Org::create(&server).await;
    let (id, _) = org.draft(&server, &org.huyen, "Thành tích").await;
    let input = json!({ "nominationId": id, "kind": "TO_TRINH", "file": null });

    // Past the limit: 413 with a typed body, read to the end so the client gets the answer.
    let mut big = PDF.to_vec();
    big.resize(200 * 1024, b' ');
    let operations = json!({ "query": q!("attach_document"), "variables": { "input": input } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(big).file_name("to-trinh.pdf"),
        );
    let response = server
        .http()
        .post(format!("{}/graphql", server.base))
        .bearer_auth(&org.clerk)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    // Just past the document limit but within the request's: VALIDATION naming the file.
    let mut over = PDF.to_vec();
    over.resize(64 * 1024 + 1, b' ');
    let body = server
        .upload(Some(&org.clerk), input.clone(), "to-trinh.pdf", &over)
        .await;
    let code_of = |body: &Value| body["errors"][0]["extensions"]["code"].clone();
    assert!(
        [json!("VALIDATION"), json!("PAYLOAD_TOO_LARGE")].contains(&code_of(&body)),
        "{body}"
    );
    // A text file named .pdf, an executable named .docx, an empty file.
    for (name, content) in [
        (
            "to-trinh.pdf",
            b"Day la to trinh, khong phai PDF".as_slice(),
        ),
        (
            "bao-cao.docx",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".as_slice(),
        ),
        ("trong.pdf", b"".as_slice()),
    ] {
        let body = server
            .upload(Some(&org.clerk), input.clone(), name, content)
            .await;
        assert_eq!(code_of(&body), "VALIDATION", "{name}: {body}");
        assert!(
            body["errors"][0]["extensions"]["messageVi"].is_string(),
            "{body}"
        );
    }
    let dossier = server
        .ok(
            Some(&org.clerk),
            q!("nomination_dossier"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(dossier["nomination"]["dossier"]["documents"], json!([]));
    // The same content twice is stored once and both records point at it.
    for _ in 0..2 {
        let body = server
            .upload(Some(&org.clerk), input.clone(), "to-trinh.pdf", PDF)
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let dossier = server
        .ok(
            Some(&org.clerk),
            q!("nomination_dossier"),
            json!({ "id": id }),
        )
        .await;
    let documents = dossier["nomination"]["dossier"]["documents"]
        .as_array()
        .unwrap();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["sha256"], documents[1]["sha256"]);
    assert_eq!(documents[0]["mediaType"], "application/pdf");
    // Downloads need a reader of the nomination.
    let url = format!("{}{}", server.base, documents[0]["url"].as_str().unwrap());
    let get = |token: Option<&str>| {
        let mut request = server.http().get(&url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let mine = get(Some(&org.clerk)).await.unwrap();
    assert_eq!(mine.status(), 200);
    assert_eq!(mine.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(get(None).await.unwrap().status(), 401);
    assert_eq!(get(Some(&org.other_head)).await.unwrap().status(), 403);

    // Once submitted, whoever acts at the current stage adds documents, and the refusal says so.
    org.attach_dossier(&server, &id).await;
    let n = look(&server, &org.clerk, &id).await;
    let (query, variables) = command("SUBMIT", &n);
    server.ok(Some(&org.head), query, variables).await;
    let body = server
        .upload(Some(&org.clerk), input.clone(), "to-trinh.pdf", PDF)
        .await;
    assert_eq!(code_of(&body), "FORBIDDEN", "{body}");
    let message = body["errors"][0]["extensions"]["messageEn"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("add documents to") && message.contains("emulation office"),
        "{message}"
    );
    let body = server
        .upload(Some(&org.office), input.clone(), "to-trinh.pdf", PDF)
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_holds_drafts_of_one_unit_for_one_issuer() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (a, va) = org.draft(&server, &org.huyen, "Thành tích A").await;
    let other = org.person(&server, "Lê Thị B").await;
    let (b, vb) = org.draft(&server, &other, "Thành tích B").await;
    // A Giấy khen of Phòng Tham mưu's own head: another issuer.
    let data = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": { "nomineePersonId": org.huyen, "awardKind": "GIAY_KHEN", "issuerUnitId": org.staff, "period": 2025, "achievement": "Thành tích C" } }),
        )
        .await;
    let c = data["createNomination"]["nomination"].clone();
    let propose = |nominations: Value| json!({ "input": { "proposingUnitId": org.staff, "issuerUnitId": org.province, "number": "7/TTr-PTM", "nominations": nominations } });
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_proposal"),
            propose(json!([
                { "id": a, "expectedVersion": va },
                { "id": c["id"], "expectedVersion": c["version"] },
            ])),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION", "mixed issuers: {error}");
    assert_eq!(error["extensions"]["field"], "nominations");
    // Another unit's clerk cannot group them; a stale version conflicts.
    let error = server
        .err(
            Some(&org.office),
            q!("create_proposal"),
            json!({ "input": { "proposingUnitId": org.police, "issuerUnitId": org.province, "nominations": [{ "id": a, "expectedVersion": va }] } }),
        )
        .await;
    assert_eq!(
        code(&error),
        "VALIDATION",
        "not the proposing unit's: {error}"
    );
    let error = server
        .err(
            Some(&org.clerk),
            q!("create_proposal"),
            propose(json!([{ "id": a, "expectedVersion": va + 1 }])),
        )
        .await;
    assert_eq!(code(&error), "CONFLICT");
    // Nothing was grouped.
    let proposals = server
        .ok(Some(&org.clerk), "{ proposals { id } }", json!({}))
        .await;
    assert_eq!(proposals["proposals"], json!([]));
    assert_eq!(look(&server, &org.clerk, &a).await["version"], va);

    let proposal = server
        .ok(
            Some(&org.clerk),
            q!("create_proposal"),
            propose(json!([
                { "id": a, "expectedVersion": va },
                { "id": b, "expectedVersion": vb },
            ])),
        )
        .await["createProposal"]["proposal"]
        .clone();
    assert_eq!(proposal["status"], "DRAFT");
    // Only a's dossier is complete: bulk submission applies each wholly or not at all.
    org.attach_dossier(&server, &a).await;
    let version = server
        .ok(
            Some(&org.clerk),
            q!("proposal"),
            json!({ "id": proposal["id"] }),
        )
        .await["proposal"]["version"]
        .clone();
    let error = server
        .err(
            Some(&org.head),
            q!("submit_nominations"),
            json!({ "target": { "proposalId": proposal["id"], "expectedVersion": version.as_i64().unwrap() - 1 } }),
        )
        .await;
    assert_eq!(code(&error), "CONFLICT", "a stale proposal: {error}");
    let submitted = server
        .ok(
            Some(&org.head),
            q!("submit_nominations"),
            json!({ "target": { "proposalId": proposal["id"], "expectedVersion": version } }),
        )
        .await["submitNominations"]
        .clone();
    assert_eq!(submitted["succeeded"], 2, "{submitted}");
    let received = server
        .ok(
            Some(&org.office),
            q!("receive_nominations"),
            json!({ "target": { "nominations": [
                { "id": a, "expectedVersion": look(&server, &org.office, &a).await["version"] },
                { "id": b, "expectedVersion": look(&server, &org.office, &b).await["version"] },
            ] } }),
        )
        .await["receiveNominations"]
        .clone();
    assert_eq!(
        (received["succeeded"].as_i64(), received["failed"].as_i64()),
        (Some(1), Some(1))
    );
    let failed = received["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ok"] == false)
        .unwrap();
    assert_eq!(failed["id"], json!(b));
    assert_eq!(failed["code"], "RULE_VIOLATION");
    assert!(failed["nomination"].is_null());
    let b_now = look(&server, &org.office, &b).await;
    assert_eq!(b_now["stage"]["kind"], "RECEIVE", "b was not half-applied");
    assert_eq!(b_now["receivedOn"], Value::Null);
    let status = server
        .ok(
            Some(&org.clerk),
            q!("proposal"),
            json!({ "id": proposal["id"] }),
        )
        .await["proposal"]["status"]
        .clone();
    assert_eq!(status, "IN_REVIEW");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_goes_on_public_notice_and_the_office_reads_the_comments() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    // Phòng Tham mưu was a Đơn vị Quyết thắng in 2024: the flag's computable criterion is met.
    server
        .ok(
            Some(&org.clerk),
            q!("record_prior_award"),
            json!({ "input": { "nomineeUnitId": org.staff, "awardKind": "DON_VI_QUYET_THANG", "year": 2024, "decisionReference": "3/QĐ-CAT" } }),
        )
        .await;
    let created = server
        .ok(
            Some(&org.clerk),
            q!("create_nomination"),
            json!({ "input": { "nomineeUnitId": org.staff, "awardKind": "CO_THI_DUA_BO_TINH", "issuerUnitId": org.province, "period": 2024, "achievement": "Đơn vị dẫn đầu phong trào thi đua năm 2024" } }),
        )
        .await["createNomination"]["nomination"]
        .clone();
    let id = created["id"].as_str().unwrap().to_string();
    org.attach_dossier(&server, &id).await;
    for (token, stage_command) in [
        (&org.head, "SUBMIT"),
        (&org.office, "RECEIVE"),
        (&org.office, "APPRAISE"),
    ] {
        let n = look(&server, &org.office, &id).await;
        let (query, variables) = command(stage_command, &n);
        server.ok(Some(token), query, variables).await;
    }
    let n = look(&server, &org.office, &id).await;
    assert_eq!(n["stage"]["kind"], "PUBLIC_NOTICE", "{n}");
    assert_eq!(n["workflowId"], "CO_THI_DUA_BO_TINH");

    // Anyone sees the notice, without logging in.
    let notices = server
        .ok(
            None,
            "{ publicNotices { nominationId nomineeName awardKind closesOn closesOnText issuerTitle } }",
            json!({}),
        )
        .await["publicNotices"]
        .clone();
    assert_eq!(notices.as_array().unwrap().len(), 1, "{notices}");
    assert_eq!(notices[0]["nominationId"], json!(id));
    assert_eq!(notices[0]["nomineeName"], "Phòng Tham mưu");
    let closes = notices[0]["closesOn"].as_str().unwrap().to_string();
    // Anyone may comment, with a name and a contact; a blank name is refused.
    let comment = |name: &str| json!({ "input": { "nominationId": id, "name": name, "contact": "0912 345 678", "comment": "Đơn vị tiêu biểu, đề nghị khen thưởng" } });
    server
        .ok(None, q!("comment_on_nomination"), comment("Nguyễn Văn An"))
        .await;
    let error = server
        .err(None, q!("comment_on_nomination"), comment("  "))
        .await;
    assert_eq!(code(&error), "VALIDATION");
    // The office reads the comments with their contacts; the proposing unit does not.
    let read = "query($id: ID!) { nomination(id: $id) { comments { name contact comment } } }";
    let office = server
        .ok(Some(&org.office), read, json!({ "id": id }))
        .await;
    assert_eq!(
        office["nomination"]["comments"],
        json!([{ "name": "Nguyễn Văn An", "contact": "0912 345 678", "comment": "Đơn vị tiêu biểu, đề nghị khen thưởng" }])
    );
    let proposer = server.gql(Some(&org.head), read, json!({ "id": id })).await;
    assert!(
        proposer["data"]["nomination"]["comments"] != office["nomination"]["comments"],
        "the proposing unit sees no contacts: {proposer}"
    );
    // Closing before the last day is refused and names it.
    let before = look(&server, &org.office, &id).await;
    let error = server
        .err(
            Some(&org.office),
            "mutation($input: NominationVersionInput!) { closePublicNotice(input: $input) { nomination { id } } }",
            json!({ "input": { "id": id, "expectedVersion": before["version"] } }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    let (y, m, d) = (&closes[0..4], &closes[5..7], &closes[8..10]);
    assert!(
        error["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .contains(&format!("{d}/{m}/{y}")),
        "{error}"
    );
    assert_eq!(
        look(&server, &org.office, &id).await["version"],
        before["version"]
    );
    // After the last day: no more comments, and the office closes it for the council.
    server.travel(20);
    let error = server
        .err(None, q!("comment_on_nomination"), comment("Trần Thị Bình"))
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    let closed = server
        .ok(
            Some(&org.office),
            "mutation($input: NominationVersionInput!) { closePublicNotice(input: $input) { nomination { id stage { kind } } } }",
            json!({ "input": { "id": id, "expectedVersion": before["version"] } }),
        )
        .await;
    assert_eq!(
        closed["closePublicNotice"]["nomination"]["stage"]["kind"],
        "COUNCIL"
    );
    let notices = server
        .ok(None, "{ publicNotices { nominationId } }", json!({}))
        .await;
    assert_eq!(notices["publicNotices"], json!([]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_work_queue_the_calendar_and_delay_notices() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (a, _) = org
        .just_submitted(&server, &org.huyen, "Thành tích A")
        .await;
    let other = org.person(&server, "Lê Thị B").await;
    let (b, _) = org.draft(&server, &other, "Thành tích B").await;

    // The office waits on the submitted one; the unit on its draft; the signer on nothing.
    let queue = |token: &str| {
        let token = token.to_string();
        let server = &server;
        async move {
            server
                .ok(Some(&token), q!("work_queue"), json!({ "first": 20 }))
                .await["workQueue"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(queue(&org.office).await, [a.as_str()]);
    assert_eq!(queue(&org.clerk).await, [b.as_str()]);
    assert!(queue(&org.signer).await.is_empty());

    // Before it is due, no delay notice: the stage is not late.
    let n = look(&server, &org.office, &a).await;
    let delay = "mutation($input: SendDelayNoticeInput!) { sendDelayNotice(input: $input) { nomination { version stage { dueOn overdue } } } }";
    let due = time::Date::parse(
        n["stage"]["dueOn"].as_str().unwrap(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .unwrap();
    let later = server
        .working_day_from(&org.clerk, due + time::Duration::days(14))
        .await;
    let error = server
        .err(
            Some(&org.office),
            delay,
            json!({ "input": { "id": a, "expectedVersion": n["version"], "newDueOn": later.to_string(), "reason": "Chờ ý kiến" } }),
        )
        .await;
    assert_eq!(code(&error), "INVALID_TRANSITION", "{error}");
    // A week later it is overdue, first in the office's queue.
    server.travel(7);
    let queued = server
        .ok(Some(&org.office), q!("work_queue"), json!({ "first": 20 }))
        .await;
    assert_eq!(
        queued["workQueue"]["nodes"][0]["stage"]["overdue"], true,
        "{queued}"
    );
    // A new date in the past is refused.
    let error = server
        .err(
            Some(&org.office),
            delay,
            json!({ "input": { "id": a, "expectedVersion": n["version"], "newDueOn": "2024-01-02", "reason": "x" } }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION", "{error}");
    // The office tells the proposing unit it will be late, with a new date.
    let noticed = server
        .ok(
            Some(&org.office),
            delay,
            json!({ "input": { "id": a, "expectedVersion": n["version"], "newDueOn": later.to_string(), "reason": "Chờ ý kiến của cơ quan liên quan" } }),
        )
        .await;
    let stage = &noticed["sendDelayNotice"]["nomination"]["stage"];
    assert_eq!(stage["dueOn"], later.to_string());
    assert_eq!(stage["overdue"], false);
    let history = look(&server, &org.clerk, &a).await["history"].clone();
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "DELAY_NOTICED");
    assert_eq!(last["reasons"], json!(["Chờ ý kiến của cơ quan liên quan"]));
    // The calendar: Tết 2025 is shipped with its source; an administrator adds a day off.
    let calendar = server
        .ok(Some(&org.clerk), q!("calendar"), json!({ "year": 2025 }))
        .await["calendar"]
        .clone();
    assert_eq!(calendar["covered"], true);
    let tet = calendar["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2025-01-29")
        .unwrap()
        .clone();
    assert_eq!(tet["kind"], "HOLIDAY");
    assert!(!tet["source"].as_str().unwrap().is_empty());
    let day = json!({ "input": { "date": "2027-09-03", "kind": "HOLIDAY", "name": "Nghỉ bù Quốc khánh", "source": "Thông báo của Bộ Nội vụ", "confidence": "CONFIRMED" } });
    let error = server
        .err(Some(&org.office), q!("set_calendar_day"), day.clone())
        .await;
    assert_eq!(code(&error), "FORBIDDEN");
    server
        .ok(Some(&org.admin), q!("set_calendar_day"), day)
        .await;
    let calendar = server
        .ok(Some(&org.clerk), q!("calendar"), json!({ "year": 2027 }))
        .await["calendar"]
        .clone();
    assert!(
        calendar["days"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == "2027-09-03" && d["name"] == "Nghỉ bù Quốc khánh"),
        "{calendar}"
    );
    server.stop().await;
}

const REQUEST_OPINIONS: &str = "mutation($input: RequestOpinionsInput!) { requestOpinions(input: $input) { nomination { version stage { kind } } } }";
const GIVE_OPINION: &str =
    "mutation($input: GiveOpinionInput!) { giveOpinion(input: $input) { nomination { version } } }";
const CLOSE_CONSULTATION: &str = "mutation($input: NominationVersionInput!) { closeConsultation(input: $input) { nomination { version stage { kind } } } }";
const CONSULTATIONS: &str = "query($id: ID!) { nomination(id: $id) { version availableCommands consultations { unit { code } requestedOn dueOn answeredOn verdict opinion } history { action } } }";

/// Hiệp y (Decree 39/2012 [C-old], kept by the CSTĐ toàn quốc and Thủ tướng workflows): before
/// an award the Prime Minister decides, the office asks other bodies for their opinion; each
/// answers through its head, once; the office closes when all have answered or the deadline
/// (10 working days) has passed, and silence means agreement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consulted_bodies_answer_through_their_heads_and_silence_after_the_deadline_agrees() {
    let server = TestServer::start().await;
    let gov = Org::government(&server).await;
    let (id, version, defence) = gov.at_consultation(&server).await;
    let ask = |units: Value, v: i64| json!({ "input": { "id": id, "expectedVersion": v, "unitIds": units } });
    // Only the office asks; nobody is asked twice, and some body must be.
    for (token, units, expected) in [
        (&gov.other_head, json!([gov.police]), "FORBIDDEN"),
        (&gov.office, json!([]), "VALIDATION"),
        (&gov.office, json!([gov.police, gov.police]), "VALIDATION"),
        (
            &gov.office,
            json!(["00000000-0000-0000-0000-000000000000"]),
            "NOT_FOUND",
        ),
    ] {
        let error = server
            .err(Some(token), REQUEST_OPINIONS, ask(units, version))
            .await;
        assert_eq!(code(&error), expected, "{error}");
    }
    let asked = server
        .ok(
            Some(&gov.office),
            REQUEST_OPINIONS,
            ask(json!([gov.police, defence]), version),
        )
        .await;
    let version = asked["requestOpinions"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    assert_eq!(
        asked["requestOpinions"]["nomination"]["stage"]["kind"],
        "CONSULT"
    );
    let error = server
        .err(
            Some(&gov.office),
            REQUEST_OPINIONS,
            ask(json!([gov.police]), version),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION", "asked twice: {error}");
    // Bộ Nội vụ's head now reads the nomination, finds it in the work queue and is offered the
    // answer; Bộ Công an's head, not asked, is not.
    let seen = server
        .ok(Some(&gov.other_head), CONSULTATIONS, json!({ "id": id }))
        .await["nomination"]
        .clone();
    assert!(
        seen["availableCommands"]
            .as_array()
            .unwrap()
            .contains(&json!("GIVE_OPINION")),
        "{seen}"
    );
    let due = seen["consultations"][0]["dueOn"]
        .as_str()
        .unwrap()
        .to_owned();
    let codes: Vec<&str> = seen["consultations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 2);
    assert!(
        codes.contains(&"BNV") && codes.contains(&"BQP"),
        "{codes:?}"
    );
    let queue = server
        .ok(
            Some(&gov.other_head),
            q!("work_queue"),
            json!({ "first": 20 }),
        )
        .await;
    assert!(queue.to_string().contains(&id), "{queue}");
    let proposer = look(&server, &gov.head, &id).await;
    assert!(
        !proposer["availableCommands"]
            .as_array()
            .unwrap()
            .contains(&json!("GIVE_OPINION")),
        "{proposer}"
    );
    // Answers: by the consulted unit's head only, for its own unit, with its reasons.
    let answer = |unit: &str, text: &str, v: i64| json!({ "input": { "id": id, "expectedVersion": v, "unitId": unit, "verdict": "AGREE", "opinion": text } });
    for (token, unit, text, expected) in [
        (&gov.head, gov.police.as_str(), "Đồng ý", "FORBIDDEN"),
        (&gov.office, gov.police.as_str(), "Đồng ý", "FORBIDDEN"),
        (&gov.other_head, defence.as_str(), "Đồng ý", "FORBIDDEN"),
        (
            &gov.other_head,
            gov.staff.as_str(),
            "Đồng ý",
            "INVALID_TRANSITION",
        ),
        (&gov.other_head, gov.police.as_str(), "   ", "VALIDATION"),
    ] {
        let error = server
            .err(Some(token), GIVE_OPINION, answer(unit, text, version))
            .await;
        assert_eq!(code(&error), expected, "{unit} {text}: {error}");
        if expected == "VALIDATION" {
            assert_eq!(error["extensions"]["field"], "opinion", "{error}");
        }
    }
    let given = server
        .ok(
            Some(&gov.other_head),
            GIVE_OPINION,
            answer(
                &gov.police,
                "Bộ Nội vụ thống nhất đề nghị khen thưởng",
                version,
            ),
        )
        .await;
    let version = given["giveOpinion"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    let error = server
        .err(
            Some(&gov.other_head),
            GIVE_OPINION,
            answer(&gov.police, "Lần hai", version),
        )
        .await;
    assert_eq!(
        code(&error),
        "INVALID_TRANSITION",
        "answered twice: {error}"
    );
    // Bộ Quốc phòng is silent: closing before its deadline is refused, and says until when.
    let close = |v: i64| json!({ "input": { "id": id, "expectedVersion": v } });
    let error = server
        .err(Some(&gov.office), CLOSE_CONSULTATION, close(version))
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    let due_on =
        time::Date::parse(&due, &time::format_description::well_known::Iso8601::DATE).unwrap();
    server.travel((due_on - server.today()).whole_days() + 1);
    let closed = server
        .ok(Some(&gov.office), CLOSE_CONSULTATION, close(version))
        .await;
    assert_eq!(
        closed["closeConsultation"]["nomination"]["stage"]["kind"],
        "COUNCIL"
    );
    let after = server
        .ok(Some(&gov.office), CONSULTATIONS, json!({ "id": id }))
        .await["nomination"]
        .clone();
    let answers: Vec<(String, Value, Value)> = after["consultations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["unit"]["code"].as_str().unwrap().to_owned(),
                c["verdict"].clone(),
                c["opinion"].clone(),
            )
        })
        .collect();
    assert!(answers.contains(&(
        "BNV".into(),
        json!("AGREE"),
        json!("Bộ Nội vụ thống nhất đề nghị khen thưởng")
    )));
    assert!(answers.contains(&("BQP".into(), Value::Null, Value::Null)));
    let actions: Vec<&str> = after["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    for expected in ["OPINIONS_REQUESTED", "OPINION_GIVEN", "CONSULTATION_CLOSED"] {
        assert!(actions.contains(&expected), "{expected}: {actions:?}");
    }
    // Consultation over: Bộ Nội vụ's head has nothing more to do to it.
    let seen = server
        .ok(Some(&gov.other_head), CONSULTATIONS, json!({ "id": id }))
        .await["nomination"]
        .clone();
    assert_eq!(seen["availableCommands"], json!([]), "{seen}");
    server.stop().await;
}
