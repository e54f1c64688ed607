//! Settings (Cấu hình): delegations of roles, an issuer's quotas, the working-day calendar and
//! webhooks. Each list is a query and each form one mutation; the API decides who may do what
//! (a refused form comes back with its values and the reason).

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Form as PostForm, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::gql::{self, Named, Problem};
use crate::labels;
use crate::pages::{UnitFields, UnitOption, optional, required, unit_options};
use crate::web::{App, Chrome, Form, Lang, Session, dd_mm_yyyy, go, page_with_status};

type Fields = HashMap<String, String>;

const TITLE: (&str, &str) = ("Cấu hình", "Settings");

/// What the page shows: the issuer whose quotas, the calendar's year.
#[derive(Debug, Default, Deserialize)]
pub struct Shown {
    issuer: Option<String>,
    year: Option<i32>,
    done: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DelegationFields {
    id: String,
    role: String,
    unit: Named,
    delegator: Option<Login>,
    delegate: Option<Login>,
    from: String,
    until: String,
    active: bool,
    revoked_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Login {
    username: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalendarFields {
    covered: bool,
    days: Vec<DayFields>,
}

#[derive(Debug, Deserialize)]
struct DayFields {
    date: String,
    kind: String,
    name: String,
    source: String,
}

#[derive(Debug, Deserialize)]
struct Everyone {
    delegations: Vec<DelegationFields>,
    units: Vec<UnitFields>,
    calendar: CalendarFields,
}

const EVERYONE: &str = concat!(
    "query($year: Int!) { delegations { id role unit { name } delegator { username } \
    delegate { username } from until active revokedAt } \
    units { ",
    unit_fields!(),
    " } \
    calendar(year: $year) { covered days { date kind name source } } }"
);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuotaFields {
    award_kind: String,
    base_award_kind: Option<String>,
    max_count: Option<i32>,
    max_percent: Option<i32>,
    period: Option<i32>,
}

#[derive(Debug, Deserialize)]
struct Quotas {
    quotas: Vec<QuotaFields>,
}

#[derive(Debug, Deserialize)]
struct AccountFields {
    id: String,
    username: String,
}

#[derive(Debug, Deserialize)]
struct WebhookFields {
    id: String,
    url: String,
    description: String,
    enabled: bool,
    kinds: Vec<String>,
    version: i32,
}

#[derive(Debug, Deserialize)]
struct AdminOnly {
    webhooks: Vec<WebhookFields>,
}

/// A delegation as listed.
#[derive(Debug)]
pub struct DelegationView {
    id: String,
    what: String,
    from: String,
    until: String,
    state: String,
    revocable: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    acted: Option<String>,
    form: Form,
    delegations: Vec<DelegationView>,
    units: Vec<UnitOption>,
    roles: Vec<(String, String)>,
    awards: Vec<(String, String)>,
    accounts: Vec<(String, String)>,
    /// More accounts than a page reads: the delegation form's choices may be incomplete.
    accounts_truncated: bool,
    issuer: String,
    quotas: Vec<String>,
    year: i32,
    covered: bool,
    days: Vec<(String, String, String, String)>,
    webhooks: Vec<WebhookFields>,
}

impl SettingsPage {
    /// The refusal of the form `which`, when it was that form that was refused.
    fn refusal(&self, which: &str) -> Option<&str> {
        if self.acted.as_deref() == Some(which) {
            self.form.general()
        } else {
            None
        }
    }
}

fn quota_line(q: &QuotaFields, lang: Lang) -> String {
    let award = labels::award(&q.award_kind, lang);
    let period = q.period.map_or_else(
        || lang.t("mọi năm", "every year").to_owned(),
        |p| p.to_string(),
    );
    let cap = match (q.max_count, q.max_percent, &q.base_award_kind) {
        (Some(n), _, _) => format!("{} {n}", lang.t("tối đa", "at most")),
        (None, Some(p), Some(base)) => format!(
            "{} {p}% {} {}",
            lang.t("tối đa", "at most"),
            lang.t("số", "of"),
            labels::award(base, lang)
        ),
        _ => String::new(),
    };
    format!("{award} · {period} · {cap}")
}

async fn settings_page(
    app: &App,
    session: Session,
    shown: &Shown,
    acted: Option<(String, Form)>,
) -> Response {
    let lang = session.chrome.lang;
    let today = laurel_domain::calendar::local_date(app.client.now());
    let year = shown.year.unwrap_or(today.year());
    let everyone = match app
        .read::<Everyone>(&session, EVERYONE, json!({ "year": year }))
        .await
    {
        Ok(found) => found,
        Err(page) => return page,
    };
    let issuer = shown.issuer.clone().unwrap_or_default();
    let quotas = if issuer.is_empty() {
        Vec::new()
    } else {
        match gql::run::<Quotas>(
            &app.client,
            Some(&session.token),
            "query($id: ID!) { quotas(issuerUnitId: $id) { awardKind baseAwardKind maxCount maxPercent period } }",
            json!({ "id": issuer }),
        )
        .await
        {
            Ok(found) => found.quotas.iter().map(|q| quota_line(q, lang)).collect(),
            Err(problem) => return app.problem(session.chrome, &problem),
        }
    };
    let admin = if session.chrome.admin {
        let webhooks = gql::run::<AdminOnly>(
            &app.client,
            Some(&session.token),
            "{ webhooks { id url description enabled kinds version } }",
            json!({}),
        )
        .await;
        let accounts = gql::all_by_offset::<AccountFields>(
            &app.client,
            Some(&session.token),
            "query($offset: Int) { accounts(first: 200, offset: $offset) { id username } }",
            "accounts",
        )
        .await;
        match webhooks.and_then(|w| Ok((w, accounts?))) {
            Ok(found) => Some(found),
            Err(problem) => return app.problem(session.chrome, &problem),
        }
    } else {
        None
    };
    let (accounts, accounts_truncated, webhooks) = admin.map_or(
        (Vec::new(), false, Vec::new()),
        |(a, (accounts, truncated))| {
            (
                accounts.into_iter().map(|a| (a.id, a.username)).collect(),
                truncated,
                a.webhooks,
            )
        },
    );
    let delegations = everyone
        .delegations
        .into_iter()
        .map(|d| {
            let who = |l: Option<Login>| l.map(|l| l.username).unwrap_or_default();
            DelegationView {
                what: format!(
                    "{} · {}: {} → {}",
                    labels::role(&d.role, lang),
                    d.unit.name,
                    who(d.delegator),
                    who(d.delegate)
                ),
                from: dd_mm_yyyy(&d.from),
                until: dd_mm_yyyy(&d.until),
                state: if d.revoked_at.is_some() {
                    lang.t("đã thu hồi", "revoked")
                } else if d.active {
                    lang.t("đang có hiệu lực", "in force")
                } else {
                    lang.t("không có hiệu lực hôm nay", "not in force today")
                }
                .to_owned(),
                revocable: d.revoked_at.is_none(),
                id: d.id,
            }
        })
        .collect();
    let days = everyone
        .calendar
        .days
        .into_iter()
        .map(|d| {
            let kind = match (d.kind.as_str(), lang) {
                ("HOLIDAY", Lang::Vi) => "ngày nghỉ".to_owned(),
                ("HOLIDAY", Lang::En) => "day off".to_owned(),
                ("WORKING", Lang::Vi) => "ngày làm bù".to_owned(),
                ("WORKING", Lang::En) => "working day".to_owned(),
                (other, _) => other.to_owned(),
            };
            (dd_mm_yyyy(&d.date), kind, d.name, d.source)
        })
        .collect();
    let (acted, form) = acted.map_or((None, Form::default()), |(a, f)| (Some(a), f));
    let status = form.status();
    page_with_status(
        &SettingsPage {
            acted,
            form,
            delegations,
            units: unit_options(everyone.units),
            roles: labels::roles(lang),
            awards: labels::awards(lang),
            accounts,
            accounts_truncated,
            issuer,
            quotas,
            year,
            covered: everyone.calendar.covered,
            days,
            webhooks,
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn settings(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Query(shown): Query<Shown>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app.session(jar, csrf, TITLE, false).await {
        Ok(mut session) => {
            session.chrome.notice = match shown.done.as_deref() {
                Some("saved") => Some(session.chrome.t("Đã lưu.", "Saved.").to_owned()),
                _ => None,
            };
            settings_page(app, session, &shown, None).await
        }
        Err(to) => to,
    }
}

/// Runs one settings form: its mutation, then back to the page where it was (or the form
/// again, refused). `Ok(Some(notice))` shows a notice instead of going back (a webhook's secret,
/// shown once).
async fn settings_form(
    app: &App,
    (jar, csrf, verifier): (&CookieJar, &CsrfToken, &CsrfVerifier),
    fields: Fields,
    which: &str,
    run: impl AsyncFnOnce(&Session, &Fields) -> Result<Option<String>, Problem>,
) -> Response {
    let session = match app
        .posted((jar, csrf, verifier), TITLE, false, &fields)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let shown = Shown {
        issuer: fields
            .get("issuerUnitId")
            .cloned()
            .filter(|v| !v.is_empty()),
        year: fields.get("year").and_then(|y| y.parse().ok()),
        done: None,
    };
    let lang = session.chrome.lang;
    match run(&session, &fields).await {
        Ok(None) => {
            let mut to = "/settings?done=saved".to_owned();
            if let Some(issuer) = &shown.issuer {
                to += &format!("&issuer={}", crate::pages::encode(issuer));
            }
            if let Some(year) = shown.year {
                to += &format!("&year={year}");
            }
            go(&to)
        }
        Ok(Some(notice)) => {
            let mut session = session;
            session.chrome.notice = Some(notice);
            settings_page(app, session, &shown, None).await
        }
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            settings_page(app, session, &shown, Some((which.to_owned(), form))).await
        }
    }
}

async fn mutate(
    app: &App,
    session: &Session,
    query: &str,
    variables: Value,
) -> Result<Value, Problem> {
    gql::run::<Value>(&app.client, Some(&session.token), query, variables).await
}

#[handler]
pub async fn delegate(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    settings_form(app, (jar, csrf, verifier), fields, "delegation", async |s, f| {
        mutate(
            app,
            s,
            "mutation($input: DelegateRoleInput!) { delegateRole(input: $input) { delegation { id } } }",
            json!({ "input": {
                "delegatorAccountId": optional(f, "delegatorAccountId"),
                "delegateAccountId": required(f, "delegateAccountId"),
                "role": required(f, "role"),
                "unitId": required(f, "unitId"),
                "from": required(f, "from"),
                "until": required(f, "until"),
            }}),
        )
        .await
        .map(|_| None)
    })
    .await
}

#[handler]
pub async fn revoke(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    settings_form(app, (jar, csrf, verifier), fields, "revoke", async |s, _| {
        mutate(
            app,
            s,
            "mutation($input: RevokeDelegationInput!) { revokeDelegation(input: $input) { delegation { id } } }",
            json!({ "input": { "id": id } }),
        )
        .await
        .map(|_| None)
    })
    .await
}

/// A whole number typed in a form, or what was typed (the API names it malformed).
fn number(fields: &Fields, key: &str) -> Value {
    match fields.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Value::Null,
        Some(v) => v
            .parse::<i64>()
            .map_or_else(|_| Value::String(v.to_owned()), Value::from),
    }
}

#[handler]
pub async fn quota(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    settings_form(app, (jar, csrf, verifier), fields, "quota", async |s, f| {
        mutate(
            app,
            s,
            "mutation($input: SetQuotaInput!) { setQuota(input: $input) { awardKind } }",
            json!({ "input": {
                "issuerUnitId": required(f, "issuerUnitId"),
                "awardKind": required(f, "awardKind"),
                "period": number(f, "period"),
                "maxCount": number(f, "maxCount"),
            }}),
        )
        .await
        .map(|_| None)
    })
    .await
}

#[handler]
pub async fn calendar_day(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    settings_form(
        app,
        (jar, csrf, verifier),
        fields,
        "calendar",
        async |s, f| {
            mutate(
                app,
                s,
                "mutation($input: SetCalendarDayInput!) { setCalendarDay(input: $input) { date } }",
                json!({ "input": {
                    "date": required(f, "date"),
                    "kind": optional(f, "kind"),
                    "name": f.get("name").map(|v| v.trim()).unwrap_or_default(),
                    "source": f.get("source").map(|v| v.trim()).unwrap_or_default(),
                }}),
            )
            .await
            .map(|_| None)
        },
    )
    .await
}

#[handler]
pub async fn register_webhook(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    settings_form(
        app,
        (jar, csrf, verifier),
        fields,
        "webhook",
        async |s, f| {
            let answer = mutate(
            app,
            s,
            "mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret } }",
            json!({ "input": {
                "url": required(f, "url"),
                "description": f.get("description").map(|v| v.trim()).unwrap_or_default(),
            }}),
        )
        .await?;
            let secret = answer["registerWebhook"]["secret"]
                .as_str()
                .unwrap_or_default();
            Ok(Some(format!(
                "{} {secret}",
                s.chrome.t(
                    "Đã đăng ký. Khoá ký (chỉ hiện một lần, hãy lưu lại):",
                    "Registered. Its signing secret (shown once: keep it):"
                )
            )))
        },
    )
    .await
}

#[handler]
pub async fn webhook_enabled(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<Fields>,
) -> Response {
    settings_form(app, (jar, csrf, verifier), fields, "webhook-enabled", async |s, f| {
        mutate(
            app,
            s,
            "mutation($id: ID!, $enabled: Boolean!, $v: Int!) { setWebhookEnabled(id: $id, enabled: $enabled, expectedVersion: $v) { id } }",
            json!({
                "id": id,
                "enabled": f.get("enabled").map(String::as_str) == Some("true"),
                "v": number(f, "version"),
            }),
        )
        .await
        .map(|_| None)
    })
    .await
}
