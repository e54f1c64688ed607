//! Idempotency: a state-changing request sent again with the same `Idempotency-Key` by the
//! same account gets the first answer back and changes nothing, even when the copies race.

use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};

/// POSTs `createPerson` for `name` with `key`; returns the status, whether it was a replay,
/// and the body.
async fn create_person(
    server: &TestServer,
    token: Option<&str>,
    key: &str,
    unit: &str,
    name: &str,
) -> (u16, bool, Value) {
    let mut request = server
        .http()
        .post(format!("{}/graphql", server.base))
        .header("Idempotency-Key", key)
        .json(&json!({
            "query": q!("create_person"),
            "variables": { "input": { "fullName": name, "unitId": unit } },
        }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("Idempotent-Replayed");
    (status, replayed, response.json().await.unwrap())
}

async fn people_named(server: &TestServer, name: &str) -> usize {
    laurel_store::testing::select_text(
        server.store(),
        &format!("SELECT full_name FROM person WHERE full_name = '{name}'"),
    )
    .await
    .unwrap()
    .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_mutation_sent_twice_at_once_with_one_key_takes_effect_once() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let name = "Nguyễn Văn Một Lần";
    let (a, b) = tokio::join!(
        create_person(&server, Some(&org.admin), "tao-nguoi-1", &org.staff, name),
        create_person(&server, Some(&org.admin), "tao-nguoi-1", &org.staff, name),
    );
    assert_eq!((a.0, b.0), (200, 200));
    assert!(a.2.get("errors").is_none(), "{}", a.2);
    // One ran, the other got its answer.
    assert_eq!(a.2, b.2);
    assert!(a.1 != b.1, "exactly one is a replay: {a:?} {b:?}");
    assert_eq!(people_named(&server, name).await, 1);

    // Later, the same again: the first answer, nothing new.
    let again = create_person(&server, Some(&org.admin), "tao-nguoi-1", &org.staff, name).await;
    assert_eq!((again.0, again.1), (200, true));
    assert_eq!(again.2, a.2);
    assert_eq!(people_named(&server, name).await, 1);

    // The same key for another request is refused, and changes nothing.
    let other = create_person(
        &server,
        Some(&org.admin),
        "tao-nguoi-1",
        &org.staff,
        "Người Khác",
    )
    .await;
    assert_eq!(other.0, 409);
    assert_eq!(other.2["errors"][0]["extensions"]["code"], "CONFLICT");
    assert!(other.2["errors"][0]["extensions"]["messageVi"].is_string());
    assert_eq!(people_named(&server, "Người Khác").await, 0);

    // Keys belong to an account: another account's same key is its own.
    let clerk = create_person(&server, Some(&org.clerk), "tao-nguoi-1", &org.staff, name).await;
    assert_eq!((clerk.0, clerk.1), (200, false));
    assert!(clerk.2.get("errors").is_none(), "{}", clerk.2);
    assert_eq!(people_named(&server, name).await, 2);

    // Without an account there is nothing to key on; a malformed key is refused.
    let anonymous = create_person(&server, None, "tao-nguoi-2", &org.staff, "Ẩn Danh").await;
    assert_eq!(anonymous.0, 401);
    let malformed = create_person(
        &server,
        Some(&org.admin),
        "khóa có dấu",
        &org.staff,
        "Sai Khóa",
    )
    .await;
    assert_eq!(malformed.0, 400);
    assert_eq!(malformed.2["errors"][0]["extensions"]["code"], "VALIDATION");
    assert_eq!(people_named(&server, "Sai Khóa").await, 0);

    // Metrics name every one of them by its operation, replays too.
    let metrics = server
        .http()
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let requests = |outcome: &str| -> f64 {
        metrics
            .lines()
            .find(|l| {
                l.starts_with("laurel_graphql_requests_total{")
                    && l.contains("operation=\"CreatePerson\"")
                    && l.contains(&format!("outcome=\"{outcome}\""))
            })
            .and_then(|l| l.rsplit(' ').next())
            .map_or(0.0, |v| v.parse().unwrap())
    };
    assert_eq!(requests("replayed"), 2.0, "{metrics}");
    assert_eq!(requests("CONFLICT"), 1.0, "{metrics}");
    assert_eq!(requests("UNAUTHENTICATED"), 1.0, "{metrics}");
    assert_eq!(requests("VALIDATION"), 1.0, "{metrics}");
    server.stop().await;
}
