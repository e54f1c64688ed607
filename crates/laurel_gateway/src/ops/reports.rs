//! Reports: a movement's awards, or an issuer's of a year, counted and said in Vietnamese
//! sentences (see [`laurel_domain::report`]).

use std::collections::BTreeMap;

use laurel_domain::authz::{Action, Actor};
use laurel_domain::ids::{MovementId, UnitId};
use laurel_domain::org::Unit;
use laurel_domain::report::{self, Report};
use laurel_domain::workflow::Workflows;
use laurel_store::{Read, ReadMovements, ReportScope, Store};

use super::Ops;
use crate::error::OpsError;

/// A report, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardReport {
    /// What it covers, e.g. "Phong trào Toàn dân bảo vệ an ninh Tổ quốc (2022)".
    pub title: String,
    /// The counts.
    pub report: Report,
    /// The same, one sentence per issuer.
    pub sentences: Vec<String>,
    /// The sentences in English.
    pub sentences_en: Vec<String>,
    /// The issuers named, by id.
    pub issuers: BTreeMap<UnitId, Unit>,
    /// Where its workbook is downloaded (`/reports/…xlsx`, with the same bearer token).
    pub xlsx_path: String,
}

impl AwardReport {
    /// The report as a workbook's data.
    pub fn sheet(&self) -> laurel_sheets::ReportSheet {
        laurel_sheets::ReportSheet {
            title: self.title.clone(),
            sentences: self.sentences.clone(),
            rows: self
                .report
                .awards
                .iter()
                .map(|t| laurel_sheets::ReportRow {
                    issuer: self
                        .issuers
                        .get(&t.issuer)
                        .map_or_else(|| t.issuer.to_string(), Unit::issuer_title),
                    award: t.award.name_vi().to_owned(),
                    collectives: t.collectives,
                    individuals: t.individuals,
                    cash_vnd: t.cash_vnd,
                })
                .collect(),
            // Each state; under "in review", a line per stage ("trong đó: thẩm định").
            by_state: self
                .report
                .by_state
                .iter()
                .flat_map(|(state, n)| {
                    let stages: Vec<(String, u32)> =
                        if *state == laurel_domain::nomination::NominationState::Submitted {
                            self.report
                                .in_review_by_stage
                                .iter()
                                .map(|(stage, n)| (format!("trong đó: {}", stage.name_vi()), *n))
                                .collect()
                        } else {
                            Vec::new()
                        };
                    std::iter::once((state.name_vi().to_owned(), *n)).chain(stages)
                })
                .chain((self.report.annulled > 0).then(|| {
                    (
                        laurel_domain::nomination::NominationState::Annulled
                            .name_vi()
                            .to_owned(),
                        self.report.annulled,
                    )
                }))
                .collect(),
        }
    }

    /// The report as an XLSX workbook, with its chart.
    pub fn xlsx(&self) -> Result<Vec<u8>, OpsError> {
        laurel_sheets::report_xlsx(&self.sheet()).map_err(|e| OpsError::internal(e.to_string()))
    }

