//! The GraphQL schema (async-graphql). Knows nothing of HTTP: the server hands each request a
//! [`RequestContext`] (the instant and the caller's session) and the schema does the rest.

mod clusters;
mod council;
mod enums;
mod guard;
mod import;
mod live;
pub mod loaders;
mod movements;
mod mutation;
mod notifications;
mod printing;
mod query;
mod review;
mod rules;
mod types;
mod webhooks;

use std::str::FromStr;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{Context, ID, Response, SDLExportOptions, Schema, SchemaBuilder};
use laurel_domain::authz::Actor;
use laurel_domain::ids::MalformedId;
use laurel_domain::text::InvalidInput;
use time::OffsetDateTime;

/// The root of every query.
#[derive(async_graphql::MergedObject, Debug, Default)]
pub struct Query(
    query::CoreQuery,
    rules::RulesQuery,
    rules::QuotaQuery,
    review::ReviewQuery,
    council::CouncilQuery,
    webhooks::WebhookQuery,
    notifications::NotificationQuery,
    printing::PrintQuery,
    movements::MovementQuery,
    clusters::ClusterQuery,
);

/// The root of every mutation.
#[derive(async_graphql::MergedObject, Debug, Default)]
pub struct Mutation(
    mutation::WorkflowMutation,
    rules::RulesMutation,
    review::ReviewMutation,
    council::CouncilMutation,
    webhooks::WebhookMutation,
    notifications::NotificationMutation,
    printing::PrintMutation,
    movements::MovementMutation,
    import::ImportMutation,
    clusters::ClusterMutation,
);

use crate::auth::{Authenticated, TokenProblem};
use crate::error::OpsError;
use crate::feed::EventFeed;
use crate::metrics::Metrics;
use crate::ops::Ops;

/// The schema type.
pub type LaurelSchema = Schema<Query, Mutation, live::Subscription>;

/// Deepest query accepted: deep enough for GraphiQL's introspection query (depth 13 with its
/// seven nested `ofType`), shallow enough to stop pathological nesting.
pub const MAX_DEPTH: usize = 16;
/// Most complex query accepted: one point per field, lists of a connection counted `first` times.
pub const MAX_COMPLEXITY: usize = 10_000;
pub use guard::{IntrospectionClosed, LIST_WEIGHT, MAX_WEIGHT, SubscriptionsOnly};

/// Who is calling, and when: built by the server for each request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The instant of the request (the clock is read once, at the edge).
    pub now: OffsetDateTime,
    /// The caller's session.
    pub session: Session,
}

/// The caller's session, as far as the bearer token told.
#[derive(Debug, Clone)]
pub enum Session {
    /// No token was sent.
    Anonymous,
    /// A token was sent and accepted.
    SignedIn(Box<Authenticated>),
    /// A token was sent and refused.
    Refused(TokenProblem),
}

fn builder(
    ops: Option<Ops>,
    metrics: Option<&Arc<Metrics>>,
    feed: Option<Arc<EventFeed>>,
) -> SchemaBuilder<Query, Mutation, live::Subscription> {
    let mut builder = Schema::build(Query::default(), Mutation::default(), live::Subscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .disable_suggestions();
    // The first extension registered is the outermost: metrics see the codes ErrorCodes gives.
    if let Some(metrics) = metrics {
        builder = builder.extension(metrics.extension());
    }
    builder = builder
        .extension(ErrorCodes)
        .extension(guard::DocumentGuard);
    if let Some(feed) = feed {
        builder = builder.data(feed);
    }
    match ops {
        Some(ops) => builder.data(ops),
        None => builder,
    }
}

/// The schema, serving `ops`, counting its requests in `metrics`, its subscriptions fed by
/// `feed`.
pub fn build(ops: Ops, metrics: &Arc<Metrics>, feed: Arc<EventFeed>) -> LaurelSchema {
    builder(Some(ops), Some(metrics), Some(feed)).finish()
}

/// The SDL of the schema, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    builder(None, None, None).finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// The operations behind the schema.
pub(crate) fn ops<'a>(ctx: &Context<'a>) -> Result<&'a Ops, OpsError> {
    ctx.data::<Ops>()
        .map_err(|e| OpsError::internal(format!("schema has no Ops: {}", e.message)))
}

fn request<'a>(ctx: &Context<'a>) -> Result<&'a RequestContext, OpsError> {
    ctx.data::<RequestContext>()
        .map_err(|e| OpsError::internal(format!("request has no context: {}", e.message)))
}

/// The instant of the request.
pub(crate) fn now(ctx: &Context<'_>) -> Result<OffsetDateTime, OpsError> {
    Ok(request(ctx)?.now)
}

