//! Facts about nominees (ratings, initiatives and research, discipline, blocks, prior awards),
//! quotas, and the amounts decisions give. Stored codes are the domain's stable codes.

use std::collections::BTreeMap;

use laurel_domain::award::AwardKind;
use laurel_domain::fact::{BlockKind, RecognitionKind};
use laurel_domain::ids::{AccountId, DecisionId, NominationId, PersonId, UnitId};
use laurel_domain::nomination::{NominationState, Nominee};
use laurel_domain::quota::Quota;
use laurel_domain::rules::{
    CommendationKind, DisciplineLevel, MemberFacts, RatingFact, Scope, TaskRating, UsedFor,
};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::code;
use crate::entity::{
    attestation, award_block, decision_recipient, discipline, nomination, person, prior_award,
    quota, recognition, task_rating, unit,
};
use crate::{StoreError, WriteTx, sealed::Conn};

/// An initiative or research work recognised for a nominee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognitionRecord {
    /// Identity.
    pub id: Uuid,
    /// Whose.
    pub nominee: Nominee,
    /// Initiative or research.
    pub kind: RecognitionKind,
    /// Its title.
    pub title: String,
    /// The year it was recognised.
    pub year: i32,
    /// Cơ sở, bộ/tỉnh or toàn quốc.
    pub scope: Scope,
    /// The body that recognised it.
    pub recognised_by: String,
    /// The award in Laurel it already backed, if any (it cannot back another).
    pub used_by: Option<NominationId>,
    /// The award given before Laurel (or by another body) it already backed, if any.
    pub prior_use: Option<UsedFor>,
}

/// A disciplinary measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisciplineRecord {
    /// Identity.
    pub id: Uuid,
    /// Whose.
    pub nominee: Nominee,
    /// Its level.
    pub level: DisciplineLevel,
    /// From.
    pub from: Date,
    /// Until (none: ongoing).
    pub to: Option<Date>,
    /// The decision that imposed it.
    pub reference: Option<String>,
}

/// Something pending that blocks awards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRecord {
    /// Identity.
    pub id: Uuid,
    /// Whose.
    pub nominee: Nominee,
    /// What is pending.
    pub kind: BlockKind,
    /// Why.
    pub reason: String,
    /// Since.
    pub from: Date,
    /// When it was resolved (none: still pending).
    pub resolved_on: Option<Date>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// An award given before Laurel was used (or by another body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorAwardRecord {
    /// Identity.
    pub id: Uuid,
    /// Whose.
    pub nominee: Nominee,
    /// The award.
    pub award: AwardKind,
    /// The year (period) it was for.
    pub year: i32,
    /// Regular, đột xuất, thematic...
    pub kind: CommendationKind,
    /// The decision's number, as written.
    pub decision_reference: Option<String>,
    /// The decision's date.
    pub decided_on: Option<Date>,
}

/// What a decision gives one recipient (immutable once signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecipient {
    /// The decision.
    pub decision: DecisionId,
    /// The nomination it awards.
    pub nomination: NominationId,
    /// The ruleset whose coefficient applied.
    pub ruleset: String,
    /// The coefficient, in thousandths.
    pub coefficient_thousandths: u32,
    /// The base salary on the decision date.
    pub base_salary_vnd: i64,
    /// The amount, rounded up to 10,000 VND.
    pub amount_vnd: i64,
}

/// The (kind, id) pair a nominee is stored under.
pub(crate) fn nominee_key(nominee: Nominee) -> (&'static str, Uuid) {
    (nominee.kind().code(), nominee.uuid())
}

fn nominee_from(
    entity: &'static str,
    id: Uuid,
    kind: &str,
    nominee: Uuid,
) -> Result<Nominee, StoreError> {
    match kind {
        "INDIVIDUAL" => Ok(Nominee::Person(PersonId(nominee))),
        "COLLECTIVE" => Ok(Nominee::Collective(UnitId(nominee))),
        other => Err(corrupt(entity, id, format!("nominee kind `{other}`"))),
    }
}

fn corrupt(entity: &'static str, id: impl ToString, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        entity,
        id: id.to_string(),
        detail: detail.to_string(),
    }
}

