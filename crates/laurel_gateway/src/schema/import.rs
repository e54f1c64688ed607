//! Importing nominations from a spreadsheet in GraphQL: `importNominations`, a multipart upload
//! that reports every problem of every line (a dry run by default) or lands them all as drafts.
//! Thin: it parses its input and calls one operation.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject, Upload};
use laurel_domain::ids::{MovementId, UnitId};
use laurel_domain::import::{Finding, Severity};
use laurel_domain::message::Explain;

use super::review::ProposalNode;
use super::{actor, now, ops, parse_id};
use crate::ops::{ImportNominations, ImportReport};

/// A spreadsheet of nominations to check or import (GraphQL multipart request). The columns
/// are the template's (`GET /imports/template.xlsx`); see the README.
#[derive(InputObject)]
pub struct ImportNominationsInput {
    /// XLSX, XLS, ODS or CSV (UTF-8, with or without a BOM, or Windows-1258).
    pub file: Upload,
    /// The unit proposing them all: every line's unit lies within it.
    pub proposing_unit_id: ID,
    /// The movement they are made in.
    pub movement_id: Option<ID>,
    /// Only check and report (the default); false imports when nothing is wrong.
    #[graphql(default = true)]
    pub dry_run: bool,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ImportSeverity {
    /// Nothing is imported until it is mended.
    Error,
    /// Said for the record; the file imports.
    Notice,
}

/// A problem of the file, a line or a cell.
#[derive(Debug, SimpleObject)]
pub struct ImportFinding {
    /// The line (1 is the first), when it concerns a line or a cell.
    pub line: Option<i32>,
    /// The column's letter in the file (A, B, …), when it has one.
    pub column: Option<String>,
    /// The template's heading of the column, when it is one of the template's.
    pub heading: Option<String>,
    pub severity: ImportSeverity,
    /// Stable: MISSING_COLUMN, UNKNOWN_AWARD, BAD_DATE, OUT_OF_SCOPE, ALREADY_NOMINATED, …
    pub code: String,
    /// In Vietnamese, with the line and column.
    pub message: String,
    pub message_en: String,
}

impl From<&Finding> for ImportFinding {
    fn from(f: &Finding) -> ImportFinding {
        ImportFinding {
            line: f.line.map(|l| i32::try_from(l).unwrap_or(i32::MAX)),
            column: f.position.map(laurel_domain::import::Column::letter),
            heading: f.column.map(|c| c.heading_vi().to_owned()),
            severity: match f.problem.severity() {
                Severity::Error => ImportSeverity::Error,
                Severity::Notice => ImportSeverity::Notice,
            },
            code: f.problem.code().to_owned(),
            message: f.message_vi(),
            message_en: f.message_en(),
        }
    }
}

/// What an import found and did.
#[derive(Debug)]
pub struct ImportReportNode(pub ImportReport);

#[Object(name = "ImportReport")]
impl ImportReportNode {
    /// How many lines of nominations the file has.
    async fn lines(&self) -> i32 {
        i32::try_from(self.0.lines).unwrap_or(i32::MAX)
    }
    /// How many findings stop the import.
    async fn errors(&self) -> i32 {
        i32::try_from(self.0.errors()).unwrap_or(i32::MAX)
    }
    /// Every finding, in file order.
    async fn findings(&self) -> Vec<ImportFinding> {
        self.0.findings.iter().map(ImportFinding::from).collect()
    }
    /// Whether the nominations were written (never on a dry run or with an error).
    async fn committed(&self) -> bool {
        self.0.committed
    }
    /// The nominations written, in file order.
    async fn nomination_ids(&self) -> Vec<ID> {
        self.0
            .nominations
            .iter()
            .map(|id| ID(id.to_string()))
            .collect()
    }
    /// How many people were new to Laurel and recorded.
    async fn people_created(&self) -> i32 {
        i32::try_from(self.0.people_created).unwrap_or(i32::MAX)
    }
    /// How many nominees from outside the tree (citizens, groups: the lines with an address)
    /// were registered for the movement; the citizens among them are counted in
    /// `peopleCreated` too.
    async fn nominees_registered(&self) -> i32 {
        i32::try_from(self.0.nominees_registered).unwrap_or(i32::MAX)
    }
    /// The proposals (tờ trình) the nominations were grouped in: one per issuer.
    async fn proposals(&self, ctx: &Context<'_>) -> Result<Vec<ProposalNode>> {
        let actor = actor(ctx)?;
        let mut out = Vec::with_capacity(self.0.proposals.len());
        for id in &self.0.proposals {
            if let Some(p) = ops(ctx)?.readable_proposal(actor, *id).await? {
                out.push(ProposalNode(p));
            }
        }
        Ok(out)
    }
}

#[derive(Debug, Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Checks a spreadsheet of nominations line by line and, unless `dryRun`, imports it: every
    /// line as a draft in a proposal of the proposing unit (one per issuer), the people new to
    /// Laurel recorded with their ratings and initiatives; all or nothing. Clerks of the
    /// proposing unit.
    async fn import_nominations(
        &self,
        ctx: &Context<'_>,
        input: ImportNominationsInput,
    ) -> Result<ImportReportNode> {
        let actor = actor(ctx)?;
        let proposing_unit: UnitId = parse_id("proposingUnitId", &input.proposing_unit_id)?;
        let movement: Option<MovementId> = input
            .movement_id
            .as_ref()
            .map(|id| parse_id("movementId", id))
            .transpose()?;
        let upload = super::uploaded(ctx, &input.file)?;
        let report = ops(ctx)?
            .import_nominations(
                actor,
                ImportNominations {
                    file: upload.content.to_vec(),
                    proposing_unit,
                    movement,
                    commit: !input.dry_run,
                },
                now(ctx)?,
            )
            .await?;
        Ok(ImportReportNode(report))
    }
}
