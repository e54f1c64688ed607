//! Recording facts about nominees, and assembling them for the eligibility rules.

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::fact::{BlockKind, RecognitionKind};
use laurel_domain::ids::{NominationId, PersonId, UnitId};
use laurel_domain::nomination::{NominationState, Nominee, Period, REASON_MAX, RuleViolation};
use laurel_domain::org::{SHORT_TEXT_MAX, UnitPath};
use laurel_domain::quota::Quota;
use laurel_domain::rules::{
    CommendationKind, DisciplineFact, DisciplineLevel, Eligibility, NomineeFacts, RatingFact,
    RecognitionFact, Ruleset, Scope, TaskRating, TitleFact, UsedFor, evaluate,
};
use laurel_domain::text::{InvalidInput, bounded_line, optional_line};
use laurel_store::ReadCouncil;
use laurel_store::{
    BlockRecord, DisciplineRecord, PriorAwardRecord, Read, ReadFacts, RecognitionRecord, WriteTx,
};
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

/// Longest initiative or research title.
const TITLE_MAX: usize = 500;

/// Input of [`Ops::record_recognition`].
#[derive(Debug, Clone)]
pub struct RecordRecognition {
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
    /// The award given before Laurel it already backed, if any.
    pub prior_use: Option<UsedFor>,
}

/// Input of [`Ops::record_prior_award`].
#[derive(Debug, Clone)]
pub struct RecordPriorAward {
    /// Whose.
    pub nominee: Nominee,
    /// The award.
    pub award: AwardKind,
    /// The year it was for.
    pub year: i32,
    /// Regular, đột xuất, thematic...
    pub kind: CommendationKind,
    /// The decision's number, as written.
    pub decision_reference: Option<String>,
    /// The decision's date.
    pub decided_on: Option<Date>,
}

/// Which members' nominations count as titles a collective's members hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberTitles {
    /// Decided ones.
    Decided,
    /// Decided ones and those under review or returned.
    DecidedOrUnderReview,
}

fn year(field: &'static str, year: i32) -> Result<i32, OpsError> {
    Period::new(year).map(|p| p.year()).map_err(|_| {
        OpsError::invalid(InvalidInput::OutOfRange {
            field,
            min: Period::MIN.into(),
            max: Period::MAX.into(),
            actual: year.into(),
        })
    })
}

/// The audit entry of a task rating recorded over `previous` (`imported` from a spreadsheet,
/// or one by one).
pub(crate) fn rating_recorded(
    now: OffsetDateTime,
    actor: &Actor,
    nominee: Nominee,
    year: i32,
    (previous, rating): (Option<TaskRating>, TaskRating),
    imported: bool,
) -> laurel_domain::events::Recorded {
    let mut details = json!({ "year": year });
    if imported {
        details["imported"] = json!(true);
    }
    recorded(
        now,
        by(actor),
        everywhere(),
        Change::new(
            Subject::Nominee(nominee.uuid()),
            Kind::RatingRecorded,
            details,
        )
        .states(previous.map(|p| p.code()), Some(rating.code())),
    )
}

impl Ops {
    /// The unit path a nominee belongs to (a person's unit, or the collective itself).
    pub(crate) async fn nominee_path(
        &self,
        conn: &impl Read,
        nominee: Nominee,
    ) -> Result<UnitPath, OpsError> {
        let unit = match nominee {
            Nominee::Person(id) => {
                conn.person(id)
                    .await?
                    .ok_or(OpsError::NotFound {
                        entity: "person",
                        id: id.to_string(),
                    })?
                    .unit
            }
            Nominee::Collective(unit) => unit,
        };
        Ok(conn.unit_path(unit).await?)
    }

    /// Checks, inside a transaction, that the actor may record facts about the nominee.
    async fn authorize_facts(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        nominee: Nominee,
    ) -> Result<(), OpsError> {
        let path = self.nominee_path(tx, nominee).await?;
        actor.authorize(Action::RecordFacts, &path)?;
        Ok(())
    }

