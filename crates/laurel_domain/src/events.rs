//! Domain events: everything that changes, in the past tense, with who did it and when.
//!
//! Every state change produces a [`Recorded`] event. The store writes its audit row (hash-chained
//! per aggregate) and its outbox row (for webhooks, subscriptions and notifications) from it, in
//! the same transaction as the change: nothing else builds an audit row.
//!
//! A nomination's events are complete: folding them ([`fold_nomination`]) reproduces the
//! nomination as stored. Other aggregates' events are typed by [`Subject`] and [`Kind`] and carry
//! their details as JSON that only ever gains fields.

use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::{
    AccountId, CertificateId, ClusterId, CouncilId, DecisionId, DelegationId, DocumentId,
    MovementId, NominationId, PersonId, ProposalId, SessionId, UnitId,
};
use crate::nomination::{Nomination, Progress};
use crate::org::UnitPath;
use crate::workflow::{self, StageKind};

/// An event as it happened: who, when, where in the organisation, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// When it took effect.
    pub at: OffsetDateTime,
    /// Who did it (`None` for the system itself, or the public).
    pub actor: Option<AccountId>,
    /// The unit it concerns, as a path from the root: webhooks and subscriptions are scoped by
    /// it. Empty for organisation-wide changes (accounts, the calendar).
    pub scope: UnitPath,
    /// What happened.
    pub event: DomainEvent,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    /// A nomination changed.
    Nomination(NominationEvent),
    /// Something else changed: a decision, a certificate, a council, a fact, a quota, the
    /// organisation, an account or a session.
    Other(Change),
}

/// A change to a nomination: its events fold into the stored row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(
    tag = "change",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum NominationEvent {
    /// Drafted (version 1).
    Drafted {
        /// The new draft, whole.
        nomination: Box<Nomination>,
    },
    /// Moved by its workflow: one of the transition's events, with the progress before and
    /// after and the stages they are at.
    Moved {
        /// Which nomination.
        id: NominationId,
        /// What happened.
        event: workflow::Event,
        /// Its progress before.
        before: Progress,
        /// Its progress after, at the version it was saved with.
        after: Progress,
        /// The kind of the stage it was at.
        from_stage: StageKind,
        /// The kind of the stage it is at now.
        to_stage: StageKind,
        /// When acting under a delegation (TUQ), for whom.
        acting_for: Option<AccountId>,
    },
    /// Put into a proposal (tờ trình).
    Grouped {
        /// Which nomination.
        id: NominationId,
        /// The proposal.
        proposal: ProposalId,
        /// The proposal's number, when it has one.
        number: Option<String>,
        /// The version it was saved with.
        version: i32,
    },
}

impl NominationEvent {
    /// The nomination.
    pub fn nomination(&self) -> NominationId {
        match self {
            NominationEvent::Drafted { nomination } => nomination.id,
            NominationEvent::Moved { id, .. } | NominationEvent::Grouped { id, .. } => *id,
        }
    }

    /// Stable name, as written in the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            NominationEvent::Drafted { .. } => "NOMINATION_CREATED",
            NominationEvent::Moved { event, .. } => event.name(),
            NominationEvent::Grouped { .. } => "NOMINATION_GROUPED",
        }
    }
}

/// Whether `name` is the name of an event Laurel records (what webhooks may subscribe to).
pub fn is_event_name(name: &str) -> bool {
    ["NOMINATION_CREATED", "NOMINATION_GROUPED"].contains(&name)
        || workflow::Event::NAMES.contains(&name)
        || Kind::from_code(name).is_some()
}

