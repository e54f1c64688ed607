//! The emulation council's pages: councils, opening a session with its agenda and who is
//! present, each member's secret ballot (with its receipt), the secretary's tally for open
//! votes, closing, the results and the minutes.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Form as PostForm, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::gql::{self, IdOnly, Named, Problem};
use crate::labels;
use crate::pages::{UnitFields, UnitOption, optional, required, unit_options};
use crate::web::{App, Chrome, Form, Lang, Session, check_csrf, dd_mm_yyyy, go, page_with_status};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionRow {
    id: String,
    date_text: String,
    place: String,
    state: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CouncilRow {
    id: String,
    name: String,
    issuer: Named,
    quorum: String,
    sessions: Vec<SessionRow>,
}

/// A council in the list, with its sessions.
#[derive(Debug)]
pub struct CouncilView {
    id: String,
    name: String,
    issuer: String,
    quorum: String,
    sessions: Vec<SessionLine>,
}

/// A session in a list.
#[derive(Debug)]
pub struct SessionLine {
    id: String,
    date: String,
    place: String,
    open: bool,
}

fn sessions(rows: Vec<SessionRow>) -> Vec<SessionLine> {
    rows.into_iter()
        .map(|s| SessionLine {
            open: s.state == "OPEN",
            id: s.id,
            date: s.date_text,
            place: s.place,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "councils.html")]
struct CouncilsPage {
    chrome: Chrome,
    councils: Vec<CouncilView>,
    /// The units a council may be set up for, when the caller may set one up (a signer, an
    /// administrator); empty otherwise.
    units: Vec<UnitOption>,
    form: Form,
}

const COUNCILS: (&str, &str) = ("Hội đồng Thi đua - Khen thưởng", "Councils");

/// Whether the caller holds a role that may set up a council somewhere (the API decides where).
fn sets_up_councils(session: &Session) -> bool {
    session.holds("ADMIN") || session.holds("SIGNER")
}

async fn councils_page(app: &App, session: Session, refused: Option<Form>) -> Response {
    #[derive(Deserialize)]
    struct Answer {
        councils: Vec<CouncilRow>,
        units: Vec<UnitFields>,
    }
    let answer = match app
        .read::<Answer>(
            &session,
            concat!(
                "{ councils { id name issuer { name } quorum sessions { id dateText place state } } \
                 units { ",
                unit_fields!(),
                " } }"
            ),
            json!({}),
        )
        .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    // An administrator sets a council up anywhere; a signer at the units where they sign.
    let units = if session.holds("ADMIN") {
        unit_options(answer.units)
    } else {
        let signs_at = session.units_as("SIGNER");
        unit_options(
            answer
                .units
                .into_iter()
                .filter(|u| signs_at.contains(&u.id()))
                .collect(),
        )
    };
    let form = refused
        .unwrap_or_else(|| Form::with(HashMap::from([("quorum".to_owned(), "2/3".to_owned())])));
    let status = form.status();
    page_with_status(
        &CouncilsPage {
            councils: answer
                .councils
                .into_iter()
                .map(|c| CouncilView {
                    id: c.id,
                    name: c.name,
                    issuer: c.issuer.name,
                    quorum: c.quorum,
                    sessions: sessions(c.sessions),
                })
                .collect(),
            units,
            form,
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn councils(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    match app.session(jar, csrf, COUNCILS, false).await {
        Ok(session) => councils_page(app, session, None).await,
        Err(to) => to,
    }
}

/// Sets up a council (`createCouncil`), then opens its page to add the members.
#[handler]
pub async fn create_council(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let session = match app
        .posted((jar, csrf, verifier), COUNCILS, false, &fields)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Created {
        create_council: CreatedCouncil,
    }
    #[derive(Deserialize)]
    struct CreatedCouncil {
        council: IdOnly,
    }
    let mut input = json!({
        "issuerUnitId": required(&fields, "issuerUnitId"),
        "name": required(&fields, "name"),
    });
    if let Value::String(quorum) = optional(&fields, "quorum") {
        input["quorum"] = Value::String(quorum);
    }
    match gql::run::<Created>(
        &app.client,
        Some(&session.token),
        "mutation($input: CreateCouncilInput!) { createCouncil(input: $input) { council { id } } }",
        json!({ "input": input }),
    )
    .await
    {
        Ok(created) => go(&format!(
            "/councils/{}?done=created",
            created.create_council.council.id
        )),
        Err(problem) => {
            let lang = session.chrome.lang;
            let form = Form::with(fields).refused(problem, lang);
            councils_page(app, session, Some(form)).await
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberRow {
    account: Option<IdOnly>,
    name: String,
    position: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgendaRow {
    id: String,
    award_kind: String,
    nominee: crate::pages::Nominee,
    issuer: IdOnly,
    stage: StageKindOnly,
}

#[derive(Debug, Deserialize)]
struct StageKindOnly {
    kind: String,
}

/// A member who may be marked present.
#[derive(Debug)]
pub struct MemberView {
    account: String,
    name: String,
    position: String,
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilPage {
    chrome: Chrome,
    id: String,
    issuer: String,
    quorum: String,
    members: Vec<MemberView>,
    sessions: Vec<SessionLine>,
    /// Nominations waiting for this council that the caller may put on an agenda.
    agenda: Vec<(String, String)>,
    /// More waits for the caller than a page reads: the candidates may be incomplete.
    truncated: bool,
    form: Form,
    /// The values of the checkboxes ticked when the form was refused.
    ticked: Vec<String>,
    /// The members' terms and who may be added, for whoever may set the council up.
    setup: Option<Setup>,
}

/// The council's membership as whoever sets it up sees it.
#[derive(Debug)]
pub struct Setup {
    terms: Vec<TermView>,
    /// Accounts that may be added: (id, "username · name").
    candidates: Vec<(String, String)>,
    /// The API lists at most `CANDIDATES_MAX`: the page says when it may hold more.
    candidates_capped: bool,
    positions: Vec<(&'static str, String)>,
    /// The issuer's own vote rules, by award.
    rules: Vec<RuleView>,
    awards: Vec<(String, String)>,
    /// Which setup form was refused: `member`, `rule`, or the id of the term being ended.
    acted: Option<String>,
    form: Form,
    today: String,
}

impl Setup {
    /// The refusal of the form `which`, when it was that form that was refused.
    fn refusal(&self, which: &str) -> Option<&str> {
        if self.acted.as_deref() == Some(which) {
            self.form.general()
        } else {
            None
        }
    }

    /// The last day typed in a term's end form (today, unless that form was refused).
    fn end_value(&self, term: &str) -> &str {
        if self.acted.as_deref() == Some(term) {
            self.form.v("until")
        } else {
            &self.today
        }
    }

    /// A value of the vote-rule form (as typed when it was refused).
    fn rule_value(&self, name: &str) -> &str {
        if self.acted.as_deref() == Some("rule") {
            self.form.v(name)
        } else {
            ""
        }
    }

    /// Whether a box of the vote-rule form is ticked: as sent when it was refused, otherwise
    /// only "written opinions count" (the rulesets' default).
    fn rule_ticked(&self, name: &str) -> bool {
        if self.acted.as_deref() == Some("rule") {
            !self.form.v(name).is_empty()
        } else {
            name == "writtenOpinions"
        }
    }

    /// The error of a vote-rule field, when that form was refused.
    fn rule_error(&self, name: &str) -> Option<&str> {
        if self.acted.as_deref() == Some("rule") {
            self.form.err(name)
        } else {
            None
        }
    }

    /// A value of the add-member form (as typed when it was refused).
    fn member_value(&self, name: &str) -> &str {
        if self.acted.as_deref() == Some("member") {
            self.form.v(name)
        } else if name == "from" {
            &self.today
        } else {
            ""
        }
    }
}

/// An issuer's own vote rule for an award.
#[derive(Debug)]
pub struct RuleView {
    award: String,
    text: String,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleRow {
    award_kind: String,
    rule: OwnRuleFields,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OwnRuleFields {
    text_vi: String,
    text_en: String,
    source: String,
}

/// A member's term.
#[derive(Debug)]
pub struct TermView {
    id: String,
    name: String,
    position: String,
    from: String,
    until: String,
    /// Whether the term still runs today or later (it may be ended).
    running: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TermRow {
    id: String,
    name: String,
    position: String,
    from: String,
    until: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CandidateRow {
    account_id: String,
    username: String,
    display_name: String,
}

/// A refused form of a council's page, shown again as it was typed.
pub enum Refused {
    /// Opening a session, with the boxes ticked.
    Session(Form, Vec<String>),
    /// Adding a member (`member`) or ending a term (its id).
    Setup(String, Form),
}

/// The most candidates the API lists (`Council.memberCandidates`).
const CANDIDATES_MAX: usize = 500;

const POSITIONS: [&str; 5] = ["CHAIR", "VICE_CHAIR", "STANDING", "MEMBER", "SECRETARY"];

impl CouncilPage {
    fn is_ticked(&self, id: &str) -> bool {
        self.ticked.iter().any(|t| t == id)
    }
}

fn position(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "CHAIR" => ("Chủ tịch", "Chair"),
        "VICE_CHAIR" => ("Phó Chủ tịch", "Vice-chair"),
        "SECRETARY" => ("Thư ký", "Secretary"),
        "STANDING" => ("Ủy viên thường trực", "Standing member"),
        _ => ("Ủy viên", "Member"),
    };
    lang.t(vi, en).to_owned()
}

async fn council_page(app: &App, session: Session, id: &str, refused: Option<Refused>) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        council: Option<CouncilFields>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct CouncilFields {
        name: String,
        issuer: IssuerFields,
        quorum: String,
        members: Vec<MemberRow>,
        terms: Vec<TermRow>,
        sessions: Vec<SessionRow>,
        vote_rules: Vec<RuleRow>,
    }
    #[derive(Deserialize)]
    struct IssuerFields {
        id: String,
        name: String,
    }
    let lang = session.chrome.lang;
    let answer = match app.read::<Answer>(
        &session,
        "query($id: ID!) { council(id: $id) { name issuer { id name } quorum members { account { id } name position } \
         terms { id name position from until } sessions { id dateText place state } \
         voteRules { awardKind rule { textVi textEn source } } } }",
        json!({ "id": id }),
    )
    .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    let Some(found) = answer.council else {
        return app.not_found(
            session.chrome,
            "Không tìm thấy Hội đồng này.",
            "No such council was found.",
        );
    };
    // What waits for the caller, every page of it: the agenda's candidates are among it.
    let waiting = match gql::all_pages::<AgendaRow>(
        &app.client,
        Some(&session.token),
        "query($after: String) { workQueue(first: 200, after: $after) { \
         nodes { id awardKind nominee { ... on Person { fullName } ... on Unit { name } } issuer { id } stage { kind } } \
         pageInfo { hasNextPage endCursor } } }",
        "workQueue",
    )
    .await
    {
        Ok(waiting) => waiting,
        Err(problem) => return app.problem(session.chrome, &problem),
    };
    let (waiting, truncated) = waiting;
    let agenda = waiting
        .into_iter()
        .filter(|n| n.stage.kind == "COUNCIL" && n.issuer.id == found.issuer.id)
        .map(|n| {
            (
                n.id,
                format!(
                    "{} · {}",
                    n.nominee.display(),
                    labels::award(&n.award_kind, lang)
                ),
            )
        })
        .collect();
    let today = laurel_domain::calendar::local_date(app.client.now());
    let (session_refused, setup_refused) = match refused {
        Some(Refused::Session(form, ticked)) => (Some((form, ticked)), None),
        Some(Refused::Setup(which, form)) => (None, Some((which, form))),
        None => (None, None),
    };
    let refusal = setup_refused
        .as_ref()
        .and_then(|(_, form)| form.problem().cloned());
    let setup = if sets_up_councils(&session) {
        match setup(
            app,
            &session,
            id,
            (found.terms, found.vote_rules),
            today,
            setup_refused,
        )
        .await
        {
            Ok(setup) => setup,
            Err(problem) => return app.problem(session.chrome, &problem),
        }
    } else {
        None
    };
    // A setup form refused to a caller the page shows no setup to: its reason, not the page.
    if let (None, Some(problem)) = (&setup, refusal) {
        return app.problem(session.chrome, &problem);
    }
    let (form, ticked) = session_refused.unwrap_or_else(|| {
        let mut values = HashMap::new();
        values.insert("date".to_owned(), today.to_string());
        (Form::with(values), Vec::new())
    });
    // A refused setup form answers with its status; otherwise the session form's.
    let status = setup
        .as_ref()
        .filter(|s| s.acted.is_some())
        .map_or_else(|| form.status(), |s| s.form.status());
    let mut chrome = session.chrome;
    chrome.title = found.name.clone();
    page_with_status(
        &CouncilPage {
            id: id.to_owned(),
            issuer: found.issuer.name,
            quorum: found.quorum,
            members: found
                .members
                .into_iter()
                .filter_map(|m| {
                    Some(MemberView {
                        account: m.account?.id,
                        name: m.name,
                        position: position(&m.position, lang),
                    })
                })
                .collect(),
            sessions: sessions(found.sessions),
            agenda,
            truncated,
            form,
            ticked,
            setup,
            chrome,
        },
        status,
    )
}

/// The setup part of a council's page: its terms and who may be added. `None` when the API
/// says the caller may not set this council up.
async fn setup(
    app: &App,
    session: &Session,
    id: &str,
    (terms, rules): (Vec<TermRow>, Vec<RuleRow>),
    today: time::Date,
    refused: Option<(String, Form)>,
) -> Result<Option<Setup>, Problem> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        council: Option<Candidates>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Candidates {
        member_candidates: Vec<CandidateRow>,
    }
    let answer = gql::run::<Answer>(
        &app.client,
        Some(&session.token),
        "query($id: ID!) { council(id: $id) { memberCandidates { accountId username displayName } } }",
        json!({ "id": id }),
    )
    .await;
    let candidates = match answer {
        Ok(Answer {
            council: Some(found),
        }) => found.member_candidates,
        Ok(Answer { council: None }) => return Ok(None),
        Err(problem) if problem.code == "FORBIDDEN" => return Ok(None),
        Err(problem) => return Err(problem),
    };
    let lang = session.chrome.lang;
    let (acted, form) = refused.map_or((None, Form::default()), |(a, f)| (Some(a), f));
    let today_iso = today.to_string();
    Ok(Some(Setup {
        terms: terms
            .into_iter()
            .map(|t| TermView {
                running: t.until.as_deref().is_none_or(|u| u >= today_iso.as_str()),
                name: t.name,
                position: position(&t.position, lang),
                from: dd_mm_yyyy(&t.from),
                until: t
                    .until
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), dd_mm_yyyy),
                id: t.id,
            })
            .collect(),
        candidates_capped: candidates.len() >= CANDIDATES_MAX,
        candidates: candidates
            .into_iter()
            .map(|c| (c.account_id, format!("{} · {}", c.username, c.display_name)))
            .collect(),
        positions: POSITIONS.iter().map(|p| (*p, position(p, lang))).collect(),
        rules: rules
            .into_iter()
            .map(|r| RuleView {
                award: labels::award(&r.award_kind, lang),
                text: match lang {
                    Lang::Vi => r.rule.text_vi,
                    Lang::En => r.rule.text_en,
                },
                source: r.rule.source,
            })
            .collect(),
        awards: labels::awards(lang),
        acted,
        form,
        today: today_iso,
    }))
}

#[handler]
pub async fn council(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Query(done): Query<SessionQuery>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app.session(jar, csrf, COUNCIL, false).await {
        Ok(mut session) => {
            let lang = session.chrome.lang;
            session.chrome.notice = match done.done.as_deref() {
                Some("created") => Some(lang.t(
                    "Đã thành lập Hội đồng. Hãy thêm các thành viên.",
                    "The council is set up. Now add its members.",
                )),
                Some("member") => Some(lang.t("Đã thêm thành viên.", "The member was added.")),
                Some("ended") => Some(lang.t(
                    "Đã ghi ngày kết thúc nhiệm kỳ.",
                    "The term's end was recorded.",
                )),
                Some("rule") => Some(lang.t(
                    "Đã đặt quy tắc biểu quyết cho hình thức khen thưởng này.",
                    "The vote rule for this award is set.",
                )),
                _ => None,
            }
            .map(str::to_owned);
            council_page(app, session, &id, None).await
        }
        Err(to) => to,
    }
}

const COUNCIL: (&str, &str) = ("Hội đồng", "Council");

/// Runs one setup form of a council's page (`which`: `member`, or the term's id), then back
/// to the page with `done`, or the page with the form refused.
async fn setup_form(
    app: &App,
    (jar, csrf, verifier): (&CookieJar, &CsrfToken, &CsrfVerifier),
    id: &str,
    fields: HashMap<String, String>,
    (which, done): (&str, &str),
    (query, input): (&str, Value),
) -> Response {
    let session = match app
        .posted((jar, csrf, verifier), COUNCIL, false, &fields)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    match gql::run::<Value>(
        &app.client,
        Some(&session.token),
        query,
        json!({ "input": input }),
    )
    .await
    {
        Ok(_) => go(&format!("/councils/{id}?done={done}")),
        // Not a form to correct: the caller may not set this council up, or it is gone.
        Err(problem) if problem.code == "FORBIDDEN" || problem.code == "NOT_FOUND" => {
            app.problem(session.chrome, &problem)
        }
        Err(problem) => {
            let lang = session.chrome.lang;
            let form = Form::with(fields).refused(problem, lang);
            council_page(
                app,
                session,
                id,
                Some(Refused::Setup(which.to_owned(), form)),
            )
            .await
        }
    }
}

/// Adds a member's term (`addCouncilMember`).
#[handler]
pub async fn add_member(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let input = json!({
        "councilId": id,
        "accountId": required(&fields, "accountId"),
        "position": required(&fields, "position"),
        "from": required(&fields, "from"),
        "until": optional(&fields, "until"),
    });
    setup_form(
        app,
        (jar, csrf, verifier),
        &id,
        fields,
        ("member", "member"),
        (
            "mutation($input: AddCouncilMemberInput!) { addCouncilMember(input: $input) { member { id } } }",
            input,
        ),
    )
    .await
}

/// Sets the issuer's own vote rule for an award (`setCouncilVoteRule`).
#[handler]
pub async fn set_vote_rule(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let ticked = |name: &str| fields.get(name).is_some_and(|v| !v.is_empty());
    let input = json!({
        "councilId": id,
        "awardKind": required(&fields, "awardKind"),
        "threshold": required(&fields, "threshold"),
        "base": required(&fields, "base"),
        "strict": ticked("strict"),
        "secretBallot": ticked("secretBallot"),
        "writtenOpinions": ticked("writtenOpinions"),
        "source": required(&fields, "source"),
    });
    setup_form(
        app,
        (jar, csrf, verifier),
        &id,
        fields,
        ("rule", "rule"),
        (
            "mutation($input: SetCouncilVoteRuleInput!) { setCouncilVoteRule(input: $input) { council { id } } }",
            input,
        ),
    )
    .await
}

/// Ends a member's term on a day (`endCouncilMembership`).
#[handler]
pub async fn end_term(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path((id, term)): Path<(String, String)>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let input = json!({
        "membershipId": term,
        "until": required(&fields, "until"),
    });
    setup_form(
        app,
        (jar, csrf, verifier),
        &id,
        fields,
        (&term, "ended"),
        (
            "mutation($input: EndCouncilMembershipInput!) { endCouncilMembership(input: $input) { member { id } } }",
            input,
        ),
    )
    .await
}

/// A form whose checkboxes repeat a name (`agenda`, `present`): every pair as sent.
type Pairs = Vec<(String, String)>;

fn first(pairs: &Pairs, key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

fn all(pairs: &Pairs, key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

#[handler]
pub async fn open_session(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Pairs>,
) -> Response {
    let fields: HashMap<String, String> = pairs.iter().cloned().collect();
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Hội đồng", "Council"),
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
    struct Opened {
        open_council_session: OpenedSession,
    }
    #[derive(Deserialize)]
    struct OpenedSession {
        session: IdOnly,
    }
    let agenda = all(&pairs, "agenda");
    let present = all(&pairs, "present");
    let answer = gql::run::<Opened>(
        &app.client,
        Some(&session.token),
        "mutation($input: OpenCouncilSessionInput!) { openCouncilSession(input: $input) { session { id } } }",
        json!({ "input": {
            "councilId": id,
            "date": first(&pairs, "date"),
            "place": first(&pairs, "place"),
            "agenda": agenda,
            "present": present,
        }}),
    )
    .await;
    match answer {
        Ok(opened) => go(&format!(
            "/council-sessions/{}?done=opened",
            opened.open_council_session.session.id
        )),
        Err(problem) => {
            let lang = session.chrome.lang;
            let mut ticked = agenda;
            ticked.extend(present);
            let form = Form::with(fields).refused(problem, lang);
            council_page(app, session, &id, Some(Refused::Session(form, ticked))).await
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemFields {
    nomination_id: String,
    nomination: Option<ItemNomination>,
    rule: RuleFields,
    ballots_cast: i64,
    you_voted: bool,
    open: bool,
    approved: Option<bool>,
    result: Option<ResultFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemNomination {
    award_kind: String,
    nominee: crate::pages::Nominee,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleFields {
    secret_ballot: bool,
    text_vi: String,
    text_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultFields {
    text_vi: String,
    text_en: String,
}

/// One item of a session's agenda.
#[derive(Debug)]
pub struct ItemView {
    nomination: String,
    label: String,
    rule: String,
    secret: bool,
    ballots: i64,
    voted: bool,
    open: bool,
    outcome: String,
    result: String,
}

#[derive(Template)]
#[template(path = "council_session.html")]
struct SessionPage {
    chrome: Chrome,
    id: String,
    version: i32,
    council: String,
    date: String,
    place: String,
    open: bool,
    present_member: bool,
    secretary: bool,
    members: Vec<(String, String, bool)>,
    items: Vec<ItemView>,
    /// A ballot's receipt, shown once after the vote.
    receipt: Option<String>,
    /// Which item's form was refused, and that form.
    acted: Option<String>,
    form: Form,
}

#[derive(Deserialize)]
pub struct SessionQuery {
    done: Option<String>,
}

async fn session_page(
    app: &App,
    mut session: Session,
    id: &str,
    receipt: Option<String>,
    acted: Option<(String, Form)>,
    done: Option<&str>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        council_session: Option<SessionFields>,
        me: MeFields,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct MeFields {
        id: String,
        roles_in_force: Vec<RoleOnly>,
    }
    #[derive(Deserialize)]
    struct RoleOnly {
        role: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SessionFields {
        version: i32,
        council: Option<Named>,
        date_text: String,
        place: String,
        state: String,
        members: Vec<SessionMember>,
        items: Vec<ItemFields>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SessionMember {
        account_id: String,
        name: String,
        position: String,
        present: bool,
    }
    let lang = session.chrome.lang;
    let done_notice = match done {
        Some("opened") => Some(
            lang.t("Đã mở phiên họp.", "The session is open.")
                .to_owned(),
        ),
        Some("tally") => Some(
            lang.t("Đã ghi kết quả biểu quyết.", "The tally is recorded.")
                .to_owned(),
        ),
        Some("closed") => Some(
            lang.t("Đã kết thúc phiên họp.", "The session is closed.")
                .to_owned(),
        ),
        _ => None,
    };
    if done_notice.is_some() {
        session.chrome.notice = done_notice;
    }
    let answer = match app.read::<Answer>(
        &session,
        "query($id: ID!) { me { id rolesInForce { role } } councilSession(id: $id) { version council { name } dateText place state \
         members { accountId name position present } \
         items { nominationId nomination { awardKind nominee { ... on Person { fullName } ... on Unit { name } } } \
           rule { secretBallot textVi textEn } ballotsCast youVoted open approved result { textVi textEn } } } }",
        json!({ "id": id }),
    )
    .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    let Some(s) = answer.council_session else {
        return app.not_found(
            session.chrome,
            "Không tìm thấy phiên họp này.",
            "No such session was found.",
        );
    };
    let me = answer.me.id;
    let present_member = s.members.iter().any(|m| m.account_id == me && m.present);
    let secretary = answer
        .me
        .roles_in_force
        .iter()
        .any(|r| r.role == "COUNCIL_SECRETARY");
    let (acted, form) = acted.map_or((None, Form::default()), |(a, f)| (Some(a), f));
    let status = form.status();
    let council_name = s.council.map(|c| c.name).unwrap_or_default();
    session.chrome.title = format!("{} · {}", lang.t("Phiên họp", "Session"), s.date_text);
    let pick = |vi: String, en: String| match lang {
        Lang::Vi => vi,
        Lang::En => en,
    };
    page_with_status(
        &SessionPage {
            id: id.to_owned(),
            version: s.version,
            council: council_name,
            date: s.date_text,
            place: s.place,
            open: s.state == "OPEN",
            present_member,
            secretary,
            members: s
                .members
                .into_iter()
                .map(|m| (m.name, position(&m.position, lang), m.present))
                .collect(),
            items: s
                .items
                .into_iter()
                .map(|i| ItemView {
                    label: i.nomination.as_ref().map_or_else(
                        || i.nomination_id.clone(),
                        |n| {
                            format!(
                                "{} · {}",
                                n.nominee.display(),
                                labels::award(&n.award_kind, lang)
                            )
                        },
                    ),
                    nomination: i.nomination_id,
                    rule: pick(i.rule.text_vi, i.rule.text_en),
                    secret: i.rule.secret_ballot,
                    ballots: i.ballots_cast,
                    voted: i.you_voted,
                    open: i.open,
                    outcome: match i.approved {
                        Some(true) => lang.t("Thông qua", "Approved"),
                        Some(false) => lang.t("Không thông qua", "Not approved"),
                        None => "",
                    }
                    .to_owned(),
                    result: i
                        .result
                        .map(|r| pick(r.text_vi, r.text_en))
                        .unwrap_or_default(),
                })
                .collect(),
            receipt,
            acted,
            form,
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn council_session(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Query(query): Query<SessionQuery>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app
        .session(jar, csrf, ("Phiên họp", "Session"), false)
        .await
    {
        Ok(session) => session_page(app, session, &id, None, None, query.done.as_deref()).await,
        Err(to) => to,
    }
}

/// Runs one of a session's forms: a ballot, a tally, closing.
async fn session_form(
    app: &App,
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    id: &str,
    fields: HashMap<String, String>,
    (which, mutation, input): (&str, &str, Value),
) -> Response {
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Phiên họp", "Session"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    match gql::run::<Value>(
        &app.client,
        Some(&session.token),
        mutation,
        json!({ "input": input }),
    )
    .await
    {
        Ok(answer) => match answer
            .pointer("/castBallot/receipt")
            .and_then(Value::as_str)
        {
            // The receipt is shown once, on the answer to the vote itself (not in an address).
            Some(receipt) => {
                let receipt = receipt.to_owned();
                let mut shown = session;
                shown.chrome.notice = Some(
                    lang.t(
                        "Đã bỏ phiếu. Hãy lưu biên nhận dưới đây: nó cho biết phiếu của bạn đã được đếm, không cho biết bạn chọn gì.",
                        "Your ballot is cast. Keep the receipt below: it shows your ballot was counted, never what it says.",
                    )
                    .to_owned(),
                );
                session_page(app, shown, id, Some(receipt), None, None).await
            }
            // `tally-<nomination>` and `closed` name the form; the notice is by kind.
            None => go(&format!(
                "/council-sessions/{id}?done={}",
                which.split('-').next().unwrap_or(which)
            )),
        },
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            session_page(app, session, id, None, Some((which.to_owned(), form)), None).await
        }
    }
}

#[handler]
pub async fn ballot(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let nomination = fields.get("nominationId").cloned().unwrap_or_default();
    let input = json!({
        "sessionId": id,
        "nominationId": nomination,
        "choice": fields.get("choice").cloned().unwrap_or_default(),
    });
    let which = format!("ballot-{nomination}");
    session_form(
        app,
        jar,
        csrf,
        verifier,
        &id,
        fields,
        (
            &which,
            "mutation($input: CastBallotInput!) { castBallot(input: $input) { receipt } }",
            input,
        ),
    )
    .await
}

#[handler]
pub async fn tally(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let number = |k: &str| {
        fields
            .get(k)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map_or(Value::Null, Value::from)
    };
    let nomination = fields.get("nominationId").cloned().unwrap_or_default();
    let input = json!({
        "sessionId": id,
        "nominationId": nomination,
        "yes": number("yes"),
        "no": number("no"),
        "abstain": number("abstain"),
    });
    if input["yes"].is_null() || input["no"].is_null() {
        let session = match app
            .session(jar, csrf, ("Phiên họp", "Session"), false)
            .await
        {
            Ok(session) => session,
            Err(to) => return to,
        };
        if let Some(refused) = check_csrf(verifier, &fields, session.chrome.clone()) {
            return refused;
        }
        let lang = session.chrome.lang;
        let problem = Problem::local_field(
            "yes",
            "Hãy nhập số phiếu bằng số.",
            "Enter the votes as numbers.",
        );
        let form = Form::with(fields).refused(problem, lang);
        return session_page(
            app,
            session,
            &id,
            None,
            Some((format!("tally-{nomination}"), form)),
            None,
        )
        .await;
    }
    let mut input = input;
    if input["abstain"].is_null() {
        input["abstain"] = 0.into();
    }
    let which = format!("tally-{nomination}");
    session_form(
        app,
        jar,
        csrf,
        verifier,
        &id,
        fields,
        (&which, "mutation($input: RecordCouncilTallyInput!) { recordCouncilTally(input: $input) { session { id } } }", input),
    )
    .await
}

#[handler]
pub async fn close(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let input = json!({ "sessionId": id, "expectedVersion": version });
    session_form(
        app,
        jar,
        csrf,
        verifier,
        &id,
        fields,
        ("closed", "mutation($input: CloseCouncilSessionInput!) { closeCouncilSession(input: $input) { session { id } } }", input),
    )
    .await
}
