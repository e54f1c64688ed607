//! Emulation clusters: one row each (members and scoring sheet as JSON), and their score
//! entries, append-only (triggers refuse changes, and new entries once the ranking is
//! published). Every write bumps the cluster's version, so a score and the publication of the
//! ranking serialize on the cluster's row on both databases.

use laurel_domain::cluster::{Cluster, ClusterKind, Criterion, ScoreEntry, ScoreParty, Standing};
use laurel_domain::ids::{AccountId, ClusterId, UnitId};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::corrupt;
use crate::entity::{cluster, cluster_score};
use crate::sealed::Conn;
use crate::{StoreError, WriteTx};

fn record(m: cluster::Model) -> Result<Cluster, StoreError> {
    let members: Vec<Uuid> = serde_json::from_str(&m.members)
        .map_err(|e| corrupt("cluster", m.id, format!("members: {e}")))?;
    let criteria: Vec<Criterion> = serde_json::from_str(&m.criteria)
        .map_err(|e| corrupt("cluster", m.id, format!("criteria: {e}")))?;
    Ok(Cluster {
        id: ClusterId(m.id),
        kind: m
            .kind
            .parse::<ClusterKind>()
            .map_err(|()| corrupt("cluster", m.id, format!("kind {}", m.kind)))?,
        name: m.name,
        year: m.year,
        organiser: UnitId(m.organiser_unit_id),
        head: UnitId(m.head_unit_id),
        members: members.into_iter().map(UnitId).collect(),
        criteria,
        published_on: m.published_on,
        version: m.version,
    })
}

fn entry(m: cluster_score::Model) -> Result<ScoreEntry, StoreError> {
    Ok(ScoreEntry {
        member: UnitId(m.member_unit_id),
        party: m
            .party
            .parse::<ScoreParty>()
            .map_err(|()| corrupt("cluster_score", m.id, format!("party {}", m.party)))?,
        points: u32::try_from(m.points)
            .map_err(|_| corrupt("cluster_score", m.id, "negative points"))?,
        criterion: m.criterion,
        note: m.note,
        by: AccountId(m.account_id),
        at: m.at,
    })
}

/// Reads of clusters, on the pool and in transactions alike.
#[allow(async_fn_in_trait)] // implemented only by Store and WriteTx; callers know the concrete type
pub trait ReadClusters: Conn {
    /// A cluster by id.
    async fn cluster(&self, id: ClusterId) -> Result<Option<Cluster>, StoreError> {
        cluster::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(record)
            .transpose()
    }

