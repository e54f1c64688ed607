//! The pages and their forms. Each handler is a GraphQL query (a page) or a mutation (a form)
//! through [`crate::gql`], then a template.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use poem::http::StatusCode;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Form as PostForm, Multipart, Path, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::UNIT;
use crate::gql::{self, IdOnly, Named, Problem};
use crate::labels;
use crate::web::{
    App, Chrome, Done, Form, Lang, Session, check_csrf, csrf_refusal, dd_mm_yyyy, go, page,
    page_with_status, read_multipart,
};

type Fields = HashMap<String, String>;

// ---------------------------------------------------------------------------------------------
// What GraphQL answers, as the pages read it.

/// A nominee as GraphQL names it (a person's full name or a unit's name).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Nominee {
    full_name: Option<String>,
    name: Option<String>,
}

impl Nominee {
    /// The name to show.
    pub(crate) fn display(&self) -> String {
        self.full_name
            .clone()
            .or_else(|| self.name.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StageFields {
    kind: String,
    due_on_text: Option<String>,
    overdue: bool,
    unit: Option<Named>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RowFields {
    id: String,
    version: i32,
    award_kind: String,
    period: i32,
    state: String,
    nominee: Nominee,
    proposing_unit: UnitRef,
    movement: Option<IdOnly>,
    stage: StageFields,
}

#[derive(Debug, Clone, Deserialize)]
struct UnitRef {
    id: String,
    name: String,
}

pub(crate) const ROW: &str = "fragment Row on Nomination { id version awardKind period state \
    nominee { ... on Person { fullName } ... on Unit { name } } proposingUnit { id name } \
    movement { id } stage { kind dueOnText overdue unit { name } } }";

/// One nomination in a list.
#[derive(Debug, Clone)]
pub struct Row {
    pub(crate) id: String,
    /// `id:version`, what a bulk action sends back.
    pub(crate) pick: String,
    pub(crate) award: String,
    pub(crate) period: i32,
    pub(crate) nominee: String,
    pub(crate) unit: String,
    pub(crate) stage: String,
    pub(crate) waits_at: String,
    pub(crate) due: String,
    pub(crate) overdue: bool,
    pub(crate) state: String,
}

impl Row {
    pub(crate) fn of(r: RowFields, lang: Lang) -> Row {
        Row {
            award: labels::award(&r.award_kind, lang),
            nominee: r.nominee.display(),
            unit: r.proposing_unit.name,
            stage: labels::stage(&r.stage.kind, lang),
            waits_at: r.stage.unit.map(|u| u.name).unwrap_or_default(),
            due: r.stage.due_on_text.unwrap_or_default(),
            overdue: r.stage.overdue,
            state: labels::state(&r.state, lang),
            period: r.period,
            pick: format!("{}:{}", r.id, r.version),
            id: r.id,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub(crate) has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Paged<T> {
    pub(crate) nodes: Vec<T>,
    pub(crate) page_info: PageInfo,
}

// ---------------------------------------------------------------------------------------------
// Login, password, logout, language.

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    form: Form,
}

#[handler]
pub async fn login_form(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    let chrome = app.anonymous(jar, csrf, ("Đăng nhập", "Log in"));
    page(&LoginPage {
        chrome,
        form: Form::default(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginAnswer {
    login: LoginFields,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginFields {
    token: String,
    must_change_password: bool,
}

#[handler]
pub async fn login(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    req: &poem::Request,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    let chrome = app.anonymous(jar, csrf, ("Đăng nhập", "Log in"));
    if let Some(refused) = check_csrf(verifier, &fields, chrome.clone()) {
        return refused;
    }
    let mut request = async_graphql::Request::new(
        "mutation($input: LoginInput!) { login(input: $input) { token mustChangePassword } }",
    )
    .variables(async_graphql::Variables::from_json(json!({ "input": {
        "username": fields.get("username").cloned().unwrap_or_default(),
        "password": fields.get("password").cloned().unwrap_or_default(),
    }})));
    // Failed logins are counted per address too, as for the API.
    if let Some(ip) = laurel_gateway::server::client_ip(req) {
        request = request.data(laurel_gateway::ops::ClientAddress(ip));
    }
    let answer: Result<LoginAnswer, Problem> = gql::run_request(&app.client, None, request).await;
    match answer {
        Ok(answer) => {
            app.start_session(jar, &answer.login.token);
            go(if answer.login.must_change_password {
                "/password"
            } else {
                "/"
            })
        }
        Err(problem) => {
            let lang = chrome.lang;
            // The password is never sent back into the page.
            let mut kept = fields;
            kept.remove("password");
            // 401 for a wrong password, 429 when too many failed (the API's throttle).
            let status = match problem.code.as_str() {
                "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            page_with_status(
                &LoginPage {
                    chrome,
                    form: Form::with(kept).refused(problem, lang),
                },
                status,
            )
        }
    }
}

#[handler]
pub async fn logout(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    let chrome = app.anonymous(jar, csrf, ("Đăng xuất", "Log out"));
    if let Some(refused) = check_csrf(verifier, &fields, chrome) {
        return refused;
    }
    if let Some(cookie) = jar.get(laurel_gateway::server::SESSION_COOKIE) {
        // Ends the session in the database, not only in this browser.
        let _: Result<Value, Problem> = gql::run(
            &app.client,
            Some(cookie.value_str()),
            "mutation { logout { loggedOut } }",
            json!({}),
        )
        .await;
    }
    app.end_session(jar);
    go("/login")
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    form: Form,
}

#[handler]
pub async fn password_form(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app
        .session(jar, csrf, ("Đổi mật khẩu", "Change password"), true)
        .await
    {
        Ok(session) => page(&PasswordPage {
            chrome: session.chrome,
            form: Form::default(),
        }),
        Err(to) => to,
    }
}

#[handler]
pub async fn password(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Đổi mật khẩu", "Change password"),
            true,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let new = fields.get("newPassword").cloned().unwrap_or_default();
    let problem = if Some(&new) != fields.get("confirmPassword") {
        Some(Problem::local_field(
            "confirmPassword",
            "Hai lần nhập mật khẩu mới không giống nhau.",
            "The two new passwords differ.",
        ))
    } else {
        gql::run::<Value>(
            &app.client,
            Some(&session.token),
            "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { account { username } } }",
            json!({ "input": {
                "currentPassword": fields.get("currentPassword").cloned().unwrap_or_default(),
                "newPassword": new,
            }}),
        )
        .await
        .err()
    };
    match problem {
        None => go("/?done=password"),
        Some(problem) => page_with_status(
            &PasswordPage {
                chrome: session.chrome,
                form: Form::with(HashMap::new()).refused(problem, lang),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// The page a console address shows when fetched with GET: a form's answer (a refused form, a
/// bulk outcome, a ballot's receipt) is shown at the form's POST address, so the language
/// switch goes back to the page the form is on.
fn page_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    for suffix in [
        "/act",
        "/documents",
        "/ballot",
        "/tally",
        "/close",
        "/sessions",
        "/annul",
        "/certificates",
        "/units",
        "/people",
        "/accounts",
        "/roles",
    ] {
        if let Some(parent) = path.strip_suffix(suffix)
            && !parent.is_empty()
        {
            return parent.to_owned();
        }
    }
    match path {
        "/bulk" | "/logout" => "/".to_owned(),
        other => other.to_owned(),
    }
}

#[handler]
pub fn language(
    req: &poem::Request,
    jar: &CookieJar,
    Path(lang): Path<String>,
    Query(back): Query<Back>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    app.set_lang(jar, if lang == "en" { Lang::En } else { Lang::Vi });
    // Back to the page the switch was pressed on (`?back=` or the Referer), and only to a
    // page of the console on this server: never an open redirect.
    let prefix = laurel_gateway::server::CONSOLE_PREFIX;
    let from_referer = req.header("Referer").and_then(|r| {
        let after_scheme = r.split_once("://").map_or(r, |(_, rest)| rest);
        let path = &after_scheme[after_scheme.find('/')?..];
        path.strip_prefix(prefix).map(str::to_owned)
    });
    let to = back
        .back
        .or(from_referer.map(|path| page_of(&path)))
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .filter(|b| !b.starts_with("/lang/"))
        .unwrap_or_else(|| "/".into());
    go(&to)
}

// ---------------------------------------------------------------------------------------------
// The work queue and the nomination lists.

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    rows: Vec<Row>,
    /// How many wait in all, before the filters.
    waiting: usize,
    /// More wait than a page reads.
    truncated: bool,
    form: Form,
    awards: Vec<(String, String)>,
    units: Vec<(String, String)>,
    movements: Vec<(String, String)>,
    /// The outcome of a bulk action, one line per nomination.
    results: Vec<(String, bool, String)>,
}

#[derive(Deserialize)]
pub struct QueueFilter {
    done: Option<String>,
    award: Option<String>,
    unit: Option<String>,
    movement: Option<String>,
}

/// The notice after a successful action (`?done=...`).
fn notice(done: Option<&str>, lang: Lang) -> Option<String> {
    let done = done?;
    Some(match done {
        "password" => lang.t("Đã đổi mật khẩu.", "Password changed.").to_owned(),
        "created" => lang.t("Đã tạo.", "Created.").to_owned(),
        "uploaded" => lang
            .t("Đã đính kèm tài liệu.", "Document attached.")
            .to_owned(),
        "issued" => lang
            .t("Đã cấp bằng, giấy khen.", "Certificates issued.")
            .to_owned(),
        // Only the commands Laurel knows: a link cannot make the page say anything else.
        command => {
            let name = labels::command(command, lang);
            if name == command {
                return None;
            }
            format!("{}: {name}", lang.t("Đã ghi", "Recorded"))
        }
    })
}

/// The work queue, filtered; `results` are a bulk action's outcome to show above it.
async fn queue_page(
    app: &App,
    mut session: Session,
    filter: QueueFilter,
    results: Vec<(String, bool, String)>,
) -> Response {
    #[derive(Deserialize)]
    struct Movements {
        movements: Vec<MovementName>,
    }
    #[derive(Deserialize)]
    struct MovementName {
        id: String,
        name: String,
    }
    let lang = session.chrome.lang;
    session.chrome.notice = notice(filter.done.as_deref(), lang);
    let queue = gql::all_pages::<RowFields>(
        &app.client,
        Some(&session.token),
        &format!(
            "query($after: String) {{ workQueue(first: 200, after: $after) {{ \
             nodes {{ ...Row }} pageInfo {{ hasNextPage endCursor }} }} }} {ROW}"
        ),
        "workQueue",
    )
    .await;
    let movements = gql::run::<Movements>(
        &app.client,
        Some(&session.token),
        "{ movements { id name } }",
        json!({}),
    )
    .await;
    let ((queue, truncated), movements) = match (queue, movements) {
        (Ok(queue), Ok(movements)) => (queue, movements.movements),
        (Err(problem), _) | (_, Err(problem)) => return app.problem(session.chrome, &problem),
    };
    let some = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let (award, unit, movement) = (
        some(&filter.award),
        some(&filter.unit),
        some(&filter.movement),
    );
    let mut units: Vec<(String, String)> = Vec::new();
    for r in &queue {
        if !units.iter().any(|(id, _)| *id == r.proposing_unit.id) {
            units.push((r.proposing_unit.id.clone(), r.proposing_unit.name.clone()));
        }
    }
    let waiting = queue.len();
    let rows = queue
        .into_iter()
        .filter(|r| award.as_ref().is_none_or(|a| *a == r.award_kind))
        .filter(|r| unit.as_ref().is_none_or(|u| *u == r.proposing_unit.id))
        .filter(|r| {
            movement
                .as_ref()
                .is_none_or(|m| r.movement.as_ref().is_some_and(|x| x.id == *m))
        })
        .map(|r| Row::of(r, lang))
        .collect();
    let mut typed = Fields::new();
    for (key, value) in [("award", award), ("unit", unit), ("movement", movement)] {
        if let Some(v) = value {
            typed.insert(key.into(), v);
        }
    }
    page(&HomePage {
        rows,
        waiting,
        truncated,
        form: Form::with(typed),
        awards: labels::awards(lang),
        units,
        movements: movements.into_iter().map(|m| (m.id, m.name)).collect(),
        results,
        chrome: session.chrome,
    })
}

#[handler]
pub async fn home(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Query(filter): Query<QueueFilter>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app
        .session(jar, csrf, ("Việc cần làm", "Work queue"), false)
        .await
    {
        Ok(session) => queue_page(app, session, filter, Vec::new()).await,
        Err(to) => to,
    }
}

/// One action on the nominations picked in the work queue: each applied wholly or not at all,
/// one line of outcome per nomination.
#[handler]
pub async fn bulk(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Vec<(String, String)>>,
) -> Response {
    let fields: Fields = pairs.iter().cloned().collect();
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Việc cần làm", "Work queue"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let picked = picked(&pairs);
    let filter = QueueFilter {
        done: None,
        award: None,
        unit: None,
        movement: None,
    };
    if picked.is_empty() {
        let line = lang
            .t(
                "Hãy chọn ít nhất một hồ sơ.",
                "Pick at least one nomination.",
            )
            .to_owned();
        return queue_page(app, session, filter, vec![(String::new(), false, line)]).await;
    }
    let target = json!({ "nominations": picked });
    let (field, query, variables) = match fields.get("command").map(String::as_str) {
        Some("SUBMIT") => (
            "submitNominations",
            "mutation($t: BulkTargetInput!) { submitNominations(target: $t) { results { id ok messageVi messageEn } } }",
            json!({ "t": target }),
        ),
        Some("RECEIVE") => (
            "receiveNominations",
            "mutation($t: BulkTargetInput!) { receiveNominations(target: $t) { results { id ok messageVi messageEn } } }",
            json!({ "t": target }),
        ),
        Some("ENDORSE") => (
            "endorseNominations",
            "mutation($i: EndorseNominationsInput!) { endorseNominations(input: $i) { results { id ok messageVi messageEn } } }",
            json!({ "i": { "target": target } }),
        ),
        _ => {
            let line = lang
                .t("Hãy chọn một thao tác.", "Choose an action.")
                .to_owned();
            return queue_page(app, session, filter, vec![(String::new(), false, line)]).await;
        }
    };
    let results = bulk_outcomes(
        app,
        &session.token,
        (field, query, variables),
        lang,
        ("Đã ghi.", "Done."),
    )
    .await;
    queue_page(app, session, filter, results).await
}

/// Runs a bulk mutation (`field` answers `{ results { id ok messageVi messageEn } }`): one
/// line per nomination, in `lang`, `done` where the API says nothing more.
pub(crate) async fn bulk_outcomes(
    app: &App,
    token: &str,
    (field, query, variables): (&str, &str, Value),
    lang: Lang,
    done: (&'static str, &'static str),
) -> Vec<(String, bool, String)> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Outcome {
        id: String,
        ok: bool,
        message_vi: Option<String>,
        message_en: Option<String>,
    }
    #[derive(Deserialize)]
    struct Payload {
        results: Vec<Outcome>,
    }
    match gql::run::<HashMap<String, Payload>>(&app.client, Some(token), query, variables).await {
        Ok(mut answer) => answer
            .remove(field)
            .map(|p| p.results)
            .unwrap_or_default()
            .into_iter()
            .map(|o| {
                let message = match lang {
                    Lang::Vi => o.message_vi,
                    Lang::En => o.message_en,
                }
                .unwrap_or_else(|| lang.t(done.0, done.1).to_owned());
                (o.id, o.ok, message)
            })
            .collect(),
        Err(problem) => vec![(String::new(), false, problem.message(lang).to_owned())],
    }
}

#[derive(Template)]
#[template(path = "nominations.html")]
struct NominationsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    form: Form,
    states: Vec<(String, String)>,
    awards: Vec<(String, String)>,
    /// The units to filter by, as proposing unit (with its subtree) or as issuer.
    units: Vec<UnitOption>,
    next: Option<String>,
    /// The whole filtered list as XLSX and CSV (the gateway's export, same session).
    exports: (String, String),
}

#[derive(Deserialize)]
pub struct ListFilter {
    state: Option<String>,
    award: Option<String>,
    period: Option<String>,
    /// The proposing unit (its subtree included).
    unit: Option<String>,
    issuer: Option<String>,
    after: Option<String>,
}

#[handler]
pub async fn nominations(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Query(filter): Query<ListFilter>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let session = match app
        .session(jar, csrf, ("Hồ sơ đề nghị", "Nominations"), false)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    // The page, its export links and the units to filter by, in one request.
    #[derive(Deserialize)]
    struct Answer {
        nominations: Paged<RowFields>,
        xlsx: String,
        csv: String,
        units: Vec<UnitFields>,
    }
    let lang = session.chrome.lang;
    let some = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let mut input = serde_json::Map::new();
    if let Some(state) = some(&filter.state) {
        input.insert("state".into(), state.into());
    }
    if let Some(award) = some(&filter.award) {
        input.insert("awardKind".into(), award.into());
    }
    if let Some(unit) = some(&filter.unit) {
        input.insert("proposingUnitId".into(), unit.into());
    }
    if let Some(issuer) = some(&filter.issuer) {
        input.insert("issuerUnitId".into(), issuer.into());
    }
    let mut typed = Fields::new();
    for (key, value) in [
        ("state", &filter.state),
        ("award", &filter.award),
        ("period", &filter.period),
        ("unit", &filter.unit),
        ("issuer", &filter.issuer),
    ] {
        if let Some(v) = some(value) {
            typed.insert(key.into(), v);
        }
    }
    if let Some(period) = some(&filter.period) {
        match period.trim().parse::<i32>() {
            Ok(year) => {
                input.insert("period".into(), year.into());
            }
            Err(_) => {
                // Only the filter's units are needed to show the form again.
                #[derive(Deserialize)]
                struct Units {
                    units: Vec<UnitFields>,
                }
                let units = match gql::run::<Units>(
                    &app.client,
                    Some(&session.token),
                    &format!("{{ units {{ {UNIT} }} }}"),
                    json!({}),
                )
                .await
                {
                    Ok(units) => unit_options(units.units),
                    Err(problem) => return app.problem(session.chrome, &problem),
                };
                let problem = year_problem("period");
                return page_with_status(
                    &NominationsPage {
                        rows: Vec::new(),
                        form: Form::with(typed).refused(problem, lang),
                        states: labels::states(lang),
                        awards: labels::awards(lang),
                        units,
                        next: None,
                        exports: (String::new(), String::new()),
                        chrome: session.chrome,
                    },
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
        }
    }
    match gql::run::<Answer>(
        &app.client,
        Some(&session.token),
        &format!(
            "query($filter: NominationFilterInput, $after: String) {{ nominations(first: 50, after: $after, filter: $filter) {{ nodes {{ ...Row }} pageInfo {{ hasNextPage endCursor }} }} xlsx: nominationsExportUrl(filter: $filter) csv: nominationsExportUrl(filter: $filter, csv: true) units {{ {UNIT} }} }} {ROW}"
        ),
        json!({ "filter": Value::Object(input), "after": some(&filter.after) }),
    )
    .await
    {
        Ok(answer) => {
            let next = answer
                .nominations
                .page_info
                .has_next_page
                .then_some(answer.nominations.page_info.end_cursor)
                .flatten()
                .map(|cursor| {
                    let mut query = vec![format!("after={}", encode(&cursor))];
                    for (key, value) in &typed {
                        query.push(format!("{key}={}", encode(value)));
                    }
                    query.join("&")
                });
            page(&NominationsPage {
                rows: answer
                    .nominations
                    .nodes
                    .into_iter()
                    .map(|r| Row::of(r, lang))
                    .collect(),
                form: Form::with(typed),
                states: labels::states(lang),
                awards: labels::awards(lang),
                units: unit_options(answer.units),
                next,
                exports: (answer.xlsx, answer.csv),
                chrome: session.chrome,
            })
        }
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

/// A year typed as something else than a number.
fn year_problem(field: &str) -> Problem {
    Problem::local_field(
        field,
        "Năm phải là một số, ví dụ 2026.",
        "The year must be a number, e.g. 2026.",
    )
}

/// The nominations ticked in a list (`pick` = `id:version`), as the API's
/// `NominationVersionInput`s.
pub(crate) fn picked(pairs: &[(String, String)]) -> Vec<Value> {
    pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .filter_map(|(_, v)| {
            let (id, version) = v.split_once(':')?;
            Some(json!({ "id": id, "expectedVersion": version.parse::<i32>().ok()? }))
        })
        .collect()
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Drafting a nomination.

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UnitFields {
    id: String,
    name: String,
    code: String,
    head_title: String,
    place: Option<String>,
    path: Vec<IdOnly>,
    /// A collective registered for a movement from outside the tree.
    #[serde(default)]
    outside_tree: bool,
}

impl UnitFields {
    /// Its id.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Whether it is one of `roots` or below one of them.
    pub(crate) fn within(&self, roots: &[String]) -> bool {
        self.path.iter().any(|p| roots.contains(&p.id))
    }
}

/// Where a nominee registered from outside the tree lives.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ExternalFields {
    pub(crate) address: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonFields {
    id: String,
    full_name: String,
    rank: Option<String>,
    position: Option<String>,
    unit: Named,
    external: Option<ExternalFields>,
}

/// A unit in a list or a select, indented by its depth.
#[derive(Debug, Clone)]
pub struct UnitOption {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) code: String,
    pub(crate) head_title: String,
    pub(crate) place: String,
    pub(crate) indent: String,
}

/// A person in a list or a select.
#[derive(Debug, Clone)]
pub struct PersonOption {
    id: String,
    label: String,
    unit: String,
}

/// The units that act (issue, propose, hold roles, have people): collectives registered for a
/// movement from outside the tree are nominees only, and left out.
pub(crate) fn unit_options(units: Vec<UnitFields>) -> Vec<UnitOption> {
    units
        .into_iter()
        .filter(|u| !u.outside_tree)
        .map(|u| unit_option(u, String::new()))
        .collect()
}

/// The units that may be nominated: every unit, those registered for a movement from outside
/// the tree marked so.
pub(crate) fn nominee_unit_options(units: &[UnitFields], lang: Lang) -> Vec<UnitOption> {
    units
        .iter()
        .cloned()
        .map(|u| {
            let mark = if u.outside_tree {
                format!(" ({})", labels::outside_tree(lang))
            } else {
                String::new()
            };
            unit_option(u, mark)
        })
        .collect()
}

fn unit_option(u: UnitFields, mark: String) -> UnitOption {
    UnitOption {
        indent: "\u{a0}\u{a0}\u{a0}".repeat(u.path.len().saturating_sub(1)),
        label: u.name + &mark,
        code: u.code,
        head_title: u.head_title,
        place: u.place.unwrap_or_default(),
        id: u.id,
    }
}

fn person_options(people: Vec<PersonFields>, lang: Lang) -> Vec<PersonOption> {
    people
        .into_iter()
        .map(|p| {
            let outside = p
                .external
                .map(|e| format!("({}, {})", labels::outside_tree(lang), e.address));
            let title: Vec<String> = [
                p.rank,
                Some(p.full_name),
                p.position.map(|x| format!("({x})")),
                outside,
            ]
            .into_iter()
            .flatten()
            .collect();
            PersonOption {
                id: p.id,
                label: title.join(" "),
                unit: p.unit.name,
            }
        })
        .collect()
}

/// The units and the people the caller may see (every page of people, up to
/// [`gql::LIST_MAX`]), and whether people were left out.
struct Org {
    units: Vec<UnitFields>,
    people: Vec<PersonFields>,
    truncated: bool,
}

async fn org(app: &App, token: &str) -> Result<Org, Problem> {
    #[derive(Deserialize)]
    struct Units {
        units: Vec<UnitFields>,
    }
    let units: Units = gql::run(
        &app.client,
        Some(token),
        concat!("{ units { ", unit_fields!(), " } }"),
        json!({}),
    )
    .await?;
    let (people, truncated) = gql::all_pages(
        &app.client,
        Some(token),
        "query($after: String) { people(first: 200, after: $after) { \
         nodes { id fullName rank position unit { name } external { address } } pageInfo { hasNextPage endCursor } } }",
        "people",
    )
    .await?;
    Ok(Org {
        units: units.units,
        people,
        truncated,
    })
}

#[derive(Template)]
#[template(path = "new_nomination.html")]
struct NewNominationPage {
    chrome: Chrome,
    form: Form,
    units: Vec<UnitOption>,
    /// The units that may be nominated (those registered from outside the tree marked).
    nominee_units: Vec<UnitOption>,
    people: Vec<PersonOption>,
    /// More people than a page reads.
    truncated: bool,
    awards: Vec<(String, String)>,
}

async fn new_nomination_page(
    app: &App,
    session: Session,
    form: Form,
    status: StatusCode,
) -> Response {
    match org(app, &session.token).await {
        Ok(org) => page_with_status(
            &NewNominationPage {
                awards: labels::awards(session.chrome.lang),
                nominee_units: nominee_unit_options(&org.units, session.chrome.lang),
                units: unit_options(org.units),
                people: person_options(org.people, session.chrome.lang),
                truncated: org.truncated,
                form,
                chrome: session.chrome,
            },
            status,
        ),
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[handler]
pub async fn new_nomination_form(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let session = match app
        .session(jar, csrf, ("Lập hồ sơ đề nghị", "New nomination"), false)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let year = laurel_domain::calendar::local_date(app.client.now()).year();
    let mut defaults = Fields::new();
    defaults.insert("period".into(), year.to_string());
    defaults.insert("awardKind".into(), "GIAY_KHEN".into());
    new_nomination_page(app, session, Form::with(defaults), StatusCode::OK).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedNomination {
    create_nomination: NominationId,
}

#[derive(Deserialize)]
struct NominationId {
    nomination: IdField,
}

#[derive(Deserialize)]
struct IdField {
    id: String,
}

#[handler]
pub async fn new_nomination(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Lập hồ sơ đề nghị", "New nomination"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let get = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut input = json!({
        "awardKind": get("awardKind"),
        "issuerUnitId": get("issuerUnitId"),
        "achievement": get("achievement"),
    });
    let nominee = get("nominee");
    match nominee.split_once(':') {
        Some(("unit", id)) => input["nomineeUnitId"] = id.into(),
        Some(("person", id)) => input["nomineePersonId"] = id.into(),
        _ => {
            let problem = Problem::local_field(
                "nominee",
                "Hãy chọn người hoặc tập thể được đề nghị.",
                "Choose the person or collective nominated.",
            );
            return new_nomination_page(
                app,
                session,
                Form::with(fields).refused(problem, lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    }
    match get("period").parse::<i32>() {
        Ok(year) => input["period"] = year.into(),
        Err(_) => {
            let problem = year_problem("period");
            return new_nomination_page(
                app,
                session,
                Form::with(fields).refused(problem, lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    }
    match gql::run::<CreatedNomination>(
        &app.client,
        Some(&session.token),
        "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id } } }",
        json!({ "input": input }),
    )
    .await
    {
        Ok(created) => go(&format!(
            "/nominations/{}?done=created",
            created.create_nomination.nomination.id
        )),
        Err(problem) => {
            let problem = problem.renamed(&[
                ("nomineeUnitId", "nominee"),
                ("nomineePersonId", "nominee"),
            ]);
            let form = Form::with(fields).refused(problem, lang);
            let status = form.status();
            new_nomination_page(app, session, form, status).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One nomination: what it is, where it stands, its dossier, history and the actions.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NominationFields {
    id: String,
    version: i32,
    state: String,
    award_kind: String,
    period: i32,
    achievement: String,
    nominee: Nominee,
    issuer: UnitRef,
    proposing_unit: Named,
    stage: StageFields,
    dossier: DossierFields,
    eligibility: EligibilityFields,
    history: Vec<HistoryFields>,
    available_commands: Vec<String>,
    decision: Option<DecisionRef>,
    certificate: Option<CertificateRef>,
    council_outcomes: Vec<OutcomeFields>,
    consultations: Vec<ConsultationFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsultationFields {
    unit: UnitRef,
    requested_on: String,
    due_on: String,
    answered_on: Option<String>,
    verdict: Option<String>,
    opinion: Option<String>,
}

/// A unit asked for its opinion (hiệp y), and its answer.
#[derive(Debug, Clone)]
pub struct ConsultationView {
    unit: String,
    requested: String,
    due: String,
    answered: String,
    verdict: String,
    opinion: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutcomeFields {
    approved: bool,
    members: i64,
    present: i64,
    votes_for: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DossierFields {
    required: Vec<String>,
    missing: Vec<String>,
    missing_for_appraisal: Vec<String>,
    documents: Vec<DocumentFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocumentFields {
    kind: String,
    filename: String,
    url: String,
    size_bytes: i64,
    uploaded_by_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EligibilityFields {
    verdict: String,
    ruleset: String,
    criteria: Vec<CriterionFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CriterionFields {
    article: String,
    message_vi: String,
    message_en: String,
    met: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistoryFields {
    action: String,
    to_stage: String,
    to_state: String,
    actor_name: Option<String>,
    reasons: Vec<String>,
    reason: Option<String>,
    note: Option<String>,
    at: String,
}

#[derive(Debug, Deserialize)]
struct DecisionRef {
    id: String,
    number: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CertificateRef {
    code: String,
    pdf_url: String,
    verify_url: String,
}

const NOMINATION: &str = "query($id: ID!) { nomination(id: $id) { id version state awardKind period achievement \
    nominee { ... on Person { fullName } ... on Unit { name } } issuer { id name } proposingUnit { name } \
    stage { kind dueOnText overdue unit { name } } \
    consultations { unit { id name } requestedOn dueOn answeredOn verdict opinion } \
    dossier { required missing missingForAppraisal documents { kind filename url sizeBytes uploadedByName } } \
    eligibility { verdict ruleset criteria { article messageVi messageEn met } } \
    history { action toStage toState actorName reasons reason note at } \
    availableCommands decision { id number } certificate { code pdfUrl verifyUrl } \
    councilOutcomes { approved members present votesFor } } }";

/// A document in the dossier.
#[derive(Debug, Clone)]
pub struct DocumentView {
    kind: String,
    filename: String,
    url: String,
    size: String,
    by: String,
}

/// One criterion of the eligibility, explained.
#[derive(Debug, Clone)]
pub struct CriterionView {
    article: String,
    message: String,
    /// `met`, `unmet` or `judgement`.
    class: &'static str,
    mark: &'static str,
}

/// One line of the history.
#[derive(Debug, Clone)]
pub struct HistoryView {
    at: String,
    who: String,
    action: String,
    to: String,
    why: String,
}

/// An action the caller may take, with the fields it asks for.
#[derive(Debug, Clone)]
pub struct ActionView {
    code: String,
    label: String,
    /// Which fields the form shows.
    fields: &'static [&'static str],
    /// Destructive actions are styled apart.
    danger: bool,
}

impl ActionView {
    fn asks(&self, field: &str) -> bool {
        self.fields.contains(&field)
    }
}

/// The commands the console has forms for, with their fields.
fn action(code: &str, lang: Lang) -> Option<ActionView> {
    let (fields, danger): (&'static [&'static str], bool) = match code {
        "SUBMIT" | "RESUBMIT" | "RECALL" | "RECEIVE" | "CLOSE_NOTICE" | "CLOSE_CONSULTATION" => {
            (&[], false)
        }
        "ENDORSE" => (&["note"], false),
        "RETURN" => (&["reasons"], true),
        "REJECT" | "WITHDRAW" => (&["reason"], true),
        "EDIT" => (&["achievement"], false),
        "NOTICE_DELAY" => (&["newDueOn", "reason"], false),
        "REQUEST_OPINIONS" => (&["unitIds"], false),
        "GIVE_OPINION" => (&["unitId", "opinion"], false),
        "APPRAISE" => (&["verdict", "notes"], false),
        "RECORD_COUNCIL" => (
            &[
                "members",
                "present",
                "votesFor",
                "votesAgainst",
                "abstentions",
            ],
            false,
        ),
        "SIGN" => (&["capacity", "signerTitle"], false),
        _ => return None,
    };
    Some(ActionView {
        code: code.to_owned(),
        label: labels::command(code, lang),
        fields,
        danger,
    })
}

#[derive(Template)]
#[template(path = "nomination.html")]
struct NominationPage {
    chrome: Chrome,
    id: String,
    version: i32,
    award: String,
    period: i32,
    nominee: String,
    proposing_unit: String,
    issuer: String,
    achievement: String,
    state: String,
    /// Whether the review is over (decided, rejected, withdrawn, annulled): no stage, no uploads.
    finished: bool,
    stage: String,
    waits_at: String,
    due: String,
    overdue: bool,
    missing: Vec<String>,
    /// Parts appraisal will require beyond reception's (the initiative's confirmation when
    /// the eligibility rests on one).
    missing_for_appraisal: Vec<String>,
    required: Vec<String>,
    documents: Vec<DocumentView>,
    document_kinds: Vec<(String, String)>,
    verdict: String,
    ruleset: String,
    /// The council's last vote, in words ("Hội đồng thông qua: 7/7 có mặt tán thành").
    council: Option<String>,
    criteria: Vec<CriterionView>,
    history: Vec<HistoryView>,
    /// The units asked for their opinion, and their answers.
    consultations: Vec<ConsultationView>,
    /// Units the office may ask (those it sees, not yet asked), when it may ask.
    consultable: Vec<(String, String)>,
    /// Consulted units the caller heads that have not answered.
    answering_for: Vec<(String, String)>,
    actions: Vec<ActionView>,
    other_commands: Vec<String>,
    decision: Option<(String, String)>,
    certificate: Option<(String, String, String)>,
    /// The action whose form was refused, and that form.
    acted: Option<String>,
    form: Form,
}

/// An instant from the API (RFC 3339, UTC) as people read it: `dd/mm/yyyy hh:mm`, Vietnam time.
pub(crate) fn local_time(at: &str) -> String {
    let format = time::macros::format_description!("[day]/[month]/[year] [hour]:[minute]");
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| {
            t.to_offset(laurel_domain::calendar::VIETNAM)
                .format(format)
                .ok()
        })
        .unwrap_or_else(|| at.to_owned())
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{bytes} B")
    }
}

/// The units the issuer's office may ask for an opinion on `n`: those it sees in the tree, but
/// the issuer itself, groups registered from outside the tree and units already asked (the
/// API decides; this only chooses what the form offers).
async fn consultable(
    app: &App,
    token: &str,
    n: &NominationFields,
) -> Result<Vec<(String, String)>, Problem> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Unit {
        id: String,
        name: String,
        outside_tree: bool,
    }
    #[derive(Deserialize)]
    struct Units {
        units: Vec<Unit>,
    }
    let units: Units = gql::run(
        &app.client,
        Some(token),
        "{ units { id name outsideTree } }",
        json!({}),
    )
    .await?;
    Ok(units
        .units
        .into_iter()
        .filter(|u| {
            !u.outside_tree
                && u.id != n.issuer.id
                && !n.consultations.iter().any(|c| c.unit.id == u.id)
        })
        .map(|u| (u.id, u.name))
        .collect())
}

async fn nomination_page(
    app: &App,
    mut session: Session,
    id: &str,
    acted: Option<(String, Form)>,
    done: Option<&str>,
) -> Response {
    #[derive(Deserialize)]
    struct Answer {
        nomination: Option<NominationFields>,
    }
    let lang = session.chrome.lang;
    session.chrome.notice = notice(done, lang);
    let n = match gql::run::<Answer>(
        &app.client,
        Some(&session.token),
        NOMINATION,
        json!({ "id": id }),
    )
    .await
    {
        Ok(Answer {
            nomination: Some(n),
        }) => n,
        Ok(Answer { nomination: None }) => {
            return app.not_found(
                session.chrome,
                "Không tìm thấy hồ sơ đề nghị này.",
                "No such nomination was found.",
            );
        }
        Err(problem) => return app.problem(session.chrome, &problem),
    };
    let (actions, other): (Vec<_>, Vec<_>) = n
        .available_commands
        .iter()
        .map(|c| (c, action(c, lang)))
        .partition(|(_, a)| a.is_some());
    let (acted, form) = acted.map_or((None, Form::default()), |(a, f)| (Some(a), f));
    let status = form.status();
    session.chrome.title = format!(
        "{} · {}",
        labels::award(&n.award_kind, lang),
        n.nominee.display()
    );
    let consultable = if n.available_commands.iter().any(|c| c == "REQUEST_OPINIONS") {
        match consultable(app, &session.token, &n).await {
            Ok(units) => units,
            Err(problem) => return app.problem(session.chrome, &problem),
        }
    } else {
        Vec::new()
    };
    let heads = session.units_as("UNIT_HEAD");
    let answering_for: Vec<(String, String)> = n
        .consultations
        .iter()
        .filter(|c| c.answered_on.is_none() && heads.contains(&c.unit.id.as_str()))
        .map(|c| (c.unit.id.clone(), c.unit.name.clone()))
        .collect();
    let consultations = n
        .consultations
        .iter()
        .map(|c| ConsultationView {
            unit: c.unit.name.clone(),
            requested: dd_mm_yyyy(&c.requested_on),
            due: dd_mm_yyyy(&c.due_on),
            answered: c.answered_on.as_deref().map(dd_mm_yyyy).unwrap_or_default(),
            verdict: match c.verdict.as_deref() {
                Some("AGREE") => lang.t("Đồng ý", "Agrees"),
                Some("OBJECT") => lang.t("Không đồng ý", "Objects"),
                Some(other) => other,
                None => lang.t("Chưa trả lời", "No answer yet"),
            }
            .to_owned(),
            opinion: c.opinion.clone().unwrap_or_default(),
        })
        .collect();
    page_with_status(
        &NominationPage {
            id: n.id,
            version: n.version,
            award: labels::award(&n.award_kind, lang),
            period: n.period,
            nominee: n.nominee.display(),
            proposing_unit: n.proposing_unit.name,
            issuer: n.issuer.name,
            achievement: n.achievement,
            finished: !matches!(n.state.as_str(), "DRAFT" | "SUBMITTED" | "RETURNED"),
            state: labels::state(&n.state, lang),
            stage: labels::stage(&n.stage.kind, lang),
            waits_at: n.stage.unit.map(|u| u.name).unwrap_or_default(),
            due: n.stage.due_on_text.unwrap_or_default(),
            overdue: n.stage.overdue,
            missing: n
                .dossier
                .missing
                .iter()
                .map(|k| labels::document(k, lang))
                .collect(),
            // Said until appraisal is done: afterwards it no longer helps anyone.
            missing_for_appraisal: if matches!(n.state.as_str(), "DRAFT" | "SUBMITTED" | "RETURNED")
                && matches!(
                    n.stage.kind.as_str(),
                    "SUBMIT" | "ENDORSE" | "RECEIVE" | "APPRAISE"
                ) {
                n.dossier
                    .missing_for_appraisal
                    .iter()
                    .filter(|k| !n.dossier.missing.contains(k))
                    .map(|k| labels::document(k, lang))
                    .collect()
            } else {
                Vec::new()
            },
            required: n
                .dossier
                .required
                .iter()
                .map(|k| labels::document(k, lang))
                .collect(),
            documents: n
                .dossier
                .documents
                .into_iter()
                .map(|d| DocumentView {
                    kind: labels::document(&d.kind, lang),
                    filename: d.filename,
                    url: d.url,
                    size: size(d.size_bytes),
                    by: d.uploaded_by_name.unwrap_or_default(),
                })
                .collect(),
            document_kinds: labels::documents(lang),
            verdict: labels::verdict(&n.eligibility.verdict, lang),
            ruleset: n.eligibility.ruleset,
            council: n.council_outcomes.last().map(|o| {
                format!(
                    "{}: {}/{} {} ({} {})",
                    if o.approved {
                        lang.t("Hội đồng thông qua", "The council approved")
                    } else {
                        lang.t("Hội đồng không thông qua", "The council did not approve")
                    },
                    o.votes_for,
                    o.present,
                    lang.t("thành viên có mặt tán thành", "members present in favour"),
                    o.members,
                    lang.t("thành viên", "members"),
                )
            }),
            criteria: n
                .eligibility
                .criteria
                .into_iter()
                .map(|c| CriterionView {
                    article: c.article,
                    message: match lang {
                        Lang::Vi => c.message_vi,
                        Lang::En => c.message_en,
                    },
                    class: match c.met {
                        Some(true) => "met",
                        Some(false) => "unmet",
                        None => "judgement",
                    },
                    mark: match c.met {
                        Some(true) => "✓",
                        Some(false) => "✗",
                        None => "?",
                    },
                })
                .collect(),
            history: n
                .history
                .into_iter()
                .map(|h| {
                    let mut why: Vec<String> = h.reasons;
                    why.extend(h.reason);
                    why.extend(h.note);
                    HistoryView {
                        at: local_time(&h.at),
                        who: h.actor_name.unwrap_or_default(),
                        action: labels::event(&h.action, lang),
                        to: format!(
                            "{} · {}",
                            labels::state(&h.to_state, lang),
                            labels::stage(&h.to_stage, lang)
                        ),
                        why: why.join("; "),
                    }
                })
                .collect(),
            consultations,
            consultable,
            answering_for,
            actions: actions.into_iter().filter_map(|(_, a)| a).collect(),
            other_commands: other
                .into_iter()
                .map(|(c, _)| labels::command(c, lang))
                .collect(),
            decision: n.decision.map(|d| (d.id, d.number)),
            certificate: n.certificate.map(|c| (c.code, c.pdf_url, c.verify_url)),
            acted,
            form,
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn nomination(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Query(done): Query<Done>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app
        .session(jar, csrf, ("Hồ sơ đề nghị", "Nomination"), false)
        .await
    {
        Ok(session) => nomination_page(app, session, &id, None, done.done.as_deref()).await,
        Err(to) => to,
    }
}

/// The mutation a command's form sends, and its input.
fn command_mutation(
    command: &str,
    id: &str,
    version: i32,
    fields: &Fields,
    ticked: &[String],
) -> Result<(&'static str, Value), Problem> {
    let text = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let number = |k: &'static str, default: Option<i64>| -> Result<i64, Problem> {
        let raw = text(k);
        if raw.is_empty()
            && let Some(d) = default
        {
            return Ok(d);
        }
        raw.parse::<i64>().map_err(|_| {
            Problem::local_field(k, "Hãy nhập một số nguyên.", "Enter a whole number.")
        })
    };
    let mut input = json!({ "id": id, "expectedVersion": version });
    let name = match command {
        "SUBMIT" => "submitNomination(input: $input: NominationVersionInput!)",
        "RESUBMIT" => "resubmitNomination(input: $input: NominationVersionInput!)",
        "RECALL" => "recallNomination(input: $input: NominationVersionInput!)",
        "RECEIVE" => "receiveNomination(input: $input: NominationVersionInput!)",
        "CLOSE_NOTICE" => "closePublicNotice(input: $input: NominationVersionInput!)",
        "CLOSE_CONSULTATION" => "closeConsultation(input: $input: NominationVersionInput!)",
        "ENDORSE" => {
            let note = text("note");
            if !note.is_empty() {
                input["note"] = note.into();
            }
            "endorseNomination(input: $input: EndorseNominationInput!)"
        }
        "RETURN" => {
            let reasons: Vec<String> = text("reasons")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            input["reasons"] = reasons.into();
            "returnNomination(input: $input: ReturnNominationInput!)"
        }
        "REJECT" => {
            input["reason"] = text("reason").into();
            "rejectNomination(input: $input: RejectNominationInput!)"
        }
        "WITHDRAW" => {
            input["reason"] = text("reason").into();
            "withdrawNomination(input: $input: WithdrawNominationInput!)"
        }
        "EDIT" => {
            input["achievement"] = text("achievement").into();
            "updateNomination(input: $input: UpdateNominationInput!)"
        }
        "NOTICE_DELAY" => {
            let on = text("newDueOn");
            if on.is_empty() {
                return Err(Problem::local_field(
                    "newDueOn",
                    "Hãy chọn ngày hẹn mới.",
                    "Choose the new due date.",
                ));
            }
            input["newDueOn"] = on.into();
            input["reason"] = text("reason").into();
            "sendDelayNotice(input: $input: SendDelayNoticeInput!)"
        }
        "REQUEST_OPINIONS" => {
            let units: Vec<&String> = ticked.iter().collect();
            if units.is_empty() {
                return Err(Problem::local_field(
                    "unitIds",
                    "Hãy chọn ít nhất một đơn vị để lấy ý kiến.",
                    "Choose at least one unit to ask.",
                ));
            }
            input["unitIds"] = json!(units);
            "requestOpinions(input: $input: RequestOpinionsInput!)"
        }
        "GIVE_OPINION" => {
            input["unitId"] = text("unitId").into();
            input["verdict"] = text("verdict").into();
            input["opinion"] = text("opinion").into();
            "giveOpinion(input: $input: GiveOpinionInput!)"
        }
        "APPRAISE" => {
            input["verdict"] = text("verdict").into();
            input["notes"] = text("notes").into();
            "appraiseNomination(input: $input: AppraiseNominationInput!)"
        }
        "RECORD_COUNCIL" => {
            input["members"] = number("members", None)?.into();
            input["present"] = number("present", None)?.into();
            input["votesFor"] = number("votesFor", None)?.into();
            input["votesAgainst"] = number("votesAgainst", Some(0))?.into();
            input["abstentions"] = number("abstentions", Some(0))?.into();
            "recordCouncilOutcome(input: $input: RecordCouncilOutcomeInput!)"
        }
        _ => {
            return Err(Problem::local(
                "VALIDATION",
                "Thao tác này chưa có trên bảng điều khiển.",
                "This action is not in the console yet.",
            ));
        }
    };
    Ok((name, input))
}

#[handler]
pub async fn act(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Vec<(String, String)>>,
) -> Response {
    let fields: Fields = pairs.iter().cloned().collect();
    // The units ticked for a consultation.
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "unitIds")
        .map(|(_, v)| v.clone())
        .collect();
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Hồ sơ đề nghị", "Nomination"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let command = fields.get("command").cloned().unwrap_or_default();
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(0);
    let result: Result<String, Problem> = if command == "SIGN" {
        sign(app, &session, &id, version, &fields).await
    } else {
        match command_mutation(&command, &id, version, &fields, &ticked) {
            Ok((call, input)) => {
                // `name(input: $input: Type!)` → the operation's variable and the field call.
                let (field, rest) = call.split_once("(input: $input: ").unwrap_or((call, ""));
                let ty = rest.trim_end_matches(')');
                gql::run::<Value>(
                    &app.client,
                    Some(&session.token),
                    &format!(
                        "mutation($input: {ty}) {{ {field}(input: $input) {{ __typename }} }}"
                    ),
                    json!({ "input": input }),
                )
                .await
                .map(|_| format!("/nominations/{id}?done={command}"))
            }
            Err(problem) => Err(problem),
        }
    };
    match result {
        Ok(to) => go(&to),
        Err(problem) => {
            let form = Form::with(fields).ticking(ticked).refused(problem, lang);
            nomination_page(app, session, &id, Some((command, form)), None).await
        }
    }
}

async fn sign(
    app: &App,
    session: &Session,
    id: &str,
    version: i32,
    fields: &Fields,
) -> Result<String, Problem> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Signed {
        sign_decision: SignedDecision,
    }
    #[derive(Deserialize)]
    struct SignedDecision {
        decision: IdField,
    }
    let capacity = fields
        .get("capacity")
        .cloned()
        .unwrap_or_else(|| "DIRECT".into());
    let title = fields
        .get("signerTitle")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let signed: Signed = gql::run(
        &app.client,
        Some(&session.token),
        "mutation($input: SignDecisionInput!) { signDecision(input: $input) { decision { id } } }",
        json!({ "input": {
            "nominations": [{ "id": id, "expectedVersion": version }],
            "capacity": capacity,
            "signerTitle": title,
        }}),
    )
    .await?;
    Ok(format!(
        "/decisions/{}?done=SIGN",
        signed.sign_decision.decision.id
    ))
}

#[handler]
pub async fn upload(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    multipart: Multipart,
) -> Response {
    let session = match app
        .session(jar, csrf, ("Hồ sơ đề nghị", "Nomination"), false)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let (fields, file) = read_multipart(multipart).await;
    if check_csrf(verifier, &fields, session.chrome.clone()).is_some() {
        return csrf_refusal(session.chrome);
    }
    let file = match file {
        Ok(Some(file)) => file,
        Ok(None) => {
            let problem = Problem::local_field("file", "Hãy chọn một tệp.", "Choose a file.");
            let form = Form::with(fields).refused(problem, lang);
            return nomination_page(app, session, &id, Some(("UPLOAD".into(), form)), None).await;
        }
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            return nomination_page(app, session, &id, Some(("UPLOAD".into(), form)), None).await;
        }
    };
    let mut request = async_graphql::Request::new(
        "mutation($input: AttachDocumentInput!) { attachDocument(input: $input) { document { id } } }",
    )
    .variables(async_graphql::Variables::from_json(json!({ "input": {
        "nominationId": id,
        "kind": fields.get("kind").cloned().unwrap_or_default(),
        "file": null,
    }})));
    request.set_upload("variables.input.file", file.into_value());
    match gql::run_request::<Value>(&app.client, Some(&session.token), request).await {
        Ok(_) => go(&format!("/nominations/{id}?done=uploaded")),
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            nomination_page(app, session, &id, Some(("UPLOAD".into(), form)), None).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decisions.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DecisionRow {
    id: String,
    number: String,
    signed_on_text: String,
    issuer: Named,
    state: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct DecisionsPage {
    chrome: Chrome,
    decisions: Vec<DecisionRowView>,
    /// More decisions than a page reads.
    truncated: bool,
}

/// A decision in the list.
#[derive(Debug)]
pub struct DecisionRowView {
    id: String,
    number: String,
    signed_on: String,
    issuer: String,
    annulment: bool,
}

#[handler]
pub async fn decisions(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    let session = match app
        .session(jar, csrf, ("Quyết định", "Decisions"), false)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    match gql::all_pages::<DecisionRow>(
        &app.client,
        Some(&session.token),
        "query($after: String) { decisions(first: 200, after: $after) { \
         nodes { id number signedOnText issuer { name } state kind } pageInfo { hasNextPage endCursor } } }",
        "decisions",
    )
    .await
    {
        Ok((decisions, truncated)) => page(&DecisionsPage {
            truncated,
            decisions: decisions
                .into_iter()
                .map(|d| DecisionRowView {
                    annulment: d.kind != "AWARD" || d.state != "SIGNED",
                    id: d.id,
                    number: d.number,
                    signed_on: d.signed_on_text,
                    issuer: d.issuer.name,
                })
                .collect(),
            chrome: session.chrome,
        }),
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DecisionFields {
    id: String,
    number: String,
    title_line: String,
    signed_on_text: String,
    signer_name: String,
    capacity_line: Option<String>,
    issuer: Named,
    pdf_url: String,
    certificates_pdf_url: String,
    recipients_xlsx_url: String,
    recipients_csv_url: String,
    nominations: Vec<DecidedNomination>,
    certificates: Vec<CertificateFields>,
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DecidedNomination {
    id: String,
    version: i32,
    state: String,
    award_kind: String,
    nominee: Nominee,
    proposing_unit: Named,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CertificateFields {
    code: String,
    recipient_name: String,
    pdf_url: String,
    verify_url: String,
    status: String,
    golden_book_number: i32,
}

/// A recipient of a decision.
#[derive(Debug)]
pub struct RecipientView {
    id: String,
    /// `id:version`, what the annulment form sends back.
    pick: String,
    name: String,
    unit: String,
    award: String,
    /// Whether its award was annulled since.
    annulled: bool,
}

/// A certificate of a decision.
#[derive(Debug)]
pub struct CertificateView {
    number: i32,
    code: String,
    name: String,
    pdf_url: String,
    verify_url: String,
    annulled: bool,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    chrome: Chrome,
    id: String,
    title_line: String,
    signed_on: String,
    signer: String,
    capacity: String,
    issuer: String,
    pdf_url: String,
    certificates_pdf_url: String,
    xlsx_url: String,
    csv_url: String,
    recipients: Vec<RecipientView>,
    certificates: Vec<CertificateView>,
    /// Whether the caller signs for some issuer and the decision awards (the annulment form).
    may_annul: bool,
    /// Whether the caller signs or keeps an emulation office (issuing the certificates).
    may_issue: bool,
    grounds: Vec<(String, String)>,
    form: Form,
}

/// The grounds of Law 06/2022 Art 93.2, as (code, text).
fn grounds(lang: Lang) -> Vec<(String, String)> {
    ["A", "B", "C", "D"]
        .into_iter()
        .filter_map(|code| code.parse::<laurel_domain::workflow::AnnulGround>().ok())
        .map(|g| {
            let text = match lang {
                Lang::Vi => g.text_vi(),
                Lang::En => g.text_en(),
            };
            (
                g.code().to_owned(),
                format!("{}. {text}", g.code().to_lowercase()),
            )
        })
        .collect()
}

async fn decision_page(
    app: &App,
    mut session: Session,
    id: &str,
    done: Option<&str>,
    refused: Option<Form>,
) -> Response {
    #[derive(Deserialize)]
    struct Answer {
        decision: Option<DecisionFields>,
        me: MeRoles,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct MeRoles {
        roles_in_force: Vec<RoleName>,
    }
    #[derive(Deserialize)]
    struct RoleName {
        role: String,
    }
    let lang = session.chrome.lang;
    session.chrome.notice = notice(done, lang);
    let answer = match app.read::<Answer>(
        &session,
        "query($id: ID!) { me { rolesInForce { role } } decision(id: $id) { id number titleLine signedOnText signerName capacityLine \
         issuer { name } pdfUrl certificatesPdfUrl recipientsXlsxUrl recipientsCsvUrl kind \
         nominations { id version state awardKind nominee { ... on Person { fullName } ... on Unit { name } } proposingUnit { name } } \
         certificates { code recipientName pdfUrl verifyUrl status goldenBookNumber } } }",
        json!({ "id": id }),
    )
    .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    let Some(d) = answer.decision else {
        return app.not_found(
            session.chrome,
            "Không tìm thấy quyết định này.",
            "No such decision was found.",
        );
    };
    let signer = answer.me.roles_in_force.iter().any(|r| r.role == "SIGNER");
    let office = answer.me.roles_in_force.iter().any(|r| r.role == "CLERK");
    let form = refused.unwrap_or_default();
    let status = form.status();
    session.chrome.title = format!("{} · {}", lang.t("Quyết định", "Decision"), d.number);
    page_with_status(
        &DecisionPage {
            may_annul: signer
                && d.kind == "AWARD"
                && d.nominations.iter().any(|n| n.state == "DECIDED"),
            may_issue: (signer || office) && d.kind == "AWARD",
            grounds: grounds(lang),
            form,
            id: d.id,
            title_line: d.title_line,
            signed_on: d.signed_on_text,
            signer: d.signer_name,
            capacity: d.capacity_line.unwrap_or_default(),
            issuer: d.issuer.name,
            pdf_url: d.pdf_url,
            certificates_pdf_url: d.certificates_pdf_url,
            xlsx_url: d.recipients_xlsx_url,
            csv_url: d.recipients_csv_url,
            recipients: d
                .nominations
                .into_iter()
                .map(|n| RecipientView {
                    pick: format!("{}:{}", n.id, n.version),
                    annulled: n.state == "ANNULLED",
                    id: n.id,
                    name: n.nominee.display(),
                    unit: n.proposing_unit.name,
                    award: labels::award(&n.award_kind, lang),
                })
                .collect(),
            certificates: d
                .certificates
                .into_iter()
                .map(|c| CertificateView {
                    number: c.golden_book_number,
                    code: c.code,
                    name: c.recipient_name,
                    pdf_url: c.pdf_url,
                    verify_url: c.verify_url,
                    annulled: c.status != "VALID",
                })
                .collect(),
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn decision(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Query(done): Query<Done>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app
        .session(jar, csrf, ("Quyết định", "Decision"), false)
        .await
    {
        Ok(session) => decision_page(app, session, &id, done.done.as_deref(), None).await,
        Err(to) => to,
    }
}

/// Annuls some or all awards of a decision by a new decision (Law 06/2022 Art 93.2).
#[handler]
pub async fn annul(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Vec<(String, String)>>,
) -> Response {
    let fields: Fields = pairs.iter().cloned().collect();
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Quyết định", "Decision"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Annulled {
        annul_decision: AnnulledDecision,
    }
    #[derive(Deserialize)]
    struct AnnulledDecision {
        decision: IdField,
    }
    let lang = session.chrome.lang;
    let picked = picked(&pairs);
    let title = fields
        .get("signerTitle")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let answer = gql::run::<Annulled>(
        &app.client,
        Some(&session.token),
        "mutation($input: AnnulDecisionInput!) { annulDecision(input: $input) { decision { id } } }",
        json!({ "input": {
            "decisionId": id,
            "nominations": picked,
            "ground": fields.get("ground").cloned().unwrap_or_default(),
            "reason": fields.get("reason").cloned().unwrap_or_default(),
            "capacity": fields.get("capacity").cloned().unwrap_or_else(|| "DIRECT".into()),
            "signerTitle": title,
        }}),
    )
    .await;
    match answer {
        Ok(annulled) => go(&format!(
            "/decisions/{}?done=ANNUL",
            annulled.annul_decision.decision.id
        )),
        Err(problem) => {
            let ticked = pairs
                .iter()
                .filter(|(k, _)| k == "pick")
                .map(|(_, v)| v.clone())
                .collect();
            let form = Form::with(fields).ticking(ticked).refused(problem, lang);
            decision_page(app, session, &id, None, Some(form)).await
        }
    }
}

#[handler]
pub async fn issue_certificates(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Quyết định", "Decision"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    match gql::run::<Value>(
        &app.client,
        Some(&session.token),
        "mutation($input: IssueCertificatesInput!) { issueCertificates(input: $input) { certificates { id } } }",
        json!({ "input": { "decisionId": id } }),
    )
    .await
    {
        Ok(_) => go(&format!("/decisions/{id}?done=issued")),
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

// ---------------------------------------------------------------------------------------------
// Administration: units, people, accounts and their roles.

/// An account in the administration page, with its roles in words.
#[derive(Debug)]
pub struct AccountView {
    id: String,
    username: String,
    name: String,
    disabled: bool,
    roles: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountFields {
    id: String,
    username: String,
    display_name: String,
    disabled: bool,
    roles: Vec<RoleFields>,
}

#[derive(Debug, Deserialize)]
struct RoleFields {
    role: String,
    unit: Option<Named>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    units: Vec<UnitOption>,
    people: Vec<PersonOption>,
    /// More people than a page reads.
    truncated: bool,
    accounts: Vec<AccountView>,
    /// More accounts than a page reads.
    accounts_truncated: bool,
    roles: Vec<(String, String)>,
    /// Which form was refused, and that form.
    acted: Option<String>,
    form: Form,
}

async fn admin_page(app: &App, session: Session, acted: Option<(String, Form)>) -> Response {
    let lang = session.chrome.lang;
    // Only administrators may list accounts; others see the forms (which the API refuses).
    let (accounts, accounts_truncated) = if session.chrome.admin {
        match gql::all_by_offset::<AccountFields>(
            &app.client,
            Some(&session.token),
            "query($offset: Int) { accounts(first: 200, offset: $offset) { id username displayName disabled roles { role unit { name } } } }",
            "accounts",
        )
        .await
        {
            Ok(found) => found,
            Err(problem) => return app.problem(session.chrome, &problem),
        }
    } else {
        (Vec::new(), false)
    };
    let accounts = accounts
        .into_iter()
        .map(|a| AccountView {
            roles: a
                .roles
                .iter()
                .map(|r| {
                    let role = labels::role(&r.role, lang);
                    match &r.unit {
                        Some(unit) => format!("{role} · {}", unit.name),
                        None => role,
                    }
                })
                .collect(),
            id: a.id,
            username: a.username,
            name: a.display_name,
            disabled: a.disabled,
        })
        .collect();
    match org(app, &session.token).await {
        Ok(org) => {
            let (acted, form) = acted.map_or((None, Form::default()), |(a, f)| (Some(a), f));
            let status = form.status();
            page_with_status(
                &AdminPage {
                    units: unit_options(org.units),
                    people: person_options(org.people, lang),
                    truncated: org.truncated,
                    accounts,
                    accounts_truncated,
                    roles: labels::roles(lang),
                    acted,
                    form,
                    chrome: session.chrome,
                },
                status,
            )
        }
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[handler]
pub async fn admin(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Query(done): Query<Done>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app
        .session(jar, csrf, ("Quản trị", "Administration"), false)
        .await
    {
        Ok(mut session) => {
            session.chrome.notice = notice(done.done.as_deref(), session.chrome.lang);
            admin_page(app, session, None).await
        }
        Err(to) => to,
    }
}

/// Runs one administration form: its mutation, then back to the page (or the form again).
async fn admin_form(
    app: &App,
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    fields: Fields,
    which: &str,
    run: impl AsyncFnOnce(&Session, &Fields) -> Result<(), Problem>,
) -> Response {
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Quản trị", "Administration"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    match run(&session, &fields).await {
        Ok(()) => go("/admin?done=created"),
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            admin_page(app, session, Some((which.to_owned(), form))).await
        }
    }
}

/// An optional text field: absent when empty.
pub(crate) fn optional(fields: &Fields, key: &str) -> Value {
    fields
        .get(key)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map_or(Value::Null, |v| Value::String(v.to_owned()))
}

pub(crate) fn required(fields: &Fields, key: &str) -> Value {
    Value::String(
        fields
            .get(key)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default(),
    )
}

#[handler]
pub async fn create_unit(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    admin_form(
        app,
        jar,
        csrf,
        verifier,
        fields,
        "unit",
        async |session, f| {
            gql::run::<Value>(
                &app.client,
                Some(&session.token),
                "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } } }",
                json!({ "input": {
                    "name": required(f, "name"),
                    "code": required(f, "code"),
                    "headTitle": optional(f, "headTitle"),
                    "place": optional(f, "place"),
                    "parentId": optional(f, "parentId"),
                }}),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

#[handler]
pub async fn create_person(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    admin_form(app, jar, csrf, verifier, fields, "person", async |session, f| {
        gql::run::<Value>(
            &app.client,
            Some(&session.token),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": {
                "fullName": required(f, "fullName"),
                "rank": optional(f, "rank"),
                "position": optional(f, "position"),
                "unitId": required(f, "unitId"),
            }}),
        )
        .await
        .map(|_| ())
    })
    .await
}

#[handler]
pub async fn create_account(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    admin_form(app, jar, csrf, verifier, fields, "account", async |session, f| {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Created {
            create_account: AccountId,
        }
        #[derive(Deserialize)]
        struct AccountId {
            account: IdField,
        }
        let role = f.get("role").cloned().unwrap_or_default();
        if role.is_empty() {
            return Err(Problem::local_field(
                "role",
                "Hãy chọn vai trò của tài khoản.",
                "Choose the account's role.",
            ));
        }
        // The role is granted after the account is created: check what the grant needs first,
        // so that a refused grant does not leave an account behind.
        let unit = optional(f, "unitId");
        if role == "ADMIN" && !unit.is_null() {
            return Err(Problem::local_field(
                "unitId",
                "Vai trò quản trị không gắn với đơn vị: để trống ô đơn vị.",
                "The administrator role is held everywhere: leave the unit empty.",
            ));
        }
        if role != "ADMIN" && unit.is_null() {
            return Err(Problem::local_field(
                "unitId",
                "Hãy chọn đơn vị mà tài khoản giữ vai trò này.",
                "Choose the unit where the account holds this role.",
            ));
        }
        let created: Created = gql::run(
            &app.client,
            Some(&session.token),
            "mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }",
            json!({ "input": {
                "username": required(f, "username"),
                "password": f.get("password").cloned().unwrap_or_default(),
                "displayName": optional(f, "displayName"),
                "personId": optional(f, "personId"),
                "mustChangePassword": f.get("mustChangePassword").is_some(),
            }}),
        )
        .await?;
        gql::run::<Value>(
            &app.client,
            Some(&session.token),
            "mutation($input: GrantRoleInput!) { grantRole(input: $input) { granted } }",
            json!({ "input": {
                "accountId": created.create_account.account.id,
                "role": role,
                "unitId": optional(f, "unitId"),
            }}),
        )
        .await
        .map(|_| ())
    })
    .await
}

#[handler]
pub async fn grant_role(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    admin_form(
        app,
        jar,
        csrf,
        verifier,
        fields,
        "grant",
        async |session, f| {
            gql::run::<Value>(
                &app.client,
                Some(&session.token),
                "mutation($input: GrantRoleInput!) { grantRole(input: $input) { granted } }",
                json!({ "input": {
                    "accountId": required(f, "accountId"),
                    "role": required(f, "role"),
                    "unitId": optional(f, "unitId"),
                }}),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

#[handler]
pub async fn revoke_role(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    admin_form(
        app,
        jar,
        csrf,
        verifier,
        fields,
        "revoke",
        async |session, f| {
            gql::run::<Value>(
                &app.client,
                Some(&session.token),
                "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { revoked } }",
                json!({ "input": {
                    "accountId": required(f, "accountId"),
                    "role": required(f, "role"),
                    "unitId": optional(f, "unitId"),
                    "reason": required(f, "reason"),
                }}),
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

#[handler]
pub async fn account_status(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    admin_form(app, jar, csrf, verifier, fields, "status", async |session, f| {
        let mutation = if f.get("action").is_some_and(|a| a == "enable") {
            "mutation($input: EnableAccountInput!) { enableAccount(input: $input) { changed } }"
        } else {
            "mutation($input: DisableAccountInput!) { disableAccount(input: $input) { changed } }"
        };
        gql::run::<Value>(
            &app.client,
            Some(&session.token),
            mutation,
            json!({ "input": {
                "accountId": required(f, "accountId"),
                "reason": required(f, "reason"),
            }}),
        )
        .await
        .map(|_| ())
    })
    .await
}

// ---------------------------------------------------------------------------------------------

#[handler]
pub fn style() -> Response {
    Response::builder()
        .content_type("text/css; charset=utf-8")
        .header("Cache-Control", "public, max-age=3600")
        .body(include_str!("../static/style.css"))
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Reports: a year's awards by an issuer, or a movement's.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportFields {
    title: String,
    sentences: Vec<String>,
    sentences_en: Vec<String>,
    total_recipients: i64,
    total_cash_vnd: i64,
    annulled: i64,
    xlsx_url: String,
    awards: Vec<TallyFields>,
    by_state: Vec<StateCount>,
    in_review_by_stage: Vec<StageCount>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TallyFields {
    award_kind: String,
    issuer_title: Option<String>,
    issuer: Option<Named>,
    collectives: i64,
    individuals: i64,
    cash_vnd: i64,
}

#[derive(Debug, Deserialize)]
struct StateCount {
    state: String,
    count: i64,
}

/// A state's name and count, with the stages under it (name, count).
type StateLine = (String, i64, Vec<(String, i64)>);

#[derive(Debug, Deserialize)]
struct StageCount {
    stage: String,
    count: i64,
}

const REPORT: &str = "fragment Report on AwardReport { title sentences sentencesEn totalRecipients totalCashVnd annulled xlsxUrl \
    awards { awardKind issuerTitle issuer { name } collectives individuals cashVnd } byState { state count } inReviewByStage { stage count } }";

/// One line of a report's table.
#[derive(Debug)]
pub struct TallyView {
    issuer: String,
    award: String,
    collectives: i64,
    individuals: i64,
    cash: String,
}

/// A report, as the page shows it.
#[derive(Debug)]
pub struct ReportView {
    title: String,
    sentences: Vec<String>,
    lines: Vec<TallyView>,
    total: i64,
    cash: String,
    annulled: i64,
    /// Each state with its count; under "in review", the count at each stage.
    states: Vec<StateLine>,
    xlsx_url: String,
    chart: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    form: Form,
    units: Vec<UnitOption>,
    movements: Vec<(String, String)>,
    report: Option<ReportView>,
}

#[derive(Deserialize)]
pub struct ReportQuery {
    issuer: Option<String>,
    year: Option<String>,
    movement: Option<String>,
}

fn report_view(report: ReportFields, lang: Lang) -> ReportView {
    let lines: Vec<TallyView> = report
        .awards
        .iter()
        .map(|t| TallyView {
            issuer: t
                .issuer_title
                .clone()
                .or_else(|| t.issuer.as_ref().map(|i| i.name.clone()))
                .unwrap_or_default(),
            award: labels::award(&t.award_kind, lang),
            collectives: t.collectives,
            individuals: t.individuals,
            cash: laurel_domain::report::vnd(t.cash_vnd),
        })
        .collect();
    let bars: Vec<crate::chart::Bar> = lines
        .iter()
        .map(|l| crate::chart::Bar {
            label: format!("{} · {}", l.issuer, l.award),
            collectives: l.collectives,
            individuals: l.individuals,
        })
        .collect();
    ReportView {
        chart: crate::chart::bars(&report.title, &bars, lang),
        title: report.title,
        sentences: match lang {
            Lang::En => report.sentences_en,
            Lang::Vi => report.sentences,
        },
        lines,
        total: report.total_recipients,
        cash: laurel_domain::report::vnd(report.total_cash_vnd),
        annulled: report.annulled,
        states: {
            let stages: Vec<(String, i64)> = report
                .in_review_by_stage
                .iter()
                .map(|s| (labels::stage(&s.stage, lang), s.count))
                .collect();
            report
                .by_state
                .into_iter()
                .map(|s| {
                    let under = if s.state == "SUBMITTED" {
                        stages.clone()
                    } else {
                        Vec::new()
                    };
                    (labels::state(&s.state, lang), s.count, under)
                })
                .collect()
        },
        xlsx_url: report.xlsx_url,
    }
}

#[handler]
pub async fn reports(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Query(query): Query<ReportQuery>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let session = match app.session(jar, csrf, ("Báo cáo", "Reports"), false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    #[derive(Deserialize)]
    struct Choices {
        units: Vec<UnitFields>,
        movements: Vec<MovementChoice>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct MovementChoice {
        id: String,
        name: String,
        from_year: i32,
        to_year: i32,
    }
    let lang = session.chrome.lang;
    let choices = match app
        .read::<Choices>(
            &session,
            concat!(
                "{ units { ",
                unit_fields!(),
                " } movements { id name fromYear toYear } }"
            ),
            json!({}),
        )
        .await
    {
        Ok(choices) => choices,
        Err(page) => return page,
    };
    let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let mut typed = Fields::new();
    let year_default = laurel_domain::calendar::local_date(app.client.now()).year();
    typed.insert(
        "year".into(),
        some(&query.year).unwrap_or_else(|| year_default.to_string()),
    );
    if let Some(issuer) = some(&query.issuer) {
        typed.insert("issuer".into(), issuer);
    }
    if let Some(movement) = some(&query.movement) {
        typed.insert("movement".into(), movement);
    }
    let answer: Option<Result<ReportFields, Problem>> = match (
        some(&query.movement),
        some(&query.issuer),
    ) {
        (Some(movement), _) => {
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Answer {
                movement_report: Option<ReportFields>,
            }
            Some(
                    gql::run::<Answer>(
                        &app.client,
                        Some(&session.token),
                        &format!("query($id: ID!) {{ movementReport(movementId: $id) {{ ...Report }} }} {REPORT}"),
                        json!({ "id": movement }),
                    )
                    .await
                    .and_then(|a| {
                        a.movement_report.ok_or_else(|| {
                            Problem::local(
                                "NOT_FOUND",
                                "Không tìm thấy phong trào này.",
                                "No such movement was found.",
                            )
                        })
                    }),
                )
        }
        (None, Some(issuer)) => match typed["year"].trim().parse::<i32>() {
            Ok(year) => {
                #[derive(Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct Answer {
                    award_report: ReportFields,
                }
                Some(
                        gql::run::<Answer>(
                            &app.client,
                            Some(&session.token),
                            &format!("query($issuer: ID!, $year: Int!) {{ awardReport(issuerUnitId: $issuer, year: $year) {{ ...Report }} }} {REPORT}"),
                            json!({ "issuer": issuer, "year": year }),
                        )
                        .await
                        .map(|a| a.award_report),
                    )
            }
            Err(_) => Some(Err(year_problem("year"))),
        },
        (None, None) => None,
    };
    let (report, form) = match answer {
        None => (None, Form::with(typed)),
        Some(Ok(report)) => (Some(report_view(report, lang)), Form::with(typed)),
        Some(Err(problem)) => (None, Form::with(typed).refused(problem, lang)),
    };
    let status = form.status();
    page_with_status(
        &ReportsPage {
            units: unit_options(choices.units),
            movements: choices
                .movements
                .into_iter()
                .map(|m| {
                    let years = if m.from_year == m.to_year {
                        m.from_year.to_string()
                    } else {
                        format!("{}–{}", m.from_year, m.to_year)
                    };
                    (m.id, format!("{} ({years})", m.name))
                })
                .collect(),
            report,
            form,
            chrome: session.chrome,
        },
        status,
    )
}
