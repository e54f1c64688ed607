//! The organisation as people read it: the unit tree with its people, and a person's facts
//! (ratings, initiatives and research, discipline, prior awards, what blocks an award).

use std::sync::Arc;

use askama::Template;
use laurel_domain::fact::{BlockKind, RecognitionKind};
use laurel_domain::rules::{DisciplineLevel, TaskRating};
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, Data, Path};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::json;

use crate::gql::{self, IdOnly, Named};
use crate::labels;
use crate::web::{App, Chrome, Lang, dd_mm_yyyy, page};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitRow {
    id: String,
    name: String,
    code: String,
    head_title: String,
    path: Vec<IdOnly>,
    outside_tree: bool,
    external: Option<crate::pages::ExternalFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonRow {
    id: String,
    full_name: String,
    rank: Option<String>,
    position: Option<String>,
    unit: IdOnly,
    external: Option<crate::pages::ExternalFields>,
}

/// A unit of the tree with its people.
#[derive(Debug)]
pub struct UnitView {
    name: String,
    code: String,
    head_title: String,
    /// Nesting depth, for the indentation.
    depth: usize,
    /// (id, "rank name, position").
    people: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    chrome: Chrome,
    units: Vec<UnitView>,
    /// More people than a page reads.
    truncated: bool,
}

/// How a nominee registered for a movement from outside the tree is marked in the tree (where
/// it lives, for those who may read it).
fn outside_mark(lang: Lang, address: Option<&str>) -> String {
    match address {
        Some(address) => format!(" — {} ({address})", labels::outside_tree(lang)),
        None => format!(" — {}", labels::outside_tree(lang)),
    }
}

#[handler]
pub async fn units(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    let session = match app
        .session(jar, csrf, ("Đơn vị, cán bộ", "Units and people"), false)
        .await
    {
        Ok(session) => session,
        Err(to) => return to,
    };
    let lang = session.chrome.lang;
    #[derive(Deserialize)]
    struct Units {
        units: Vec<UnitRow>,
    }
    let answer = gql::run::<Units>(
        &app.client,
        Some(&session.token),
        "{ units { id name code headTitle path { id } outsideTree external { address } } }",
        json!({}),
    )
    .await;
    let people = gql::all_pages::<PersonRow>(
        &app.client,
        Some(&session.token),
        "query($after: String) { people(first: 200, after: $after) { \
         nodes { id fullName rank position unit { id } external { address } } pageInfo { hasNextPage endCursor } } }",
        "people",
    )
    .await;
    match answer.and_then(|answer| Ok((answer, people?))) {
        Ok((answer, (people, truncated))) => {
            let units = answer
                .units
                .into_iter()
                .map(|u| UnitView {
                    people: people
                        .iter()
                        .filter(|p| p.unit.id == u.id)
                        .map(|p| {
                            let name: Vec<&str> = [p.rank.as_deref(), Some(p.full_name.as_str())]
                                .into_iter()
                                .flatten()
                                .collect();
                            let mut label = name.join(" ");
                            if let Some(position) = &p.position {
                                label.push_str(", ");
                                label.push_str(position);
                            }
                            if let Some(outside) = &p.external {
                                label.push_str(&outside_mark(lang, Some(&outside.address)));
                            }
                            (p.id.clone(), label)
                        })
                        .collect(),
                    depth: u.path.len().saturating_sub(1),
                    name: if u.outside_tree {
                        u.name.clone()
                            + &outside_mark(lang, u.external.as_ref().map(|e| e.address.as_str()))
                    } else {
                        u.name
                    },
                    code: u.code,
                    head_title: u.head_title,
                })
                .collect();
            page(&UnitsPage {
                units,
                truncated,
                chrome: session.chrome,
            })
        }
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonFields {
    full_name: String,
    rank: Option<String>,
    position: Option<String>,
    recruited_on: Option<String>,
    unit: Named,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Facts {
    ratings: Vec<Rating>,
    recognitions: Vec<Recognition>,
    disciplines: Vec<Discipline>,
    prior_awards: Vec<PriorAward>,
    blocks: Vec<Block>,
}

#[derive(Debug, Deserialize)]
struct Rating {
    year: i32,
    rating: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recognition {
    year: i32,
    kind: String,
    title: String,
    recognised_by: String,
}

#[derive(Debug, Deserialize)]
struct Discipline {
    level: String,
    from: String,
    to: Option<String>,
    reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriorAward {
    year: i32,
    award_kind: String,
    decision_reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Block {
    kind: String,
    reason: String,
    from: String,
    resolved_on: Option<String>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    unit: String,
    position: String,
    recruited_on: String,
    ratings: Vec<(i32, String)>,
    recognitions: Vec<(i32, String, String, String)>,
    disciplines: Vec<(String, String, String)>,
    prior_awards: Vec<(i32, String, String)>,
    blocks: Vec<(String, String, String, bool)>,
}

fn name(lang: Lang, vi: &'static str, en: &'static str) -> String {
    lang.t(vi, en).to_owned()
}

#[handler]
pub async fn person(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    let mut session = match app.session(jar, csrf, ("Cán bộ", "Person"), false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        person: Option<PersonFields>,
        nominee_facts: Facts,
    }
    let lang = session.chrome.lang;
    let answer = match app.read::<Answer>(
        &session,
        "query($id: ID!) { person(id: $id) { fullName rank position recruitedOn unit { name } } \
         nomineeFacts(nomineePersonId: $id) { ratings { year rating } \
           recognitions { year kind title recognisedBy } disciplines { level from to reference } \
           priorAwards { year awardKind decisionReference } blocks { kind reason from resolvedOn } } }",
        json!({ "id": id }),
    )
    .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    let Some(p) = answer.person else {
        return app.not_found(
            session.chrome,
            "Không tìm thấy cán bộ này.",
            "No such person was found.",
        );
    };
    session.chrome.title = [p.rank.as_deref(), Some(p.full_name.as_str())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let facts = answer.nominee_facts;
    let rating = |code: &str| {
        TaskRating::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .map_or_else(
                || code.to_owned(),
                |r| labels::pick(lang, r.name_vi(), r.name_en()),
            )
    };
    let level = |code: &str| {
        DisciplineLevel::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .map_or_else(
                || code.to_owned(),
                |l| labels::pick(lang, l.name_vi(), l.name_en()),
            )
    };
    let recognition = |code: &str| match RecognitionKind::ALL.into_iter().find(|k| k.code() == code)
    {
        Some(RecognitionKind::Initiative) => name(lang, "Sáng kiến", "Initiative"),
        Some(RecognitionKind::Research) => name(lang, "Đề tài khoa học", "Research"),
        None => code.to_owned(),
    };
    let block = |code: &str| match BlockKind::ALL.into_iter().find(|k| k.code() == code) {
        Some(BlockKind::DisciplineConsideration) => name(
            lang,
            "Đang xem xét kỷ luật",
            "Discipline under consideration",
        ),
        Some(BlockKind::Inspection) => name(lang, "Đang thanh tra, kiểm tra", "Under inspection"),
        Some(BlockKind::Investigation) => name(lang, "Đang điều tra", "Under investigation"),
        Some(BlockKind::Complaint) => name(
            lang,
            "Có đơn thư khiếu nại, tố cáo",
            "A complaint is pending",
        ),
        None => code.to_owned(),
    };
    page(&PersonPage {
        unit: p.unit.name,
        position: p.position.unwrap_or_default(),
        recruited_on: p
            .recruited_on
            .as_deref()
            .map(dd_mm_yyyy)
            .unwrap_or_default(),
        ratings: facts
            .ratings
            .iter()
            .map(|r| (r.year, rating(&r.rating)))
            .collect(),
        recognitions: facts
            .recognitions
            .iter()
            .map(|r| {
                (
                    r.year,
                    recognition(&r.kind),
                    r.title.clone(),
                    r.recognised_by.clone(),
                )
            })
            .collect(),
        disciplines: facts
            .disciplines
            .iter()
            .map(|d| {
                let until = d.to.as_deref().map(dd_mm_yyyy).unwrap_or_default();
                (
                    level(&d.level),
                    format!("{} – {until}", dd_mm_yyyy(&d.from)),
                    d.reference.clone().unwrap_or_default(),
                )
            })
            .collect(),
        prior_awards: facts
            .prior_awards
            .iter()
            .map(|a| {
                (
                    a.year,
                    labels::award(&a.award_kind, lang),
                    a.decision_reference.clone().unwrap_or_default(),
                )
            })
            .collect(),
        blocks: facts
            .blocks
            .iter()
            .map(|b| {
                (
                    block(&b.kind),
                    b.reason.clone(),
                    dd_mm_yyyy(&b.from),
                    b.resolved_on.is_some(),
                )
            })
            .collect(),
        chrome: session.chrome,
    })
}
