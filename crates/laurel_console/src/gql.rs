//! Running the gateway's GraphQL in-process, and reading its answers and errors.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::web::Lang;
use laurel_gateway::server::InProcessGraphql;

/// Why an operation was refused, as the API says it (both languages), with the fields named.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// `extensions.code`: `VALIDATION`, `FORBIDDEN`, `CONFLICT`, ...
    pub code: String,
    vi: String,
    en: String,
    /// Each field's own messages (vi, en), when the API names fields.
    fields: Vec<(String, String, String)>,
}

impl Problem {
    /// A problem found by the console itself (before asking the API).
    pub fn local(code: &str, vi: &str, en: &str) -> Problem {
        Problem {
            code: code.into(),
            vi: vi.into(),
            en: en.into(),
            fields: Vec::new(),
        }
    }

    /// A problem with one field, found by the console itself.
    pub fn local_field(field: &str, vi: &str, en: &str) -> Problem {
        Problem {
            fields: vec![(field.into(), vi.into(), en.into())],
            ..Problem::local("VALIDATION", vi, en)
        }
    }

    /// The same problem with the API's field names mapped to the form's (`(api, form)`).
    #[must_use]
    pub fn renamed(mut self, names: &[(&str, &str)]) -> Problem {
        for (field, _, _) in &mut self.fields {
            if let Some((_, form)) = names.iter().find(|(api, _)| api == field) {
                *field = (*form).to_owned();
            }
        }
        self
    }

    /// The whole message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    /// What the API says of `field`, in `lang`.
    pub fn for_field(&self, field: &str, lang: Lang) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, vi, en)| match lang {
                Lang::Vi => vi.as_str(),
                Lang::En => en.as_str(),
            })
    }

    fn from_error(error: &async_graphql::ServerError) -> Problem {
        let ext = error
            .extensions
            .as_ref()
            .and_then(|e| serde_json::to_value(e).ok())
            .unwrap_or(Value::Null);
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let vi = text(&ext, "messageVi").unwrap_or_else(|| error.message.clone());
        let en = text(&ext, "messageEn").unwrap_or_else(|| error.message.clone());
        let mut fields: Vec<(String, String, String)> = ext
            .get("errors")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|e| {
                        Some((
                            text(e, "field")?,
                            text(e, "messageVi")?,
                            text(e, "messageEn")?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if fields.is_empty()
            && let Some(field) = text(&ext, "field")
        {
            fields.push((field, vi.clone(), en.clone()));
        }
        Problem {
            code: text(&ext, "code").unwrap_or_else(|| "INTERNAL".into()),
            vi,
            en,
            fields,
        }
    }
}

/// One GraphQL call for the holder of `token`.
pub async fn run<T: DeserializeOwned>(
    client: &InProcessGraphql,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<T, Problem> {
    run_request(
        client,
        token,
        async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables)),
    )
    .await
}

/// One GraphQL request (with uploads already set) for the holder of `token`.
pub async fn run_request<T: DeserializeOwned>(
    client: &InProcessGraphql,
    token: Option<&str>,
    request: async_graphql::Request,
) -> Result<T, Problem> {
    let response = client.execute(token, request).await;
    if let Some(error) = response.errors.first() {
        return Err(Problem::from_error(error));
    }
    let data = response.data.into_json().map_err(|e| {
        tracing::error!(error = %e, "console: GraphQL data is not JSON");
        internal()
    })?;
    serde_json::from_value(data).map_err(|e| {
        tracing::error!(error = %e, "console: unexpected GraphQL answer");
        internal()
    })
}

fn internal() -> Problem {
    Problem::local(
        "INTERNAL",
        "Lỗi hệ thống; không có thay đổi nào được ghi. Hãy thử lại sau.",
        "Internal error; nothing was changed. Please try again later.",
    )
}

/// The most rows a console page reads of one list (page after page, 200 at a time); a page
/// that reaches it says so rather than showing part of a list as if it were all of it.
pub const LIST_MAX: usize = 2_000;

/// Every node of the connection `field` that `query` selects (it takes `$after: String` and
/// asks `field(first: 200, after: $after) { nodes { … } pageInfo { hasNextPage endCursor } }`),
/// page after page, up to [`LIST_MAX`]: the nodes, and whether more were left unread.
pub async fn all_pages<T: DeserializeOwned>(
    client: &InProcessGraphql,
    token: Option<&str>,
    query: &str,
    field: &str,
) -> Result<(Vec<T>, bool), Problem> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<T> {
        nodes: Vec<T>,
        page_info: PageInfo,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct PageInfo {
        has_next_page: bool,
        end_cursor: Option<String>,
    }
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut data: serde_json::Map<String, Value> =
            run(client, token, query, serde_json::json!({ "after": after })).await?;
        let page: Page<T> = data
            .remove(field)
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| {
                tracing::error!(error = %e, "console: unexpected GraphQL page");
                internal()
            })?
            .ok_or_else(internal)?;
        all.extend(page.nodes);
        match page.page_info.end_cursor {
            Some(cursor) if page.page_info.has_next_page => {
                if all.len() >= LIST_MAX {
                    return Ok((all, true));
                }
                after = Some(cursor);
            }
            _ => return Ok((all, false)),
        }
    }
}

/// Every item of the list `field` that `query` selects with an offset (it takes
/// `$offset: Int` and asks `field(first: 200, offset: $offset)`), page after page, up to
/// [`LIST_MAX`]: the items, and whether more were left unread.
pub async fn all_by_offset<T: DeserializeOwned>(
    client: &InProcessGraphql,
    token: Option<&str>,
    query: &str,
    field: &str,
) -> Result<(Vec<T>, bool), Problem> {
    const PAGE: usize = 200;
    let mut all = Vec::new();
    loop {
        let mut data: serde_json::Map<String, Value> = run(
            client,
            token,
            query,
            serde_json::json!({ "offset": all.len() }),
        )
        .await?;
        let page: Vec<T> = data
            .remove(field)
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| {
                tracing::error!(error = %e, "console: unexpected GraphQL list");
                internal()
            })?
            .ok_or_else(internal)?;
        if all.len() >= LIST_MAX {
            // Read up to the limit: whether anything was left is whether this page had any.
            return Ok((all, !page.is_empty()));
        }
        let full = page.len() == PAGE;
        all.extend(page);
        if !full {
            return Ok((all, false));
        }
    }
}

/// A field answered as `{ name }`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Named {
    pub(crate) name: String,
}

/// A field answered as `{ id }`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct IdOnly {
    pub(crate) id: String,
}

/// A field answered as `{ id name }`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct IdName {
    pub(crate) id: String,
    pub(crate) name: String,
}
