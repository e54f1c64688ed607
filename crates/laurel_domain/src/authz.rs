//! Authorization: who may do what, where in the unit tree.
//!
//! Every account holds role grants, each scoped to a unit. A grant reaches either that unit's
//! whole subtree or that unit alone, depending on the role and the action (see [`policy`]).
//! The policy is one table so it can be read, reviewed and snapshot-tested as a whole.

use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::ids::{AccountId, UnitId};
use crate::message::Explain;
use crate::org::UnitPath;

/// A role an account can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Quản trị hệ thống: manages units, accounts and roles; reads everything; decides nothing.
    Admin,
    /// Cán bộ thi đua (unit clerk): records people, drafts nominations.
    Clerk,
    /// Thủ trưởng đơn vị (unit head): submits the unit's nominations upward.
    UnitHead,
    /// Người ký (authority or deputy): signs award decisions for one issuer.
    Signer,
    /// Thư ký Hội đồng Thi đua - Khen thưởng: records the council's outcomes for one issuer.
    CouncilSecretary,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Clerk,
        Role::UnitHead,
        Role::Signer,
        Role::CouncilSecretary,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Clerk => "CLERK",
            Role::UnitHead => "UNIT_HEAD",
            Role::Signer => "SIGNER",
            Role::CouncilSecretary => "COUNCIL_SECRETARY",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Role::Admin => "quản trị",
            Role::Clerk => "cán bộ thi đua",
            Role::UnitHead => "thủ trưởng đơn vị",
            Role::Signer => "người ký quyết định",
            Role::CouncilSecretary => "thư ký Hội đồng Thi đua - Khen thưởng",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::Clerk => "clerk",
            Role::UnitHead => "unit head",
            Role::Signer => "signer",
            Role::CouncilSecretary => "council secretary",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A role code Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownRole(s.chars().take(64).collect()))
    }
}

/// One role held by an account, scoped to a unit (`None` only for [`Role::Admin`], which is global).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The unit the role is held at.
    pub unit: Option<UnitId>,
}

/// Why a grant request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidGrant {
    /// Administrators are global; a unit makes no sense.
    #[error("the ADMIN role is global and takes no unit")]
    AdminTakesNoUnit,
    /// Every other role is held at a unit.
    #[error("the {0} role must be scoped to a unit")]
    UnitRequired(Role),
}

impl Explain for InvalidGrant {
    fn message_vi(&self) -> String {
        match self {
            InvalidGrant::AdminTakesNoUnit => {
                "Vai trò ADMIN áp dụng toàn hệ thống, không gắn với đơn vị.".into()
            }
            InvalidGrant::UnitRequired(role) => {
                format!("Vai trò {role} phải gắn với một đơn vị (unitId).")
            }
        }
    }
    fn message_en(&self) -> String {
        format!("{self}.")
    }
}

impl Grant {
    /// Checks that the role and the scope fit together.
    pub fn new(role: Role, unit: Option<UnitId>) -> Result<Grant, InvalidGrant> {
        match (role, unit) {
            (Role::Admin, Some(_)) => Err(InvalidGrant::AdminTakesNoUnit),
            (Role::Admin, None) => Ok(Grant { role, unit }),
            (_, None) => Err(InvalidGrant::UnitRequired(role)),
            (_, Some(_)) => Ok(Grant { role, unit }),
        }
    }
}

/// A time-boxed delegation (ủy quyền): `delegate` holds `role` at `unit` from `from` to `until`
/// inclusive, on behalf of `delegator`, who holds it there. Acting signers sign "TUQ.".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    /// The role delegated.
    pub role: Role,
    /// Where.
    pub unit: UnitId,
    /// Who holds the role and delegates it.
    pub delegator: AccountId,
    /// Who acts.
    pub delegate: AccountId,
    /// First day (Asia/Ho_Chi_Minh).
    pub from: Date,
    /// Last day, inclusive.
    pub until: Date,
}

