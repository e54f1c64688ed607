//! A look at each GraphQL document before async-graphql validates and runs it.
//!
//! async-graphql's own limits (depth, complexity) miss three things found from outside:
//! - **Fragments that spread the next one twice**: 20 of them expand to a million fields from
//!   under a kilobyte of text. Validation itself walks every expansion, so the cost must be known
//!   before it runs; here each fragment is weighed once and its weight reused.
//! - **Plain lists** (`rulesets`, a decision's `recipients`, a nomination's `history`) count as one
//!   field whatever they return, so 900 aliases of `rulesets` return 16 MB. Here a field whose
//!   type is a list weighs [`LIST_WEIGHT`] times what it selects; `__typename` counts like any
//!   field; introspection (`__schema`, `__type`) is weighed without list factors (the schema is
//!   finite) but each such field weighs [`INTROSPECTION_WEIGHT`] itself, so that aliases cannot
//!   ask for it hundreds of times.
//! - **A quoted string where an enum belongs** (`award(kind: "GIAY_KHEN")`) is accepted by
//!   async-graphql; the GraphQL spec says an enum literal is a bare name. JSON variables still
//!   carry enums as strings, as they must.
//!
//! A refused document gets `VALIDATION` with the weight and the limit in both languages.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{ErrorExtensionValues, Name, Pos, Positioned, ServerError, ServerResult};
use async_graphql_value::Value;

/// How many items a plain list is assumed to return when weighing a document.
pub const LIST_WEIGHT: u64 = 10;
/// What one `__schema` or `__type` field weighs, besides what it selects.
pub const INTROSPECTION_WEIGHT: u64 = 2_000;
/// The heaviest document accepted: every field weighs one, a list's selection
/// [`LIST_WEIGHT`] times, fragments as expanded. The console's heaviest page weighs a few
/// thousand.
pub const MAX_WEIGHT: u64 = 20_000;

/// Put in a request's data when its caller may not introspect the schema: a document asking for
/// `__schema` or `__type` is then refused with `UNAUTHENTICATED` (rather than async-graphql's
/// silent `null`).
#[derive(Debug, Clone, Copy)]
pub struct IntrospectionClosed;

/// Put in a WebSocket connection's data: only subscriptions run over it. Its session is fixed
/// when it opens (subscriptions look it up again before each event), so queries and mutations,
/// which would act on it as it was, are refused and go to `POST /graphql`.
#[derive(Debug, Clone, Copy)]
pub struct SubscriptionsOnly;

/// The extension: weighs each document and checks its enum literals.
pub(crate) struct DocumentGuard;

impl ExtensionFactory for DocumentGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentGuard)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentGuard {
    // Before async-graphql's own parse step: that step's recursion-depth check walks every
    // fragment spread (exponential in a fragment bomb). The document parsed here is handed on,
    // so it is parsed once. A syntax error is left for async-graphql to report.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        let mut request = next.run(ctx, request).await?;
        // Over HTTP the mark is in the request's data; over WebSocket, in the connection's.
        let closed = request
            .data
            .contains_key(&std::any::TypeId::of::<IntrospectionClosed>())
            || ctx.data_opt::<IntrospectionClosed>().is_some();
        if let Ok(document) = request.parsed_query() {
            if ctx.data_opt::<SubscriptionsOnly>().is_some()
                && let Some((_, op)) = document
                    .operations
                    .iter()
                    .find(|(_, op)| op.node.ty != OperationType::Subscription)
            {
                return Err(validation(
                    "Qua /graphql/ws chỉ chạy subscription; hãy gửi query và mutation tới POST /graphql.".to_string(),
                    "Only subscriptions run over /graphql/ws; send queries and mutations to POST /graphql.".to_string(),
                    op.pos,
                ));
            }
            let introspects = check(&ctx.schema_env.registry, document)?;
            if let (Some(at), true) = (introspects, closed) {
                let mut error = validation(
                    "Xem lược đồ GraphQL (introspection) cần đăng nhập: gửi kèm token trong tiêu đề Authorization. Lược đồ được công bố trong tệp schema.graphql.".to_string(),
                    "Introspecting the GraphQL schema needs a session: send a token in the Authorization header. The schema is published as schema.graphql.".to_string(),
                    at,
                );
                if let Some(ext) = error.extensions.as_mut() {
                    ext.set("code", "UNAUTHENTICATED");
                }
                return Err(error);
            }
        }
        Ok(request)
    }
}