/// Folds a nomination's events, oldest first, into the nomination they leave behind; `None`
/// when the first is not its drafting or an event belongs to another nomination.
pub fn fold_nomination<'a>(
    events: impl IntoIterator<Item = &'a NominationEvent>,
) -> Option<Nomination> {
    let mut events = events.into_iter();
    let NominationEvent::Drafted { nomination } = events.next()? else {
        return None;
    };
    let mut n = (**nomination).clone();
    for e in events {
        if e.nomination() != n.id {
            return None;
        }
        match e {
            NominationEvent::Drafted { .. } => return None,
            NominationEvent::Moved { event, after, .. } => {
                match event {
                    workflow::Event::Edited { achievement } => n.achievement = achievement.clone(),
                    workflow::Event::Decided { decision } => n.decision = Some(*decision),
                    _ => {}
                }
                *n.progress_mut() = after.clone();
            }
            NominationEvent::Grouped {
                proposal, version, ..
            } => {
                n.proposal = Some(*proposal);
                n.progress_mut().version = *version;
            }
        }
    }
    Some(n)
}

/// What a [`Change`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A nomination (for changes beside its workflow: documents, public comments).
    Nomination(NominationId),
    /// The facts about a person or a collective.
    Nominee(Uuid),
    /// A proposal (tờ trình).
    Proposal(ProposalId),
    /// A decision.
    Decision(DecisionId),
    /// The annulment record of a nomination's award (recovery of artefacts and cash).
    Annulment(NominationId),
    /// A certificate.
    Certificate(CertificateId),
    /// An emulation council.
    Council(CouncilId),
    /// A council session.
    CouncilSession(SessionId),
    /// A block on a nominee (pending discipline, investigation).
    Block(Uuid),
    /// An issuer's quotas.
    Quota(UnitId),
    /// A unit.
    Unit(UnitId),
    /// A person.
    Person(PersonId),
    /// An account, its roles, its password and its sessions.
    Account(AccountId),
    /// A delegation (ủy quyền).
    Delegation(DelegationId),
    /// A dossier document.
    Document(DocumentId),
    /// The working calendar.
    Calendar,
    /// Logging in (throttling after failures): the username and address are in the details.
    Login,
    /// A webhook endpoint.
    Webhook(Uuid),
    /// An emulation movement.
    Movement(MovementId),
    /// An emulation cluster or block, its scores and its ranking.
    Cluster(ClusterId),
}

impl Subject {
    /// The entity name, as written in the audit log.
    pub fn entity(self) -> &'static str {
        match self {
            Subject::Nomination(_) => "nomination",
            Subject::Nominee(_) => "nominee",
            Subject::Proposal(_) => "proposal",
            Subject::Decision(_) => "decision",
            Subject::Annulment(_) => "annulment",
            Subject::Certificate(_) => "certificate",
            Subject::Council(_) => "council",
            Subject::CouncilSession(_) => "council_session",
            Subject::Block(_) => "block",
            Subject::Quota(_) => "quota",
            Subject::Unit(_) => "unit",
            Subject::Person(_) => "person",
            Subject::Account(_) => "account",
            Subject::Delegation(_) => "delegation",
            Subject::Document(_) => "document",
            Subject::Calendar => "calendar",
            Subject::Login => "login",
            Subject::Webhook(_) => "webhook",
            Subject::Movement(_) => "movement",
            Subject::Cluster(_) => "cluster",
        }
    }

    /// Its id (the nil UUID for the calendar and for logging in).
    pub fn id(self) -> Uuid {
        match self {
            Subject::Nomination(id) | Subject::Annulment(id) => id.0,
            Subject::Nominee(id) | Subject::Block(id) | Subject::Webhook(id) => id,
            Subject::Proposal(id) => id.0,
            Subject::Decision(id) => id.0,
            Subject::Certificate(id) => id.0,
            Subject::Council(id) => id.0,
            Subject::CouncilSession(id) => id.0,
            Subject::Quota(id) | Subject::Unit(id) => id.0,
            Subject::Person(id) => id.0,
            Subject::Account(id) => id.0,
            Subject::Delegation(id) => id.0,
            Subject::Document(id) => id.0,
            Subject::Calendar | Subject::Login => Uuid::nil(),
            Subject::Movement(id) => id.0,
            Subject::Cluster(id) => id.0,
        }
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $code:literal,)*) => {
        /// The kinds of [`Change`], past tense, by stable code (what webhooks subscribe to).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($(#[$doc])* $variant,)*
        }

        impl Kind {
            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The kind of a stable code.
            pub fn from_code(code: &str) -> Option<Kind> {
                Kind::ALL.iter().copied().find(|k| k.code() == code)
            }

            /// Stable code, as written in the audit log and sent to webhooks.
            pub fn code(self) -> &'static str {
                match self {
                    $(Kind::$variant => $code,)*
                }
            }
        }
    };
}

