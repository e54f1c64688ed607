//! Emulation movements in GraphQL: `launchMovement`, `movements`, `movement(id)`, and each
//! nomination's `movement`. Thin: each field parses its input and calls one operation.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use laurel_domain::calendar::local_date;
use laurel_domain::ids::MovementId;
use laurel_domain::movement::Movement;
use laurel_domain::org::Unit;
use laurel_domain::report::AwardTally;
use time::Date;

use super::enums::{AwardKindCode, CommendationKind, NominationState, StageKind};
use super::types::{UnitNode, unit};
use super::{actor, now, ops, parse_id};
use crate::ops::{AwardReport, LaunchMovement};

/// Phong trào thi đua: an emulation movement launched by a unit.
#[derive(Debug, Clone)]
pub struct MovementNode(pub Movement);

#[Object(name = "Movement")]
impl MovementNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// e.g. "Toàn dân bảo vệ an ninh Tổ quốc năm 2022".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The kind of commendation its nominations are.
    async fn kind(&self) -> CommendationKind {
        self.0.kind.into()
    }
    /// First year of its period.
    async fn from_year(&self) -> i32 {
        self.0.from_year
    }
    /// Last year of its period.
    async fn to_year(&self) -> i32 {
        self.0.to_year
    }
    /// What it is about.
    async fn theme(&self) -> Option<&str> {
        self.0.theme.as_deref()
    }
    /// The unit that launched it.
    async fn launched_by(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.launched_by).await?))
    }
    /// The participating units (each takes part with its whole subtree).
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<UnitNode>> {
        let mut out = Vec::with_capacity(self.0.participants.len());
        for id in &self.0.participants {
            out.push(UnitNode(unit(ctx, *id).await?));
        }
        Ok(out)
    }
    /// The awards it leads to; empty: any award.
    async fn offerings(&self) -> Vec<AwardKindCode> {
        self.0.offerings.iter().map(|a| (*a).into()).collect()
    }
    /// First day nominations are accepted.
    async fn opens_on(&self) -> Date {
        self.0.opens_on
    }
    /// Last day nominations are accepted.
    async fn closes_on(&self) -> Date {
        self.0.closes_on
    }
    /// Whether it accepts nominations today (Vietnam's calendar).
    async fn open(&self, ctx: &Context<'_>) -> Result<bool> {
        let today = local_date(now(ctx)?);
        Ok((self.0.opens_on..=self.0.closes_on).contains(&today))
    }
}

/// A report: awards counted by issuer and award, what is still in review, and sentences.
#[derive(Debug, Clone)]
pub struct AwardReportNode(pub AwardReport);

#[Object(name = "AwardReport")]
impl AwardReportNode {
    /// What it covers.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The awards, by issuer (top of the tree first) and award (highest first).
    async fn awards(&self) -> Vec<AwardTallyNode> {
        self.0
            .report
            .awards
            .iter()
            .map(|t| AwardTallyNode {
                tally: t.clone(),
                issuer: self.0.issuers.get(&t.issuer).cloned(),
            })
            .collect()
    }
    /// Everyone awarded.
    async fn total_recipients(&self) -> u32 {
        self.0.report.total_recipients()
    }
    /// All the cash awarded, VND.
    async fn total_cash_vnd(&self) -> i64 {
        self.0.report.total_cash_vnd()
    }
    /// Nominations not awarded, by state (drafts, in review, returned, rejected, withdrawn).
    async fn by_state(&self) -> Vec<StateCount> {
        self.0
            .report
            .by_state
            .iter()
            .map(|(state, count)| StateCount {
                state: (*state).into(),
                count: *count,
            })
            .collect()
    }
    /// The nominations in review (`SUBMITTED` in `byState`) by the stage they are at, in the
    /// order of the procedure: where the year's work stands.
    async fn in_review_by_stage(&self) -> Vec<StageCount> {
        self.0
            .report
            .in_review_by_stage
            .iter()
            .map(|(stage, count)| StageCount {
                stage: (*stage).into(),
                count: *count,
            })
            .collect()
    }
    /// Awards annulled after their decision (not counted among the awards).
    async fn annulled(&self) -> u32 {
        self.0.report.annulled
    }
    /// Where to download it as an XLSX workbook with its chart (send the same bearer token).
    async fn xlsx_url(&self) -> &str {
        &self.0.xlsx_path
    }
    /// Where to download its table as CSV (UTF-8 with a byte-order mark, for Excel).
    async fn csv_url(&self) -> String {
        self.0
            .xlsx_path
            .strip_suffix(".xlsx")
            .map_or_else(|| self.0.xlsx_path.clone(), |p| format!("{p}.csv"))
    }
    /// The awards said as the conference report says them, one sentence per issuer:
    /// "Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 18 tập thể, 7 cá nhân."
    async fn sentences(&self) -> &[String] {
        &self.0.sentences
    }
    /// The same sentences in English, the names kept as they are: "Giám đốc Công an tỉnh Gia
    /// Lai awarded Giấy khen to 18 collectives and 7 individuals."
    async fn sentences_en(&self) -> &[String] {
        &self.0.sentences_en
    }
}

