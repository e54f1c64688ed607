//! Mutations. Each takes one `input` object and returns a `…Payload`. Mutations that change a
//! nomination take its `expectedVersion`; a stale one is refused with `CONFLICT`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use laurel_domain::ids::{AccountId, DecisionId, NominationId, UnitId};
use laurel_domain::text::InvalidInput;
use time::OffsetDateTime;

use super::enums::{AwardKindCode, CommendationKind, Role, SignerCapacity};
use super::rules::EligibilityNode;
use super::types::{
    AccountNode, CertificateNode, DecisionNode, NominationNode, PersonNode, UnitNode,
};
use super::{actor, now, ops, parse_id, signed_in};
use crate::error::OpsError;
use crate::ops::{CreateAccount, CreateNomination, CreatePerson, CreateUnit, SignDecision};

/// Mutations of the organisation and the nomination workflow.
#[derive(Debug, Default)]
pub struct WorkflowMutation;

/// Credentials.
#[derive(Debug, InputObject)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

/// A new session.
#[derive(Debug, SimpleObject)]
pub struct LoginPayload {
    /// Send it as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
    /// When the session ends.
    pub expires_at: OffsetDateTime,
    /// Whether the one-time password must be changed (`changePassword`) before anything else.
    pub must_change_password: bool,
    pub account: AccountNode,
}

/// The result of logging out.
#[derive(Debug, SimpleObject)]
pub struct LogoutPayload {
    /// Whether a session was open and is now ended.
    pub logged_out: bool,
}

/// A password change.
#[derive(Debug, InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

/// The account after a password change.
#[derive(Debug, SimpleObject)]
pub struct ChangePasswordPayload {
    pub account: AccountNode,
}

/// A new unit.
#[derive(Debug, InputObject)]
pub struct CreateUnitInput {
    /// Tên đơn vị, e.g. "Công an tỉnh Gia Lai".
    pub name: String,
    /// Short code used in decision numbers, e.g. "CAT" (letters, digits, '-').
    pub code: String,
    /// Chức danh thủ trưởng, e.g. "Giám đốc" (default "Thủ trưởng").
    pub head_title: Option<String>,
    /// Địa danh printed before dates on documents, e.g. "Gia Lai".
    pub place: Option<String>,
    /// The parent unit; none for a root.
    pub parent_id: Option<ID>,
}

#[derive(Debug, SimpleObject)]
pub struct CreateUnitPayload {
    pub unit: UnitNode,
}

/// A new person.
#[derive(Debug, InputObject)]
pub struct CreatePersonInput {
    /// Họ và tên.
    pub full_name: String,
    /// Cấp bậc or honorific printed before the name, e.g. "Đại úy".
    pub rank: Option<String>,
    /// Chức vụ, e.g. "Phó Trưởng phòng".
    pub position: Option<String>,
    /// Ngày tuyển dụng (months worked count from it).
    pub recruited_on: Option<time::Date>,
    pub unit_id: ID,
}

#[derive(Debug, SimpleObject)]
pub struct CreatePersonPayload {
    pub person: PersonNode,
}

/// A new login account.
#[derive(Debug, InputObject)]
pub struct CreateAccountInput {
    /// 3-64 characters of a-z, 0-9, '.', '_', '-'.
    pub username: String,
    /// The initial password, at least 10 characters.
    pub password: String,
    /// Shown name (default: the person's name, else the username).
    pub display_name: Option<String>,
    /// The person this account belongs to.
    pub person_id: Option<ID>,
    /// Whether the password must be changed at first login.
    #[graphql(default = true)]
    pub must_change_password: bool,
    /// Where its notifications go (e-mail, when the server sends mail).
    pub email: Option<String>,
}

#[derive(Debug, SimpleObject)]
pub struct CreateAccountPayload {
    pub account: AccountNode,
}

/// A role to grant.
#[derive(Debug, InputObject)]
pub struct GrantRoleInput {
    pub account_id: ID,
    pub role: Role,
    /// The unit the role is held at (required for every role but ADMIN).
    pub unit_id: Option<ID>,
}

/// A role to take away.
#[derive(Debug, InputObject)]
pub struct RevokeRoleInput {
    pub account_id: ID,
    pub role: Role,
    /// The unit the role is held at (none for ADMIN).
    pub unit_id: Option<ID>,
    /// Why, for the audit log.
    pub reason: String,
}