/// Weighs `document` and checks its literals against `registry`; says where it first
/// introspects the schema (asks for `__schema` or `__type`), if it does.
pub(crate) fn check(
    registry: &Registry,
    document: &ExecutableDocument,
) -> ServerResult<Option<Pos>> {
    let mut walk = Walk {
        registry,
        fragments: &document.fragments,
        weights: HashMap::new(),
        open: Vec::new(),
        introspects: None,
    };
    let mut total: u64 = 0;
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => registry.subscription_type.as_deref(),
        };
        let weight = walk.selection_set(&operation.node.selection_set.node, root, true)?;
        total = total.saturating_add(weight);
        if total > MAX_WEIGHT {
            return Err(too_heavy(total, operation.pos));
        }
    }
    Ok(walk.introspects)
}

struct Walk<'a> {
    registry: &'a Registry,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Each fragment's weight once known (with list factors, or without inside introspection).
    weights: HashMap<(Name, bool), u64>,
    /// Fragments being weighed: a cycle is left to validation, which names it.
    open: Vec<Name>,
    /// Where `__schema` or `__type` was first asked for.
    introspects: Option<Pos>,
}

impl Walk<'_> {
    fn selection_set(
        &mut self,
        set: &SelectionSet,
        parent: Option<&str>,
        lists_weigh: bool,
    ) -> ServerResult<u64> {
        let mut weight: u64 = 0;
        for item in &set.items {
            let add = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let meta = parent
                        .and_then(|p| self.registry.types.get(p))
                        .and_then(|t| t.field_by_name(name));
                    if let Some(meta) = meta {
                        for (arg, value) in &field.arguments {
                            if let Some(arg_meta) = meta.args.get(arg.node.as_str()) {
                                self.literal(&value.node, &arg_meta.ty, value.pos)?;
                            }
                        }
                    }
                    if matches!(name, "__schema" | "__type") {
                        self.introspects.get_or_insert(field.name.pos);
                    }
                    let introspection = name.starts_with("__");
                    let lists_weigh = lists_weigh && !introspection;
                    let ty = meta.map(|m| m.ty.as_str());
                    let child = if field.selection_set.node.items.is_empty() {
                        0
                    } else {
                        let concrete = ty.map(MetaTypeName::concrete_typename);
                        self.selection_set(&field.selection_set.node, concrete, lists_weigh)?
                    };
                    let factor = match ty {
                        Some(ty) if lists_weigh && MetaTypeName::create(ty).is_list() => {
                            LIST_WEIGHT
                        }
                        _ => 1,
                    };
                    // The schema is returned whole by one `__schema`: a fixed weight keeps it
                    // to a few per document (aliases of it would multiply a large answer).
                    let own = if matches!(name, "__schema" | "__type") {
                        INTROSPECTION_WEIGHT
                    } else {
                        1
                    };
                    own.saturating_add(factor.saturating_mul(child))
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.clone();
                    1u64.saturating_add(self.fragment(name, lists_weigh, spread.pos)?)
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .or(parent);
                    1u64.saturating_add(self.selection_set(
                        &inline.selection_set.node,
                        on,
                        lists_weigh,
                    )?)
                }
            };
            weight = weight.saturating_add(add);
            if weight > MAX_WEIGHT {
                return Err(too_heavy(weight, item.pos));
            }
        }
        Ok(weight)
    }

    fn fragment(&mut self, name: Name, lists_weigh: bool, pos: Pos) -> ServerResult<u64> {
        if let Some(weight) = self.weights.get(&(name.clone(), lists_weigh)) {
            return Ok(*weight);
        }
        // Refused here, not left to validation: async-graphql's own checks walk every spread
        // before they find an unknown fragment or a cycle.
        let Some(definition) = self.fragments.get(&name) else {
            return Err(validation(
                format!("Không có fragment {name}."),
                format!("Unknown fragment {name}."),
                pos,
            ));
        };
        if self.open.contains(&name) {
            return Err(validation(
                format!("Fragment {name} tự lặp lại chính nó."),
                format!("Fragment {name} spreads itself."),
                pos,
            ));
        }
        self.open.push(name.clone());
        let on = definition.node.type_condition.node.on.node.to_string();
        let weight =
            self.selection_set(&definition.node.selection_set.node, Some(&on), lists_weigh);
        self.open.pop();
        let weight = weight?;
        self.weights.insert((name, lists_weigh), weight);
        Ok(weight)
    }

    /// Refuses a quoted string given as an enum literal, at any depth of lists and input objects.
    fn literal(&self, value: &Value, ty: &str, pos: Pos) -> ServerResult<()> {
        let concrete = MetaTypeName::concrete_typename(ty);
        match (value, self.registry.types.get(concrete)) {
            (Value::String(s), Some(MetaType::Enum { name, .. })) => Err(validation(
                format!(
                    "Giá trị \"{s}\" của kiểu liệt kê {name} phải viết không có dấu ngoặc kép (ví dụ {s} thay cho \"{s}\")."
                ),
                format!(
                    "The {name} value \"{s}\" must be written without quotes (e.g. {s}, not \"{s}\")."
                ),
                pos,
            )),
            (Value::List(items), _) => {
                let inner = match MetaTypeName::create(ty).unwrap_non_null() {
                    MetaTypeName::List(inner) => inner,
                    _ => ty,
                };
                items.iter().try_for_each(|v| self.literal(v, inner, pos))
            }
            (Value::Object(fields), Some(MetaType::InputObject { input_fields, .. })) => fields
                .iter()
                .try_for_each(|(name, v)| match input_fields.get(name.as_str()) {
                    Some(meta) => self.literal(v, &meta.ty, pos),
                    None => Ok(()),
                }),
            _ => Ok(()),
        }
    }
}

