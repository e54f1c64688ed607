//! Emulation clusters and blocks in GraphQL: `createCluster`, `scoreCluster`,
//! `adjustClusterScore`, `publishClusterRanking`, `proposeClusterLeader`, `clusters`,
//! `cluster(id)`. Thin: each field parses its input and calls one operation.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use laurel_domain::cluster::{Criterion, ScoreEntry, Standing};
use laurel_domain::ids::ClusterId;
use time::{Date, OffsetDateTime};

use super::enums::AwardKindCode;
use super::types::{NominationNode, UnitNode, unit};
use super::{actor, now, ops, parse_id};
use crate::ops::{ClusterView, CreateCluster, ScoreInput};

/// Cụm (units of one area) or khối (units of one sector).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::cluster::ClusterKind")]
pub enum ClusterKind {
    /// Cụm thi đua.
    Cum,
    /// Khối thi đua.
    Khoi,
}

/// Who entered a score.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::cluster::ScoreParty")]
pub enum ClusterScoreParty {
    /// The member itself, with its evidence (tự chấm).
    Member,
    /// The cluster head (cụm trưởng), with a reason.
    Head,
    /// The organiser's emulation office, with a reason.
    Office,
}

/// One line of a scoring sheet.
#[derive(SimpleObject, InputObject, Debug, Clone)]
#[graphql(input_name = "ClusterCriterionInput", name = "ClusterCriterion")]
pub struct ClusterCriterion {
    /// Short code, unique on the sheet (e.g. "1.2").
    pub code: String,
    /// What is scored.
    pub name: String,
    /// Most points a member may get for it (1–1000).
    pub max_points: u32,
    /// How many times its points count in the total (1–100).
    #[graphql(default = 1)]
    pub weight: u32,
}

impl From<ClusterCriterion> for Criterion {
    fn from(c: ClusterCriterion) -> Criterion {
        Criterion {
            code: c.code,
            name: c.name,
            max_points: c.max_points,
            weight: c.weight,
        }
    }
}

/// A member's place in the ranking.
#[derive(Debug, Clone)]
pub struct ClusterStandingNode(Standing, bool);

#[Object(name = "ClusterStanding")]
impl ClusterStandingNode {
    /// 1 for the first; equal totals share a rank.
    async fn rank(&self) -> u32 {
        self.0.rank
    }
    /// The member.
    async fn unit(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.unit).await?))
    }
    /// Σ weight × points of its current scores.
    async fn total(&self) -> u64 {
        self.0.total
    }
    /// How many criteria it has a score for.
    async fn scored(&self) -> u32 {
        self.0.scored
    }
    /// Whether it alone leads the ranking (the unit proposed for the flag).
    async fn leader(&self) -> bool {
        self.1
    }
}

/// One score as entered: never changed, superseded by a later one for its member and criterion.
#[derive(Debug, Clone)]
pub struct ClusterScoreNode(ScoreEntry);

#[Object(name = "ClusterScore")]
impl ClusterScoreNode {
    /// The member scored.
    async fn member(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.member).await?))
    }
    /// The criterion's code.
    async fn criterion_code(&self) -> &str {
        &self.0.criterion
    }
    /// The points.
    async fn points(&self) -> u32 {
        self.0.points
    }
    /// Who entered it.
    async fn party(&self) -> ClusterScoreParty {
        self.0.party.into()
    }
    /// The evidence (a member's own score) or the reason (an adjustment).
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// The account that entered it.
    async fn by_account_id(&self) -> ID {
        ID(self.0.by.to_string())
    }
    /// When.
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
}

/// Cụm, khối thi đua: units an organiser groups for a year, its scoring sheet, its scores and
/// its ranking.
#[derive(Debug, Clone)]
pub struct ClusterNode(pub ClusterView);