    /// The report's table as CSV: one line per issuer and award, then the total, then what is
    /// not awarded yet by state, those in review also by stage ("trong đó: …", already counted
    /// in their state's line; the sentences and the chart are the workbook's).
    pub fn csv(&self) -> Result<Vec<u8>, OpsError> {
        let sheet = self.sheet();
        let mut rows: Vec<Vec<String>> = sheet
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.issuer.clone(),
                    r.award.clone(),
                    r.collectives.to_string(),
                    r.individuals.to_string(),
                    r.cash_vnd.to_string(),
                ]
            })
            .collect();
        rows.push(vec![
            "Tổng cộng".into(),
            String::new(),
            sheet
                .rows
                .iter()
                .map(|r| r.collectives)
                .sum::<u32>()
                .to_string(),
            sheet
                .rows
                .iter()
                .map(|r| r.individuals)
                .sum::<u32>()
                .to_string(),
            sheet
                .rows
                .iter()
                .map(|r| r.cash_vnd)
                .sum::<i64>()
                .to_string(),
        ]);
        for (state, count) in &sheet.by_state {
            rows.push(vec![
                format!("Chưa khen thưởng: {state}"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            if let Some(last) = rows.last_mut() {
                last[1] = count.to_string();
            }
        }
        laurel_sheets::table_csv(&laurel_sheets::TableSheet {
            title: sheet.title.clone(),
            sheet_name: "Báo cáo".into(),
            columns: REPORT_CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            rows,
        })
        .map_err(|e| OpsError::internal(e.to_string()))
    }
}

/// The headings of a report's CSV, in order.
pub const REPORT_CSV_COLUMNS: [&str; 5] = [
    "Cấp khen thưởng",
    "Hình thức khen thưởng",
    "Tập thể",
    "Cá nhân",
    "Tiền thưởng (đồng)",
];

/// Where a scope's workbook is downloaded.
pub fn xlsx_path(scope: ReportScope) -> String {
    match scope {
        ReportScope::Movement(id) => format!("/reports/movements/{id}.xlsx"),
        ReportScope::IssuerYear(issuer, year) => format!("/reports/issuers/{issuer}/{year}.xlsx"),
    }
}

/// Counts the nominations in `scope` and words the result. Issuers are listed from the top of
/// the tree down (a ministry before a province before a district), then by name.
pub async fn build_report(
    (store, workflows): (&Store, &Workflows),
    scope: ReportScope,
    title: String,
) -> Result<AwardReport, OpsError> {
    let lines = store.report_lines(scope, workflows).await?;
    let mut ids: Vec<UnitId> = lines.iter().map(|l| l.issuer).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut units = store.units_by_ids(&ids).await?;
    units.sort_by(|a, b| {
        (a.path.ids().len(), &a.name, a.id).cmp(&(b.path.ids().len(), &b.name, b.id))
    });
    let order: Vec<UnitId> = units.iter().map(|u| u.id).collect();
    let issuers: BTreeMap<UnitId, Unit> = units.into_iter().map(|u| (u.id, u)).collect();
    let report = report::tally(&lines, &order);
    let title_of = |id: UnitId| {
        issuers
            .get(&id)
            .map_or_else(|| id.to_string(), Unit::issuer_title)
    };
    let sentences = report::sentences(&report, title_of);
    let sentences_en = report::sentences_en(&report, title_of);
    Ok(AwardReport {
        title,
        report,
        sentences,
        sentences_en,
        issuers,
        xlsx_path: xlsx_path(scope),
    })
}

/// A movement's title in a report: "Toàn dân bảo vệ an ninh Tổ quốc năm 2022 (2022)".
pub fn movement_title(movement: &laurel_domain::movement::Movement) -> String {
    let years = if movement.from_year == movement.to_year {
        movement.from_year.to_string()
    } else {
        format!("{}–{}", movement.from_year, movement.to_year)
    };
    if movement.name.contains(&years) {
        movement.name.clone()
    } else if movement.from_year == movement.to_year {
        format!("{} ({})", movement.name, movement.from_year)
    } else {
        format!(
            "{} ({}–{})",
            movement.name, movement.from_year, movement.to_year
        )
    }
}

/// An issuer's year in a report: "Khen thưởng năm 2022 — Giám đốc Công an tỉnh Gia Lai".
pub fn issuer_year_title(issuer: &Unit, year: i32) -> String {
    format!("Khen thưởng năm {year} — {}", issuer.issuer_title())
}

impl Ops {
    /// A movement's report, for whoever sees the movement (counts only: no names).
    pub async fn movement_report(
        &self,
        actor: &Actor,
        id: MovementId,
    ) -> Result<Option<AwardReport>, OpsError> {
        let Some(movement) = self.movement(actor, id).await? else {
            return Ok(None);
        };
        build_report(
            (&self.store, &self.workflows),
            ReportScope::Movement(id),
            movement_title(&movement),
        )
        .await
        .map(Some)
    }

    /// An issuer's report of a year, for whoever may read at the issuer.
    pub async fn issuer_year_report(
        &self,
        actor: &Actor,
        issuer: UnitId,
        year: i32,
    ) -> Result<AwardReport, OpsError> {
        let unit = self.store.require_unit(issuer).await?;
        actor.authorize(Action::Read, &unit.path)?;
        let title = issuer_year_title(&unit, year);
        build_report(
            (&self.store, &self.workflows),
            ReportScope::IssuerYear(issuer, year),
            title,
        )
        .await
    }
}