/// The awards of one issuer of one kind.
#[derive(Debug, Clone)]
pub struct AwardTallyNode {
    tally: AwardTally,
    issuer: Option<Unit>,
}

#[Object(name = "AwardTally")]
impl AwardTallyNode {
    /// Who awarded.
    async fn issuer(&self) -> Option<UnitNode> {
        self.issuer.clone().map(UnitNode)
    }
    /// As written in sentences: "Giám đốc Công an tỉnh Gia Lai".
    async fn issuer_title(&self) -> Option<String> {
        self.issuer.as_ref().map(Unit::issuer_title)
    }
    async fn award_kind(&self) -> AwardKindCode {
        self.tally.award.into()
    }
    /// Tập thể.
    async fn collectives(&self) -> u32 {
        self.tally.collectives
    }
    /// Cá nhân.
    async fn individuals(&self) -> u32 {
        self.tally.individuals
    }
    /// The cash, VND.
    async fn cash_vnd(&self) -> i64 {
        self.tally.cash_vnd
    }
}

/// How many nominations are in a state.
#[derive(Debug, Clone, SimpleObject)]
pub struct StateCount {
    pub state: NominationState,
    pub count: u32,
}

/// How many nominations in review are at a stage.
#[derive(Debug, Clone, SimpleObject)]
pub struct StageCount {
    pub stage: StageKind,
    pub count: u32,
}

/// A movement to launch.
#[derive(Debug, InputObject)]
pub struct LaunchMovementInput {
    /// The launching unit (its emulation clerk or signer launches it).
    pub unit_id: ID,
    /// Its name (1-300 characters).
    pub name: String,
    /// The kind of commendation its nominations are.
    pub kind: CommendationKind,
    /// First year of its period.
    pub from_year: i32,
    /// Last year (a 5- or 10-year review spans several); the first year when absent.
    pub to_year: Option<i32>,
    /// What it is about.
    pub theme: Option<String>,
    /// Participating units within the launching unit, each with its subtree; the launching
    /// unit's whole subtree when absent.
    #[graphql(default)]
    pub participant_unit_ids: Vec<ID>,
    /// The awards it leads to; any when absent.
    #[graphql(default)]
    pub offerings: Vec<AwardKindCode>,
    /// First day nominations are accepted.
    pub opens_on: Date,
    /// Last day nominations are accepted.
    pub closes_on: Date,
}

/// Movement queries.
#[derive(Debug, Default)]
pub struct MovementQuery;

#[Object]
impl MovementQuery {
    /// The movements you see (launched at, above or below the units of your roles), latest
    /// period first.
    async fn movements(&self, ctx: &Context<'_>) -> Result<Vec<MovementNode>> {
        let actor = actor(ctx)?;
        Ok(ops(ctx)?
            .movements(actor)
            .await?
            .into_iter()
            .map(MovementNode)
            .collect())
    }

    /// A movement's report (whoever sees the movement): its awards by issuer, award and
    /// recipient kind, cash, what is still in review, and the same in sentences.
    async fn movement_report(
        &self,
        ctx: &Context<'_>,
        movement_id: ID,
    ) -> Result<Option<AwardReportNode>> {
        let actor = actor(ctx)?;
        let id: MovementId = parse_id("movementId", &movement_id)?;
        Ok(ops(ctx)?
            .movement_report(actor, id)
            .await?
            .map(AwardReportNode))
    }

