//! Emulation movements in GraphQL: `launchMovement`, `movements`, `movement(id)`, and each
//! nomination's `movement`. Thin: each field parses its input and calls one operation.

use async_graphql::{Context, ID, InputObject, Object, Result};
use laurel_domain::calendar::local_date;
use laurel_domain::ids::MovementId;
use laurel_domain::movement::Movement;
use time::Date;

use super::enums::{AwardKindCode, CommendationKind};
use super::types::{UnitNode, unit};
use super::{actor, now, ops, parse_id};
use crate::ops::LaunchMovement;

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

    /// One movement, if you see it.
    async fn movement(&self, ctx: &Context<'_>, id: ID) -> Result<Option<MovementNode>> {
        let actor = actor(ctx)?;
        let id: MovementId = parse_id("id", &id)?;
        Ok(ops(ctx)?.movement(actor, id).await?.map(MovementNode))
    }
}

/// Movement mutations.
#[derive(Debug, Default)]
pub struct MovementMutation;

#[Object]
impl MovementMutation {
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
