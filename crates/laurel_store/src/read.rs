//! Reads, available on the pool ([`crate::Store`]) and inside a write transaction
//! ([`crate::WriteTx`]) alike, through the [`Read`] trait.

use laurel_domain::authz::{Grant, Role};
use laurel_domain::certificate::VerificationCode;
use laurel_domain::decision::Decision;
use laurel_domain::ids::{AccountId, CertificateId, DecisionId, NominationId, PersonId, UnitId};
use laurel_domain::org::{Person, Unit, UnitPath};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::convert;
use crate::entity::{
    account, audit_log, certificate, decision, delegation, nomination, person, role_grant, session,
    unit,
};
use crate::records::{
    Account, AuditEntry, AuditQuery, CertificateRecord, DecisionFilter, NominationFilter,
    NominationRecord, PageRequest, SessionActor, SessionRecord,
};
use crate::{StoreError, sealed::Conn};

/// "the subtree of any of these units", as a condition on a path column.
fn within(column: impl ColumnTrait, roots: &[UnitId]) -> Condition {
    roots.iter().fold(Condition::any(), |cond, root| {
        cond.add(column.like(format!("%/{root}/%")))
    })
}

/// A stored role grant.
fn grant(m: role_grant::Model) -> Result<Grant, StoreError> {
    let role: Role = m
        .role
        .parse()
        .map_err(|e: laurel_domain::authz::UnknownRole| StoreError::Corrupt {
            entity: "role_grant",
            id: m.id.to_string(),
            detail: e.to_string(),
        })?;
    Ok(Grant {
        role,
        unit: m.unit_id.map(UnitId),
    })
}

/// Reads shared by the pool and write transactions.
///
/// Implemented only by this crate's `Store` and `WriteTx`; callers always hold one of those
/// concrete types, so the futures' `Send`-ness is known at every call site.
#[allow(async_fn_in_trait)] // see above: no generic callers, so no hidden Send bound is lost
pub trait Read: Conn {
    /// A unit by id.
    async fn unit(&self, id: UnitId) -> Result<Option<Unit>, StoreError> {
        unit::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(convert::unit)
            .transpose()
    }

    /// A unit that must exist.
    async fn require_unit(&self, id: UnitId) -> Result<Unit, StoreError> {
        self.unit(id).await?.ok_or(StoreError::NotFound {
            entity: "unit",
            id: id.to_string(),
        })
    }

