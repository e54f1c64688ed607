//! Operating Laurel: Prometheus metrics, readiness, request ids and JSON logs.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use laurel_tests::{Org, TestServer, q};
use openmetrics_parser::{
    HistogramValue, MetricsExposition, OpenMetricsType, OpenMetricsValue,
    openmetrics::parse_openmetrics,
};
use serde_json::{Value, json};

type Scrape = MetricsExposition<OpenMetricsType, OpenMetricsValue>;

/// `GET /metrics`, parsed by an OpenMetrics parser (which refuses a malformed exposition).
async fn scrape(server: &TestServer) -> Scrape {
    let response = server
        .http()
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/openmetrics-text; version=1.0.0"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    parse_openmetrics(&text).unwrap_or_else(|e| panic!("not OpenMetrics: {e:?}\n{text}"))
}

/// The value of `family`'s sample whose labels are exactly `labels`, if there is one.
fn sample<'a>(
    scrape: &'a Scrape,
    family: &str,
    labels: &[(&str, &str)],
) -> Option<&'a OpenMetricsValue> {
    // A family nothing was counted in yet is left out.
    let family = scrape.families.get(family)?;
    let mut wanted: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    wanted.sort();
    family
        .iter_samples()
        .find(|s| {
            let mut got: Vec<(String, String)> = s
                .get_labelset()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            got.sort();
            got == wanted
        })
        .map(|s| &s.value)
}

/// A counter's value (0 when the series does not exist yet).
fn counter(scrape: &Scrape, family: &str, labels: &[(&str, &str)]) -> f64 {
    match sample(scrape, family, labels) {
        None => 0.0,
        Some(OpenMetricsValue::Counter(c)) => c.value.as_f64(),
        Some(other) => panic!("{family} is not a counter: {other:?}"),
    }
}

fn gauge(scrape: &Scrape, family: &str, labels: &[(&str, &str)]) -> f64 {
    match sample(scrape, family, labels) {
        Some(OpenMetricsValue::Gauge(g)) => g.as_f64(),
        other => panic!("{family} {labels:?} is not a gauge: {other:?}"),
    }
}

fn histogram(scrape: &Scrape, family: &str, labels: &[(&str, &str)]) -> HistogramValue {
    match sample(scrape, family, labels) {
        Some(OpenMetricsValue::Histogram(h)) => h.clone(),
        other => panic!("{family} {labels:?} is not a histogram: {other:?}"),
    }
}

fn count(h: &HistogramValue) -> u64 {
    h.count.unwrap()
}

