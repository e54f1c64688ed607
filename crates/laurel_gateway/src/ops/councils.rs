//! Emulation councils: setting one up (members' terms, quorum, an issuer's own vote rules) and
//! running its sessions — presence and quorum, recusals, written opinions, recorded tallies,
//! secret ballots with receipts, judgements — to a close that moves each voted nomination on
//! through its workflow's COUNCIL stage.

use std::collections::{BTreeMap, BTreeSet};

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use laurel_certificates::{MinutesData, MinutesItem, MinutesMember};
use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::calendar::{format_date, local_date, long_date_vi};
use laurel_domain::council::{
    Choice, CouncilError, Counts, ItemOutcome, Membership, Position, Quorum, Session, VoteRule,
    check_term, explain_outcome, members_on,
};
use laurel_domain::dossier::{DocumentKind, MediaType};
use laurel_domain::ids::{
    AccountId, CouncilId, DocumentId, MembershipId, NominationId, SessionId, UnitId,
};
use laurel_domain::nomination::{NominationState, Nominee, REASON_MAX};
use laurel_domain::org::SHORT_TEXT_MAX;
use laurel_domain::text::{InvalidInput, bounded_line};
use laurel_domain::workflow::{Command, StageKind};
use laurel_store::{
    Account, CouncilRecord, CouncilSessionRecord, DocumentRecord, ItemRecord, Read, ReadCouncil,
    ReadReview, VoteRuleRecord, WriteTx,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

use super::workflow::ActOn;
use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

/// Most nominations on one session's agenda.
pub const AGENDA_MAX: usize = 500;

/// Input of [`Ops::open_council_session`].
#[derive(Debug, Clone)]
pub struct OpenSession {
    /// The council.
    pub council: CouncilId,
    /// The day it sits (its membership on that day votes).
    pub date: Date,
    /// Where.
    pub place: String,
    /// The nominations it votes on, in order: each at its COUNCIL stage, for this issuer.
    pub agenda: Vec<NominationId>,
    /// The members present.
    pub present: Vec<AccountId>,
}

/// What closing did for one item.
#[derive(Debug, Clone)]
pub struct ClosedItem {
    /// The domain's outcome.
    pub outcome: ItemOutcome,
    /// `Ok`: the nomination moved on (or stayed, refused); `Err`: it was no longer at its
    /// COUNCIL stage, so nothing was applied to it.
    pub applied: Result<(), String>,
}

/// The hash a ballot is stored under: only the holder of the receipt can find it again.
fn receipt_hash(item: uuid::Uuid, receipt: &str) -> String {
    let normal: String = receipt
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut hasher = Sha256::new();
    hasher.update(b"laurel-ballot|");
    hasher.update(item.as_bytes());
    hasher.update(b"|");
    hasher.update(normal.as_bytes());
    HEXLOWER.encode(&hasher.finalize())
}

/// A new receipt: 120 random bits, printed in groups of four ("K7Q2-M9XD-…").
fn new_receipt() -> String {
    let raw = BASE32_NOPAD.encode(&edge::random_bytes::<15>());
    raw.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The most accounts [`Ops::council_member_candidates`] lists.
pub const MEMBER_CANDIDATES_MAX: u64 = 500;

impl Ops {
    /// The council of `id`, or `NOT_FOUND`.
    async fn require_council(
        &self,
        conn: &impl ReadCouncil,
        id: CouncilId,
    ) -> Result<CouncilRecord, OpsError> {
        conn.council(id).await?.ok_or(OpsError::NotFound {
            entity: "council",
            id: id.to_string(),
        })
    }

    /// A session, or `NOT_FOUND`.
    async fn require_session(
        &self,
        conn: &impl ReadCouncil,
        id: SessionId,
    ) -> Result<CouncilSessionRecord, OpsError> {
        conn.council_session(id).await?.ok_or(OpsError::NotFound {
            entity: "council_session",
            id: id.to_string(),
        })
    }

    /// Authorizes `action` at a council's issuer.
    async fn authorize_at_issuer(
        &self,
        conn: &impl Read,
        actor: &Actor,
        action: Action,
        issuer: UnitId,
    ) -> Result<(), OpsError> {
        let path = conn.unit_path(issuer).await?;
        actor.authorize(action, &path)?;
        Ok(())
    }

    /// Sets up an issuer's council (its administrator or signer). The quorum defaults to at
    /// least two thirds of the members \[U\].
    pub async fn create_council(
        &self,
        actor: &Actor,
        issuer: UnitId,
        name: &str,
        quorum: Option<Quorum>,
        now: OffsetDateTime,
    ) -> Result<CouncilRecord, OpsError> {
        let name = bounded_line("name", name, SHORT_TEXT_MAX * 2)?;
        self.printable(&[("name", Some(&name))])?;
        in_tx!(self, |tx| {
            self.require_tree_unit(tx, issuer, "issuerUnitId").await?;
            self.authorize_at_issuer(tx, actor, Action::ManageCouncil, issuer)
                .await?;
            let record = CouncilRecord {
                id: CouncilId(edge::new_id()),
                issuer,
                name: name.clone(),
                quorum: quorum.unwrap_or_default(),
                created_by: actor.account,
                created_at: now,
                version: 1,
            };
            tx.insert_council(&record).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Council(record.id),
                    Kind::CouncilCreated,
                    json!({
                        "issuer": issuer.to_string(),
                        "name": record.name,
                        "quorum": record.quorum.share.to_string(),
                        "quorumStrict": record.quorum.strict,
                    }),
                ),
            ))
            .await?;
            Ok(record)
        })
    }

    /// Renames a council or changes its quorum.
    pub async fn update_council(
        &self,
        actor: &Actor,
        id: CouncilId,
        expected_version: i32,
        name: Option<&str>,
        quorum: Option<Quorum>,
        now: OffsetDateTime,
    ) -> Result<CouncilRecord, OpsError> {
        let name = name
            .map(|n| bounded_line("name", n, SHORT_TEXT_MAX * 2))
            .transpose()?;
        self.printable(&[("name", name.as_deref())])?;
        in_tx!(self, |tx| {
            let council = self.require_council(tx, id).await?;
            self.authorize_at_issuer(tx, actor, Action::ManageCouncil, council.issuer)
                .await?;
            let name = name.clone().unwrap_or(council.name.clone());
            let quorum = quorum.unwrap_or(council.quorum);
            tx.update_council(id, expected_version, &name, quorum)
                .await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Council(id), Kind::CouncilUpdated, json!({
                    "name": name,
                    "quorum": quorum.share.to_string(),
                    "quorumStrict": quorum.strict,
                    "previous": { "name": council.name, "quorum": council.quorum.share.to_string(), "quorumStrict": council.quorum.strict },
                }))))
            .await?;
            self.require_council(tx, id).await
        })
    }

    /// Adds a member's term (from a day, until a day or open-ended).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_council_member(
        &self,
        actor: &Actor,
        council: CouncilId,
        account: AccountId,
        position: Position,
        from: Date,
        until: Option<Date>,
        now: OffsetDateTime,
    ) -> Result<Membership, OpsError> {
        in_tx!(self, |tx| {
            let record = self.require_council(tx, council).await?;
            self.authorize_at_issuer(tx, actor, Action::ManageCouncil, record.issuer)
                .await?;
            tx.account(account).await?.ok_or(OpsError::NotFound {
                entity: "account",
                id: account.to_string(),
            })?;
            let term = Membership {
                id: MembershipId(edge::new_id()),
                account,
                position,
                from,
                until,
            };
            check_term(&term, &tx.memberships(council).await?).map_err(|e| {
                OpsError::invalid(InvalidInput::Malformed {
                    field: "until",
                    expected_vi: match e {
                        laurel_domain::council::InvalidTerm::EndsBeforeStart => {
                            "ngày kết thúc nhiệm kỳ không trước ngày bắt đầu"
                        }
                        laurel_domain::council::InvalidTerm::Overlaps => {
                            "một nhiệm kỳ không trùng thời gian với nhiệm kỳ khác của cùng tài khoản"
                        }
                    },
                    expected_en: match e {
                        laurel_domain::council::InvalidTerm::EndsBeforeStart => {
                            "a term that ends on or after the day it starts"
                        }
                        laurel_domain::council::InvalidTerm::Overlaps => {
                            "a term that does not overlap the account's other terms"
                        }
                    },
                })
            })?;
            tx.insert_membership(council, &term, actor.account, now)
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Council(council),
                    Kind::CouncilMemberAdded,
                    json!({
                        "membership": term.id.to_string(),
                        "account": account.to_string(),
                        "position": position.code(),
                        "from": from.to_string(),
                        "until": until.map(|d| d.to_string()),
                    }),
                ),
            ))
            .await?;
            Ok(term)
        })
    }

    /// Who may be added to a council, for whoever may set it up: the accounts of the people of
    /// the issuer's units and of role holders there, by username, at most
    /// `MEMBER_CANDIDATES_MAX` (500).
    pub async fn council_member_candidates(
        &self,
        actor: &Actor,
        council: &CouncilRecord,
    ) -> Result<Vec<Account>, OpsError> {
        let store = self.store();
        self.authorize_at_issuer(store, actor, Action::ManageCouncil, council.issuer)
            .await?;
        Ok(store
            .accounts_within(council.issuer, MEMBER_CANDIDATES_MAX)
            .await?)
    }

    /// Ends a member's term on `until` (inclusive).
    pub async fn end_council_membership(
        &self,
        actor: &Actor,
        id: MembershipId,
        until: Date,
        now: OffsetDateTime,
    ) -> Result<Membership, OpsError> {
        in_tx!(self, |tx| {
            let (council, term) = tx.membership(id).await?.ok_or(OpsError::NotFound {
                entity: "membership",
                id: id.to_string(),
            })?;
            let record = self.require_council(tx, council).await?;
            self.authorize_at_issuer(tx, actor, Action::ManageCouncil, record.issuer)
                .await?;
            if until < term.from {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "until",
                    expected_vi: "ngày kết thúc nhiệm kỳ không trước ngày bắt đầu",
                    expected_en: "a last day on or after the term's first day",
                }));
            }
            let ended = Membership {
                until: Some(until),
                ..term.clone()
            };
            check_term(&ended, &tx.memberships(council).await?).map_err(|_| {
                OpsError::invalid(InvalidInput::Malformed {
                    field: "until",
                    expected_vi: "một nhiệm kỳ không trùng thời gian với nhiệm kỳ khác của cùng tài khoản",
                    expected_en: "a term that does not overlap the account's other terms",
                })
            })?;
            tx.end_membership(id, until).await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Council(council), Kind::CouncilMembershipEnded, json!({ "membership": id.to_string(), "until": until.to_string(), "previous": term.until.map(|d| d.to_string()) }))))
            .await?;
            Ok(Membership {
                until: Some(until),
                ..term
            })
        })
    }

    /// Sets the issuer's own vote rule for an award (an unconfirmed threshold made the
    /// issuer's), with the decision that sets it as its source.
    pub async fn set_council_vote_rule(
        &self,
        actor: &Actor,
        council: CouncilId,
        award: AwardKind,
        rule: VoteRule,
        now: OffsetDateTime,
    ) -> Result<VoteRuleRecord, OpsError> {
        let source = bounded_line("source", &rule.source, REASON_MAX)?;
        self.printable(&[("source", Some(&source))])?;
        let rule = VoteRule { source, ..rule };
        in_tx!(self, |tx| {
            let record = self.require_council(tx, council).await?;
            self.authorize_at_issuer(tx, actor, Action::ManageCouncil, record.issuer)
                .await?;
            tx.set_vote_rule(council, award, &rule, actor.account, now)
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Council(council),
                    Kind::CouncilVoteRuleSet,
                    json!({
                        "award": award.code(),
                        "rule": rule.describe_en(),
                        "threshold": rule.threshold.to_string(),
                        "writtenOpinions": rule.written_opinions,
                        "source": rule.source,
                    }),
                ),
            ))
            .await?;
            Ok(VoteRuleRecord {
                award,
                rule: rule.clone(),
                set_by: actor.account,
                set_at: now,
            })
        })
    }

    /// Removes the issuer's own vote rule for an award: the ruleset's applies again.
    pub async fn clear_council_vote_rule(
        &self,
        actor: &Actor,
        council: CouncilId,
        award: AwardKind,
        now: OffsetDateTime,
    ) -> Result<bool, OpsError> {
        in_tx!(self, |tx| {
            let record = self.require_council(tx, council).await?;
            self.authorize_at_issuer(tx, actor, Action::ManageCouncil, record.issuer)
                .await?;
            let removed = tx.clear_vote_rule(council, award).await?;
            if removed {
                tx.record(&recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Council(council),
                        Kind::CouncilVoteRuleCleared,
                        json!({ "award": award.code() }),
                    ),
                ))
                .await?;
            }
            Ok(removed)
        })
    }

    /// How the council of `council` approves `award`: its own rule, else the ruleset's.
    pub(crate) async fn effective_vote_rule(
        &self,
        conn: &impl ReadCouncil,
        council: CouncilId,
        award: AwardKind,
        ruleset: Option<&str>,
        period: i32,
    ) -> Result<VoteRule, OpsError> {
        if let Some(own) = conn
            .vote_rules(council)
            .await?
            .into_iter()
            .find(|r| r.award == award)
        {
            return Ok(own.rule);
        }
        let ruleset = self.ruleset(ruleset, period)?;
        Ok(VoteRule::of(&ruleset.award(award).council))
    }

    /// Opens a session (the issuer's council secretary): the members on its date, those
    /// present (a quorum is needed), and an agenda of nominations at their COUNCIL stage.
    pub async fn open_council_session(
        &self,
        actor: &Actor,
        input: OpenSession,
        now: OffsetDateTime,
    ) -> Result<CouncilSessionRecord, OpsError> {
        let place = bounded_line("place", &input.place, SHORT_TEXT_MAX * 2)?;
        self.printable(&[("place", Some(&place))])?;
        if input.agenda.len() > AGENDA_MAX {
            return Err(OpsError::invalid(InvalidInput::OutOfRange {
                field: "agenda",
                min: 1,
                max: AGENDA_MAX as i64,
                actual: input.agenda.len() as i64,
            }));
        }
        let today = local_date(now);
        if input.date > today || input.date < today - time::Duration::days(SESSION_DATE_WINDOW_DAYS)
        {
            return Err(OpsError::invalid(InvalidInput::Malformed {
                field: "date",
                expected_vi: "ngày họp không sau hôm nay và không quá 30 ngày trước",
                expected_en: "a session date no later than today and at most 30 days ago",
            }));
        }
        in_tx!(self, |tx| {
            let council = self.require_council(tx, input.council).await?;
            self.authorize_at_issuer(tx, actor, Action::RunCouncilSession, council.issuer)
                .await?;
            // Taken first: a concurrent opening with the same nomination waits, then sees it.
            tx.lock_nominations(&input.agenda).await?;
            let mut agenda = Vec::with_capacity(input.agenda.len());
            for id in &input.agenda {
                let record = tx.require_nomination(*id).await?;
                let n = &record.nomination;
                let wf = self.workflow_of(n)?;
                let at_council = n.state() == NominationState::Submitted
                    && wf.stage(n.progress().position.stage).kind == StageKind::Council;
                if n.issuer != council.issuer || !at_council {
                    return Err(OpsError::invalid(InvalidInput::Malformed {
                        field: "agenda",
                        expected_vi: "các đề nghị đang ở bước Hội đồng xét của cấp khen thưởng này",
                        expected_en: "nominations at this issuer's COUNCIL stage",
                    }));
                }
                if !tx.open_sessions_of(*id).await?.is_empty() {
                    return Err(OpsError::invalid(InvalidInput::Malformed {
                        field: "agenda",
                        expected_vi: "đề nghị chưa có trong một phiên họp khác đang mở",
                        expected_en: "nominations not on another open session's agenda",
                    }));
                }
                let rule = self
                    .effective_vote_rule(
                        tx,
                        council.id,
                        n.award,
                        n.ruleset.as_deref(),
                        n.period.year(),
                    )
                    .await?;
                agenda.push((*id, rule));
            }
            let members = members_on(&tx.memberships(council.id).await?, input.date);
            let present: BTreeSet<AccountId> = input.present.iter().copied().collect();
            let session =
                Session::open(members, present, council.quorum, agenda).map_err(|e| match e {
                    CouncilError::NotAMember(_) => not_a_member("present"),
                    other => other.into(),
                })?;
            let record = CouncilSessionRecord {
                id: SessionId(edge::new_id()),
                council: council.id,
                issuer: council.issuer,
                date: input.date,
                place: place.clone(),
                items: session
                    .items
                    .iter()
                    .map(|i| ItemRecord {
                        id: edge::new_id(),
                        nomination: i.nomination,
                        approved: None,
                        tally: None,
                        applied: None,
                    })
                    .collect(),
                session,
                opened_by: actor.account,
                opened_at: now,
                closed_by: None,
                closed_at: None,
                minutes: None,
                minutes_sha256: None,
                version: 1,
            };
            tx.insert_council_session(&record).await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::CouncilSession(record.id), Kind::CouncilSessionOpened, json!({
                    "council": council.id.to_string(),
                    "date": input.date.to_string(),
                    "place": place,
                    "members": record.session.members.len(),
                    "present": record.session.present.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "agenda": input.agenda.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })).states(None, Some("OPEN"))))
            .await?;
            Ok(record)
        })
    }

    /// One change to an open session, serialised on its row: `change` gets the session and
    /// the item's id, may change its item, and returns what to audit.
    async fn in_open_session<T>(
        &self,
        tx: &WriteTx,
        id: SessionId,
        nomination: NominationId,
        change: impl FnOnce(&mut Session, uuid::Uuid) -> Result<T, OpsError>,
    ) -> Result<(CouncilSessionRecord, T), OpsError> {
        if !tx.claim_open_session(id).await? {
            self.require_session(tx, id).await?;
            return Err(CouncilError::Closed.into());
        }
        let mut record = self.require_session(tx, id).await?;
        let item_id = record
            .item_id(nomination)
            .ok_or(CouncilError::NotOnAgenda(nomination))?;
        let value = change(&mut record.session, item_id)?;
        let item = record
            .session
            .items
            .iter()
            .find(|i| i.nomination == nomination)
            .ok_or(OpsError::internal("an agenda item vanished"))?;
        tx.save_item(item_id, item).await?;
        Ok((record, value))
    }

    /// A member declares a conflict of interest for an item (themself, or the secretary for
    /// them) and takes no part in it.
    pub async fn declare_recusal(
        &self,
        actor: &Actor,
        session: SessionId,
        nomination: NominationId,
        member: Option<AccountId>,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<CouncilSessionRecord, OpsError> {
        let reason = bounded_line("reason", reason, REASON_MAX)?;
        self.printable(&[("reason", Some(&reason))])?;
        let member = member.unwrap_or(actor.account);
        in_tx!(self, |tx| {
            let current = self.require_session(tx, session).await?;
            if member != actor.account {
                self.authorize_at_issuer(tx, actor, Action::RunCouncilSession, current.issuer)
                    .await?;
            }
            let (record, ()) = self
                .in_open_session(tx, session, nomination, |s, _| {
                    s.recuse(nomination, member, reason.clone())
                        .map_err(|e| match e {
                            CouncilError::NotAMember(_) if member != actor.account => {
                                not_a_member("memberAccountId")
                            }
                            other => other.into(),
                        })
                })
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::CouncilSession(session),
                    Kind::CouncilRecusalDeclared,
                    json!({ "nomination": nomination.to_string(), "member": member.to_string() }),
                )
                .reason(Some(&reason)),
            ))
            .await?;
            Ok(record)
        })
    }

    /// Records an absent member's written opinion on an item (the secretary).
    pub async fn record_written_opinion(
        &self,
        actor: &Actor,
        session: SessionId,
        nomination: NominationId,
        member: AccountId,
        choice: Choice,
        now: OffsetDateTime,
    ) -> Result<CouncilSessionRecord, OpsError> {
        in_tx!(self, |tx| {
            let current = self.require_session(tx, session).await?;
            self.authorize_at_issuer(tx, actor, Action::RunCouncilSession, current.issuer)
                .await?;
            let (record, ()) = self
                .in_open_session(tx, session, nomination, |s, _| {
                    s.written_opinion(nomination, member, choice)
                        .map_err(|e| match e {
                            CouncilError::NotAMember(_) => not_a_member("memberAccountId"),
                            other => other.into(),
                        })
                })
                .await?;
            let secret = record
                .session
                .items
                .iter()
                .any(|i| i.nomination == nomination && i.rule.secret_ballot);
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                Subject::CouncilSession(session),
                Kind::CouncilWrittenOpinionRecorded,
                // A secret vote's written opinions are counted, never shown one by one.
                if secret {
                    json!({ "nomination": nomination.to_string(), "member": member.to_string() })
                } else {
                    json!({ "nomination": nomination.to_string(), "member": member.to_string(), "choice": choice.code() })
                },
            )))
            .await?;
            Ok(record)
        })
    }

    /// Records the tally of an open vote on an item (the secretary).
    pub async fn record_council_tally(
        &self,
        actor: &Actor,
        session: SessionId,
        nomination: NominationId,
        counts: Counts,
        now: OffsetDateTime,
    ) -> Result<CouncilSessionRecord, OpsError> {
        in_tx!(self, |tx| {
            let current = self.require_session(tx, session).await?;
            self.authorize_at_issuer(tx, actor, Action::RunCouncilSession, current.issuer)
                .await?;
            let (record, ()) = self
                .in_open_session(tx, session, nomination, |s, _| {
                    Ok(s.record_tally(nomination, counts)?)
                })
                .await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::CouncilSession(session), Kind::CouncilTallyRecorded, json!({ "nomination": nomination.to_string(), "yes": counts.yes, "no": counts.no, "abstain": counts.abstain }))))
            .await?;
            Ok(record)
        })
    }

    /// Records the judgement criteria the council found met for an item (the secretary); they
    /// become attestations when the session closes and the item passes.
    pub async fn record_council_judgement(
        &self,
        actor: &Actor,
        session: SessionId,
        nomination: NominationId,
        criteria: Vec<String>,
        now: OffsetDateTime,
    ) -> Result<CouncilSessionRecord, OpsError> {
        in_tx!(self, |tx| {
            let current = self.require_session(tx, session).await?;
            self.authorize_at_issuer(tx, actor, Action::RunCouncilSession, current.issuer)
                .await?;
            let record = tx.require_nomination(nomination).await?;
            let n = &record.nomination;
            let ruleset = self.ruleset(n.ruleset.as_deref(), n.period.year())?;
            let judgements: BTreeSet<String> = ruleset
                .award(n.award)
                .criteria_summary()
                .into_iter()
                .filter(|c| matches!(c.rule.as_str(), "judgement" | "attested_fact"))
                .map(|c| c.id)
                .collect();
            let chosen: BTreeSet<String> = criteria.iter().cloned().collect();
            if chosen.iter().any(|c| !judgements.contains(c)) {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "criteria",
                    expected_vi: "mã các tiêu chí cần thẩm định của danh hiệu/hình thức này (xem rulesets)",
                    expected_en: "ids of this award's judgement criteria (see rulesets)",
                }));
            }
            let (saved, ()) = self
                .in_open_session(tx, session, nomination, |s, _| {
                    Ok(s.judge(nomination, chosen.clone())?)
                })
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::CouncilSession(session),
                    Kind::CouncilJudgementRecorded,
                    json!({ "nomination": nomination.to_string(), "criteria": chosen }),
                ),
            ))
            .await?;
            Ok(saved)
        })
    }

    /// A member present casts their secret ballot on an item. Returns the receipt — the only
    /// way back to the ballot, shown once.
    pub async fn cast_ballot(
        &self,
        actor: &Actor,
        session: SessionId,
        nomination: NominationId,
        choice: Choice,
        now: OffsetDateTime,
    ) -> Result<String, OpsError> {
        let receipt = new_receipt();
        in_tx!(self, |tx| {
            let (_, item_id) = self
                .in_open_session(tx, session, nomination, |s, item_id| {
                    s.cast(
                        nomination,
                        actor.account,
                        choice,
                        receipt_hash(item_id, &receipt),
                    )?;
                    Ok(item_id)
                })
                .await?;
            tx.insert_voter(item_id, actor.account)
                .await
                .map_err(|e| match e {
                    laurel_store::StoreError::Duplicate { .. } => {
                        OpsError::Council(CouncilError::AlreadyVoted)
                    }
                    other => other.into(),
                })?;
            // Who voted, never what or with which receipt.
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::CouncilSession(session),
                    Kind::CouncilBallotCast,
                    json!({ "nomination": nomination.to_string() }),
                ),
            ))
            .await?;
            Ok(receipt.clone())
        })
    }

    /// Whether a receipt's ballot is in the count of the item: its holder checks their vote was
    /// counted. What it says is never shown (a receipt must not prove a vote to anyone else).
    pub async fn verify_ballot(
        &self,
        actor: &Actor,
        session: SessionId,
        nomination: NominationId,
        receipt: &str,
    ) -> Result<bool, OpsError> {
        let record =
            self.council_session_visible(actor, session)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "council_session",
                    id: session.to_string(),
                })?;
        let Some(item_id) = record.item_id(nomination) else {
            return Ok(false);
        };
        let hash = receipt_hash(item_id, receipt);
        Ok(record
            .session
            .items
            .iter()
            .any(|i| i.nomination == nomination && i.ballots.contains_key(&hash)))
    }

    /// Closes a session (the secretary): each voted item is approved or not by its rule, and its
    /// nomination moves on to the next stage or stays at COUNCIL with the refusal recorded; the
    /// judgement criteria of approved items become the council's attestations. Final.
    pub async fn close_council_session(
        &self,
        actor: &Actor,
        session: SessionId,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<(CouncilSessionRecord, Vec<ClosedItem>), OpsError> {
        in_tx!(self, |tx| {
            let mut record = self.require_session(tx, session).await?;
            self.authorize_at_issuer(tx, actor, Action::RunCouncilSession, record.issuer)
                .await?;
            if record.session.state == laurel_domain::council::SessionState::Closed {
                return Err(CouncilError::Closed.into());
            }
            tx.claim_session_to_close(session, expected_version).await?;
            let outcomes = record.session.close()?;
            let basis = format!(
                "Hội đồng Thi đua - Khen thưởng, phiên họp ngày {}",
                format_date(record.date)
            );
            let mut closed = Vec::with_capacity(outcomes.len());
            for (outcome, item) in outcomes.into_iter().zip(record.session.items.iter()) {
                let item_id = record
                    .item_id(item.nomination)
                    .ok_or(OpsError::internal("an agenda item vanished"))?;
                let left = self
                    .left_council_since(tx, item.nomination, record.opened_at)
                    .await?;
                let applied = match (&outcome.tally, outcome.approved) {
                    (Some(_), Some(_)) if left => Err(
                        "the nomination left its COUNCIL stage after the session opened"
                            .to_string(),
                    ),
                    (Some(tally), Some(approved)) => {
                        let current = tx.require_nomination(item.nomination).await?;
                        let savepoint = tx.savepoint().await?;
                        let result = self
                            .act_in_council(
                                &savepoint,
                                actor,
                                ActOn {
                                    id: item.nomination,
                                    expected_version: current.nomination.version(),
                                    command: Command::RecordCouncil { tally: *tally },
                                },
                                Some((&item.rule, session)),
                                now,
                            )
                            .await;
                        match result {
                            Ok(_) => {
                                if approved {
                                    for criterion in &item.criteria {
                                        savepoint
                                            .replace_attestation(
                                                item.nomination,
                                                criterion,
                                                &basis,
                                                actor.account,
                                                now,
                                            )
                                            .await?;
                                    }
                                }
                                savepoint.commit().await?;
                                Ok(())
                            }
                            // No longer at its COUNCIL stage (withdrawn meanwhile): recorded, not
                            // applied.
                            Err(e @ OpsError::Transition(_)) => {
                                savepoint.rollback().await?;
                                Err(e.messages().1)
                            }
                            // Changed under us: the whole closing runs again.
                            Err(OpsError::Conflict { entity, id, .. }) => {
                                return Err(OpsError::Busy(format!(
                                    "{entity} {id} changed while closing"
                                )));
                            }
                            // Anything else (the closer may not record this outcome): nothing is
                            // closed, and the closer is told why.
                            Err(e) => return Err(e),
                        }
                    }
                    _ => Ok(()),
                };
                let applied_text = match (&applied, outcome.approved) {
                    (Err(why), _) => format!("NOT_APPLIED: {why}"),
                    (Ok(()), None) => "NOT_VOTED".to_string(),
                    (Ok(()), Some(_)) => "APPLIED".to_string(),
                };
                tx.set_item_outcome(
                    item_id,
                    outcome.approved,
                    outcome.tally.as_ref(),
                    &applied_text,
                )
                .await?;
                closed.push(ClosedItem { outcome, applied });
            }
            // The minutes: frozen as data, rendered, stored once, and attached to the dossier of
            // every nomination the session voted on.
            let minutes = self
                .minutes_data(tx, &record, &closed, actor.account)
                .await?;
            let json = serde_json::to_string(&minutes)
                .map_err(|e| OpsError::internal(format!("minutes: {e}")))?;
            let renderer = self.renderer.clone();
            let pdf = crate::auth::blocking(move || renderer.render_minutes(&minutes))
                .await?
                .map_err(minutes_error)?;
            let (_, sha256) = self.store_generated_document(&pdf).await?;
            tx.set_minutes(session, &json, &sha256).await?;
            let filename = format!("bien-ban-hop-hoi-dong-{}.pdf", record.date);
            for item in closed.iter().filter(|c| c.outcome.approved.is_some()) {
                tx.insert_document(&DocumentRecord {
                    id: DocumentId(edge::new_id()),
                    nomination: Some(item.outcome.nomination),
                    proposal: None,
                    kind: DocumentKind::BienBanXetKhenThuong,
                    filename: filename.clone(),
                    media_type: MediaType::Pdf,
                    size_bytes: i64::try_from(pdf.len()).unwrap_or(i64::MAX),
                    sha256: sha256.clone(),
                    uploaded_by: actor.account,
                    uploaded_at: now,
                    detached_at: None,
                })
                .await?;
            }
            tx.mark_session_closed(session, actor.account, now).await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::CouncilSession(session),
                    Kind::CouncilSessionClosed,
                    json!({
                        "minutesSha256": sha256,
                        "items": closed.iter().map(|c| json!({
                            "nomination": c.outcome.nomination.to_string(),
                            "approved": c.outcome.approved,
                            "applied": c.applied.is_ok(),
                        })).collect::<Vec<_>>(),
                    }),
                )
                .states(Some("OPEN"), Some("CLOSED")),
            ))
            .await?;
            record = self.require_session(tx, session).await?;
            Ok((record, closed))
        })
    }

    /// Whether a nomination left its COUNCIL stage (returned, withdrawn…) after `since`: a vote
    /// taken before is not applied to what came back.
    async fn left_council_since(
        &self,
        tx: &WriteTx,
        nomination: NominationId,
        since: OffsetDateTime,
    ) -> Result<bool, OpsError> {
        Ok(tx.history_of(nomination).await?.iter().any(|h| {
            h.at > since
                && h.from_stage == StageKind::Council
                && (h.to_stage != StageKind::Council || h.to_state != NominationState::Submitted)
        }))
    }

    /// How a nominee is printed: rank and name, or the collective's name.
    pub(crate) async fn nominee_name(
        &self,
        conn: &impl Read,
        nominee: Nominee,
    ) -> Result<String, OpsError> {
        Ok(match nominee {
            Nominee::Person(p) => conn
                .person(p)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "person",
                    id: p.to_string(),
                })?
                .display_name(),
            Nominee::Collective(u) => conn.require_unit(u).await?.name,
        })
    }

    /// The minutes of a closed session, as printed.
    async fn minutes_data(
        &self,
        tx: &WriteTx,
        record: &CouncilSessionRecord,
        closed: &[ClosedItem],
        closer: AccountId,
    ) -> Result<MinutesData, OpsError> {
        let council = self.require_council(tx, record.council).await?;
        let issuer = tx.require_unit(record.issuer).await?;
        let s = &record.session;
        let mut present = Vec::new();
        let mut absent = Vec::new();
        let mut seats: Vec<(&AccountId, &Position)> = s.members.iter().collect();
        seats.sort_by_key(|(_, p)| Position::ALL.iter().position(|q| q == *p));
        for (account, position) in &seats {
            let wrote = s.items.iter().any(|i| i.written.contains_key(account));
            let member = MinutesMember {
                name: self.account_name(**account).await?,
                position: position.name_vi().to_string(),
                note: wrote.then(|| "có ý kiến bằng văn bản".to_string()),
            };
            if s.present.contains(account) {
                present.push(member);
            } else {
                absent.push(member);
            }
        }
        let chair = seats
            .iter()
            .find(|(a, p)| **p == Position::Chair && s.present.contains(a))
            .or_else(|| seats.iter().find(|(a, _)| s.present.contains(a)))
            .map(|(a, _)| **a);
        let chair_name = match chair {
            Some(a) => self.account_name(a).await?,
            None => String::new(),
        };
        let secretary = seats
            .iter()
            .find(|(a, p)| **p == Position::Secretary && s.present.contains(a))
            .map_or(closer, |(a, _)| **a);
        let mut items = Vec::with_capacity(closed.len());
        for (n, (c, item)) in closed.iter().zip(&s.items).enumerate() {
            let nomination = tx.require_nomination(item.nomination).await?.nomination;
            let (figures, result) = match (&c.outcome.tally, c.outcome.approved) {
                (Some(tally), Some(approved)) => (
                    explain_outcome(&item.rule, tally, approved).0,
                    if approved { "ĐẠT" } else { "KHÔNG ĐẠT" },
                ),
                _ => ("Chưa biểu quyết.".to_string(), "CHƯA BIỂU QUYẾT"),
            };
            let mut recusals = Vec::new();
            for (account, reason) in &item.recused {
                recusals.push(format!(
                    "{} không tham gia xét ({reason})",
                    self.account_name(*account).await?
                ));
            }
            let mut rule = item.rule.describe_vi();
            if let Some(first) = rule.get(..1) {
                rule = first.to_uppercase() + &rule[1..];
            }
            if let (false, Some(tally)) = (recusals.is_empty(), &c.outcome.tally) {
                recusals.push(format!(
                    "cơ sở tính còn {} thành viên, {} có mặt",
                    tally.members, tally.present
                ));
            }
            items.push(MinutesItem {
                number: (n + 1).to_string(),
                nominee: self.nominee_name(tx, nomination.nominee).await?,
                award: nomination.award.name_vi().to_string(),
                rule,
                figures,
                recusals: (!recusals.is_empty()).then(|| recusals.join("; ") + "."),
                result: result.to_string(),
            });
        }
        let place = issuer.place.clone().unwrap_or_default();
        let members = s.members.len();
        Ok(MinutesData {
            issuer_line: issuer.name.clone(),
            council_name: "Hội đồng Thi đua - Khen thưởng".to_string(),
            place_date_line: if place.is_empty() {
                capitalise_first(&long_date_vi(record.date))
            } else {
                format!("{place}, {}", long_date_vi(record.date))
            },
            title: "BIÊN BẢN".to_string(),
            subtitle: "Họp Hội đồng Thi đua - Khen thưởng".to_string(),
            opening: format!(
                "Hôm nay, ngày {}, tại {}, {} họp xét {} đề nghị khen thưởng{}.",
                format_date(record.date),
                record.place,
                council.name,
                s.items.len(),
                if chair_name.is_empty() {
                    String::new()
                } else {
                    format!(", do đồng chí {chair_name} chủ trì")
                }
            ),
            members_present: present,
            members_absent: absent,
            quorum_line: format!(
                "Có mặt {}/{members} thành viên Hội đồng; đủ số lượng để họp theo quy chế ({} {} số thành viên).",
                s.present.len(),
                if s.quorum.strict { "trên" } else { "từ" },
                s.quorum.share
            ),
            items,
            closing: format!(
                "Phiên họp kết thúc ngày {}. Biên bản này ghi kết quả biểu quyết từng đề nghị và được lưu vào hồ sơ của từng đề nghị đã được xét.",
                format_date(record.date)
            ),
            chair_title: "Chủ tịch Hội đồng".to_string(),
            chair_name,
            secretary_title: "Thư ký Hội đồng".to_string(),
            secretary_name: self.account_name(secretary).await?,
        })
    }

    /// The minutes PDF of a closed session the actor may see.
    pub async fn minutes_pdf(&self, actor: &Actor, id: SessionId) -> Result<Vec<u8>, OpsError> {
        let record = self
            .council_session_visible(actor, id)
            .await?
            .ok_or(OpsError::NotFound {
                entity: "council_session",
                id: id.to_string(),
            })?;
        let json = record.minutes.ok_or(OpsError::NotFound {
            entity: "minutes",
            id: id.to_string(),
        })?;
        let data: MinutesData = serde_json::from_str(&json)
            .map_err(|e| OpsError::internal(format!("minutes of {id}: {e}")))?;
        let renderer = self.renderer.clone();
        crate::auth::blocking(move || renderer.render_minutes(&data))
            .await?
            .map_err(|e| OpsError::internal(format!("rendering minutes: {e}")))
    }

    /// Councils the actor may see: those of issuers their roles reach, and those they sit on.
    pub async fn councils_visible(&self, actor: &Actor) -> Result<Vec<CouncilRecord>, OpsError> {
        let mut out = Vec::new();
        for council in self.store.councils().await? {
            if self.may_see_council(actor, &council).await? {
                out.push(council);
            }
        }
        Ok(out)
    }

    /// Whether the actor may see a council: a role reaching its issuer, or a term on it.
    pub async fn may_see_council(
        &self,
        actor: &Actor,
        council: &CouncilRecord,
    ) -> Result<bool, OpsError> {
        let path = self.store.unit_path(council.issuer).await?;
        if actor.authorize(Action::Read, &path).is_ok() {
            return Ok(true);
        }
        Ok(self
            .store
            .memberships(council.id)
            .await?
            .iter()
            .any(|t| t.account == actor.account))
    }

    /// A council if the actor may see it.
    pub async fn council_visible(
        &self,
        actor: &Actor,
        id: CouncilId,
    ) -> Result<Option<CouncilRecord>, OpsError> {
        match self.store.council(id).await? {
            Some(c) if self.may_see_council(actor, &c).await? => Ok(Some(c)),
            Some(_) => Err(OpsError::Forbidden(laurel_domain::authz::Denied::action(
                Action::Read,
                None,
            ))),
            None => Ok(None),
        }
    }

    /// A session if the actor may see its council.
    pub async fn council_session_visible(
        &self,
        actor: &Actor,
        id: SessionId,
    ) -> Result<Option<CouncilSessionRecord>, OpsError> {
        let Some(record) = self.store.council_session(id).await? else {
            return Ok(None);
        };
        let path = self.store.unit_path(record.issuer).await?;
        if actor.authorize(Action::Read, &path).is_ok()
            || record.session.members.contains_key(&actor.account)
        {
            Ok(Some(record))
        } else {
            Err(OpsError::Forbidden(laurel_domain::authz::Denied::action(
                Action::Read,
                Some(record.issuer),
            )))
        }
    }

    /// The members of a council on a day, with their positions (for presence lists).
    pub async fn council_members_on(
        &self,
        council: CouncilId,
        day: Date,
    ) -> Result<BTreeMap<AccountId, Position>, OpsError> {
        Ok(members_on(&self.store.memberships(council).await?, day))
    }
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// Days back a session may be dated (a session recorded after it sat) \[U\].
pub const SESSION_DATE_WINDOW_DAYS: i64 = 30;

fn not_a_member(field: &'static str) -> OpsError {
    OpsError::invalid(InvalidInput::Malformed {
        field,
        expected_vi: "thành viên Hội đồng trong nhiệm kỳ vào ngày họp",
        expected_en: "members of the council whose term covers the session's date",
    })
}

/// Minutes that cannot be printed are the data's fault, not ours.
fn minutes_error(e: laurel_certificates::RenderError) -> OpsError {
    match e {
        laurel_certificates::RenderError::UnsupportedCharacters { .. }
        | laurel_certificates::RenderError::PageCount { .. } => {
            OpsError::invalid(InvalidInput::Malformed {
                field: "minutes",
                expected_vi: "biên bản in được (chữ tiếng Việt, không quá 200 trang)",
                expected_en: "minutes that print (Vietnamese text, at most 200 pages)",
            })
        }
        other => OpsError::internal(format!("rendering minutes: {other}")),
    }
}