kinds! {
    /// A public comment on a nomination in public notice.
    PublicCommentReceived => "PUBLIC_COMMENT_RECEIVED",
    /// A document was added to a dossier.
    DocumentAttached => "DOCUMENT_ATTACHED",
    /// A document was taken out of a dossier.
    DocumentDetached => "DOCUMENT_DETACHED",
    /// A proposal was drafted.
    ProposalCreated => "PROPOSAL_CREATED",
    /// A decision was signed.
    DecisionSigned => "DECISION_SIGNED",
    /// A decision was annulled by another.
    DecisionAnnulled => "DECISION_ANNULLED",
    /// Artefacts or cash of an annulled award came back.
    RecoveryRecorded => "RECOVERY_RECORDED",
    /// A certificate was issued.
    CertificateIssued => "CERTIFICATE_ISSUED",
    /// An emulation movement was launched.
    MovementLaunched => "MOVEMENT_LAUNCHED",
    /// A participating unit registered a nominee outside the administrative tree.
    ExternalNomineeRegistered => "EXTERNAL_NOMINEE_REGISTERED",
    /// An emulation cluster or block was set up with its scoring sheet.
    ClusterCreated => "CLUSTER_CREATED",
    /// A member scored itself on a criterion, with its evidence.
    ClusterScored => "CLUSTER_SCORED",
    /// The cluster head or the organiser's office adjusted a score, with a reason.
    ClusterScoreAdjusted => "CLUSTER_SCORE_ADJUSTED",
    /// A cluster's ranking was published and frozen.
    ClusterRankingPublished => "CLUSTER_RANKING_PUBLISHED",
    /// A council was set up.
    CouncilCreated => "COUNCIL_CREATED",
    /// A council was renamed or its quorum changed.
    CouncilUpdated => "COUNCIL_UPDATED",
    /// A member joined a council.
    CouncilMemberAdded => "COUNCIL_MEMBER_ADDED",
    /// A member's term ended.
    CouncilMembershipEnded => "COUNCIL_MEMBERSHIP_ENDED",
    /// A council's vote rule for an award was set.
    CouncilVoteRuleSet => "COUNCIL_VOTE_RULE_SET",
    /// A council's vote rule for an award was cleared.
    CouncilVoteRuleCleared => "COUNCIL_VOTE_RULE_CLEARED",
    /// A council session opened.
    CouncilSessionOpened => "COUNCIL_SESSION_OPENED",
    /// A member declared a conflict of interest on an item.
    CouncilRecusalDeclared => "COUNCIL_RECUSAL_DECLARED",
    /// An absent member's written opinion was recorded.
    CouncilWrittenOpinionRecorded => "COUNCIL_WRITTEN_OPINION_RECORDED",
    /// A show-of-hands tally was recorded.
    CouncilTallyRecorded => "COUNCIL_TALLY_RECORDED",
    /// The criteria a council found met were recorded.
    CouncilJudgementRecorded => "COUNCIL_JUDGEMENT_RECORDED",
    /// A secret ballot was cast.
    CouncilBallotCast => "COUNCIL_BALLOT_CAST",
    /// A council session closed.
    CouncilSessionClosed => "COUNCIL_SESSION_CLOSED",
    /// A criterion was attested for a nomination.
    CriterionAttested => "CRITERION_ATTESTED",
    /// A yearly rating was recorded.
    RatingRecorded => "RATING_RECORDED",
    /// A recognition (initiative, research, ...) was recorded.
    RecognitionRecorded => "RECOGNITION_RECORDED",
    /// A disciplinary measure was recorded.
    DisciplineRecorded => "DISCIPLINE_RECORDED",
    /// A block on a nominee was recorded.
    BlockRecorded => "BLOCK_RECORDED",
    /// A block was lifted.
    BlockResolved => "BLOCK_RESOLVED",
    /// An award received before Laurel was recorded.
    PriorAwardRecorded => "PRIOR_AWARD_RECORDED",
    /// A recruitment date was recorded.
    RecruitmentRecorded => "RECRUITMENT_RECORDED",
    /// An issuer's quota was set.
    QuotaSet => "QUOTA_SET",
    /// A unit was created.
    UnitCreated => "UNIT_CREATED",
    /// A person was created.
    PersonCreated => "PERSON_CREATED",
    /// An account was created.
    AccountCreated => "ACCOUNT_CREATED",
    /// An issuer's signing key was made.
    SigningKeyCreated => "SIGNING_KEY_CREATED",
    /// An issuer's signing key was retired (it keeps verifying what it signed).
    SigningKeyRetired => "SIGNING_KEY_RETIRED",
    /// An issuer's calibration for printing a form on its pre-printed blanks was set.
    BlankLayoutSet => "BLANK_LAYOUT_SET",
    /// An issuer's own certificate template for a form was set.
    CertificateTemplateSet => "CERTIFICATE_TEMPLATE_SET",
    /// An issuer's own certificate template was removed (the standard one prints again).
    CertificateTemplateRemoved => "CERTIFICATE_TEMPLATE_REMOVED",
    /// An account's e-mail address or notification mode changed.
    NotificationPreferencesChanged => "NOTIFICATION_PREFERENCES_CHANGED",
    /// An issuer's quota was removed.
    QuotaRemoved => "QUOTA_REMOVED",
    /// A role was granted.
    RoleGranted => "ROLE_GRANTED",
    /// A role was taken away.
    RoleRevoked => "ROLE_REVOKED",
    /// An account was disabled: its sessions end and it cannot log in.
    AccountDisabled => "ACCOUNT_DISABLED",
    /// A disabled account was enabled again.
    AccountEnabled => "ACCOUNT_ENABLED",
    /// Logins were refused for a while after too many failures, for a username or a client
    /// address.
    LoginThrottled => "LOGIN_THROTTLED",
    /// A role was delegated.
    RoleDelegated => "ROLE_DELEGATED",
    /// A delegation was revoked.
    DelegationRevoked => "DELEGATION_REVOKED",
    /// A day of the working calendar was corrected.
    CalendarDaySet => "CALENDAR_DAY_SET",
    /// A password was changed by its owner.
    PasswordChanged => "PASSWORD_CHANGED",
    /// A password was reset by an administrator.
    PasswordReset => "PASSWORD_RESET",
    /// Someone logged in.
    SessionStarted => "SESSION_STARTED",
    /// Someone logged out.
    SessionEnded => "SESSION_ENDED",
    /// A webhook endpoint was registered.
    WebhookRegistered => "WEBHOOK_REGISTERED",
    /// A webhook endpoint's deliveries were turned on.
    WebhookEnabled => "WEBHOOK_ENABLED",
    /// A webhook endpoint's deliveries were turned off.
    WebhookDisabled => "WEBHOOK_DISABLED",
    /// A delivery was put back in the queue by an administrator.
    WebhookRedeliveryRequested => "WEBHOOK_REDELIVERY_REQUESTED",
}