/// Longest delegation, in days: an acting appointment is time-boxed.
pub const DELEGATION_MAX_DAYS: i64 = 366;

/// Why a delegation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDelegation {
    /// Administration is never delegated.
    #[error("the ADMIN role is not delegated")]
    Admin,
    /// To oneself.
    #[error("an account cannot delegate to itself")]
    ToSelf,
    /// The window is empty or too long.
    #[error(
        "a delegation runs from a day to a later or equal day, at most {DELEGATION_MAX_DAYS} days"
    )]
    Window,
    /// The delegator does not hold the role there (a delegate cannot pass it on).
    #[error("the delegator does not hold {0} at that unit")]
    NotHeld(Role),
}

impl Explain for InvalidDelegation {
    fn message_vi(&self) -> String {
        match self {
            InvalidDelegation::Admin => "Không ủy quyền vai trò quản trị (ADMIN).".into(),
            InvalidDelegation::ToSelf => "Không thể ủy quyền cho chính mình.".into(),
            InvalidDelegation::Window => format!(
                "Thời hạn ủy quyền phải có ngày bắt đầu không sau ngày kết thúc, tối đa {DELEGATION_MAX_DAYS} ngày."
            ),
            InvalidDelegation::NotHeld(role) => format!(
                "Người ủy quyền không giữ vai trò {} ({}) tại đơn vị này (người được ủy quyền không được ủy quyền lại).",
                role.name_vi(),
                role.code()
            ),
        }
    }
    fn message_en(&self) -> String {
        format!("{self}.")
    }
}

impl Delegation {
    /// Checks a delegation: never ADMIN, never to oneself, a window of at most a year, and the
    /// delegator holds the role at the unit by a grant of their own (no chains).
    pub fn new(
        role: Role,
        unit: UnitId,
        delegator: &Actor,
        delegate: AccountId,
        from: Date,
        until: Date,
    ) -> Result<Delegation, InvalidDelegation> {
        if role == Role::Admin {
            return Err(InvalidDelegation::Admin);
        }
        if delegate == delegator.account {
            return Err(InvalidDelegation::ToSelf);
        }
        if until < from || (until - from).whole_days() >= DELEGATION_MAX_DAYS {
            return Err(InvalidDelegation::Window);
        }
        let held = delegator
            .grants
            .iter()
            .any(|g| g.role == role && g.unit == Some(unit));
        if !held {
            return Err(InvalidDelegation::NotHeld(role));
        }
        Ok(Delegation {
            role,
            unit,
            delegator: delegator.account,
            delegate,
            from,
            until,
        })
    }

    /// Whether it is in force on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.from <= date && date <= self.until
    }
}

/// A role an actor holds today by delegation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    /// The role and unit.
    pub grant: Grant,
    /// On whose behalf.
    pub for_account: AccountId,
    /// Last day.
    pub until: Date,
}

/// By what right an actor acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// A role of their own.
    Own,
    /// A role delegated to them by `for_account` (TUQ.).
    Acting {
        /// The delegator.
        for_account: AccountId,
    },
}

