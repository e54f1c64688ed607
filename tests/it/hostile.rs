//! Hostile input, each case as it was found from outside (issue 11 §5): it gets a clean, typed
//! refusal, costs little, and changes nothing.

use laurel_tests::{Org, PASSWORD, TestServer};
use serde_json::{Value, json};

fn code(error: &Value) -> &str {
    error["extensions"]["code"].as_str().unwrap_or_default()
}

fn message_en(error: &Value) -> &str {
    error["extensions"]["messageEn"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_that_expand_or_multiply_are_refused_before_they_run() {
    let server = TestServer::start().await;
    // 904 bytes of fragments, each spreading the next twice: 2^20 fields once expanded. It kept
    // a core busy for seconds; now it is weighed per fragment and refused.
    let mut bomb = String::from("query { ...F0 }\n");
    for i in 0..20 {
        bomb.push_str(&format!(
            "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
            i + 1,
            i + 1
        ));
    }
    bomb.push_str("fragment F20 on Query { __typename }\n");
    let started = std::time::Instant::now();
    let error = server.err(None, &bomb, json!({})).await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(message_en(&error).contains("too heavy"), "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // /healthz answers meanwhile and after.
    let health = server
        .http()
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    // 900 aliases of the public `rulesets` returned 16 MB; a plain list weighs what it selects.
    let aliases: String = (0..900)
        .map(|i| format!("a{i}: rulesets {{ awards {{ criteria {{ id }} dossier {{ code }} }} }} "))
        .collect();
    let response = server
        .http()
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": format!("{{ {aliases} }}") }))
        .send()
        .await
        .unwrap();
    let body = response.bytes().await.unwrap();
    assert!(body.len() < 10_000, "{} bytes came back", body.len());
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(code(&body["errors"][0]), "VALIDATION");
    // One of them is fine.
    let one = server
        .ok(
            None,
            "{ rulesets { awards { criteria { id } dossier { code } } } }",
            json!({}),
        )
        .await;
    assert!(!one["rulesets"].as_array().unwrap().is_empty());

    // A quoted string is not an enum literal (variables carry enums as strings, as they must).
    let error = server
        .err(
            None,
            r#"{ rulesets { award(kind: "GIAY_KHEN") { authority } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(message_en(&error).contains("without quotes"));
    server
        .ok(
            None,
            "query($k: AwardKindCode!) { rulesets { award(kind: $k) { authority } } }",
            json!({ "k": "GIAY_KHEN" }),
        )
        .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let server = TestServer::start().await;
    let http = server.http();
    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();
    let answers = vec![
        (
            "POST /graphql",
            http.post(format!("{}/graphql", server.base))
                .json(&json!({ "query": "{ __typename }" }))
                .send()
                .await
                .unwrap(),
        ),
        ("/healthz", get("/healthz").await.unwrap()),
        ("/console/login", get("/console/login").await.unwrap()),
        (
            "/verify/unknown",
            get("/verify/NO-SUCH-CODE").await.unwrap(),
        ),
        ("/documents/…", get("/documents/not-an-id").await.unwrap()),
    ];
    for (what, response) in answers {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["x-frame-options"], "DENY", "{what}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{what}");
        // Nothing here may be kept by a cache, except the public verification page, which a
        // cache must check again each time (an award can be annulled).
        let cache = headers["cache-control"].to_str().unwrap();
        let expected = if what.starts_with("/verify") {
            "no-cache"
        } else {
            "no-store"
        };
        assert!(cache.contains(expected), "{what}: {cache}");
        // Pages carry the content security policy; JSON and PDFs need none.
        let html = headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        assert_eq!(
            headers.contains_key("content-security-policy"),
            html,
            "{what}"
        );
        if html {
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        }
    }
    // Nothing personal is cached unless a handler says so.
    let response = get("/console/login").await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    // The published key set may be cached for a while.
    let response = get("/.well-known/laurel-keys.json").await.unwrap();
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    server.stop().await;
}

/// Counts audit rows of a kind.
async fn audited(server: &TestServer, kind: &str) -> i64 {
    let rows = laurel_store::testing::select_text(
        server.store(),
        &format!("SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = '{kind}'"),
    )
    .await
    .unwrap();
    rows[0].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_in_a_row_lock_the_username_for_a_while_and_are_audited() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let login = |username: &'static str, password: &'static str| {
        server.gql(
            None,
            "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }",
            json!({ "u": username, "p": password }),
        )
    };
    for _ in 0..5 {
        let body = login("clerk.ptm", "wrong password").await;
        assert_eq!(code(&body["errors"][0]), "UNAUTHENTICATED");
    }
    assert_eq!(audited(&server, "LOGIN_THROTTLED").await, 1);
    // Now even the right password waits, and the error says until when.
    let body = login("clerk.ptm", PASSWORD).await;
    let error = &body["errors"][0];
    assert_eq!(code(error), "RATE_LIMITED", "{body}");
    assert!(error["extensions"]["retryAt"].is_i64());
    assert!(message_en(error).contains("try again after"), "{error}");
    assert!(
        error["extensions"]["messageVi"]
            .as_str()
            .unwrap()
            .contains("giờ Việt Nam")
    );
    // Other accounts are not held up, and nothing more is audited while it lasts.
    server.login("head.ptm", PASSWORD).await;
    assert_eq!(audited(&server, "LOGIN_THROTTLED").await, 1);
    // After the window, the right password works, and it clears the count.
    server.travel(1);
    server.login("clerk.ptm", PASSWORD).await;
    for _ in 0..4 {
        login("clerk.ptm", "wrong again").await;
    }
    server.login("clerk.ptm", PASSWORD).await;
    drop(org);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_get_no_more_tries_than_sequential_ones() {
    let server = TestServer::start().await;
    let _org = Org::create(&server).await;
    let guesses = (0..12).map(|i| {
        server.gql(
            None,
            "mutation($p: String!) { login(input: { username: \"clerk.ptm\", password: $p }) { token } }",
            json!({ "p": format!("guess number {i}") }),
        )
    });
    let answers = futures::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|b| code(&b["errors"][0]) == "UNAUTHENTICATED")
        .count();
    let throttled = answers
        .iter()
        .filter(|b| code(&b["errors"][0]) == "RATE_LIMITED")
        .count();
    // Each attempt is charged before its password is checked: at most five get checked.
    assert!(checked <= 5, "{checked} passwords were checked");
    assert_eq!(checked + throttled, 12);
    server.stop().await;
}

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }";

/// A login whose request says, in `X-Forwarded-For`, that it comes from `client`.
async fn login_from(server: &TestServer, client: &str, username: &str, password: &str) -> Value {
    server
        .http()
        .post(format!("{}/graphql", server.base))
        .header("x-forwarded-for", client)
        .json(&json!({ "query": LOGIN, "variables": { "u": username, "p": password } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The `by` of each `LOGIN_THROTTLED` audit row, oldest first.
async fn throttled_by(server: &TestServer) -> Vec<String> {
    laurel_store::testing::select_text(
        server.store(),
        "SELECT details FROM audit_log WHERE action = 'LOGIN_THROTTLED' ORDER BY id",
    )
    .await
    .unwrap()
    .iter()
    .map(|details| serde_json::from_str::<Value>(details).unwrap()["by"].to_string())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guess_from_elsewhere_does_not_lock_the_person_out_behind_a_trusted_proxy() {
    // Laurel behind a reverse proxy on 127.0.0.1, which names the client in X-Forwarded-For.
    let server = TestServer::start_with(|config| {
        config.trusted_proxies =
            vec![laurel_gateway::server::TrustedProxies::parse("127.0.0.1").unwrap()];
    })
    .await;
    let _org = Org::create(&server).await;
    let (attacker, office) = ("198.51.100.1", "198.51.100.2");
    for _ in 0..5 {
        let body = login_from(&server, attacker, "clerk.ptm", "guess").await;
        assert_eq!(code(&body["errors"][0]), "UNAUTHENTICATED", "{body}");
    }
    // The guesser's address is held for that username, even with the right password...
    let body = login_from(&server, attacker, "clerk.ptm", PASSWORD).await;
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED", "{body}");
    assert_eq!(throttled_by(&server).await, [r#"["usernameFromClient"]"#]);
    // ...but the clerk, typing from the office, logs in.
    let body = login_from(&server, office, "clerk.ptm", PASSWORD).await;
    assert!(body["data"]["login"]["token"].is_string(), "{body}");
    // Thirty failures behind the proxy hold up that client, not everyone behind the proxy.
    for i in 0..30 {
        login_from(&server, attacker, &format!("user{i}"), "guess").await;
    }
    let body = login_from(&server, attacker, "head.ptm", PASSWORD).await;
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED", "{body}");
    let body = login_from(&server, office, "head.ptm", PASSWORD).await;
    assert!(body["data"]["login"]["token"].is_string(), "{body}");

    // A guess spread over five addresses (five tries each) reaches the limit of the username
    // from anywhere: then it is held everywhere, and that is audited.
    for network in 10..14 {
        for _ in 0..5 {
            let body = login_from(
                &server,
                &format!("198.51.100.{network}"),
                "clerk.ptm",
                "guess",
            )
            .await;
            assert_eq!(code(&body["errors"][0]), "UNAUTHENTICATED", "{body}");
        }
    }
    let body = login_from(&server, office, "clerk.ptm", PASSWORD).await;
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED", "{body}");
    let by = throttled_by(&server).await;
    assert!(by.last().unwrap().contains(r#""username""#), "{by:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_many_usernames_is_throttled_too() {
    let server = TestServer::start().await;
    let _org = Org::create(&server).await;
    // Each claims another address in X-Forwarded-For: nobody's proxy, so not believed.
    for i in 0..30 {
        let body = login_from(
            &server,
            &format!("203.0.113.{i}"),
            &format!("user{i}"),
            "guess",
        )
        .await;
        assert_eq!(code(&body["errors"][0]), "UNAUTHENTICATED", "attempt {i}");
    }
    let body = server
        .gql(
            None,
            "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }",
            json!({ "u": "clerk.ptm", "p": PASSWORD }),
        )
        .await;
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED", "{body}");
    let rows = laurel_store::testing::select_text(
        server.store(),
        "SELECT details FROM audit_log WHERE action = 'LOGIN_THROTTLED'",
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("\"by\":[\"client\"]"), "{}", rows[0]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_accounts_and_revoked_roles_are_refused_at_once() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let clerk_id = org.accounts["clerk.ptm"].clone();
    let me = "{ me { username } }";
    server.ok(Some(&org.clerk), me, json!({})).await;

    // A reason is required, and nobody disables themself.
    let disable = "mutation($input: DisableAccountInput!) { disableAccount(input: $input) { changed account { disabled } } }";
    let error = server
        .err(
            Some(&org.admin),
            disable,
            json!({ "input": { "accountId": clerk_id, "reason": "  " } }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    let admin_id = server
        .ok(
            Some(&org.admin),
            me.replace("username", "id").as_str(),
            json!({}),
        )
        .await["me"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let error = server
        .err(
            Some(&org.admin),
            disable,
            json!({ "input": { "accountId": admin_id, "reason": "thử" } }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert_eq!(error["extensions"]["field"], "accountId");
    // Only administrators disable.
    let error = server
        .err(
            Some(&org.head),
            disable,
            json!({ "input": { "accountId": clerk_id, "reason": "nghỉ hưu" } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN");

    let done = server
        .ok(
            Some(&org.admin),
            disable,
            json!({ "input": { "accountId": clerk_id, "reason": "Chuyển công tác" } }),
        )
        .await;
    assert_eq!(done["disableAccount"]["changed"], true);
    assert_eq!(done["disableAccount"]["account"]["disabled"], true);
    // Its token is refused with UNAUTHENTICATED, and so is a login.
    let error = server.err(Some(&org.clerk), me, json!({})).await;
    assert_eq!(code(&error), "UNAUTHENTICATED");
    let body = server
        .gql(
            None,
            "mutation($p: String!) { login(input: { username: \"clerk.ptm\", password: $p }) { token } }",
            json!({ "p": PASSWORD }),
        )
        .await;
    assert_eq!(code(&body["errors"][0]), "UNAUTHENTICATED");
    // Disabling again changes nothing; enabling lets it log in again.
    let again = server
        .ok(
            Some(&org.admin),
            disable,
            json!({ "input": { "accountId": clerk_id, "reason": "lần nữa" } }),
        )
        .await;
    assert_eq!(again["disableAccount"]["changed"], false);
    server
        .ok(
            Some(&org.admin),
            "mutation($input: EnableAccountInput!) { enableAccount(input: $input) { changed } }",
            json!({ "input": { "accountId": clerk_id, "reason": "Trở lại đơn vị" } }),
        )
        .await;
    let clerk = server.login("clerk.ptm", PASSWORD).await;
    server.ok(Some(&clerk), me, json!({})).await;

    // A revoked role stops working on the next request, without logging out.
    let revoke = "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { revoked } }";
    let revoked = server
        .ok(
            Some(&org.admin),
            revoke,
            json!({ "input": { "accountId": clerk_id, "role": "CLERK", "unitId": org.staff, "reason": "Hết nhiệm vụ" } }),
        )
        .await;
    assert_eq!(revoked["revokeRole"]["revoked"], true);
    let error = server
        .err(
            Some(&clerk),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "fullName": "Phạm Văn Bình", "unitId": org.staff } }),
        )
        .await;
    assert_eq!(code(&error), "FORBIDDEN", "{error}");
    let again = server
        .ok(
            Some(&org.admin),
            revoke,
            json!({ "input": { "accountId": clerk_id, "role": "CLERK", "unitId": org.staff, "reason": "Hết nhiệm vụ" } }),
        )
        .await;
    assert_eq!(again["revokeRole"]["revoked"], false);

    // The last enabled administrator keeps the role.
    let error = server
        .err(
            Some(&org.admin),
            revoke,
            json!({ "input": { "accountId": admin_id, "role": "ADMIN", "reason": "thử" } }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    assert!(message_en(&error).contains("last enabled administrator"));

    for kind in ["ACCOUNT_DISABLED", "ACCOUNT_ENABLED", "ROLE_REVOKED"] {
        assert_eq!(audited(&server, kind).await, 1, "{kind}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_a_role_learns_nothing_from_signing() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (nobody, _) = {
        let created = server
            .ok(
                Some(&org.admin),
                "mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }",
                json!({ "input": { "username": "khong.vai.tro", "password": PASSWORD, "mustChangePassword": false } }),
            )
            .await;
        (
            server.login("khong.vai.tro", PASSWORD).await,
            created["createAccount"]["account"]["id"].clone(),
        )
    };
    let (real, version) = org
        .submitted(&server, "Hoàn thành xuất sắc nhiệm vụ năm")
        .await;
    let sign =
        "mutation($input: SignDecisionInput!) { signDecision(input: $input) { decision { id } } }";
    let mut answers = Vec::new();
    for id in [real.as_str(), "0192f0c1-7a8b-7c3d-9e4f-1a2b3c4d5e6f"] {
        let error = server
            .err(
                Some(&nobody),
                sign,
                json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "DIRECT" } }),
            )
            .await;
        answers.push((code(&error).to_string(), message_en(&error).to_string()));
    }
    assert_eq!(
        answers[0], answers[1],
        "an existing id and an unknown one answer alike"
    );
    assert_eq!(answers[0].0, "FORBIDDEN");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_invisible_joiners_or_stacked_accents_are_refused() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let create =
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }";
    for name in [
        "Nguyễn Vă\u{200D}n An".to_string(),
        "Nguyễn Văn\u{200B} An".to_string(),
        format!("A{}n", "\u{0301}".repeat(50)),
        "Trần \u{202E}nA".to_string(),
        "Lê\u{0} Văn".to_string(),
    ] {
        let error = server
            .err(
                Some(&org.clerk),
                create,
                json!({ "input": { "fullName": name, "unitId": org.staff } }),
            )
            .await;
        assert_eq!(code(&error), "VALIDATION", "{name:?}");
        assert_eq!(error["extensions"]["field"], "fullName");
    }
    // Emoji are refused as unprintable on a certificate, 10,000 characters as too long, and a
    // 1 MiB body before it is read.
    for (name, expected) in [
        ("Nguyễn 😀 An".to_string(), "VALIDATION"),
        ("A".repeat(10_000), "VALIDATION"),
        ("A".repeat(1 << 20), "PAYLOAD_TOO_LARGE"),
    ] {
        let body = server
            .gql(
                Some(&org.clerk),
                create,
                json!({ "input": { "fullName": name, "unitId": org.staff } }),
            )
            .await;
        assert_eq!(
            code(&body["errors"][0]),
            expected,
            "{:.300}",
            body.to_string()
        );
    }
    // A real name with every kind of diacritic, typed decomposed, is kept (composed).
    let person = server
        .ok(
            Some(&org.clerk),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { fullName } } }",
            json!({ "input": { "fullName": laurel_tests::nfd("Đặng Thị Hưởng Ánh"), "unitId": org.staff } }),
        )
        .await;
    assert_eq!(
        person["createPerson"]["person"]["fullName"],
        "Đặng Thị Hưởng Ánh"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_tokens_ids_and_bodies_get_clean_errors() {
    let server = TestServer::start_with(|c| c.session_ttl = time::Duration::hours(12)).await;
    let org = Org::create(&server).await;
    let me = "{ me { username } }";
    for token in ["garbage", &"x".repeat(10_000), "Bearer Bearer"] {
        let error = server.err(Some(token), me, json!({})).await;
        assert_eq!(code(&error), "UNAUTHENTICATED", "{token:.20}");
    }
    // An expired session.
    server.travel(1);
    let error = server.err(Some(&org.clerk), me, json!({})).await;
    assert_eq!(code(&error), "UNAUTHENTICATED");
    let clerk = server.login("clerk.ptm", PASSWORD).await;
    // Huge and malformed ids; unknown enum values.
    for id in [
        "1".repeat(100_000),
        "'; DROP TABLE nomination; --".to_string(),
        "-1".to_string(),
    ] {
        let error = server
            .err(
                Some(&clerk),
                "query($id: ID!) { nomination(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(code(&error), "VALIDATION");
    }
    let error = server
        .err(
            None,
            "query($k: AwardKindCode!) { rulesets { award(kind: $k) { authority } } }",
            json!({ "k": "HUAN_CHUONG_VANG" }),
        )
        .await;
    assert_eq!(code(&error), "VALIDATION");
    // A body that is not JSON, or sent as something else.
    for (content_type, body) in [
        ("application/json", "{\"query\": "),
        ("text/plain", "{ __typename }"),
        ("application/json", "\u{0}\u{0}"),
    ] {
        let response = server
            .http()
            .post(format!("{}/graphql", server.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{content_type} {body:?}: {}",
            response.status()
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(code(&body["errors"][0]), "VALIDATION");
    }
    server.stop().await;
}
