//! The review workflow as operations: load the nomination, gather what the transition needs
//! (`situate`, the only IO the workflow does), call the domain's one `workflow::apply` (which
//! authorizes), save at the expected version, and record the history, the audit entries and
//! what the stage produced (an appraisal, consultations, a council outcome) in the same
//! transaction.

use std::collections::BTreeSet;

use laurel_domain::audit::Head;
use laurel_domain::authz::{Action, Actor, Authority, Denied, Role};
use laurel_domain::calendar::local_date;
use laurel_domain::council::VoteRule;
use laurel_domain::dossier::DocumentKind;
use laurel_domain::ids::{NominationId, SessionId, UnitId};
use laurel_domain::nomination::{Nomination, NominationState, RuleViolation};
use laurel_domain::org::UnitPath;
use laurel_domain::quota::QuotaExceeded;
use laurel_domain::text::{InvalidInput, bounded_line};
use laurel_domain::workdays::WorkingCalendar;
use laurel_domain::workflow::{
    self, Command, CommandKind, Consultation, Event, Refusal, Route, Situation, StageKind, Workflow,
};
use laurel_store::{
    AppraisalRecord, CommentRecord, CompletedStage, CouncilOutcomeRecord, NewHistoryEntry,
    NominationRecord, QueueScope, Read, ReadCouncil, ReadReview, StageStat, Waiting, WriteTx,
};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::{Ops, by, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, NominationEvent, Subject};

/// A command on one nomination at the version its sender saw.
#[derive(Debug, Clone)]
pub struct ActOn {
    /// The nomination.
    pub id: NominationId,
    /// The version the sender saw.
    pub expected_version: i32,
    /// What to do.
    pub command: Command,
}

/// What every command on a nomination reads before it is applied ([`Ops::gather`]).
struct Gathered {
    /// The nomination with its proposing unit's path.
    record: NominationRecord,
    /// Its issuer's path.
    issuer: UnitPath,
    /// The working days.
    calendar: WorkingCalendar,
    /// The head of the nomination's audit chain.
    head: Head,
}

/// A public comment, as typed.
#[derive(Debug, Clone)]
pub struct Comment {
    /// The commenter's name.
    pub name: String,
    /// How to reach them.
    pub contact: String,
    /// What they say.
    pub comment: String,
}

/// A nomination open for public comment, as the public sees it.
#[derive(Debug, Clone)]
pub struct PublicNotice {
    /// The nomination.
    pub record: NominationRecord,
    /// Its last day.
    pub closes_on: Date,
}

/// How each stage of an issuer kept its deadlines over a period.
#[derive(Debug, Clone)]
pub struct StageStatistics {
    /// The issuer.
    pub issuer: UnitId,
    /// First day counted.
    pub from: Date,
    /// Last day counted.
    pub until: Date,
    /// One line per stage kind completed.
    pub stages: Vec<StageStat>,
}

/// Longest commenter name and contact, in characters.
const COMMENT_FIELD_MAX: usize = 200;
/// Longest comment, in characters.
const COMMENT_MAX: usize = 4000;

impl From<Refusal> for OpsError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotAccepted(e) => OpsError::Transition(e),
            Refusal::Denied(d) => OpsError::Forbidden(d),
            Refusal::SameAccount(s) => OpsError::SeparationOfDuties(s),
            Refusal::Rules(v) => OpsError::Rules(v),
            Refusal::Invalid(v) => OpsError::Invalid(v),
        }
    }
}

impl Ops {
    /// The definition a nomination is pinned to (a pin Laurel no longer has is a fault).
    pub(crate) fn workflow_of(&self, nomination: &Nomination) -> Result<&Workflow, OpsError> {
        self.workflows.get(&nomination.workflow).ok_or_else(|| {
            OpsError::internal(format!(
                "nomination {} is pinned to unknown workflow {}",
                nomination.id, nomination.workflow
            ))
        })
    }

    /// The working days: the shipped calendar with the administrators' corrections.
    pub(crate) async fn working_calendar(
        &self,
        conn: &impl ReadReview,
    ) -> Result<WorkingCalendar, OpsError> {
        let overrides = conn.calendar_overrides().await?;
        Ok(self
            .calendar
            .with_overrides(overrides.into_iter().map(|o| (o.date, o.day))))
    }