/// The authenticated account behind a request, with everything authorization needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account.
    pub account: AccountId,
    /// Its role grants.
    pub grants: Vec<Grant>,
    /// Roles delegated to it that are in force today.
    pub acting: Vec<Acting>,
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Create units and accounts, grant roles, read the whole audit log.
    ManageOrganisation,
    /// Record a person in a unit (the target is the person's unit).
    RecordPerson,
    /// Record facts about a nominee: ratings, initiatives, discipline, blocks, prior awards
    /// (the target is the nominee's unit).
    RecordFacts,
    /// Configure an issuer: its quotas (the target is the issuer).
    ConfigureIssuer,
    /// Attest a judgement criterion of a nomination (the target is the issuer). The council
    /// workflow will record these from its votes; until then the issuer's signer or the
    /// council's secretary does.
    AttestCriterion,
    /// Create or edit a nomination, group nominations into a proposal, attach documents to
    /// them (the target is the proposing unit).
    DraftNomination,
    /// Withdraw a nomination (the target is the proposing unit).
    WithdrawNomination,
    /// Issue certificates for a signed decision (the target is the issuer).
    IssueCertificates,
    /// Track the recovery of an annulled award's artefact and cash (the target is the issuer).
    TrackRecovery,
    /// Set up an issuer's council: its members' terms, quorum and own vote rules (the target is
    /// the issuer).
    ManageCouncil,
    /// Run a council session: open it, record presence, recusals, written opinions, tallies
    /// and judgements, close it (the target is the issuer). Members cast their own ballots.
    RunCouncilSession,
    /// Launch an emulation movement (the target is the launching unit): its emulation office's
    /// clerk or its signer.
    LaunchMovement,
    /// Set up an emulation cluster or block and publish its ranking (the target is the
    /// organising unit): its emulation office's clerk or its signer.
    OrganiseCluster,
    /// Score one's own unit in a cluster, with evidence (the target is the member unit).
    ScoreCluster,
    /// Adjust a member's score, with a reason (the target is the cluster head or the
    /// organiser).
    AdjustClusterScore,
    /// Read units' people, nominations, decisions and certificates (the target is the unit read).
    Read,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 16] = [
        Action::ManageOrganisation,
        Action::RecordPerson,
        Action::RecordFacts,
        Action::ConfigureIssuer,
        Action::AttestCriterion,
        Action::DraftNomination,
        Action::WithdrawNomination,
        Action::IssueCertificates,
        Action::TrackRecovery,
        Action::ManageCouncil,
        Action::RunCouncilSession,
        Action::LaunchMovement,
        Action::OrganiseCluster,
        Action::ScoreCluster,
        Action::AdjustClusterScore,
        Action::Read,
    ];

    fn name_vi(self) -> &'static str {
        match self {
            Action::ManageOrganisation => "quản lý tổ chức và tài khoản",
            Action::RecordPerson => "ghi nhận cá nhân",
            Action::RecordFacts => "ghi nhận kết quả đánh giá, sáng kiến, kỷ luật",
            Action::ConfigureIssuer => "cấu hình chỉ tiêu khen thưởng",
            Action::AttestCriterion => "xác nhận tiêu chí cần thẩm định",
            Action::DraftNomination => "lập đề nghị khen thưởng",
            Action::WithdrawNomination => "rút đề nghị khen thưởng",
            Action::IssueCertificates => "cấp bằng, giấy khen",
            Action::TrackRecovery => "theo dõi thu hồi hiện vật, tiền thưởng",
            Action::ManageCouncil => "thiết lập Hội đồng Thi đua - Khen thưởng",
            Action::RunCouncilSession => "điều hành phiên họp Hội đồng",
            Action::LaunchMovement => "phát động phong trào thi đua",
            Action::OrganiseCluster => "tổ chức cụm, khối thi đua và công bố xếp hạng",
            Action::ScoreCluster => "tự chấm điểm thi đua của đơn vị",
            Action::AdjustClusterScore => "thẩm định, điều chỉnh điểm thi đua của cụm, khối",
            Action::Read => "xem dữ liệu",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            Action::ManageOrganisation => "manage units and accounts",
            Action::RecordPerson => "record people",
            Action::RecordFacts => "record ratings, initiatives and discipline",
            Action::ConfigureIssuer => "configure award quotas",
            Action::AttestCriterion => "attest judgement criteria",
            Action::DraftNomination => "draft nominations",
            Action::WithdrawNomination => "withdraw nominations",
            Action::IssueCertificates => "issue certificates",
            Action::TrackRecovery => "track the recovery of annulled awards",
            Action::ManageCouncil => "set up the emulation council",
            Action::RunCouncilSession => "run council sessions",
            Action::LaunchMovement => "launch emulation movements",
            Action::OrganiseCluster => "organise emulation clusters and publish their rankings",
            Action::ScoreCluster => "score one's own unit in an emulation cluster",
            Action::AdjustClusterScore => "adjust the scores of an emulation cluster",
            Action::Read => "read data",
        }
    }
}

