//! Emulation clusters and blocks: setting one up, scores by members with their evidence,
//! adjustments by the cluster head and the organiser's office with their reasons, the published
//! (frozen) ranking, and the flag nomination of its leader. Every change is audited.

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::local_date;
use laurel_domain::cluster::{
    Cluster, ClusterDraft, ClusterKind, Criterion, MEMBERS_MAX, NOTE_MAX, ScoreEntry, ScoreParty,
    ScoreRefusal, Standing,
};
use laurel_domain::events::{Change, Kind, Subject};
use laurel_domain::ids::{ClusterId, UnitId};
use laurel_domain::nomination::Nominee;
use laurel_domain::text::bounded_line;
use laurel_store::{NominationRecord, Read, ReadClusters};
use serde_json::json;
use time::OffsetDateTime;

use super::{CreateNomination, Ops, by, recorded};
use crate::edge;
use crate::error::OpsError;

/// Input of [`Ops::create_cluster`], as typed.
#[derive(Debug, Clone)]
pub struct CreateCluster {
    /// Its name.
    pub name: String,
    /// Cụm or khối.
    pub kind: ClusterKind,
    /// The year scored.
    pub year: i32,
    /// The organising unit.
    pub organiser: UnitId,
    /// This year's head.
    pub head: UnitId,
    /// The members.
    pub members: Vec<UnitId>,
    /// The scoring sheet.
    pub criteria: Vec<Criterion>,
}

/// A score as typed: a member's own (with evidence) or an adjustment (with a reason).
#[derive(Debug, Clone)]
pub struct ScoreInput {
    /// The cluster.
    pub cluster: ClusterId,
    /// The member scored.
    pub member: UnitId,
    /// The criterion's code.
    pub criterion: String,
    /// The points.
    pub points: u32,
    /// Evidence or reason.
    pub note: String,
}

/// A cluster with its score entries and its ranking (the published one once frozen).
#[derive(Debug, Clone)]
pub struct ClusterView {
    /// The cluster.
    pub cluster: Cluster,
    /// Every score entry, in order.
    pub entries: Vec<ScoreEntry>,
    /// The ranking: as published, or as the scores stand.
    pub ranking: Vec<Standing>,
}