#[Object(name = "Cluster")]
impl ClusterNode {
    async fn id(&self) -> ID {
        ID(self.0.cluster.id.to_string())
    }
    /// e.g. "Cụm thi đua số 1".
    async fn name(&self) -> &str {
        &self.0.cluster.name
    }
    /// Cụm or khối.
    async fn kind(&self) -> ClusterKind {
        self.0.cluster.kind.into()
    }
    /// The year scored.
    async fn year(&self) -> i32 {
        self.0.cluster.year
    }
    /// The organising unit (its office adjusts and publishes; its awards are proposed).
    async fn organiser(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.cluster.organiser).await?))
    }
    /// This year's head (cụm trưởng, khối trưởng).
    async fn head(&self, ctx: &Context<'_>) -> Result<UnitNode> {
        Ok(UnitNode(unit(ctx, self.0.cluster.head).await?))
    }
    /// The members.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<UnitNode>> {
        let mut out = Vec::with_capacity(self.0.cluster.members.len());
        for id in &self.0.cluster.members {
            out.push(UnitNode(unit(ctx, *id).await?));
        }
        Ok(out)
    }
    /// The scoring sheet.
    async fn criteria(&self) -> Vec<ClusterCriterion> {
        self.0
            .cluster
            .criteria
            .iter()
            .map(|c| ClusterCriterion {
                code: c.code.clone(),
                name: c.name.clone(),
                max_points: c.max_points,
                weight: c.weight,
            })
            .collect()
    }
    /// The day its ranking was published; from then on nothing changes.
    async fn published_on(&self) -> Option<Date> {
        self.0.cluster.published_on
    }
    /// Optimistic-concurrency version (every score and the publication increment it).
    async fn version(&self) -> i32 {
        self.0.cluster.version
    }
    /// The ranking: as published, or as the scores stand now.
    async fn ranking(&self) -> Vec<ClusterStandingNode> {
        let leader = laurel_domain::cluster::Cluster::leader(&self.0.ranking).ok();
        self.0
            .ranking
            .iter()
            .map(|s| ClusterStandingNode(s.clone(), Some(s.unit) == leader))
            .collect()
    }
    /// Every score entered, oldest first (one member's with `memberUnitId`): who changed what,
    /// when and why.
    async fn scores(&self, member_unit_id: Option<ID>) -> Result<Vec<ClusterScoreNode>> {
        let member = member_unit_id
            .map(|id| parse_id("memberUnitId", &id))
            .transpose()?;
        Ok(self
            .0
            .entries
            .iter()
            .filter(|e| member.is_none_or(|m| e.member == m))
            .cloned()
            .map(ClusterScoreNode)
            .collect())
    }
}

/// Input of `createCluster`.
#[derive(InputObject, Debug)]
pub struct CreateClusterInput {
    /// e.g. "Cụm thi đua số 1 — Công an các huyện phía Tây".
    pub name: String,
    /// Cụm or khối.
    pub kind: ClusterKind,
    /// The year scored.
    pub year: i32,
    /// The organising unit (its CLERK or SIGNER sets it up).
    pub organiser_unit_id: ID,
    /// This year's head: one of the members.
    pub head_unit_id: ID,
    /// The members: units below the organiser.
    pub member_unit_ids: Vec<ID>,
    /// The scoring sheet.
    pub criteria: Vec<ClusterCriterion>,
}

/// Input of `scoreCluster`: a member's own score.
#[derive(InputObject, Debug)]
pub struct ScoreClusterInput {
    /// The cluster.
    pub cluster_id: ID,
    /// The member (your own unit).
    pub member_unit_id: ID,
    /// The criterion's code.
    pub criterion_code: String,
    /// The points (up to the criterion's maximum).
    pub points: u32,
    /// What shows it (a report, its number and date).
    pub evidence: String,
}

/// Input of `adjustClusterScore`: the head's or the office's adjustment.
#[derive(InputObject, Debug)]
pub struct AdjustClusterScoreInput {
    /// The cluster.
    pub cluster_id: ID,
    /// The member whose score changes.
    pub member_unit_id: ID,
    /// The criterion's code.
    pub criterion_code: String,
    /// The new points.
    pub points: u32,
    /// Why.
    pub reason: String,
}

/// Cluster queries.
#[derive(Debug, Default)]
pub struct ClusterQuery;

#[Object]
impl ClusterQuery {
    /// The clusters and blocks you may read (at their organiser or one of their members),
    /// latest year first.
    async fn clusters(&self, ctx: &Context<'_>) -> Result<Vec<ClusterNode>> {
        let actor = actor(ctx)?;
        Ok(ops(ctx)?
            .cluster_views(actor)
            .await?
            .into_iter()
            .map(ClusterNode)
            .collect())
    }