fn nominee_filter<C: ColumnTrait>(kind_col: C, id_col: C, nominee: Nominee) -> Condition {
    let (kind, id) = nominee_key(nominee);
    Condition::all().add(kind_col.eq(kind)).add(id_col.eq(id))
}

/// Rows of any of `nominees` (none: no rows).
fn nominees_filter<C: ColumnTrait + Copy>(
    kind_col: C,
    id_col: C,
    nominees: &[Nominee],
) -> Condition {
    nominees
        .iter()
        .fold(Condition::any(), |any, n| {
            any.add(nominee_filter(kind_col, id_col, *n))
        })
        .add_option((nominees.is_empty()).then(|| Expr::val(1).eq(0)))
}

pub(crate) fn period_key(period: Option<i32>) -> String {
    period.map_or_else(|| "*".to_string(), |p| p.to_string())
}

/// Reads of facts, on the pool and in transactions alike.
#[allow(async_fn_in_trait)] // implemented only by Store and WriteTx; callers know the concrete type
pub trait ReadFacts: Conn {
    /// Task ratings of a nominee, by year.
    async fn ratings_of(&self, nominee: Nominee) -> Result<Vec<RatingFact>, StoreError> {
        Ok(self
            .ratings_of_many(&[nominee])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    /// Task ratings of several nominees, by year, in one statement.
    async fn ratings_of_many(
        &self,
        nominees: &[Nominee],
    ) -> Result<Vec<(Nominee, RatingFact)>, StoreError> {
        task_rating::Entity::find()
            .filter(nominees_filter(
                task_rating::Column::NomineeKind,
                task_rating::Column::NomineeId,
                nominees,
            ))
            .order_by_asc(task_rating::Column::Year)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                Ok((
                    nominee_from("task_rating", m.id, &m.nominee_kind, m.nominee_id)?,
                    RatingFact {
                        year: m.year,
                        rating: code::<TaskRating>("task_rating", m.id, &m.rating)?,
                    },
                ))
            })
            .collect()
    }

    /// Initiatives and research of a nominee.
    async fn recognitions_of(
        &self,
        nominee: Nominee,
    ) -> Result<Vec<RecognitionRecord>, StoreError> {
        self.recognitions_of_many(&[nominee]).await
    }

