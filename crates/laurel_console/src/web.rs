//! What every page shares: the language, the signed-in account, CSRF, forms and their errors.

use std::collections::HashMap;

use askama::Template;
use laurel_gateway::server::{CONSOLE_PREFIX, InProcessGraphql, SESSION_COOKIE};
use poem::http::StatusCode;
use poem::web::cookie::{Cookie, CookieJar, SameSite};
use poem::web::{CsrfToken, CsrfVerifier, Redirect};
use poem::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::gql::{self, Problem};

/// What the console shares between requests.
#[derive(Debug)]
pub struct App {
    /// The gateway's schema, run in-process.
    pub client: InProcessGraphql,
    /// Whether cookies are marked `Secure` (the public URL is HTTPS).
    pub secure: bool,
}

/// The language pages are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt (the default).
    Vi,
    /// English.
    En,
}

/// The cookie remembering the language.
pub const LANG_COOKIE: &str = "laurel_lang";

impl Lang {
    /// The language a request asked for (its cookie), Vietnamese by default.
    pub fn of(jar: &CookieJar) -> Lang {
        match jar.get(LANG_COOKIE).as_ref().map(Cookie::value_str) {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    /// One of two texts.
    pub fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The HTML `lang` code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// The frame around every page: language, who is signed in, the CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page's language.
    pub lang: Lang,
    /// The signed-in account's name, if any.
    pub user: Option<String>,
    /// Whether the account administers (shows the administration link).
    pub admin: bool,
    /// The token every form posts back.
    pub csrf: String,
    /// The page's title.
    pub title: String,
    /// A notice to show once (after a successful action).
    pub notice: Option<String>,
}

impl Chrome {
    /// One of two texts, in the page's language.
    pub fn t(&self, vi: &'static str, en: &'static str) -> &'static str {
        self.lang.t(vi, en)
    }

    /// The console's address prefix (`/console`).
    pub fn base(&self) -> &'static str {
        CONSOLE_PREFIX
    }
}

/// A form's values as typed and what the API said of them.
#[derive(Debug, Clone, Default)]
pub struct Form {
    values: HashMap<String, String>,
    /// The boxes ticked (a field sent several times, e.g. `pick`).
    ticked: Vec<String>,
    problem: Option<Problem>,
    lang: Option<Lang>,
}

impl Form {
    /// A form showing `values`.
    pub fn with(values: HashMap<String, String>) -> Form {
        Form {
            values,
            ..Form::default()
        }
    }

    /// The same form with these boxes ticked.
    pub fn ticking(mut self, ticked: Vec<String>) -> Form {
        self.ticked = ticked;
        self
    }

    /// Whether the box of `value` was ticked.
    pub fn ticked(&self, value: &str) -> bool {
        self.ticked.iter().any(|t| t == value)
    }

    /// The same form with the API's refusal.
    pub fn refused(mut self, problem: Problem, lang: Lang) -> Form {
        self.problem = Some(problem);
        self.lang = Some(lang);
        self
    }

    /// The status a refused form answers with (200 when nothing was refused).
    pub fn status(&self) -> StatusCode {
        self.problem
            .as_ref()
            .map_or(StatusCode::OK, |p| status_of(&p.code))
    }

    /// A field's value as typed.
    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Whether a select's option is the one chosen.
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }

    /// Whether a select's option `kind:id` is the one chosen.
    pub fn chosen_pair(&self, name: &str, kind: &str, id: &str) -> bool {
        self.v(name)
            .split_once(':')
            .is_some_and(|(k, i)| k == kind && i == id)
    }

    /// The refusal, if the form was refused.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// What the API said of a field.
    pub fn err(&self, name: &str) -> Option<&str> {
        let problem = self.problem.as_ref()?;
        problem.for_field(name, self.lang.unwrap_or(Lang::Vi))
    }

    /// The refusal as a whole, shown at the top of the form (an error summary, as
    /// accessibility guides advise), besides each field's own message: so no message is ever
    /// lost when a template shows no place for the field the API names.
    pub fn general(&self) -> Option<&str> {
        let problem = self.problem.as_ref()?;
        Some(problem.message(self.lang.unwrap_or(Lang::Vi)))
    }
}

/// Renders a template as a page.
pub fn page<T: Template>(template: &T) -> Response {
    page_with_status(template, StatusCode::OK)
}

/// Renders a template with a status (a refused form answers 422 with the form again).
pub fn page_with_status<T: Template>(template: &T, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => Response::builder()
            .status(status)
            .content_type("text/html; charset=utf-8")
            .header("Cache-Control", "no-store")
            .header("X-Frame-Options", "DENY")
            .header("Referrer-Policy", "same-origin")
            .header(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            )
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "console: rendering a page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A message page (an error, or a refusal without a form).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// The frame.
    pub chrome: Chrome,
    /// What to say.
    pub message: String,
}

/// Where to go next.
pub fn go(to: &str) -> Response {
    Redirect::see_other(format!("{CONSOLE_PREFIX}{to}")).into_response()
}