const ACHIEVEMENT: &str = "Hoàn thành xuất sắc nhiệm vụ năm 2024.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_graphql_outcomes_routes_the_pool_and_certificates() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (id, version) = org.submitted(&server, ACHIEVEMENT).await;
    let before = scrape(&server).await;

    // Two units created, one refused (inside an HTTP 200), one document that is not valid.
    for code in ["DV1", "DV2"] {
        server
            .create_unit(
                &org.admin,
                "Đơn vị mới",
                code,
                "Trưởng phòng",
                Some(&org.province),
            )
            .await;
    }
    let refused = server
        .err(
            Some(&org.clerk),
            q!("create_unit"),
            json!({ "input": { "name": "Đơn vị khác", "code": "DV3" } }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN");
    let invalid = server.err(None, "{ noSuchField }", json!({})).await;
    assert_eq!(invalid["extensions"]["code"], "VALIDATION");
    // A body that is no GraphQL request is refused before the schema runs.
    let not_json = server
        .http()
        .post(format!("{}/graphql", server.base))
        .header("content-type", "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);

    // Plain routes: twice the liveness probe, a document that cannot exist.
    for _ in 0..2 {
        let health = server
            .http()
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
    }
    let missing = server
        .http()
        .get(format!("{}/documents/not-an-id", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // A certificate: refused without a token, then rendered for the clerk.
    let signed = server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": {
                "nominations": [{ "id": id, "expectedVersion": version }],
                "capacity": "KT",
                "signerTitle": "Phó Giám đốc",
            } }),
        )
        .await;
    let decision = signed["signDecision"]["decision"]["id"].clone();
    let issued = server
        .ok(
            Some(&org.signer),
            q!("issue_certificates"),
            json!({ "decisionId": decision }),
        )
        .await;
    let pdf_url = format!(
        "{}{}",
        server.base,
        issued["issueCertificates"]["certificates"][0]["pdfUrl"]
            .as_str()
            .unwrap()
    );
    let anonymous = server.http().get(&pdf_url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let pdf = server
        .http()
        .get(&pdf_url)
        .bearer_auth(&org.clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let etag = pdf.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag.len(), 66, "{etag}");
    assert_eq!(pdf.headers()["cache-control"], "private, no-store");
    let first = pdf.bytes().await.unwrap();
    assert!(first.starts_with(b"%PDF"));
    // Downloaded again: the same bytes and tag, kept from the first render, not laid out again.
    let again = server
        .http()
        .get(&pdf_url)
        .bearer_auth(&org.clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(again.bytes().await.unwrap(), first);
    // A client that has it gets 304 and no body; one with another tag gets the PDF; the tag
    // opens nothing to someone who may not read the certificate.
    let unchanged = server
        .http()
        .get(&pdf_url)
        .bearer_auth(&org.clerk)
        .header("if-none-match", format!("W/\"0\", {etag}"))
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()["etag"].to_str().unwrap(), etag);
    assert!(unchanged.bytes().await.unwrap().is_empty());
    let stale = server
        .http()
        .get(&pdf_url)
        .bearer_auth(&org.clerk)
        .header("if-none-match", "\"0\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
    assert_eq!(stale.bytes().await.unwrap(), first);
    let anonymous = server
        .http()
        .get(&pdf_url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let after = scrape(&server).await;
    let delta = |family: &str, labels: &[(&str, &str)]| {
        counter(&after, family, labels) - counter(&before, family, labels)
    };
    let graphql = |operation: &'static str, outcome: &'static str| {
        delta(
            "laurel_graphql_requests",
            &[("operation", operation), ("outcome", outcome)],
        )
    };
    assert_eq!(graphql("CreateUnit", "ok"), 2.0);
    assert_eq!(graphql("CreateUnit", "FORBIDDEN"), 1.0);
    assert_eq!(graphql("noSuchField", "VALIDATION"), 1.0);
    assert_eq!(graphql("anonymous", "VALIDATION"), 1.0);
    assert_eq!(graphql("SignDecision", "ok"), 1.0);
    assert_eq!(graphql("IssueCertificates", "ok"), 1.0);

    // The histogram counted the same three CreateUnit requests, in cumulative buckets.
    let family = "laurel_graphql_request_duration_seconds";
    let created = histogram(&after, family, &[("operation", "CreateUnit")]);
    let created_before = histogram(&before, family, &[("operation", "CreateUnit")]);
    assert_eq!(count(&created) - count(&created_before), 3);
    assert!(created.sum.unwrap().as_f64() > created_before.sum.unwrap().as_f64());
    let buckets: Vec<f64> = created.buckets.iter().map(|b| b.count.as_f64()).collect();
    assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{buckets:?}");
    let last = created.buckets.last().unwrap();
    assert!(last.upper_bound.is_infinite());
    let total = count(&created) as f64;
    assert_eq!(last.count.as_f64(), total);

    // Plain routes by template, never by path.
    let http = |route: &'static str, status: &'static str| {
        delta(
            "laurel_http_requests",
            &[("route", route), ("status", status)],
        )
    };
    assert_eq!(http("/healthz", "200"), 2.0);
    assert_eq!(http("/documents/{id}", "404"), 1.0);
    assert_eq!(http("/certificates/{id}.pdf", "401"), 2.0);
    assert_eq!(http("/certificates/{id}.pdf", "200"), 3.0);
    assert_eq!(http("/certificates/{id}.pdf", "304"), 1.0);
    // The scrape before this one.
    assert_eq!(http("/metrics", "200"), 1.0);
    let routes: Vec<String> = after.families["laurel_http_requests"]
        .iter_samples()
        .map(|s| {
            s.get_labelset()
                .unwrap()
                .iter()
                .find(|(k, _)| *k == "route")
                .unwrap()
                .1
                .clone()
        })
        .collect();
    for route in &routes {
        assert!(
            [
                "/healthz",
                "/metrics",
                "/documents/{id}",
                "/certificates/{id}.pdf"
            ]
            .contains(&route.as_str()),
            "{route}"
        );
    }

    // Four downloads and a 304: one render.
    assert_eq!(delta("laurel_certificates_rendered", &[]), 1.0);
    let served = |source: &'static str| delta("laurel_certificates_served", &[("source", source)]);
    assert_eq!(served("rendered"), 1.0);
    assert_eq!(served("kept"), 2.0);
    assert_eq!(served("unchanged"), 1.0);

    // The pool's gauges are read when scraped: a transaction held open is one in use.
    let pool = |scrape: &Scrape, state: &'static str| {
        gauge(scrape, "laurel_db_pool_connections", &[("state", state)])
    };
    assert!(pool(&after, "in_use") + pool(&after, "idle") >= 1.0);
    let held = server.store().write().await.unwrap();
    let during = scrape(&server).await;
    assert!(pool(&during, "in_use") >= 1.0);
    held.rollback().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_while_the_database_answers_and_not_once_it_is_gone() {
    let server = TestServer::start().await;
    let get = |path: &str| server.http().get(format!("{}{path}", server.base)).send();
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    // Closing the store's pool cuts the server off its database.
    server.store().clone().close().await.unwrap();
    let unready = get("/readyz").await.unwrap();
    assert_eq!(unready.status(), 503);
    assert_eq!(unready.text().await.unwrap(), "database unavailable");
    // Alive all the same, and still telling what it counts: a closed pool holds no connection
    // (`close` returns once every connection lent out has come back and been closed).
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let scraped = scrape(&server).await;
    for state in ["in_use", "idle"] {
        assert_eq!(
            gauge(&scraped, "laurel_db_pool_connections", &[("state", state)]),
            0.0
        );
    }
    assert_eq!(
        counter(
            &scraped,
            "laurel_http_requests",
            &[("route", "/readyz"), ("status", "503")]
        ),
        1.0
    );
    server.stop().await;
}

/// Log lines written by the subscriber under test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The log lines of this test binary from the first call on, as `laurel serve
/// --log-format json` writes them. Global: a subscriber set for one thread would miss events
/// whose call sites other tests' threads saw first (tracing caches that nobody listens).
fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        tracing::subscriber::set_global_default(laurel::log_subscriber(
            laurel::LogFormat::Json,
            Some("warn,poem::middleware=info"),
            move || writer.clone(),
        ))
        .unwrap();
        captured
    })
}

fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id_and_so_do_its_json_log_lines() {
    let captured = captured_logs();
    let server = TestServer::start().await;
    let get = |path: &str, id: Option<&str>| {
        let mut request = server.http().get(format!("{}{path}", server.base));
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        request.send()
    };

    // A sane id comes back as it was sent.
    let kept = get("/healthz", Some("abc-123")).await.unwrap();
    assert_eq!(request_id(&kept), "abc-123");
    // None, or one that is not sane: a new one each time.
    let first = request_id(&get("/healthz", None).await.unwrap());
    let second = request_id(&get("/healthz", None).await.unwrap());
    assert_ne!(first, second);
    for id in [&first, &second] {
        uuid::Uuid::parse_str(id).unwrap();
    }
    for insane in ["has space", &"x".repeat(65), "semi;colon", "a/b"] {
        let replaced = request_id(&get("/healthz", Some(insane)).await.unwrap());
        assert_ne!(replaced, insane);
        uuid::Uuid::parse_str(&replaced).unwrap();
    }
    // Errors carry it too: no such route, a body that is no GraphQL request.
    let not_found = get("/no-such-route", Some("err-1")).await.unwrap();
    assert_eq!(not_found.status(), 404);
    assert_eq!(request_id(&not_found), "err-1");
    let bad = server
        .http()
        .post(format!("{}/graphql", server.base))
        .header("x-request-id", "err-2")
        .header("content-type", "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(request_id(&bad), "err-2");
    server.stop().await;

    // One JSON object per line; a request's line carries its id in its spans.
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let of_request = |id: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|line| {
                line["spans"]
                    .as_array()
                    .is_some_and(|spans| spans.iter().any(|s| s["request_id"] == id))
            })
            .collect()
    };
    let kept = of_request("abc-123");
    assert!(
        kept.iter()
            .any(|l| l["fields"]["message"] == "response" && l["fields"]["status"] == "200 OK"),
        "{kept:?}"
    );
    let not_found = of_request("err-1");
    assert!(
        not_found
            .iter()
            .any(|l| l["fields"]["status"] == "404 Not Found"),
        "{not_found:?}"
    );
    let refused = of_request("err-2");
    assert!(
        refused
            .iter()
            .any(|l| l["fields"]["status"] == "400 Bad Request"),
        "{refused:?}"
    );
    assert!(!of_request(&first).is_empty());
}