    /// Every unit, root first then depth-first (ordered by path).
    async fn units(&self) -> Result<Vec<Unit>, StoreError> {
        unit::Entity::find()
            .order_by_asc(unit::Column::Path)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::unit)
            .collect()
    }

    /// Units by id, in no particular order (missing ids are skipped).
    async fn units_by_ids(&self, ids: &[UnitId]) -> Result<Vec<Unit>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        unit::Entity::find()
            .filter(unit::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::unit)
            .collect()
    }

    /// The path from the root to a unit.
    async fn unit_path(&self, id: UnitId) -> Result<UnitPath, StoreError> {
        Ok(self.require_unit(id).await?.path)
    }

    /// A person by id.
    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError> {
        Ok(person::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(convert::person))
    }

    /// People, optionally only within some units' subtrees and/or one unit, a page at a time.
    async fn people(
        &self,
        within_roots: Option<&[UnitId]>,
        in_unit: Option<UnitId>,
        page: PageRequest,
    ) -> Result<Vec<Person>, StoreError> {
        let mut query = person::Entity::find();
        if let Some(roots) = within_roots {
            if roots.is_empty() {
                return Ok(Vec::new());
            }
            query = query.filter(
                person::Column::UnitId.in_subquery(
                    Query::select()
                        .column(unit::Column::Id)
                        .from(unit::Entity)
                        .cond_where(within(unit::Column::Path, roots))
                        .to_owned(),
                ),
            );
        }
        if let Some(unit) = in_unit {
            query = query.filter(person::Column::UnitId.eq(unit.0));
        }
        if let Some(after) = page.after {
            query = query.filter(person::Column::Id.gt(after));
        }
        Ok(query
            .order_by_asc(person::Column::Id)
            .limit(page.limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::person)
            .collect())
    }

    /// An account by id.
    async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        account::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(convert::account)
            .transpose()
    }

    /// An account and its password hash, by login name.
    async fn account_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(Account, String)>, StoreError> {
        account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(self.conn())
            .await?
            .map(|m| {
                let hash = m.password_hash.clone();
                Ok((convert::account(m)?, hash))
            })
            .transpose()
    }

    /// Accounts by username, a page at a time.
    async fn accounts(&self, offset: u64, limit: u64) -> Result<Vec<Account>, StoreError> {
        account::Entity::find()
            .order_by_asc(account::Column::Username)
            .offset(offset)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::account)
            .collect()
    }

    /// The accounts that may sit on the council of `root`, by username, at most `limit`: those
    /// of the people of its units (its own and every unit below it) and those holding a role
    /// at one of them. Disabled accounts are left out.
    async fn accounts_within(&self, root: UnitId, limit: u64) -> Result<Vec<Account>, StoreError> {
        let subtree = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::Path.like(format!("%/{root}/%")))
            .to_owned();
        let people = Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(person::Column::UnitId.in_subquery(subtree.clone()))
            .to_owned();
        let roles = Query::select()
            .column(role_grant::Column::AccountId)
            .from(role_grant::Entity)
            .and_where(role_grant::Column::UnitId.in_subquery(subtree))
            .to_owned();
        account::Entity::find()
            .filter(account::Column::Disabled.eq(false))
            .filter(
                Condition::any()
                    .add(account::Column::PersonId.in_subquery(people))
                    .add(account::Column::Id.in_subquery(roles)),
            )
            .order_by_asc(account::Column::Username)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::account)
            .collect()
    }

    /// How many accounts exist (zero means a fresh installation).
    async fn count_accounts(&self) -> Result<u64, StoreError> {
        Ok(account::Entity::find().count(self.conn()).await?)
    }

    /// The role grants of an account.
    async fn grants(&self, account: AccountId) -> Result<Vec<Grant>, StoreError> {
        role_grant::Entity::find()
            .filter(role_grant::Column::AccountId.eq(account.0))
            .order_by_asc(role_grant::Column::Role)
            .order_by_asc(role_grant::Column::ScopeKey)
            .all(self.conn())
            .await?
            .into_iter()
            .map(grant)
            .collect()
    }

    /// A session by the SHA-256 of its token, with its account (`None` if it is gone), the
    /// account's grants and the delegations to it, in one statement: what every signed-in
    /// request reads first. The session's row is joined once for the grants and once for the
    /// delegations (a two-row `parts` table tells which), so the result has a row per grant
    /// and per delegation, and one when there are none.
    async fn session_actor(&self, token_hash: &str) -> Result<Option<SessionActor>, StoreError> {
        use sea_orm::{FromQueryResult, IdenStatic, Iterable, Statement};
        fn columns<C: Iterable + IdenStatic>(alias: &str) -> String {
            C::iter()
                .map(|c| format!("\"{alias}\".\"{n}\" AS \"{alias}_{n}\"", n = c.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        }
        let backend = self.conn().get_database_backend();
        let placeholder = match backend {
            sea_orm::DbBackend::Postgres => "$1",
            _ => "?",
        };
        let sql = format!(
            "SELECT {}, {}, {}, {} FROM session s \
             LEFT JOIN account a ON a.id = s.account_id \
             CROSS JOIN (SELECT 1 AS part UNION ALL SELECT 2 AS part) parts \
             LEFT JOIN role_grant g ON parts.part = 1 AND g.account_id = s.account_id \
             LEFT JOIN delegation d ON parts.part = 2 AND d.delegate_account_id = s.account_id \
               AND d.revoked_at IS NULL \
             WHERE s.token_hash = {placeholder} \
             ORDER BY parts.part, g.role, g.scope_key, d.id",
            columns::<session::Column>("s"),
            columns::<account::Column>("a"),
            columns::<role_grant::Column>("g"),
            columns::<delegation::Column>("d"),
        );
        let rows = self
            .conn()
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [token_hash.into()],
            ))
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let m = session::Model::from_query_result(first, "s_")?;
        let present = |row: &sea_orm::QueryResult, pre: &str| -> Result<bool, StoreError> {
            Ok(row.try_get::<Option<Uuid>>(pre, "id")?.is_some())
        };
        let account = if present(first, "a_")? {
            Some(convert::account(account::Model::from_query_result(
                first, "a_",
            )?)?)
        } else {
            None
        };
        let mut grants = Vec::new();
        let mut delegations = Vec::new();
        for row in &rows {
            if present(row, "g_")? {
                grants.push(grant(role_grant::Model::from_query_result(row, "g_")?)?);
            }
            if present(row, "d_")? {
                let d = delegation::Model::from_query_result(row, "d_")?;
                delegations.push(crate::review::delegation_record(d)?.delegation);
            }
        }
        Ok(Some(SessionActor {
            session: SessionRecord {
                id: m.id,
                account: AccountId(m.account_id),
                expires_at: m.expires_at,
                revoked_at: m.revoked_at,
            },
            account,
            grants,
            delegations,
        }))
    }

    /// A nomination by id.
    async fn nomination(&self, id: NominationId) -> Result<Option<NominationRecord>, StoreError> {
        nomination::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(convert::nomination)
            .transpose()
    }

    /// Nominations by id, in one statement (missing ones are left out).
    async fn nominations_by_ids(
        &self,
        ids: &[NominationId],
    ) -> Result<Vec<NominationRecord>, StoreError> {
        nomination::Entity::find()
            .filter(nomination::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// People by id, in one statement.
    async fn persons_by_ids(&self, ids: &[PersonId]) -> Result<Vec<Person>, StoreError> {
        Ok(person::Entity::find()
            .filter(person::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::person)
            .collect())
    }

    /// Decisions by id, in one statement.
    async fn decisions_by_ids(&self, ids: &[DecisionId]) -> Result<Vec<Decision>, StoreError> {
        decision::Entity::find()
            .filter(decision::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::decision)
            .collect()
    }

    /// The certificates of several nominations, in one statement.
    async fn certificates_of_nominations(
        &self,
        ids: &[NominationId],
    ) -> Result<Vec<CertificateRecord>, StoreError> {
        certificate::Entity::find()
            .filter(certificate::Column::NominationId.is_in(ids.iter().map(|i| i.0)))
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::certificate)
            .collect()
    }

    /// A nomination that must exist.
    async fn require_nomination(&self, id: NominationId) -> Result<NominationRecord, StoreError> {
        self.nomination(id).await?.ok_or(StoreError::NotFound {
            entity: "nomination",
            id: id.to_string(),
        })
    }

    /// A nomination with its issuer's path, in one statement: what a stage transition reads to
    /// find its route.
    async fn require_nomination_and_issuer(
        &self,
        id: NominationId,
    ) -> Result<(NominationRecord, UnitPath), StoreError> {
        let to_issuer: sea_orm::RelationDef = nomination::Entity::belongs_to(unit::Entity)
            .from(nomination::Column::IssuerUnitId)
            .to(unit::Column::Id)
            .into();
        let not_found = || StoreError::NotFound {
            entity: "nomination",
            id: id.to_string(),
        };
        let (m, issuer) = nomination::Entity::find_by_id(id.0)
            .join(sea_orm::JoinType::InnerJoin, to_issuer)
            .select_also(unit::Entity)
            .one(self.conn())
            .await?
            .ok_or_else(not_found)?;
        let issuer = issuer.ok_or_else(not_found)?;
        Ok((convert::nomination(m)?, convert::unit(issuer)?.path))
    }

    /// Nominations matching a filter, a page at a time.
    async fn nominations(
        &self,
        filter: &NominationFilter,
        page: PageRequest,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        let mut query = nomination::Entity::find();
        if let Some(roots) = &filter.within {
            if roots.is_empty() {
                return Ok(Vec::new());
            }
            query = query.filter(within(nomination::Column::ProposingPath, roots));
        }
        if let Some(state) = filter.state {
            query = query.filter(nomination::Column::State.eq(state.code()));
        }
        if let Some(issuer) = filter.issuer {
            query = query.filter(nomination::Column::IssuerUnitId.eq(issuer.0));
        }
        if let Some(unit) = filter.proposed_within {
            query = query.filter(within(nomination::Column::ProposingPath, &[unit]));
        }
        if let Some(period) = filter.period {
            query = query.filter(nomination::Column::Period.eq(period.year()));
        }
        if let Some(award) = filter.award {
            query = query.filter(nomination::Column::AwardKind.eq(award.code()));
        }
        if let Some(proposal) = filter.proposal {
            query = query.filter(nomination::Column::ProposalId.eq(proposal.0));
        }
        if let Some(after) = page.after {
            query = query.filter(nomination::Column::Id.gt(after));
        }
        query
            .order_by_asc(nomination::Column::Id)
            .limit(page.limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// Nominations under review whose public notice runs until `today` or later (the caller
    /// checks they are at their PUBLIC_NOTICE stage).
    async fn nominations_in_notice(
        &self,
        today: time::Date,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        nomination::Entity::find()
            .filter(
                nomination::Column::State
                    .eq(laurel_domain::nomination::NominationState::Submitted.code()),
            )
            .filter(nomination::Column::NoticeClosesOn.gte(today))
            .order_by_asc(nomination::Column::NoticeClosesOn)
            .order_by_asc(nomination::Column::Id)
            .limit(500)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// Every nomination of a nominee, oldest first.
    async fn nominations_of_nominee(
        &self,
        nominee: laurel_domain::nomination::Nominee,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        self.nominations_of_nominees(&[nominee]).await
    }

    /// Every nomination of several nominees, in one statement.
    async fn nominations_of_nominees(
        &self,
        nominees: &[laurel_domain::nomination::Nominee],
    ) -> Result<Vec<NominationRecord>, StoreError> {
        use laurel_domain::nomination::Nominee;
        let people: Vec<Uuid> = nominees
            .iter()
            .filter_map(|n| match n {
                Nominee::Person(p) => Some(p.0),
                Nominee::Collective(_) => None,
            })
            .collect();
        let units: Vec<Uuid> = nominees
            .iter()
            .filter_map(|n| match n {
                Nominee::Collective(u) => Some(u.0),
                Nominee::Person(_) => None,
            })
            .collect();
        // Only the lists that have ids: SQLite does not fold the `1 = 2` an empty list becomes,
        // and `… IN (…) OR 1 = 2` scans the whole table instead of searching the index.
        let mut any = Condition::any();
        if !people.is_empty() {
            any = any.add(nomination::Column::NomineePersonId.is_in(people));
        }
        if !units.is_empty() {
            any = any.add(nomination::Column::NomineeUnitId.is_in(units));
        }
        if any.is_empty() {
            return Ok(Vec::new());
        }
        nomination::Entity::find()
            .filter(any)
            .order_by_asc(nomination::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// The nominations a decision awarded.
    async fn nominations_of_decision(
        &self,
        decision: DecisionId,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        nomination::Entity::find()
            .filter(nomination::Column::DecisionId.eq(decision.0))
            .order_by_asc(nomination::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::nomination)
            .collect()
    }

    /// A decision by id.
    async fn decision(&self, id: DecisionId) -> Result<Option<Decision>, StoreError> {
        decision::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(convert::decision)
            .transpose()
    }

    /// Decisions matching a filter, a page at a time.
    async fn decisions(
        &self,
        filter: &DecisionFilter,
        page: PageRequest,
    ) -> Result<Vec<Decision>, StoreError> {
        let mut query = decision::Entity::find();
        if let Some(roots) = &filter.within {
            if roots.is_empty() {
                return Ok(Vec::new());
            }
            query = query.filter(
                decision::Column::IssuerUnitId.in_subquery(
                    Query::select()
                        .column(unit::Column::Id)
                        .from(unit::Entity)
                        .cond_where(within(unit::Column::Path, roots))
                        .to_owned(),
                ),
            );
        }
        if let Some(issuer) = filter.issuer {
            query = query.filter(decision::Column::IssuerUnitId.eq(issuer.0));
        }
        if let Some(year) = filter.year {
            query = query.filter(decision::Column::Year.eq(year));
        }
        if let Some(after) = page.after {
            query = query.filter(decision::Column::Id.gt(after));
        }
        query
            .order_by_asc(decision::Column::Id)
            .limit(page.limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::decision)
            .collect()
    }

    /// A certificate by id.
    async fn certificate(
        &self,
        id: CertificateId,
    ) -> Result<Option<CertificateRecord>, StoreError> {
        certificate::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(convert::certificate)
            .transpose()
    }

    /// A certificate by its public verification code.
    async fn certificate_by_code(
        &self,
        code: &VerificationCode,
    ) -> Result<Option<CertificateRecord>, StoreError> {
        certificate::Entity::find()
            .filter(certificate::Column::Code.eq(code.as_str()))
            .one(self.conn())
            .await?
            .map(convert::certificate)
            .transpose()
    }

    /// The certificates issued for a decision, by golden-book number.
    async fn certificates_of_decision(
        &self,
        decision: DecisionId,
    ) -> Result<Vec<CertificateRecord>, StoreError> {
        certificate::Entity::find()
            .filter(certificate::Column::DecisionId.eq(decision.0))
            .order_by_asc(certificate::Column::GoldenBookNo)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::certificate)
            .collect()
    }

    /// The status list of an issuer's certificates of a year (W3C Bitstring Status List, one
    /// bit per golden-book number, which the issuer's sequence makes unique in the year): the
    /// highest number issued (`None` when none was) and the numbers annulled, by their own
    /// annulment or their whole decision's. Two statements, whatever the list's size.
    async fn certificate_status_list(
        &self,
        issuer: UnitId,
        year: i32,
    ) -> Result<(Option<i32>, Vec<i32>), StoreError> {
        let decisions = |annulled_only: bool| {
            let mut query = Query::select();
            query
                .column(decision::Column::Id)
                .from(decision::Entity)
                .and_where(decision::Column::IssuerUnitId.eq(issuer.0))
                .and_where(decision::Column::Year.eq(year));
            if annulled_only {
                query.and_where(
                    decision::Column::State
                        .eq(laurel_domain::decision::DecisionState::Annulled.code()),
                );
            }
            query.to_owned()
        };
        let highest: Option<Option<i32>> = certificate::Entity::find()
            .select_only()
            .column_as(certificate::Column::GoldenBookNo.max(), "highest")
            .filter(certificate::Column::DecisionId.in_subquery(decisions(false)))
            .into_tuple()
            .one(self.conn())
            .await?;
        let annulled: Vec<i32> = certificate::Entity::find()
            .select_only()
            .column(certificate::Column::GoldenBookNo)
            .filter(certificate::Column::DecisionId.in_subquery(decisions(false)))
            .filter(
                Condition::any()
                    .add(
                        certificate::Column::Status
                            .eq(laurel_domain::certificate::CertificateStatus::Annulled.code()),
                    )
                    .add(certificate::Column::DecisionId.in_subquery(decisions(true))),
            )
            .order_by_asc(certificate::Column::GoldenBookNo)
            .into_tuple()
            .all(self.conn())
            .await?;
        Ok((highest.flatten(), annulled))
    }

    /// The certificate issued for a nomination, if any.
    async fn certificate_of_nomination(
        &self,
        nomination: NominationId,
    ) -> Result<Option<CertificateRecord>, StoreError> {
        certificate::Entity::find()
            .filter(certificate::Column::NominationId.eq(nomination.0))
            .one(self.conn())
            .await?
            .map(convert::certificate)
            .transpose()
    }

    /// The audit trail of one entity, oldest first.
    async fn audit_of(&self, entity_id: Uuid) -> Result<Vec<AuditEntry>, StoreError> {
        audit_log::Entity::find()
            .filter(audit_log::Column::EntityId.eq(entity_id))
            .order_by_asc(audit_log::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::audit)
            .collect()
    }

    /// The whole audit log, a page at a time, oldest first.
    async fn audit_log(
        &self,
        filter: &AuditQuery,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut query = audit_log::Entity::find();
        if let Some(after) = after {
            query = query.filter(audit_log::Column::Id.gt(after));
        }
        if let Some(entity) = &filter.entity {
            query = query.filter(audit_log::Column::Entity.eq(entity.clone()));
        }
        if let Some(id) = filter.entity_id {
            query = query.filter(audit_log::Column::EntityId.eq(id));
        }
        if let Some(actor) = filter.actor {
            query = query.filter(audit_log::Column::ActorAccountId.eq(actor.0));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_log::Column::Action.eq(action.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::Column::At.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::Column::At.lt(until));
        }
        query
            .order_by_asc(audit_log::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(convert::audit)
            .collect()
    }

    /// The head of an audit chain: its last row's place and hash (place 0 and no hash for a
    /// chain not begun). Read before a write transaction begins, it lets the transaction append
    /// without reading it again ([`crate::WriteTx::record_after`]); a head that moved meanwhile
    /// is caught by the chain's unique (chain, seq) index.
    async fn audit_chain_head(
        &self,
        entity: &str,
        entity_id: Uuid,
    ) -> Result<laurel_domain::audit::Head, StoreError> {
        let chain = laurel_domain::audit::chain_of(entity, entity_id);
        let head: Option<(i64, String)> = audit_log::Entity::find()
            .select_only()
            .column(audit_log::Column::Seq)
            .column(audit_log::Column::Hash)
            .filter(audit_log::Column::Chain.eq(chain.clone()))
            .order_by_desc(audit_log::Column::Seq)
            .limit(1)
            .into_tuple()
            .one(self.conn())
            .await?;
        let (seq, hash) = head.unwrap_or((0, String::new()));
        Ok(laurel_domain::audit::Head { chain, seq, hash })
    }

    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<(), StoreError> {
        let backend = self.conn().get_database_backend();
        self.conn()
            .query_one(&Query::select().expr(Expr::val(1)).to_owned())
            .await
            .map(|_| ())
            .map_err(|e| {
                tracing::warn!(?backend, error = %e, "database ping failed");
                e.into()
            })
    }
}
