//! The organisation: units, people, accounts and roles.

use laurel_domain::authz::{Action, Actor, Grant, Role};
use laurel_domain::ids::{AccountId, PersonId, UnitId};
use laurel_domain::org::{NewPerson, NewUnit, Person, SHORT_TEXT_MAX, Unit};
use laurel_domain::text::{InvalidInput, bounded_line};
use laurel_store::{Account, NewAccount, Read};
use serde_json::json;
use time::OffsetDateTime;

use super::{Ops, by, everywhere, recorded};
use crate::auth;
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

/// Input of [`Ops::create_unit`], as typed.
#[derive(Debug, Clone)]
pub struct CreateUnit {
    /// Tên đơn vị.
    pub name: String,
    /// Short code for decision numbers.
    pub code: String,
    /// Chức danh thủ trưởng.
    pub head_title: Option<String>,
    /// Địa danh.
    pub place: Option<String>,
    /// Parent unit.
    pub parent: Option<UnitId>,
}

/// Input of [`Ops::create_person`], as typed.
#[derive(Debug, Clone)]
pub struct CreatePerson {
    /// Họ và tên.
    pub full_name: String,
    /// Cấp bậc.
    pub rank: Option<String>,
    /// Chức vụ.
    pub position: Option<String>,
    /// Ngày tuyển dụng.
    pub recruited_on: Option<time::Date>,
    /// Unit.
    pub unit: UnitId,
}

/// Input of [`Ops::create_account`], as typed.
#[derive(Debug, Clone)]
pub struct CreateAccount {
    /// Login name.
    pub username: String,
    /// Initial password.
    pub password: String,
    /// Shown name; defaults to the person's name or the username.
    pub display_name: Option<String>,
    /// The person this account belongs to.
    pub person: Option<PersonId>,
    /// Whether the password must be changed at first login (default: yes).
    pub must_change_password: bool,
    /// Where its notifications go.
    pub email: Option<String>,
}

/// The audit entry of a person recorded (`imported` from a spreadsheet, or one by one).
pub(crate) fn person_created(
    now: OffsetDateTime,
    actor: &Actor,
    person: &Person,
    imported: bool,
) -> laurel_domain::events::Recorded {
    let mut details = json!({
        "fullName": person.full_name,
        "unit": person.unit.to_string(),
        "recruitedOn": person.recruited_on.map(|d| d.to_string()),
    });
    if imported {
        details["imported"] = json!(true);
    }
    recorded(
        now,
        by(actor),
        everywhere(),
        Change::new(Subject::Person(person.id), Kind::PersonCreated, details),
    )
}