/// How far a grant reaches from its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Everywhere (administrators).
    Global,
    /// The unit and every unit below it.
    Subtree,
    /// The unit itself only.
    Exact,
}

/// The whole authorization policy: which roles may perform an action, and how far they reach.
///
/// Signers reach their own unit only: a decision is signed on behalf of exactly one issuer's
/// office. Administrators manage the organisation and read everything, but take no part in a
/// nomination's life (separation of duties; an administrator who must act grants themself a role,
/// which is audited).
pub fn policy(action: Action) -> &'static [(Role, Reach)] {
    use {Reach::*, Role::*};
    match action {
        Action::ManageOrganisation => &[(Admin, Global)],
        Action::RecordPerson => &[(Admin, Global), (Clerk, Subtree)],
        Action::RecordFacts => &[(Clerk, Subtree)],
        Action::ConfigureIssuer => &[(Admin, Global), (Signer, Exact)],
        Action::AttestCriterion => &[(Signer, Exact), (CouncilSecretary, Exact)],
        Action::DraftNomination => &[(Clerk, Subtree)],
        Action::WithdrawNomination => &[(Clerk, Subtree), (UnitHead, Subtree)],
        Action::IssueCertificates => &[(Signer, Exact), (Clerk, Subtree)],
        Action::TrackRecovery => &[(Signer, Exact), (Clerk, Exact)],
        Action::ManageCouncil => &[(Admin, Global), (Signer, Exact)],
        Action::RunCouncilSession => &[(CouncilSecretary, Exact)],
        Action::LaunchMovement => &[(Signer, Exact), (Clerk, Exact)],
        Action::OrganiseCluster => &[(Signer, Exact), (Clerk, Exact)],
        Action::ScoreCluster => &[(Clerk, Exact), (UnitHead, Exact)],
        Action::AdjustClusterScore => &[(Clerk, Exact), (UnitHead, Exact)],
        Action::Read => &[
            (Admin, Global),
            (Clerk, Subtree),
            (UnitHead, Subtree),
            (Signer, Subtree),
            (CouncilSecretary, Subtree),
        ],
    }
}

/// What was attempted, for a denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// An action of the policy.
    Action(Action),
    /// A step of a nomination's review, which needs `role` at the stage's party.
    Stage {
        /// The role the stage needs.
        role: Role,
        /// The command, in Vietnamese ("tiếp nhận").
        command_vi: &'static str,
        /// The command, in English ("receive").
        command_en: &'static str,
        /// The party, in Vietnamese.
        party_vi: &'static str,
        /// The party, in English.
        party_en: &'static str,
    },
}

/// The actor may not do it there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not allowed: {attempt:?} at unit {unit:?}")]
pub struct Denied {
    /// What was attempted.
    pub attempt: Attempt,
    /// Where (the unit at the end of the target path).
    pub unit: Option<UnitId>,
}

impl Denied {
    /// A denied action of the policy at `unit`.
    pub fn action(action: Action, unit: Option<UnitId>) -> Denied {
        Denied {
            attempt: Attempt::Action(action),
            unit,
        }
    }
}

