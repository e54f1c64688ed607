//! The HTTP server (poem): the only module that knows HTTP.
//!
//! | route | what |
//! |---|---|
//! | `GET /graphql` | GraphiQL, to explore and try the API |
//! | `POST /graphql` | the GraphQL endpoint (one operation per request; no batching); uploads as GraphQL multipart requests |
//! | `GET /healthz` | 200 while the process serves |
//! | `GET /readyz` | 200 `ready` when the database answers `SELECT 1` within 2 s, else 503 and the reason |
//! | `GET /graphql/ws` | GraphQL subscriptions over WebSocket (graphql-transport-ws or graphql-ws; the token in `connection_init`'s payload) |
//! | `GET /metrics` | Prometheus metrics, OpenMetrics text (unauthenticated: keep it on an internal network; off with `--metrics false`) |
//! | `GET /certificates/{id}.pdf` | a certificate's PDF (bearer token; same visibility as the certificate); `?blank=true`: only its data, placed on the issuer's pre-printed blank |
//! | `GET /decisions/{id}.pdf` | a decision as a document (bearer token; whoever may read the decision) |
//! | `GET /decisions/{id}/certificates.pdf` | all valid certificates of a decision the caller may read, one per page, print-ready; `?blank=true` on the issuer's blanks |
//! | `GET /print-jobs/{id}.pdf` | a finished print job's PDF (bearer token; whoever started it) |
//! | `GET /units/{id}/blanks/{form}/calibration.pdf` | the calibration sheet of an issuer's blank of a certificate form |
//! | `GET /documents/{id}` | a dossier document (bearer token; same visibility as its nomination) |
//! | `GET /verify/{code}` | public verification: HTML for people, JSON when `Accept: application/json` |
//! | `GET /decisions/{id}/recipients.xlsx`, `…/recipients.csv` | a decision's recipients with their cash, for Excel (bearer token; whoever may read the decision) |
//! | `GET /imports/template.xlsx` | the template `importNominations` reads, listing the units the caller may propose for (bearer token) |
//! | `GET /exports/nominations.xlsx`, `….csv` (`?state=&issuerUnitId=&period=&awardKind=`) | the nominations the caller reads, with their stage, holder, deadline and decision (bearer token or the console's cookie) |
//! | `GET /reports/movements/{id}.xlsx`, `GET /reports/issuers/{id}/{year}.xlsx` | a report as an XLSX workbook with its chart (bearer token; the same visibility as `movementReport` and `awardReport`) |
//! | `GET /credentials/{code}.jwt` | the certificate as an Open Badges 3.0 credential, signed (public, limited like `/verify`) |
//! | `GET /issuers/{id}`, `…/keys/{kid}`, `…/achievements/{award}`, `…/status/{year}` | an issuer's OB 3.0 profile, public keys (JWK), awards and revocation lists (public; see [`crate::credentials`]) |
//!
//! Every request runs in a tracing span carrying its request id: the client's `X-Request-Id`
//! when it is 1 to 64 characters of `[A-Za-z0-9._-]`, else a new UUIDv7. The id is returned in
//! the response's `X-Request-Id`, errors included. poem's `Tracing` logs one line per request at
//! INFO inside that span. Routes other than `POST /graphql` are counted by their template in
//! `laurel_http_requests_total`; GraphQL requests are counted by the schema's metrics extension
//! (see [`crate::metrics`]), or here when refused before the schema runs.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::http::GraphiQLSource;
use async_graphql_poem::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use laurel_domain::Explain;
use laurel_domain::ids::CertificateId;
use laurel_store::{Read, Reservation};
use poem::http::{StatusCode, header};
use poem::listener::TcpAcceptor;
use poem::middleware::Tracing;
use poem::web::websocket::WebSocket;
use poem::web::{Data, Html, Json, Path, Query};
use poem::{
    Body, Endpoint, EndpointExt, IntoResponse, Middleware, Request, Response, Route, Server, get,
    handler,
};
use serde_json::json;
use tracing::Instrument as _;

use crate::auth;

mod credentials;
mod proxies;
mod reports;

use crate::edge::Clock;
use crate::error::OpsError;
use crate::feed::EventFeed;
use crate::metrics::{self, Metrics};
use crate::ops::{Ops, PdfSource, Verification};
use crate::schema::{self, LaurelSchema, RequestContext, Session};
pub use proxies::TrustedProxies;

/// Default limit on a request body: generous for any GraphQL document, far below what would
/// hurt (a 10 MB body is refused before it is read).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// An oversized body is still read (and thrown away) up to this size before Laurel answers 413,
/// so that the client, still uploading, receives the answer instead of a reset connection.
/// Beyond it the connection is simply closed.
const DRAIN_LIMIT_BYTES: usize = 64 * 1024 * 1024;

/// How long reading one request body may take.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

enum BodyRead {
    Complete(Vec<u8>),
    TooLarge,
    Failed(String),
}

/// Reads a body of at most `max` bytes; drains a larger one (up to [`DRAIN_LIMIT_BYTES`]).
async fn read_body(body: Body, max: usize) -> BodyRead {
    use tokio::io::AsyncReadExt;
    let mut reader = body.into_async_read();
    let mut data = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut seen = 0usize;
    let deadline = tokio::time::Instant::now() + BODY_READ_TIMEOUT;
    loop {
        let read = match tokio::time::timeout_at(deadline, reader.read(&mut buffer)).await {
            Ok(Ok(read)) => read,
            Ok(Err(e)) => return BodyRead::Failed(e.to_string()),
            Err(_) if seen > max => return BodyRead::TooLarge,
            Err(_) => return BodyRead::Failed("timed out".into()),
        };
        if read == 0 {
            break;
        }
        seen = seen.saturating_add(read);
        if seen <= max {
            data.extend_from_slice(&buffer[..read]);
        } else if seen > DRAIN_LIMIT_BYTES {
            return BodyRead::TooLarge;
        }
    }
    if seen > max {
        BodyRead::TooLarge
    } else {
        BodyRead::Complete(data)
    }
}

/// What the server shares between requests.
pub struct AppState {
    ops: Ops,
    schema: LaurelSchema,
    max_body_bytes: usize,
    /// Largest multipart request: one document and its GraphQL document.
    max_upload_bytes: usize,
    /// Where "now" is read.
    clock: Clock,
    /// What is counted, for `GET /metrics`.
    metrics: Arc<Metrics>,
    /// Whether `GET /metrics` is served.
    serve_metrics: bool,
    /// Whether callers without a session may introspect the schema.
    public_introspection: bool,
    /// Live events for subscriptions (fed by the dispatcher).
    feed: Arc<EventFeed>,
    /// Public verification lookups per client address (a code cannot be guessed by trying).
    verify_limits: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
    /// The web console, served under [`CONSOLE_PREFIX`] (with `/` leading to it) when set.
    console: Option<poem::endpoint::BoxEndpoint<'static>>,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    trusted_proxies: Arc<TrustedProxies>,
}