    /// Records (or corrects) a nominee's task rating for a year.
    pub async fn record_rating(
        &self,
        actor: &Actor,
        nominee: Nominee,
        rating_year: i32,
        rating: TaskRating,
        now: OffsetDateTime,
    ) -> Result<RatingFact, OpsError> {
        let rating_year = year("year", rating_year)?;
        in_tx!(self, |tx| {
            self.authorize_facts(tx, actor, nominee).await?;
            let previous = tx
                .upsert_rating(
                    nominee,
                    rating_year,
                    rating,
                    actor.account,
                    now,
                    edge::new_id(),
                )
                .await?;
            tx.record(&rating_recorded(
                now,
                actor,
                nominee,
                rating_year,
                (previous, rating),
                false,
            ))
            .await?;
            Ok(RatingFact {
                year: rating_year,
                rating,
            })
        })
    }

    /// Records an initiative or a research work recognised for a nominee.
    pub async fn record_recognition(
        &self,
        actor: &Actor,
        input: RecordRecognition,
        now: OffsetDateTime,
    ) -> Result<RecognitionRecord, OpsError> {
        let title = bounded_line("title", &input.title, TITLE_MAX);
        let recognised_by = bounded_line("recognisedBy", &input.recognised_by, SHORT_TEXT_MAX * 2);
        let recognised_year = year("year", input.year);
        let (title, recognised_by, recognised_year) = match (title, recognised_by, recognised_year)
        {
            (Ok(t), Ok(r), Ok(y)) => (t, r, y),
            (t, r, y) => {
                let mut errors: Vec<InvalidInput> =
                    [t.err(), r.err()].into_iter().flatten().collect();
                if let Err(OpsError::Invalid(e)) = y {
                    errors.extend(e);
                }
                return Err(OpsError::Invalid(errors));
            }
        };
        let record = RecognitionRecord {
            id: edge::new_id(),
            nominee: input.nominee,
            kind: input.kind,
            title,
            year: recognised_year,
            scope: input.scope,
            recognised_by,
            used_by: None,
            prior_use: input.prior_use,
        };
        in_tx!(self, |tx| {
            self.authorize_facts(tx, actor, record.nominee).await?;
            tx.insert_recognition(&record, actor.account, now).await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Nominee(record.nominee.uuid()), Kind::RecognitionRecorded, json!({
                    "id": record.id,
                    "kind": record.kind.code(),
                    "scope": record.scope.code(),
                    "year": record.year,
                    "title": record.title,
                    "usedFor": record.prior_use.map(|u| json!({ "award": u.award.code(), "year": u.year })),
                }))))
            .await?;
            Ok(record.clone())
        })
    }

    /// Records a disciplinary measure.
    #[allow(clippy::too_many_arguments)] // one argument per field of the measure
    pub async fn record_discipline(
        &self,
        actor: &Actor,
        nominee: Nominee,
        level: DisciplineLevel,
        from: Date,
        to: Option<Date>,
        reference: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<DisciplineRecord, OpsError> {
        if to.is_some_and(|to| to < from) {
            return Err(OpsError::invalid(InvalidInput::Malformed {
                field: "to",
                expected_vi: "ngày kết thúc không được trước ngày bắt đầu",
                expected_en: "the end date cannot be before the start date",
            }));
        }
        let record = DisciplineRecord {
            id: edge::new_id(),
            nominee,
            level,
            from,
            to,
            reference: optional_line("reference", reference, SHORT_TEXT_MAX * 2)?,
        };
        in_tx!(self, |tx| {
            self.authorize_facts(tx, actor, nominee).await?;
            tx.insert_discipline(&record, actor.account, now).await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Nominee(nominee.uuid()), Kind::DisciplineRecorded, json!({ "id": record.id, "level": level.code(), "from": from.to_string(), "to": to.map(|d| d.to_string()) }))))
            .await?;
            Ok(record.clone())
        })
    }

    /// Records something pending that blocks awards to a nominee.
    pub async fn record_block(
        &self,
        actor: &Actor,
        nominee: Nominee,
        kind: BlockKind,
        reason: &str,
        from: Date,
        now: OffsetDateTime,
    ) -> Result<BlockRecord, OpsError> {
        let record = BlockRecord {
            id: edge::new_id(),
            nominee,
            kind,
            reason: bounded_line("reason", reason, REASON_MAX)?,
            from,
            resolved_on: None,
            version: 1,
        };
        in_tx!(self, |tx| {
            self.authorize_facts(tx, actor, nominee).await?;
            tx.insert_block(&record, actor.account, now).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Block(record.id),
                    Kind::BlockRecorded,
                    json!({ "kind": kind.code(), "nominee": nominee.uuid() }),
                )
                .states(None, Some("PENDING"))
                .reason(Some(&record.reason)),
            ))
            .await?;
            Ok(record.clone())
        })
    }

    /// Resolves a pending block (with the version the caller saw).
    pub async fn resolve_block(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i32,
        resolved_on: Date,
        now: OffsetDateTime,
    ) -> Result<BlockRecord, OpsError> {
        in_tx!(self, |tx| {
            let block = tx.block(id).await?.ok_or(OpsError::NotFound {
                entity: "block",
                id: id.to_string(),
            })?;
            self.authorize_facts(tx, actor, block.nominee).await?;
            if let Some(resolved) = block.resolved_on {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "id",
                    expected_vi: if resolved <= resolved_on {
                        "việc này đã được giải quyết trước đó"
                    } else {
                        "việc này đã được giải quyết; không thể sửa ngày giải quyết"
                    },
                    expected_en: "the block is already resolved; its resolution is not changed",
                }));
            }
            if resolved_on < block.from {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "resolvedOn",
                    expected_vi: "ngày giải quyết không được trước ngày phát sinh",
                    expected_en: "a block cannot be resolved before it began",
                }));
            }
            tx.resolve_block(id, expected_version, resolved_on).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Block(id),
                    Kind::BlockResolved,
                    json!({ "resolvedOn": resolved_on.to_string() }),
                )
                .states(Some("PENDING"), Some("RESOLVED")),
            ))
            .await?;
            tx.block(id)
                .await?
                .ok_or(OpsError::internal("block vanished"))
        })
    }

    /// Records an award given before Laurel was used (or by another body).
    pub async fn record_prior_award(
        &self,
        actor: &Actor,
        input: RecordPriorAward,
        now: OffsetDateTime,
    ) -> Result<PriorAwardRecord, OpsError> {
        if !input.award.recipients().contains(&input.nominee.kind()) {
            return Err(OpsError::Rules(vec![
                laurel_domain::nomination::RuleViolation::RecipientKindNotAccepted {
                    award: input.award,
                    kind: input.nominee.kind(),
                },
            ]));
        }
        let record = PriorAwardRecord {
            id: edge::new_id(),
            nominee: input.nominee,
            award: input.award,
            year: year("year", input.year)?,
            kind: input.kind,
            decision_reference: optional_line(
                "decisionReference",
                input.decision_reference.as_deref(),
                SHORT_TEXT_MAX * 2,
            )?,
            decided_on: input.decided_on,
        };
        in_tx!(self, |tx| {
            self.authorize_facts(tx, actor, record.nominee).await?;
            tx.insert_prior_award(&record, actor.account, now).await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Nominee(record.nominee.uuid()), Kind::PriorAwardRecorded, json!({ "id": record.id, "award": record.award.code(), "year": record.year, "kind": record.kind.code() }))))
            .await?;
            Ok(record.clone())
        })
    }

    /// Sets an issuer's quota for an award (for one period, or every period), or removes it
    /// (`quota: None`).
    pub async fn set_quota(
        &self,
        actor: &Actor,
        issuer: UnitId,
        award: AwardKind,
        period: Option<i32>,
        quota: Option<Quota>,
        now: OffsetDateTime,
    ) -> Result<(), OpsError> {
        let period = period.map(|p| year("period", p)).transpose()?;
        let describe = |q: Option<Quota>| {
            q.map(|q| {
                json!({
                    "maxCount": q.max_count,
                    "maxPercent": q.max_percent,
                    "base": q.base.map(AwardKind::code),
                })
            })
        };
        in_tx!(self, |tx| {
            let issuer_unit = self.require_tree_unit(tx, issuer, "issuerUnitId").await?;
            actor.authorize(Action::ConfigureIssuer, &issuer_unit.path)?;
            // Quota checks of this issuer wait for this change, and see it.
            tx.lock_issuer_quotas(issuer).await?;
            let previous = tx
                .set_quota(
                    issuer,
                    award,
                    period,
                    quota,
                    actor.account,
                    now,
                    edge::new_id(),
                )
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Quota(issuer),
                    if quota.is_some() {
                        Kind::QuotaSet
                    } else {
                        Kind::QuotaRemoved
                    },
                    json!({
                        "award": award.code(),
                        "period": period,
                        "quota": describe(quota),
                        "previous": describe(previous),
                    }),
                ),
            ))
            .await?;
            Ok(())
        })
    }

    /// Records (or corrects) a person's recruitment date (months worked count from it).
    pub async fn record_recruitment(
        &self,
        actor: &Actor,
        person: PersonId,
        recruited_on: Date,
        now: OffsetDateTime,
    ) -> Result<(), OpsError> {
        in_tx!(self, |tx| {
            let path = self.nominee_path(tx, Nominee::Person(person)).await?;
            actor.authorize(Action::RecordFacts, &path)?;
            let previous = tx.set_recruited_on(person, recruited_on).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Person(person),
                    Kind::RecruitmentRecorded,
                    json!({
                        "recruitedOn": recruited_on.to_string(),
                        "previous": previous.map(|d| d.to_string()),
                    }),
                ),
            ))
            .await?;
            Ok(())
        })
    }

    /// Attests a judgement criterion of a submitted nomination (the issuer's signer, until the
    /// council workflow records attestations), with its basis. The criterion must be one the
    /// nomination's ruleset leaves to judgement for this kind of nominee.
    pub async fn attest_criterion(
        &self,
        actor: &Actor,
        nomination: NominationId,
        criterion: &str,
        basis: &str,
        now: OffsetDateTime,
    ) -> Result<bool, OpsError> {
        let basis = bounded_line("basis", basis, REASON_MAX)?;
        in_tx!(self, |tx| {
            let record = tx.require_nomination(nomination).await?;
            let n = &record.nomination;
            let issuer = tx.require_unit(n.issuer).await?;
            actor.authorize(Action::AttestCriterion, &issuer.path)?;
            if tx.council_of_issuer(n.issuer).await?.is_some() {
                return Err(OpsError::Rules(vec![
                    RuleViolation::CouncilDecidesInSession,
                ]));
            }
            if !n.state().is_pending() {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "nominationId",
                    expected_vi: "một đề nghị đang xét duyệt (đã trình, chưa có quyết định)",
                    expected_en: "a nomination under review (submitted, not yet decided)",
                }));
            }
            let ruleset = self.ruleset(n.ruleset.as_deref(), n.period.year())?;
            let attestable = ruleset
                .award(n.award)
                .criteria_summary()
                .into_iter()
                .any(|c| {
                    c.id == criterion && matches!(c.rule.as_str(), "judgement" | "attested_fact")
                });
            if !attestable {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "criterionId",
                    expected_vi: "mã một tiêu chí cần thẩm định của danh hiệu/hình thức này (xem rulesets)",
                    expected_en: "the id of one of this award's judgement criteria (see rulesets)",
                }));
            }
            let added = tx
                .insert_attestation(nomination, criterion, &basis, actor.account, now)
                .await?;
            if added {
                tx.record(&recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Nomination(nomination),
                        Kind::CriterionAttested,
                        json!({ "criterion": criterion }),
                    )
                    .reason(Some(&basis)),
                ))
                .await?;
            }
            Ok(added)
        })
    }

    /// The ruleset a nomination for `period` is judged by, or why there is none.
    pub fn ruleset_for_period(&self, period: i32) -> Result<&Ruleset, OpsError> {
        self.rulesets.for_period(period).ok_or_else(|| {
            OpsError::Rules(vec![laurel_domain::nomination::RuleViolation::NoRuleset {
                period,
            }])
        })
    }

    /// The ruleset a nomination is pinned to (the period's, for a nomination drafted before
    /// rulesets existed). A pin to a ruleset Laurel no longer has is a fault, never silently
    /// replaced.
    pub fn ruleset(&self, pinned: Option<&str>, period: i32) -> Result<&Ruleset, OpsError> {
        match pinned {
            Some(id) => self.rulesets.get(id).ok_or_else(|| {
                OpsError::internal(format!("a nomination is pinned to unknown ruleset {id}"))
            }),
            None => self.ruleset_for_period(period),
        }
    }

    /// Everything the facts of one nominee are made of (see [`Ops::fact_sources`]), assembled.
    pub async fn facts_of(
        &self,
        conn: &(impl Read + ReadFacts),
        nominee: Nominee,
        period: i32,
        as_of: Date,
        excluding: Option<NominationId>,
        members: MemberTitles,
    ) -> Result<NomineeFacts, OpsError> {
        let sources = Self::fact_sources(conn, &[nominee], excluding.as_slice()).await?;
        Self::facts_from(conn, &sources, nominee, period, as_of, excluding, members).await
    }

    /// The facts of several nominees, read in nine statements whatever their number: the
    /// people (recruitment), ratings, nominations, prior awards, recognitions, discipline,
    /// blocks, and the criteria attested for `nominations`.
    pub async fn fact_sources(
        conn: &(impl Read + ReadFacts),
        nominees: &[Nominee],
        nominations: &[NominationId],
    ) -> Result<FactSources, OpsError> {
        let people: Vec<PersonId> = nominees
            .iter()
            .filter_map(|n| match n {
                Nominee::Person(p) => Some(*p),
                Nominee::Collective(_) => None,
            })
            .collect();
        let mut s = FactSources::default();
        for p in conn.persons_by_ids(&people).await? {
            s.recruited.insert(p.id, p.recruited_on);
        }
        for (n, r) in conn.ratings_of_many(nominees).await? {
            s.of(n).ratings.push(r);
        }
        for r in conn.nominations_of_nominees(nominees).await? {
            s.of(r.nomination.nominee).nominations.push(r);
        }
        for p in conn.prior_awards_of_many(nominees).await? {
            s.of(p.nominee).prior.push(p);
        }
        for r in conn.recognitions_of_many(nominees).await? {
            s.of(r.nominee).recognitions.push(r);
        }
        for d in conn.disciplines_of_many(nominees).await? {
            s.of(d.nominee).disciplines.push(d);
        }
        for b in conn.blocks_of_many(nominees).await? {
            s.of(b.nominee).blocks.push(b);
        }
        if !nominations.is_empty() {
            for (n, criterion) in conn.attestations_of_many(nominations).await? {
                s.attested.entry(n).or_default().insert(criterion);
            }
        }
        Ok(s)
    }

    /// One nominee's facts from what [`Ops::fact_sources`] read. A collective's members'
    /// facts take four more statements.
    pub async fn facts_from(
        conn: &(impl Read + ReadFacts),
        sources: &FactSources,
        nominee: Nominee,
        period: i32,
        as_of: Date,
        excluding: Option<NominationId>,
        members: MemberTitles,
    ) -> Result<NomineeFacts, OpsError> {
        let empty = NomineeSources::default();
        let src = sources.by_nominee.get(&nominee).unwrap_or(&empty);
        let mut facts = NomineeFacts::new(nominee.kind());
        if let Nominee::Person(id) = nominee {
            facts.recruited_on = sources.recruited.get(&id).copied().flatten();
        }
        facts.ratings = src.ratings.clone();
        let nominations = &src.nominations;
        for prior in &src.prior {
            facts.titles.push(TitleFact {
                award: prior.award,
                year: prior.year,
                kind: prior.kind,
            });
        }
        for record in nominations {
            let n = &record.nomination;
            if Some(n.id) == excluding {
                continue;
            }
            let fact = TitleFact {
                award: n.award,
                year: n.period.year(),
                kind: n.kind,
            };
            if n.state().holds_award() {
                facts.titles.push(fact);
            } else if n.state().is_pending() {
                facts.pending.push(fact);
            }
        }
        for recognition in &src.recognitions {
            let used_for = match recognition.used_by {
                Some(used) => nominations
                    .iter()
                    .find(|r| r.nomination.id == used)
                    .map(|r| UsedFor {
                        award: r.nomination.award,
                        year: r.nomination.period.year(),
                    }),
                None => recognition.prior_use,
            };
            let fact = RecognitionFact {
                id: Some(recognition.id.to_string()),
                year: recognition.year,
                scope: recognition.scope,
                used_for,
            };
            match recognition.kind {
                RecognitionKind::Initiative => facts.initiatives.push(fact),
                RecognitionKind::Research => facts.research.push(fact),
            }
        }
        facts.discipline = src
            .disciplines
            .iter()
            .map(|d| DisciplineFact {
                level: d.level,
                from: d.from,
                to: d.to,
            })
            .collect();
        facts.blocked = src
            .blocks
            .iter()
            .any(|b| b.from <= as_of && b.resolved_on.is_none_or(|resolved| resolved > as_of));
        if let Nominee::Collective(unit) = nominee {
            let held = match members {
                MemberTitles::Decided => NominationState::those(NominationState::holds_award),
                MemberTitles::DecidedOrUnderReview => {
                    NominationState::those(NominationState::takes_quota_place)
                }
            };
            facts.members = Some(conn.member_facts(unit, period, &held).await?);
        }
        if let Some(nomination) = excluding {
            facts.attested = sources
                .attested
                .get(&nomination)
                .cloned()
                .unwrap_or_default();
        }
        Ok(facts)
    }

    /// Checks a nominee against an award's criteria for a period, as of a date (read-only).
    pub async fn check_eligibility(
        &self,
        actor: &Actor,
        nominee: Nominee,
        award: AwardKind,
        period: i32,
        as_of: Date,
    ) -> Result<Eligibility, OpsError> {
        let period = year("period", period)?;
        let path = self.nominee_path(&self.store, nominee).await?;
        actor.authorize(Action::Read, &path)?;
        let ruleset = self.ruleset_for_period(period)?;
        let facts = self
            .facts_of(
                &self.store,
                nominee,
                period,
                as_of,
                None,
                MemberTitles::Decided,
            )
            .await?;
        Ok(evaluate(ruleset, award, period, as_of, &facts))
    }

    /// A nomination judged by its pinned ruleset, as of a date, on what is decided.
    pub async fn eligibility_of(
        &self,
        conn: &(impl Read + ReadFacts),
        nomination: &laurel_store::NominationRecord,
        as_of: Date,
    ) -> Result<Eligibility, OpsError> {
        self.judge(conn, nomination, as_of, MemberTitles::Decided)
            .await
    }

    /// A nomination judged for appraisal: a collective's members' titles still under review
    /// count, since they are decided with it or before it (signing judges again on what is
    /// decided).
    pub async fn eligibility_for_appraisal(
        &self,
        conn: &(impl Read + ReadFacts),
        nomination: &laurel_store::NominationRecord,
        as_of: Date,
    ) -> Result<Eligibility, OpsError> {
        self.judge(conn, nomination, as_of, MemberTitles::DecidedOrUnderReview)
            .await
    }

    async fn judge(
        &self,
        conn: &(impl Read + ReadFacts),
        nomination: &laurel_store::NominationRecord,
        as_of: Date,
        members: MemberTitles,
    ) -> Result<Eligibility, OpsError> {
        let n = &nomination.nomination;
        let ruleset = self.ruleset(n.ruleset.as_deref(), n.period.year())?;
        let facts = self
            .facts_of(conn, n.nominee, n.period.year(), as_of, Some(n.id), members)
            .await?;
        Ok(evaluate(ruleset, n.award, n.period.year(), as_of, &facts))
    }

    /// Several nominations judged by their pinned rulesets, as of a date, on what is decided,
    /// reading the facts of all their nominees at once (see [`Ops::fact_sources`]).
    pub async fn eligibility_of_many(
        &self,
        conn: &(impl Read + ReadFacts),
        nominations: &[laurel_store::NominationRecord],
        as_of: Date,
    ) -> Result<Vec<Eligibility>, OpsError> {
        let nominees: Vec<Nominee> = nominations.iter().map(|r| r.nomination.nominee).collect();
        let ids: Vec<NominationId> = nominations.iter().map(|r| r.nomination.id).collect();
        let sources = Self::fact_sources(conn, &nominees, &ids).await?;
        let mut out = Vec::with_capacity(nominations.len());
        for record in nominations {
            let n = &record.nomination;
            let ruleset = self.ruleset(n.ruleset.as_deref(), n.period.year())?;
            let facts = Self::facts_from(
                conn,
                &sources,
                n.nominee,
                n.period.year(),
                as_of,
                Some(n.id),
                MemberTitles::Decided,
            )
            .await?;
            out.push(evaluate(ruleset, n.award, n.period.year(), as_of, &facts));
        }
        Ok(out)
    }
}

/// The facts of several nominees as read from the database, by nominee (see
/// [`Ops::fact_sources`]).
#[derive(Debug, Default)]
pub struct FactSources {
    recruited: std::collections::HashMap<PersonId, Option<Date>>,
    by_nominee: std::collections::HashMap<Nominee, NomineeSources>,
    attested: std::collections::HashMap<NominationId, std::collections::BTreeSet<String>>,
}

#[derive(Debug, Default)]
struct NomineeSources {
    ratings: Vec<RatingFact>,
    nominations: Vec<laurel_store::NominationRecord>,
    prior: Vec<PriorAwardRecord>,
    recognitions: Vec<RecognitionRecord>,
    disciplines: Vec<DisciplineRecord>,
    blocks: Vec<BlockRecord>,
}

impl FactSources {
    fn of(&mut self, nominee: Nominee) -> &mut NomineeSources {
        self.by_nominee.entry(nominee).or_default()
    }
}
