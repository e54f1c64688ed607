//! Importing nominations from Excel or CSV: the template to download, a dry run that lists
//! every finding at its line and column, and the import itself. One mutation
//! (`importNominations`), run with the signed-in account's token.

use std::sync::Arc;

use askama::Template;
use poem::http::StatusCode;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Multipart};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::json;

use crate::gql::{self, Named, Problem};
use crate::pages::{UnitFields, UnitOption, unit_options};
use crate::web::{
    App, Chrome, Form, Session, check_csrf, csrf_refusal, page_with_status, read_multipart,
};

const TITLE: (&str, &str) = ("Nhập danh sách đề nghị", "Import nominations");

#[derive(Debug, Deserialize)]
struct Choices {
    units: Vec<UnitFields>,
    movements: Vec<MovementChoice>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MovementChoice {
    id: String,
    name: String,
    open: bool,
}

const CHOICES: &str = concat!(
    "{ units { ",
    unit_fields!(),
    " } movements { id name open } }"
);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Imported {
    import_nominations: Report,
}

/// What the import answered.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    lines: i32,
    errors: i32,
    committed: bool,
    people_created: i32,
    nominees_registered: i32,
    nomination_ids: Vec<String>,
    findings: Vec<FindingRow>,
    proposals: Vec<ProposalRow>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FindingRow {
    line: Option<i32>,
    column: Option<String>,
    severity: String,
    message: String,
    message_en: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProposalRow {
    id: String,
    issuer: Named,
}

const IMPORT: &str = "mutation($input: ImportNominationsInput!) { importNominations(input: $input) { \
    lines errors committed peopleCreated nomineesRegistered nominationIds \
    findings { line column severity message messageEn } proposals { id issuer { name } } } }";

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    form: Form,
    units: Vec<UnitOption>,
    movements: Vec<MovementChoice>,
    report: Option<Report>,
    /// A file a check found clean, carried in the page to import without choosing it again.
    checked: Option<Checked>,
}

/// A file checked and found clean: its name and its bytes in base64 (the console keeps no
/// state; importing it checks it again in full, as any upload).
#[derive(Debug)]
pub struct Checked {
    filename: String,
    content: String,
}

/// The largest file carried in the page after a check, before base64 (beyond it, the user
/// chooses the file again): 4 MiB, and no more than three quarters of the largest form the
/// console reads, so that its base64 still fits.
fn carried_max(app: &App) -> usize {
    (4 * 1024 * 1024).min(app.client.max_document_bytes() / 4 * 3)
}

impl ImportPage {
    /// A finding's message in the page's language.
    fn says<'a>(&self, f: &'a FindingRow) -> &'a str {
        match self.chrome.lang {
            crate::web::Lang::Vi => &f.message,
            crate::web::Lang::En => &f.message_en,
        }
    }
}

async fn import_page(
    app: &App,
    session: Session,
    form: Form,
    report: Option<Report>,
    checked: Option<Checked>,
) -> Response {
    let status = form.status();
    match gql::run::<Choices>(&app.client, Some(&session.token), CHOICES, json!({})).await {
        Ok(choices) => page_with_status(
            &ImportPage {
                units: unit_options(choices.units),
                movements: choices.movements.into_iter().filter(|m| m.open).collect(),
                form,
                report,
                checked,
                chrome: session.chrome,
            },
            status,
        ),
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[handler]
pub async fn import_form(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let session = match app.session(jar, csrf, TITLE, false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    import_page(app, session, Form::default(), None, None).await
}

#[handler]
pub async fn import(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    multipart: Multipart,
) -> Response {
    let session = match app.session(jar, csrf, TITLE, false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let (fields, file) = read_multipart(multipart).await;
    if check_csrf(verifier, &fields, session.chrome.clone()).is_some() {
        return csrf_refusal(session.chrome);
    }
    // A file checked before and carried in the page comes back as a field.
    let carried = fields
        .get("checkedFile")
        .and_then(|b64| data_encoding::BASE64.decode(b64.as_bytes()).ok())
        .map(|content| crate::web::Upload {
            filename: fields
                .get("checkedName")
                .cloned()
                .unwrap_or_else(|| "de-nghi.xlsx".to_owned()),
            content_type: None,
            content,
        });
    let file = match (file, carried) {
        (Ok(Some(file)), _) | (Ok(None), Some(file)) => file,
        (Ok(None), None) => {
            let problem = Problem::local_field(
                "file",
                "Hãy chọn tệp Excel hoặc CSV cần nhập.",
                "Choose the Excel or CSV file to import.",
            );
            let form = Form::with(fields).refused(problem, lang);
            return import_page(app, session, form, None, None).await;
        }
        (Err(problem), _) => {
            let form = Form::with(fields).refused(problem, lang);
            return import_page(app, session, form, None, None).await;
        }
    };
    let carry = (get_field(&fields, "mode") != "import" && file.content.len() <= carried_max(app))
        .then(|| Checked {
            filename: file.filename.clone(),
            content: data_encoding::BASE64.encode(&file.content),
        });
    let get = |k: &str| get_field(&fields, k);
    let movement = get("movementId");
    let mut request = async_graphql::Request::new(IMPORT).variables(
        async_graphql::Variables::from_json(json!({ "input": {
            "proposingUnitId": get("proposingUnitId"),
            "movementId": if movement.is_empty() { None } else { Some(movement) },
            "dryRun": get("mode") != "import",
            "file": null,
        }})),
    );
    request.set_upload("variables.input.file", file.into_value());
    match gql::run_request::<Imported>(&app.client, Some(&session.token), request).await {
        Ok(answer) => {
            let report = answer.import_nominations;
            let refused = get("mode") == "import" && !report.committed;
            // Only a clean check is carried on to be imported.
            let checked = carry.filter(|_| report.errors == 0 && !report.committed);
            let form = Form::with(fields);
            let status = if refused {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let mut response = import_page(app, session, form, Some(report), checked).await;
            if response.status() == StatusCode::OK {
                response.set_status(status);
            }
            response
        }
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            import_page(app, session, form, None, None).await
        }
    }
}

/// A form field, trimmed ("" when absent).
fn get_field(fields: &std::collections::HashMap<String, String>, key: &str) -> String {
    fields
        .get(key)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}