    /// An issuer's report of a year (the year the achievements belong to), for whoever may
    /// read at the issuer.
    async fn award_report(
        &self,
        ctx: &Context<'_>,
        issuer_unit_id: ID,
        year: i32,
    ) -> Result<AwardReportNode> {
        let actor = actor(ctx)?;
        let issuer = parse_id("issuerUnitId", &issuer_unit_id)?;
        Ok(AwardReportNode(
            ops(ctx)?.issuer_year_report(actor, issuer, year).await?,
        ))
    }

    /// One movement, if you see it.
    async fn movement(&self, ctx: &Context<'_>, id: ID) -> Result<Option<MovementNode>> {
        let actor = actor(ctx)?;
        let id: MovementId = parse_id("id", &id)?;
        Ok(ops(ctx)?.movement(actor, id).await?.map(MovementNode))
    }
}

/// Input of `registerNominee`.
#[derive(InputObject, Debug)]
pub struct RegisterNomineeInput {
    /// The movement.
    pub movement_id: ID,
    /// The participating unit registering it (it is placed under that unit).
    pub unit_id: ID,
    /// INDIVIDUAL for a citizen, COLLECTIVE for a residential group, a self-management team,
    /// an enterprise or a school.
    pub kind: super::enums::RecipientKind,
    /// Họ và tên, or the collective's name.
    pub name: String,
    /// Nơi cư trú, địa chỉ.
    pub address: String,
    /// Cơ quan, tổ chức, if any.
    pub organisation: Option<String>,
    /// A person's role (e.g. "Tổ trưởng tổ tự quản"), or a collective's head's title (e.g.
    /// "Tổ trưởng").
    pub position: Option<String>,
}

/// Movement mutations.
#[derive(Debug, Default)]
pub struct MovementMutation;

#[Object]
impl MovementMutation {
    /// Registers a nominee outside the administrative tree for a movement (a CLERK of a
    /// participating unit, until the movement closes): a citizen, or a collective such as a
    /// residential group, with its address; no account. It is placed under the registering
    /// unit, so it is nominated like anyone there.
    async fn register_nominee(
        &self,
        ctx: &Context<'_>,
        input: RegisterNomineeInput,
    ) -> Result<super::types::NomineeNode> {
        let actor = actor(ctx)?;
        let collective = match input.kind {
            super::enums::RecipientKind::Individual => false,
            super::enums::RecipientKind::Collective => true,
            super::enums::RecipientKind::Household => {
                return Err(crate::error::OpsError::invalid(
                    laurel_domain::text::InvalidInput::Malformed {
                        field: "kind",
                        expected_vi: "INDIVIDUAL (cá nhân) hoặc COLLECTIVE (tập thể)",
                        expected_en: "INDIVIDUAL or COLLECTIVE",
                    },
                )
                .into());
            }
        };
        let registered = ops(ctx)?
            .register_nominee(
                actor,
                crate::ops::RegisterNominee {
                    movement: parse_id("movementId", &input.movement_id)?,
                    unit: parse_id("unitId", &input.unit_id)?,
                    collective,
                    name: input.name,
                    address: input.address,
                    organisation: input.organisation,
                    position: input.position,
                },
                now(ctx)?,
            )
            .await?;
        Ok(match registered {
            crate::ops::Registered::Person(p) => {
                super::types::NomineeNode::Person(super::types::PersonNode(p))
            }
            crate::ops::Registered::Unit(u) => super::types::NomineeNode::Unit(UnitNode(u)),
        })
    }

    /// Launches an emulation movement (the launching unit's CLERK or SIGNER).
    async fn launch_movement(
        &self,
        ctx: &Context<'_>,
        input: LaunchMovementInput,
    ) -> Result<MovementNode> {
        let actor = actor(ctx)?;
        let participants = input
            .participant_unit_ids
            .iter()
            .map(|id| parse_id("participantUnitIds", id))
            .collect::<Result<Vec<_>, _>>()?;
        let movement = ops(ctx)?
            .launch_movement(
                actor,
                LaunchMovement {
                    unit: parse_id("unitId", &input.unit_id)?,
                    name: input.name,
                    kind: input.kind.into(),
                    from_year: input.from_year,
                    to_year: input.to_year,
                    theme: input.theme,
                    participants,
                    offerings: input.offerings.into_iter().map(Into::into).collect(),
                    opens_on: input.opens_on,
                    closes_on: input.closes_on,
                },
                now(ctx)?,
            )
            .await?;
        Ok(MovementNode(movement))
    }
}
