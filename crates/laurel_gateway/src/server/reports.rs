//! Report and export downloads: a movement's or an issuer's year as an XLSX workbook, and a
//! decision's recipients as XLSX or CSV (bearer token; the same visibility as the GraphQL
//! reports and decisions).

use std::sync::Arc;

use laurel_domain::ids::{MovementId, UnitId};
use poem::http::header;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use super::{AppState, http_actor, ops_error_response};
use crate::error::OpsError;
use crate::ops::AwardReport;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn parse<T: std::str::FromStr>(file: &str, entity: &'static str) -> Result<T, OpsError> {
    file.strip_suffix(".xlsx")
        .unwrap_or(file)
        .parse()
        .map_err(|_| OpsError::NotFound {
            entity,
            id: file.to_owned(),
        })
}

fn respond(result: Result<AwardReport, OpsError>, filename: &str) -> Response {
    match result.and_then(|report| report.xlsx()) {
        Ok(bytes) => Response::builder()
            .content_type(XLSX)
            .header(header::CACHE_CONTROL, "private, no-store")
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            )
            .body(bytes),
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /reports/movements/{id}.xlsx`.
#[handler]
pub(super) async fn movement(
    req: &Request,
    Path(file): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let id: MovementId = parse(&file, "movement")?;
        let actor = http_actor(state, req).await?;
        state
            .ops
            .movement_report(&actor, id)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "movement",
                id: id.to_string(),
            })
    }
    .await;
    respond(result, &format!("bao-cao-phong-trao-{file}"))
}

/// `GET /reports/issuers/{id}/{year}.xlsx`.
#[handler]
pub(super) async fn issuer_year(
    req: &Request,
    Path((unit, file)): Path<(String, String)>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let result = async {
        let unit: uuid::Uuid = parse(&unit, "unit")?;
        let year: i32 = parse(&file, "report")?;
        let actor = http_actor(state, req).await?;
        state
            .ops
            .issuer_year_report(&actor, UnitId(unit), year)
            .await
    }
    .await;
    respond(result, &format!("bao-cao-khen-thuong-{file}"))
}

/// `GET /decisions/{id}/recipients.xlsx` and `.csv`: a decision's recipients with their cash.
async fn recipients(req: &Request, id: &str, state: &AppState, csv: bool) -> Response {
    let result = async {
        let id: laurel_domain::ids::DecisionId = parse(id, "decision")?;
        let actor = http_actor(state, req).await?;
        let (decision, lines) = state
            .ops
            .decision_recipient_lines(&actor, id)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "decision",
                id: id.to_string(),
            })?;
        let sheet = crate::ops::Ops::recipients_sheet(&decision, lines);
        let bytes = if csv {
            laurel_sheets::recipients_csv(&sheet)
        } else {
            laurel_sheets::recipients_xlsx(&sheet)
        }
        .map_err(|e| OpsError::internal(e.to_string()))?;
        Ok::<_, OpsError>((decision, bytes))
    }
    .await;
    match result {
        Ok((decision, bytes)) => {
            let (content_type, extension) = if csv {
                ("text/csv; charset=utf-8", "csv")
            } else {
                (XLSX, "xlsx")
            };
            Response::builder()
                .content_type(content_type)
                .header(header::CACHE_CONTROL, "private, no-store")
                .header(
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"danh-sach-{}-{}.{extension}\"",
                        decision.year, decision.number.seq
                    ),
                )
                .body(bytes)
        }
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /decisions/{id}/recipients.xlsx`.
#[handler]
pub(super) async fn recipients_xlsx(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    recipients(req, &id, state, false).await
}

/// `GET /decisions/{id}/recipients.csv`.
#[handler]
pub(super) async fn recipients_csv(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    recipients(req, &id, state, true).await
}

/// `GET /imports/template.xlsx`: the template to fill for `importNominations`, listing the
/// units the caller may propose for.
#[handler]
pub(super) async fn import_template(req: &Request, Data(state): Data<&Arc<AppState>>) -> Response {
    let result = async {
        let actor = http_actor(state, req).await?;
        state.ops.import_template(&actor).await
    }
    .await;
    match result {
        Ok(bytes) => Response::builder()
            .content_type(XLSX)
            .header(header::CACHE_CONTROL, "private, no-store")
            .header(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mau-nhap-de-nghi-khen-thuong.xlsx\"",
            )
            .body(bytes),
        Err(e) => ops_error_response(&e),
    }
}
