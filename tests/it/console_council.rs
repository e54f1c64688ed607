//! Setting up a council in the web console (issue 12 §4, Council): the issuer's signer sets the
//! council up, adds its chair and secretary from the accounts of the issuer's people and role
//! holders, and ends a term; a refused form keeps what was typed; a clerk is offered no setup
//! form and is refused when posting one anyway, with nothing changed.

use laurel_tests::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::console::{Browser, text};

const NAME: &str = "Hội đồng Thi đua - Khen thưởng Công an tỉnh Gia Lai";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signer_sets_up_a_council_adds_its_members_and_ends_a_term_in_the_console() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let today = server.today().to_string();

    // A clerk is offered no setup form; posting one anyway is refused and sets nothing up.
    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    let list = clerk.get("/councils").await;
    assert!(!text(&list.body).contains("Thành lập Hội đồng"));
    let refused = clerk
        .post(
            "/councils",
            &[("issuerUnitId", &org.province), ("name", "Hội đồng khác")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        text(&refused.body).contains("thiết lập Hội đồng Thi đua - Khen thưởng"),
        "{}",
        text(&refused.body)
    );

    // A role delegated to someone counts as theirs while in force: the office's clerk acting
    // as signer is offered the form.
    server
        .ok(
            Some(&org.signer),
            q!("delegate_role"),
            json!({ "input": { "delegateAccountId": org.accounts["tdkt.cat"], "role": "SIGNER", "unitId": org.province, "from": today, "until": today } }),
        )
        .await;
    let mut acting = Browser::login(&server.base, "tdkt.cat", PASSWORD).await;
    let list = acting.get("/councils").await;
    assert!(
        text(&list.body).contains("Thành lập Hội đồng"),
        "{}",
        text(&list.body)
    );
    assert!(
        list.body
            .contains(&format!("<option value=\"{}\"", org.province))
    );
    assert!(
        !list
            .body
            .contains(&format!("<option value=\"{}\"", org.staff)),
        "only where it signs"
    );

    // The deputy director signing for the province is offered the form.
    let mut signer = Browser::login(&server.base, "pgd.binh", PASSWORD).await;
    let list = signer.get("/councils").await;
    assert!(
        text(&list.body).contains("Thành lập Hội đồng"),
        "{}",
        text(&list.body)
    );
    // A blank name comes back with the quorum as typed.
    let blank = signer
        .post(
            "/councils",
            &[
                ("issuerUnitId", &org.province),
                ("name", " "),
                ("quorum", "3/4"),
            ],
        )
        .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text(&blank.body)
    );
    assert!(blank.body.contains("value=\"3/4\""), "kept as typed");
    // The province's signer does not sign for the staff office: refused beside the form.
    let elsewhere = signer
        .post("/councils", &[("issuerUnitId", &org.staff), ("name", NAME)])
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::FORBIDDEN,
        "{}",
        text(&elsewhere.body)
    );
    assert!(
        elsewhere.body.contains("name=\"issuerUnitId\""),
        "the form again"
    );

    let created = signer
        .post(
            "/councils",
            &[
                ("issuerUnitId", &org.province),
                ("name", NAME),
                ("quorum", "2/3"),
            ],
        )
        .await;
    let to = created.to().to_owned();
    assert!(to.ends_with("?done=created"), "{to}");
    let id = to
        .trim_start_matches("/councils/")
        .trim_end_matches("?done=created")
        .to_owned();
    let page = signer.get(&to).await;
    let shown = text(&page.body);
    assert!(shown.contains("Đã thành lập Hội đồng."), "{shown}");
    assert!(shown.contains("Hội đồng chưa có thành viên nào"), "{shown}");
    // The candidates: the accounts of the province's people and role holders, not the
    // administrator (a global role, no person).
    let secretary = &org.accounts["thuky.hd"];
    let deputy = &org.accounts["pgd.binh"];
    for account in [secretary, deputy, &org.accounts["head.pc02"]] {
        assert!(
            page.body.contains(&format!("<option value=\"{account}\"")),
            "{account} offered"
        );
    }
    let admin_id = server
        .ok(Some(&org.admin), "{ me { id } }", json!({}))
        .await["me"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!page.body.contains(&format!("<option value=\"{admin_id}\"")));
    // Through the API, the candidates are for whoever may set the council up: a clerk is
    // refused, and a candidate is who it is, nothing more (no roles, no e-mail).
    let candidates = "query($id: ID!) { council(id: $id) { memberCandidates { accountId username displayName } } }";
    let refused = server
        .err(Some(&org.clerk), candidates, json!({ "id": id }))
        .await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN", "{refused}");
    let listed = server
        .ok(Some(&org.signer), candidates, json!({ "id": id }))
        .await;
    let names: Vec<&str> = listed["council"]["memberCandidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "clerk.ptm",
            "head.pc02",
            "head.ptm",
            "pgd.binh",
            "tdkt.cat",
            "thuky.hd"
        ]
    );

    // A term that ends before it starts comes back with what was typed.
    let backwards = signer
        .post(
            &format!("/councils/{id}/members"),
            &[
                ("accountId", secretary),
                ("position", "SECRETARY"),
                ("from", "2026-01-10"),
                ("until", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(
        backwards.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text(&backwards.body)
    );
    assert!(backwards.body.contains("value=\"2026-01-01\""));
    assert!(
        backwards
            .body
            .contains(&format!("<option value=\"{secretary}\" selected")),
        "the account stays chosen"
    );
    for (account, position) in [(deputy, "CHAIR"), (secretary, "SECRETARY")] {
        let added = signer
            .post(
                &format!("/councils/{id}/members"),
                &[
                    ("accountId", account),
                    ("position", position),
                    ("from", "2026-01-01"),
                    ("until", ""),
                ],
            )
            .await;
        assert_eq!(added.to(), format!("/councils/{id}?done=member"));
    }
    let page = signer.get(&format!("/councils/{id}")).await;
    let shown = text(&page.body);
    assert!(shown.contains("Nguyễn Hữu Bình"), "{shown}");
    assert!(shown.contains("Chủ tịch"), "{shown}");
    assert!(shown.contains("01/01/2026"), "{shown}");

    // The secretary's term ends today.
    let terms = |data: serde_json::Value| data["council"]["terms"].as_array().unwrap().clone();
    let query =
        "query($id: ID!) { council(id: $id) { terms { id position until account { id } } } }";
    let before = terms(
        server
            .ok(Some(&org.signer), query, json!({ "id": id }))
            .await,
    );
    assert_eq!(before.len(), 2);
    let term = before
        .iter()
        .find(|t| t["account"]["id"] == secretary.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The clerk may not end it.
    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    clerk.get("/councils").await;
    let refused = clerk
        .post(
            &format!("/councils/{id}/terms/{term}/end"),
            &[("until", &today)],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "{}",
        text(&refused.body)
    );
    let ended = signer
        .post(
            &format!("/councils/{id}/terms/{term}/end"),
            &[("until", &today)],
        )
        .await;
    assert_eq!(ended.to(), format!("/councils/{id}?done=ended"));
    let after = terms(
        server
            .ok(Some(&org.signer), query, json!({ "id": id }))
            .await,
    );
    let until: Vec<&str> = after
        .iter()
        .map(|t| t["until"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        until.iter().filter(|u| **u == today).count(),
        1,
        "{after:?}"
    );
    assert_eq!(
        until.iter().filter(|u| u.is_empty()).count(),
        1,
        "{after:?}"
    );

    // Each change is in the council's audit chain, by the signer.
    let audit = server
        .ok(
            Some(&org.admin),
            "query($id: ID!) { auditLog(first: 100, filter: { entity: \"council\", entityId: $id }) { edges { node { action actorId } } } }",
            json!({ "id": id }),
        )
        .await;
    let actions: Vec<(String, String)> = audit["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["action"].as_str().unwrap().to_owned(),
                e["node"]["actorId"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let by_signer = |action: &str| {
        actions
            .iter()
            .filter(|(a, who)| a == action && who == deputy)
            .count()
    };
    assert_eq!(by_signer("COUNCIL_CREATED"), 1, "{actions:?}");
    assert_eq!(by_signer("COUNCIL_MEMBER_ADDED"), 2, "{actions:?}");
    assert_eq!(by_signer("COUNCIL_MEMBERSHIP_ENDED"), 1, "{actions:?}");
}

/// Issue 12 §4 (Council) and domain-vn: the council thresholds the decrees leave unconfirmed
/// become the issuer's own rule, set by its signer in the console with the regulation that
/// sets it; a refused rule keeps what was typed; a clerk is offered no rule form and is refused
/// when posting one anyway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signer_sets_the_councils_own_vote_rule_for_an_award_in_the_console() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let council = server
        .ok(
            Some(&org.admin),
            q!("create_council"),
            json!({ "input": { "issuerUnitId": org.province, "name": NAME } }),
        )
        .await["createCouncil"]["council"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = format!("/councils/{council}");
    let source = "Quyết định số 15/QĐ-CAT ngày 02/01/2026 ban hành Quy chế hoạt động của Hội đồng";

    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    let shown = clerk.get(&page).await;
    assert!(!shown.body.contains("/vote-rules"), "{}", text(&shown.body));

    let mut signer = Browser::login(&server.base, "pgd.binh", PASSWORD).await;
    let shown = signer.get(&page).await;
    assert!(shown.body.contains("/vote-rules"), "{}", text(&shown.body));
    // Words where a share belongs: refused beside the field, what was typed kept.
    let rule = |threshold: &'static str| {
        vec![
            ("awardKind", "GIAY_KHEN"),
            ("threshold", threshold),
            ("base", "PRESENT"),
            ("secretBallot", "on"),
            ("source", source),
        ]
    };
    let refused = signer
        .post(&format!("{page}/vote-rules"), &rule("chín phần mười"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"r-threshold-error\""),
        "{}",
        text(&refused.body)
    );
    assert!(refused.body.contains("value=\"chín phần mười\""));
    assert!(refused.body.contains(&format!("value=\"{source}\"")));
    assert!(refused.body.contains("value=\"GIAY_KHEN\" selected"));
    assert!(refused.body.contains("value=\"PRESENT\" selected"));
    assert!(
        refused
            .body
            .contains("name=\"secretBallot\" value=\"on\" checked")
    );
    assert!(
        !refused
            .body
            .contains("name=\"writtenOpinions\" value=\"on\" checked")
    );

    let set = signer
        .post(&format!("{page}/vote-rules"), &rule("3/4"))
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", text(&set.body));
    let shown = signer.get(&format!("{page}?done=rule")).await;
    let rules = text(crate::console::between(&shown.body, "id=\"rules-h\"", "</ul>").unwrap());
    assert!(
        rules.contains("Giấy khen") && rules.contains(source),
        "{rules}"
    );
    assert!(text(&shown.body).contains("Đã đặt quy tắc biểu quyết"));
    let saved = server
        .ok(
            Some(&org.admin),
            "query($id: ID!) { council(id: $id) { voteRules { awardKind rule { threshold base secretBallot strict writtenOpinions source } } } }",
            json!({ "id": council }),
        )
        .await;
    assert_eq!(
        saved["council"]["voteRules"],
        json!([{ "awardKind": "GIAY_KHEN", "rule": { "threshold": "3/4", "base": "PRESENT", "secretBallot": true, "strict": false, "writtenOpinions": false, "source": source } }])
    );

    // The clerk posting the form anyway is refused, and nothing changes.
    let refused = clerk
        .post(&format!("{page}/vote-rules"), &rule("1/2"))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "{}",
        text(&refused.body)
    );
    let after = server
        .ok(
            Some(&org.admin),
            "query($id: ID!) { council(id: $id) { voteRules { rule { threshold } } } }",
            json!({ "id": council }),
        )
        .await;
    assert_eq!(after["council"]["voteRules"][0]["rule"]["threshold"], "3/4");
    server.stop().await;
}
