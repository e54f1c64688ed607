//! Writes. They exist only on [`WriteTx`]: every change happens inside a transaction, together
//! with its audit entry, and becomes visible at `commit` or not at all.

use laurel_domain::authz::Grant;
use laurel_domain::decision::{Decision, DecisionKind};
use laurel_domain::ids::{AccountId, DecisionId, PersonId, UnitId};
use laurel_domain::nomination::{Nomination, Nominee};
use laurel_domain::org::{NewPerson, NewUnit, Person, Unit, UnitPath};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert;
use crate::entity::{
    account, certificate, decision, nomination, number_sequence, person, role_grant, session, unit,
};
use crate::read::Read;
use crate::records::{CertificateRecord, NewAccount, SequenceKind, Waiting};
use crate::{StoreError, error::unique_as_duplicate};

/// A small count (a stage index, a level) as stored.
fn small(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up
/// front (a deferred transaction that reads then writes can fail with SQLITE_BUSY without
/// waiting); on PostgreSQL it is READ COMMITTED, with row locks and version checks doing the rest.
/// Dropped without [`WriteTx::commit`], it rolls back.
#[derive(Debug)]
pub struct WriteTx {
    pub(crate) tx: DatabaseTransaction,
}

impl WriteTx {
    /// Makes every change of this transaction durable and visible.
    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }

    /// A savepoint inside this transaction: committing it keeps its changes (for the enclosing
    /// transaction to commit or not); [`WriteTx::rollback`] undoes them alone. Bulk actions use
    /// one per nomination, so each is applied wholly or not at all.
    pub async fn savepoint(&self) -> Result<WriteTx, StoreError> {
        use sea_orm::TransactionTrait;
        Ok(WriteTx {
            tx: self.tx.begin().await?,
        })
    }

    /// Undoes every change of this transaction (or savepoint).
    pub async fn rollback(self) -> Result<(), StoreError> {
        Ok(self.tx.rollback().await?)
    }

    /// Inserts a unit under its parent (which must exist) and returns it with its path.
    pub async fn insert_unit(
        &self,
        id: UnitId,
        new: NewUnit,
        now: OffsetDateTime,
    ) -> Result<Unit, StoreError> {
        let path = match new.parent {
            Some(parent) => self.require_unit(parent).await?.path.child(id),
            None => UnitPath(vec![id]),
        };
        let code = new.code.as_str().to_string();
        unit::Entity::insert(unit::ActiveModel {
            id: Set(id.0),
            parent_id: Set(new.parent.map(|p| p.0)),
            code: Set(code.clone()),
            name: Set(new.name.clone()),
            head_title: Set(new.head_title.clone()),
            place: Set(new.place.clone()),
            path: Set(convert::format_path(&path)),
            version: Set(1),
            created_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| unique_as_duplicate(e, "unit", "code", &code))?;
        Ok(Unit {
            id,
            name: new.name,
            code: new.code,
            head_title: new.head_title,
            place: new.place,
            parent: new.parent,
            path,
        })
    }

    /// Inserts a person (the unit must exist).
    pub async fn insert_person(
        &self,
        id: PersonId,
        new: NewPerson,
        now: OffsetDateTime,
    ) -> Result<Person, StoreError> {
        self.require_unit(new.unit).await?;
        let person = Person::new(id, new);
        self.insert_people(std::slice::from_ref(&person), now)
            .await?;
        Ok(person)
    }

    /// Inserts people whose units the caller has checked exist, several to a statement (an
    /// import's new people).
    pub async fn insert_people(
        &self,
        people: &[Person],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        for chunk in people.chunks(ROWS_PER_INSERT) {
            person::Entity::insert_many(chunk.iter().map(|p| person::ActiveModel {
                id: Set(p.id.0),
                unit_id: Set(p.unit.0),
                full_name: Set(p.full_name.clone()),
                rank: Set(p.rank.clone()),
                position: Set(p.position.clone()),
                recruited_on: Set(p.recruited_on),
                version: Set(1),
                created_at: Set(now),
            }))
            .exec_without_returning(&self.tx)
            .await?;
        }
        Ok(())
    }

    /// Inserts an account; a taken username is [`StoreError::Duplicate`].
    pub async fn insert_account(
        &self,
        new: NewAccount,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        account::Entity::insert(account::ActiveModel {
            id: Set(new.id.0),
            username: Set(new.username.clone()),
            password_hash: Set(new.password_hash),
            display_name: Set(new.display_name),
            person_id: Set(new.person.map(|p| p.0)),
            must_change_password: Set(new.must_change_password),
            disabled: Set(false),
            version: Set(1),
            created_at: Set(now),
            email: Set(new.email),
            notify_mode: Set(laurel_domain::notification::Mode::Immediate
                .code()
                .to_owned()),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| unique_as_duplicate(e, "account", "username", &new.username))?;
        Ok(())
    }

    /// Replaces an account's password hash.
    pub async fn set_password(
        &self,
        account: AccountId,
        password_hash: String,
        must_change_password: bool,
    ) -> Result<(), StoreError> {
        let result = account::Entity::update_many()
            .col_expr(account::Column::PasswordHash, Expr::val(password_hash))
            .col_expr(
                account::Column::MustChangePassword,
                Expr::val(must_change_password),
            )
            .col_expr(
                account::Column::Version,
                Expr::col(account::Column::Version).add(1),
            )
            .filter(account::Column::Id.eq(account.0))
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound {
                entity: "account",
                id: account.to_string(),
            });
        }
        Ok(())
    }

    /// Grants a role; returns `false` when the account already held it (nothing changes).
    pub async fn insert_grant(
        &self,
        id: Uuid,
        account: AccountId,
        grant: Grant,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let inserted = role_grant::Entity::insert(role_grant::ActiveModel {
            id: Set(id),
            account_id: Set(account.0),
            role: Set(grant.role.code().to_string()),
            unit_id: Set(grant.unit.map(|u| u.0)),
            scope_key: Set(grant
                .unit
                .map_or_else(|| "*".to_string(), |u| u.to_string())),
            created_at: Set(now),
        })
        .on_conflict_do_nothing_on([
            role_grant::Column::AccountId,
            role_grant::Column::Role,
            role_grant::Column::ScopeKey,
        ])
        .exec_without_returning(&self.tx)
        .await?;
        Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
    }

    /// Takes a role away; returns whether the account held it.
    pub async fn delete_grant(&self, account: AccountId, grant: Grant) -> Result<bool, StoreError> {
        let deleted = role_grant::Entity::delete_many()
            .filter(role_grant::Column::AccountId.eq(account.0))
            .filter(role_grant::Column::Role.eq(grant.role.code()))
            .filter(
                role_grant::Column::ScopeKey.eq(grant
                    .unit
                    .map_or_else(|| "*".to_string(), |u| u.to_string())),
            )
            .exec(&self.tx)
            .await?;
        Ok(deleted.rows_affected > 0)
    }

    /// Disables or enables an account; returns whether that changed anything.
    pub async fn set_account_disabled(
        &self,
        account: AccountId,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let updated = account::Entity::update_many()
            .col_expr(account::Column::Disabled, Expr::val(disabled))
            .filter(account::Column::Id.eq(account.0))
            .filter(account::Column::Disabled.ne(disabled))
            .exec(&self.tx)
            .await?;
        Ok(updated.rows_affected > 0)
    }

    /// Locks the administrators' account rows until commit (PostgreSQL; SQLite's write
    /// transaction serialises already). Taken before a change that could leave no enabled
    /// administrator, so that two administrators disabling each other, or revoking each other's
    /// role, run one after the other and the second sees the first.
    pub async fn lock_administrators(&self) -> Result<(), StoreError> {
        let holders = self.administrators().await?;
        let _locked: Vec<Uuid> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .filter(account::Column::Id.is_in(holders))
            .lock_exclusive()
            .into_tuple()
            .all(&self.tx)
            .await?;
        Ok(())
    }

    async fn administrators(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(role_grant::Entity::find()
            .select_only()
            .column(role_grant::Column::AccountId)
            .filter(role_grant::Column::Role.eq(laurel_domain::authz::Role::Admin.code()))
            .into_tuple()
            .all(&self.tx)
            .await?)
    }

    /// How many enabled accounts hold the administrator's role.
    pub async fn enabled_administrators(&self) -> Result<u64, StoreError> {
        let holders = self.administrators().await?;
        let enabled = account::Entity::find()
            .filter(account::Column::Id.is_in(holders))
            .filter(account::Column::Disabled.eq(false))
            .count(&self.tx)
            .await?;
        Ok(enabled)
    }

    /// Starts a session for an account.
    pub async fn insert_session(
        &self,
        id: Uuid,
        account: AccountId,
        token_hash: String,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        session::Entity::insert(session::ActiveModel {
            id: Set(id),
            account_id: Set(account.0),
            token_hash: Set(token_hash),
            created_at: Set(now),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Ends a session; returns whether one was still open.
    pub async fn revoke_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let result = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::val(now))
            .filter(session::Column::TokenHash.eq(token_hash))
            .filter(session::Column::RevokedAt.is_null())
            .exec(&self.tx)
            .await?;
        Ok(result.rows_affected > 0)
    }

    /// Inserts a new nomination (a draft, version 1). `proposing_path` is the path of its
    /// proposing unit; `waiting` whom it waits for (see [`Waiting`]).
    pub async fn insert_nomination(
        &self,
        nomination: &Nomination,
        proposing_path: &UnitPath,
        waiting: Option<Waiting>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.insert_nominations(&[(nomination, proposing_path, waiting)], now)
            .await
    }

    /// Inserts new nominations, several to a statement (an import's drafts), each with its
    /// proposing unit's path and whom it waits for.
    pub async fn insert_nominations(
        &self,
        rows: &[(&Nomination, &UnitPath, Option<Waiting>)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        // About 40 columns: 200 rows stay under SQLite's 32,766 bound parameters.
        for chunk in rows.chunks(ROWS_PER_INSERT / 2) {
            nomination::Entity::insert_many(chunk.iter().map(|(nomination, path, waiting)| {
                nomination_row(nomination, path, *waiting, now)
            }))
            .exec_without_returning(&self.tx)
            .await?;
        }
        Ok(())
    }

    /// Saves a changed nomination if it is still at `expected_version`; returns the new version.
    /// Anyone else's change in between makes this [`StoreError::Conflict`] and changes nothing.
    /// Every column the workflow may change is written from the domain value; the proposal it
    /// travels in (before and after) moves to its next version too, so a bulk action on the
    /// proposal sees the change.
    pub async fn update_nomination(
        &self,
        next: &Nomination,
        expected_version: i32,
        waiting: Option<Waiting>,
        now: OffsetDateTime,
    ) -> Result<i32, StoreError> {
        let p = next.progress();
        let result = nomination::Entity::update_many()
            .col_expr(
                nomination::Column::Achievement,
                Expr::val(next.achievement.clone()),
            )
            .col_expr(nomination::Column::State, Expr::val(p.state.code()))
            .col_expr(
                nomination::Column::DecisionId,
                Expr::val(next.decision.map(|d| d.0)),
            )
            .col_expr(
                nomination::Column::ProposalId,
                Expr::val(next.proposal.map(|d| d.0)),
            )
            .col_expr(
                nomination::Column::Stage,
                Expr::val(small(p.position.stage)),
            )
            .col_expr(
                nomination::Column::Level,
                Expr::val(small(p.position.level)),
            )
            .col_expr(
                nomination::Column::StageSince,
                Expr::val(Some(p.stage_since)),
            )
            .col_expr(nomination::Column::DueOn, Expr::val(p.due_on))
            .col_expr(nomination::Column::ReturnedOn, Expr::val(p.returned_on))
            .col_expr(
                nomination::Column::PausedDays,
                Expr::val(i32::try_from(p.paused_days).unwrap_or(i32::MAX)),
            )
            .col_expr(nomination::Column::ReceivedOn, Expr::val(p.received_on))
            .col_expr(
                nomination::Column::NoticeClosesOn,
                Expr::val(p.notice_closes_on),
            )
            .col_expr(
                nomination::Column::SubmittedBy,
                Expr::val(p.submitted_by.map(|a| a.0)),
            )
            .col_expr(
                nomination::Column::AppraisedBy,
                Expr::val(p.appraised_by.map(|a| a.0)),
            )
            .col_expr(nomination::Column::StageTouched, Expr::val(p.stage_touched))
            .col_expr(
                nomination::Column::WaitingRole,
                Expr::val(waiting.map(|w| w.role.code())),
            )
            .col_expr(
                nomination::Column::WaitingUnitId,
                Expr::val(waiting.map(|w| w.unit.0)),
            )
            .col_expr(nomination::Column::UpdatedAt, Expr::val(now))
            .col_expr(
                nomination::Column::Version,
                Expr::col(nomination::Column::Version).add(1),
            )
            .filter(nomination::Column::Id.eq(next.id.0))
            .filter(nomination::Column::Version.eq(expected_version))
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 1 {
            return Ok(expected_version + 1);
        }
        let actual = self.require_nomination(next.id).await?.nomination.version();
        Err(StoreError::Conflict {
            entity: "nomination",
            id: next.id.to_string(),
            expected: expected_version,
            actual,
        })
    }

    /// The next number of a gapless counter for an issuer and year (1 for the first).
    ///
    /// The increment takes the counter row's lock until commit, so concurrent callers are
    /// served one after another; a rollback returns the number.
    pub async fn next_number(
        &self,
        issuer: UnitId,
        year: i32,
        kind: SequenceKind,
    ) -> Result<i32, StoreError> {
        number_sequence::Entity::insert(number_sequence::ActiveModel {
            issuer_unit_id: Set(issuer.0),
            year: Set(year),
            kind: Set(kind.code().to_string()),
            last_value: Set(0),
        })
        .on_conflict_do_nothing_on([
            number_sequence::Column::IssuerUnitId,
            number_sequence::Column::Year,
            number_sequence::Column::Kind,
        ])
        .exec_without_returning(&self.tx)
        .await?;
        let key = || {
            sea_orm::Condition::all()
                .add(number_sequence::Column::IssuerUnitId.eq(issuer.0))
                .add(number_sequence::Column::Year.eq(year))
                .add(number_sequence::Column::Kind.eq(kind.code()))
        };
        number_sequence::Entity::update_many()
            .col_expr(
                number_sequence::Column::LastValue,
                Expr::col(number_sequence::Column::LastValue).add(1),
            )
            .filter(key())
            .exec(&self.tx)
            .await?;
        let row = number_sequence::Entity::find()
            .filter(key())
            .one(&self.tx)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "number_sequence",
                id: format!("{issuer}/{year}/{}", kind.code()),
            })?;
        Ok(row.last_value)
    }

    /// Records a signed decision. Its content can never change afterwards (a database trigger
    /// refuses edits and deletes).
    pub async fn insert_decision(
        &self,
        decision: &Decision,
        signed_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let number = decision.number.to_string();
        decision::Entity::insert(decision::ActiveModel {
            id: Set(decision.id.0),
            issuer_unit_id: Set(decision.issuer.0),
            year: Set(decision.year),
            seq: Set(decision.number.seq),
            number: Set(number.clone()),
            signed_on: Set(decision.signed_on),
            signed_at: Set(signed_at),
            signer_account_id: Set(decision.signer.0),
            signer_name: Set(decision.signature.name.clone()),
            signer_capacity: Set(decision.signature.capacity.code().to_string()),
            capacity_line: Set(decision.signature.capacity_line.clone()),
            title_line: Set(decision.signature.title_line.clone()),
            issuer_title: Set(decision.issuer_title.clone()),
            state: Set(decision.state.code().to_string()),
            kind: Set(decision.kind.code().to_string()),
            annuls_decision_id: Set(match &decision.kind {
                DecisionKind::Award => None,
                DecisionKind::Annulment { annuls, .. } => Some(annuls.0),
            }),
            ground: Set(match &decision.kind {
                DecisionKind::Award => None,
                DecisionKind::Annulment { ground, .. } => Some(ground.code().to_string()),
            }),
            reason: Set(match &decision.kind {
                DecisionKind::Award => None,
                DecisionKind::Annulment { reason, .. } => Some(reason.clone()),
            }),
            acting_for: Set(decision.acting_for.map(|a| a.0)),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| unique_as_duplicate(e, "decision", "number", &number))?;
        Ok(())
    }

    /// Locks a decision's row until commit (PostgreSQL; SQLite's write transaction already
    /// serialises) and returns it: concurrent certificate issues for one decision then run one
    /// after the other instead of racing for the same nominations.
    pub async fn lock_decision(&self, id: DecisionId) -> Result<Option<Decision>, StoreError> {
        decision::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&self.tx)
            .await?
            .map(convert::decision)
            .transpose()
    }

    /// Ends every open session of an account except the one with `keep` (its token hash);
    /// returns how many were ended. Used when a password changes or is reset.
    pub async fn revoke_sessions_of(
        &self,
        account: AccountId,
        keep: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut update = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::val(now))
            .filter(session::Column::AccountId.eq(account.0))
            .filter(session::Column::RevokedAt.is_null());
        if let Some(keep) = keep {
            update = update.filter(session::Column::TokenHash.ne(keep));
        }
        Ok(update.exec(&self.tx).await?.rows_affected)
    }

    /// Records an issued certificate; a second certificate for one nomination is
    /// [`StoreError::Duplicate`].
    pub async fn insert_certificate(&self, record: &CertificateRecord) -> Result<(), StoreError> {
        certificate::Entity::insert(certificate::ActiveModel {
            id: Set(record.id.0),
            decision_id: Set(record.decision.0),
            nomination_id: Set(record.nomination.0),
            code: Set(record.code.as_str().to_string()),
            golden_book_no: Set(record.golden_book_no),
            status: Set(record.status.code().to_string()),
            content: Set(record.content.clone()),
            content_sha256: Set(record.content_sha256.clone()),
            issued_at: Set(record.issued_at),
            issued_by: Set(record.issued_by.0),
            key_id: Set(record.key_id.clone()),
            signature: Set(record.signature.clone()),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| {
            unique_as_duplicate(
                e,
                "certificate",
                "nomination",
                &record.nomination.to_string(),
            )
        })?;
        Ok(())
    }
}

