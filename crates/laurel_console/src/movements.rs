//! Emulation movements (phong trào thi đua): the movements the caller sees, and a movement's
//! page where a participating unit's clerk registers nominees from outside the administrative
//! tree (citizens, residential groups, enterprises, schools: `registerNominee`), with the
//! nominees its units registered.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use poem::web::cookie::CookieJar;
use poem::web::{CsrfToken, CsrfVerifier, Data, Form as PostForm, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::gql::{self, IdName, Named};
use crate::labels;
use crate::pages::{UnitFields, UnitOption, optional, required, unit_options};
use crate::web::{App, Chrome, Done, Form, Lang, Session, dd_mm_yyyy, go, page_with_status};

const TITLE: (&str, &str) = ("Phong trào thi đua", "Movements");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MovementFields {
    id: String,
    name: String,
    kind: String,
    from_year: i32,
    to_year: i32,
    opens_on: String,
    closes_on: String,
    open: bool,
    theme: Option<String>,
    launched_by: Named,
    participants: Vec<IdName>,
    offerings: Vec<String>,
}

const FIELDS: &str = "id name kind fromYear toYear opensOn closesOn open theme launchedBy { name } \
    participants { id name } offerings";

/// A movement as listed and shown.
#[derive(Debug)]
pub struct MovementView {
    id: String,
    name: String,
    kind: String,
    period: String,
    window: String,
    open: bool,
    /// Its last day has passed: nothing more is registered for it.
    closed: bool,
    theme: String,
    launched_by: String,
    participants: String,
    offerings: String,
}

fn kind(code: &str, lang: Lang) -> &'static str {
    match code {
        "THUONG_XUYEN" => lang.t("Thường xuyên", "Regular"),
        "THEO_DOT_CHUYEN_DE" => lang.t("Theo đợt, chuyên đề", "Thematic"),
        "DOT_XUAT" => lang.t("Đột xuất", "Ad hoc"),
        "NIEN_HAN" => lang.t("Niên hạn", "Length of service"),
        "QUA_TRINH_CONG_HIEN" => lang.t("Quá trình cống hiến", "Lifetime contribution"),
        "DOI_NGOAI" => lang.t("Đối ngoại", "Foreign relations"),
        _ => "",
    }
}

fn view(m: MovementFields, lang: Lang, today: time::Date) -> MovementView {
    MovementView {
        closed: m.closes_on.as_str() < today.to_string().as_str(),
        kind: kind(&m.kind, lang).to_owned(),
        period: if m.from_year == m.to_year {
            m.from_year.to_string()
        } else {
            format!("{}–{}", m.from_year, m.to_year)
        },
        window: format!("{} – {}", dd_mm_yyyy(&m.opens_on), dd_mm_yyyy(&m.closes_on)),
        open: m.open,
        theme: m.theme.unwrap_or_default(),
        launched_by: m.launched_by.name,
        participants: m
            .participants
            .into_iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", "),
        offerings: if m.offerings.is_empty() {
            lang.t("mọi hình thức", "any award").to_owned()
        } else {
            m.offerings
                .iter()
                .map(|a| labels::award(a, lang))
                .collect::<Vec<_>>()
                .join(", ")
        },
        id: m.id,
        name: m.name,
    }
}

#[derive(Template)]
#[template(path = "movements.html")]
struct MovementsPage {
    chrome: Chrome,
    movements: Vec<MovementView>,
}

