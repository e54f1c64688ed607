//! Emulation movements: one row each, its participants and offerings as JSON arrays.

use laurel_domain::award::{AwardKind, RecipientKind};
use laurel_domain::ids::{AccountId, MovementId, UnitId};
use laurel_domain::movement::Movement;
use laurel_domain::nomination::NominationState;
use laurel_domain::report::ReportLine;
use laurel_domain::rules::CommendationKind;
use laurel_domain::workflow::{WorkflowRef, Workflows};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::{code, corrupt};
use crate::entity::movement;
use crate::sealed::Conn;
use crate::{StoreError, WriteTx};

fn record(m: movement::Model) -> Result<Movement, StoreError> {
    let participants: Vec<Uuid> = serde_json::from_str(&m.participants)
        .map_err(|e| corrupt("movement", m.id, format!("participants: {e}")))?;
    let offerings: Vec<String> = serde_json::from_str(&m.offerings)
        .map_err(|e| corrupt("movement", m.id, format!("offerings: {e}")))?;
    Ok(Movement {
        id: MovementId(m.id),
        launched_by: UnitId(m.launched_by_unit_id),
        kind: code::<CommendationKind>("movement", m.id, &m.kind)?,
        name: m.name,
        from_year: m.from_year,
        to_year: m.to_year,
        theme: m.theme,
        participants: participants.into_iter().map(UnitId).collect(),
        offerings: offerings
            .iter()
            .map(|o| code::<AwardKind>("movement", m.id, o))
            .collect::<Result<_, _>>()?,
        opens_on: m.opens_on,
        closes_on: m.closes_on,
    })
}

/// Reads of movements, on the pool and in transactions alike.
#[allow(async_fn_in_trait)] // implemented only by Store and WriteTx; callers know the concrete type
pub trait ReadMovements: Conn {
    /// A movement by id.
    async fn movement(&self, id: MovementId) -> Result<Option<Movement>, StoreError> {
        movement::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(record)
            .transpose()
    }

    /// Several movements, in one statement.
    async fn movements_by_ids(&self, ids: &[MovementId]) -> Result<Vec<Movement>, StoreError> {
        movement::Entity::find()
            .filter(movement::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(record)
            .collect()
    }

    /// The nominations in a report's scope, one line each (see [`ReportScope`]), with the
    /// stage of those under review as `workflows` define it.
    async fn report_lines(
        &self,
        scope: ReportScope,
        workflows: &Workflows,
    ) -> Result<Vec<ReportLine>, StoreError> {
        report_lines(self, scope, workflows).await
    }

    /// The registration of nominees outside the tree, by the ids of their people or units (one
    /// statement; ids that are not such nominees are absent).
    async fn external_nominees(
        &self,
        ids: &[Uuid],
    ) -> Result<Vec<ExternalNomineeRecord>, StoreError> {
        Ok(crate::entity::external_nominee::Entity::find()
            .filter(crate::entity::external_nominee::Column::Id.is_in(ids.iter().copied()))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| ExternalNomineeRecord {
                id: m.id,
                kind: m.kind,
                address: m.address,
                organisation: m.organisation,
                movement: MovementId(m.movement_id),
                registered_by: AccountId(m.registered_by),
                registered_at: m.registered_at,
            })
            .collect())
    }

    /// Every movement, latest period first. Organisations launch a few a year: the caller
    /// filters what an actor may see.
    async fn movements(&self) -> Result<Vec<Movement>, StoreError> {
        movement::Entity::find()
            .order_by_desc(movement::Column::ToYear)
            .order_by_desc(movement::Column::OpensOn)
            .order_by_asc(movement::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(record)
            .collect()
    }
}

/// A nominee outside the administrative tree: the person or unit it is, where it is, and the
/// movement it was registered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalNomineeRecord {
    /// The person's or the unit's id.
    pub id: Uuid,
    /// "PERSON" or "COLLECTIVE".
    pub kind: String,
    /// Its address (nơi cư trú, địa chỉ).
    pub address: String,
    /// Its organisation (cơ quan, tổ chức, doanh nghiệp, trường học), if any.
    pub organisation: Option<String>,
    /// The movement.
    pub movement: MovementId,
    /// Who registered it.
    pub registered_by: AccountId,
    /// When.
    pub registered_at: OffsetDateTime,
}

impl ReadMovements for crate::Store {}
impl ReadMovements for WriteTx {}

impl WriteTx {
    /// Records that a person or unit just made is a nominee outside the tree.
    pub async fn insert_external_nominee(
        &self,
        r: &ExternalNomineeRecord,
    ) -> Result<(), StoreError> {
        self.insert_external_nominees(std::slice::from_ref(r)).await
    }

