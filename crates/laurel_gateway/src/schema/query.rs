//! Queries. Everything but `awardKinds` and `verifyCertificate` needs a session; lists show only
//! what the caller's roles reach.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, Result};
use laurel_domain::authz::Action;
use laurel_domain::award::AwardKind;
use laurel_domain::ids::{CertificateId, DecisionId, NominationId, PersonId, UnitId};
use laurel_domain::nomination::Period;
use laurel_domain::text::InvalidInput;
use laurel_store::{DecisionFilter, NominationFilter, PageRequest, Read};
use uuid::Uuid;

use super::enums::{AwardKindCode, NominationState};
use super::types::{
    AccountNode, AuditEntryNode, AwardKindNode, CertificateNode, DecisionNode, NominationNode,
    PersonNode, UnitNode, VerificationNode,
};
use super::{actor, ops, parse_id, signed_in};
use crate::error::OpsError;

/// Default page size.
const PAGE_DEFAULT: i32 = 50;
/// Largest page size.
const PAGE_MAX: i32 = 200;

/// Which nominations to list.
#[derive(Debug, InputObject)]
pub struct NominationFilterInput {
    /// Only in this state.
    pub state: Option<NominationState>,
    /// Only for this issuer.
    pub issuer_unit_id: Option<ID>,
    /// Only those proposed by this unit or a unit below it.
    pub proposing_unit_id: Option<ID>,
    /// Only for this period (year).
    pub period: Option<i32>,
    /// Only of this award kind.
    pub award_kind: Option<AwardKindCode>,
}

/// Queries about the organisation, nominations, decisions and certificates.
#[derive(Debug, Default)]
pub struct CoreQuery;

/// A page request from GraphQL arguments: `first` (1-200, default 50) rows after `after`.
fn page(first: Option<i32>, after: Option<&str>) -> Result<(PageRequest, usize), OpsError> {
    let first = first.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&first) {
        return Err(OpsError::invalid(InvalidInput::OutOfRange {
            field: "first",
            min: 1,
            max: PAGE_MAX.into(),
            actual: first.into(),
        }));
    }
    let after = after
        .map(|a| Uuid::parse_str(a).map_err(|_| cursor_error()))
        .transpose()?;
    let first = first as usize;
    Ok((
        PageRequest {
            after,
            limit: first as u64 + 1,
        },
        first,
    ))
}

fn cursor_error() -> OpsError {
    OpsError::invalid(InvalidInput::Malformed {
        field: "after",
        expected_vi: "con trỏ trang (cursor) lấy từ kết quả trước",
        expected_en: "a cursor taken from a previous page",
    })
}