/// Where the web console is served; `/` redirects there.
pub const CONSOLE_PREFIX: &str = "/console";

/// The cookie carrying a web console session's token. Download links (`GET` only) accept it
/// in place of a bearer token, so that a browser can follow them; GraphQL does not, so a
/// cross-site form can never act with it.
pub const SESSION_COOKIE: &str = "laurel_session";

/// Verification lookups a client may make per minute (and at once).
pub const VERIFY_PER_MINUTE: u32 = 60;

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("ops", &self.ops)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The state for serving `ops`.
    pub fn new(ops: Ops, max_body_bytes: usize) -> AppState {
        let max_upload_bytes = ops
            .settings()
            .max_document_bytes
            .saturating_add(max_body_bytes);
        let metrics = Arc::new(Metrics::new());
        let feed = Arc::new(EventFeed::new());
        let per_minute =
            std::num::NonZeroU32::new(VERIFY_PER_MINUTE).unwrap_or(std::num::NonZeroU32::MIN);
        AppState {
            verify_limits: governor::RateLimiter::keyed(governor::Quota::per_minute(per_minute)),
            schema: schema::build(ops.clone(), &metrics, Arc::clone(&feed)),
            feed,
            ops,
            max_body_bytes,
            max_upload_bytes,
            clock: Clock::system(),
            metrics,
            serve_metrics: true,
            public_introspection: false,
            console: None,
            trusted_proxies: Arc::new(TrustedProxies::default()),
        }
    }

    /// The same state, serving `console` under [`CONSOLE_PREFIX`].
    #[must_use]
    pub fn with_console(mut self, console: poem::endpoint::BoxEndpoint<'static>) -> AppState {
        self.console = Some(console);
        self
    }

    /// A client running GraphQL requests in this process, as `POST /graphql` would: what the
    /// web console reads and acts through, so authorization and validation exist once.
    pub fn in_process(&self) -> InProcessGraphql {
        InProcessGraphql {
            schema: self.schema.clone(),
            ops: self.ops.clone(),
            clock: self.clock.clone(),
        }
    }

    /// The same state, letting callers without a session introspect the schema or not.
    #[must_use]
    pub fn public_introspection(mut self, allowed: bool) -> AppState {
        self.public_introspection = allowed;
        self
    }

    /// The same state, taking the client's address from `X-Forwarded-For` on connections
    /// from these reverse proxies.
    #[must_use]
    pub fn trusting_proxies(mut self, proxies: TrustedProxies) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// The same state, serving `GET /metrics` or not (the metrics are counted either way).
    #[must_use]
    pub fn serve_metrics(mut self, serve: bool) -> AppState {
        self.serve_metrics = serve;
        self
    }

    /// The live event feed: the dispatcher publishes to it.
    pub fn feed(&self) -> &Arc<EventFeed> {
        &self.feed
    }

    /// The server's metrics: clone it to count from elsewhere (a background task).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// The same state reading "now" from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> AppState {
        self.clock = clock;
        self
    }
}

/// Serves until `shutdown` completes, then finishes in-flight requests (up to 10 s).
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let acceptor = TcpAcceptor::from_tokio(listener)?;
    let mut state = state;
    let console = state.console.take();
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(
            routes(Arc::new(state), console),
            shutdown,
            Some(std::time::Duration::from_secs(10)),
        )
        .await
}

fn routes(
    state: Arc<AppState>,
    console: Option<poem::endpoint::BoxEndpoint<'static>>,
) -> impl poem::Endpoint {
    let counted = |route: &'static str| Counted {
        route,
        metrics: Arc::clone(&state.metrics),
    };
    let mut routes = Route::new()
        // POST is counted by GraphQL operation, GET (GraphiQL) here.
        .at(
            "/graphql",
            get(graphiql.with(counted("/graphql"))).post(graphql),
        )
        .at("/graphql/ws", get(graphql_ws).with(counted("/graphql/ws")))
        .at("/healthz", get(healthz).with(counted("/healthz")))
        .at("/readyz", get(readyz).with(counted("/readyz")))
        .at(
            "/certificates/:file",
            get(certificate_pdf).with(counted("/certificates/{id}.pdf")),
        )
        .at(
            "/decisions/:file",
            get(decision_pdf).with(counted("/decisions/{id}.pdf")),
        )
        .at(
            "/print-jobs/:file",
            get(print_job_pdf).with(counted("/print-jobs/{id}.pdf")),
        )
        .at(
            "/units/:unit/blanks/:form/calibration.pdf",
            get(calibration_pdf).with(counted("/units/{id}/blanks/{form}/calibration.pdf")),
        )
        .at(
            "/decisions/:id/certificates.pdf",
            get(certificates_pdf).with(counted("/decisions/{id}/certificates.pdf")),
        )
        .at(
            "/documents/:id",
            get(document).with(counted("/documents/{id}")),
        )
        .at(
            "/council-sessions/:id/minutes.pdf",
            get(minutes_pdf).with(counted("/council-sessions/{id}/minutes.pdf")),
        )
        .at("/verify/:code", get(verify).with(counted("/verify/{code}")))
        .at(
            "/decisions/:id/recipients.xlsx",
            get(reports::recipients_xlsx).with(counted("/decisions/{id}/recipients.xlsx")),
        )
        .at(
            "/decisions/:id/recipients.csv",
            get(reports::recipients_csv).with(counted("/decisions/{id}/recipients.csv")),
        )
        .at(
            "/imports/template.xlsx",
            get(reports::import_template).with(counted("/imports/template.xlsx")),
        )
        .at(
            "/exports/:file",
            get(reports::nominations_export).with(counted("/exports/nominations.{xlsx,csv}")),
        )
        .at(
            "/reports/movements/:file",
            get(reports::movement).with(counted("/reports/movements/{id}.xlsx")),
        )
        .at(
            "/reports/issuers/:unit/:file",
            get(reports::issuer_year).with(counted("/reports/issuers/{id}/{year}.xlsx")),
        )
        .at(
            "/credentials/:file",
            get(credentials::credential).with(counted("/credentials/{code}.jwt")),
        )
        .at(
            "/issuers/:unit",
            get(credentials::profile).with(counted("/issuers/{id}")),
        )
        .at(
            "/issuers/:unit/keys/:kid",
            get(credentials::key).with(counted("/issuers/{id}/keys/{kid}")),
        )
        .at(
            "/issuers/:unit/achievements/:award",
            get(credentials::achievement).with(counted("/issuers/{id}/achievements/{award}")),
        )
        .at(
            "/issuers/:unit/status/:year",
            get(credentials::status_list).with(counted("/issuers/{id}/status/{year}")),
        )
        .at(
            "/.well-known/laurel-keys.json",
            get(key_set).with(counted("/.well-known/laurel-keys.json")),
        );
    if state.serve_metrics {
        routes = routes.at("/metrics", get(metrics_text).with(counted("/metrics")));
    }
    if let Some(console) = console {
        routes = routes
            .at(
                "/",
                get(poem::endpoint::make_sync(|_| {
                    poem::web::Redirect::see_other(format!("{CONSOLE_PREFIX}/"))
                })),
            )
            .nest(CONSOLE_PREFIX, console.with(counted(CONSOLE_PREFIX)));
    }
    let proxies = Arc::clone(&state.trusted_proxies);
    routes
        .data(state)
        .with(Tracing)
        .with(SecurityHeaders)
        .with(RequestIds)
        .around(move |endpoint, mut req| {
            let proxies = Arc::clone(&proxies);
            async move {
                let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
                if let Some(peer) = peer {
                    let forwarded: Vec<&str> = req
                        .headers()
                        .get_all("x-forwarded-for")
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .collect();
                    let client = proxies.client(peer, &forwarded);
                    req.set_data(crate::ops::ClientAddress(client));
                }
                endpoint.call(req).await
            }
        })
}

