//! Emulation clusters and blocks (cụm, khối thi đua): the clusters the caller sees and a form
//! to set one up with its scoring sheet; a cluster's page with its ranking, the points of every
//! member on every criterion, the history of every score, and the forms for what the caller may
//! do there: a member scores itself with its evidence, the cluster head or the organiser's
//! office adjusts with a reason, the office publishes the ranking (frozen from then on), and
//! the leader's clerk drafts its flag nomination from it.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Form as PostForm, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::UNIT;
use crate::gql::{self, IdName, IdOnly, Named, Problem};
use crate::labels;
use crate::pages::{UnitFields, UnitOption, required, unit_options};
use crate::web::{App, Chrome, Done, Form, Lang, Session, dd_mm_yyyy, go, page_with_status};

const TITLE: (&str, &str) = ("Cụm, khối thi đua", "Emulation clusters");

/// A form whose boxes repeat a name (`memberUnitIds`): every pair as sent.
type Pairs = Vec<(String, String)>;

/// A member on the ranking: with its path, to know who drafts for it.
#[derive(Debug, Deserialize)]
struct RankedUnit {
    id: String,
    name: String,
    path: Vec<IdOnly>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CriterionFields {
    code: String,
    name: String,
    max_points: i64,
    weight: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StandingFields {
    rank: i64,
    total: i64,
    scored: i64,
    leader: bool,
    unit: RankedUnit,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScoreFields {
    at: String,
    criterion_code: String,
    points: i64,
    party: String,
    note: String,
    member: IdName,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClusterFields {
    id: String,
    name: String,
    kind: String,
    year: i32,
    version: i64,
    published_on: Option<String>,
    organiser: IdName,
    head: IdName,
    members: Vec<IdName>,
    criteria: Vec<CriterionFields>,
    ranking: Vec<StandingFields>,
    scores: Vec<ScoreFields>,
}

const LISTED: &str =
    "id name kind year publishedOn organiser { name } head { name } members { name }";

const FIELDS: &str = "id name kind year version publishedOn organiser { id name } head { id name } \
    members { id name } criteria { code name maxPoints weight } \
    ranking { rank total scored leader unit { id name path { id } } } \
    scores { at criterionCode points party note member { id name } }";

fn kind(code: &str, lang: Lang) -> &'static str {
    match code {
        "CUM" => lang.t("Cụm thi đua", "Cluster"),
        "KHOI" => lang.t("Khối thi đua", "Block"),
        _ => "",
    }
}

fn party(code: &str, lang: Lang) -> &'static str {
    match code {
        "MEMBER" => lang.t("Đơn vị tự chấm", "Self-assessment"),
        "HEAD" => lang.t("Cụm trưởng điều chỉnh", "Adjusted by the head"),
        "OFFICE" => lang.t("Cơ quan thường trực điều chỉnh", "Adjusted by the office"),
        _ => "",
    }
}

/// A cluster as listed.
#[derive(Debug)]
pub struct ListedView {
    id: String,
    name: String,
    kind: &'static str,
    year: i32,
    organiser: String,
    head: String,
    members: usize,
    published_on: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListedFields {
    id: String,
    name: String,
    kind: String,
    year: i32,
    published_on: Option<String>,
    organiser: Named,
    head: Named,
    members: Vec<Named>,
}

#[derive(Template)]
#[template(path = "clusters.html")]
struct ClustersPage {
    chrome: Chrome,
    clusters: Vec<ListedView>,
    /// The units the caller may organise a cluster at (where they are a clerk or a signer);
    /// empty when they may organise none.
    organisers: Vec<UnitOption>,
    /// The units that may be members or the head (the API checks they lie below the
    /// organiser).
    units: Vec<UnitOption>,
    form: Form,
}

/// Whether the caller organises clusters somewhere, and where.
fn organises_at(session: &Session) -> Vec<&str> {
    let mut at = session.units_as("CLERK");
    at.extend(session.units_as("SIGNER"));
    at
}

async fn clusters_page(app: &App, session: Session, refused: Option<Form>) -> Response {
    #[derive(Deserialize)]
    struct Answer {
        clusters: Vec<ListedFields>,
        units: Vec<UnitFields>,
    }
    let lang = session.chrome.lang;
    let answer = match app
        .read::<Answer>(
            &session,
            &format!(
                "{{ clusters {{ {LISTED} }} \
             units {{ {UNIT} }} }}"
            ),
            json!({}),
        )
        .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    let at: Vec<String> = organises_at(&session)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let organisers: Vec<UnitOption> = unit_options(
        answer
            .units
            .iter()
            .filter(|u| at.iter().any(|a| a == u.id()))
            .cloned()
            .collect(),
    );
    // Members lie below an organiser (the API checks below which).
    let units = unit_options(
        answer
            .units
            .into_iter()
            .filter(|u| u.within(&at) && !at.iter().any(|a| a == u.id()))
            .collect(),
    );
    let year = laurel_domain::calendar::local_date(app.client.now()).year();
    let form = refused.unwrap_or_else(|| {
        Form::with(HashMap::from([
            ("kind".to_owned(), "CUM".to_owned()),
            ("year".to_owned(), year.to_string()),
        ]))
    });
    let status = form.status();
    page_with_status(
        &ClustersPage {
            clusters: answer
                .clusters
                .into_iter()
                .map(|c| ListedView {
                    kind: kind(&c.kind, lang),
                    year: c.year,
                    organiser: c.organiser.name,
                    head: c.head.name,
                    members: c.members.len(),
                    published_on: c.published_on.as_deref().map(dd_mm_yyyy),
                    id: c.id,
                    name: c.name,
                })
                .collect(),
            units,
            organisers,
            form,
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn clusters(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    match app.session(jar, csrf, TITLE, false).await {
        Ok(session) => clusters_page(app, session, None).await,
        Err(to) => to,
    }
}

/// A whole number typed in `key`, or the problem to show beside it.
fn whole(fields: &HashMap<String, String>, key: &str) -> Result<i64, Problem> {
    fields
        .get(key)
        .map(|v| v.trim())
        .unwrap_or_default()
        .parse::<i64>()
        .map_err(|_| Problem::local_field(key, "Hãy nhập một số nguyên.", "Enter a whole number."))
}

/// The scoring sheet as typed: one criterion a line, `code | name | most points | weight`
/// (the weight may be left out or empty: 1), the parts separated by `|` or a tab (a sheet
/// pasted from a spreadsheet).
fn criteria(text: &str) -> Result<Vec<Value>, Problem> {
    let mut criteria = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // Not `;`: criteria names often hold one.
        let parts: Vec<&str> = line.split(['|', '\t']).map(str::trim).collect();
        let number = |s: &str| s.parse::<i64>().ok();
        let parsed = match parts.as_slice() {
            [code, name, max] | [code, name, max, ""] => {
                number(max).map(|max| (code, name, max, 1))
            }
            [code, name, max, weight] => number(max)
                .zip(number(weight))
                .map(|(m, w)| (code, name, m, w)),
            _ => None,
        };
        let Some((code, name, max, weight)) = parsed else {
            return Err(Problem::local_field(
                "criteria",
                &format!(
                    "Dòng {}: cần “mã | tên tiêu chí | điểm tối đa | hệ số” (hệ số có thể bỏ trống).",
                    n + 1
                ),
                &format!(
                    "Line {}: expected “code | criterion | most points | weight” (the weight may be left out).",
                    n + 1
                ),
            ));
        };
        criteria.push(json!({ "code": code, "name": name, "maxPoints": max, "weight": weight }));
    }
    Ok(criteria)
}

/// The API's names for the sheet's parts, shown beside the sheet.
const SHEET: [(&str, &str); 4] = [
    ("criteria.code", "criteria"),
    ("criteria.name", "criteria"),
    ("criteria.maxPoints", "criteria"),
    ("criteria.weight", "criteria"),
];

/// Sets up a cluster (`createCluster`), then opens its page.
#[handler]
pub async fn create(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Pairs>,
) -> Response {
    let fields: HashMap<String, String> = pairs.iter().cloned().collect();
    let session = match app
        .posted((jar, csrf, verifier), TITLE, false, &fields)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let members: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "memberUnitIds")
        .map(|(_, v)| v.clone())
        .collect();
    let input = whole(&fields, "year").and_then(|year| {
        Ok(json!({
            "name": required(&fields, "name"),
            "kind": required(&fields, "kind"),
            "year": year,
            "organiserUnitId": required(&fields, "organiserUnitId"),
            "headUnitId": required(&fields, "headUnitId"),
            "memberUnitIds": members,
            "criteria": criteria(fields.get("criteria").map_or("", String::as_str))?,
        }))
    });
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Created {
        create_cluster: IdOnly,
    }
    let answer = match input {
        Ok(input) => {
            gql::run::<Created>(
                &app.client,
                Some(&session.token),
                "mutation($input: CreateClusterInput!) { createCluster(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await
        }
        Err(problem) => Err(problem),
    };
    match answer {
        Ok(created) => go(&format!(
            "/clusters/{}?done=created",
            created.create_cluster.id
        )),
        Err(problem) => {
            let lang = session.chrome.lang;
            let form = Form::with(fields)
                .ticking(members)
                .refused(problem.renamed(&SHEET), lang);
            clusters_page(app, session, Some(form)).await
        }
    }
}

/// A member's line of the points table: its points on each criterion, in the sheet's order.
#[derive(Debug)]
pub struct PointsRow {
    rank: i64,
    unit: String,
    leader: bool,
    total: i64,
    scored: i64,
    /// Per criterion: the points, and whether the head or the office set them; `None` when
    /// not scored.
    cells: Vec<Option<(i64, bool)>>,
}

/// One score entered, as the history shows it.
#[derive(Debug)]
pub struct EntryView {
    at: String,
    member: String,
    criterion: String,
    points: i64,
    party: &'static str,
    note: String,
}

/// Which form on the page was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Score,
    Adjust,
    Publish,
    Propose,
}

#[derive(Template)]
#[template(path = "cluster.html")]
struct ClusterPage {
    chrome: Chrome,
    id: String,
    kind: &'static str,
    year: i32,
    organiser: String,
    head: String,
    members: String,
    version: i64,
    published_on: Option<String>,
    criteria: Vec<CriterionFields>,
    rows: Vec<PointsRow>,
    entries: Vec<EntryView>,
    /// The members the caller scores (where they are its clerk or head); empty when none.
    own: Vec<(String, String)>,
    /// The members the caller may adjust (as the head's or the organiser's office); empty
    /// when they adjust none.
    adjustable: Vec<(String, String)>,
    /// Whether the caller may publish (the organiser's clerk or signer).
    publishes: bool,
    /// The published leader, when the caller drafts for it (its clerk).
    proposes_for: Option<String>,
    /// The flags the leader may be proposed for.
    flags: Vec<(String, String)>,
    acted: Option<Acted>,
    /// The refused form is not on the page: its refusal is shown at the top.
    orphaned: bool,
    /// Whether one member alone leads (a ranking without a leader is not published).
    has_leader: bool,
    form: Form,
}

impl ClusterPage {
    /// The form for `which`: the refused one as typed, or an empty one.
    fn form_for(&self, which: Acted) -> Form {
        if self.acted == Some(which) {
            self.form.clone()
        } else {
            Form::default()
        }
    }
}

async fn cluster_page(
    app: &App,
    mut session: Session,
    id: &str,
    refused: Option<(Acted, Form)>,
) -> Response {
    #[derive(Deserialize)]
    struct Answer {
        cluster: Option<ClusterFields>,
    }
    let lang = session.chrome.lang;
    let found = match gql::run::<Answer>(
        &app.client,
        Some(&session.token),
        &format!("query($id: ID!) {{ cluster(id: $id) {{ {FIELDS} }} }}"),
        json!({ "id": id }),
    )
    .await
    {
        Ok(Answer { cluster: Some(c) }) => c,
        Ok(Answer { cluster: None }) => {
            return app.not_found(
                session.chrome,
                "Không tìm thấy cụm, khối thi đua này.",
                "No such emulation cluster was found.",
            );
        }
        Err(problem) => return app.problem(session.chrome, &problem),
    };
    // The points standing now: each member's latest entry on each criterion.
    let mut latest: HashMap<(&str, &str), (i64, bool)> = HashMap::new();
    for s in &found.scores {
        latest.insert(
            (s.member.id.as_str(), s.criterion_code.as_str()),
            (s.points, s.party != "MEMBER"),
        );
    }
    let rows = found
        .ranking
        .iter()
        .map(|r| PointsRow {
            rank: r.rank,
            unit: r.unit.name.clone(),
            leader: r.leader,
            total: r.total,
            scored: r.scored,
            cells: found
                .criteria
                .iter()
                .map(|c| latest.get(&(r.unit.id.as_str(), c.code.as_str())).copied())
                .collect(),
        })
        .collect();
    let entries = found
        .scores
        .iter()
        .rev()
        .map(|s| EntryView {
            at: crate::pages::local_time(&s.at),
            member: s.member.name.clone(),
            criterion: s.criterion_code.clone(),
            points: s.points,
            party: party(&s.party, lang),
            note: s.note.clone(),
        })
        .collect();
    let published = found.published_on.is_some();
    let acts_at = |role: &str, unit: &str| session.units_as(role).contains(&unit);
    let member_acts = |unit: &str| acts_at("CLERK", unit) || acts_at("UNIT_HEAD", unit);
    let pairs = |units: Vec<&IdName>| -> Vec<(String, String)> {
        units
            .into_iter()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect()
    };
    let own = if published {
        Vec::new()
    } else {
        pairs(
            found
                .members
                .iter()
                .filter(|m| member_acts(&m.id))
                .collect(),
        )
    };
    // The head adjusts the others (the API tries the head's right first, so whoever acts for
    // the head never adjusts the head's own scores here: those are the office's).
    let as_head = member_acts(&found.head.id);
    let adjustable = if !published && (as_head || member_acts(&found.organiser.id)) {
        pairs(
            found
                .members
                .iter()
                .filter(|m| !(as_head && m.id == found.head.id))
                .collect(),
        )
    } else {
        Vec::new()
    };
    let leader = found.ranking.iter().find(|r| r.leader);
    let publishes = !published
        && (acts_at("CLERK", &found.organiser.id) || acts_at("SIGNER", &found.organiser.id));
    // A clerk at the leader or above it drafts for it.
    let clerk_at = session.units_as("CLERK");
    let proposes_for = leader
        .filter(|r| {
            published
                && r.unit
                    .path
                    .iter()
                    .any(|p| clerk_at.contains(&p.id.as_str()))
        })
        .map(|r| r.unit.name.clone());
    let flags = ["CO_THI_DUA_BO_TINH", "CO_THI_DUA_CHINH_PHU"]
        .into_iter()
        .map(|code| (code.to_owned(), labels::award(code, lang)))
        .collect();
    let (acted, form) = match refused {
        Some((acted, form)) => (Some(acted), form),
        None => (None, Form::default()),
    };
    // A refusal whose form the page no longer offers (the ranking was published meanwhile, or
    // the caller may not act there) is shown at the top, so that its message is never lost.
    let orphaned = match acted {
        Some(Acted::Score) => own.is_empty(),
        Some(Acted::Adjust) => adjustable.is_empty(),
        Some(Acted::Publish) => !publishes,
        Some(Acted::Propose) => proposes_for.is_none(),
        None => false,
    };
    let has_leader = leader.is_some();
    let status = form.status();
    session.chrome.title = found.name;
    page_with_status(
        &ClusterPage {
            id: found.id,
            kind: kind(&found.kind, lang),
            year: found.year,
            organiser: found.organiser.name,
            head: found.head.name,
            members: found
                .members
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            version: found.version,
            published_on: found.published_on.as_deref().map(dd_mm_yyyy),
            criteria: found.criteria,
            rows,
            entries,
            own,
            adjustable,
            publishes,
            proposes_for,
            flags,
            acted,
            orphaned,
            has_leader,
            form,
            chrome: session.chrome,
        },
        status,
    )
}

#[handler]
pub async fn cluster(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Query(done): Query<Done>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let mut session = match app.session(jar, csrf, TITLE, false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    session.chrome.notice = match done.done.as_deref() {
        Some("created") => Some(lang.t(
            "Đã lập cụm, khối thi đua. Các thành viên tự chấm điểm ở trang này.",
            "Cluster set up. Its members score themselves on this page.",
        )),
        Some("scored") => Some(lang.t("Đã ghi điểm.", "Score recorded.")),
        Some("published") => Some(lang.t(
            "Đã công bố kết quả xếp hạng; từ nay không thay đổi.",
            "Ranking published; it no longer changes.",
        )),
        _ => None,
    }
    .map(str::to_owned);
    cluster_page(app, session, &id, None).await
}

/// The cluster page's forms: score, adjust, publish, propose.
#[handler]
pub async fn act(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path((id, action)): Path<(String, String)>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<HashMap<String, String>>,
) -> Response {
    let session = match app
        .posted((jar, csrf, verifier), TITLE, false, &fields)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let score = |note: &str| {
        whole(&fields, "points").map(|points| {
            let mut input = json!({
                "clusterId": id,
                "memberUnitId": required(&fields, "memberUnitId"),
                "criterionCode": required(&fields, "criterionCode"),
                "points": points,
            });
            input[note] = required(&fields, note);
            json!({ "input": input })
        })
    };
    let (acted, request) = match action.as_str() {
        "score" => (
            Acted::Score,
            score("evidence").map(|v| {
                (
                    "mutation($input: ScoreClusterInput!) { scoreCluster(input: $input) { id } }",
                    v,
                )
            }),
        ),
        "adjust" => (
            Acted::Adjust,
            score("reason").map(|v| {
                (
                    "mutation($input: AdjustClusterScoreInput!) { adjustClusterScore(input: $input) { id } }",
                    v,
                )
            }),
        ),
        "publish" => (
            Acted::Publish,
            whole(&fields, "expectedVersion").map(|v| {
                (
                    "mutation($id: ID!, $v: Int!) { publishClusterRanking(clusterId: $id, expectedVersion: $v) { id } }",
                    json!({ "id": id, "v": v }),
                )
            }),
        ),
        "propose" => (
            Acted::Propose,
            Ok((
                "mutation($id: ID!, $award: AwardKindCode!) { proposeClusterLeader(clusterId: $id, awardKind: $award) { id } }",
                json!({ "id": id, "award": required(&fields, "awardKind") }),
            )),
        ),
        _ => {
            return app.not_found(
                session.chrome,
                "Không có thao tác này.",
                "No such action.",
            );
        }
    };
    let answer = match request {
        Ok((query, variables)) => {
            gql::run::<Value>(&app.client, Some(&session.token), query, variables).await
        }
        Err(problem) => Err(problem),
    };
    match answer {
        Ok(answer) => match acted {
            Acted::Score | Acted::Adjust => go(&format!("/clusters/{id}?done=scored")),
            Acted::Publish => go(&format!("/clusters/{id}?done=published")),
            Acted::Propose => {
                #[derive(Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct Proposed {
                    propose_cluster_leader: IdOnly,
                }
                match serde_json::from_value::<Proposed>(answer) {
                    Ok(p) => go(&format!(
                        "/nominations/{}?done=created",
                        p.propose_cluster_leader.id
                    )),
                    Err(e) => app.problem(
                        session.chrome,
                        &Problem::local(
                            "INTERNAL",
                            "Lỗi hệ thống; hãy xem hồ sơ trong danh sách Hồ sơ đề nghị.",
                            &format!("Internal error ({e}); see the nomination in the list of nominations."),
                        ),
                    ),
                }
            }
        },
        Err(problem) if problem.code == "NOT_FOUND" => app.problem(session.chrome, &problem),
        Err(problem) => {
            let lang = session.chrome.lang;
            // The API names the cluster when the ranking is published or has no leader: shown
            // above the form.
            let form = Form::with(fields).refused(problem, lang);
            cluster_page(app, session, &id, Some((acted, form))).await
        }
    }
}