    /// Every cluster, latest year first. Organisers set up a few a year: the caller filters
    /// what an actor may see.
    async fn clusters(&self) -> Result<Vec<Cluster>, StoreError> {
        cluster::Entity::find()
            .order_by_desc(cluster::Column::Year)
            .order_by_asc(cluster::Column::Name)
            .order_by_asc(cluster::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(record)
            .collect()
    }

    /// A cluster's score entries, in the order they were made.
    async fn cluster_scores(&self, id: ClusterId) -> Result<Vec<ScoreEntry>, StoreError> {
        cluster_score::Entity::find()
            .filter(cluster_score::Column::ClusterId.eq(id.0))
            .order_by_asc(cluster_score::Column::Seq)
            .all(self.conn())
            .await?
            .into_iter()
            .map(entry)
            .collect()
    }

    /// The score entries of several clusters, in one statement, each cluster's in order.
    async fn cluster_scores_of(
        &self,
        ids: &[ClusterId],
    ) -> Result<std::collections::BTreeMap<ClusterId, Vec<ScoreEntry>>, StoreError> {
        let mut out: std::collections::BTreeMap<ClusterId, Vec<ScoreEntry>> =
            ids.iter().map(|id| (*id, Vec::new())).collect();
        let rows = cluster_score::Entity::find()
            .filter(cluster_score::Column::ClusterId.is_in(ids.iter().map(|i| i.0)))
            .order_by_asc(cluster_score::Column::ClusterId)
            .order_by_asc(cluster_score::Column::Seq)
            .all(self.conn())
            .await?;
        for row in rows {
            let id = ClusterId(row.cluster_id);
            out.entry(id).or_default().push(entry(row)?);
        }
        Ok(out)
    }

    /// The published rankings of several clusters (those published), in one statement.
    async fn published_rankings(
        &self,
        ids: &[ClusterId],
    ) -> Result<std::collections::BTreeMap<ClusterId, Vec<Standing>>, StoreError> {
        let rows = cluster::Entity::find()
            .filter(cluster::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .filter(cluster::Column::Ranking.is_not_null())
            .all(self.conn())
            .await?;
        let mut out = std::collections::BTreeMap::new();
        for row in rows {
            if let Some(r) = &row.ranking {
                let ranking: Vec<Standing> = serde_json::from_str(r)
                    .map_err(|e| corrupt("cluster", row.id, format!("ranking: {e}")))?;
                out.insert(ClusterId(row.id), ranking);
            }
        }
        Ok(out)
    }

    /// The ranking as published (frozen), if it was.
    async fn published_ranking(&self, id: ClusterId) -> Result<Option<Vec<Standing>>, StoreError> {
        let Some(row) = cluster::Entity::find_by_id(id.0).one(self.conn()).await? else {
            return Ok(None);
        };
        row.ranking
            .map(|r| {
                serde_json::from_str(&r)
                    .map_err(|e| corrupt("cluster", row.id, format!("ranking: {e}")))
            })
            .transpose()
    }
}

impl ReadClusters for crate::Store {}
impl ReadClusters for WriteTx {}

impl WriteTx {
    /// A cluster, its row locked until the transaction ends (PostgreSQL; SQLite's write
    /// transaction holds the database): scores and the publication of one cluster serialize.
    pub async fn lock_cluster(&self, id: ClusterId) -> Result<Option<Cluster>, StoreError> {
        cluster::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&self.tx)
            .await?
            .map(record)
            .transpose()
    }

    /// Stores a cluster just set up.
    pub async fn insert_cluster(
        &self,
        c: &Cluster,
        at: OffsetDateTime,
        by: AccountId,
    ) -> Result<(), StoreError> {
        let members: Vec<Uuid> = c.members.iter().map(|u| u.0).collect();
        cluster::Entity::insert(cluster::ActiveModel {
            id: Set(c.id.0),
            name: Set(c.name.clone()),
            kind: Set(c.kind.code().to_owned()),
            year: Set(c.year),
            organiser_unit_id: Set(c.organiser.0),
            head_unit_id: Set(c.head.0),
            members: Set(serde_json::json!(members).to_string()),
            criteria: Set(serde_json::to_string(&c.criteria)
                .map_err(|e| corrupt("cluster", c.id.0, format!("criteria: {e}")))?),
            published_on: Set(None),
            published_by: Set(None),
            ranking: Set(None),
            version: Set(c.version),
            created_at: Set(at),
            created_by: Set(by.0),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// The new version when one row was updated from `expected`; else the cluster moved on
    /// (or was published) meanwhile: `Conflict`, with the version it has.
    async fn cluster_moved_on(
        &self,
        id: ClusterId,
        expected: i32,
        rows_affected: u64,
    ) -> Result<i32, StoreError> {
        if rows_affected == 1 {
            return Ok(expected + 1);
        }
        let actual = cluster::Entity::find_by_id(id.0)
            .one(&self.tx)
            .await?
            .map_or(0, |c| c.version);
        Err(StoreError::Conflict {
            entity: "cluster",
            id: id.to_string(),
            expected,
            actual,
        })
    }

    /// Bumps the version of a cluster still open, from `expected`; `Conflict` when it moved
    /// on or was published meanwhile.
    async fn bump_cluster(&self, id: ClusterId, expected: i32) -> Result<i32, StoreError> {
        let updated = cluster::Entity::update_many()
            .col_expr(cluster::Column::Version, Expr::value(expected + 1))
            .filter(cluster::Column::Id.eq(id.0))
            .filter(cluster::Column::Version.eq(expected))
            .filter(cluster::Column::PublishedOn.is_null())
            .exec(&self.tx)
            .await?;
        self.cluster_moved_on(id, expected, updated.rows_affected)
            .await
    }

    /// Adds a score entry to a cluster at version `expected` (checked by the caller against
    /// the entries read in this transaction); returns the cluster's new version.
    pub async fn insert_cluster_score(
        &self,
        id: ClusterId,
        expected: i32,
        e: &ScoreEntry,
        row: Uuid,
    ) -> Result<i32, StoreError> {
        let version = self.bump_cluster(id, expected).await?;
        cluster_score::Entity::insert(cluster_score::ActiveModel {
            id: Set(row),
            cluster_id: Set(id.0),
            seq: Set(i64::from(version)),
            member_unit_id: Set(e.member.0),
            criterion: Set(e.criterion.clone()),
            points: Set(i32::try_from(e.points).unwrap_or(i32::MAX)),
            party: Set(e.party.code().to_owned()),
            note: Set(e.note.clone()),
            account_id: Set(e.by.0),
            at: Set(e.at),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(version)
    }

    /// Publishes a cluster's ranking at version `expected`: frozen from now on.
    pub async fn publish_cluster(
        &self,
        id: ClusterId,
        expected: i32,
        ranking: &[Standing],
        on: Date,
        by: AccountId,
    ) -> Result<i32, StoreError> {
        let ranking = serde_json::to_string(ranking)
            .map_err(|e| corrupt("cluster", id.0, format!("ranking: {e}")))?;
        let updated = cluster::Entity::update_many()
            .col_expr(cluster::Column::Version, Expr::value(expected + 1))
            .col_expr(cluster::Column::PublishedOn, Expr::value(on))
            .col_expr(cluster::Column::PublishedBy, Expr::value(by.0))
            .col_expr(cluster::Column::Ranking, Expr::value(ranking))
            .filter(cluster::Column::Id.eq(id.0))
            .filter(cluster::Column::Version.eq(expected))
            .filter(cluster::Column::PublishedOn.is_null())
            .exec(&self.tx)
            .await?;
        self.cluster_moved_on(id, expected, updated.rows_affected)
            .await
    }
}
