//! Delegations (ủy quyền) of a role at a unit for a time, and the administrators' corrections of
//! the working-day calendar.

use laurel_domain::authz::{Action, Actor, Delegation, Role};
use laurel_domain::calendar::local_date;
use laurel_domain::ids::{AccountId, DelegationId, UnitId};
use laurel_domain::org::SHORT_TEXT_MAX;
use laurel_domain::rules::Confidence;
use laurel_domain::text::{InvalidInput, bounded_line};
use laurel_domain::workdays::{CalendarDay, DayKind, WorkingCalendar};
use laurel_store::{DelegationRecord, Read, ReadReview};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Subject};

impl Ops {
    /// Delegates `role` at `unit` to another account from `from` to `until` (inclusive). The
    /// delegator is the actor, or, for an administrator recording it on someone's behalf,
    /// `on_behalf_of`; they must hold the role there themselves.
    #[allow(clippy::too_many_arguments)] // one per field of the delegation
    pub async fn delegate_role(
        &self,
        actor: &Actor,
        on_behalf_of: Option<AccountId>,
        role: Role,
        unit: UnitId,
        delegate: AccountId,
        from: Date,
        until: Date,
        now: OffsetDateTime,
    ) -> Result<DelegationRecord, OpsError> {
        in_tx!(self, |tx| {
            let delegator = match on_behalf_of {
                Some(account) if account != actor.account => {
                    actor.authorize(Action::ManageOrganisation, &everywhere())?;
                    tx.account(account).await?.ok_or(OpsError::NotFound {
                        entity: "account",
                        id: account.to_string(),
                    })?;
                    Actor {
                        account,
                        grants: tx.grants(account).await?,
                        acting: Vec::new(),
                    }
                }
                _ => actor.clone(),
            };
            self.require_tree_unit(tx, unit, "unitId").await?;
            tx.account(delegate).await?.ok_or(OpsError::NotFound {
                entity: "account",
                id: delegate.to_string(),
            })?;
            let delegation = Delegation::new(role, unit, &delegator, delegate, from, until)
                .map_err(|e| {
                    OpsError::invalid(InvalidInput::Malformed {
                        field: "delegation",
                        expected_vi: match e {
                            laurel_domain::authz::InvalidDelegation::Admin => {
                                "một vai trò khác ADMIN (quản trị không được ủy quyền)"
                            }
                            laurel_domain::authz::InvalidDelegation::ToSelf => {
                                "một tài khoản khác người ủy quyền"
                            }
                            laurel_domain::authz::InvalidDelegation::Window => {
                                "từ ngày không sau đến ngày, tối đa 366 ngày"
                            }
                            laurel_domain::authz::InvalidDelegation::NotHeld(_) => {
                                "vai trò mà người ủy quyền đang giữ tại đơn vị đó (không ủy quyền lại)"
                            }
                        },
                        expected_en: match e {
                            laurel_domain::authz::InvalidDelegation::Admin => {
                                "a role other than ADMIN (administration is not delegated)"
                            }
                            laurel_domain::authz::InvalidDelegation::ToSelf => {
                                "an account other than the delegator"
                            }
                            laurel_domain::authz::InvalidDelegation::Window => {
                                "a first day no later than the last, at most 366 days"
                            }
                            laurel_domain::authz::InvalidDelegation::NotHeld(_) => {
                                "a role the delegator holds at that unit (no delegation of a delegation)"
                            }
                        },
                    })
                })?;
            let record = DelegationRecord {
                id: DelegationId(edge::new_id()),
                delegation,
                created_by: actor.account,
                created_at: now,
                revoked_at: None,
            };
            tx.insert_delegation(&record).await?;
            let d = &record.delegation;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Delegation(record.id),
                    Kind::RoleDelegated,
                    json!({
                        "role": d.role.code(),
                        "unit": d.unit.to_string(),
                        "delegator": d.delegator.to_string(),
                        "delegate": d.delegate.to_string(),
                        "from": d.from.to_string(),
                        "until": d.until.to_string(),
                    }),
                )
                .states(None, Some("ACTIVE")),
            ))
            .await?;
            Ok(record.clone())
        })
    }

    /// Ends a delegation early (its delegator, or an administrator).
    pub async fn revoke_delegation(
        &self,
        actor: &Actor,
        id: DelegationId,
        now: OffsetDateTime,
    ) -> Result<DelegationRecord, OpsError> {
        in_tx!(self, |tx| {
            let record = tx.delegation(id).await?.ok_or(OpsError::NotFound {
                entity: "delegation",
                id: id.to_string(),
            })?;
            if record.delegation.delegator != actor.account {
                actor.authorize(Action::ManageOrganisation, &everywhere())?;
            }
            if !tx.revoke_delegation(id, actor.account, now).await? {
                return Err(OpsError::invalid(InvalidInput::Malformed {
                    field: "id",
                    expected_vi: "một ủy quyền chưa bị thu hồi",
                    expected_en: "a delegation not yet revoked",
                }));
            }
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(Subject::Delegation(id), Kind::DelegationRevoked, json!({}))
                    .states(Some("ACTIVE"), Some("REVOKED")),
            ))
            .await?;
            Ok(DelegationRecord {
                revoked_at: Some(now),
                ..record.clone()
            })
        })
    }

    /// Delegations the actor gave or received; an administrator sees every one.
    pub async fn delegations(&self, actor: &Actor) -> Result<Vec<DelegationRecord>, OpsError> {
        let account = if actor.has_role(Role::Admin) {
            None
        } else {
            Some(actor.account)
        };
        Ok(self.store.delegations(account).await?)
    }

    /// The working days as they stand (shipped data with the corrections), for a year.
    pub async fn calendar(&self) -> Result<WorkingCalendar, OpsError> {
        self.working_calendar(&self.store).await
    }

    /// Sets a day of the working-day calendar (administrators): a weekday off, a weekend day
    /// worked, or back to an ordinary day (`kind: None`). Deadlines already running keep their
    /// dates; new ones count the corrected days.
    #[allow(clippy::too_many_arguments)] // one per field of the day
    pub async fn set_calendar_day(
        &self,
        actor: &Actor,
        date: Date,
        kind: Option<DayKind>,
        name: &str,
        source: &str,
        confidence: Confidence,
        now: OffsetDateTime,
    ) -> Result<Option<CalendarDay>, OpsError> {
        actor.authorize(Action::ManageOrganisation, &everywhere())?;
        let day = match kind {
            None => None,
            Some(kind) => {
                let day = CalendarDay {
                    date,
                    kind,
                    name: bounded_line("name", name, SHORT_TEXT_MAX * 2)?,
                    confidence,
                    source: bounded_line("source", source, SHORT_TEXT_MAX * 4)?,
                };
                day.check().map_err(|problem| {
                    OpsError::invalid(InvalidInput::Malformed {
                        field: "date",
                        expected_vi: match problem {
                            laurel_domain::workdays::CalendarProblem::HolidayOnWeekend {
                                ..
                            } => "một ngày trong tuần (thứ Hai đến thứ Sáu) cho ngày nghỉ",
                            _ => "thứ Bảy hoặc Chủ nhật cho ngày làm bù",
                        },
                        expected_en: match problem {
                            laurel_domain::workdays::CalendarProblem::HolidayOnWeekend {
                                ..
                            } => "a weekday (Monday to Friday) for a day off",
                            _ => "a Saturday or Sunday for a working day",
                        },
                    })
                })?;
                Some(day)
            }
        };
        in_tx!(self, |tx| {
            tx.set_calendar_day(date, day.as_ref(), actor.account, now)
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Calendar,
                    Kind::CalendarDaySet,
                    json!({
                        "date": date.to_string(),
                        "name": day.as_ref().map(|d| d.name.clone()),
                        "source": day.as_ref().map(|d| d.source.clone()),
                        "today": local_date(now).to_string(),
                    }),
                )
                .states(None, day.as_ref().map(|d| d.kind.code())),
            ))
            .await?;
            Ok(day.clone())
        })
    }
}