fn too_heavy(weight: u64, pos: Pos) -> ServerError {
    let shown = if weight > MAX_WEIGHT * 1000 {
        format!("hơn {}", MAX_WEIGHT * 1000)
    } else {
        weight.to_string()
    };
    let shown_en = if weight > MAX_WEIGHT * 1000 {
        format!("over {}", MAX_WEIGHT * 1000)
    } else {
        weight.to_string()
    };
    validation(
        format!(
            "Yêu cầu GraphQL quá nặng: trọng số {shown}, tối đa {MAX_WEIGHT} (mỗi trường 1, phần chọn trong một danh sách ×{LIST_WEIGHT}, fragment tính như khi mở ra). Hãy chia nhỏ yêu cầu hoặc dùng phân trang."
        ),
        format!(
            "The GraphQL document is too heavy: weight {shown_en}, at most {MAX_WEIGHT} (each field 1, a list's selection ×{LIST_WEIGHT}, fragments as expanded). Split it or page through the lists."
        ),
        pos,
    )
}

fn validation(vi: String, en: String, pos: Pos) -> ServerError {
    let mut error = ServerError::new(vi.clone(), Some(pos));
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", "VALIDATION");
    ext.set("messageVi", vi);
    ext.set("messageEn", en);
    error.extensions = Some(ext);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The errors the guard gives `query` on the real schema (resolvers fail without a
    /// database, which is not the guard's business and is left out).
    fn guard_errors(query: &str) -> Vec<String> {
        let schema = super::super::builder(None, None, None).finish();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let response = runtime.block_on(schema.execute(query));
        response
            .errors
            .into_iter()
            .filter_map(|e| e.extensions.and_then(|x| x.get("messageEn").cloned()))
            .map(|v| v.to_string())
            .filter(|m| m.contains("too heavy") || m.contains("without quotes"))
            .collect()
    }

    fn weigh(query: &str) -> Result<(), String> {
        match guard_errors(query).pop() {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    fn refused(query: &str) -> String {
        weigh(query).expect_err("refused")
    }

    #[test]
    fn a_fragment_spread_twice_per_level_is_weighed_without_expanding_it() {
        let mut query = String::from("query { ...F0 }\n");
        // 30 levels (async-graphql refuses recursion deeper than 32 by itself).
        for i in 0..30 {
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
                i + 1,
                i + 1
            ));
        }
        query.push_str("fragment F30 on Query { __typename }\n");
        let started = std::time::Instant::now();
        assert!(refused(&query).contains("too heavy"));
        // 2^30 expansions would take minutes: the weight is computed once per fragment.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn a_fragment_bomb_ending_in_an_unknown_fragment_or_a_cycle_is_refused_at_once() {
        for last in ["...Nope", "...F0"] {
            let mut query = String::from("query { ...F0 }\n");
            for i in 0..30 {
                query.push_str(&format!(
                    "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
                    i + 1,
                    i + 1
                ));
            }
            query.push_str(&format!("fragment F30 on Query {{ {last} }}\n"));
            let started = std::time::Instant::now();
            let schema = super::super::builder(None, None, None).finish();
            let response = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime")
                .block_on(schema.execute(query.as_str()));
            assert!(!response.errors.is_empty(), "{last}");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{last}"
            );
        }
    }

    #[test]
    fn plain_lists_weigh_by_what_they_select() {
        let one = "{ rulesets { awards { criteria { id } } } }";
        assert!(weigh(one).is_ok());
        let aliases: String = (0..200)
            .map(|i| format!("a{i}: rulesets {{ awards {{ criteria {{ id }} }} }} "))
            .collect();
        assert!(refused(&format!("{{ {aliases} }}")).contains("too heavy"));
    }

    #[test]
    fn typename_counts_like_any_field() {
        let many: String = (0..MAX_WEIGHT + 1)
            .map(|i| format!("t{i}: __typename "))
            .collect();
        assert!(refused(&format!("{{ {many} }}")).contains("too heavy"));
    }

    #[test]
    fn introspection_is_weighed_without_list_factors() {
        let query = "{ __schema { types { name fields { name args { name type { name ofType { name ofType { name } } } } type { name ofType { name ofType { name ofType { name } } } } } } } }";
        assert!(weigh(query).is_ok());
    }

    #[test]
    fn introspection_is_answered_a_few_times_per_document_at_most() {
        let aliases: String = (0..20)
            .map(|i| format!("s{i}: __schema {{ types {{ name }} }} "))
            .collect();
        assert!(refused(&format!("{{ {aliases} }}")).contains("too heavy"));
    }

    #[test]
    fn enum_literals_must_be_bare_names() {
        assert!(weigh("{ rulesets { award(kind: GIAY_KHEN) { authority } } }").is_ok());
        let message = refused(r#"{ rulesets { award(kind: "GIAY_KHEN") { authority } } }"#);
        assert!(message.contains("without quotes"), "{message}");
        // Inside an input object too.
        let message = refused(
            r#"mutation { grantRole(input: { accountId: "x", role: "CLERK" }) { granted } }"#,
        );
        assert!(message.contains("without quotes"), "{message}");
        // A variable carries the enum as a JSON string, as it must.
        assert!(
            weigh("query($k: AwardKindCode!) { rulesets { award(kind: $k) { authority } } }")
                .is_ok()
        );
    }
}