/// Headers every answer carries: nothing is cached unless its handler says otherwise (answers
/// hold personal data and change with annulments), no MIME sniffing, no framing, no referrer to other sites,
/// and on HTML pages a content security policy that allows only Laurel's own resources
/// (GraphiQL's page, which loads its scripts from a CDN, goes without it; PDFs shown in the
/// browser's viewer go without it too).
struct SecurityHeaders;

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, inner: E) -> SecurityHeadersEndpoint<E> {
        SecurityHeadersEndpoint { inner }
    }
}

struct SecurityHeadersEndpoint<E> {
    inner: E,
}

/// The content security policy of every page but GraphiQL's.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        // GraphiQL's page loads its scripts from a CDN; the API's answers are JSON.
        let on_graphiql = req.method() == poem::http::Method::GET && req.uri().path() == "/graphql";
        let mut response = self.inner.get_response(req).await;
        let headers = response.headers_mut();
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
        }
        for (name, value) in [
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "same-origin"),
        ] {
            headers.insert(name, header::HeaderValue::from_static(value));
        }
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if html && !on_graphiql && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            );
        }
        Ok(response)
    }
}

/// The response header carrying a request's id.
const X_REQUEST_ID: &str = "x-request-id";

/// An incoming request id is kept when it is 1 to 64 characters of `[A-Za-z0-9._-]`.
fn sane_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Gives every request an id (the client's if sane, else a new one), runs it in a span carrying
/// the id, and returns the id in `X-Request-Id`, on errors too.
struct RequestIds;

impl<E: Endpoint> Middleware<E> for RequestIds {
    type Output = RequestIdsEndpoint<E>;

    fn transform(&self, inner: E) -> RequestIdsEndpoint<E> {
        RequestIdsEndpoint { inner }
    }
}

struct RequestIdsEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for RequestIdsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let id = req
            .headers()
            .get(X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|id| sane_request_id(id))
            .map_or_else(|| crate::edge::new_id().to_string(), str::to_owned);
        // At ERROR level so that the span, and the id, are there whatever the log filter lets
        // through.
        let span = tracing::error_span!("request", request_id = %id);
        let mut response = self.inner.get_response(req).instrument(span).await;
        if let Ok(value) = header::HeaderValue::from_str(&id) {
            response.headers_mut().insert(X_REQUEST_ID, value);
        }
        Ok(response)
    }
}

/// Counts a route's answers in `laurel_http_requests_total` under its template.
struct Counted {
    route: &'static str,
    metrics: Arc<Metrics>,
}

impl<E: Endpoint> Middleware<E> for Counted {
    type Output = CountedEndpoint<E>;

    fn transform(&self, inner: E) -> CountedEndpoint<E> {
        CountedEndpoint {
            inner,
            route: self.route,
            metrics: Arc::clone(&self.metrics),
        }
    }
}

struct CountedEndpoint<E> {
    inner: E,
    route: &'static str,
    metrics: Arc<Metrics>,
}

impl<E: Endpoint> Endpoint for CountedEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let response = self.inner.get_response(req).await;
        self.metrics
            .http_request(self.route, response.status().as_u16());
        Ok(response)
    }
}