    /// A nomination's route: its proposing unit (stored with it) up to its issuer.
    pub(crate) async fn route_of(
        &self,
        conn: &impl Read,
        record: &NominationRecord,
    ) -> Result<Route, OpsError> {
        let issuer = conn.unit_path(record.nomination.issuer).await?;
        route(record, issuer)
    }

    /// Refuses an actor who may not read the nomination: roles reaching its proposing unit
    /// (the issuer and every level up the route included), a unit asked for its opinion, or a
    /// member of a council session that has it on its agenda.
    pub(crate) async fn must_read(
        &self,
        conn: &(impl ReadReview + ReadCouncil),
        actor: &Actor,
        record: &NominationRecord,
    ) -> Result<(), OpsError> {
        if actor
            .authorize(Action::Read, &record.proposing_path)
            .is_ok()
        {
            return Ok(());
        }
        let units: Vec<UnitId> = actor.all_grants().filter_map(|g| g.unit).collect();
        if conn.consulted_any(record.nomination.id, &units).await? {
            return Ok(());
        }
        if conn
            .sits_on_council_for(record.nomination.id, actor.account)
            .await?
        {
            return Ok(());
        }
        Err(OpsError::Forbidden(Denied::action(
            Action::Read,
            Some(record.nomination.proposing_unit),
        )))
    }

    /// One command on one nomination, in its own transaction.
    pub async fn act(
        &self,
        actor: &Actor,
        on: ActOn,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        Ok(self.act_alone(actor, on, false, now).await?.0)
    }