impl Explain for Denied {
    fn message_vi(&self) -> String {
        match self.attempt {
            Attempt::Action(action) => format!(
                "Bạn không có quyền {} tại đơn vị này. Cần một trong các vai trò: {}.",
                action.name_vi(),
                roles_text(action, Role::name_vi)
            ),
            Attempt::Stage {
                role,
                command_vi,
                party_vi,
                ..
            } => format!(
                "Bạn không có quyền {command_vi} đề nghị này ở bước hiện tại: cần vai trò {} ({}) của {party_vi}, hoặc được ủy quyền vai trò đó.",
                role.name_vi(),
                role.code()
            ),
        }
    }
    fn message_en(&self) -> String {
        match self.attempt {
            Attempt::Action(action) => format!(
                "You are not allowed to {} in this unit. It needs one of these roles: {}.",
                action.name_en(),
                roles_text(action, Role::name_en)
            ),
            Attempt::Stage {
                role,
                command_en,
                party_en,
                ..
            } => format!(
                "You may not {command_en} this nomination at its current stage: it needs the {} role ({}) of {party_en}, held or delegated.",
                role.name_en(),
                role.code()
            ),
        }
    }
}

fn roles_text(action: Action, name: fn(Role) -> &'static str) -> String {
    policy(action)
        .iter()
        .map(|(role, reach)| match reach {
            Reach::Global => name(*role).to_string(),
            Reach::Subtree | Reach::Exact => format!("{} ({})", name(*role), role.code()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn reaches(grant: &Grant, role: Role, reach: Reach, target: &UnitPath) -> bool {
    grant.role == role
        && match (reach, grant.unit) {
            (Reach::Global, _) => true,
            (Reach::Subtree, Some(unit)) => target.contains(unit),
            (Reach::Exact, Some(unit)) => target.unit() == Some(unit),
            (Reach::Subtree | Reach::Exact, None) => false,
        }
}

impl Actor {
    /// The actor behind a request on `today`: its own grants, and the delegations to it that are
    /// in force that day (expired or future ones give nothing).
    pub fn new(
        account: AccountId,
        grants: Vec<Grant>,
        delegations: &[Delegation],
        today: Date,
    ) -> Actor {
        let acting = delegations
            .iter()
            .filter(|d| d.delegate == account && d.active_on(today) && d.role != Role::Admin)
            .map(|d| Acting {
                grant: Grant {
                    role: d.role,
                    unit: Some(d.unit),
                },
                for_account: d.delegator,
                until: d.until,
            })
            .collect();
        Actor {
            account,
            grants,
            acting,
        }
    }

    /// Whether the actor holds `role` with `reach` over the unit at the end of `target`, and by
    /// what right: its own grant first, else a delegation in force.
    pub fn authorize_role(&self, role: Role, reach: Reach, target: &UnitPath) -> Option<Authority> {
        if self.grants.iter().any(|g| reaches(g, role, reach, target)) {
            return Some(Authority::Own);
        }
        self.acting
            .iter()
            .find(|a| reaches(&a.grant, role, reach, target))
            .map(|a| Authority::Acting {
                for_account: a.for_account,
            })
    }

    /// Whether the actor may perform `action` on the unit at the end of `target`.
    pub fn authorize(&self, action: Action, target: &UnitPath) -> Result<(), Denied> {
        let allowed = policy(action)
            .iter()
            .any(|&(role, reach)| self.authorize_role(role, reach, target).is_some());
        if allowed {
            Ok(())
        } else {
            Err(Denied {
                attempt: Attempt::Action(action),
                unit: target.unit(),
            })
        }
    }

    /// Whether the actor holds `role` anywhere, by its own grant or a delegation in force.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
            || self.acting.iter().any(|a| a.grant.role == role)
    }

    /// Every grant the actor may use today: its own, then the delegated ones.
    pub fn all_grants(&self) -> impl Iterator<Item = &Grant> {
        self.grants
            .iter()
            .chain(self.acting.iter().map(|a| &a.grant))
    }

    /// The units where the actor may `Read` (subtree roots); `None` means everywhere.
    pub fn readable_roots(&self) -> Option<Vec<UnitId>> {
        if self.has_role(Role::Admin) {
            return None;
        }
        let mut roots: Vec<UnitId> = self.all_grants().filter_map(|g| g.unit).collect();
        roots.sort_unstable();
        roots.dedup();
        Some(roots)
    }
}

/// The policy as a table, one line per action: used by a snapshot test and the docs.
pub fn policy_table() -> String {
    let mut out = String::new();
    for action in Action::ALL {
        let roles: Vec<String> = policy(action)
            .iter()
            .map(|(role, reach)| format!("{}:{reach:?}", role.code()))
            .collect();
        out.push_str(&format!("{action:?}: {}\n", roles.join(" ")));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;
    use uuid::Uuid;

    fn unit(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }

    fn actor(grants: &[(Role, Option<UnitId>)]) -> Actor {
        Actor {
            account: AccountId(Uuid::from_u128(99)),
            grants: grants
                .iter()
                .map(|&(role, unit)| Grant { role, unit })
                .collect(),
            acting: Vec::new(),
        }
    }

    fn day(d: u8) -> Date {
        Date::from_calendar_date(2025, time::Month::March, d).unwrap_or(Date::MIN)
    }

    #[test]
    fn the_policy_reads_as_a_table() {
        insta::assert_snapshot!(policy_table());
    }

    #[test]
    fn roles_reach_as_the_policy_says() {
        // Tree: province(1) -> staff office(2), police dept(3).
        let province = UnitPath(vec![unit(1)]);
        let staff = province.child(unit(2));
        let police = province.child(unit(3));
        let clerk_of_staff = actor(&[(Role::Clerk, Some(unit(2)))]);
        let head_of_staff = actor(&[(Role::UnitHead, Some(unit(2)))]);
        let head_of_province = actor(&[(Role::UnitHead, Some(unit(1)))]);
        let signer_of_province = actor(&[(Role::Signer, Some(unit(1)))]);
        let admin = actor(&[(Role::Admin, None)]);

        #[rustfmt::skip]
        let cases: &[(&Actor, Action, &UnitPath, bool)] = &[
            (&clerk_of_staff, Action::DraftNomination, &staff, true),
            (&clerk_of_staff, Action::DraftNomination, &police, false), // outside the subtree
            (&clerk_of_staff, Action::DraftNomination, &province, false), // above it
            (&head_of_staff, Action::WithdrawNomination, &staff, true),
            (&head_of_staff, Action::WithdrawNomination, &police, false), // head of another unit
            (&head_of_province, Action::WithdrawNomination, &police, true), // subtree
            (&signer_of_province, Action::ConfigureIssuer, &province, true),
            (&signer_of_province, Action::ConfigureIssuer, &staff, false), // one issuer only
            (&clerk_of_staff, Action::ConfigureIssuer, &staff, false),
            (&admin, Action::ManageOrganisation, &province, true),
            (&admin, Action::Read, &police, true),
            (&admin, Action::DraftNomination, &staff, false), // separation of duties
            (&clerk_of_staff, Action::ManageOrganisation, &staff, false),
            (&signer_of_province, Action::Read, &staff, true),
        ];
        for (actor, action, target, expected) in cases {
            assert_eq!(
                actor.authorize(*action, target).is_ok(),
                *expected,
                "{action:?} by {:?} at {:?}",
                actor.grants,
                target.unit()
            );
        }
    }

    #[test]
    fn admin_is_global_and_other_roles_need_a_unit() {
        assert!(Grant::new(Role::Admin, None).is_ok());
        assert_eq!(
            Grant::new(Role::Admin, Some(unit(1))),
            Err(InvalidGrant::AdminTakesNoUnit)
        );
        assert_eq!(
            Grant::new(Role::Clerk, None),
            Err(InvalidGrant::UnitRequired(Role::Clerk))
        );
    }

    #[test]
    fn a_denial_names_the_roles_that_would_be_allowed() {
        let denied = actor(&[])
            .authorize(Action::ConfigureIssuer, &UnitPath(vec![unit(1)]))
            .expect_err("no roles");
        assert!(
            denied.message_en().contains("SIGNER"),
            "{}",
            denied.message_en()
        );
        assert!(
            denied.message_vi().contains("SIGNER"),
            "{}",
            denied.message_vi()
        );
    }

    #[test]
    fn a_delegation_acts_only_within_its_window_and_names_the_delegator() {
        let province = UnitPath(vec![unit(1)]);
        let director = Actor {
            account: AccountId(Uuid::from_u128(7)),
            ..actor(&[(Role::Signer, Some(unit(1)))])
        };
        let deputy = AccountId(Uuid::from_u128(99));
        let delegation =
            Delegation::new(Role::Signer, unit(1), &director, deputy, day(10), day(20)).unwrap();
        #[rustfmt::skip]
        let cases = [
            (day(9), None),
            (day(10), Some(Authority::Acting { for_account: director.account })),
            (day(20), Some(Authority::Acting { for_account: director.account })),
            (day(21), None), // expired
        ];
        for (today, expected) in cases {
            let acting = Actor::new(deputy, Vec::new(), std::slice::from_ref(&delegation), today);
            assert_eq!(
                acting.authorize_role(Role::Signer, Reach::Exact, &province),
                expected,
                "{today}"
            );
            assert_eq!(
                acting.authorize(Action::ConfigureIssuer, &province).is_ok(),
                expected.is_some(),
                "a delegated role counts wherever the role is checked ({today})"
            );
        }
        // Someone else's delegation gives nothing.
        let other = Actor::new(
            AccountId(Uuid::from_u128(5)),
            Vec::new(),
            &[delegation],
            day(15),
        );
        assert_eq!(
            other.authorize_role(Role::Signer, Reach::Exact, &province),
            None
        );
    }

    #[test]
    fn delegations_are_time_boxed_and_never_chained() {
        let director = Actor {
            account: AccountId(Uuid::from_u128(7)),
            ..actor(&[(Role::Signer, Some(unit(1))), (Role::Admin, None)])
        };
        let deputy = AccountId(Uuid::from_u128(99));
        #[rustfmt::skip]
        let cases = [
            (Role::Signer, unit(1), deputy, day(10), day(20), Ok(())),
            (Role::Signer, unit(1), director.account, day(10), day(20), Err(InvalidDelegation::ToSelf)),
            (Role::Signer, unit(1), deputy, day(20), day(10), Err(InvalidDelegation::Window)),
            (Role::Admin, unit(1), deputy, day(10), day(20), Err(InvalidDelegation::Admin)),
            (Role::Signer, unit(2), deputy, day(10), day(20), Err(InvalidDelegation::NotHeld(Role::Signer))),
            (Role::Clerk, unit(1), deputy, day(10), day(20), Err(InvalidDelegation::NotHeld(Role::Clerk))),
        ];
        for (role, at, to, from, until, expected) in cases {
            assert_eq!(
                Delegation::new(role, at, &director, to, from, until).map(|_| ()),
                expected,
                "{role} at {at:?}"
            );
        }
        let long = Date::from_calendar_date(2026, time::Month::March, 12).unwrap_or(Date::MAX);
        assert_eq!(
            Delegation::new(Role::Signer, unit(1), &director, deputy, day(10), long).map(|_| ()),
            Err(InvalidDelegation::Window)
        );
        // A delegate cannot pass the role on: it is not their own grant.
        let acting = Actor::new(
            deputy,
            Vec::new(),
            &[
                Delegation::new(Role::Signer, unit(1), &director, deputy, day(10), day(20))
                    .unwrap(),
            ],
            day(15),
        );
        assert_eq!(
            Delegation::new(
                Role::Signer,
                unit(1),
                &acting,
                AccountId(Uuid::from_u128(5)),
                day(15),
                day(16)
            )
            .map(|_| ()),
            Err(InvalidDelegation::NotHeld(Role::Signer))
        );
    }
}