/// A change to anything but a nomination's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What changed.
    pub subject: Subject,
    /// What happened to it.
    pub kind: Kind,
    /// Its state before, for state changes.
    pub from_state: Option<String>,
    /// Its state after.
    pub to_state: Option<String>,
    /// The reason a person gave.
    pub reason: Option<String>,
    /// The rest, as JSON (fields are only ever added).
    pub details: Value,
}

impl Change {
    /// A change without states or reason.
    pub fn new(subject: Subject, kind: Kind, details: Value) -> Change {
        Change {
            subject,
            kind,
            from_state: None,
            to_state: None,
            reason: None,
            details,
        }
    }

    /// With the states before and after.
    pub fn states(mut self, from: Option<&str>, to: Option<&str>) -> Change {
        self.from_state = from.map(str::to_owned);
        self.to_state = to.map(str::to_owned);
        self
    }

    /// With the reason a person gave.
    pub fn reason(mut self, reason: Option<&str>) -> Change {
        self.reason = reason.map(str::to_owned);
        self
    }
}

/// The columns of an event's audit row (and the header of its outbox row).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditFields {
    /// The entity name.
    pub entity: &'static str,
    /// Its id.
    pub entity_id: Uuid,
    /// What happened.
    pub action: &'static str,
    /// State before.
    pub from_state: Option<String>,
    /// State after.
    pub to_state: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// The details: for a nomination, the whole typed event (it folds back); otherwise the
    /// change's JSON.
    pub details: Value,
}

