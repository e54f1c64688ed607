//! Report and export downloads: a movement's or an issuer's year as an XLSX workbook, and a
//! decision's recipients as XLSX or CSV (bearer token; the same visibility as the GraphQL
//! reports and decisions).

use std::sync::Arc;

use laurel_domain::ids::{MovementId, UnitId};
use poem::http::header;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};

use super::{AppState, http_actor, ops_error_response};
use crate::error::OpsError;
use crate::ops::AwardReport;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn parse<T: std::str::FromStr>(file: &str, entity: &'static str) -> Result<T, OpsError> {
    file.strip_suffix(".xlsx")
        .or_else(|| file.strip_suffix(".csv"))
        .unwrap_or(file)
        .parse()
        .map_err(|_| OpsError::NotFound {
            entity,
            id: file.to_owned(),
        })
}

fn respond(result: Result<AwardReport, OpsError>, filename: &str) -> Response {
    let csv = filename.ends_with(".csv");
    match result.and_then(|report| if csv { report.csv() } else { report.xlsx() }) {
        Ok(bytes) => Response::builder()
            .content_type(if csv { "text/csv; charset=utf-8" } else { XLSX })
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

/// The filter of a nominations export, as the query string gives it (the codes of GraphQL's
/// `NominationFilterInput`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportFilter {
    state: Option<String>,
    issuer_unit_id: Option<String>,
    proposing_unit_id: Option<String>,
    period: Option<i32>,
    award_kind: Option<String>,
}

impl ExportFilter {
    fn store_filter(&self) -> Result<laurel_store::NominationFilter, OpsError> {
        let malformed = |field: &'static str, vi: &'static str, en: &'static str| {
            OpsError::invalid(laurel_domain::text::InvalidInput::Malformed {
                field,
                expected_vi: vi,
                expected_en: en,
            })
        };
        Ok(laurel_store::NominationFilter {
            within: None,
            state: self
                .state
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .transpose()
                .map_err(|_| {
                    malformed(
                        "state",
                        "mã trạng thái, ví dụ SUBMITTED",
                        "a state code, e.g. SUBMITTED",
                    )
                })?,
            issuer: self
                .issuer_unit_id
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().map(UnitId))
                .transpose()
                .map_err(|_| malformed("issuerUnitId", "mã đơn vị (UUID)", "a unit id (UUID)"))?,
            proposed_within: self
                .proposing_unit_id
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().map(UnitId))
                .transpose()
                .map_err(|_| {
                    malformed("proposingUnitId", "mã đơn vị (UUID)", "a unit id (UUID)")
                })?,
            period: self
                .period
                .map(laurel_domain::nomination::Period::new)
                .transpose()
                .map_err(OpsError::invalid)?,
            award: self
                .award_kind
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .transpose()
                .map_err(|_| {
                    malformed(
                        "awardKind",
                        "mã hình thức khen thưởng, ví dụ GIAY_KHEN",
                        "an award code, e.g. GIAY_KHEN",
                    )
                })?,
            proposal: None,
        })
    }
}

/// `GET /exports/nominations.xlsx` and `.csv`: the nominations the caller reads in a filter.
#[handler]
pub(super) async fn nominations_export(
    req: &Request,
    Path(file): Path<String>,
    Query(filter): Query<ExportFilter>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let csv = match file.as_str() {
        "nominations.xlsx" => false,
        "nominations.csv" => true,
        _ => {
            return ops_error_response(&OpsError::NotFound {
                entity: "export",
                id: file,
            });
        }
    };
    let result = async {
        let filter = filter.store_filter()?;
        let actor = http_actor(state, req).await?;
        let sheet = state
            .ops
            .nominations_sheet(&actor, filter, state.clock.now())
            .await?;
        if csv {
            laurel_sheets::table_csv(&sheet)
        } else {
            laurel_sheets::table_xlsx(&sheet)
        }
        .map_err(|e| OpsError::internal(e.to_string()))
    }
    .await;
    match result {
        Ok(bytes) => Response::builder()
            .content_type(if csv { "text/csv; charset=utf-8" } else { XLSX })
            .header(header::CACHE_CONTROL, "private, no-store")
            .header(
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"danh-sach-de-nghi.{}\"",
                    if csv { "csv" } else { "xlsx" }
                ),
            )
            .body(bytes),
        Err(e) => ops_error_response(&e),
    }
}