impl Ops {
    /// Creates a unit (administrators only).
    pub async fn create_unit(
        &self,
        actor: &Actor,
        input: CreateUnit,
        now: OffsetDateTime,
    ) -> Result<Unit, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let new = NewUnit::parse(
            &input.name,
            &input.code,
            input.head_title.as_deref(),
            input.place.as_deref(),
            input.parent,
        )?;
        self.printable(&[
            ("name", Some(&new.name)),
            ("headTitle", Some(&new.head_title)),
            ("place", new.place.as_deref()),
        ])?;
        in_tx!(self, |tx| {
            let unit = tx
                .insert_unit(UnitId(edge::new_id()), new.clone(), now)
                .await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Unit(unit.id), Kind::UnitCreated, json!({ "code": unit.code.as_str(), "name": unit.name, "parent": unit.parent.map(|p| p.to_string()) }))))
            .await?;
            Ok(unit)
        })
    }

    /// Records a person in a unit (administrators, or clerks of that unit's subtree).
    pub async fn create_person(
        &self,
        actor: &Actor,
        input: CreatePerson,
        now: OffsetDateTime,
    ) -> Result<Person, OpsError> {
        let new = NewPerson::parse(
            &input.full_name,
            input.rank.as_deref(),
            input.position.as_deref(),
            input.recruited_on,
            input.unit,
        )?;
        self.printable(&[
            ("fullName", Some(&new.full_name)),
            ("rank", new.rank.as_deref()),
            ("position", new.position.as_deref()),
        ])?;
        in_tx!(self, |tx| {
            let path = tx.unit_path(new.unit).await?;
            actor.authorize(Action::RecordPerson, &path)?;
            let person = tx
                .insert_person(PersonId(edge::new_id()), new.clone(), now)
                .await?;
            tx.record(&person_created(now, actor, &person, false))
                .await?;
            Ok(person)
        })
    }

    /// Creates a login account (administrators only).
    pub async fn create_account(
        &self,
        actor: &Actor,
        input: CreateAccount,
        now: OffsetDateTime,
    ) -> Result<Account, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let username = auth::parse_username(&input.username);
        let password = auth::parse_password("password", &input.password);
        let display_name = input
            .display_name
            .as_deref()
            .map(|d| bounded_line("displayName", d, SHORT_TEXT_MAX))
            .transpose();
        let email = input
            .email
            .as_deref()
            .map(super::parse_email)
            .transpose()
            .map(Option::flatten);
        let (username, password, display_name, email) =
            match (username, password, display_name, email) {
                (Ok(u), Ok(p), Ok(d), Ok(e)) => (u, p, d, e),
                (u, p, d, e) => {
                    return Err(OpsError::Invalid(
                        [u.err(), p.err(), d.err(), e.err()]
                            .into_iter()
                            .flatten()
                            .collect(),
                    ));
                }
            };
        let person = match input.person {
            Some(id) => Some(self.store.person(id).await?.ok_or(OpsError::NotFound {
                entity: "person",
                id: id.to_string(),
            })?),
            None => None,
        };
        let display_name = display_name
            .or_else(|| person.as_ref().map(|p| p.full_name.clone()))
            .unwrap_or_else(|| username.clone());
        self.printable(&[("displayName", Some(&display_name))])?;
        let hash = self.hash(move || auth::hash_password(&password)).await??;
        let id = AccountId(edge::new_id());
        in_tx!(self, |tx| {
            tx.insert_account(
                NewAccount {
                    id,
                    username: username.clone(),
                    password_hash: hash.clone(),
                    display_name: display_name.clone(),
                    person: person.as_ref().map(|p| p.id),
                    must_change_password: input.must_change_password,
                    email: email.clone(),
                },
                now,
            )
            .await?;
            tx.record(&recorded(now, by(actor), everywhere(), Change::new(Subject::Account(id), Kind::AccountCreated, json!({ "username": username, "person": person.as_ref().map(|p| p.id.to_string()) }))))
            .await?;
            tx.account(id)
                .await?
                .ok_or(OpsError::internal("account vanished"))
        })
    }

    /// Accounts by username, a page at a time (administrators only).
    pub async fn accounts(
        &self,
        actor: &Actor,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<Account>, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        Ok(self.store.accounts(offset, limit).await?)
    }

    /// Grants a role at a unit (administrators only). Granting a role already held changes
    /// nothing and returns `false`.
    pub async fn grant_role(
        &self,
        actor: &Actor,
        account: AccountId,
        role: Role,
        unit: Option<UnitId>,
        now: OffsetDateTime,
    ) -> Result<(Account, bool), OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let grant = Grant::new(role, unit)?;
        in_tx!(self, |tx| {
            let target = tx.account(account).await?.ok_or(OpsError::NotFound {
                entity: "account",
                id: account.to_string(),
            })?;
            if let Some(unit) = grant.unit {
                self.require_tree_unit(tx, unit, "unitId").await?;
            }
            let granted = tx.insert_grant(edge::new_id(), account, grant, now).await?;
            if granted {
                tx.record(&recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Account(account),
                        Kind::RoleGranted,
                        json!({ "role": role.code(), "unit": unit.map(|u| u.to_string()) }),
                    ),
                ))
                .await?;
            }
            Ok((target, granted))
        })
    }

    /// Takes a role away (administrators only). Revoking a role not held changes nothing and
    /// returns `false`; the last enabled administrator keeps theirs.
    pub async fn revoke_role(
        &self,
        actor: &Actor,
        account: AccountId,
        role: Role,
        unit: Option<UnitId>,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(Account, bool), OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let grant = Grant::new(role, unit)?;
        let reason = bounded_line("reason", reason, SHORT_TEXT_MAX)?;
        in_tx!(self, |tx| {
            let target = tx.account(account).await?.ok_or(OpsError::NotFound {
                entity: "account",
                id: account.to_string(),
            })?;
            if role == Role::Admin {
                tx.lock_administrators().await?;
            }
            let revoked = tx.delete_grant(account, grant).await?;
            if revoked && role == Role::Admin && !target.disabled {
                keeps_an_administrator(tx).await?;
            }
            if revoked {
                // Sessions stay: every request reads the account's roles afresh. What the
                // account delegated of this role ends with it.
                tx.revoke_delegations_given(account, Some(grant), actor.account, now)
                    .await?;
                tx.record(&recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Account(account),
                        Kind::RoleRevoked,
                        json!({ "role": role.code(), "unit": unit.map(|u| u.to_string()), "reason": reason }),
                    ),
                ))
                .await?;
            }
            Ok((target, revoked))
        })
    }

    /// Disables an account (administrators only): its sessions end and it cannot log in until
    /// enabled again. Nobody disables their own account, and the last enabled administrator
    /// stays enabled. Returns the account and whether anything changed.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        account: AccountId,
        disabled: bool,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(Account, bool), OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let reason = bounded_line("reason", reason, SHORT_TEXT_MAX)?;
        if disabled && account == actor.account {
            return Err(OpsError::invalid(InvalidInput::Refused {
                field: "accountId",
                why_vi: "Bạn không thể tự khóa tài khoản của mình",
                why_en: "You cannot disable your own account",
            }));
        }
        in_tx!(self, |tx| {
            tx.account(account).await?.ok_or(OpsError::NotFound {
                entity: "account",
                id: account.to_string(),
            })?;
            if disabled {
                tx.lock_administrators().await?;
            }
            let changed = tx.set_account_disabled(account, disabled).await?;
            if changed && disabled {
                keeps_an_administrator(tx).await?;
                tx.revoke_sessions_of(account, None, now).await?;
                // Delegations it gave end too: nobody acts for a disabled account.
                tx.revoke_delegations_given(account, None, actor.account, now)
                    .await?;
            }
            if changed {
                tx.record(&recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Account(account),
                        if disabled {
                            Kind::AccountDisabled
                        } else {
                            Kind::AccountEnabled
                        },
                        json!({ "reason": reason }),
                    ),
                ))
                .await?;
            }
            let account = tx
                .account(account)
                .await?
                .ok_or(OpsError::internal("account vanished"))?;
            Ok((account, changed))
        })
    }
}

/// Refuses a change that would leave no enabled administrator (nobody could then manage the
/// organisation, only `laurel admin reset-password` on the server).
async fn keeps_an_administrator(tx: &laurel_store::WriteTx) -> Result<(), OpsError> {
    if tx.enabled_administrators().await? == 0 {
        return Err(OpsError::invalid(InvalidInput::Refused {
            field: "accountId",
            why_vi: "Đây là quản trị viên cuối cùng còn hoạt động; hãy cấp quyền quản trị cho người khác trước",
            why_en: "This is the last enabled administrator; make someone else an administrator first",
        }));
    }
    Ok(())
}