impl From<Change> for DomainEvent {
    fn from(change: Change) -> DomainEvent {
        DomainEvent::Other(change)
    }
}

impl From<NominationEvent> for DomainEvent {
    fn from(event: NominationEvent) -> DomainEvent {
        DomainEvent::Nomination(event)
    }
}

impl DomainEvent {
    /// A change to anything but a nomination's row.
    pub fn other(subject: Subject, kind: Kind, details: Value) -> DomainEvent {
        DomainEvent::Other(Change::new(subject, kind, details))
    }

    /// Stable name of what happened.
    pub fn name(&self) -> &'static str {
        match self {
            DomainEvent::Nomination(e) => e.name(),
            DomainEvent::Other(c) => c.kind.code(),
        }
    }

    /// Its audit row's columns.
    pub fn audit_fields(&self) -> AuditFields {
        match self {
            DomainEvent::Other(c) => AuditFields {
                entity: c.subject.entity(),
                entity_id: c.subject.id(),
                action: c.kind.code(),
                from_state: c.from_state.clone(),
                to_state: c.to_state.clone(),
                reason: c.reason.clone(),
                details: c.details.clone(),
            },
            DomainEvent::Nomination(e) => {
                let (from, to, reason) = match e {
                    NominationEvent::Drafted { nomination } => {
                        (None, Some(nomination.state().code()), None)
                    }
                    NominationEvent::Moved {
                        event,
                        before,
                        after,
                        ..
                    } => {
                        let reasons = event.reasons();
                        (
                            Some(before.state.code()),
                            Some(after.state.code()),
                            (!reasons.is_empty()).then(|| reasons.join("; ")),
                        )
                    }
                    NominationEvent::Grouped { .. } => (None, None, None),
                };
                AuditFields {
                    entity: "nomination",
                    entity_id: e.nomination().0,
                    action: e.name(),
                    from_state: from.map(str::to_owned),
                    to_state: to.map(str::to_owned),
                    reason,
                    details: serde_json::to_value(e).unwrap_or_else(|err| {
                        // Serialising plain data to a `Value` cannot fail; keep the error if it did.
                        json!({ "unserialisable": err.to_string() })
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_code_in_past_tense() {
        let mut seen = std::collections::BTreeSet::new();
        for kind in Kind::ALL {
            let code = kind.code();
            assert!(seen.insert(code), "{code} twice");
            let last = code.rsplit('_').next().unwrap_or(code);
            assert!(
                last.ends_with("ED") || ["SET", "CAST", "RESET"].contains(&last),
                "{code} is not in the past tense"
            );
        }
    }
}
