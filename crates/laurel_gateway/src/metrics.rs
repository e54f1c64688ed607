//! Prometheus metrics: one [`Metrics`] per server, served at `GET /metrics` in the OpenMetrics
//! text format (prometheus-client). Knows nothing of poem: the server counts plain HTTP routes
//! and certificates through its methods, and GraphQL requests are counted by an async-graphql
//! extension ([`Metrics::extension`]) that sees every executed request and its errors.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `laurel_graphql_requests_total` | counter | `operation`, `outcome` (`ok`, `replayed`, or the first error's `extensions.code`) |
//! | `laurel_graphql_request_duration_seconds` | histogram | `operation` |
//! | `laurel_http_requests_total` | counter | `route` (the template, e.g. `/certificates/{id}.pdf`), `status` |
//! | `laurel_db_pool_connections` | gauge, read at scrape time | `state` (`in_use`, `idle`) |
//! | `laurel_certificates_rendered_total` | counter | |
//! | `laurel_certificates_served_total` | counter | `source` (`rendered` now, `kept` from an earlier render, `unchanged`: a 304) |
//! | `laurel_outbox_backlog` | gauge, set by the dispatcher | `state` (`unfanned` events, `pending` and `parked` deliveries) |
//! | `laurel_webhook_attempts_total` | counter | `outcome` (`delivered`, `failed`, `parked`) |
//! | `laurel_notifications_total` | counter | `outcome` (`sent`, `failed`, `given_up`, `dropped`), one per notification |
//! | `laurel_notification_backlog` | gauge, set by the notifier | `state` (`pending`, `given_up`) |
//!
//! Label values are bounded: an operation is named by the GraphQL operation's name, else the
//! first root field of an anonymous operation, else `anonymous`; a name that is not
//! `[A-Za-z_][A-Za-z0-9_]{0,63}`, or that arrives after [`MAX_OPERATIONS`] other names were
//! seen, is counted as `other`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{Request, Response, ServerResult, Value, Variables};
use laurel_store::Store;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// How many distinct operation names are counted apart; later ones count as `other`, so a
/// client inventing names cannot grow the metrics without bound.
pub const MAX_OPERATIONS: usize = 256;

/// The label of requests whose operation could not be told.
const ANONYMOUS: &str = "anonymous";
/// The label of names refused as labels.
const OTHER: &str = "other";