#[derive(Debug, SimpleObject)]
pub struct RevokeRolePayload {
    pub account: AccountNode,
    /// False when the account did not hold this role there (nothing changed).
    pub revoked: bool,
}

/// An account to disable.
#[derive(Debug, InputObject)]
pub struct DisableAccountInput {
    pub account_id: ID,
    /// Why, for the audit log.
    pub reason: String,
}

/// A disabled account to enable again.
#[derive(Debug, InputObject)]
pub struct EnableAccountInput {
    pub account_id: ID,
    /// Why, for the audit log.
    pub reason: String,
}

#[derive(Debug, SimpleObject)]
pub struct AccountStatusPayload {
    pub account: AccountNode,
    /// False when the account already was so (nothing changed).
    pub changed: bool,
}

#[derive(Debug, SimpleObject)]
pub struct GrantRolePayload {
    pub account: AccountNode,
    /// False when the account already held this role there (nothing changed).
    pub granted: bool,
}

/// A new nomination: exactly one of `nomineePersonId` and `nomineeUnitId`.
#[derive(Debug, InputObject)]
pub struct CreateNominationInput {
    /// An individual nominee.
    pub nominee_person_id: Option<ID>,
    /// A collective nominee (a unit).
    pub nominee_unit_id: Option<ID>,
    pub award_kind: AwardKindCode,
    /// The unit whose head's office issues the award (the nominee's unit or an ancestor).
    pub issuer_unit_id: ID,
    /// The year the achievement belongs to.
    pub period: i32,
    /// The citation printed on the certificate (1-2000 characters).
    pub achievement: String,
    /// Regular (annual), đột xuất, thematic...: only regular awards count toward later chains.
    /// Absent: the movement's kind, or THUONG_XUYEN outside a movement.
    pub commendation_kind: Option<CommendationKind>,
    /// The emulation movement it is made in: it must be open, and the nominee's unit must
    /// take part, for an award and a year the movement covers.
    pub movement_id: Option<ID>,
}

#[derive(Debug, SimpleObject)]
pub struct NominationPayload {
    pub nomination: NominationNode,
}

/// A submitted nomination, and how it stands against its award's criteria today: failed or
/// pending criteria are warnings for the clerk here, enforced at signing.
#[derive(Debug)]
pub struct SubmitNominationPayload {
    pub nomination: NominationNode,
    /// Judged only when the request selects it.
    pub eligibility: Option<EligibilityNode>,
}

/// A submitted nomination, and how it stands against its award's criteria today: failed or
/// pending criteria are warnings for the clerk here, enforced at signing.
#[Object]
impl SubmitNominationPayload {
    async fn nomination(&self) -> &NominationNode {
        &self.nomination
    }

    async fn eligibility(&self) -> Result<&EligibilityNode> {
        self.eligibility.as_ref().ok_or_else(|| {
            OpsError::internal("the eligibility was not judged for this request").into()
        })
    }
}

/// A new citation for a draft.
#[derive(Debug, InputObject)]
pub struct UpdateNominationInput {
    pub id: ID,
    pub expected_version: i32,
    pub achievement: String,
}

/// A nomination and the version you saw.
#[derive(Debug, InputObject)]
pub struct NominationVersionInput {
    pub id: ID,
    pub expected_version: i32,
}

/// A withdrawal.
#[derive(Debug, InputObject)]
pub struct WithdrawNominationInput {
    pub id: ID,
    pub expected_version: i32,
    /// Why (1-2000 characters).
    pub reason: String,
}

/// A decision to sign.
#[derive(Debug, InputObject)]
pub struct SignDecisionInput {
    /// The nominations it awards (at their SIGN stage), all for one issuer.
    #[graphql(default)]
    pub nominations: Vec<NominationVersionInput>,
    /// A proposal (tờ trình): every nomination of it waiting for signature is awarded too.
    pub proposal_id: Option<ID>,
    /// The proposal's version seen (required with `proposalId`).
    pub proposal_version: Option<i32>,
    /// How you sign.
    #[graphql(default_with = "SignerCapacity::Direct")]
    pub capacity: SignerCapacity,
    /// Your own title, required unless you sign directly, e.g. "Phó Giám đốc".
    pub signer_title: Option<String>,
}