#[handler]
pub async fn movements(jar: &CookieJar, csrf: &CsrfToken, Data(app): Data<&Arc<App>>) -> Response {
    let session = match app.session(jar, csrf, TITLE, false).await {
        Ok(session) => session,
        Err(to) => return to,
    };
    #[derive(Deserialize)]
    struct Answer {
        movements: Vec<MovementFields>,
    }
    let lang = session.chrome.lang;
    let today = laurel_domain::calendar::local_date(app.client.now());
    match gql::run::<Answer>(
        &app.client,
        Some(&session.token),
        &format!("{{ movements {{ {FIELDS} }} }}"),
        json!({}),
    )
    .await
    {
        Ok(answer) => page_with_status(
            &MovementsPage {
                movements: answer
                    .movements
                    .into_iter()
                    .map(|m| view(m, lang, today))
                    .collect(),
                chrome: session.chrome,
            },
            poem::http::StatusCode::OK,
        ),
        Err(problem) => app.problem(session.chrome, &problem),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutsideFields {
    movement_id: String,
    address: String,
    organisation: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisteredPerson {
    id: String,
    full_name: String,
    position: Option<String>,
    unit: Named,
    external: Option<OutsideFields>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisteredUnit {
    name: String,
    path: Vec<IdName>,
    external: Option<OutsideFields>,
}

/// Where a nominee lives, when it was registered for `movement`.
fn registered_for<'a>(
    outside: &'a Option<OutsideFields>,
    movement_id: &str,
) -> Option<&'a OutsideFields> {
    outside.as_ref().filter(|e| e.movement_id == movement_id)
}

/// A nominee registered for the movement: who, where they live, under which unit.
#[derive(Debug)]
pub struct RegisteredView {
    /// The person's page, for a citizen.
    person: Option<String>,
    name: String,
    kind: &'static str,
    address: String,
    under: String,
}

#[derive(Template)]
#[template(path = "movement.html")]
struct MovementPage {
    chrome: Chrome,
    movement: MovementView,
    /// Units the caller may register nominees under: the participants' units that act (the
    /// API decides which are the caller's).
    units: Vec<UnitOption>,
    registered: Vec<RegisteredView>,
    /// More people than a page reads: the list of citizens may be incomplete.
    truncated: bool,
    /// Whether the caller holds a role that registers nominees (a clerk, an administrator).
    registers: bool,
    form: Form,
}

async fn movement_page(app: &App, session: Session, id: &str, refused: Option<Form>) -> Response {
    #[derive(Deserialize)]
    struct Answer {
        movement: Option<MovementFields>,
        /// Read once: the units to register under, and the groups registered.
        units: Vec<Value>,
    }
    let lang = session.chrome.lang;
    let today = laurel_domain::calendar::local_date(app.client.now());
    let answer = match app
        .read::<Answer>(
            &session,
            &format!(
                "query($id: ID!) {{ movement(id: $id) {{ {FIELDS} }} \
             units {{ id name code headTitle place path {{ id name }} outsideTree \
             external {{ movementId address organisation }} }} }}"
            ),
            json!({ "id": id }),
        )
        .await
    {
        Ok(answer) => answer,
        Err(page) => return page,
    };
    let Some(found) = answer.movement else {
        return app.not_found(
            session.chrome,
            "Không tìm thấy phong trào này.",
            "No such movement was found.",
        );
    };
    let units: Result<(Vec<UnitFields>, Vec<RegisteredUnit>), _> = answer
        .units
        .into_iter()
        .map(|u| {
            Ok((
                serde_json::from_value(u.clone())?,
                serde_json::from_value(u)?,
            ))
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .map(|pairs| pairs.into_iter().unzip());
    let Ok((units, collectives)) = units else {
        return app.problem(
            session.chrome,
            &gql::Problem::local(
                "INTERNAL",
                "Lỗi hệ thống; không có thay đổi nào được ghi. Hãy thử lại sau.",
                "Internal error; nothing was changed. Please try again later.",
            ),
        );
    };
    let people = gql::all_pages::<RegisteredPerson>(
        &app.client,
        Some(&session.token),
        "query($after: String) { people(first: 200, after: $after) { \
         nodes { id fullName position unit { name } external { movementId address organisation } } \
         pageInfo { hasNextPage endCursor } } }",
        "people",
    )
    .await;
    let (people, truncated) = match people {
        Ok(found) => found,
        Err(problem) => return app.problem(session.chrome, &problem),
    };
    let here = |e| registered_for(e, &found.id);
    let address = |e: &OutsideFields| match &e.organisation {
        Some(o) => format!("{}; {o}", e.address),
        None => e.address.clone(),
    };
    let mut registered: Vec<RegisteredView> = people
        .iter()
        .filter_map(|p| {
            let outside = here(&p.external)?;
            Some(RegisteredView {
                person: Some(p.id.clone()),
                name: match &p.position {
                    Some(position) => format!("{}, {position}", p.full_name),
                    None => p.full_name.clone(),
                },
                kind: lang.t("cá nhân", "individual"),
                address: address(outside),
                under: p.unit.name.clone(),
            })
        })
        .collect();
    registered.extend(collectives.iter().filter_map(|u| {
        let outside = here(&u.external)?;
        Some(RegisteredView {
            person: None,
            name: u.name.clone(),
            kind: lang.t("tập thể", "collective"),
            address: address(outside),
            // The unit it is placed under: the one before it on its path.
            under: u
                .path
                .iter()
                .rev()
                .nth(1)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
        })
    }));
    // The units under a participant: each takes part with its whole subtree.
    let participants: Vec<String> = found.participants.iter().map(|p| p.id.clone()).collect();
    let units = unit_options(
        units
            .into_iter()
            .filter(|u| u.within(&participants))
            .collect(),
    );
    let registers = session.holds("CLERK") || session.holds("ADMIN");
    let form = refused.unwrap_or_else(|| {
        Form::with(HashMap::from([(
            "kind".to_owned(),
            "INDIVIDUAL".to_owned(),
        )]))
    });
    let status = form.status();
    let mut chrome = session.chrome;
    chrome.title = found.name.clone();
    page_with_status(
        &MovementPage {
            movement: view(found, lang, today),
            units,
            registered,
            truncated,
            registers,
            form,
            chrome,
        },
        status,
    )
}

#[handler]
pub async fn movement(
    jar: &CookieJar,
    csrf: &CsrfToken,
    Path(id): Path<String>,
    Query(done): Query<Done>,
    Data(app): Data<&Arc<App>>,
) -> Response {
    match app.session(jar, csrf, TITLE, false).await {
        Ok(mut session) => {
            if done.done.as_deref() == Some("registered") {
                session.chrome.notice = Some(
                    session
                        .chrome
                        .t(
                            "Đã đăng ký. Người (tập thể) này được đề nghị khen thưởng như mọi người của đơn vị, ở trang Lập hồ sơ.",
                            "Registered. They are nominated like anyone of the unit, on the New nomination page.",
                        )
                        .to_owned(),
                );
            }
            movement_page(app, session, &id, None).await
        }
        Err(to) => to,
    }
}

/// Registers a nominee from outside the tree (`registerNominee`).
#[handler]
pub async fn register(
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<String>,
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
    let answer = gql::run::<Value>(
        &app.client,
        Some(&session.token),
        "mutation($input: RegisterNomineeInput!) { registerNominee(input: $input) { __typename } }",
        json!({ "input": {
            "movementId": id,
            "unitId": required(&fields, "unitId"),
            "kind": required(&fields, "kind"),
            "name": required(&fields, "name"),
            "address": required(&fields, "address"),
            "organisation": optional(&fields, "organisation"),
            "position": optional(&fields, "position"),
        }}),
    )
    .await;
    match answer {
        Ok(_) => go(&format!("/movements/{id}?done=registered")),
        Err(problem) if problem.code == "NOT_FOUND" => app.problem(session.chrome, &problem),
        Err(problem) => {
            let lang = session.chrome.lang;
            let form = Form::with(fields).refused(problem, lang);
            movement_page(app, session, &id, Some(form)).await
        }
    }
}