    /// Initiatives and research of several nominees, in one statement.
    async fn recognitions_of_many(
        &self,
        nominees: &[Nominee],
    ) -> Result<Vec<RecognitionRecord>, StoreError> {
        recognition::Entity::find()
            .filter(nominees_filter(
                recognition::Column::NomineeKind,
                recognition::Column::NomineeId,
                nominees,
            ))
            .order_by_asc(recognition::Column::Year)
            .order_by_asc(recognition::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                Ok(RecognitionRecord {
                    nominee: nominee_from("recognition", m.id, &m.nominee_kind, m.nominee_id)?,
                    kind: m
                        .kind
                        .parse()
                        .map_err(|e| corrupt("recognition", m.id, e))?,
                    scope: code::<Scope>("recognition", m.id, &m.scope)?,
                    id: m.id,
                    title: m.title,
                    year: m.year,
                    recognised_by: m.recognised_by,
                    used_by: m.used_by_nomination_id.map(NominationId),
                    prior_use: match (m.used_for_award_kind.as_deref(), m.used_for_year) {
                        (Some(award), Some(year)) => Some(UsedFor {
                            award: code::<AwardKind>("recognition", m.id, award)?,
                            year,
                        }),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// Disciplinary measures of a nominee.
    async fn disciplines_of(&self, nominee: Nominee) -> Result<Vec<DisciplineRecord>, StoreError> {
        self.disciplines_of_many(&[nominee]).await
    }

    /// Disciplinary measures of several nominees, in one statement.
    async fn disciplines_of_many(
        &self,
        nominees: &[Nominee],
    ) -> Result<Vec<DisciplineRecord>, StoreError> {
        discipline::Entity::find()
            .filter(nominees_filter(
                discipline::Column::NomineeKind,
                discipline::Column::NomineeId,
                nominees,
            ))
            .order_by_asc(discipline::Column::FromDate)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                Ok(DisciplineRecord {
                    nominee: nominee_from("discipline", m.id, &m.nominee_kind, m.nominee_id)?,
                    level: code::<DisciplineLevel>("discipline", m.id, &m.level)?,
                    id: m.id,
                    from: m.from_date,
                    to: m.to_date,
                    reference: m.reference,
                })
            })
            .collect()
    }

    /// Blocks of a nominee, pending or resolved.
    async fn blocks_of(&self, nominee: Nominee) -> Result<Vec<BlockRecord>, StoreError> {
        self.blocks_of_many(&[nominee]).await
    }

    /// Blocks of several nominees, in one statement.
    async fn blocks_of_many(&self, nominees: &[Nominee]) -> Result<Vec<BlockRecord>, StoreError> {
        award_block::Entity::find()
            .filter(nominees_filter(
                award_block::Column::NomineeKind,
                award_block::Column::NomineeId,
                nominees,
            ))
            .order_by_asc(award_block::Column::FromDate)
            .all(self.conn())
            .await?
            .into_iter()
            .map(block)
            .collect()
    }

    /// One block.
    async fn block(&self, id: Uuid) -> Result<Option<BlockRecord>, StoreError> {
        award_block::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(block)
            .transpose()
    }

    /// Awards given before Laurel, recorded for a nominee.
    async fn prior_awards_of(&self, nominee: Nominee) -> Result<Vec<PriorAwardRecord>, StoreError> {
        self.prior_awards_of_many(&[nominee]).await
    }

    /// Awards given before Laurel, of several nominees, in one statement.
    async fn prior_awards_of_many(
        &self,
        nominees: &[Nominee],
    ) -> Result<Vec<PriorAwardRecord>, StoreError> {
        prior_award::Entity::find()
            .filter(nominees_filter(
                prior_award::Column::NomineeKind,
                prior_award::Column::NomineeId,
                nominees,
            ))
            .order_by_asc(prior_award::Column::Year)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                Ok(PriorAwardRecord {
                    nominee: nominee_from("prior_award", m.id, &m.nominee_kind, m.nominee_id)?,
                    award: code::<AwardKind>("prior_award", m.id, &m.award_kind)?,
                    kind: code::<CommendationKind>("prior_award", m.id, &m.commendation_kind)?,
                    id: m.id,
                    year: m.year,
                    decision_reference: m.decision_reference,
                    decided_on: m.decided_on,
                })
            })
            .collect()
    }

    /// The quota for an issuer, award and period: the period's own, else the one for every period.
    async fn quota(
        &self,
        issuer: UnitId,
        award: AwardKind,
        period: i32,
    ) -> Result<Option<Quota>, StoreError> {
        let rows = quota::Entity::find()
            .filter(quota::Column::IssuerUnitId.eq(issuer.0))
            .filter(quota::Column::AwardKind.eq(award.code()))
            .filter(quota::Column::PeriodKey.is_in([period.to_string(), "*".to_string()]))
            .all(self.conn())
            .await?;
        let chosen = rows
            .iter()
            .find(|r| r.period_key != "*")
            .or_else(|| rows.first());
        chosen.map(quota_from).transpose()
    }

    /// The quotas an issuer has set: (award, period or `None` for every period, quota).
    async fn quotas_of(
        &self,
        issuer: UnitId,
    ) -> Result<Vec<(AwardKind, Option<i32>, Quota)>, StoreError> {
        quota::Entity::find()
            .filter(quota::Column::IssuerUnitId.eq(issuer.0))
            .order_by_asc(quota::Column::AwardKind)
            .order_by_asc(quota::Column::PeriodKey)
            .all(self.conn())
            .await?
            .iter()
            .map(|m| {
                Ok((
                    code::<AwardKind>("quota", m.id, &m.award_kind)?,
                    m.period_key.parse::<i32>().ok(),
                    quota_from(m)?,
                ))
            })
            .collect()
    }

    /// The judgement criteria attested for a nomination, by id.
    async fn attestations_of(
        &self,
        nomination: NominationId,
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        Ok(self
            .attestations_of_many(&[nomination])
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    /// The criteria attested for several nominations, in one statement.
    async fn attestations_of_many(
        &self,
        nominations: &[NominationId],
    ) -> Result<Vec<(NominationId, String)>, StoreError> {
        Ok(attestation::Entity::find()
            .filter(attestation::Column::NominationId.is_in(nominations.iter().map(|n| n.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| (NominationId(m.nomination_id), m.criterion_id))
            .collect())
    }

    /// How many nominations of an award, issuer and period are in the given states.
    async fn count_nominations(
        &self,
        issuer: UnitId,
        award: AwardKind,
        period: i32,
        states: &[NominationState],
    ) -> Result<u32, StoreError> {
        let count = nomination::Entity::find()
            .filter(nomination::Column::IssuerUnitId.eq(issuer.0))
            .filter(nomination::Column::AwardKind.eq(award.code()))
            .filter(nomination::Column::Period.eq(period))
            .filter(nomination::Column::State.is_in(states.iter().map(|s| s.code())))
            .count(self.conn())
            .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Member counts of a collective for a year, from the people recorded in its subtree. A
    /// member holds a title when a nomination for it is in one of the `held` states.
    async fn member_facts(
        &self,
        unit: UnitId,
        year: i32,
        held: &[NominationState],
    ) -> Result<MemberFacts, StoreError> {
        let members = Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(
                person::Column::UnitId.in_subquery(
                    Query::select()
                        .column(unit::Column::Id)
                        .from(unit::Entity)
                        .and_where(unit::Column::Path.like(format!("%/{unit}/%")))
                        .to_owned(),
                ),
            )
            // Citizens registered for a movement are placed under a unit, not members of it.
            .and_where(
                person::Column::Id.not_in_subquery(
                    Query::select()
                        .column(crate::entity::external_nominee::Column::Id)
                        .from(crate::entity::external_nominee::Entity)
                        .to_owned(),
                ),
            )
            .to_owned();
        let total = person::Entity::find()
            .filter(person::Column::Id.in_subquery(members.clone()))
            .count(self.conn())
            .await?;
        let completed = task_rating::Entity::find()
            .filter(task_rating::Column::NomineeKind.eq("INDIVIDUAL"))
            .filter(task_rating::Column::NomineeId.in_subquery(members.clone()))
            .filter(task_rating::Column::Year.eq(year))
            .filter(task_rating::Column::Rating.is_in(["HTXSNV", "HTTNV", "HTNV"]))
            .count(self.conn())
            .await?;
        let mut with_title: BTreeMap<AwardKind, u32> = BTreeMap::new();
        let mut holders: BTreeMap<AwardKind, std::collections::BTreeSet<Uuid>> = BTreeMap::new();
        for m in nomination::Entity::find()
            .filter(nomination::Column::NomineePersonId.in_subquery(members.clone()))
            .filter(nomination::Column::Period.eq(year))
            .filter(nomination::Column::State.is_in(held.iter().map(|s| s.code())))
            .all(self.conn())
            .await?
        {
            if let (Ok(award), Some(person)) =
                (m.award_kind.parse::<AwardKind>(), m.nominee_person_id)
            {
                holders.entry(award).or_default().insert(person);
            }
        }
        for m in prior_award::Entity::find()
            .filter(prior_award::Column::NomineeKind.eq("INDIVIDUAL"))
            .filter(prior_award::Column::NomineeId.in_subquery(members.clone()))
            .filter(prior_award::Column::Year.eq(year))
            .all(self.conn())
            .await?
        {
            if let Ok(award) = m.award_kind.parse::<AwardKind>() {
                holders.entry(award).or_default().insert(m.nominee_id);
            }
        }
        for (award, people) in holders {
            with_title.insert(award, u32::try_from(people.len()).unwrap_or(u32::MAX));
        }
        let year_start = Date::from_calendar_date(year, time::Month::January, 1)
            .map_err(|e| corrupt("discipline", year, e))?;
        let year_end = Date::from_calendar_date(year, time::Month::December, 31)
            .map_err(|e| corrupt("discipline", year, e))?;
        let disciplined: std::collections::BTreeSet<Uuid> = discipline::Entity::find()
            .filter(discipline::Column::NomineeKind.eq("INDIVIDUAL"))
            .filter(discipline::Column::NomineeId.in_subquery(members))
            .filter(discipline::Column::FromDate.lte(year_end))
            .filter(
                Condition::any()
                    .add(discipline::Column::ToDate.is_null())
                    .add(discipline::Column::ToDate.gte(year_start)),
            )
            .all(self.conn())
            .await?
            .into_iter()
            .filter(|m| {
                code::<DisciplineLevel>("discipline", m.id, &m.level)
                    .is_ok_and(|level| level >= DisciplineLevel::CanhCao)
            })
            .map(|m| m.nominee_id)
            .collect();
        let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(MemberFacts {
            total: to_u32(total),
            completed_tasks: to_u32(completed),
            with_title,
            disciplined_canh_cao_or_above: u32::try_from(disciplined.len()).unwrap_or(u32::MAX),
        })
    }

    /// What a decision gives each recipient.
    async fn decision_recipients(
        &self,
        decision: DecisionId,
    ) -> Result<Vec<DecisionRecipient>, StoreError> {
        decision_recipient::Entity::find()
            .filter(decision_recipient::Column::DecisionId.eq(decision.0))
            .order_by_asc(decision_recipient::Column::NominationId)
            .all(self.conn())
            .await?
            .into_iter()
            .map(recipient)
            .collect()
    }

    /// What a decision gave one nomination, if it was decided.
    async fn recipient_of(
        &self,
        nomination: NominationId,
    ) -> Result<Option<DecisionRecipient>, StoreError> {
        Ok(self.recipients_of_many(&[nomination]).await?.pop())
    }

    /// What decisions gave several nominations, in one statement.
    async fn recipients_of_many(
        &self,
        nominations: &[NominationId],
    ) -> Result<Vec<DecisionRecipient>, StoreError> {
        decision_recipient::Entity::find()
            .filter(decision_recipient::Column::NominationId.is_in(nominations.iter().map(|n| n.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(recipient)
            .collect()
    }
}

fn block(m: award_block::Model) -> Result<BlockRecord, StoreError> {
    Ok(BlockRecord {
        nominee: nominee_from("award_block", m.id, &m.nominee_kind, m.nominee_id)?,
        kind: m
            .kind
            .parse()
            .map_err(|e| corrupt("award_block", m.id, e))?,
        id: m.id,
        reason: m.reason,
        from: m.from_date,
        resolved_on: m.resolved_on,
        version: m.version,
    })
}

fn quota_from(m: &quota::Model) -> Result<Quota, StoreError> {
    let base = m
        .base_award_kind
        .as_deref()
        .map(|b| code::<AwardKind>("quota", m.id, b))
        .transpose()?;
    Quota::new(m.max_count, m.max_percent, base).map_err(|e| corrupt("quota", m.id, e))
}

fn recipient(m: decision_recipient::Model) -> Result<DecisionRecipient, StoreError> {
    Ok(DecisionRecipient {
        decision: DecisionId(m.decision_id),
        nomination: NominationId(m.nomination_id),
        coefficient_thousandths: u32::try_from(m.coefficient_thousandths)
            .map_err(|e| corrupt("decision_recipient", m.nomination_id, e))?,
        ruleset: m.ruleset_id,
        base_salary_vnd: m.base_salary_vnd,
        amount_vnd: m.amount_vnd,
    })
}

impl ReadFacts for crate::Store {}
impl ReadFacts for WriteTx {}

impl WriteTx {
    /// Records a nominee's task rating for a year, replacing an earlier one; returns the one
    /// replaced. An upsert on the (nominee, year) key, so two clerks recording the same year at
    /// once end with one row, the later value.
    pub async fn upsert_rating(
        &self,
        nominee: Nominee,
        year: i32,
        rating: TaskRating,
        by: AccountId,
        now: OffsetDateTime,
        row_id: Uuid,
    ) -> Result<Option<TaskRating>, StoreError> {
        let (kind, id) = nominee_key(nominee);
        let previous = task_rating::Entity::find()
            .filter(task_rating::Column::NomineeKind.eq(kind))
            .filter(task_rating::Column::NomineeId.eq(id))
            .filter(task_rating::Column::Year.eq(year))
            .one(&self.tx)
            .await?
            .map(|row| code::<TaskRating>("task_rating", row.id, &row.rating))
            .transpose()?;
        task_rating::Entity::insert(task_rating::ActiveModel {
            id: Set(row_id),
            nominee_kind: Set(kind.to_string()),
            nominee_id: Set(id),
            year: Set(year),
            rating: Set(rating.code().to_string()),
            recorded_by: Set(by.0),
            recorded_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                task_rating::Column::NomineeKind,
                task_rating::Column::NomineeId,
                task_rating::Column::Year,
            ])
            .update_columns([
                task_rating::Column::Rating,
                task_rating::Column::RecordedBy,
                task_rating::Column::RecordedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&self.tx)
        .await?;
        Ok(previous)
    }

    /// Records the ratings of nominees that have none for those years yet (people created in
    /// this transaction), several to a statement: `(row id, nominee, year, rating)`.
    pub async fn insert_ratings(
        &self,
        rows: &[(Uuid, Nominee, i32, TaskRating)],
        by: AccountId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(400) {
            task_rating::Entity::insert_many(chunk.iter().map(
                |(row_id, nominee, year, rating)| {
                    let (kind, id) = nominee_key(*nominee);
                    task_rating::ActiveModel {
                        id: Set(*row_id),
                        nominee_kind: Set(kind.to_string()),
                        nominee_id: Set(id),
                        year: Set(*year),
                        rating: Set(rating.code().to_string()),
                        recorded_by: Set(by.0),
                        recorded_at: Set(now),
                    }
                },
            ))
            .exec_without_returning(&self.tx)
            .await?;
        }
        Ok(())
    }

    /// Records an initiative or a research work.
    pub async fn insert_recognition(
        &self,
        record: &RecognitionRecord,
        by: AccountId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (kind, id) = nominee_key(record.nominee);
        recognition::Entity::insert(recognition::ActiveModel {
            id: Set(record.id),
            nominee_kind: Set(kind.to_string()),
            nominee_id: Set(id),
            kind: Set(record.kind.code().to_string()),
            title: Set(record.title.clone()),
            year: Set(record.year),
            scope: Set(record.scope.code().to_string()),
            recognised_by: Set(record.recognised_by.clone()),
            used_by_nomination_id: Set(record.used_by.map(|n| n.0)),
            used_for_award_kind: Set(record.prior_use.map(|u| u.award.code().to_string())),
            used_for_year: Set(record.prior_use.map(|u| u.year)),
            recorded_by: Set(by.0),
            recorded_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Marks recognitions as used by a decided nomination. Every one of them must still be
    /// free (or already this nomination's): if another award took one since it was read — a
    /// concurrent signing — nothing may be decided on it, and this is [`StoreError::Busy`] so the
    /// caller's transaction runs again and judges with the current facts.
    pub async fn mark_recognitions_used(
        &self,
        ids: &[Uuid],
        nomination: NominationId,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let result = recognition::Entity::update_many()
            .col_expr(
                recognition::Column::UsedByNominationId,
                Expr::val(nomination.0),
            )
            .filter(recognition::Column::Id.is_in(ids.iter().copied()))
            .filter(
                Condition::any()
                    .add(recognition::Column::UsedByNominationId.is_null())
                    .add(recognition::Column::UsedByNominationId.eq(nomination.0)),
            )
            .filter(recognition::Column::UsedForAwardKind.is_null())
            .exec(&self.tx)
            .await?;
        if usize::try_from(result.rows_affected).ok() == Some(ids.len()) {
            Ok(())
        } else {
            Err(StoreError::Busy(sea_orm::DbErr::Custom(format!(
                "{} of {} recognitions relied on by nomination {nomination} were taken by another award meanwhile",
                ids.len() as u64 - result.rows_affected,
                ids.len()
            ))))
        }
    }

    /// Records that a council (or, until the council workflow, the issuer's signer) attested a
    /// judgement criterion for a nomination; returns false when it was already attested.
    pub async fn insert_attestation(
        &self,
        nomination: NominationId,
        criterion: &str,
        basis: &str,
        by: AccountId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let inserted = attestation::Entity::insert(attestation::ActiveModel {
            nomination_id: Set(nomination.0),
            criterion_id: Set(criterion.to_string()),
            basis: Set(basis.to_string()),
            attested_by: Set(by.0),
            attested_at: Set(now),
        })
        .on_conflict_do_nothing_on([
            attestation::Column::NominationId,
            attestation::Column::CriterionId,
        ])
        .exec_without_returning(&self.tx)
        .await?;
        Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
    }

    /// Records (or corrects) a person's recruitment date; returns the one replaced.
    pub async fn set_recruited_on(
        &self,
        person: PersonId,
        recruited_on: Date,
    ) -> Result<Option<Date>, StoreError> {
        let previous = person::Entity::find_by_id(person.0)
            .one(&self.tx)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "person",
                id: person.to_string(),
            })?
            .recruited_on;
        person::Entity::update_many()
            .col_expr(person::Column::RecruitedOn, Expr::val(recruited_on))
            .col_expr(
                person::Column::Version,
                Expr::col(person::Column::Version).add(1),
            )
            .filter(person::Column::Id.eq(person.0))
            .exec(&self.tx)
            .await?;
        Ok(previous)
    }

    /// Records a disciplinary measure.
    pub async fn insert_discipline(
        &self,
        record: &DisciplineRecord,
        by: AccountId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (kind, id) = nominee_key(record.nominee);
        discipline::Entity::insert(discipline::ActiveModel {
            id: Set(record.id),
            nominee_kind: Set(kind.to_string()),
            nominee_id: Set(id),
            level: Set(record.level.code().to_string()),
            from_date: Set(record.from),
            to_date: Set(record.to),
            reference: Set(record.reference.clone()),
            recorded_by: Set(by.0),
            recorded_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Records a pending block.
    pub async fn insert_block(
        &self,
        record: &BlockRecord,
        by: AccountId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (kind, id) = nominee_key(record.nominee);
        award_block::Entity::insert(award_block::ActiveModel {
            id: Set(record.id),
            nominee_kind: Set(kind.to_string()),
            nominee_id: Set(id),
            kind: Set(record.kind.code().to_string()),
            reason: Set(record.reason.clone()),
            from_date: Set(record.from),
            resolved_on: Set(record.resolved_on),
            version: Set(record.version),
            recorded_by: Set(by.0),
            recorded_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Resolves a block if it is still at `expected_version`.
    pub async fn resolve_block(
        &self,
        id: Uuid,
        expected_version: i32,
        on: Date,
    ) -> Result<(), StoreError> {
        let result = award_block::Entity::update_many()
            .col_expr(award_block::Column::ResolvedOn, Expr::val(on))
            .col_expr(
                award_block::Column::Version,
                Expr::col(award_block::Column::Version).add(1),
            )
            .filter(award_block::Column::Id.eq(id))
            .filter(award_block::Column::Version.eq(expected_version))
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 1 {
            return Ok(());
        }
        match self.block(id).await? {
            None => Err(StoreError::NotFound {
                entity: "block",
                id: id.to_string(),
            }),
            Some(current) => Err(StoreError::Conflict {
                entity: "block",
                id: id.to_string(),
                expected: expected_version,
                actual: current.version,
            }),
        }
    }

    /// Records an award given before Laurel.
    pub async fn insert_prior_award(
        &self,
        record: &PriorAwardRecord,
        by: AccountId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (kind, id) = nominee_key(record.nominee);
        prior_award::Entity::insert(prior_award::ActiveModel {
            id: Set(record.id),
            nominee_kind: Set(kind.to_string()),
            nominee_id: Set(id),
            award_kind: Set(record.award.code().to_string()),
            year: Set(record.year),
            commendation_kind: Set(record.kind.code().to_string()),
            decision_reference: Set(record.decision_reference.clone()),
            decided_on: Set(record.decided_on),
            recorded_by: Set(by.0),
            recorded_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Sets (or replaces) the quota of an issuer, award and period (`None`: every period), or
    /// removes it (`quota: None`); returns the quota it replaced. An upsert keeps the row's
    /// identity, so a transaction waiting on it reads the new values.
    #[allow(clippy::too_many_arguments)] // one per key column, plus the value and who set it
    pub async fn set_quota(
        &self,
        issuer: UnitId,
        award: AwardKind,
        period: Option<i32>,
        quota: Option<Quota>,
        by: AccountId,
        now: OffsetDateTime,
        row_id: Uuid,
    ) -> Result<Option<Quota>, StoreError> {
        let key = period_key(period);
        let filter = || {
            Condition::all()
                .add(quota::Column::IssuerUnitId.eq(issuer.0))
                .add(quota::Column::AwardKind.eq(award.code()))
                .add(quota::Column::PeriodKey.eq(key.clone()))
        };
        let previous = quota::Entity::find()
            .filter(filter())
            .one(&self.tx)
            .await?
            .as_ref()
            .map(quota_from)
            .transpose()?;
        let Some(quota) = quota else {
            quota::Entity::delete_many()
                .filter(filter())
                .exec(&self.tx)
                .await?;
            return Ok(previous);
        };
        quota::Entity::insert(quota::ActiveModel {
            id: Set(row_id),
            issuer_unit_id: Set(issuer.0),
            award_kind: Set(award.code().to_string()),
            period_key: Set(key.clone()),
            max_count: Set(quota
                .max_count
                .map(|c| i32::try_from(c).unwrap_or(i32::MAX))),
            max_percent: Set(quota.max_percent.map(|p| i32::try_from(p).unwrap_or(100))),
            base_award_kind: Set(quota.base.map(|b| b.code().to_string())),
            version: Set(1),
            recorded_by: Set(by.0),
            recorded_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                quota::Column::IssuerUnitId,
                quota::Column::AwardKind,
                quota::Column::PeriodKey,
            ])
            .update_columns([
                quota::Column::MaxCount,
                quota::Column::MaxPercent,
                quota::Column::BaseAwardKind,
                quota::Column::RecordedBy,
                quota::Column::RecordedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&self.tx)
        .await?;
        Ok(previous)
    }

    /// Serialises everything that counts against, or changes, an issuer's quotas until commit:
    /// a lock on the issuer's unit row, which exists whether or not a quota does (PostgreSQL
    /// `FOR NO KEY UPDATE`, so rows referencing the unit can still be inserted; SQLite's write
    /// transaction already serialises).
    pub async fn lock_issuer_quotas(&self, issuer: UnitId) -> Result<(), StoreError> {
        unit::Entity::find_by_id(issuer.0)
            .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
            .one(&self.tx)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "unit",
                id: issuer.to_string(),
            })?;
        Ok(())
    }

    /// The quota in force for the award and period, if any, with the issuer's unit row locked
    /// until commit as the check needs:
    /// - a quota in force: [`WriteTx::lock_issuer_quotas`], so that the checks counting
    ///   against it run one after the other;
    /// - none: a shared lock (PostgreSQL `FOR SHARE`), so that checks of an issuer without a
    ///   quota run side by side, and a quota being set waits for them (setting one takes the
    ///   row exclusively). If a quota appears between the first read and the shared lock, the
    ///   check answers `Busy` (try again) rather than upgrade its lock, which two such checks
    ///   would deadlock on.
    pub async fn lock_quota(
        &self,
        issuer: UnitId,
        award: AwardKind,
        period: i32,
    ) -> Result<Option<Quota>, StoreError> {
        // SQLite runs one write transaction at a time (each begins IMMEDIATE): nothing can
        // change the quota or count against it meanwhile, and no row lock exists to take.
        if sea_orm::ConnectionTrait::get_database_backend(&self.tx) == sea_orm::DbBackend::Sqlite {
            return self.quota(issuer, award, period).await;
        }
        if self.quota(issuer, award, period).await?.is_some() {
            self.lock_issuer_quotas(issuer).await?;
            return self.quota(issuer, award, period).await;
        }
        unit::Entity::find_by_id(issuer.0)
            .lock_shared()
            .one(&self.tx)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "unit",
                id: issuer.to_string(),
            })?;
        match self.quota(issuer, award, period).await? {
            None => Ok(None),
            Some(_) => Err(StoreError::Busy(sea_orm::DbErr::Custom(format!(
                "a quota of {issuer} for {} {period} was set while a nomination was checked against none",
                award.code()
            )))),
        }
    }

    /// Records what a decision gives one recipient (never editable afterwards).
    pub async fn insert_decision_recipient(
        &self,
        recipient: &DecisionRecipient,
    ) -> Result<(), StoreError> {
        decision_recipient::Entity::insert(decision_recipient::ActiveModel {
            decision_id: Set(recipient.decision.0),
            nomination_id: Set(recipient.nomination.0),
            ruleset_id: Set(recipient.ruleset.clone()),
            coefficient_thousandths: Set(
                i32::try_from(recipient.coefficient_thousandths).unwrap_or(i32::MAX)
            ),
            base_salary_vnd: Set(recipient.base_salary_vnd),
            amount_vnd: Set(recipient.amount_vnd),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }
}