/// The signed-in caller, even one who still has to change a one-time password.
pub(crate) fn signed_in<'a>(ctx: &Context<'a>) -> Result<&'a Authenticated, OpsError> {
    match &request(ctx)?.session {
        Session::SignedIn(auth) => Ok(auth),
        Session::Anonymous => Err(OpsError::Unauthenticated(None)),
        Session::Refused(problem) => Err(OpsError::Unauthenticated(Some(*problem))),
    }
}

/// The signed-in caller's authority; refused until a one-time password has been changed.
pub(crate) fn actor<'a>(ctx: &Context<'a>) -> Result<&'a Actor, OpsError> {
    let auth = signed_in(ctx)?;
    if auth.account.must_change_password {
        return Err(OpsError::PasswordChangeRequired);
    }
    Ok(&auth.actor)
}

/// The file of a GraphQL multipart upload, or a typed refusal when the request carried none.
pub(crate) fn uploaded(
    ctx: &Context<'_>,
    file: &async_graphql::Upload,
) -> Result<async_graphql::UploadValue, OpsError> {
    file.value(ctx).map_err(|_| {
        OpsError::invalid(InvalidInput::Malformed {
            field: "file",
            expected_vi: "một tệp gửi kèm theo chuẩn GraphQL multipart",
            expected_en: "a file sent as a GraphQL multipart upload",
        })
    })
}

/// Parses a GraphQL `ID` into a domain id, naming the input field when it is malformed.
pub(crate) fn parse_id<T: FromStr<Err = MalformedId>>(
    field: &'static str,
    id: &ID,
) -> Result<T, OpsError> {
    id.parse().map_err(|_| {
        OpsError::invalid(InvalidInput::Malformed {
            field,
            expected_vi: "mã định danh phải là UUID, ví dụ 0192f0c1-7a8b-7c3d-9e4f-1a2b3c4d5e6f",
            expected_en: "ids are UUIDs, e.g. 0192f0c1-7a8b-7c3d-9e4f-1a2b3c4d5e6f",
        })
    })
}

/// Parses a GraphQL `ID` that is a plain UUID (not a domain id type), naming the input field
/// when it is malformed.
pub(crate) fn parse_uuid(field: &'static str, id: &ID) -> Result<uuid::Uuid, OpsError> {
    uuid::Uuid::parse_str(id.as_str()).map_err(|_| {
        OpsError::invalid(InvalidInput::Malformed {
            field,
            expected_vi: "mã định danh phải là UUID",
            expected_en: "ids are UUIDs",
        })
    })
}

/// Gives every error a stable `extensions.code`: errors raised by resolvers already carry one;
/// errors raised by async-graphql itself (syntax, unknown fields or enum values, missing
/// arguments, depth and complexity limits) get `VALIDATION`, a Vietnamese `message`, and the
/// original English text in `messageEn`.
struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            let has_code = error
                .extensions
                .as_ref()
                .is_some_and(|ext| ext.get("code").is_some());
            if !has_code {
                let english = error.message.clone();
                let vietnamese = format!("Yêu cầu GraphQL không hợp lệ: {english}");
                let ext = error.extensions.get_or_insert_with(Default::default);
                ext.set("code", "VALIDATION");
                ext.set("messageEn", english);
                ext.set("messageVi", vietnamese.clone());
                error.message = vietnamese;
            }
        }
        response
    }
}

/// Default and largest page of a newest-first log (webhook deliveries, notifications).
pub(crate) const LOG_PAGE_DEFAULT: i32 = 50;
pub(crate) const LOG_PAGE_MAX: i32 = 200;

/// The `first` and `before` of a newest-first log paged by row id: how many rows (1 to 200,
/// default 50) and the id to page back from, which must be one of `what`'s ids.
pub(crate) fn log_page(
    first: Option<i32>,
    before: Option<&ID>,
    what_vi: &'static str,
    what_en: &'static str,
) -> Result<(u64, Option<i64>), OpsError> {
    let first = first.unwrap_or(LOG_PAGE_DEFAULT);
    if !(1..=LOG_PAGE_MAX).contains(&first) {
        return Err(OpsError::invalid(InvalidInput::Malformed {
            field: "first",
            expected_vi: "từ 1 đến 200",
            expected_en: "1 to 200",
        }));
    }
    let before = before
        .map(|b| {
            b.parse::<i64>().map_err(|_| {
                OpsError::invalid(InvalidInput::Malformed {
                    field: "before",
                    expected_vi: what_vi,
                    expected_en: what_en,
                })
            })
        })
        .transpose()?;
    Ok((u64::try_from(first).unwrap_or(50), before))
}
