//! Proposals (tờ trình): the list of a user's units' proposals, and a proposal's page with its
//! nominations, the documents they share, and the one button that submits them all. Each page
//! is a query and the button one mutation (`submitNominations` over the proposal).

use std::sync::Arc;

use askama::Template;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Form as PostForm, Path};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::json;

use crate::gql::{self, Named};
use crate::labels;
use crate::pages::{
    Paged, ROW, Row, RowFields, UnitFields, UnitOption, bulk_outcomes, optional, picked, required,
    unit_options,
};
use crate::web::{App, Chrome, Form, Lang, Session, dd_mm_yyyy, go, page_with_status};

const LIST_TITLE: (&str, &str) = ("Tờ trình", "Proposals");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProposalFields<N> {
    id: String,
    version: i32,
    number: Option<String>,
    proposed_on: Option<String>,
    signer_name: Option<String>,
    status: String,
    proposing_unit: Named,
    issuer: Named,
    nominations: Vec<N>,
    #[serde(default)]
    documents: Vec<DocumentFields>,
    /// The same nominations as a signer weighs them (only a proposal's own page asks).
    #[serde(default)]
    signing: Vec<SigningFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SigningFields {
    id: String,
    version: i32,
    available_commands: Vec<String>,
    stage: StageKind,
    /// Asked for only when the caller may sign some of them (a second, costlier read).
    #[serde(default)]
    expected_cash_vnd: Option<i64>,
    #[serde(default)]
    eligibility: Option<VerdictFields>,
    #[serde(default)]
    council_outcomes: Vec<OutcomeFields>,
}

impl SigningFields {
    /// Whether the caller may sign it now.
    fn mine(&self) -> bool {
        self.available_commands.iter().any(|c| c == "SIGN")
    }
}

#[derive(Debug, Deserialize)]
struct StageKind {
    kind: String,
}

#[derive(Debug, Deserialize)]
struct VerdictFields {
    verdict: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutcomeFields {
    approved: bool,
    votes_for: i32,
    present: i32,
}

/// A nomination of the proposal at its SIGN stage, as the signing card lists it.
#[derive(Debug)]
pub struct SignLine {
    id: String,
    /// `id:version`, what the form sends: the decision covers exactly what was shown.
    pick: String,
    nominee: String,
    award: String,
    /// Whether the caller may sign it (not, e.g., when they appraised it themselves).
    mine: bool,
    verdict: String,
    /// `met` (eligible), `late` (not eligible) or nothing (for the council's judgement).
    class: &'static str,
    /// The council's last vote on it, when it had one.
    council: String,
    cash_vnd: Option<i64>,
}

impl SignLine {
    /// "2.340.000", or nothing when the award carries no cash.
    fn cash(&self) -> String {
        self.cash_vnd
            .map(laurel_domain::report::vnd)
            .unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocumentFields {
    kind: String,
    filename: String,
    url: String,
}

/// A proposal as the pages show it.
#[derive(Debug)]
pub struct ProposalView {
    id: String,
    version: i32,
    number: String,
    proposed_on: String,
    signer: String,
    status: String,
    from: String,
    to: String,
    count: usize,
    rows: Vec<Row>,
    documents: Vec<(String, String, String)>,
    /// Every nomination of it at the SIGN stage, when the caller may sign any of them.
    to_sign: Vec<SignLine>,
    /// How many of those the caller may sign.
    signable: usize,
    /// Their cash, together, as a decision would give it today.
    to_sign_total: String,
}

impl ProposalView {
    fn of<N>(
        p: ProposalFields<N>,
        lang: Lang,
        rows: impl FnOnce(Vec<N>) -> Vec<Row>,
    ) -> ProposalView {
        let rows = rows(p.nominations);
        let anyone = p.signing.iter().any(SigningFields::mine);
        let to_sign: Vec<SignLine> = p
            .signing
            .into_iter()
            .filter(|n| anyone && n.stage.kind == "SIGN")
            .map(|n| {
                let row = rows.iter().find(|r| r.id == n.id);
                let verdict = n.eligibility.as_ref().map_or("", |e| e.verdict.as_str());
                SignLine {
                    nominee: row.map(|r| r.nominee.clone()).unwrap_or_default(),
                    award: row.map(|r| r.award.clone()).unwrap_or_default(),
                    mine: n.mine(),
                    verdict: labels::verdict(verdict, lang),
                    class: match verdict {
                        "ELIGIBLE" => "met",
                        "INELIGIBLE" => "late",
                        _ => "",
                    },
                    council: n
                        .council_outcomes
                        .last()
                        .map(|o| {
                            format!(
                                "{} {}/{}",
                                if o.approved {
                                    lang.t("Hội đồng thông qua", "Council approved")
                                } else {
                                    lang.t("Hội đồng không thông qua", "Council did not approve")
                                },
                                o.votes_for,
                                o.present
                            )
                        })
                        .unwrap_or_default(),
                    cash_vnd: n.expected_cash_vnd,
                    pick: format!("{}:{}", n.id, n.version),
                    id: n.id,
                }
            })
            .collect();
        let signable = to_sign.iter().filter(|l| l.mine).count();
        let total: i64 = to_sign
            .iter()
            .filter(|l| l.mine)
            .filter_map(|l| l.cash_vnd)
            .sum();
        ProposalView {
            to_sign_total: laurel_domain::report::vnd(total),
            to_sign,
            signable,
            number: p.number.unwrap_or_default(),
            proposed_on: p.proposed_on.map(|d| dd_mm_yyyy(&d)).unwrap_or_default(),
            signer: p.signer_name.unwrap_or_default(),
            status: match (p.status.as_str(), lang) {
                ("DRAFT", Lang::Vi) => "Đang soạn".into(),
                ("DRAFT", Lang::En) => "Being drafted".into(),
                ("IN_REVIEW", Lang::Vi) => "Đang xét".into(),
                ("IN_REVIEW", Lang::En) => "Under review".into(),
                ("CLOSED", Lang::Vi) => "Đã có kết quả".into(),
                ("CLOSED", Lang::En) => "Concluded".into(),
                (other, _) => other.to_owned(),
            },
            from: p.proposing_unit.name,
            to: p.issuer.name,
            count: rows.len(),
            rows,
            documents: p
                .documents
                .into_iter()
                .map(|d| (labels::document(&d.kind, lang), d.filename, d.url))
                .collect(),
            version: p.version,
            id: p.id,
        }
    }
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct ProposalsPage {
    chrome: Chrome,
    proposals: Vec<ProposalView>,
    /// Drafts in no proposal yet, which a new one may group.
    drafts: Vec<Row>,
    units: Vec<UnitOption>,
    form: Form,
    /// Whether more drafts exist than the 200 read.
    more: bool,
}

const LIST: &str = concat!(
    "query { proposals { id version number proposedOn signerName status \
    proposingUnit { name } issuer { name } nominations { id } } \
    units { ",
    unit_fields!(),
    " } \
    nominations(first: 200, filter: { state: DRAFT }) { nodes { ...Row proposal { id } } pageInfo { hasNextPage endCursor } } }"
);

/// A nomination counted in a list.
#[derive(Debug, Deserialize)]
struct Counted {}

#[derive(Debug, Deserialize)]
struct Draft {
    #[serde(flatten)]
    row: RowFields,
    proposal: Option<Counted>,
}

async fn proposals_page(app: &App, session: Session, form: Form) -> Response {
    #[derive(Debug, Deserialize)]
    struct Answer {
        proposals: Vec<ProposalFields<Counted>>,
        units: Vec<UnitFields>,
        nominations: Paged<Draft>,
    }
    let query = format!("{LIST} {ROW}");
    match gql::run::<Answer>(&app.client, Some(&session.token), &query, json!({})).await {
        Ok(answer) => {
            let lang = session.chrome.lang;
            let listed: Vec<ProposalView> = answer
                .proposals
                .into_iter()
                .map(|p| ProposalView::of(p, lang, |_| Vec::new()))
                .collect();
            let more = answer.nominations.page_info.has_next_page;
            let drafts = answer
                .nominations
                .nodes
                .into_iter()
                .filter(|d| d.proposal.is_none())
                .map(|d| Row::of(d.row, lang))
                .collect();
            let status = form.status();
            page_with_status(
                &ProposalsPage {
                    chrome: session.chrome,
                    proposals: listed,
                    drafts,
                    units: unit_options(answer.units),
                    form,
                    more,
                },
                status,
            )
        }
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[handler]
pub async fn proposals(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    let session = match app.session(jar, csrf, LIST_TITLE, false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    proposals_page(app, session, Form::default()).await
}

/// Groups the ticked drafts into a new proposal, then shows it.
#[handler]
pub async fn create(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Vec<(String, String)>>,
) -> Response {
    let fields: std::collections::HashMap<String, String> = pairs.iter().cloned().collect();
    let session = match app
        .posted((jar, csrf, verifier), LIST_TITLE, false, &fields)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Created {
        create_proposal: Payload,
    }
    #[derive(Deserialize)]
    struct Payload {
        proposal: Id,
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let lang = session.chrome.lang;
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.clone())
        .collect();
    let answer = gql::run::<Created>(
        &app.client,
        Some(&session.token),
        "mutation($input: CreateProposalInput!) { createProposal(input: $input) { proposal { id } } }",
        json!({ "input": {
            "proposingUnitId": required(&fields, "proposingUnitId"),
            "issuerUnitId": required(&fields, "issuerUnitId"),
            "number": optional(&fields, "number"),
            "proposedOn": optional(&fields, "proposedOn"),
            "signerName": optional(&fields, "signerName"),
            "signerTitle": optional(&fields, "signerTitle"),
            "nominations": picked(&pairs),
        }}),
    )
    .await;
    match answer {
        Ok(created) => go(&format!(
            "/proposals/{}",
            created.create_proposal.proposal.id
        )),
        Err(problem) => {
            let form = Form::with(fields).ticking(ticked).refused(problem, lang);
            proposals_page(app, session, form).await
        }
    }
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    chrome: Chrome,
    proposal: ProposalView,
    rows: Vec<Row>,
    /// One line per nomination after submitting them all: (id, done, what was said).
    results: Vec<(String, bool, String)>,
    /// The signing form as typed, and what the API said of it.
    form: Form,
}

#[derive(Debug, Deserialize)]
struct OneAnswer {
    proposal: Option<ProposalFields<RowFields>>,
}

fn one_query() -> String {
    format!(
        "query($id: ID!) {{ proposal(id: $id) {{ id version number proposedOn signerName status \
         proposingUnit {{ name }} issuer {{ name }} documents {{ kind filename url }} \
         nominations {{ ...Row }} \
         signing: nominations {{ id version availableCommands stage {{ kind }} }} }} }} {ROW}"
    )
}

/// What a signer weighs, read only for a caller who may sign some of the proposal: each
/// nomination's eligibility (costly: the nominee's facts), the council's vote and the cash.
const WEIGH: &str = "query($id: ID!) { proposal(id: $id) { signing: nominations { id version \
    availableCommands stage { kind } expectedCashVnd eligibility { verdict } \
    councilOutcomes { approved votesFor present } } } }";

#[derive(Debug, Deserialize)]
struct Weighed {
    proposal: Option<WeighedProposal>,
}

#[derive(Debug, Deserialize)]
struct WeighedProposal {
    signing: Vec<SigningFields>,
}

async fn proposal_page(
    app: &App,
    session: Session,
    id: &str,
    results: Vec<(String, bool, String)>,
    form: Form,
) -> Response {
    match gql::run::<OneAnswer>(
        &app.client,
        Some(&session.token),
        &one_query(),
        json!({ "id": id }),
    )
    .await
    {
        Ok(OneAnswer {
            proposal: Some(mut p),
        }) => {
            let lang = session.chrome.lang;
            if p.signing.iter().any(SigningFields::mine) {
                match gql::run::<Weighed>(
                    &app.client,
                    Some(&session.token),
                    WEIGH,
                    json!({ "id": id }),
                )
                .await
                {
                    Ok(Weighed {
                        proposal: Some(weighed),
                    }) => p.signing = weighed.signing,
                    Ok(Weighed { proposal: None }) => p.signing.clear(),
                    Err(problem) => return app.problem(session.chrome, &problem),
                }
            }
            let mut view = ProposalView::of(p, lang, |n| {
                n.into_iter().map(|r| Row::of(r, lang)).collect()
            });
            let rows = std::mem::take(&mut view.rows);
            let status = form.status();
            page_with_status(
                &ProposalPage {
                    chrome: session.chrome,
                    proposal: view,
                    rows,
                    results,
                    form,
                },
                status,
            )
        }
        Ok(OneAnswer { proposal: None }) => app.not_found(
            session.chrome,
            "Không có tờ trình này, hoặc bạn không được xem.",
            "No such proposal, or you may not see it.",
        ),
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[handler]
pub async fn proposal(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let session = match app
        .session(jar, csrf, ("Tờ trình", "Proposal"), false)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    proposal_page(app, session, &id, Vec::new(), Form::default()).await
}

/// Submits every nomination of the proposal at the version seen; one line each.
#[handler]
pub async fn submit(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(fields): PostForm<std::collections::HashMap<String, String>>,
) -> Response {
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Tờ trình", "Proposal"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let version: Option<i32> = fields.get("version").and_then(|v| v.trim().parse().ok());
    let results = bulk_outcomes(
        app,
        &session.token,
        (
            "submitNominations",
            "mutation($t: BulkTargetInput!) { submitNominations(target: $t) { results { id ok messageVi messageEn } } }",
            json!({ "t": { "proposalId": id, "expectedVersion": version } }),
        ),
        lang,
        ("Đã trình.", "Submitted."),
    )
    .await;
    proposal_page(app, session, &id, results, Form::default()).await
}

/// Signs one decision for the nominations of the proposal the card listed as the caller's to
/// sign, each at the version shown (`signDecision`: a change since is a conflict), then shows it.
#[handler]
pub async fn sign(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
    PostForm(pairs): PostForm<Vec<(String, String)>>,
) -> Response {
    let fields: std::collections::HashMap<String, String> = pairs.iter().cloned().collect();
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Signed {
        sign_decision: SignedDecision,
    }
    #[derive(Deserialize)]
    struct SignedDecision {
        decision: Id,
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let session = match app
        .posted(
            (jar, csrf, verifier),
            ("Tờ trình", "Proposal"),
            false,
            &fields,
        )
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    let signed = gql::run::<Signed>(
        &app.client,
        Some(&session.token),
        "mutation($input: SignDecisionInput!) { signDecision(input: $input) { decision { id } } }",
        json!({ "input": {
            "nominations": picked(&pairs),
            "capacity": match optional(&fields, "capacity") {
                serde_json::Value::Null => json!("DIRECT"),
                chosen => chosen,
            },
            "signerTitle": optional(&fields, "signerTitle"),
        }}),
    )
    .await;
    match signed {
        Ok(s) => go(&format!(
            "/decisions/{}?done=SIGN",
            s.sign_decision.decision.id
        )),
        Err(problem) => {
            let form = Form::with(fields).refused(problem, lang);
            proposal_page(app, session, &id, Vec::new(), form).await
        }
    }
}