#[derive(Debug, SimpleObject)]
pub struct SignDecisionPayload {
    pub decision: DecisionNode,
}

/// Certificates to issue.
#[derive(Debug, InputObject)]
pub struct IssueCertificatesInput {
    pub decision_id: ID,
}

#[derive(Debug, SimpleObject)]
pub struct IssueCertificatesPayload {
    pub decision: DecisionNode,
    /// Every certificate of the decision (issuing again issues nothing new).
    pub certificates: Vec<CertificateNode>,
}

#[Object]
impl WorkflowMutation {
    /// Retires an issuer's signing key and makes its next one (ADMIN). Certificates signed
    /// with the old key keep verifying; new ones are signed with the new key.
    async fn rotate_signing_key(&self, ctx: &Context<'_>, unit_id: ID) -> Result<SigningKeyNode> {
        let unit = parse_id::<UnitId>("unitId", &unit_id)?;
        Ok(SigningKeyNode(
            ops(ctx)?
                .rotate_signing_key(actor(ctx)?, unit, now(ctx)?)
                .await?,
        ))
    }

    /// Logs in and returns a bearer token.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> Result<LoginPayload> {
        let client = ctx.data_opt::<crate::ops::ClientAddress>().copied();
        let logged_in = ops(ctx)?
            .login(&input.username, &input.password, client, now(ctx)?)
            .await?;
        Ok(LoginPayload {
            token: logged_in.token,
            expires_at: logged_in.expires_at,
            must_change_password: logged_in.account.must_change_password,
            account: AccountNode(logged_in.account),
        })
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> Result<LogoutPayload> {
        let auth = signed_in(ctx)?;
        Ok(LogoutPayload {
            logged_out: ops(ctx)?.logout(auth, now(ctx)?).await?,
        })
    }

    /// Changes your password (required first when you logged in with a one-time password).
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> Result<ChangePasswordPayload> {
        let auth = signed_in(ctx)?;
        let account = ops(ctx)?
            .change_password(
                auth,
                &input.current_password,
                &input.new_password,
                now(ctx)?,
            )
            .await?;
        Ok(ChangePasswordPayload {
            account: AccountNode(account),
        })
    }

    /// Creates a unit (ADMIN).
    async fn create_unit(
        &self,
        ctx: &Context<'_>,
        input: CreateUnitInput,
    ) -> Result<CreateUnitPayload> {
        let actor = actor(ctx)?;
        let parent = input
            .parent_id
            .as_ref()
            .map(|id| parse_id("parentId", id))
            .transpose()?;
        let unit = ops(ctx)?
            .create_unit(
                actor,
                CreateUnit {
                    name: input.name,
                    code: input.code,
                    head_title: input.head_title,
                    place: input.place,
                    parent,
                },
                now(ctx)?,
            )
            .await?;
        Ok(CreateUnitPayload {
            unit: UnitNode(unit),
        })
    }

    /// Records a person (ADMIN, or CLERK of the unit's subtree).
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> Result<CreatePersonPayload> {
        let actor = actor(ctx)?;
        let unit = parse_id("unitId", &input.unit_id)?;
        let person = ops(ctx)?
            .create_person(
                actor,
                CreatePerson {
                    full_name: input.full_name,
                    rank: input.rank,
                    position: input.position,
                    recruited_on: input.recruited_on,
                    unit,
                },
                now(ctx)?,
            )
            .await?;
        Ok(CreatePersonPayload {
            person: PersonNode(person),
        })
    }

    /// Creates a login account (ADMIN).
    async fn create_account(
        &self,
        ctx: &Context<'_>,
        input: CreateAccountInput,
    ) -> Result<CreateAccountPayload> {
        let actor = actor(ctx)?;
        let person = input
            .person_id
            .as_ref()
            .map(|id| parse_id("personId", id))
            .transpose()?;
        let account = ops(ctx)?
            .create_account(
                actor,
                CreateAccount {
                    username: input.username,
                    password: input.password,
                    display_name: input.display_name,
                    person,
                    must_change_password: input.must_change_password,
                    email: input.email,
                },
                now(ctx)?,
            )
            .await?;
        Ok(CreateAccountPayload {
            account: AccountNode(account),
        })
    }

