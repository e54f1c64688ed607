//! Report downloads: a movement's or an issuer's year as an XLSX workbook (bearer token; the
//! same visibility as the GraphQL reports).

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