    /// One command on one nomination in its own transaction, and, when `judge` asks for it,
    /// the nomination's eligibility as of today judged in the same transaction.
    ///
    /// What the command needs whatever it is (the nomination with its issuer's path, the
    /// caller's right to read it, the working calendar, the head of its audit chain) is read
    /// before the write transaction begins, on the readers' pool: on SQLite the one writer is
    /// then held for the update and the rows it appends (and what the command itself must read
    /// under the lock: a quota, a dossier, an eligibility), not for those reads too. Nothing is
    /// weakened: the update is on the version read, and the audit row on the head read (the
    /// chain's unique index), so a nomination or a chain that moved meanwhile is a `CONFLICT`
    /// or a retry from the reads (as PostgreSQL's read-committed transactions saw it already).
    /// The write transaction itself runs in a write group on SQLite's writer thread
    /// ([`laurel_store::Store::in_write_group`]): the writer is not held waiting for a busy
    /// worker of the runtime between its statements, and the transitions queued meanwhile
    /// commit together, with one flush of the disk.
    pub(crate) async fn act_alone(
        &self,
        actor: &Actor,
        on: ActOn,
        judge: bool,
        now: OffsetDateTime,
    ) -> Result<(NominationRecord, Option<laurel_domain::rules::Eligibility>), OpsError> {
        let mut attempt: u32 = 1;
        loop {
            let result: Result<_, OpsError> = async {
                let gathered = self.gather(&self.store, actor, &on).await?;
                let (ops, actor, on) = (self.clone(), actor.clone(), on.clone());
                // Boxed: a transition's future is large, and moved unboxed from this future
                // into the writer thread's task it took several copies of the stack (a
                // debug build's worker overflowed its 2 MiB).
                let write = move |tx: WriteTx| {
                    Box::pin(async move {
                        let record = ops
                            .act_gathered(&tx, &actor, on, gathered, None, now)
                            .await?;
                        // Judged in the same transaction when asked for: then, if it cannot
                        // be judged, nothing was done.
                        let eligibility = if judge {
                            Some(ops.eligibility_of(&tx, &record, local_date(now)).await?)
                        } else {
                            None
                        };
                        tx.commit().await?;
                        Ok::<_, OpsError>((record, eligibility))
                    })
                };
                self.store.in_write_group(write).await
            }
            .await;
            match result {
                Err(OpsError::Busy(detail)) if attempt < super::ATTEMPTS => {
                    tracing::debug!(attempt, %detail, "transient database failure; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt)))
                        .await;
                    attempt += 1;
                }
                other => break other,
            }
        }
    }

    /// One command on one nomination inside an open transaction: load, situate, apply, save,
    /// record. Returns the nomination as saved.
    pub(crate) async fn act_in(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        on: ActOn,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        self.act_in_council(tx, actor, on, None, now).await
    }

    /// [`Ops::act_in`], for a council session's outcome: the vote rule its item was voted under
    /// and the session. Without one, a council outcome is a hand-recorded one, refused when the
    /// issuer's council sits in Laurel.
    pub(crate) async fn act_in_council(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        on: ActOn,
        council: Option<(&VoteRule, SessionId)>,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        let gathered = self.gather(tx, actor, &on).await?;
        self.act_gathered(tx, actor, on, gathered, council, now)
            .await
    }

    /// What every command on a nomination reads first ([`Gathered`]), refusing a caller who
    /// may not read it and a version other than the one the caller saw.
    async fn gather(
        &self,
        conn: &(impl Read + ReadReview + ReadCouncil),
        actor: &Actor,
        on: &ActOn,
    ) -> Result<Gathered, OpsError> {
        let (record, issuer) = conn.require_nomination_and_issuer(on.id).await?;
        self.must_read(conn, actor, &record).await?;
        let actual = record.nomination.version();
        if actual != on.expected_version {
            return Err(OpsError::Conflict {
                entity: "nomination",
                id: on.id.to_string(),
                expected: on.expected_version,
                actual,
            });
        }
        let calendar = self.working_calendar(conn).await?;
        let head = conn.audit_chain_head("nomination", on.id.0).await?;
        Ok(Gathered {
            record,
            issuer,
            calendar,
            head,
        })
    }

    /// Situates, applies, saves and records a command on what [`Ops::gather`] read.
    async fn act_gathered(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        on: ActOn,
        gathered: Gathered,
        council: Option<(&VoteRule, SessionId)>,
        now: OffsetDateTime,
    ) -> Result<NominationRecord, OpsError> {
        let Gathered {
            record,
            issuer,
            calendar,
            mut head,
        } = gathered;
        let current = &record.nomination;
        let wf = self.workflow_of(current)?;
        let today = local_date(now);
        let route = route(&record, issuer)?;
        let ruleset = self.ruleset(current.ruleset.as_deref(), current.period.year())?;
        let rule = ruleset.award(current.award);
        let kind = on.command.kind();

        // Only what this command needs is read.
        let dossier: BTreeSet<DocumentKind> = match kind {
            CommandKind::Receive | CommandKind::Appraise => {
                tx.dossier_kinds(current.id, current.proposal).await?
            }
            _ => BTreeSet::new(),
        };
        let eligibility = match kind {
            CommandKind::Appraise => {
                Some(self.eligibility_for_appraisal(tx, &record, today).await?)
            }
            _ => None,
        };
        let quota = match kind {
            CommandKind::Submit => self.quota_exceeded(tx, current, 1).await?,
            CommandKind::Appraise => self.quota_exceeded(tx, current, 0).await?,
            _ => None,
        };
        let consultations = match kind {
            CommandKind::RequestOpinions
            | CommandKind::GiveOpinion
            | CommandKind::CloseConsultation => consultations(tx, current.id).await?,
            _ => Vec::new(),
        };
        if kind == CommandKind::RecordCouncil
            && council.is_none()
            && tx.council_of_issuer(current.issuer).await?.is_some()
        {
            return Err(OpsError::Rules(vec![
                RuleViolation::CouncilDecidesInSession,
            ]));
        }
        let vote_rule = match council {
            Some((rule, _)) => rule.clone(),
            None => VoteRule::of(&rule.council),
        };
        let situation = Situation {
            today,
            calendar: &calendar,
            route: &route,
            rule,
            dossier: &dossier,
            eligibility: eligibility.as_ref(),
            quota: quota.as_ref(),
            consultations: &consultations,
            vote_rule: Some(&vote_rule),
        };
        let transition = workflow::apply(wf, current, actor, on.command, &situation)?;

        let waiting = waiting(wf, &transition.next, &route);
        let version = tx
            .update_nomination(&transition.next, on.expected_version, waiting, now)
            .await?;
        let next = transition.next.saved_at(version);
        for event in &transition.events {
            match event {
                Event::Appraised { verdict, notes } => {
                    let eligibility = eligibility
                        .as_ref()
                        .map_or(serde_json::Value::Null, |e| e.to_json());
                    tx.insert_appraisal(
                        current.id,
                        &AppraisalRecord {
                            at: now,
                            by: actor.account,
                            verdict: *verdict,
                            notes: notes.clone(),
                            eligibility,
                        },
                    )
                    .await?;
                }
                Event::OpinionsRequested { units, due_on } => {
                    tx.insert_consultations(current.id, units, today, *due_on, actor.account)
                        .await?;
                }
                Event::OpinionGiven {
                    unit,
                    verdict,
                    text,
                } => {
                    tx.answer_consultation(current.id, *unit, today, *verdict, text, actor.account)
                        .await?;
                }
                Event::CouncilApproved { tally } | Event::CouncilRefused { tally } => {
                    tx.insert_council_outcome(
                        current.id,
                        &CouncilOutcomeRecord {
                            at: now,
                            by: actor.account,
                            tally: *tally,
                            approved: matches!(event, Event::CouncilApproved { .. }),
                            rule: format!(
                                "{} ({} {})",
                                vote_rule.describe_en(),
                                vote_rule.confidence.code(),
                                vote_rule.source
                            ),
                            session: council.map(|(_, session)| session),
                        },
                    )
                    .await?;
                }
                _ => {}
            }
        }
        self.record_transition(
            tx,
            actor,
            transition.authority,
            wf,
            current,
            &next,
            &transition.events,
            &calendar,
            &record.proposing_path,
            &mut head,
            now,
        )
        .await?;
        Ok(NominationRecord {
            nomination: next,
            ..record
        })
    }

    /// Whether adding `adding` more nominations like this one would exceed the issuer's quota
    /// (under the issuer's quota lock); places are taken by nominations under review, returned
    /// or decided.
    pub(crate) async fn quota_exceeded(
        &self,
        tx: &WriteTx,
        nomination: &Nomination,
        adding: u32,
    ) -> Result<Option<QuotaExceeded>, OpsError> {
        let counted = NominationState::those(NominationState::takes_quota_place);
        self.quota_exceeded_among(tx, nomination, adding, &counted)
            .await
    }

    /// Appends the history and the audit entries of a transition.
    #[allow(clippy::too_many_arguments)] // the transition's parts, each used
    pub(crate) async fn record_transition(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        authority: Authority,
        wf: &Workflow,
        before: &Nomination,
        after: &Nomination,
        events: &[Event],
        calendar: &WorkingCalendar,
        scope: &UnitPath,
        head: &mut Head,
        now: OffsetDateTime,
    ) -> Result<(), OpsError> {
        let today = local_date(now);
        let b = before.progress();
        let a = after.progress();
        let from_stage = wf.stage(b.position.stage).kind;
        let to_stage = wf.stage(a.position.stage).kind;
        let acting_for = match authority {
            Authority::Own => None,
            Authority::Acting { for_account } => Some(for_account),
        };
        let mut completion = completes(events).then(|| CompletedStage {
            stage: from_stage,
            since: b.stage_since,
            due_on: b.due_on,
            working_days: calendar
                .working_days_between(b.stage_since, today)
                .saturating_sub(b.paused_days),
        });
        for event in events {
            let reasons = event.reasons();
            let details = event_details(event, after);
            tx.append_history(NewHistoryEntry {
                nomination: before.id,
                issuer: before.issuer,
                at: now,
                actor: Some(actor.account),
                acting_for,
                event: event.name(),
                from_state: b.state,
                to_state: a.state,
                from_stage,
                to_stage,
                from_level: u32::try_from(b.position.level).unwrap_or(u32::MAX),
                to_level: u32::try_from(a.position.level).unwrap_or(u32::MAX),
                reasons: reasons.clone(),
                note: event.note().map(str::to_owned),
                details: details.clone(),
                completed: completion.take(),
            })
            .await?;
            tx.record_after(
                &recorded(
                    now,
                    by(actor),
                    scope.clone(),
                    NominationEvent::Moved {
                        id: before.id,
                        event: event.clone(),
                        before: b.clone(),
                        after: a.clone(),
                        from_stage,
                        to_stage,
                        acting_for,
                    },
                ),
                head,
            )
            .await?;
        }
        Ok(())
    }

    /// Records a public comment on a nomination in public notice (anyone; name and contact
    /// required, as the postings ask).
    pub async fn comment_on_nomination(
        &self,
        id: NominationId,
        comment: Comment,
        now: OffsetDateTime,
    ) -> Result<CommentRecord, OpsError> {
        let name = bounded_line("name", &comment.name, COMMENT_FIELD_MAX);
        let contact = bounded_line("contact", &comment.contact, COMMENT_FIELD_MAX);
        let text = bounded_line("comment", &comment.comment, COMMENT_MAX);
        let (name, contact, text) = match (name, contact, text) {
            (Ok(n), Ok(c), Ok(t)) => (n, c, t),
            (n, c, t) => {
                return Err(OpsError::Invalid(
                    [n.err(), c.err(), t.err()].into_iter().flatten().collect(),
                ));
            }
        };
        in_tx!(self, |tx| {
            let record = tx.require_nomination(id).await?;
            let wf = self.workflow_of(&record.nomination)?;
            if !workflow::accepts_comment(wf, &record.nomination, local_date(now)) {
                return Err(OpsError::Rules(vec![RuleViolation::NotInPublicNotice]));
            }
            let comment = CommentRecord {
                id: edge::new_id(),
                nomination: id,
                at: now,
                name: name.clone(),
                contact: contact.clone(),
                comment: text.clone(),
            };
            tx.insert_comment(&comment).await?;
            tx.record(&recorded(
                now,
                None,
                record.proposing_path.clone(),
                Change::new(
                    Subject::Nomination(id),
                    Kind::PublicCommentReceived,
                    json!({ "comment": comment.id }),
                ),
            ))
            .await?;
            Ok(comment.clone())
        })
    }

    /// The nominations open for public comment today, for anyone.
    pub async fn public_notices(&self, now: OffsetDateTime) -> Result<Vec<PublicNotice>, OpsError> {
        let today = local_date(now);
        let mut out = Vec::new();
        for record in self.store.nominations_in_notice(today).await? {
            let wf = self.workflow_of(&record.nomination)?;
            if workflow::accepts_comment(wf, &record.nomination, today)
                && let Some(closes_on) = record.nomination.progress().notice_closes_on
            {
                out.push(PublicNotice { record, closes_on });
            }
        }
        Ok(out)
    }

    /// What waits for the actor: overdue first, then soonest due.
    pub async fn work_queue(
        &self,
        actor: &Actor,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<NominationRecord>, OpsError> {
        Ok(self
            .store
            .work_queue(&queue_scope(actor), offset, limit)
            .await?)
    }

    /// Whether one nomination waits for the actor (is in its work queue).
    pub async fn in_work_queue(&self, actor: &Actor, id: NominationId) -> Result<bool, OpsError> {
        Ok(self.store.in_work_queue(&queue_scope(actor), id).await?)
    }

    /// How each stage of an issuer kept its deadlines between two days (inclusive), for the
    /// issuer's people.
    pub async fn stage_statistics(
        &self,
        actor: &Actor,
        issuer: UnitId,
        from: Date,
        until: Date,
    ) -> Result<StageStatistics, OpsError> {
        if until < from {
            return Err(OpsError::invalid(InvalidInput::Refused {
                field: "until",
                why_vi: "Ngày cuối phải không trước ngày đầu",
                why_en: "The last day must not be before the first",
            }));
        }
        let path = self.store.unit_path(issuer).await?;
        actor.authorize(Action::Read, &path)?;
        let start = from
            .midnight()
            .assume_offset(laurel_domain::calendar::VIETNAM);
        let end = until
            .next_day()
            .unwrap_or(until)
            .midnight()
            .assume_offset(laurel_domain::calendar::VIETNAM);
        let stages = self.store.stage_statistics(issuer, start, end).await?;
        Ok(StageStatistics {
            issuer,
            from,
            until,
            stages,
        })
    }

    /// The commands the actor may give a nomination now (for the buttons of a console).
    pub async fn available_commands(
        &self,
        actor: &Actor,
        record: &NominationRecord,
    ) -> Result<Vec<CommandKind>, OpsError> {
        let wf = self.workflow_of(&record.nomination)?;
        let route = self.route_of(&self.store, record).await?;
        let position = record.nomination.progress().position;
        let consulted = if wf.stage(position.stage).kind == StageKind::Consult {
            consultations(&self.store, record.nomination.id).await?
        } else {
            Vec::new()
        };
        Ok(workflow::available(
            wf,
            &record.nomination,
            actor,
            &route,
            &consulted,
        ))
    }

    /// The paths of units asked for an opinion, checking they exist.
    pub(crate) async fn unit_paths(
        &self,
        conn: &impl Read,
        ids: &[UnitId],
    ) -> Result<Vec<UnitPath>, OpsError> {
        let units = conn.units_by_ids(ids).await?;
        ids.iter()
            .map(|id| {
                units
                    .iter()
                    .find(|u| u.id == *id)
                    .map(|u| u.path.clone())
                    .ok_or(OpsError::NotFound {
                        entity: "unit",
                        id: id.to_string(),
                    })
            })
            .collect()
    }
}

/// The units asked for their opinion on a nomination, with their paths, as the domain reads them.
async fn consultations(
    conn: &(impl Read + ReadReview),
    nomination: NominationId,
) -> Result<Vec<Consultation>, OpsError> {
    let rows = conn.consultations_of(nomination).await?;
    let units = conn
        .units_by_ids(&rows.iter().map(|c| c.unit).collect::<Vec<_>>())
        .await?;
    Ok(rows
        .iter()
        .filter_map(|c| {
            units.iter().find(|u| u.id == c.unit).map(|u| Consultation {
                unit: u.path.clone(),
                due_on: c.due_on,
                answered: c.answer.is_some(),
            })
        })
        .collect())
}

/// Whom a nomination waits for, as stored for the work queue.
pub(crate) fn waiting(wf: &Workflow, nomination: &Nomination, route: &Route) -> Option<Waiting> {
    workflow::waiting_for(wf, nomination, route)
        .and_then(|(role, _, path)| path.unit().map(|unit| Waiting { role, unit }))
}

/// Whether the events complete the stage the nomination was at (for on-time statistics).
fn completes(events: &[Event]) -> bool {
    events.iter().any(|e| {
        matches!(
            e,
            Event::Endorsed { .. }
                | Event::Received
                | Event::Appraised {
                    verdict: workflow::AppraisalVerdict::Eligible,
                    ..
                }
                | Event::NoticeClosed
                | Event::ConsultationClosed { .. }
                | Event::CouncilApproved { .. }
                | Event::Decided { .. }
        )
    })
}

/// An event's data, as JSON for the history and the audit log.
fn event_details(event: &Event, after: &Nomination) -> serde_json::Value {
    let date = |d: &Date| d.to_string();
    let tally = |t: &workflow::Tally| {
        json!({
            "members": t.members,
            "present": t.present,
            "for": t.votes_for,
            "against": t.votes_against,
            "abstentions": t.abstentions,
        })
    };
    match event {
        Event::Edited { .. }
        | Event::Submitted
        | Event::Recalled
        | Event::Withdrawn { .. }
        | Event::Received
        | Event::Rejected { .. }
        | Event::NoticeClosed => json!({}),
        Event::Resubmitted { paused_days } => json!({ "pausedDays": paused_days }),
        Event::Endorsed { unit, .. } => json!({ "unit": unit.to_string() }),
        Event::Returned { missing, .. } => {
            json!({ "missing": missing.iter().map(|m| m.code()).collect::<Vec<_>>() })
        }
        Event::Appraised { verdict, .. } => json!({ "verdict": verdict.code() }),
        Event::NoticeOpened { closes_on } => json!({ "closesOn": date(closes_on) }),
        Event::OpinionsRequested { units, due_on } => json!({
            "units": units.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "dueOn": date(due_on),
        }),
        Event::OpinionGiven { unit, verdict, .. } => {
            json!({ "unit": unit.to_string(), "verdict": verdict.code() })
        }
        Event::ConsultationClosed { silent } => json!({
            "silent": silent.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
        Event::CouncilApproved { tally: t } | Event::CouncilRefused { tally: t } => tally(t),
        Event::DelayNoticed {
            previous_due_on,
            new_due_on,
            ..
        } => json!({
            "previousDueOn": previous_due_on.as_ref().map(date),
            "newDueOn": date(new_due_on),
        }),
        Event::Decided { decision } => json!({ "decision": decision.to_string() }),
        Event::Annulled { decision, ground } => json!({
            "annulmentDecision": decision.to_string(),
            "ground": ground.code(),
            "decision": after.decision.map(|d| d.to_string()),
        }),
    }
}

/// The roles and units whose work the actor's queue shows.
fn queue_scope(actor: &Actor) -> QueueScope {
    let mut scope = QueueScope::default();
    for grant in actor.all_grants() {
        let Some(unit) = grant.unit else { continue };
        scope.roles.push((grant.role, unit));
        if matches!(grant.role, Role::Clerk | Role::UnitHead) {
            scope.proposing.push(unit);
        }
        if grant.role == Role::UnitHead {
            scope.consulted.push(unit);
        }
    }
    scope
}

/// A nomination's route: its proposing unit (stored with it) up to its issuer at `issuer`.
fn route(record: &NominationRecord, issuer: UnitPath) -> Result<Route, OpsError> {
    Route::new(record.proposing_path.clone(), issuer)
        .map_err(|e| OpsError::internal(format!("nomination {}: {e}", record.nomination.id)))
}
