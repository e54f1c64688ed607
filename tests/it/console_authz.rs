//! Issue 12, Tests: "every page and form action as each role of another unit is refused". The
//! nomination's own pages and forms are swept in `console.rs`; this sweeps the rest: proposals
//! (submit and sign), councils and their sessions (members, terms, vote rules, ballots,
//! tallies, closing), movements, clusters, people, settings (delegations, quotas, calendar,
//! webhooks), the bulk action, annulment and administration. Each is refused (403, or 404 where
//! the thing is not to be known; the bulk action answers with one refused line per
//! nomination), shows nothing of Gia Lai, and the audit log is the same length afterwards.

use laurel_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{Browser, text};

async fn audit_length(server: &TestServer, admin: &str) -> usize {
    let mut after: Option<String> = None;
    let mut n = 0;
    loop {
        let page = server
            .ok(
                Some(admin),
                q!("audit_log"),
                json!({ "first": 200, "after": after }),
            )
            .await["auditLog"]
            .clone();
        n += page["edges"].as_array().unwrap().len();
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return n;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

fn id_of(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_other_page_and_form_is_refused_to_each_role_of_another_unit() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let today = server.today().to_string();
    // Gia Lai's things: a decision, a proposal, a council with a session, a movement, a
    // cluster, a delegation and a webhook.
    let (decided, decision, _) = org.certified(&server, "Ksor Thị Mai").await;
    let (draft, draft_version) = org
        .draft(&server, &org.huyen, "Hoàn thành xuất sắc nhiệm vụ")
        .await;
    let proposal = id_of(
        &server
            .ok(
                Some(&org.clerk),
                q!("create_proposal"),
                json!({ "input": { "proposingUnitId": org.staff, "issuerUnitId": org.province, "number": "27/TTr-PTM",
                                   "nominations": [{ "id": draft, "expectedVersion": draft_version }] } }),
            )
            .await["createProposal"]["proposal"]["id"],
    );
    let council = crate::council::council(&server, &org).await;
    let member = org.person(&server, "Rơ Châm Hơ").await;
    let on_agenda = crate::council::appraised(
        &server,
        &org,
        &org.clerk,
        &org.head,
        json!({ "nomineePersonId": member }),
        "GIAY_KHEN",
    )
    .await;
    let present: Vec<&str> = council.members.iter().map(|m| m.1.as_str()).collect();
    let session = id_of(
        &server
            .ok(
                Some(&org.secretary),
                q!("open_council_session"),
                json!({ "input": { "councilId": council.id, "date": today, "place": "Hội trường Công an tỉnh Gia Lai", "agenda": [on_agenda], "present": present } }),
            )
            .await["openCouncilSession"]["session"]["id"],
    );
    let term = id_of(
        &server
            .ok(
                Some(&org.admin),
                "query($id: ID!) { council(id: $id) { terms { id } } }",
                json!({ "id": council.id }),
            )
            .await["council"]["terms"][0]["id"],
    );
    let movement = id_of(
        &server
            .ok(
                Some(&org.signer),
                q!("launch_movement"),
                json!({ "input": { "unitId": org.province, "name": "Toàn dân bảo vệ an ninh Tổ quốc", "kind": "THEO_DOT_CHUYEN_DE",
                                   "fromYear": 2026, "participantUnitIds": [org.staff], "offerings": ["GIAY_KHEN"],
                                   "opensOn": today, "closesOn": today } }),
            )
            .await["launchMovement"]["id"],
    );
    let cluster = id_of(
        &server
            .ok(
                Some(&org.office),
                "mutation($input: CreateClusterInput!) { createCluster(input: $input) { id } }",
                json!({ "input": { "name": "Cụm thi đua số 1", "kind": "CUM", "year": 2025,
                                   "organiserUnitId": org.province, "headUnitId": org.staff, "memberUnitIds": [org.staff, org.police],
                                   "criteria": [{ "code": "1", "name": "Kết quả", "maxPoints": 10 }] } }),
            )
            .await["createCluster"]["id"],
    );
    let delegation = id_of(
        &server
            .ok(
                Some(&org.signer),
                q!("delegate_role"),
                json!({ "input": { "delegateAccountId": org.accounts["tdkt.cat"], "role": "SIGNER", "unitId": org.province, "from": today, "until": today } }),
            )
            .await["delegateRole"]["delegation"]["id"],
    );
    let webhook = server
        .ok(
            Some(&org.admin),
            q!("register_webhook"),
            json!({ "input": { "url": "https://congthongtin.example.vn/laurel", "kinds": [], "unitId": org.province, "description": "Cổng thông tin thi đua Gia Lai" } }),
        )
        .await["registerWebhook"]["endpoint"]
        .clone();
    let (webhook, webhook_version) = (id_of(&webhook["id"]), webhook["version"].to_string());
    let decided_version = server
        .ok(
            Some(&org.admin),
            "query($id: ID!) { nomination(id: $id) { version } }",
            json!({ "id": decided }),
        )
        .await["nomination"]["version"]
        .to_string();

    // Another province, one account per role.
    let other = server
        .create_unit(&org.admin, "Công an tỉnh Kon Tum", "CAKT", "Giám đốc", None)
        .await;
    let person = server
        .create_person(&org.admin, "A Vương", None, None, &other)
        .await;
    let roles = [
        ("vanthu.kt", "CLERK"),
        ("truong.kt", "UNIT_HEAD"),
        ("giamdoc.kt", "SIGNER"),
        ("thuky.kt", "COUNCIL_SECRETARY"),
    ];
    for (username, role) in roles {
        let signer = (role == "SIGNER").then_some(person.as_str());
        server
            .create_account(&org.admin, username, role, &other, signer)
            .await;
    }
    let mut browsers = Vec::new();
    for (username, _) in roles {
        browsers.push((
            username,
            Browser::login(&server.base, username, PASSWORD).await,
        ));
    }
    let before = audit_length(&server, &org.admin).await;

    let pick = format!("{draft}:{draft_version}");
    let nominee = format!("unit:{}", org.staff);
    let decided_pick = format!("{decided}:{decided_version}");
    let pages = [
        format!("/proposals/{proposal}"),
        format!("/councils/{}", council.id),
        format!("/council-sessions/{session}"),
        format!("/movements/{movement}"),
        format!("/clusters/{cluster}"),
        format!("/people/{}", org.huyen),
    ];
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/proposals/{proposal}/submit"),
            vec![("version", "1"), ("pick", &pick)],
        ),
        (
            format!("/proposals/{proposal}/sign"),
            vec![("pick", &pick), ("capacity", "DIRECT")],
        ),
        (
            format!("/decisions/{decision}/annul"),
            vec![
                ("pick", &decided_pick),
                ("ground", "A"),
                ("reason", "Khai man thành tích"),
                ("capacity", "DIRECT"),
            ],
        ),
        ("/bulk".into(), vec![("pick", &pick), ("command", "SUBMIT")]),
        (
            "/proposals".into(),
            vec![
                ("proposingUnitId", &org.staff),
                ("issuerUnitId", &org.province),
                ("pick", &pick),
            ],
        ),
        (
            "/nominations/new".into(),
            vec![
                ("nominee", &nominee),
                ("awardKind", "GIAY_KHEN"),
                ("issuerUnitId", &org.province),
                ("period", "2026"),
                ("achievement", "Hoàn thành xuất sắc nhiệm vụ"),
            ],
        ),
        (
            format!("/councils/{}/members", council.id),
            vec![
                ("accountId", &org.accounts["clerk.ptm"]),
                ("position", "MEMBER"),
                ("from", &today),
            ],
        ),
        (
            format!("/councils/{}/terms/{term}/end", council.id),
            vec![("until", &today)],
        ),
        (
            format!("/councils/{}/sessions", council.id),
            vec![
                ("date", &today),
                ("place", "Hội trường"),
                ("agenda", &on_agenda),
            ],
        ),
        (
            format!("/councils/{}/vote-rules", council.id),
            vec![
                ("awardKind", "GIAY_KHEN"),
                ("threshold", "1/2"),
                ("base", "PRESENT"),
                ("source", "Quy chế"),
            ],
        ),
        (
            "/councils".into(),
            vec![("issuerUnitId", &org.province), ("name", "Hội đồng khác")],
        ),
        (
            format!("/council-sessions/{session}/ballot"),
            vec![("nominationId", &on_agenda), ("choice", "FOR")],
        ),
        (
            format!("/council-sessions/{session}/tally"),
            vec![
                ("nominationId", &on_agenda),
                ("votesFor", "9"),
                ("votesAgainst", "0"),
            ],
        ),
        (
            format!("/council-sessions/{session}/close"),
            vec![("version", "1")],
        ),
        (
            format!("/movements/{movement}/nominees"),
            vec![
                ("kind", "PERSON"),
                ("name", "Nguyễn Văn Dân"),
                ("unitId", &org.staff),
                ("address", "Tổ 3, phường Hội Thương"),
            ],
        ),
        (
            "/clusters".into(),
            vec![
                ("name", "Cụm khác"),
                ("kind", "CUM"),
                ("year", "2025"),
                ("organiserUnitId", &org.province),
                ("memberUnitIds", &org.staff),
                ("headUnitId", &org.staff),
                ("criteria", "1 | Kết quả | 10"),
            ],
        ),
        (
            format!("/clusters/{cluster}/score"),
            vec![
                ("memberUnitId", &org.staff),
                ("criterionCode", "1"),
                ("points", "10"),
                ("evidence", "Báo cáo"),
            ],
        ),
        (
            format!("/clusters/{cluster}/adjust"),
            vec![
                ("memberUnitId", &org.staff),
                ("criterionCode", "1"),
                ("points", "5"),
                ("reason", "Điều chỉnh"),
            ],
        ),
        (format!("/clusters/{cluster}/publish"), vec![]),
        (
            format!("/clusters/{cluster}/propose"),
            vec![("awardKind", "CO_THI_DUA_BO_TINH")],
        ),
        (
            "/settings/delegations".into(),
            vec![
                ("delegatorAccountId", &org.accounts["pgd.binh"]),
                ("delegateAccountId", &org.accounts["clerk.ptm"]),
                ("role", "SIGNER"),
                ("unitId", &org.province),
                ("from", &today),
                ("until", &today),
            ],
        ),
        (format!("/settings/delegations/{delegation}/revoke"), vec![]),
        (
            "/settings/quotas".into(),
            vec![
                ("issuerUnitId", &org.province),
                ("awardKind", "GIAY_KHEN"),
                ("period", "2026"),
                ("maxCount", "1"),
            ],
        ),
        (
            "/settings/calendar".into(),
            vec![
                ("date", "2027-09-03"),
                ("kind", "HOLIDAY"),
                ("name", "Nghỉ bù"),
                ("source", "Thông báo"),
            ],
        ),
        (
            "/settings/webhooks".into(),
            vec![
                ("url", "https://example.vn/hook"),
                ("unitId", &org.province),
                ("description", "x"),
            ],
        ),
        (
            format!("/settings/webhooks/{webhook}/enabled"),
            vec![("version", &webhook_version), ("enabled", "false")],
        ),
        (
            "/admin/people".into(),
            vec![("fullName", "Người lạ"), ("unitId", &org.staff)],
        ),
        (
            "/admin/accounts".into(),
            vec![
                ("username", "la.mat"),
                ("password", "mat-khau-tam-thoi-2026"),
                ("role", "CLERK"),
                ("unitId", &org.staff),
            ],
        ),
        (
            "/admin/roles".into(),
            vec![
                ("accountId", &org.accounts["clerk.ptm"]),
                ("role", "SIGNER"),
                ("unitId", &org.province),
            ],
        ),
        (
            "/admin/roles/revoke".into(),
            vec![
                ("accountId", &org.accounts["clerk.ptm"]),
                ("role", "CLERK"),
                ("unitId", &org.staff),
                ("reason", "x"),
            ],
        ),
        (
            "/admin/accounts/status".into(),
            vec![
                ("accountId", &org.accounts["clerk.ptm"]),
                ("status", "DISABLED"),
                ("reason", "x"),
            ],
        ),
    ];
    let mut wrong = Vec::new();
    let refused = |s: StatusCode| s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND;
    for (username, b) in &mut browsers {
        for path in &pages {
            let page = b.get(path).await;
            let shown = text(&page.body);
            if !refused(page.status) || shown.contains("Huyền") || shown.contains("Gia Lai") {
                wrong.push(format!("{username} GET {path}: {} {shown}", page.status));
            }
        }
        // Lists show nothing of Gia Lai's own (its units, the shared tree, may be offered in
        // selects: an issuer above one's own unit is chosen from them).
        for path in [
            "/proposals",
            "/councils",
            "/movements",
            "/clusters",
            "/settings",
            "/nominations",
            "/decisions",
        ] {
            let page = b.get(path).await;
            let shown = text(&page.body);
            for theirs in [
                "27/TTr-PTM",
                "Hội đồng Thi đua - Khen thưởng Công an tỉnh Gia Lai",
                "Toàn dân bảo vệ an ninh Tổ quốc",
                "Cụm thi đua số 1",
                "Cổng thông tin thi đua Gia Lai",
                "Huyền",
                "Ksor",
            ] {
                if page.status != StatusCode::OK || shown.contains(theirs) {
                    wrong.push(format!(
                        "{username} GET {path}: {} shows {theirs}",
                        page.status
                    ));
                }
            }
        }
        b.get("/").await;
        for (path, fields) in &forms {
            let page = b.post(path, fields).await;
            // The bulk action answers with a line per nomination: here one, refused.
            let bulk_refused = path == "/bulk"
                && page.status == StatusCode::OK
                && page.body.matches("<li class=\"error\">").count() == 1
                && !page.body.contains("<li class=\"met\">");
            // Refused by the operation, not by a missing CSRF token.
            if page.body.contains("thiếu mã chống giả mạo CSRF") {
                wrong.push(format!(
                    "{username} POST {path}: refused for its CSRF token"
                ));
            }
            if !refused(page.status) && !bulk_refused {
                let errors: Vec<String> = page
                    .body
                    .split("class=\"error\"")
                    .skip(1)
                    .map(|e| text(e.split("</p>").next().unwrap_or_default()))
                    .collect();
                wrong.push(format!(
                    "{username} POST {path}: {} {errors:?}",
                    page.status
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "not refused:\n{}", wrong.join("\n"));
    assert_eq!(
        audit_length(&server, &org.admin).await,
        before,
        "a refused form changed something"
    );
    server.stop().await;
}
