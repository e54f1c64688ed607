//! Authorization: who may do what, where in the unit tree.
//!
//! Every account holds role grants, each scoped to a unit. A grant reaches either that unit's
//! whole subtree or that unit alone, depending on the role and the action (see [`policy`]).
//! The policy is one table so it can be read, reviewed and snapshot-tested as a whole.

use std::fmt;
use std::str::FromStr;

use crate::ids::{AccountId, UnitId};
use crate::message::Explain;
use crate::org::UnitPath;

/// A role an account can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Quản trị hệ thống: manages units, accounts and roles; reads everything; decides nothing.
    Admin,
    /// Cán bộ thi đua (unit clerk): records people, drafts nominations.
    Clerk,
    /// Thủ trưởng đơn vị (unit head): submits the unit's nominations upward.
    UnitHead,
    /// Người ký (authority or deputy): signs award decisions for one issuer.
    Signer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Clerk, Role::UnitHead, Role::Signer];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Clerk => "CLERK",
            Role::UnitHead => "UNIT_HEAD",
            Role::Signer => "SIGNER",
        }
    }

    fn name_vi(self) -> &'static str {
        match self {
            Role::Admin => "quản trị",
            Role::Clerk => "cán bộ thi đua",
            Role::UnitHead => "thủ trưởng đơn vị",
            Role::Signer => "người ký quyết định",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::Clerk => "clerk",
            Role::UnitHead => "unit head",
            Role::Signer => "signer",
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

/// The authenticated account behind a request, with everything authorization needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account.
    pub account: AccountId,
    /// Its role grants.
    pub grants: Vec<Grant>,
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
    /// workflow will record these from its votes; until then the issuer's signer does.
    AttestCriterion,
    /// Create or edit a nomination (the target is the proposing unit).
    DraftNomination,
    /// Withdraw a nomination (the target is the proposing unit).
    WithdrawNomination,
    /// Submit a nomination upward (the target is the proposing unit).
    SubmitNomination,
    /// Sign a decision (the target is the issuer).
    SignDecision,
    /// Issue certificates for a signed decision (the target is the issuer).
    IssueCertificates,
    /// Read units' people, nominations, decisions and certificates (the target is the unit read).
    Read,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 11] = [
        Action::ManageOrganisation,
        Action::RecordPerson,
        Action::RecordFacts,
        Action::ConfigureIssuer,
        Action::AttestCriterion,
        Action::DraftNomination,
        Action::WithdrawNomination,
        Action::SubmitNomination,
        Action::SignDecision,
        Action::IssueCertificates,
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
            Action::SubmitNomination => "trình đề nghị khen thưởng",
            Action::SignDecision => "ký quyết định khen thưởng",
            Action::IssueCertificates => "cấp bằng, giấy khen",
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
            Action::SubmitNomination => "submit nominations",
            Action::SignDecision => "sign award decisions",
            Action::IssueCertificates => "issue certificates",
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
        Action::AttestCriterion => &[(Signer, Exact)],
        Action::DraftNomination => &[(Clerk, Subtree)],
        Action::WithdrawNomination => &[(Clerk, Subtree), (UnitHead, Subtree)],
        Action::SubmitNomination => &[(UnitHead, Subtree)],
        Action::SignDecision => &[(Signer, Exact)],
        Action::IssueCertificates => &[(Signer, Exact), (Clerk, Subtree)],
        Action::Read => &[
            (Admin, Global),
            (Clerk, Subtree),
            (UnitHead, Subtree),
            (Signer, Subtree),
        ],
    }
}

/// The actor may not perform the action there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not allowed to {action:?} at unit {unit:?}")]
pub struct Denied {
    /// What was attempted.
    pub action: Action,
    /// Where (the unit at the end of the target path).
    pub unit: Option<UnitId>,
}

impl Explain for Denied {
    fn message_vi(&self) -> String {
        format!(
            "Bạn không có quyền {} tại đơn vị này. Cần một trong các vai trò: {}.",
            self.action.name_vi(),
            roles_text(self.action, Role::name_vi)
        )
    }
    fn message_en(&self) -> String {
        format!(
            "You are not allowed to {} in this unit. It needs one of these roles: {}.",
            self.action.name_en(),
            roles_text(self.action, Role::name_en)
        )
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

impl Actor {
    /// Whether the actor may perform `action` on the unit at the end of `target`.
    pub fn authorize(&self, action: Action, target: &UnitPath) -> Result<(), Denied> {
        let allowed = policy(action).iter().any(|&(role, reach)| {
            self.grants.iter().any(|grant| {
                grant.role == role
                    && match (reach, grant.unit) {
                        (Reach::Global, _) => true,
                        (Reach::Subtree, Some(unit)) => target.contains(unit),
                        (Reach::Exact, Some(unit)) => target.unit() == Some(unit),
                        (Reach::Subtree | Reach::Exact, None) => false,
                    }
            })
        });
        if allowed {
            Ok(())
        } else {
            Err(Denied {
                action,
                unit: target.unit(),
            })
        }
    }

    /// Whether the actor holds `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The units where the actor may `Read` (subtree roots); `None` means everywhere.
    pub fn readable_roots(&self) -> Option<Vec<UnitId>> {
        if self.has_role(Role::Admin) {
            return None;
        }
        let mut roots: Vec<UnitId> = self.grants.iter().filter_map(|g| g.unit).collect();
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
        }
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
            (&clerk_of_staff, Action::SubmitNomination, &staff, false), // clerks do not submit
            (&head_of_staff, Action::SubmitNomination, &staff, true),
            (&head_of_staff, Action::SubmitNomination, &police, false), // head of another unit
            (&head_of_province, Action::SubmitNomination, &police, true), // subtree
            (&signer_of_province, Action::SignDecision, &province, true),
            (&signer_of_province, Action::SignDecision, &staff, false), // signs for one issuer only
            (&clerk_of_staff, Action::SignDecision, &staff, false),
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
            .authorize(Action::SignDecision, &UnitPath(vec![unit(1)]))
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
}