impl Ops {
    /// Sets up a cluster (the organiser's emulation clerk or signer): checked whole, stored and
    /// audited in one transaction.
    pub async fn create_cluster(
        &self,
        actor: &Actor,
        input: CreateCluster,
        now: OffsetDateTime,
    ) -> Result<Cluster, OpsError> {
        if input.members.len() > MEMBERS_MAX {
            return Err(OpsError::invalid(
                laurel_domain::text::InvalidInput::OutOfRange {
                    field: "memberUnitIds",
                    min: 2,
                    max: MEMBERS_MAX as i64,
                    actual: input.members.len() as i64,
                },
            ));
        }
        in_tx!(self, |tx| {
            let organiser = tx.require_unit(input.organiser).await?;
            actor.authorize(Action::OrganiseCluster, &organiser.path)?;
            Self::require_tree_units(tx, &[organiser.id], "organiserUnitId").await?;
            // A cluster's members score themselves: units of the tree, with people and roles.
            Self::require_tree_units(tx, &input.members, "memberUnitIds").await?;
            // One statement for the members' paths; an unknown member has no path and is
            // refused as lying outside the organiser.
            let known: std::collections::BTreeMap<UnitId, laurel_domain::org::UnitPath> = tx
                .units_by_ids(&input.members)
                .await?
                .into_iter()
                .map(|u| (u.id, u.path))
                .collect();
            let paths: Vec<laurel_domain::org::UnitPath> = input
                .members
                .iter()
                .map(|m| known.get(m).cloned().unwrap_or_default())
                .collect();
            let cluster = ClusterDraft {
                name: input.name.clone(),
                kind: input.kind,
                year: input.year,
                organiser: organiser.id,
                head: input.head,
                members: input.members.clone(),
                criteria: input.criteria.clone(),
            }
            .check(ClusterId(edge::new_id()), &paths)
            .map_err(OpsError::Invalid)?;
            let mut printable: Vec<(&'static str, Option<&str>)> =
                vec![("name", Some(cluster.name.as_str()))];
            printable.extend(
                cluster
                    .criteria
                    .iter()
                    .map(|c| ("criteria.name", Some(c.name.as_str()))),
            );
            self.printable(&printable)?;
            tx.insert_cluster(&cluster, now, actor.account).await?;
            tx.record(&recorded(
                now,
                by(actor),
                organiser.path.clone(),
                Change::new(
                    Subject::Cluster(cluster.id),
                    Kind::ClusterCreated,
                    json!({
                        "name": cluster.name,
                        "kind": cluster.kind.code(),
                        "year": cluster.year,
                        "head": cluster.head.to_string(),
                        "members": cluster.members.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "criteria": cluster.criteria,
                    }),
                ),
            ))
            .await?;
            Ok(cluster)
        })
    }

    /// A member scores itself on one criterion, with its evidence (the member's own clerk or
    /// head), while the ranking is not published and the criterion not yet adjusted.
    pub async fn score_cluster(
        &self,
        actor: &Actor,
        input: ScoreInput,
        now: OffsetDateTime,
    ) -> Result<ClusterView, OpsError> {
        self.enter_score(actor, input, false, now).await
    }

    /// The cluster head (its clerk or head) or the organiser's office adjusts a member's score,
    /// with a reason.
    pub async fn adjust_cluster_score(
        &self,
        actor: &Actor,
        input: ScoreInput,
        now: OffsetDateTime,
    ) -> Result<ClusterView, OpsError> {
        self.enter_score(actor, input, true, now).await
    }

    async fn enter_score(
        &self,
        actor: &Actor,
        input: ScoreInput,
        adjustment: bool,
        now: OffsetDateTime,
    ) -> Result<ClusterView, OpsError> {
        let field = if adjustment { "reason" } else { "evidence" };
        let input = ScoreInput {
            criterion: input.criterion.trim().to_owned(),
            ..input
        };
        let note = bounded_line(field, &input.note, NOTE_MAX)?;
        self.printable(&[(field, Some(note.as_str()))])?;
        in_tx!(self, |tx| {
            let cluster = tx
                .lock_cluster(input.cluster)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "cluster",
                    id: input.cluster.to_string(),
                })?;
            let party = if adjustment {
                let head = tx.unit_path(cluster.head).await?;
                let organiser = tx.unit_path(cluster.organiser).await?;
                match actor.authorize(Action::AdjustClusterScore, &head) {
                    Ok(()) => ScoreParty::Head,
                    Err(_) => {
                        actor.authorize(Action::AdjustClusterScore, &organiser)?;
                        ScoreParty::Office
                    }
                }
            } else {
                let member = tx.unit_path(input.member).await?;
                actor.authorize(Action::ScoreCluster, &member)?;
                ScoreParty::Member
            };
            let entries = tx.cluster_scores(cluster.id).await?;
            cluster
                .check_score(
                    &entries,
                    input.member,
                    &input.criterion,
                    input.points,
                    party,
                )
                .map_err(OpsError::Cluster)?;
            let entry = ScoreEntry {
                member: input.member,
                criterion: input.criterion.clone(),
                points: input.points,
                party,
                note: note.clone(),
                by: actor.account,
                at: now,
            };
            let version = tx
                .insert_cluster_score(cluster.id, cluster.version, &entry, edge::new_id())
                .await?;
            let previous = cluster
                .current(&entries)
                .get(&(input.member, input.criterion.as_str()))
                .map(|e| e.points);
            let organiser = tx.unit_path(cluster.organiser).await?;
            let change = Change::new(
                Subject::Cluster(cluster.id),
                if adjustment {
                    Kind::ClusterScoreAdjusted
                } else {
                    Kind::ClusterScored
                },
                json!({
                    "member": input.member.to_string(),
                    "criterion": input.criterion,
                    "points": input.points,
                    "previous": previous,
                    "party": party.code(),
                }),
            );
            let change = if adjustment {
                change.reason(Some(&note))
            } else {
                change
            };
            tx.record(&recorded(now, by(actor), organiser, change))
                .await?;
            let mut entries = entries;
            entries.push(entry);
            let cluster = Cluster { version, ..cluster };
            let ranking = cluster.ranking(&entries);
            Ok(ClusterView {
                cluster,
                entries,
                ranking,
            })
        })
    }

    /// Publishes the ranking (the organiser's emulation clerk or signer), at the version the
    /// caller saw: frozen from now on.
    pub async fn publish_cluster_ranking(
        &self,
        actor: &Actor,
        id: ClusterId,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<ClusterView, OpsError> {
        in_tx!(self, |tx| {
            let cluster = tx.lock_cluster(id).await?.ok_or(OpsError::NotFound {
                entity: "cluster",
                id: id.to_string(),
            })?;
            let organiser = tx.unit_path(cluster.organiser).await?;
            actor.authorize(Action::OrganiseCluster, &organiser)?;
            let entries = tx.cluster_scores(id).await?;
            let ranking = cluster.publish(&entries).map_err(OpsError::Cluster)?;
            if cluster.version != expected_version {
                return Err(OpsError::Conflict {
                    entity: "cluster",
                    id: id.to_string(),
                    expected: expected_version,
                    actual: cluster.version,
                });
            }
            let on = local_date(now);
            let version = tx
                .publish_cluster(id, expected_version, &ranking, on, actor.account)
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                organiser,
                Change::new(
                    Subject::Cluster(id),
                    Kind::ClusterRankingPublished,
                    json!({
                        "publishedOn": on.to_string(),
                        "ranking": ranking,
                    }),
                ),
            ))
            .await?;
            Ok(ClusterView {
                cluster: Cluster {
                    version,
                    published_on: Some(on),
                    ..cluster
                },
                entries,
                ranking,
            })
        })
    }

    /// A cluster the actor may read: those who read at the organiser or at a member.
    pub async fn cluster(
        &self,
        actor: &Actor,
        id: ClusterId,
    ) -> Result<Option<ClusterView>, OpsError> {
        let Some(cluster) = self.store.cluster(id).await? else {
            return Ok(None);
        };
        if !self.may_read_cluster(actor, &cluster).await? {
            return Ok(None);
        }
        let entries = self.store.cluster_scores(id).await?;
        let ranking = match self.store.published_ranking(id).await? {
            Some(frozen) => frozen,
            None => cluster.ranking(&entries),
        };
        Ok(Some(ClusterView {
            cluster,
            entries,
            ranking,
        }))
    }

    /// The clusters the actor may read, latest year first (two statements).
    pub async fn clusters(&self, actor: &Actor) -> Result<Vec<Cluster>, OpsError> {
        let all = self.store.clusters().await?;
        let mut units: Vec<UnitId> = all
            .iter()
            .flat_map(|c| std::iter::once(c.organiser).chain(c.members.iter().copied()))
            .collect();
        units.sort_unstable();
        units.dedup();
        let readable: std::collections::BTreeSet<UnitId> = self
            .store
            .units_by_ids(&units)
            .await?
            .into_iter()
            .filter(|u| actor.authorize(Action::Read, &u.path).is_ok())
            .map(|u| u.id)
            .collect();
        Ok(all
            .into_iter()
            .filter(|c| {
                readable.contains(&c.organiser) || c.members.iter().any(|m| readable.contains(m))
            })
            .collect())
    }

    /// The clusters the actor may read, each with its entries and ranking, latest year first:
    /// four statements however many there are.
    pub async fn cluster_views(&self, actor: &Actor) -> Result<Vec<ClusterView>, OpsError> {
        let clusters = self.clusters(actor).await?;
        let ids: Vec<ClusterId> = clusters.iter().map(|c| c.id).collect();
        let mut scores = self.store.cluster_scores_of(&ids).await?;
        let mut published = self.store.published_rankings(&ids).await?;
        Ok(clusters
            .into_iter()
            .map(|cluster| {
                let entries = scores.remove(&cluster.id).unwrap_or_default();
                let ranking = published
                    .remove(&cluster.id)
                    .unwrap_or_else(|| cluster.ranking(&entries));
                ClusterView {
                    cluster,
                    entries,
                    ranking,
                }
            })
            .collect())
    }

    async fn may_read_cluster(&self, actor: &Actor, cluster: &Cluster) -> Result<bool, OpsError> {
        let mut units = vec![cluster.organiser];
        units.extend(cluster.members.iter().copied());
        Ok(self
            .store
            .units_by_ids(&units)
            .await?
            .iter()
            .any(|u| actor.authorize(Action::Read, &u.path).is_ok()))
    }

    /// Drafts the flag nomination of a published ranking's leader, for the cluster's year,
    /// to the organiser, its citation naming the cluster, the rank and the total; drafted by
    /// someone who may draft for the leader (its clerk), as any nomination.
    pub async fn propose_cluster_leader(
        &self,
        actor: &Actor,
        id: ClusterId,
        award: AwardKind,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        let view = self.cluster(actor, id).await?.ok_or(OpsError::NotFound {
            entity: "cluster",
            id: id.to_string(),
        })?;
        let Some(published_on) = view.cluster.published_on else {
            return Err(OpsError::Cluster(ScoreRefusal::NotPublished));
        };
        let leader = Cluster::leader(&view.ranking).map_err(OpsError::Cluster)?;
        let total = view.ranking.first().map_or(0, |s| s.total);
        let achievement = format!(
            "Dẫn đầu {} năm {} (xếp thứ nhất, {} điểm; kết quả công bố ngày {})",
            view.cluster.name,
            view.cluster.year,
            total,
            laurel_domain::calendar::format_date(published_on),
        );
        self.create_nomination(
            actor,
            CreateNomination {
                nominee: Nominee::Collective(leader),
                award,
                issuer: view.cluster.organiser,
                period: view.cluster.year,
                achievement,
                kind: None,
                movement: None,
            },
            now,
        )
        .await
    }
}