#[handler]
fn metrics_text(Data(state): Data<&Arc<AppState>>) -> Response {
    match state.metrics.render(state.ops.store()) {
        Ok(text) => Response::builder()
            .content_type(metrics::CONTENT_TYPE)
            .header(header::CACHE_CONTROL, "no-store")
            .body(text),
        Err(e) => {
            tracing::error!(error = %e, "rendering the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[handler]
fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("Laurel — GraphQL")
            .finish(),
    )
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

#[handler]
async fn readyz(Data(state): Data<&Arc<AppState>>) -> Response {
    match tokio::time::timeout(READY_TIMEOUT, state.ops.store().ping()).await {
        Ok(Ok(())) => "ready".into_response(),
        // The store logs why at WARN.
        Ok(Err(_)) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
        Err(_) => {
            tracing::warn!(timeout = ?READY_TIMEOUT, "database ping timed out");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database did not answer within 2 s",
            )
                .into_response()
        }
    }
}

/// A GraphQL-shaped error response for failures before GraphQL runs.
fn http_error(status: StatusCode, code: &str, vi: &str, en: &str) -> Response {
    let body = json!({
        "data": null,
        "errors": [{
            "message": vi,
            "extensions": { "code": code, "messageVi": vi, "messageEn": en }
        }]
    });
    (status, Json(body)).into_response()
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn session(ops: &Ops, req: &Request, now: time::OffsetDateTime) -> Result<Session, OpsError> {
    Ok(match bearer(req) {
        None => Session::Anonymous,
        Some(token) => match auth::authenticate(ops.store(), token, now).await? {
            Ok(authenticated) => Session::SignedIn(Box::new(authenticated)),
            Err(problem) => Session::Refused(problem),
        },
    })
}

/// Runs GraphQL requests in this process, as `POST /graphql` does for a bearer token (see
/// [`AppState::in_process`]).
#[derive(Clone)]
pub struct InProcessGraphql {
    schema: LaurelSchema,
    ops: Ops,
    clock: Clock,
}

impl std::fmt::Debug for InProcessGraphql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessGraphql").finish_non_exhaustive()
    }
}

impl InProcessGraphql {
    /// Runs `request` for the holder of session `token` (none: anonymous).
    pub async fn execute(
        &self,
        token: Option<&str>,
        request: async_graphql::Request,
    ) -> async_graphql::Response {
        let now = self.clock.now();
        let session = match token {
            None => Session::Anonymous,
            Some(token) => match auth::authenticate(self.ops.store(), token, now).await {
                Ok(Ok(authenticated)) => Session::SignedIn(Box::new(authenticated)),
                Ok(Err(problem)) => Session::Refused(problem),
                Err(e) => {
                    return async_graphql::Response::from_errors(vec![
                        e.to_graphql()
                            .into_server_error(async_graphql::Pos::default()),
                    ]);
                }
            },
        };
        let request = request
            .data(RequestContext { now, session })
            .data(crate::schema::loaders::loaders(&self.ops));
        self.schema.execute(request).await
    }

    /// Now, by the server's clock.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The public base URL (no trailing slash).
    pub fn public_url(&self) -> &str {
        &self.ops.settings().public_url
    }

    /// The largest document accepted, in bytes.
    pub fn max_document_bytes(&self) -> usize {
        self.ops.settings().max_document_bytes
    }

    /// The secret sealing signing keys, from which the console derives its CSRF key.
    pub fn key_secret(&self) -> &crate::keys::KeySecret {
        &self.ops.settings().key_secret
    }
}

/// A GraphQL request answered before the schema ran (the schema counts the others).
struct Refused {
    /// The request's `operationName`, when it was read.
    operation: Option<String>,
    code: &'static str,
    response: Response,
}

impl Refused {
    fn before_reading(code: &'static str, response: Response) -> Refused {
        Refused {
            operation: None,
            code,
            response,
        }
    }
}

/// GraphQL subscriptions over WebSocket (graphql-transport-ws or graphql-ws). The bearer token
/// comes in the `connection_init` payload: `{"token": "…"}` (or `{"Authorization": "Bearer …"}`).
#[handler]
async fn graphql_ws(
    req: &Request,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let schema = state.schema.clone();
    let state = Arc::clone(state);
    let client = client_ip(req);
    websocket
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload: serde_json::Value| async move {
                    let token = connection_token(&payload);
                    let now = state.clock.now();
                    let session = match token {
                        None => Session::Anonymous,
                        Some(token) => match auth::authenticate(state.ops.store(), &token, now)
                            .await
                            .map_err(async_graphql::Error::from)?
                        {
                            Ok(authenticated) => Session::SignedIn(Box::new(authenticated)),
                            Err(problem) => Session::Refused(problem),
                        },
                    };
                    let mut data = async_graphql::Data::default();
                    // As over HTTP: logins are counted per address, and only signed-in
                    // connections introspect.
                    if let Some(ip) = client {
                        data.insert(crate::ops::ClientAddress(ip));
                    }
                    if !state.public_introspection && !matches!(session, Session::SignedIn(_)) {
                        data.insert(crate::schema::IntrospectionClosed);
                    }
                    data.insert(RequestContext { now, session });
                    // Subscriptions check the session again before each event, on this clock;
                    // nothing else runs over the connection.
                    data.insert(state.clock.clone());
                    data.insert(crate::schema::SubscriptionsOnly);
                    data.insert(crate::schema::loaders::loaders(&state.ops));
                    Ok(data)
                })
                .serve()
        })
        .into_response()
}