    /// Records that people or units just made are nominees outside the tree, a few hundred
    /// to a statement.
    pub async fn insert_external_nominees(
        &self,
        records: &[ExternalNomineeRecord],
    ) -> Result<(), StoreError> {
        for chunk in records.chunks(crate::write::ROWS_PER_INSERT) {
            crate::entity::external_nominee::Entity::insert_many(chunk.iter().map(|r| {
                crate::entity::external_nominee::ActiveModel {
                    id: Set(r.id),
                    kind: Set(r.kind.clone()),
                    address: Set(r.address.clone()),
                    organisation: Set(r.organisation.clone()),
                    movement_id: Set(r.movement.0),
                    registered_by: Set(r.registered_by.0),
                    registered_at: Set(r.registered_at),
                }
            }))
            .exec_without_returning(&self.tx)
            .await?;
        }
        Ok(())
    }

    /// Stores a movement just launched.
    pub async fn insert_movement(
        &self,
        m: &Movement,
        at: OffsetDateTime,
        by: AccountId,
    ) -> Result<(), StoreError> {
        let participants: Vec<Uuid> = m.participants.iter().map(|u| u.0).collect();
        let offerings: Vec<&str> = m.offerings.iter().map(|a| a.code()).collect();
        movement::Entity::insert(movement::ActiveModel {
            id: Set(m.id.0),
            launched_by_unit_id: Set(m.launched_by.0),
            name: Set(m.name.clone()),
            kind: Set(m.kind.code().to_owned()),
            from_year: Set(m.from_year),
            to_year: Set(m.to_year),
            theme: Set(m.theme.clone()),
            participants: Set(serde_json::json!(participants).to_string()),
            offerings: Set(serde_json::json!(offerings).to_string()),
            opens_on: Set(m.opens_on),
            closes_on: Set(m.closes_on),
            launched_at: Set(at),
            launched_by: Set(by.0),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }
}

/// Which nominations a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// Those made in a movement.
    Movement(MovementId),
    /// Those of an issuer for a year (the year the achievements belong to).
    IssuerYear(UnitId, i32),
}

/// The nominations in a report's scope, one line each, with the cash of those decided: one
/// statement for the nominations and one per thousand decided for their cash.
async fn report_lines<C: Conn + ?Sized>(
    conn: &C,
    scope: ReportScope,
    workflows: &Workflows,
) -> Result<Vec<ReportLine>, StoreError> {
    use crate::entity::{decision_recipient, nomination};
    let query = nomination::Entity::find()
        .select_only()
        .column(nomination::Column::Id)
        .column(nomination::Column::IssuerUnitId)
        .column(nomination::Column::AwardKind)
        .column(nomination::Column::NomineeKind)
        .column(nomination::Column::State)
        .column(nomination::Column::WorkflowId)
        .column(nomination::Column::WorkflowVersion)
        .column(nomination::Column::Stage);
    let query = match scope {
        ReportScope::Movement(m) => query.filter(nomination::Column::MovementId.eq(m.0)),
        ReportScope::IssuerYear(issuer, year) => query
            .filter(nomination::Column::IssuerUnitId.eq(issuer.0))
            .filter(nomination::Column::Period.eq(year)),
    };
    type Row = (Uuid, Uuid, String, String, String, String, i32, i32);
    let rows: Vec<Row> = query
        .order_by_asc(nomination::Column::Id)
        .into_tuple()
        .all(conn.conn())
        .await?;
    let mut lines = Vec::with_capacity(rows.len());
    let mut decided = Vec::new();
    for (id, issuer, award, nominee_kind, state, workflow, version, stage) in rows {
        let state = code::<NominationState>("nomination", id, &state)?;
        if state == NominationState::Decided {
            decided.push(id);
        }
        // The stage of one under review, as its pinned workflow names it.
        let stage = if state == NominationState::Submitted {
            let pin = WorkflowRef {
                id: workflow,
                version: u32::try_from(version).unwrap_or_default(),
            };
            let index = usize::try_from(stage).unwrap_or_default();
            workflows
                .get(&pin)
                .and_then(|wf| wf.stages().get(index))
                .map(|s| s.kind)
        } else {
            None
        };
        lines.push((
            id,
            ReportLine {
                issuer: UnitId(issuer),
                award: code::<AwardKind>("nomination", id, &award)?,
                recipient: if nominee_kind == "COLLECTIVE" {
                    RecipientKind::Collective
                } else {
                    RecipientKind::Individual
                },
                state,
                stage,
                amount_vnd: None,
            },
        ));
    }
    let mut amounts = std::collections::HashMap::new();
    for chunk in decided.chunks(1000) {
        let found: Vec<(Uuid, i64)> = decision_recipient::Entity::find()
            .select_only()
            .column(decision_recipient::Column::NominationId)
            .column(decision_recipient::Column::AmountVnd)
            .filter(decision_recipient::Column::NominationId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn.conn())
            .await?;
        amounts.extend(found);
    }
    Ok(lines
        .into_iter()
        .map(|(id, mut line)| {
            line.amount_vnd = amounts.get(&id).copied();
            line
        })
        .collect())
}
