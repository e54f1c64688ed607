//! Subscriptions over WebSocket: a subscriber sees the events of the nominations it may read,
//! and none of the others.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use laurel_tests::{Org, TestServer};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection as `token` and subscribes to `query`.
async fn subscribe(server: &TestServer, token: &str, query: &str) -> Socket {
    subscribe_with(server, json!({ "token": token }), query).await
}

/// Opens a graphql-transport-ws connection with `init` as its `connection_init` payload and
/// subscribes to `query`.
async fn subscribe_with(server: &TestServer, init: Value, query: &str) -> Socket {
    let mut request = format!("{}/graphql/ws", server.base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |v: Value| Message::Text(v.to_string().into());
    socket
        .send(send(json!({ "type": "connection_init", "payload": init })))
        .await
        .unwrap();
    let ack = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
        .send(send(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
        ))
        .await
        .unwrap();
    socket
}

/// The next JSON message within `wait`, if any.
async fn next_json(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(other) => panic!("unexpected: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_sees_the_events_of_its_scope_and_none_outside_it() {
    let server = TestServer::start_with(|c| c.webhooks.poll = Duration::from_millis(50)).await;
    let org = Org::create(&server).await;
    let query = "subscription { nominationEvents { id kind nominationId actorId payload } }";
    // The head of Phòng Tham mưu reads its nominations; the head of PC02 does not.
    // As GraphiQL connects: the headers of its Headers tab are the connection's payload.
    let mut inside = subscribe_with(
        &server,
        json!({ "authorization": format!("Bearer {}", org.head) }),
        query,
    )
    .await;
    let mut outside = subscribe(&server, &org.other_head, query).await;
    // Only submissions, and only under Phòng Tham mưu.
    let mut filtered = subscribe(
        &server,
        &org.head,
        &format!(
            "subscription {{ nominationEvents(kinds: [\"NOMINATION_SUBMITTED\"], unitId: \"{}\") {{ kind nominationId }} }}",
            org.staff
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (id, _) = org
        .draft(&server, &org.huyen, "Thành tích theo dõi trực tiếp")
        .await;
    let event = next_json(&mut inside, Duration::from_secs(10))
        .await
        .expect("the head of the unit hears of the draft");
    assert_eq!(event["type"], "next", "{event}");
    let data = &event["payload"]["data"]["nominationEvents"];
    assert_eq!(data["kind"], "NOMINATION_CREATED");
    assert_eq!(data["nominationId"], id.as_str());
    assert_eq!(data["actorId"], org.accounts["clerk.ptm"].as_str());
    let payload: Value = serde_json::from_str(data["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["entityId"], id.as_str());
    // A draft is not a submission.
    assert_eq!(
        next_json(&mut filtered, Duration::from_millis(500)).await,
        None
    );
    // The province's office hears its queue change when the submission arrives.
    let mut office_queue = subscribe(
        &server,
        &org.office,
        "subscription { workQueueChanged { nominationId kind inQueue } }",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A submission reaches the filtered subscription.
    let someone = org.person(&server, "Lê Văn Nộp").await;
    let (submitted, _) = org
        .just_submitted(&server, &someone, "Thành tích được trình")
        .await;
    let event = next_json(&mut filtered, Duration::from_secs(10))
        .await
        .expect("the submission is heard");
    let data = &event["payload"]["data"]["nominationEvents"];
    assert_eq!(data["kind"], "NOMINATION_SUBMITTED", "{event}");
    assert_eq!(data["nominationId"], submitted.as_str());
    let change = loop {
        let event = next_json(&mut office_queue, Duration::from_secs(10))
            .await
            .expect("the office's queue changed");
        let change = event["payload"]["data"]["workQueueChanged"].clone();
        if change["nominationId"] == submitted.as_str() && change["inQueue"] == true {
            break change;
        }
    };
    // The queue is read when an event arrives: the change shows with the event that revealed
    // it (the submission, or an event of the same nomination just before it).
    assert!(
        [
            "NOMINATION_SUBMITTED",
            "DOCUMENT_ATTACHED",
            "NOMINATION_CREATED"
        ]
        .contains(&change["kind"].as_str().unwrap()),
        "{change}"
    );
    // Nothing reaches the head of another unit.
    assert_eq!(
        next_json(&mut outside, Duration::from_millis(1000)).await,
        None
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_ends_when_its_session_does() {
    let server = TestServer::start_with(|c| c.webhooks.poll = Duration::from_millis(50)).await;
    let org = Org::create(&server).await;
    // The head of Phòng Tham mưu, on a session of its own, follows the unit's nominations.
    let session = server.login("head.ptm", laurel_tests::PASSWORD).await;
    // Only subscriptions run over the socket: a query or a mutation there would act on the
    // session as it was when the socket opened.
    for other in ["{ me { username } }", "mutation { logout { loggedOut } }"] {
        let mut socket = subscribe(&server, &session, other).await;
        let answer = next_json(&mut socket, Duration::from_secs(10))
            .await
            .expect("an answer");
        assert!(
            answer
                .to_string()
                .contains("Only subscriptions run over /graphql/ws"),
            "{answer}"
        );
    }
    let query = "subscription { nominationEvents { kind nominationId } }";
    let mut socket = subscribe(&server, &session, query).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    org.draft(&server, &org.huyen, "Trước khi đăng xuất").await;
    let event = next_json(&mut socket, Duration::from_secs(10))
        .await
        .expect("heard while signed in");
    assert_eq!(event["type"], "next", "{event}");

    // Logged out (say, on another tab): the next event it would deliver ends the subscription
    // instead of reaching a caller who is no longer signed in.
    server
        .ok(
            Some(&session),
            "mutation { logout { loggedOut } }",
            json!({}),
        )
        .await;
    let (after, _) = org.draft(&server, &org.huyen, "Sau khi đăng xuất").await;
    let event = next_json(&mut socket, Duration::from_secs(10))
        .await
        .expect("told why it ends");
    assert_eq!(event["type"], "next", "{event}");
    let errors = &event["payload"]["errors"];
    assert_eq!(
        errors[0]["extensions"]["code"], "UNAUTHENTICATED",
        "{event}"
    );
    assert!(!event.to_string().contains(after.as_str()), "{event}");
    let complete = next_json(&mut socket, Duration::from_secs(10))
        .await
        .expect("completed");
    assert_eq!(complete["type"], "complete", "{complete}");
    server.stop().await;
}