/// The bearer token of a subscription's `connection_init` payload: `{"token": "…"}`, or the
/// headers GraphiQL sends from its Headers tab, `{"Authorization": "Bearer …"}` (any case).
fn connection_token(payload: &serde_json::Value) -> Option<String> {
    let direct = payload.get("token").and_then(|t| t.as_str());
    let header = || {
        payload.as_object()?.iter().find_map(|(k, v)| {
            let value = v.as_str()?.trim();
            let (scheme, token) = value.split_once(' ')?;
            (k.eq_ignore_ascii_case("authorization") && scheme.eq_ignore_ascii_case("bearer"))
                .then_some(token)
        })
    };
    direct
        .or_else(header)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[handler]
async fn graphql(req: &Request, body: Body, Data(state): Data<&Arc<AppState>>) -> Response {
    let started = Instant::now();
    match execute_graphql(req, body, state, started).await {
        Ok(response) => response,
        Err(refused) => {
            state.metrics.graphql_request(
                refused.operation.as_deref(),
                refused.code,
                started.elapsed(),
            );
            refused.response
        }
    }
}

async fn execute_graphql(
    req: &Request,
    body: Body,
    state: &AppState,
    started: Instant,
) -> Result<Response, Refused> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let multipart = content_type.as_deref().is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    });
    // An upload may carry one document; any other request is a GraphQL document.
    let limit = if multipart {
        state.max_upload_bytes
    } else {
        state.max_body_bytes
    };
    let too_large = || {
        Refused::before_reading(
            "PAYLOAD_TOO_LARGE",
            http_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                &format!("Yêu cầu quá lớn; tối đa {limit} byte."),
                &format!("The request is too large; at most {limit} bytes."),
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > DRAIN_LIMIT_BYTES) {
        return Err(too_large());
    }
    let bytes = match read_body(body, limit).await {
        BodyRead::Complete(bytes) => bytes,
        BodyRead::TooLarge => return Err(too_large()),
        BodyRead::Failed(e) => {
            return Err(Refused::before_reading(
                "VALIDATION",
                http_error(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION",
                    &format!("Không đọc được nội dung yêu cầu: {e}"),
                    &format!("Could not read the request body: {e}"),
                ),
            ));
        }
    };
    // What a repeat with the same Idempotency-Key must match.
    let fingerprint = req
        .headers()
        .contains_key("Idempotency-Key")
        .then(|| sha256_hex(&bytes));
    let parsed = if multipart {
        let options = async_graphql::http::MultipartOptions::default()
            .max_file_size(state.ops.settings().max_document_bytes)
            .max_num_files(1);
        async_graphql::http::receive_body(
            content_type.as_deref(),
            async_graphql::futures_util::io::Cursor::new(bytes),
            options,
        )
        .await
        .map_err(|e| e.to_string())
    } else {
        serde_json::from_slice::<async_graphql::Request>(&bytes).map_err(|e| e.to_string())
    };
    let request: async_graphql::Request = match parsed {
        Ok(request) => request,
        Err(e) if e.contains("too large") || e.contains("limit") => return Err(too_large()),
        Err(e) => {
            return Err(Refused::before_reading(
                "VALIDATION",
                http_error(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION",
                    &format!(
                        "Nội dung phải là một yêu cầu GraphQL dạng JSON (không hỗ trợ gửi theo lô): {e}"
                    ),
                    &format!(
                        "The body must be one GraphQL request as JSON (batches are not supported): {e}"
                    ),
                ),
            ));
        }
    };
    let now = state.clock.now();
    let session = match session(&state.ops, req, now).await {
        Ok(session) => session,
        Err(e) => {
            return Err(Refused {
                operation: label(&request),
                code: e.code(),
                response: ops_error_response(&e),
            });
        }
    };
    let idempotency = match idempotency_key(req) {
        Ok(None) => None,
        Ok(Some(key)) => match &session {
            Session::SignedIn(auth) => Some((
                auth.account.id.0,
                key,
                fingerprint.clone().unwrap_or_default(),
            )),
            _ => {
                let e = OpsError::Unauthenticated(None);
                return Err(Refused {
                    operation: label(&request),
                    code: e.code(),
                    response: ops_error_response(&e),
                });
            }
        },
        Err(MalformedKey) => {
            return Err(Refused {
                operation: label(&request),
                code: "VALIDATION",
                response: http_error(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION",
                    "Idempotency-Key phải gồm 1–128 ký tự chữ, số, '-', '_', '.', ':'.",
                    "Idempotency-Key must be 1–128 letters, digits, '-', '_', '.' or ':'.",
                ),
            });
        }
    };
    let operation = idempotency.as_ref().and_then(|_| label(&request));
    // Introspection is for signed-in callers (GraphiQL with a token); anonymous scanners read
    // nothing of the schema unless the server says so.
    let request = if state.public_introspection || matches!(session, Session::SignedIn(_)) {
        request
    } else {
        request
            .disable_introspection()
            .data(crate::schema::IntrospectionClosed)
    };
    let request = match client_ip(req) {
        Some(ip) => request.data(crate::ops::ClientAddress(ip)),
        None => request,
    };
    let request = request
        .data(RequestContext { now, session })
        .data(crate::schema::loaders::loaders(&state.ops));
    let Some((account, key, sha)) = idempotency else {
        return Ok(GraphQLResponse(state.schema.execute(request).await).into_response());
    };
    // The key is reserved in the database before the request runs: a copy racing this one, in
    // this process or another, waits for the first answer and gets it.
    let store = state.ops.store();
    let mut waited = Duration::ZERO;
    loop {
        let stale_before = now - IDEMPOTENCY_STALE;
        let reservation = store
            .reserve_idempotency(account, &key, &sha, state.clock.now(), stale_before)
            .await
            .map_err(|e| {
                let e = OpsError::from(e);
                Refused {
                    operation: operation.clone(),
                    code: e.code(),
                    response: ops_error_response(&e),
                }
            })?;
        let refuse = |vi: &str, en: &str| Refused {
            operation: operation.clone(),
            code: "CONFLICT",
            response: http_error(StatusCode::CONFLICT, "CONFLICT", vi, en),
        };
        match reservation {
            Reservation::Reserved => break,
            Reservation::Replay(body) => {
                state
                    .metrics
                    .graphql_request(operation.as_deref(), "replayed", started.elapsed());
                return Ok(json_response(body, true));
            }
            Reservation::Mismatch => {
                return Err(refuse(
                    "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                    "This Idempotency-Key was already used for a different request.",
                ));
            }
            Reservation::InProgress if waited < IDEMPOTENCY_WAIT => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                waited += Duration::from_millis(50);
            }
            Reservation::InProgress => {
                return Err(refuse(
                    "Yêu cầu đầu tiên với khóa Idempotency-Key này vẫn đang chạy; hãy thử lại sau.",
                    "The first request with this Idempotency-Key is still running; try again later.",
                ));
            }
        }
    }
    let response = state.schema.execute(request).await;
    let body = serde_json::to_string(&response).unwrap_or_else(|e| {
        json!({ "errors": [{ "message": e.to_string(), "extensions": { "code": "INTERNAL" } }] })
            .to_string()
    });
    // An UNAVAILABLE answer is not kept for replay: the database was out of reach, and a
    // repeat once it is back must run (and, when the first did land after all, meet the version
    // it changed).
    let unavailable = response.errors.iter().any(|e| {
        e.extensions.as_ref().and_then(|x| x.get("code"))
            == Some(&async_graphql::Value::from("UNAVAILABLE"))
    });
    let kept = if unavailable {
        store.release_idempotency(account, &key).await
    } else {
        store
            .complete_idempotency(account, &key, &body, state.clock.now())
            .await
    };
    if let Err(e) = kept {
        // The change is made; only the replay is lost. A repeat waits, then runs again (and
        // meets the version it changed: a CONFLICT, never a second change).
        tracing::warn!(error = %e, "could not record an idempotent answer");
    }
    Ok(json_response(body, false))
}

/// The metrics label of a request answered outside the schema.
fn label(request: &async_graphql::Request) -> Option<String> {
    crate::metrics::operation_name(&request.query, request.operation_name.as_deref())
}

/// How long a repeat waits for the first request with its key.
const IDEMPOTENCY_WAIT: Duration = Duration::from_secs(15);
/// A reservation whose request never answered (its process died) is taken over after this.
const IDEMPOTENCY_STALE: time::Duration = time::Duration::minutes(2);

/// An `Idempotency-Key` header that is not 1–128 of `[A-Za-z0-9-_.:]`.
struct MalformedKey;

/// The request's `Idempotency-Key`, if any.
fn idempotency_key(req: &Request) -> Result<Option<String>, MalformedKey> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key)
            if (1..=128).contains(&key.len())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)) =>
        {
            Ok(Some(key.to_owned()))
        }
        _ => Err(MalformedKey),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// A GraphQL answer as JSON; `replayed` when it is the stored answer to an earlier request.
fn json_response(body: String, replayed: bool) -> Response {
    let mut builder = Response::builder().content_type("application/json");
    if replayed {
        builder = builder.header("Idempotent-Replayed", "true");
    }
    builder.body(body)
}

fn ops_error_response(e: &OpsError) -> Response {
    let status = match e {
        OpsError::Unauthenticated(_) | OpsError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        OpsError::PasswordChangeRequired
        | OpsError::Forbidden(_)
        | OpsError::SeparationOfDuties(_) => StatusCode::FORBIDDEN,
        OpsError::NotFound { .. } => StatusCode::NOT_FOUND,
        OpsError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        OpsError::Invalid(_) | OpsError::Duplicate { .. } => StatusCode::BAD_REQUEST,
        OpsError::Council(_) => match e.code() {
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "VALIDATION" => StatusCode::BAD_REQUEST,
            _ => StatusCode::CONFLICT,
        },
        OpsError::Transition(_)
        | OpsError::Certificates(_)
        | OpsError::Rules(_)
        | OpsError::Movement(_)
        | OpsError::Cluster(_)
        | OpsError::Conflict { .. } => StatusCode::CONFLICT,
        OpsError::Busy(_)
        | OpsError::Unavailable(_)
        | OpsError::NoConnection(_)
        | OpsError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
        OpsError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    // The same error as GraphQL gives, details (`reason`, `field`, …) included.
    let error = e.unlogged();
    let body = json!({
        "data": null,
        "errors": [{ "message": error.message, "extensions": error.extensions }]
    });
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// The console's session token, from the request's `Cookie` header.
pub fn session_cookie(req: &Request) -> Option<&str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE && !value.is_empty()).then_some(value)
        })
}