/// The signed-in caller of a console request.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session token (the cookie's value).
    pub token: String,
    /// The page frame for this caller.
    pub chrome: Chrome,
    /// The roles the caller acts with today, own or delegated (`ADMIN`, `SIGNER`, …), each
    /// with its unit, to offer only the forms they could use; the API still decides every
    /// action.
    pub roles: Vec<(String, Option<String>)>,
}

impl Session {
    /// Whether the caller acts with `role` anywhere.
    pub fn holds(&self, role: &str) -> bool {
        self.roles.iter().any(|(r, _)| r == role)
    }

    /// The units where the caller acts with `role`.
    pub fn units_as(&self, role: &str) -> Vec<&str> {
        self.roles
            .iter()
            .filter(|(r, _)| r == role)
            .filter_map(|(_, unit)| unit.as_deref())
            .collect()
    }
}

#[derive(Deserialize)]
struct Me {
    me: MeFields,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeFields {
    display_name: String,
    must_change_password: bool,
    roles_in_force: Vec<RoleOnly>,
}

#[derive(Deserialize)]
struct RoleOnly {
    role: String,
    unit: Option<UnitId>,
}

#[derive(Deserialize)]
struct UnitId {
    id: String,
}

impl App {
    /// The caller, or where to send them: the login page without a valid session, the password
    /// page while a one-time password must be changed (unless `allow_password_change`).
    pub async fn session(
        &self,
        jar: &CookieJar,
        csrf: &CsrfToken,
        title: (&'static str, &'static str),
        allow_password_change: bool,
    ) -> Result<Session, Response> {
        let lang = Lang::of(jar);
        let Some(token) = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value_str().to_owned())
            .filter(|t| !t.is_empty())
        else {
            return Err(go("/login"));
        };
        let me: Me = match gql::run(
            &self.client,
            Some(&token),
            "{ me { displayName mustChangePassword rolesInForce { role unit { id } } } }",
            json!({}),
        )
        .await
        {
            Ok(me) => me,
            Err(p) if p.code == "UNAUTHENTICATED" => {
                self.end_session(jar);
                return Err(go("/login"));
            }
            Err(p) if p.code == "PASSWORD_CHANGE_REQUIRED" => {
                return Err(go("/password"));
            }
            Err(p) => {
                let chrome = self.anonymous(jar, csrf, ("Thông báo", "Notice"));
                return Err(self.problem(chrome, &p));
            }
        };
        if me.me.must_change_password && !allow_password_change {
            return Err(go("/password"));
        }
        let roles: Vec<(String, Option<String>)> = me
            .me
            .roles_in_force
            .into_iter()
            .map(|r| (r.role, r.unit.map(|u| u.id)))
            .collect();
        Ok(Session {
            token,
            chrome: Chrome {
                lang,
                user: Some(me.me.display_name),
                admin: roles.iter().any(|(r, _)| r == "ADMIN"),
                csrf: csrf.0.clone(),
                title: lang.t(title.0, title.1).to_owned(),
                notice: None,
            },
            roles,
        })
    }

    /// The caller of a form, once its CSRF token is checked: or where to send them (as
    /// [`App::session`]), or the refusal of a form without a valid token (nothing done).
    pub async fn posted(
        &self,
        (jar, csrf, verifier): (&CookieJar, &CsrfToken, &CsrfVerifier),
        title: (&'static str, &'static str),
        allow_password_change: bool,
        fields: &HashMap<String, String>,
    ) -> Result<Session, Response> {
        let session = self
            .session(jar, csrf, title, allow_password_change)
            .await?;
        match check_csrf(verifier, fields, session.chrome.clone()) {
            Some(refused) => Err(refused),
            None => Ok(session),
        }
    }

    /// A frame for a page without a session (login).
    pub fn anonymous(
        &self,
        jar: &CookieJar,
        csrf: &CsrfToken,
        title: (&'static str, &'static str),
    ) -> Chrome {
        let lang = Lang::of(jar);
        Chrome {
            lang,
            user: None,
            admin: false,
            csrf: csrf.0.clone(),
            title: lang.t(title.0, title.1).to_owned(),
            notice: None,
        }
    }

    /// Starts the browser's session with `token`.
    pub fn start_session(&self, jar: &CookieJar, token: &str) {
        let mut cookie = Cookie::new_with_str(SESSION_COOKIE, token);
        cookie.set_path("/");
        cookie.set_http_only(true);
        // Lax: a link from an e-mail opens the page signed in; every form carries a CSRF token.
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        jar.add(cookie);
    }

    /// Forgets the browser's session.
    pub fn end_session(&self, jar: &CookieJar) {
        let mut cookie = Cookie::new_with_str(SESSION_COOKIE, "");
        cookie.set_path("/");
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        cookie.make_removal();
        jar.add(cookie);
    }