    /// Grants a role at a unit (ADMIN).
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        input: GrantRoleInput,
    ) -> Result<GrantRolePayload> {
        let actor = actor(ctx)?;
        let account: AccountId = parse_id("accountId", &input.account_id)?;
        let unit = input
            .unit_id
            .as_ref()
            .map(|id| parse_id("unitId", id))
            .transpose()?;
        let (account, granted) = ops(ctx)?
            .grant_role(actor, account, input.role.into(), unit, now(ctx)?)
            .await?;
        Ok(GrantRolePayload {
            account: AccountNode(account),
            granted,
        })
    }

    /// Takes a role away (ADMIN). The last enabled administrator keeps theirs. Audited with the
    /// reason.
    async fn revoke_role(
        &self,
        ctx: &Context<'_>,
        input: RevokeRoleInput,
    ) -> Result<RevokeRolePayload> {
        let actor = actor(ctx)?;
        let account: AccountId = parse_id("accountId", &input.account_id)?;
        let unit = input
            .unit_id
            .as_ref()
            .map(|id| parse_id("unitId", id))
            .transpose()?;
        let (account, revoked) = ops(ctx)?
            .revoke_role(
                actor,
                account,
                input.role.into(),
                unit,
                &input.reason,
                now(ctx)?,
            )
            .await?;
        Ok(RevokeRolePayload {
            account: AccountNode(account),
            revoked,
        })
    }

    /// Disables an account (ADMIN): its sessions end, it cannot log in, and its tokens are
    /// refused with UNAUTHENTICATED. Not your own, nor the last enabled administrator.
    async fn disable_account(
        &self,
        ctx: &Context<'_>,
        input: DisableAccountInput,
    ) -> Result<AccountStatusPayload> {
        set_disabled(ctx, &input.account_id, true, &input.reason).await
    }

    /// Enables a disabled account again (ADMIN).
    async fn enable_account(
        &self,
        ctx: &Context<'_>,
        input: EnableAccountInput,
    ) -> Result<AccountStatusPayload> {
        set_disabled(ctx, &input.account_id, false, &input.reason).await
    }

    /// Drafts a nomination (CLERK of the nominee's unit subtree).
    async fn create_nomination(
        &self,
        ctx: &Context<'_>,
        input: CreateNominationInput,
    ) -> Result<NominationPayload> {
        let actor = actor(ctx)?;
        let nominee = super::rules::nominee_of(
            input.nominee_person_id.as_ref(),
            input.nominee_unit_id.as_ref(),
        )?;
        let issuer = parse_id("issuerUnitId", &input.issuer_unit_id)?;
        let record = ops(ctx)?
            .create_nomination(
                actor,
                CreateNomination {
                    nominee,
                    award: input.award_kind.into(),
                    issuer,
                    period: input.period,
                    achievement: input.achievement,
                    kind: input.commendation_kind.map(Into::into),
                    movement: input
                        .movement_id
                        .as_ref()
                        .map(|id| parse_id("movementId", id))
                        .transpose()?,
                },
                now(ctx)?,
            )
            .await?;
        Ok(NominationPayload {
            nomination: NominationNode(record),
        })
    }

    /// Replaces a draft's citation (CLERK).
    async fn update_nomination(
        &self,
        ctx: &Context<'_>,
        input: UpdateNominationInput,
    ) -> Result<NominationPayload> {
        let actor = actor(ctx)?;
        let id: NominationId = parse_id("id", &input.id)?;
        let record = ops(ctx)?
            .update_nomination(
                actor,
                id,
                input.expected_version,
                &input.achievement,
                now(ctx)?,
            )
            .await?;
        Ok(NominationPayload {
            nomination: NominationNode(record),
        })
    }

    /// Submits a draft upward (UNIT_HEAD of the proposing unit's subtree).
    async fn submit_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationVersionInput,
    ) -> Result<SubmitNominationPayload> {
        let actor = actor(ctx)?;
        let id: NominationId = parse_id("id", &input.id)?;
        // The warnings are judged only for a caller who reads them.
        let judge = ctx.look_ahead().field("eligibility").exists();
        let (record, eligibility) = ops(ctx)?
            .submit_nomination(actor, id, input.expected_version, judge, now(ctx)?)
            .await?;
        Ok(SubmitNominationPayload {
            nomination: NominationNode(record),
            eligibility: eligibility.map(EligibilityNode),
        })
    }

    /// Withdraws a nomination not yet decided (CLERK or UNIT_HEAD).
    async fn withdraw_nomination(
        &self,
        ctx: &Context<'_>,
        input: WithdrawNominationInput,
    ) -> Result<NominationPayload> {
        let actor = actor(ctx)?;
        let id: NominationId = parse_id("id", &input.id)?;
        let record = ops(ctx)?
            .withdraw_nomination(actor, id, input.expected_version, &input.reason, now(ctx)?)
            .await?;
        Ok(NominationPayload {
            nomination: NominationNode(record),
        })
    }

    /// Signs a decision awarding submitted nominations of one issuer (SIGNER of that issuer).
    /// The decision is numbered `N/QĐ-<issuer code>`, gapless per issuer and year.
    async fn sign_decision(
        &self,
        ctx: &Context<'_>,
        input: SignDecisionInput,
    ) -> Result<SignDecisionPayload> {
        let actor = actor(ctx)?;
        let nominations = input
            .nominations
            .iter()
            .map(|n| Ok((parse_id("nominations.id", &n.id)?, n.expected_version)))
            .collect::<Result<Vec<_>, OpsError>>()?;
        let proposal = match (&input.proposal_id, input.proposal_version) {
            (None, None) => None,
            (Some(id), Some(version)) => Some((parse_id("proposalId", id)?, version)),
            (Some(_), None) | (None, Some(_)) => {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "proposalVersion",
                    expected_vi: "mã tờ trình và phiên bản của nó đi cùng nhau",
                    expected_en: "proposalId and proposalVersion go together",
                })
                .into());
            }
        };
        let decision = ops(ctx)?
            .sign_decision(
                actor,
                SignDecision {
                    nominations,
                    proposal,
                    capacity: input.capacity.into(),
                    signer_title: input.signer_title,
                },
                now(ctx)?,
            )
            .await?;
        Ok(SignDecisionPayload {
            decision: DecisionNode(decision),
        })
    }

    /// Issues the certificates of a signed decision (SIGNER of the issuer, or CLERK above it).
    async fn issue_certificates(
        &self,
        ctx: &Context<'_>,
        input: IssueCertificatesInput,
    ) -> Result<IssueCertificatesPayload> {
        let actor = actor(ctx)?;
        let id: DecisionId = parse_id("decisionId", &input.decision_id)?;
        let ops = ops(ctx)?;
        let certificates = ops.issue_certificates(actor, id, now(ctx)?).await?;
        let decision = laurel_store::Read::decision(ops.store(), id)
            .await
            .map_err(OpsError::from)?
            .ok_or(OpsError::internal("decision vanished"))?;
        Ok(IssueCertificatesPayload {
            decision: DecisionNode(decision),
            certificates: certificates.into_iter().map(CertificateNode).collect(),
        })
    }
}