/// The signed-in caller of a plain HTTP download (`GET`): same rules as GraphQL, with the
/// console's session cookie accepted when no bearer token is sent.
async fn http_actor(
    state: &AppState,
    req: &Request,
) -> Result<laurel_domain::authz::Actor, OpsError> {
    let now = state.clock.now();
    let session = match (bearer(req), session_cookie(req)) {
        (None, Some(token)) => match auth::authenticate(state.ops.store(), token, now).await? {
            Ok(authenticated) => Session::SignedIn(Box::new(authenticated)),
            Err(problem) => Session::Refused(problem),
        },
        _ => session(&state.ops, req, now).await?,
    };
    match session {
        Session::SignedIn(auth) if auth.account.must_change_password => {
            Err(OpsError::PasswordChangeRequired)
        }
        Session::SignedIn(auth) => Ok(auth.actor),
        Session::Anonymous => Err(OpsError::Unauthenticated(None)),
        Session::Refused(problem) => Err(OpsError::Unauthenticated(Some(problem))),
    }
}

#[handler]
async fn document(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let id: laurel_domain::ids::DocumentId = id.parse().map_err(|_| OpsError::NotFound {
            entity: "document",
            id: id.clone(),
        })?;
        let actor = http_actor(state, req).await?;
        state.ops.document_content(&actor, id).await
    }
    .await;
    match result {
        Ok((document, content)) => {
            // The file name as uploaded, percent-encoded for the header (RFC 5987).
            let encoded: String = document
                .filename
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => {
                        char::from(b).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect();
            Response::builder()
                .content_type(document.media_type.mime())
                .header(header::CACHE_CONTROL, "private, no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header(
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename*=UTF-8''{encoded}"),
                )
                .body(content)
        }
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /council-sessions/{id}/minutes.pdf`: a closed session's minutes, for whoever may see
/// its council.
#[handler]
async fn minutes_pdf(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let id: laurel_domain::ids::SessionId = id.parse().map_err(|_| OpsError::NotFound {
            entity: "council_session",
            id: id.clone(),
        })?;
        let actor = http_actor(state, req).await?;
        let pdf = state.ops.minutes_pdf(&actor, id).await?;
        Ok::<_, OpsError>((id, pdf))
    }
    .await;
    match result {
        Ok((id, pdf)) => pdf_response(pdf, &format!("bien-ban-hoi-dong-{id}.pdf")),
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /certificates/{id}.pdf` (`?blank=true`: only the data, for the issuer's blank). The
/// PDF's entity tag names all its inputs, so a client that has it already gets 304 once the
/// certificate is found readable, without the PDF being rendered or read; a certificate
/// downloaded before is served as kept, not laid out again.
#[handler]
async fn certificate_pdf(
    req: &Request,
    Path(file): Path<String>,
    Query(print): Query<PrintOptions>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let id: CertificateId = id_of_pdf(&file, "certificate")?;
        let actor = http_actor(state, req).await?;
        let certificate =
            state
                .ops
                .readable_certificate(&actor, id)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "certificate",
                    id: id.to_string(),
                })?;
        let render = state
            .ops
            .certificate_render(&certificate, print.blank)
            .await?;
        let etag = format!("\"{}\"", render.key);
        if if_none_match(req, &etag) {
            state.metrics.certificate_served("unchanged");
            return Ok((certificate, etag, None));
        }
        let (pdf, source) = state.ops.certificate_pdf(render, state.clock.now()).await?;
        match source {
            PdfSource::Rendered => {
                state.metrics.certificate_rendered();
                state.metrics.certificate_served("rendered");
            }
            PdfSource::Kept => state.metrics.certificate_served("kept"),
        }
        Ok::<_, OpsError>((certificate, etag, Some(pdf)))
    }
    .await;
    match result {
        Ok((_, etag, None)) => Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, "private, no-store")
            .finish(),
        Ok((certificate, etag, Some(pdf))) => {
            let mut response = pdf_response(
                pdf,
                &format!("certificate-{}.pdf", certificate.code.as_str()),
            );
            // Still `no-store`, like every personal document: a browser on an office's shared
            // computer keeps nothing. A client that keeps it on purpose (an integrator's
            // archive) sends the tag back and gets 304.
            if let Ok(etag) = header::HeaderValue::from_str(&etag) {
                response.headers_mut().insert(header::ETAG, etag);
            }
            response
        }
        Err(e) => ops_error_response(&e),
    }
}

