//! The emulation council over HTTP: a province's Cờ thi đua for a commune police collective
//! voted by secret ballot, failing on a first session and passing on a second; what is stored
//! of a secret vote; open votes; and ballots racing each other and the closing of a session
//! across two gateways.

use laurel_tests::{Org, PASSWORD, PDF, TestServer, q};
use serde_json::{Value, json};

fn code(error: &Value) -> &str {
    error["extensions"]["code"].as_str().unwrap_or("?")
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of a session's minutes, as pdftotext (poppler-utils) reads it.
async fn minutes_text(server: &TestServer, token: &str, session: &str) -> String {
    let response = server
        .http()
        .get(format!(
            "{}/council-sessions/{session}/minutes.pdf",
            server.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    laurel_tests::pdf_text(&response.bytes().await.unwrap())
}

fn outcome(body: &Value) -> String {
    match body.get("errors") {
        None => "OK".to_string(),
        Some(errors) => errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or("?")
            .to_string(),
    }
}

/// The council of the province: nine members with their accounts.
pub(crate) struct Council {
    pub(crate) id: String,
    /// (token, account id), member 1 the chair.
    pub(crate) members: Vec<(String, String)>,
}

const MEMBERS: [(&str, &str, &str, &str); 9] = [
    ("Nguyễn Ngọc Sơn", "Đại tá", "Phó Giám đốc", "CHAIR"),
    (
        "Trần Văn Hải",
        "Thượng tá",
        "Trưởng phòng Tham mưu",
        "VICE_CHAIR",
    ),
    (
        "Lê Thị Thu Trang",
        "Thượng tá",
        "Trưởng phòng Tổ chức cán bộ",
        "STANDING",
    ),
    (
        "Rơ Mah Thuận",
        "Trung tá",
        "Trưởng phòng Cảnh sát hình sự",
        "MEMBER",
    ),
    (
        "Phạm Quốc Hưng",
        "Trung tá",
        "Trưởng phòng An ninh",
        "MEMBER",
    ),
    (
        "Ksor Y Blương",
        "Trung tá",
        "Phó Trưởng phòng Xây dựng phong trào",
        "MEMBER",
    ),
    (
        "Đỗ Minh Khoa",
        "Thiếu tá",
        "Phó Trưởng phòng Hậu cần",
        "MEMBER",
    ),
    ("Hoàng Thị Lan", "Thiếu tá", "Phó Chánh Thanh tra", "MEMBER"),
    (
        "Vũ Đức Anh",
        "Thiếu tá",
        "Đội trưởng Đội Thi đua - Khen thưởng",
        "SECRETARY",
    ),
];

/// The province's council of nine (usernames `hoidong.1` to `hoidong.9`, the last its secretary).
pub(crate) async fn council(server: &TestServer, org: &Org) -> Council {
    let created = server
        .ok(
            Some(&org.admin),
            q!("create_council"),
            json!({ "input": { "issuerUnitId": org.province, "name": "Hội đồng Thi đua - Khen thưởng Công an tỉnh Gia Lai" } }),
        )
        .await["createCouncil"]["council"]
        .clone();
    assert_eq!(created["quorum"], "2/3");
    let id = created["id"].as_str().unwrap().to_string();
    let mut members = Vec::new();
    for (i, (name, rank, position, seat)) in MEMBERS.iter().enumerate() {
        let person = server
            .create_person(&org.admin, name, Some(rank), Some(position), &org.province)
            .await;
        let username = format!("hoidong.{}", i + 1);
        let created = server
            .ok(
                Some(&org.admin),
                q!("create_account"),
                json!({ "input": { "username": username, "password": PASSWORD, "personId": person, "mustChangePassword": false } }),
            )
            .await;
        let account = created["createAccount"]["account"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        server
            .ok(
                Some(&org.admin),
                q!("add_council_member"),
                json!({ "input": { "councilId": id, "accountId": account, "position": seat, "from": "2024-01-01" } }),
            )
            .await;
        members.push((server.login(&username, PASSWORD).await, account));
    }
    Council { id, members }
}

/// Draft, dossier, submission, reception and appraisal of a nomination by `clerk` and `head`;
/// returns its id, at the stage after appraisal.
pub(crate) async fn appraised(
    server: &TestServer,
    org: &Org,
    clerk: &str,
    head: &str,
    nominee: Value,
    award: &str,
) -> String {
    let mut input = json!({ "awardKind": award, "issuerUnitId": org.province, "period": 2024, "achievement": "Đơn vị dẫn đầu phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2024" });
    for (k, v) in nominee.as_object().unwrap() {
        input[k] = v.clone();
    }
    let n = server
        .ok(
            Some(clerk),
            q!("create_nomination"),
            json!({ "input": input }),
        )
        .await["createNomination"]["nomination"]
        .clone();
    let id = n["id"].as_str().unwrap().to_string();
    let dossier = server
        .ok(Some(clerk), q!("nomination_dossier"), json!({ "id": id }))
        .await;
    for kind in dossier["nomination"]["dossier"]["missing"]
        .as_array()
        .unwrap()
    {
        let body = server
            .upload(
                Some(clerk),
                json!({ "nominationId": id, "kind": kind, "file": null }),
                "tai-lieu.pdf",
                PDF,
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let v = server
        .ok(
            Some(head),
            q!("submit_nomination"),
            json!({ "id": id, "expectedVersion": n["version"] }),
        )
        .await["submitNomination"]["nomination"]["version"]
        .as_i64()
        .unwrap();
    org.receive_and_appraise(server, &id, v).await;
    id
}

async fn stage(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .ok(Some(token), q!("nomination_history"), json!({ "id": id }))
        .await["nomination"]
        .clone()
}

async fn open(
    server: &TestServer,
    org: &Org,
    council: &Council,
    agenda: &[&str],
    present: &[usize],
) -> Value {
    let present: Vec<&str> = present
        .iter()
        .map(|i| council.members[*i].1.as_str())
        .collect();
    server
        .ok(
            Some(&org.secretary),
            q!("open_council_session"),
            json!({ "input": { "councilId": council.id, "date": server.today().to_string(), "place": "Hội trường Công an tỉnh Gia Lai", "agenda": agenda, "present": present } }),
        )
        .await["openCouncilSession"]["session"]
        .clone()
}

async fn cast(
    server: &TestServer,
    token: &str,
    session: &str,
    nomination: &str,
    choice: &str,
) -> Value {
    server
        .gql(
            Some(token),
            q!("cast_ballot"),
            json!({ "input": { "sessionId": session, "nominationId": nomination, "choice": choice } }),
        )
        .await
}

async fn session_version(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .ok(Some(token), q!("council_session"), json!({ "id": id }))
        .await["councilSession"]["version"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_fails_one_secret_ballot_and_passes_the_next_with_nothing_linking_ballots_to_voters()
{
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let district = server
        .create_unit(
            &org.admin,
            "Công an huyện Chư Păh",
            "CP",
            "Trưởng Công an",
            Some(&org.province),
        )
        .await;
    let commune = server
        .create_unit(
            &org.admin,
            "Công an xã Nghĩa Hưng",
            "CP-NH",
            "Trưởng Công an",
            Some(&district),
        )
        .await;
    let (district_clerk, _) = server
        .create_account(&org.admin, "vanthu.cp", "CLERK", &district, None)
        .await;
    let (district_head, _) = server
        .create_account(&org.admin, "truong.cp", "UNIT_HEAD", &district, None)
        .await;
    let c = council(&server, &org).await;
    // The province's own rule for its flag: at least 90% of all members, secret ballot.
    let rule = server
        .ok(
            Some(&org.admin),
            q!("set_council_vote_rule"),
            json!({ "input": { "councilId": c.id, "awardKind": "CO_THI_DUA_BO_TINH", "threshold": "90%", "base": "ALL_MEMBERS", "strict": false, "secretBallot": true, "source": "Quy chế hoạt động của Hội đồng TĐKT Công an tỉnh (ví dụ)" } }),
        )
        .await;
    assert_eq!(
        rule["setCouncilVoteRule"]["council"]["voteRules"][0]["rule"]["textVi"],
        "từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín"
    );

    // Công an xã Nghĩa Hưng, a Đơn vị Quyết thắng in 2024, up to the flag's COUNCIL stage.
    server
        .ok(
            Some(&district_clerk),
            q!("record_prior_award"),
            json!({ "input": { "nomineeUnitId": commune, "awardKind": "DON_VI_QUYET_THANG", "year": 2024, "decisionReference": "12/QĐ-CAT" } }),
        )
        .await;
    let flag = appraised(
        &server,
        &org,
        &district_clerk,
        &district_head,
        json!({ "nomineeUnitId": commune }),
        "CO_THI_DUA_BO_TINH",
    )
    .await;
    assert_eq!(
        stage(&server, &org.office, &flag).await["stage"]["kind"],
        "PUBLIC_NOTICE"
    );
    server.travel(20);
    let n = stage(&server, &org.office, &flag).await;
    server
        .ok(
            Some(&org.office),
            "mutation($input: NominationVersionInput!) { closePublicNotice(input: $input) { nomination { id } } }",
            json!({ "input": { "id": flag, "expectedVersion": n["version"] } }),
        )
        .await;
    let n = stage(&server, &org.office, &flag).await;
    assert_eq!(n["stage"]["kind"], "COUNCIL");

    // With a council in Laurel, its outcome is no longer recorded by hand, nor criteria attested.
    let error = server
        .err(
            Some(&org.secretary),
            q!("record_council_outcome"),
            json!({ "input": { "id": flag, "expectedVersion": n["version"], "members": 9, "present": 9, "votesFor": 9, "votesAgainst": 0 } }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    let error = server
        .err(
            Some(&org.signer),
            "mutation($input: AttestCriterionInput!) { attestCriterion(input: $input) { attested } }",
            json!({ "input": { "nominationId": flag, "criterionId": "art26.leader", "basis": "x" } }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");

    // Five of nine is no quorum.
    let error = server
        .err(
            Some(&org.secretary),
            q!("open_council_session"),
            json!({ "input": { "councilId": c.id, "date": server.today().to_string(), "place": "Hội trường", "agenda": [flag], "present": c.members[..5].iter().map(|m| &m.1).collect::<Vec<_>>() } }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    assert!(
        error["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .contains("5/9"),
        "{error}"
    );

    // First session: seven present; six for, one against; the two absent agree in writing:
    // 8/9 = 88.9% < 90%.
    let first = open(&server, &org, &c, &[&flag], &[0, 1, 2, 3, 4, 5, 6]).await;
    let session = first["id"].as_str().unwrap().to_string();
    assert_eq!(first["members"].as_array().unwrap().len(), 9);
    let mut receipts = Vec::new();
    for (i, (token, _)) in c.members[..7].iter().enumerate() {
        let choice = if i < 6 { "YES" } else { "NO" };
        let body = cast(&server, token, &session, &flag, choice).await;
        assert_eq!(outcome(&body), "OK", "{body}");
        receipts.push(
            body["data"]["castBallot"]["receipt"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    // Once each; the absent and outsiders do not vote; a secret item takes no recorded tally.
    assert_eq!(
        outcome(&cast(&server, &c.members[0].0, &session, &flag, "YES").await),
        "RULE_VIOLATION"
    );
    assert_eq!(
        outcome(&cast(&server, &c.members[7].0, &session, &flag, "YES").await),
        "FORBIDDEN"
    );
    assert_eq!(
        outcome(&cast(&server, &org.office, &session, &flag, "YES").await),
        "FORBIDDEN"
    );
    let error = server
        .err(
            Some(&org.secretary),
            "mutation($input: RecordCouncilTallyInput!) { recordCouncilTally(input: $input) { session { id } } }",
            json!({ "input": { "sessionId": session, "nominationId": flag, "yes": 7, "no": 0 } }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    for (_, account) in &c.members[7..] {
        server
            .ok(
                Some(&org.secretary),
                q!("record_written_opinion"),
                json!({ "input": { "sessionId": session, "nominationId": flag, "memberAccountId": account, "choice": "YES" } }),
            )
            .await;
    }
    // While open, nobody sees what the ballots say: only how many there are.
    let view = server
        .ok(
            Some(&c.members[0].0),
            q!("council_session"),
            json!({ "id": session }),
        )
        .await["councilSession"]
        .clone();
    assert_eq!(view["items"][0]["ballotsCast"], 7);
    assert_eq!(view["items"][0]["youVoted"], true);
    assert_eq!(view["items"][0]["result"], Value::Null);
    assert_eq!(
        view["items"][0]["nomination"]["stage"]["kind"], "COUNCIL",
        "members read what they vote on"
    );

    // Nothing stored links a ballot to its voter.
    let store = laurel_store::Store::connect(server.database_url())
        .await
        .unwrap();
    let rows = laurel_store::testing::dump_rows(&store).await.unwrap();
    let forms = |id: &str| {
        let simple = id.replace('-', "");
        vec![id.to_string(), simple.clone(), simple.to_uppercase()]
    };
    // The ballots: a choice and a receipt hash each, in the hash's order, no member's id.
    let ballots = laurel_store::testing::column_text(&store, "council_item", "ballots")
        .await
        .unwrap();
    assert_eq!(ballots.len(), 1);
    let stored: Vec<Value> = serde_json::from_str(&ballots[0]).unwrap();
    assert_eq!(stored.len(), 7);
    let hashes: Vec<&str> = stored
        .iter()
        .map(|b| b["receipt"].as_str().unwrap())
        .collect();
    let mut sorted = hashes.clone();
    sorted.sort_unstable();
    assert_eq!(
        hashes, sorted,
        "in the hash's order, not the order of casting"
    );
    for ballot in &stored {
        let keys: Vec<&String> = ballot.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["choice", "receipt"], "{ballot}");
    }
    for (_, account) in &c.members {
        for form in forms(account) {
            assert!(
                !ballots[0].contains(&form),
                "a member id among the ballots: {}",
                ballots[0]
            );
        }
    }
    // A ballot's hash is nowhere else (not in the audit log, not beside a voter).
    for hash in &hashes {
        let holders: Vec<&String> = rows
            .iter()
            .filter(|(_, r)| r.contains(hash))
            .map(|(t, _)| t)
            .collect();
        assert_eq!(holders, ["council_item"], "{hash}");
    }
    for receipt in &receipts {
        let plain: String = receipt
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        for (table, row) in &rows {
            assert!(
                !row.contains(receipt.as_str()) && !row.contains(&plain),
                "a receipt is stored in {table}: {row}"
            );
        }
    }
    for (table, row) in &rows {
        if table == "audit_log" && row.contains("COUNCIL_BALLOT_CAST") {
            for word in ["YES", "ABSTAIN", "choice", "receipt"] {
                assert!(
                    !row.contains(word),
                    "the audit of a ballot says {word}: {row}"
                );
            }
        }
        if table == "council_voter" {
            let columns: Vec<&str> = row
                .split(' ')
                .filter_map(|part| part.split_once('=').map(|(c, _)| c))
                .collect();
            if !columns.is_empty() && row.contains('=') {
                assert_eq!(columns, ["item_id", "account_id"], "{row}");
            }
        }
    }
    store.close().await.unwrap();

    let version = session_version(&server, &org.secretary, &session).await;
    let closed = server
        .ok(
            Some(&org.secretary),
            q!("close_council_session"),
            json!({ "input": { "sessionId": session, "expectedVersion": version } }),
        )
        .await["closeCouncilSession"]["session"]
        .clone();
    assert_eq!(closed["state"], "CLOSED");
    let result = &closed["items"][0]["result"];
    assert_eq!(
        (
            &result["votesFor"],
            &result["writtenFor"],
            &result["countedFor"],
            &result["base"],
            &result["approved"]
        ),
        (&json!(6), &json!(2), &json!(8), &json!(9), &json!(false)),
        "{result}"
    );
    assert!(
        result["textVi"].as_str().unwrap().contains("88,9%"),
        "{result}"
    );
    // The database itself keeps a closed session as it was.
    let store = laurel_store::Store::connect(server.database_url())
        .await
        .unwrap();
    for sql in [
        "UPDATE council_item SET ballots = '[]'",
        "UPDATE council_item SET approved = TRUE",
        "UPDATE council_session SET place = 'Nơi khác'",
        "DELETE FROM council_voter",
        "DELETE FROM council_session",
    ] {
        assert!(
            laurel_store::testing::execute(&store, sql).await.is_err(),
            "{sql} was allowed"
        );
    }
    store.close().await.unwrap();
    let n = stage(&server, &org.office, &flag).await;
    assert_eq!(
        (&n["state"], &n["stage"]["kind"]),
        (&json!("SUBMITTED"), &json!("COUNCIL"))
    );
    assert_eq!(
        outcome(&cast(&server, &c.members[8].0, &session, &flag, "YES").await),
        "INVALID_TRANSITION"
    );
    // Its minutes say so, with every diacritic.
    let text = minutes_text(&server, &org.secretary, &session).await;
    for expected in [
        "BIÊN BẢN",
        "Công an xã Nghĩa Hưng",
        "Cờ thi đua",
        "Từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín",
        "88,9%",
        "KHÔNG ĐẠT",
        "Thiếu tá Hoàng Thị Lan",
        "có ý kiến bằng văn bản",
        "Đại tá Nguyễn Ngọc Sơn",
        "Có mặt 7/9",
    ] {
        assert!(
            squash(&text).contains(&squash(expected)),
            "{expected:?} not in the minutes:\n{text}"
        );
    }

    // Second session: all nine present and in favour; the council finds the unit leading.
    let second = open(&server, &org, &c, &[&flag], &[0, 1, 2, 3, 4, 5, 6, 7, 8]).await;
    let session2 = second["id"].as_str().unwrap().to_string();
    let mut receipt = String::new();
    for (token, _) in &c.members {
        let body = cast(&server, token, &session2, &flag, "YES").await;
        assert_eq!(outcome(&body), "OK", "{body}");
        receipt = body["data"]["castBallot"]["receipt"]
            .as_str()
            .unwrap()
            .to_string();
    }
    // Even while it is open, a ballot cast is never removed or changed.
    let store = laurel_store::Store::connect(server.database_url())
        .await
        .unwrap();
    for sql in [
        "UPDATE council_item SET ballots = '[]'",
        "UPDATE council_item SET ballots = replace(ballots, 'YES', 'NO')",
    ] {
        assert!(
            laurel_store::testing::execute(&store, sql).await.is_err(),
            "{sql} was allowed"
        );
    }
    store.close().await.unwrap();
    server
        .ok(
            Some(&org.secretary),
            "mutation($input: RecordCouncilJudgementInput!) { recordCouncilJudgement(input: $input) { session { id } } }",
            json!({ "input": { "sessionId": session2, "nominationId": flag, "criteria": ["art26.leader", "art26.achievements"] } }),
        )
        .await;
    let version = session_version(&server, &org.secretary, &session2).await;
    let closed = server
        .ok(
            Some(&org.secretary),
            q!("close_council_session"),
            json!({ "input": { "sessionId": session2, "expectedVersion": version } }),
        )
        .await["closeCouncilSession"]["session"]
        .clone();
    assert_eq!(closed["items"][0]["approved"], true, "{closed}");
    assert_eq!(closed["items"][0]["applied"], "APPLIED");
    let text = minutes_text(&server, &c.members[4].0, &session2).await;
    assert!(
        squash(&text).contains(&squash("ĐẠT")) && !squash(&text).contains("KHÔNGĐẠT"),
        "{text}"
    );
    assert!(
        squash(&text).contains(&squash("Thiếu tá Vũ Đức Anh")),
        "the secretary signs: {text}"
    );
    // Both minutes went into the flag's dossier, where the next level finds them.
    let dossier = server
        .ok(
            Some(&org.office),
            q!("nomination_dossier"),
            json!({ "id": flag }),
        )
        .await;
    let minutes: Vec<&Value> = dossier["nomination"]["dossier"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["filename"]
                .as_str()
                .unwrap()
                .starts_with("bien-ban-hop-hoi-dong")
        })
        .collect();
    assert_eq!(minutes.len(), 2, "{dossier}");
    assert!(minutes.iter().all(|d| d["kind"] == "BIEN_BAN_XET_KHEN_THUONG" && d["mediaType"] == "application/pdf"));
    // Outsiders do not read the minutes.
    let response = server
        .http()
        .get(format!(
            "{}/council-sessions/{session2}/minutes.pdf",
            server.base
        ))
        .bearer_auth(&district_clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // The voter checks their ballot with the receipt; anything else finds nothing.
    let check = |receipt: String| {
        let session2 = session2.clone();
        let flag = flag.clone();
        let token = c.members[8].0.clone();
        let server = &server;
        async move {
            server
                .ok(
                    Some(&token),
                    "query($s: ID!, $n: ID!, $r: String!) { verifyBallot(sessionId: $s, nominationId: $n, receipt: $r) { counted } }",
                    json!({ "s": session2, "n": flag, "r": receipt }),
                )
                .await["verifyBallot"]
                .clone()
        }
    };
    assert_eq!(check(receipt.clone()).await, json!({ "counted": true }));
    assert_eq!(
        check(receipt.to_lowercase().replace('-', "")).await["counted"],
        true
    );
    assert_eq!(
        check("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF".into()).await["counted"],
        false
    );

    // Both sessions stay on record; the nomination moves on to signing with the council's
    // judgement attested.
    let n = server
        .ok(
            Some(&org.office),
            "query($id: ID!) { nomination(id: $id) { stage { kind } attestedCriteria councilOutcomes { approved votesFor members } } }",
            json!({ "id": flag }),
        )
        .await["nomination"]
        .clone();
    assert_eq!(n["stage"]["kind"], "SIGN");
    assert_eq!(n["councilOutcomes"].as_array().unwrap().len(), 2);
    assert_eq!(n["councilOutcomes"][0]["approved"], false);
    assert_eq!(n["councilOutcomes"][1]["approved"], true);
    let attested: Vec<&str> = n["attestedCriteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        attested.contains(&"art26.leader") && attested.contains(&"art26.achievements"),
        "{n}"
    );
    let version = stage(&server, &org.office, &flag).await["version"].clone();
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": flag, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await;
    assert_eq!(
        signed["signDecision"]["decision"]["nominations"][0]["state"],
        "DECIDED"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ballots_racing_each_other_and_the_close_across_two_gateways_are_never_lost_or_doubled() {
    let first = TestServer::start().await;
    let org = Org::create(&first).await;
    let second = first.twin().await;
    let c = council(&first, &org).await;
    // The province decides its Giấy khen by secret ballot too.
    first
        .ok(
            Some(&org.admin),
            q!("set_council_vote_rule"),
            json!({ "input": { "councilId": c.id, "awardKind": "GIAY_KHEN", "threshold": "50%", "base": "PRESENT", "strict": true, "secretBallot": true, "source": "Quy chế (ví dụ)" } }),
        )
        .await;
    let a = appraised(
        &first,
        &org,
        &org.clerk,
        &org.head,
        json!({ "nomineePersonId": org.huyen }),
        "GIAY_KHEN",
    )
    .await;
    let other = org.person(&first, "Lê Văn Đua").await;
    let b = appraised(
        &first,
        &org,
        &org.clerk,
        &org.head,
        json!({ "nomineePersonId": other }),
        "GIAY_KHEN",
    )
    .await;

    // Every member casts twice at once, once through each gateway: one ballot each.
    let session = open(&first, &org, &c, &[&a], &[0, 1, 2, 3, 4, 5, 6, 7, 8]).await;
    let s = session["id"].as_str().unwrap().to_string();
    let attempts = c
        .members
        .iter()
        .flat_map(|(token, _)| [&first, &second].map(|server| cast(server, token, &s, &a, "YES")));
    let results = futures::future::join_all(attempts).await;
    let mut outcomes: Vec<String> = results.iter().map(outcome).collect();
    outcomes.sort();
    let ok = outcomes.iter().filter(|o| *o == "OK").count();
    assert_eq!(ok, 9, "{outcomes:?}");
    assert!(
        outcomes.iter().all(|o| o == "OK" || o == "RULE_VIOLATION"),
        "{outcomes:?}"
    );
    let version = session_version(&first, &org.secretary, &s).await;
    let closed = first
        .ok(
            Some(&org.secretary),
            q!("close_council_session"),
            json!({ "input": { "sessionId": s, "expectedVersion": version } }),
        )
        .await;
    assert_eq!(
        closed["closeCouncilSession"]["session"]["items"][0]["result"]["votesFor"],
        9
    );

    // The secretary closes while the last ballots arrive: a ballot acknowledged is counted, one
    // refused is not, and nothing is doubled.
    let session = open(&first, &org, &c, &[&b], &[0, 1, 2, 3, 4, 5, 6]).await;
    let s = session["id"].as_str().unwrap().to_string();
    for (token, _) in &c.members[..3] {
        assert_eq!(outcome(&cast(&first, token, &s, &b, "YES").await), "OK");
    }
    let version = session_version(&first, &org.secretary, &s).await;
    let late = c.members[3..7].iter().enumerate().map(|(i, (token, _))| {
        let server = if i % 2 == 0 { &first } else { &second };
        cast(server, token, &s, &b, "NO")
    });
    let close = second.gql(
        Some(&org.secretary),
        q!("close_council_session"),
        json!({ "input": { "sessionId": s, "expectedVersion": version } }),
    );
    let (late, closing) = tokio::join!(futures::future::join_all(late), close);
    let late_ok = late.iter().filter(|r| outcome(r) == "OK").count();
    for r in &late {
        assert!(
            ["OK", "INVALID_TRANSITION"].contains(&outcome(r).as_str()),
            "{r}"
        );
    }
    match outcome(&closing).as_str() {
        "OK" => {}
        "CONFLICT" => {
            let version = session_version(&first, &org.secretary, &s).await;
            first
                .ok(
                    Some(&org.secretary),
                    q!("close_council_session"),
                    json!({ "input": { "sessionId": s, "expectedVersion": version } }),
                )
                .await;
        }
        other => panic!("closing: {other}: {closing}"),
    }
    let view = first
        .ok(
            Some(&org.secretary),
            q!("council_session"),
            json!({ "id": s }),
        )
        .await["councilSession"]
        .clone();
    assert_eq!(view["state"], "CLOSED");
    let item = &view["items"][0];
    assert_eq!(item["ballotsCast"], 3 + late_ok, "{item}");
    assert_eq!(item["result"]["votesFor"], 3);
    assert_eq!(
        item["result"]["votesFor"].as_u64().unwrap() as usize + late_ok,
        3 + late_ok
    );
    second.stop().await;
    first.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_vote_is_recorded_by_the_secretary_with_recusals_out_of_its_base() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let c = council(&server, &org).await;
    let a = appraised(
        &server,
        &org,
        &org.clerk,
        &org.head,
        json!({ "nomineePersonId": org.huyen }),
        "GIAY_KHEN",
    )
    .await;
    let other = org.person(&server, "Y Ngọc").await;
    let not_yet = {
        // A draft is not at its COUNCIL stage: it cannot go on an agenda.
        org.draft(&server, &other, "Chưa trình").await.0
    };
    let error = server
        .err(
            Some(&org.secretary),
            q!("open_council_session"),
            json!({ "input": { "councilId": c.id, "date": server.today().to_string(), "place": "Hội trường", "agenda": [a, not_yet], "present": c.members.iter().map(|m| &m.1).collect::<Vec<_>>() } }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION", "{error}");
    // Only the secretary runs a session.
    let error = server
        .err(
            Some(&org.office),
            q!("open_council_session"),
            json!({ "input": { "councilId": c.id, "date": server.today().to_string(), "place": "Hội trường", "agenda": [a], "present": c.members.iter().map(|m| &m.1).collect::<Vec<_>>() } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN", "{error}");

    // A session sits today or was held in the last 30 days; thresholds and quora are above 0.
    let tomorrow = server.today().next_day().unwrap().to_string();
    let error = server
        .err(
            Some(&org.secretary),
            q!("open_council_session"),
            json!({ "input": { "councilId": c.id, "date": tomorrow, "place": "Hội trường", "agenda": [a], "present": c.members.iter().map(|m| &m.1).collect::<Vec<_>>() } }),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("date"))
    );
    let error = server
        .err(
            Some(&org.admin),
            q!("set_council_vote_rule"),
            json!({ "input": { "councilId": c.id, "awardKind": "GIAY_KHEN", "threshold": "0%", "base": "PRESENT", "strict": false, "secretBallot": false, "source": "x" } }),
        )
        .await;
    assert_eq!(
        (code(&error), error["extensions"]["field"].as_str()),
        ("VALIDATION", Some("threshold"))
    );
    let third = org.person(&server, "Nay Blum").await;
    let b = appraised(
        &server,
        &org,
        &org.clerk,
        &org.head,
        json!({ "nomineePersonId": third }),
        "GIAY_KHEN",
    )
    .await;
    let session = open(&server, &org, &c, &[&a, &b], &[0, 1, 2, 3, 4, 5, 6, 7]).await;
    let s = session["id"].as_str().unwrap().to_string();
    // b is voted, then withdrawn by its unit before the session closes: the vote is recorded,
    // not applied.
    server
        .ok(
            Some(&org.secretary),
            "mutation($input: RecordCouncilTallyInput!) { recordCouncilTally(input: $input) { session { id } } }",
            json!({ "input": { "sessionId": s, "nominationId": b, "yes": 8, "no": 0 } }),
        )
        .await;
    let v = stage(&server, &org.office, &b).await["version"].clone();
    server
        .ok(
            Some(&org.head),
            q!("withdraw_nomination"),
            json!({ "input": { "id": b, "expectedVersion": v, "reason": "Cá nhân chuyển công tác" } }),
        )
        .await;
    // Member 2 heads Phòng Tham mưu, the nominee's unit: they step out of this item.
    server
        .ok(
            Some(&c.members[1].0),
            "mutation($input: DeclareRecusalInput!) { declareRecusal(input: $input) { session { id } } }",
            json!({ "input": { "sessionId": s, "nominationId": a, "reason": "Trưởng đơn vị có cá nhân được đề nghị" } }),
        )
        .await;
    // Seven may vote now; a tally of eight is refused.
    let tally = |yes: i32| json!({ "input": { "sessionId": s, "nominationId": a, "yes": yes, "no": 7 - yes, "abstain": 0 } });
    let error = server
        .err(
            Some(&org.secretary),
            "mutation($input: RecordCouncilTallyInput!) { recordCouncilTally(input: $input) { session { id } } }",
            json!({ "input": { "sessionId": s, "nominationId": a, "yes": 8, "no": 0 } }),
        )
        .await;
    assert_eq!(code(&error), "RULE_VIOLATION", "{error}");
    assert_eq!(
        outcome(&cast(&server, &c.members[0].0, &s, &a, "YES").await),
        "RULE_VIOLATION",
        "an open vote takes no ballots"
    );
    server
        .ok(
            Some(&org.secretary),
            "mutation($input: RecordCouncilTallyInput!) { recordCouncilTally(input: $input) { session { id } } }",
            tally(4),
        )
        .await;
    let version = session_version(&server, &org.secretary, &s).await;
    let closed = server
        .ok(
            Some(&org.secretary),
            q!("close_council_session"),
            json!({ "input": { "sessionId": s, "expectedVersion": version } }),
        )
        .await["closeCouncilSession"]["session"]
        .clone();
    let result = &closed["items"][0]["result"];
    // More than half of the seven present who take part: 4/7.
    assert_eq!(
        (&result["members"], &result["present"], &result["approved"]),
        (&json!(8), &json!(7), &json!(true)),
        "{result}"
    );
    assert_eq!(
        stage(&server, &org.office, &a).await["stage"]["kind"],
        "SIGN"
    );
    assert!(
        closed["items"][1]["applied"]
            .as_str()
            .unwrap()
            .starts_with("NOT_APPLIED"),
        "{closed}"
    );
    assert_eq!(stage(&server, &org.office, &b).await["state"], "WITHDRAWN");
    // Closed is closed.
    let version = session_version(&server, &org.secretary, &s).await;
    let error = server
        .err(
            Some(&org.secretary),
            q!("close_council_session"),
            json!({ "input": { "sessionId": s, "expectedVersion": version } }),
        )
        .await;
    assert_eq!(code(&error), "INVALID_TRANSITION", "{error}");
    let view = server
        .ok(Some(&org.office), q!("council_session"), json!({ "id": s }))
        .await["councilSession"]
        .clone();
    assert_eq!(
        view["items"][0]["recusals"][0]["name"],
        "Thượng tá Trần Văn Hải"
    );
    server.stop().await;
}