    /// Sets the language cookie.
    pub fn set_lang(&self, jar: &CookieJar, lang: Lang) {
        let mut cookie = Cookie::new_with_str(LANG_COOKIE, lang.code());
        cookie.set_path("/");
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure);
        cookie.set_max_age(std::time::Duration::from_secs(365 * 24 * 3600));
        jar.add(cookie);
    }

    /// The page for something the API does not know (or does not show): 404.
    pub fn not_found(&self, chrome: Chrome, vi: &str, en: &str) -> Response {
        self.problem(chrome, &Problem::local("NOT_FOUND", vi, en))
    }

    /// Runs a page's query as the signed-in caller; a refusal comes back as its problem page,
    /// ready to return.
    pub async fn read<T: serde::de::DeserializeOwned>(
        &self,
        session: &Session,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<T, Response> {
        gql::run(&self.client, Some(&session.token), query, variables)
            .await
            .map_err(|problem| self.problem(session.chrome.clone(), &problem))
    }

    /// A problem the API reported, as a page with its status.
    pub fn problem(&self, chrome: Chrome, problem: &Problem) -> Response {
        let status = status_of(&problem.code);
        let message = problem.message(chrome.lang).to_owned();
        page_with_status(&MessagePage { chrome, message }, status)
    }
}

/// The HTTP status of a refusal, by the API's `extensions.code`.
pub fn status_of(code: &str) -> StatusCode {
    match code {
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "FORBIDDEN" | "SEPARATION_OF_DUTIES" => StatusCode::FORBIDDEN,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "CONFLICT" => StatusCode::CONFLICT,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
        "BUSY" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Checks a form's CSRF token: `Some` is the refusal page (403), and nothing is done.
pub fn check_csrf(
    verifier: &CsrfVerifier,
    form: &HashMap<String, String>,
    chrome: Chrome,
) -> Option<Response> {
    match form.get("csrf") {
        Some(token) if verifier.is_valid(token) => None,
        _ => Some(csrf_refusal(chrome)),
    }
}

/// The page answering a form without a valid CSRF token.
pub fn csrf_refusal(chrome: Chrome) -> Response {
    let message = chrome
        .t(
            "Biểu mẫu đã hết hạn hoặc không do Laurel gửi (thiếu mã chống giả mạo CSRF); không có thay đổi nào được ghi. Hãy tải lại trang và gửi lại.",
            "The form expired or did not come from Laurel (its CSRF token is missing or wrong); nothing was changed. Reload the page and send it again.",
        )
        .to_owned();
    page_with_status(&MessagePage { chrome, message }, StatusCode::FORBIDDEN)
}

/// A file sent with a form.
#[derive(Debug)]
pub struct Upload {
    /// Its name on the sender's computer.
    pub filename: String,
    /// The type the browser gave.
    pub content_type: Option<String>,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// Reads a multipart form: its text fields, and the file sent as `file` (`None` when no file
/// was chosen). The fields read come back even when the form could not be read whole, so that
/// a refused form keeps what was typed.
pub async fn read_multipart(
    mut multipart: poem::web::Multipart,
) -> (HashMap<String, String>, Result<Option<Upload>, Problem>) {
    let mut fields = HashMap::new();
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "file" {
                    let filename = field.file_name().unwrap_or("tai-lieu").to_owned();
                    let content_type = field.content_type().map(str::to_owned);
                    match field.bytes().await {
                        Ok(content) => {
                            file = Some(Upload {
                                filename,
                                content_type,
                                content,
                            });
                        }
                        Err(e) => {
                            let problem = Problem::local_field(
                                "file",
                                &format!("Không đọc được tệp: {e}"),
                                &format!("Could not read the file: {e}"),
                            );
                            return (fields, Err(problem));
                        }
                    }
                } else if let Ok(text) = field.text().await {
                    fields.insert(name, text);
                }
            }
            Ok(None) => break,
            Err(e) => {
                let problem = Problem::local_field(
                    "file",
                    &format!("Không đọc được biểu mẫu: {e}"),
                    &format!("Could not read the form: {e}"),
                );
                return (fields, Err(problem));
            }
        }
    }
    (fields, Ok(file.filter(|f| !f.content.is_empty())))
}

impl Upload {
    /// The file as async-graphql's upload, for `request.set_upload`.
    pub fn into_value(self) -> async_graphql::UploadValue {
        async_graphql::UploadValue {
            filename: self.filename,
            content_type: self.content_type,
            content: bytes::Bytes::from(self.content),
        }
    }
}

/// An ISO date (or the date of an instant), `2026-12-01…`, as people read it: `01/12/2026`.
pub fn dd_mm_yyyy(iso: &str) -> String {
    match iso
        .get(..10)
        .map(|d| d.split('-').collect::<Vec<_>>())
        .as_deref()
    {
        Some([y, m, d]) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// A page's `?done=…`: what the form that led there did, for its notice.
#[derive(Debug, Deserialize)]
pub struct Done {
    pub(crate) done: Option<String>,
}