/// Whether the request's `If-None-Match` names `etag` (or is `*`).
fn if_none_match(req: &Request, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// The client's address: the connection's, or behind a trusted reverse proxy the one it
/// forwarded ([`TrustedProxies`]).
pub fn client_ip(req: &Request) -> Option<std::net::IpAddr> {
    match req.data::<crate::ops::ClientAddress>() {
        Some(client) => Some(client.0),
        None => req.remote_addr().as_socket_addr().map(|a| a.ip()),
    }
}

/// `GET /decisions/{id}.pdf`: the decision as a document, for whoever may read it.
#[handler]
async fn decision_pdf(
    req: &Request,
    Path(file): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let not_found = || OpsError::NotFound {
            entity: "decision",
            id: file.clone(),
        };
        let id: laurel_domain::ids::DecisionId = id_of_pdf(&file, "decision")?;
        let actor = http_actor(state, req).await?;
        state
            .ops
            .decision_pdf(&actor, id)
            .await?
            .ok_or_else(not_found)
    }
    .await;
    match result {
        Ok(pdf) => pdf_response(pdf, &format!("quyet-dinh-{file}")),
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /print-jobs/{id}.pdf`: a finished print job's PDF, for whoever started it.
#[handler]
async fn print_job_pdf(
    req: &Request,
    Path(file): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let not_found = || OpsError::NotFound {
            entity: "print job",
            id: file.clone(),
        };
        let id: uuid::Uuid = id_of_pdf(&file, "print job")?;
        let actor = http_actor(state, req).await?;
        state
            .ops
            .print_job_pdf(&actor, id, state.clock.now())
            .await?
            .ok_or_else(not_found)
    }
    .await;
    match result {
        Ok((job, pdf)) => pdf_response(pdf, &format!("certificates-{}.pdf", job.decision)),
        Err(e) => ops_error_response(&e),
    }
}

/// How a certificate is printed: whole (the default), or only its data placed on the issuer's
/// pre-printed blank (`?blank=true`).
#[derive(Debug, Default, serde::Deserialize)]
struct PrintOptions {
    #[serde(default)]
    blank: bool,
}

/// `GET /units/{id}/blanks/{form}/calibration.pdf`: the calibration sheet of an issuer's blank
/// of a form (a millimetre grid with each field's box), for whoever may read at the issuer.
#[handler]
async fn calibration_pdf(
    req: &Request,
    Path((unit, form)): Path<(String, String)>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let issuer: laurel_domain::ids::UnitId = unit.parse().map_err(|_| OpsError::NotFound {
            entity: "unit",
            id: unit.clone(),
        })?;
        let form: laurel_domain::award::CertificateForm =
            form.parse().map_err(|_| OpsError::NotFound {
                entity: "certificate form",
                id: form.clone(),
            })?;
        let actor = http_actor(state, req).await?;
        state.ops.calibration_sheet(&actor, issuer, form).await
    }
    .await;
    match result {
        Ok(pdf) => pdf_response(pdf, &format!("calibration-{}.pdf", form.to_lowercase())),
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /decisions/{id}/certificates.pdf`: every valid certificate of a decision the caller may
/// read, one page each in golden-book order, as one PDF for the printer.
#[handler]
async fn certificates_pdf(
    req: &Request,
    Path(id): Path<String>,
    Query(print): Query<PrintOptions>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let not_found = || OpsError::NotFound {
            entity: "decision",
            id: id.clone(),
        };
        let decision: laurel_domain::ids::DecisionId = id.parse().map_err(|_| not_found())?;
        let actor = http_actor(state, req).await?;
        state
            .ops
            .print_certificates(&actor, decision, print.blank, Arc::new(|_| {}))
            .await?
            .ok_or_else(not_found)
    }
    .await;
    match result {
        Ok(print) => {
            let count = print.count;
            let mut response = pdf_response(print.pdf, &format!("certificates-{id}.pdf"));
            response
                .headers_mut()
                .insert("X-Certificate-Count", count.into());
            response
        }
        Err(e) => ops_error_response(&e),
    }
}

/// The id in a `{id}.pdf` path segment; anything else is not found.
fn id_of_pdf<T: std::str::FromStr>(file: &str, entity: &'static str) -> Result<T, OpsError> {
    file.strip_suffix(".pdf")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| OpsError::NotFound {
            entity,
            id: file.to_owned(),
        })
}

/// A PDF shown inline under `filename`. Every PDF Laurel serves names people: never kept by
/// shared caches.
fn pdf_response(pdf: Vec<u8>, filename: &str) -> Response {
    Response::builder()
        .content_type("application/pdf")
        .header(header::CACHE_CONTROL, "private, no-store")
        .header(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{filename}\""),
        )
        .body(pdf)
}

fn wants_json(req: &Request) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// The per-client limit on lookups by code (`/verify`, `/credentials`): `Some(429)` when this
/// client is over it.
pub(crate) fn throttled(req: &Request, state: &AppState, json: bool) -> Option<Response> {
    if let Some(client) = client_ip(req) {
        // The state of clients not seen for a while is dropped now and then.
        if state.verify_limits.len() > 10_000 {
            state.verify_limits.retain_recent();
        }
        if state.verify_limits.check_key(&client).is_err() {
            let vi = format!(
                "Tra cứu quá nhiều lần; mỗi địa chỉ được tra {VERIFY_PER_MINUTE} lần mỗi phút. Hãy thử lại sau ít phút."
            );
            let en = format!(
                "Too many lookups; each address may make {VERIFY_PER_MINUTE} a minute. Try again in a minute."
            );
            let mut response = if json {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(json!({ "status": "RATE_LIMITED", "messageVi": vi, "messageEn": en })),
                )
                    .into_response()
            } else {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    Html(page(
                        "Tra cứu quá nhiều · Too many lookups",
                        &format!("<p>{}</p><p class=\"en\">{}</p>", escape(&vi), escape(&en)),
                    )),
                )
                    .into_response()
            };
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
            return Some(response);
        }
    }
    None
}

#[handler]
async fn verify(
    req: &Request,
    Path(code): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let json = wants_json(req);
    if let Some(refused) = throttled(req, state, json) {
        return refused;
    }
    let mut response = verify_response(&state.ops, &code, json).await;
    // The answer depends on Accept, and a certificate's status can change (annulment).
    let headers = response.headers_mut();
    headers.insert(header::VARY, header::HeaderValue::from_static("Accept"));
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    response
}

async fn verify_response(ops: &Ops, code: &str, json: bool) -> Response {
    match ops.verify_certificate(code).await {
        Ok(Some(v)) if json => Json(verification_json(&v)).into_response(),
        Ok(Some(v)) => Html(verification_page(&v)).into_response(),
        Ok(None) if json => (
            StatusCode::NOT_FOUND,
            Json(json!({ "code": code, "status": "NOT_FOUND" })),
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, Html(not_found_page(code))).into_response(),
        Err(OpsError::Invalid(errors)) if !json => {
            let message = errors
                .first()
                .map(|e| (e.message_vi(), e.message_en()))
                .unwrap_or_default();
            (
                StatusCode::BAD_REQUEST,
                Html(page(
                    "Mã không hợp lệ · Invalid code",
                    &format!(
                        "<p>{}</p><p lang=\"en\">{}</p>",
                        escape(&message.0),
                        escape(&message.1)
                    ),
                )),
            )
                .into_response()
        }
        Err(e) => ops_error_response(&e),
    }
}

fn verification_json(v: &Verification) -> serde_json::Value {
    json!({
        "code": v.code,
        "status": v.status.code(),
        "recipientName": v.recipient_name,
        "recipientUnit": v.recipient_detail,
        "awardTitle": v.award_title,
        "issuerTitle": v.issuer_title,
        "decisionNumber": v.decision_number,
        "decisionDate": v.decision_date,
        "goldenBookNumber": v.golden_book_number,
        "contentSha256": v.content_sha256,
        "keyId": v.key_id,
        "credentialUrl": v.credential_url,
        "checks": {
            "codeKnown": v.checks.code_known,
            "signatureValid": v.checks.signature_valid,
            "keyBelongsToIssuer": v.checks.key_belongs_to_issuer,
            "notAnnulled": v.checks.not_annulled,
        },
        // What was signed and the signature: check it against /.well-known/laurel-keys.json.
        "proof": v.proof,
        "annulledBy": v.annulled.as_ref().map(|a| json!({
            "decisionNumber": a.decision_number,
            "decisionDate": a.decision_date,
            "ground": a.ground,
            "groundText": a.ground_vi,
        })),
    })
}

/// The issuers' public keys, retired ones included, as a JWK set: what `laurel verify` and any
/// outside verifier check signatures against.
#[handler]
async fn key_set(Data(state): Data<&Arc<AppState>>) -> Response {
    match state.ops.key_set().await {
        Ok(set) => {
            let mut response = Json(set).into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("public, max-age=300"),
            );
            response
        }
        Err(e) => ops_error_response(&e),
    }
}