/// A Relay connection from rows fetched with one row more than asked for.
fn connection<T, N: async_graphql::OutputType>(
    mut rows: Vec<T>,
    first: usize,
    had_cursor: bool,
    cursor: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> Connection<String, N> {
    let has_next = rows.len() > first;
    rows.truncate(first);
    let mut conn = Connection::new(had_cursor, has_next);
    conn.edges.extend(
        rows.into_iter()
            .map(|row| Edge::new(cursor(&row), node(row))),
    );
    conn
}

#[Object]
impl CoreQuery {
    /// The signed-in account (also while a one-time password still has to be changed).
    async fn me(&self, ctx: &Context<'_>) -> Result<AccountNode> {
        Ok(AccountNode(signed_in(ctx)?.account.clone()))
    }

    /// Accounts by username (administrators only): `first` of them (at most 200, default 100)
    /// after skipping `offset`.
    #[graphql(complexity = "first.unwrap_or(100).clamp(1, 200) as usize * child_complexity")]
    async fn accounts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<AccountNode>> {
        let actor = actor(ctx)?;
        let first = u64::try_from(first.unwrap_or(100).clamp(1, 200)).unwrap_or(100);
        let offset = u64::try_from(offset.unwrap_or(0).max(0)).unwrap_or(0);
        Ok(ops(ctx)?
            .accounts(actor, offset, first)
            .await?
            .into_iter()
            .map(AccountNode)
            .collect())
    }

    /// Every unit, root first, depth first.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<UnitNode>> {
        actor(ctx)?;
        Ok(ops(ctx)?
            .store()
            .units()
            .await
            .map_err(OpsError::from)?
            .into_iter()
            .map(UnitNode)
            .collect())
    }

    /// One unit.
    async fn unit(&self, ctx: &Context<'_>, id: ID) -> Result<Option<UnitNode>> {
        actor(ctx)?;
        let id: UnitId = parse_id("id", &id)?;
        Ok(ops(ctx)?
            .store()
            .unit(id)
            .await
            .map_err(OpsError::from)?
            .map(UnitNode))
    }

    /// People you may see, optionally of one unit.
    #[graphql(
        complexity = "first.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX) as usize * child_complexity"
    )]
    async fn people(
        &self,
        ctx: &Context<'_>,
        unit_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, PersonNode>> {
        let actor = actor(ctx)?;
        let unit: Option<UnitId> = unit_id
            .as_ref()
            .map(|id| parse_id("unitId", id))
            .transpose()?;
        let (request, first) = page(first, after.as_deref())?;
        let roots = actor.readable_roots();
        let rows = ops(ctx)?
            .store()
            .people(roots.as_deref(), unit, request)
            .await
            .map_err(OpsError::from)?;
        Ok(connection(
            rows,
            first,
            after.is_some(),
            |p| p.id.to_string(),
            PersonNode,
        ))
    }

    /// One person, if you may see them.
    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PersonNode>> {
        let actor = actor(ctx)?;
        let id: PersonId = parse_id("id", &id)?;
        Ok(ops(ctx)?.readable_person(actor, id).await?.map(PersonNode))
    }

    /// The award catalog (public).
    async fn award_kinds(&self) -> Vec<AwardKindNode> {
        AwardKind::ALL.into_iter().map(AwardKindNode).collect()
    }

    /// Nominations you may see (proposed within your units' subtrees).
    #[graphql(
        complexity = "first.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX) as usize * child_complexity"
    )]
    async fn nominations(
        &self,
        ctx: &Context<'_>,
        filter: Option<NominationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, NominationNode>> {
        let actor = actor(ctx)?;
        let (request, first) = page(first, after.as_deref())?;
        let mut store_filter = NominationFilter {
            within: actor.readable_roots(),
            ..Default::default()
        };
        if let Some(filter) = filter {
            store_filter.state = filter.state.map(Into::into);
            store_filter.issuer = filter
                .issuer_unit_id
                .as_ref()
                .map(|id| parse_id("filter.issuerUnitId", id))
                .transpose()?;
            store_filter.proposed_within = filter
                .proposing_unit_id
                .as_ref()
                .map(|id| parse_id("filter.proposingUnitId", id))
                .transpose()?;
            store_filter.period = filter
                .period
                .map(Period::new)
                .transpose()
                .map_err(OpsError::invalid)?;
            store_filter.award = filter.award_kind.map(Into::into);
        }
        let rows = ops(ctx)?
            .store()
            .nominations(&store_filter, request)
            .await
            .map_err(OpsError::from)?;
        Ok(connection(
            rows,
            first,
            after.is_some(),
            |n| n.nomination.id.to_string(),
            NominationNode,
        ))
    }

    /// Where to download the nominations of `filter` you read, with their stage, who holds
    /// them, their deadline and decision, as an Excel workbook (or CSV with `csv: true`); send
    /// the same bearer token. At most 100,000 nominations: filter a wider list.
    async fn nominations_export_url(
        &self,
        filter: Option<NominationFilterInput>,
        #[graphql(default = false)] csv: bool,
    ) -> String {
        let mut query: Vec<String> = Vec::new();
        if let Some(f) = filter {
            if let Some(state) = f.state {
                let state: laurel_domain::nomination::NominationState = state.into();
                query.push(format!("state={}", state.code()));
            }
            if let Some(issuer) = f.issuer_unit_id {
                query.push(format!("issuerUnitId={}", percent(&issuer)));
            }
            if let Some(unit) = f.proposing_unit_id {
                query.push(format!("proposingUnitId={}", percent(&unit)));
            }
            if let Some(period) = f.period {
                query.push(format!("period={period}"));
            }
            if let Some(award) = f.award_kind {
                let award: laurel_domain::award::AwardKind = award.into();
                query.push(format!("awardKind={}", award.code()));
            }
        }
        let file = if csv {
            "nominations.csv"
        } else {
            "nominations.xlsx"
        };
        if query.is_empty() {
            format!("/exports/{file}")
        } else {
            format!("/exports/{file}?{}", query.join("&"))
        }
    }

    /// One nomination, if you may see it.
    async fn nomination(&self, ctx: &Context<'_>, id: ID) -> Result<Option<NominationNode>> {
        let actor = actor(ctx)?;
        let id: NominationId = parse_id("id", &id)?;
        Ok(ops(ctx)?
            .readable_nomination(actor, id)
            .await?
            .map(NominationNode))
    }

    /// Decisions issued within your units' subtrees.
    #[graphql(
        complexity = "first.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX) as usize * child_complexity"
    )]
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        issuer_unit_id: Option<ID>,
        year: Option<i32>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, DecisionNode>> {
        let actor = actor(ctx)?;
        let (request, first) = page(first, after.as_deref())?;
        let filter = DecisionFilter {
            within: actor.readable_roots(),
            issuer: issuer_unit_id
                .as_ref()
                .map(|id| parse_id("issuerUnitId", id))
                .transpose()?,
            year,
        };
        let rows = ops(ctx)?
            .store()
            .decisions(&filter, request)
            .await
            .map_err(OpsError::from)?;
        Ok(connection(
            rows,
            first,
            after.is_some(),
            |d| d.id.to_string(),
            DecisionNode,
        ))
    }

    /// One decision, if it was issued within your units' subtrees or awards a nomination you
    /// may see.
    async fn decision(&self, ctx: &Context<'_>, id: ID) -> Result<Option<DecisionNode>> {
        let actor = actor(ctx)?;
        let id: DecisionId = parse_id("id", &id)?;
        Ok(ops(ctx)?
            .readable_decision(actor, id)
            .await?
            .map(DecisionNode))
    }

    /// One certificate, if you may see its nomination.
    async fn certificate(&self, ctx: &Context<'_>, id: ID) -> Result<Option<CertificateNode>> {
        let actor = actor(ctx)?;
        let id: CertificateId = parse_id("id", &id)?;
        Ok(ops(ctx)?
            .readable_certificate(actor, id)
            .await?
            .map(CertificateNode))
    }

    /// Verifies a certificate by the code printed on it (public: no login needed).
    /// Null when no certificate has this code.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<VerificationNode>> {
        Ok(ops(ctx)?
            .verify_certificate(&code)
            .await?
            .map(VerificationNode::from))
    }

    /// The audit log, oldest first, filtered. Administrators read all of it; anyone else reads
    /// the entries of one nomination, decision, proposal or council session they may read
    /// (`filter: {entity, entityId}`).
    #[graphql(
        complexity = "first.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX) as usize * child_complexity"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AuditEntryNode>> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let query = laurel_store::AuditQuery {
            entity: filter.entity.clone(),
            entity_id: filter
                .entity_id
                .as_ref()
                .map(|id| super::parse_uuid("entityId", id))
                .transpose()?,
            actor: filter
                .actor_id
                .as_ref()
                .map(|id| parse_id("actorId", id))
                .transpose()?,
            action: filter.action.clone(),
            from: filter.from,
            until: filter.until,
        };
        if actor
            .authorize(Action::ManageOrganisation, &Default::default())
            .is_err()
        {
            ops(ctx)?.may_read_audit_of(actor, &query).await?;
        }
        let first_n = first.unwrap_or(PAGE_DEFAULT);
        let (_, first) = page(Some(first_n), None)?;
        let after_id = after
            .as_deref()
            .map(|a| a.parse::<i64>().map_err(|_| cursor_error()))
            .transpose()?;
        let rows = ops(ctx)?
            .store()
            .audit_log(&query, after_id, first as u64 + 1)
            .await
            .map_err(OpsError::from)?;
        Ok(connection(
            rows,
            first,
            after.is_some(),
            |e| e.id.to_string(),
            AuditEntryNode,
        ))
    }
}

/// Which audit entries to list.
#[derive(async_graphql::InputObject, Debug, Default)]
pub struct AuditFilterInput {
    /// "nomination", "decision", "proposal", "council_session", "council", "unit", "account"…
    pub entity: Option<String>,
    pub entity_id: Option<ID>,
    /// Only what this account did.
    pub actor_id: Option<ID>,
    /// Only this action, e.g. "NOMINATION_SUBMITTED".
    pub action: Option<String>,
    /// At or after.
    pub from: Option<time::OffsetDateTime>,
    /// Before.
    pub until: Option<time::OffsetDateTime>,
}

/// An id as a query-string value: ids are UUIDs, but anything else typed is escaped.
fn percent(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