    /// One cluster or block, if you may read it.
    async fn cluster(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ClusterNode>> {
        let actor = actor(ctx)?;
        let id: ClusterId = parse_id("id", &id)?;
        Ok(ops(ctx)?.cluster(actor, id).await?.map(ClusterNode))
    }
}

/// Cluster mutations.
#[derive(Debug, Default)]
pub struct ClusterMutation;

#[Object]
impl ClusterMutation {
    /// Sets up a cluster or block for a year with its scoring sheet (the organiser's CLERK or
    /// SIGNER).
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        input: CreateClusterInput,
    ) -> Result<ClusterNode> {
        let actor = actor(ctx)?;
        let members = input
            .member_unit_ids
            .iter()
            .map(|id| parse_id("memberUnitIds", id))
            .collect::<Result<Vec<_>, _>>()?;
        let ops = ops(ctx)?;
        let cluster = ops
            .create_cluster(
                actor,
                CreateCluster {
                    name: input.name,
                    kind: input.kind.into(),
                    year: input.year,
                    organiser: parse_id("organiserUnitId", &input.organiser_unit_id)?,
                    head: parse_id("headUnitId", &input.head_unit_id)?,
                    members,
                    criteria: input.criteria.into_iter().map(Into::into).collect(),
                },
                now(ctx)?,
            )
            .await?;
        let ranking = cluster.ranking(&[]);
        Ok(ClusterNode(ClusterView {
            cluster,
            entries: Vec::new(),
            ranking,
        }))
    }

    /// A member scores itself on one criterion, with its evidence (the member's CLERK or
    /// UNIT_HEAD). Refused once the ranking is published, or once the head or the office has
    /// adjusted that criterion.
    async fn score_cluster(
        &self,
        ctx: &Context<'_>,
        input: ScoreClusterInput,
    ) -> Result<ClusterNode> {
        let actor = actor(ctx)?;
        let view = ops(ctx)?
            .score_cluster(
                actor,
                ScoreInput {
                    cluster: parse_id("clusterId", &input.cluster_id)?,
                    member: parse_id("memberUnitId", &input.member_unit_id)?,
                    criterion: input.criterion_code,
                    points: input.points,
                    note: input.evidence,
                },
                now(ctx)?,
            )
            .await?;
        Ok(ClusterNode(view))
    }

    /// The cluster head (its CLERK or UNIT_HEAD) or the organiser's office (CLERK or
    /// UNIT_HEAD) adjusts a member's score, with a reason. Refused once published.
    async fn adjust_cluster_score(
        &self,
        ctx: &Context<'_>,
        input: AdjustClusterScoreInput,
    ) -> Result<ClusterNode> {
        let actor = actor(ctx)?;
        let view = ops(ctx)?
            .adjust_cluster_score(
                actor,
                ScoreInput {
                    cluster: parse_id("clusterId", &input.cluster_id)?,
                    member: parse_id("memberUnitId", &input.member_unit_id)?,
                    criterion: input.criterion_code,
                    points: input.points,
                    note: input.reason,
                },
                now(ctx)?,
            )
            .await?;
        Ok(ClusterNode(view))
    }

    /// Publishes the ranking at the version you saw (the organiser's CLERK or SIGNER): frozen
    /// from now on.
    async fn publish_cluster_ranking(
        &self,
        ctx: &Context<'_>,
        cluster_id: ID,
        expected_version: i32,
    ) -> Result<ClusterNode> {
        let actor = actor(ctx)?;
        let id = parse_id("clusterId", &cluster_id)?;
        let view = ops(ctx)?
            .publish_cluster_ranking(actor, id, expected_version, now(ctx)?)
            .await?;
        Ok(ClusterNode(view))
    }

    /// Drafts the flag nomination ("Cờ đơn vị dẫn đầu phong trào thi đua") of a published
    /// ranking's leader, for the cluster's year, to its organiser, citing the ranking; by whoever
    /// may draft for the leader (its CLERK). `awardKind` defaults to the ministry/province flag.
    async fn propose_cluster_leader(
        &self,
        ctx: &Context<'_>,
        cluster_id: ID,
        #[graphql(default_with = "AwardKindCode::CoThiDuaBoTinh")] award_kind: AwardKindCode,
    ) -> Result<NominationNode> {
        let actor = actor(ctx)?;
        let id = parse_id("clusterId", &cluster_id)?;
        let record = ops(ctx)?
            .propose_cluster_leader(actor, id, award_kind.into(), now(ctx)?)
            .await?;
        Ok(NominationNode(record))
    }
}