/// Escapes text for HTML (and SVG): the public pages here and the console's charts.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Liberation Serif", "Times New Roman", serif; margin: 0; color: #1b1b1f; background: #f4f4f6; line-height: 1.45; }}
header {{ background: #8b1a1a; color: #fff; padding: 10px 20px; font-size: 1.25rem; font-weight: bold; }}
header span {{ font-weight: normal; font-size: .9rem; margin-left: 6px; }}
main {{ max-width: 40rem; margin: 1.5rem auto; padding: 14px 16px; background: #fff; border: 1px solid #c9c9d1; border-radius: 6px; }}
h1 {{ font-size: 1.4rem; }} .valid {{ color: #176b2c; }} .annulled {{ color: #a11; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }} dt {{ font-weight: bold; }}
.en {{ color: #55555f; font-size: .9em; }} code {{ font-size: .85em; word-break: break-all; }}
</style></head><body><header>Laurel <span>Kiểm tra bằng, giấy khen · Verify a certificate</span></header><main>{body}</main></body></html>"#,
        title = escape(title)
    )
}

fn verification_page(v: &Verification) -> String {
    let (class, vi, en) = match v.status {
        laurel_domain::certificate::CertificateStatus::Valid => (
            "valid",
            "Bằng/giấy khen hợp lệ",
            "This certificate is genuine and valid",
        ),
        laurel_domain::certificate::CertificateStatus::Annulled => (
            "annulled",
            "Bằng/giấy khen đã bị hủy bỏ",
            "This certificate was annulled",
        ),
    };
    let row = |vi: &str, en: &str, value: &str| {
        format!(
            "<dt>{vi} <span class=\"en\">{en}</span></dt><dd>{}</dd>",
            escape(value)
        )
    };
    let body = format!(
        "<h1 id=\"status\" class=\"{class}\">{vi}<br><span class=\"en\">{en}</span></h1><dl>{}{}{}{}{}{}{}</dl>\
         <p class=\"en\">SHA-256: <code>{}</code></p>",
        row("Mã xác thực", "Code", &v.code),
        row("Người nhận", "Recipient", &v.recipient_name),
        row("Hình thức", "Award", &v.award_title),
        row("Cấp khen", "Issuer", &v.issuer_title),
        row("Quyết định số", "Decision", &v.decision_number),
        row("Ngày", "Date", &v.decision_date),
        row(
            "Số sổ vàng",
            "Golden book no.",
            &v.golden_book_number.to_string()
        ),
        escape(&v.content_sha256),
    );
    let unit = v
        .recipient_detail
        .as_deref()
        .map(|d| row("Đơn vị", "Unit", d))
        .unwrap_or_default();
    let annulled = v
        .annulled
        .as_ref()
        .map(|a| {
            format!(
                "<p class=\"annulled\" id=\"annulled-by\">Bị hủy bỏ theo Quyết định số {} ngày {}: {}. \
                 <span class=\"en\">Annulled by decision {} of {} (Law 06/2022 Art 93.2 ground {}).</span></p>",
                escape(&a.decision_number),
                escape(&a.decision_date),
                escape(&a.ground_vi),
                escape(&a.decision_number),
                escape(&a.decision_date),
                escape(&a.ground),
            )
        })
        .unwrap_or_default();
    let check = |ok: Option<bool>, vi: &str, en: &str| {
        let (mark, class) = match ok {
            Some(true) => ("✓", "valid"),
            Some(false) => ("✗", "annulled"),
            None => ("–", "en"),
        };
        format!("<li class=\"{class}\">{mark} {vi} <span class=\"en\">{en}</span></li>")
    };
    let checks = format!(
        "<h2>Kiểm tra <span class=\"en\">Checks</span></h2><ul id=\"checks\">{}{}{}{}</ul>",
        check(
            Some(v.checks.code_known),
            "Mã do Laurel cấp",
            "Code issued by Laurel"
        ),
        check(
            v.checks.signature_valid,
            "Chữ ký số của cơ quan cấp hợp lệ",
            "The issuer's digital signature is valid"
        ),
        check(
            v.checks.key_belongs_to_issuer,
            "Khóa ký thuộc về cơ quan cấp",
            "The signing key belongs to the issuer"
        ),
        check(
            Some(v.checks.not_annulled),
            "Chưa bị hủy bỏ",
            "Not annulled"
        ),
    );
    let credential = v
        .credential_url
        .as_deref()
        .map(|url| {
            format!(
                "<p><a id=\"credential\" href=\"{}\">Tải chứng nhận số (Open Badges 3.0)</a> \
                 <span class=\"en\">Download as a verifiable credential (Open Badges 3.0)</span></p>",
                escape(url)
            )
        })
        .unwrap_or_default();
    let body = body.replacen(
        "</dl>",
        &format!("{unit}</dl>{annulled}{checks}{credential}"),
        1,
    );
    page(&format!("{vi} · {en}"), &body)
}

fn not_found_page(code: &str) -> String {
    page(
        "Không tìm thấy · Not found",
        &format!(
            "<h1 class=\"annulled\">Không tìm thấy bằng/giấy khen với mã này<br>\
             <span class=\"en\">No certificate has this code</span></h1><p><code>{}</code></p>",
            escape(code)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::{connection_token, escape, sane_request_id};
    use serde_json::json;

    #[test]
    fn subscriptions_take_the_token_as_graphql_ws_clients_and_graphiql_send_it() {
        let cases = [
            (json!({ "token": " t1 " }), Some("t1")),
            (json!({ "Authorization": "Bearer t2" }), Some("t2")),
            (json!({ "authorization": "bearer t3" }), Some("t3")),
            (json!({ "authorization": "Basic dXNlcjpwYXNz" }), None),
            (json!({ "token": "" }), None),
            (json!({}), None),
            (json!(null), None),
        ];
        for (payload, expected) in cases {
            assert_eq!(connection_token(&payload).as_deref(), expected, "{payload}");
        }
    }

    #[test]
    fn request_ids_are_kept_only_when_short_and_plain() {
        for kept in [
            "abc-123",
            "a",
            "01a22bf5-3eec-7263-844a-4d93ade04b3f",
            "x.y_z",
        ] {
            assert!(sane_request_id(kept), "{kept}");
        }
        let long = "a".repeat(65);
        for refused in [
            "",
            "has space",
            "semi;colon",
            "a/b",
            "ü",
            "line\nbreak",
            &long,
        ] {
            assert!(!sane_request_id(refused), "{refused}");
        }
        assert!(sane_request_id(&"a".repeat(64)));
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x&'y")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape("Nguyễn Thị Ngọc Huyền"), "Nguyễn Thị Ngọc Huyền");
    }
}