/// Why the metrics could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The encoder failed to write (it writes to a string, so this is a bug in a metric).
    #[error("encoding the metrics failed")]
    Encode(#[from] std::fmt::Error),
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GraphqlLabels {
    operation: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// Laurel's metrics and the registry that renders them.
///
/// To add a metric: a field here, one `registry.register…` line in [`Metrics::new`], then
/// - a counter (or counter family): a method that increments it, called where the thing
///   happens (any code holding the server's `Arc<Metrics>`, see `AppState::metrics`);
/// - a gauge some task owns (e.g. an outbox worker's backlog after each poll): a method that
///   sets it, called by that task;
/// - a gauge read at scrape time (like the pool's): one line in `Metrics::refresh`.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    graphql_requests: Family<GraphqlLabels, Counter>,
    graphql_duration: Family<OperationLabels, Histogram, fn() -> Histogram>,
    http_requests: Family<HttpLabels, Counter>,
    db_pool: Family<PoolLabels, Gauge>,
    certificates_rendered: Counter,
    certificates_served: Family<SourceLabels, Counter>,
    outbox_backlog: Family<PoolLabels, Gauge>,
    webhook_attempts: Family<OutcomeLabels, Counter>,
    notifications: Family<OutcomeLabels, Counter>,
    notification_backlog: Family<PoolLabels, Gauge>,
    /// Operation names counted apart so far (at most [`MAX_OPERATIONS`]).
    operations: Mutex<HashSet<String>>,
}

/// Request durations from 1 ms to about 16 s, doubling.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric at zero, registered under the `laurel_` prefix.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("laurel");
        let graphql_requests = Family::<GraphqlLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation and outcome (ok, or the first error's code)",
            graphql_requests.clone(),
        );
        let graphql_duration =
            Family::<OperationLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                duration_histogram,
            );
        // Named with its unit rather than registered with one: a `# UNIT` line on a
        // histogram is valid OpenMetrics but refused by some parsers, and says nothing more.
        registry.register(
            "graphql_request_duration_seconds",
            "Time to answer a GraphQL request, by operation",
            graphql_duration.clone(),
        );
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests to the routes other than POST /graphql, by route template and status",
            http_requests.clone(),
        );
        let db_pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "The database pools' open connections (on SQLite, the readers' and the writer's), in use or idle",
            db_pool.clone(),
        );
        let certificates_rendered = Counter::default();
        registry.register(
            "certificates_rendered",
            "Certificate PDFs rendered (not those served as kept from an earlier render)",
            certificates_rendered.clone(),
        );
        let certificates_served = Family::<SourceLabels, Counter>::default();
        registry.register(
            "certificates_served",
            "Certificate PDFs served, by where they came from",
            certificates_served.clone(),
        );
        let outbox_backlog = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "outbox_backlog",
            "Events not yet fanned out to webhooks, and webhook deliveries pending or parked",
            outbox_backlog.clone(),
        );
        let webhook_attempts = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts by this process, by outcome",
            webhook_attempts.clone(),
        );
        let notifications = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "notifications",
            "E-mail notifications handled by this process, by outcome",
            notifications.clone(),
        );
        let notification_backlog = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "notification_backlog",
            "E-mail notifications waiting to be sent, and those given up on",
            notification_backlog.clone(),
        );
        Metrics {
            registry,
            graphql_requests,
            graphql_duration,
            http_requests,
            db_pool,
            certificates_rendered,
            certificates_served,
            outbox_backlog,
            webhook_attempts,
            notifications,
            notification_backlog,
            operations: Mutex::new(HashSet::new()),
        }
    }

    /// The async-graphql extension that counts every request the schema executes. Register
    /// it before any extension that rewrites errors, so it sees the final codes.
    pub fn extension(self: &Arc<Self>) -> GraphqlMetrics {
        GraphqlMetrics(Arc::clone(self))
    }

    /// Counts one GraphQL request: `operation` as named (or `None`: `anonymous`), `outcome`
    /// `ok` or an error code.
    pub fn graphql_request(&self, operation: Option<&str>, outcome: &str, elapsed: Duration) {
        let operation = match operation {
            Some(name) => self.operation_label(name),
            None => ANONYMOUS.to_string(),
        };
        let outcome = if is_label(outcome) { outcome } else { OTHER };
        self.graphql_requests
            .get_or_create(&GraphqlLabels {
                operation: operation.clone(),
                outcome: outcome.to_string(),
            })
            .inc();
        self.graphql_duration
            .get_or_create(&OperationLabels { operation })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one answer of a plain HTTP route, by its template (never a path with ids).
    pub fn http_request(&self, route: &'static str, status: u16) {
        self.http_requests
            .get_or_create(&HttpLabels { route, status })
            .inc();
    }

    /// Counts one certificate PDF rendered.
    pub fn certificate_rendered(&self) {
        self.certificates_rendered.inc();
    }

    /// Counts one certificate PDF served: `rendered`, `kept` or `unchanged` (a 304).
    pub fn certificate_served(&self, source: &'static str) {
        self.certificates_served
            .get_or_create(&SourceLabels { source })
            .inc();
    }

    /// The outbox's backlog, as the dispatcher last read it.
    pub fn outbox_backlog(&self, unfanned: u64, pending: u64, parked: u64) {
        for (state, n) in [
            ("unfanned", unfanned),
            ("pending", pending),
            ("parked", parked),
        ] {
            self.outbox_backlog
                .get_or_create(&PoolLabels { state })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    /// `n` notifications came to `outcome`: `sent`, `failed` (to be retried), `given_up` or
    /// `dropped` (the account opted out or has no address).
    pub fn notifications(&self, outcome: &'static str, n: usize) {
        self.notifications
            .get_or_create(&OutcomeLabels { outcome })
            .inc_by(u64::try_from(n).unwrap_or(u64::MAX));
    }

    /// The notifications' backlog, as the notifier last read it.
    pub fn notification_backlog(&self, pending: u64, given_up: u64) {
        for (state, n) in [("pending", pending), ("given_up", given_up)] {
            self.notification_backlog
                .get_or_create(&PoolLabels { state })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    /// A webhook delivery attempt: `delivered`, `failed` (to be retried) or `parked`.
    pub fn webhook_attempt(&self, outcome: &'static str) {
        self.webhook_attempts
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// Reads the values taken at scrape time.
    fn refresh(&self, store: &Store) {
        let pool = store.pool_status();
        self.db_pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(i64::from(pool.in_use));
        self.db_pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(i64::from(pool.idle));
    }

    /// Every metric, with the scrape-time ones read from `store` now, as OpenMetrics text
    /// (served as [`CONTENT_TYPE`]).
    pub fn render(&self, store: &Store) -> Result<String, MetricsError> {
        self.refresh(store);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// `name` if it may be a label value and is among the first [`MAX_OPERATIONS`] names,
    /// else `other`.
    fn operation_label(&self, name: &str) -> String {
        if !is_label(name) {
            return OTHER.to_string();
        }
        let mut seen = self
            .operations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if seen.contains(name) {
            name.to_string()
        } else if seen.len() < MAX_OPERATIONS {
            seen.insert(name.to_string());
            name.to_string()
        } else {
            OTHER.to_string()
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]{0,63}`.
fn is_label(value: &str) -> bool {
    let mut chars = value.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && value.len() <= 64
}

/// How a request is labelled when the server answers it without running it (refused before
/// execution, or replayed for an `Idempotency-Key`): as the schema's extension would.
pub fn operation_name(query: &str, requested: Option<&str>) -> Option<String> {
    async_graphql::parser::parse_query(query)
        .ok()
        .and_then(|document| operation_of(&document, requested))
        .or_else(|| requested.map(str::to_owned))
}

/// The operation a document runs: the one `requested` names, the only named one, or the first
/// root field of an anonymous one (through fragments).
fn operation_of(document: &ExecutableDocument, requested: Option<&str>) -> Option<String> {
    match &document.operations {
        DocumentOperations::Multiple(operations) => match requested {
            Some(name) => operations
                .keys()
                .find(|key| key.as_str() == name)
                .map(|key| key.to_string()),
            None if operations.len() == 1 => operations.keys().next().map(|key| key.to_string()),
            None => None,
        },
        DocumentOperations::Single(operation) => {
            let mut selections = &operation.node.selection_set.node;
            // Fragments may nest, or (in an invalid document, not validated yet) loop.
            for _ in 0..8 {
                match &selections.items.first()?.node {
                    Selection::Field(field) => return Some(field.node.name.node.to_string()),
                    Selection::InlineFragment(fragment) => {
                        selections = &fragment.node.selection_set.node;
                    }
                    Selection::FragmentSpread(spread) => {
                        selections = &document
                            .fragments
                            .get(&spread.node.fragment_name.node)?
                            .node
                            .selection_set
                            .node;
                    }
                }
            }
            None
        }
    }
}

/// The async-graphql extension counting requests into [`Metrics`] (see [`Metrics::extension`]).
#[derive(Debug)]
pub struct GraphqlMetrics(Arc<Metrics>);

impl ExtensionFactory for GraphqlMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestMetrics {
            metrics: Arc::clone(&self.0),
            requested: OnceLock::new(),
            operation: OnceLock::new(),
        })
    }
}

/// One request's view: the operation name as the request gave it, then as the parsed document
/// tells it.
struct RequestMetrics {
    metrics: Arc<Metrics>,
    requested: OnceLock<String>,
    operation: OnceLock<String>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestMetrics {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let outcome = match response.errors.first() {
            None => "ok",
            Some(error) => match error.extensions.as_ref().and_then(|ext| ext.get("code")) {
                Some(Value::String(code)) => code.as_str(),
                _ => OTHER,
            },
        };
        let operation = self.operation.get().or_else(|| self.requested.get());
        self.metrics
            .graphql_request(operation.map(String::as_str), outcome, started.elapsed());
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(name) = &request.operation_name {
            let _ = self.requested.set(name.clone());
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Some(name) = operation_of(&document, self.requested.get().map(String::as_str)) {
            let _ = self.operation.set(name);
        }
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(query: &str, requested: Option<&str>) -> Option<String> {
        let document = async_graphql::parser::parse_query(query).expect("a valid document");
        operation_of(&document, requested)
    }

    #[test]
    fn an_operation_is_named_by_its_name_else_its_first_root_field() {
        assert_eq!(
            operation("mutation Login { login { token } }", None).as_deref(),
            Some("Login")
        );
        assert_eq!(
            operation("query A { a } query B { b }", Some("B")).as_deref(),
            Some("B")
        );
        assert_eq!(operation("query A { a } query B { b }", None), None);
        assert_eq!(operation("query A { a }", Some("Z")), None);
        assert_eq!(
            operation("{ nominations { id } me { id } }", None).as_deref(),
            Some("nominations")
        );
        assert_eq!(
            operation("{ ... on Query { me { id } } }", None).as_deref(),
            Some("me")
        );
        assert_eq!(
            operation("{ ...F } fragment F on Query { rulesets { code } }", None).as_deref(),
            Some("rulesets")
        );
        assert_eq!(
            operation("{ ...F } fragment F on Query { ...F }", None),
            None
        );
    }

    #[test]
    fn label_values_are_bounded_names() {
        assert!(is_label("Login"));
        assert!(is_label("_x9"));
        assert!(is_label(&"a".repeat(64)));
        assert!(!is_label(&"a".repeat(65)));
        assert!(!is_label("9lives"));
        assert!(!is_label(""));
        assert!(!is_label("drop table"));
        assert!(!is_label("Đăng_nhập"));
    }

    #[test]
    fn operation_names_beyond_the_limit_count_as_other() {
        let metrics = Metrics::new();
        for i in 0..MAX_OPERATIONS {
            assert_eq!(metrics.operation_label(&format!("op{i}")), format!("op{i}"));
        }
        assert_eq!(metrics.operation_label("oneTooMany"), "other");
        assert_eq!(metrics.operation_label("op0"), "op0");
        assert_eq!(metrics.operation_label("not a name"), "other");
    }
}