/// Rows inserted by one multi-row statement (fewer for wide tables).
pub(crate) const ROWS_PER_INSERT: usize = 400;

/// A new nomination's row.
fn nomination_row(
    nomination: &Nomination,
    path: &UnitPath,
    waiting: Option<Waiting>,
    now: OffsetDateTime,
) -> nomination::ActiveModel {
    let (kind, person, unit) = match nomination.nominee {
        Nominee::Person(p) => ("INDIVIDUAL", Some(p.0), None),
        Nominee::Collective(u) => ("COLLECTIVE", None, Some(u.0)),
    };
    let p = nomination.progress();
    nomination::ActiveModel {
        id: Set(nomination.id.0),
        nominee_kind: Set(kind.to_string()),
        nominee_person_id: Set(person),
        nominee_unit_id: Set(unit),
        award_kind: Set(nomination.award.code().to_string()),
        issuer_unit_id: Set(nomination.issuer.0),
        proposing_unit_id: Set(nomination.proposing_unit.0),
        proposing_path: Set(convert::format_path(path)),
        period: Set(nomination.period.year()),
        achievement: Set(nomination.achievement.clone()),
        state: Set(p.state.code().to_string()),
        version: Set(p.version),
        decision_id: Set(nomination.decision.map(|d| d.0)),
        created_by: Set(nomination.drafted_by.0),
        created_at: Set(now),
        updated_at: Set(now),
        ruleset_id: Set(nomination.ruleset.clone()),
        commendation_kind: Set(nomination.kind.code().to_string()),
        workflow_id: Set(nomination.workflow.id.clone()),
        workflow_version: Set(i32::try_from(nomination.workflow.version).unwrap_or(i32::MAX)),
        stage: Set(small(p.position.stage)),
        level: Set(small(p.position.level)),
        stage_since: Set(Some(p.stage_since)),
        due_on: Set(p.due_on),
        returned_on: Set(p.returned_on),
        paused_days: Set(i32::try_from(p.paused_days).unwrap_or(i32::MAX)),
        received_on: Set(p.received_on),
        notice_closes_on: Set(p.notice_closes_on),
        submitted_by: Set(p.submitted_by.map(|a| a.0)),
        appraised_by: Set(p.appraised_by.map(|a| a.0)),
        stage_touched: Set(p.stage_touched),
        proposal_id: Set(nomination.proposal.map(|id| id.0)),
        waiting_role: Set(waiting.map(|w| w.role.code().to_string())),
        waiting_unit_id: Set(waiting.map(|w| w.unit.0)),
        movement_id: Set(nomination.movement.map(|m| m.0)),
    }
}