/// An issuer's signing key (its private half never leaves the server).
#[derive(Debug, Clone)]
pub struct SigningKeyNode(pub laurel_store::SigningKeyRecord);

#[Object(name = "SigningKey")]
impl SigningKeyNode {
    /// Its id, as recorded on the certificates it signs.
    async fn id(&self) -> &str {
        &self.0.id
    }
    /// 1 for an issuer's first key, one more at each rotation.
    async fn generation(&self) -> i32 {
        self.0.generation
    }
    /// `Ed25519`.
    async fn algorithm(&self) -> &str {
        &self.0.algorithm
    }
    /// The public key, base64url.
    async fn public_key(&self) -> &str {
        &self.0.public_key
    }
    async fn created_at(&self) -> time::OffsetDateTime {
        self.0.created_at
    }
}

/// Disables or enables an account (`disableAccount`, `enableAccount`).
async fn set_disabled(
    ctx: &Context<'_>,
    account_id: &ID,
    disabled: bool,
    reason: &str,
) -> Result<AccountStatusPayload> {
    let actor = actor(ctx)?;
    let account: AccountId = parse_id("accountId", account_id)?;
    let (account, changed) = ops(ctx)?
        .set_account_disabled(actor, account, disabled, reason, now(ctx)?)
        .await?;
    Ok(AccountStatusPayload {
        account: AccountNode(account),
        changed,
    })
}
