//! Councils: members' terms, an issuer's own vote rules, sessions with their items, secret
//! ballots (a choice and a receipt hash, nothing else) and, apart, who has voted.

use std::collections::{BTreeMap, BTreeSet};

use laurel_domain::award::AwardKind;
use laurel_domain::council::{
    Choice, Counts, Item, Membership, Position, Quorum, Session, SessionState, Share, VoteRule,
};
use laurel_domain::ids::{AccountId, CouncilId, MembershipId, NominationId, SessionId, UnitId};
use laurel_domain::rules::{Confidence, VoteBase};
use laurel_domain::workflow::Tally;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::parse;
use crate::entity::{
    attestation, council, council_item, council_membership, council_session, council_vote_rule,
    council_voter,
};
use crate::error::unique_as_duplicate;
use crate::{StoreError, WriteTx, sealed::Conn};

/// A council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilRecord {
    /// Identity.
    pub id: CouncilId,
    /// The issuer whose council it is.
    pub issuer: UnitId,
    /// Its name, e.g. "Hội đồng Thi đua - Khen thưởng Công an tỉnh Gia Lai".
    pub name: String,
    /// Its quorum.
    pub quorum: Quorum,
    /// Who created it.
    pub created_by: AccountId,
    /// When.
    pub created_at: OffsetDateTime,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// An issuer's own vote rule for one award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRuleRecord {
    /// The award.
    pub award: AwardKind,
    /// The rule.
    pub rule: VoteRule,
    /// Who set it.
    pub set_by: AccountId,
    /// When.
    pub set_at: OffsetDateTime,
}

/// What is kept of one agenda item beside its votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRecord {
    /// The item's id (receipts are bound to it).
    pub id: Uuid,
    /// Its nomination.
    pub nomination: NominationId,
    /// Approved or not, once the session closed and it was voted.
    pub approved: Option<bool>,
    /// Its figures, once closed.
    pub tally: Option<Tally>,
    /// What closing did to the nomination ("APPLIED", or why not).
    pub applied: Option<String>,
}

/// A council session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilSessionRecord {
    /// Identity.
    pub id: SessionId,
    /// The council.
    pub council: CouncilId,
    /// The council's issuer.
    pub issuer: UnitId,
    /// The date it sat.
    pub date: Date,
    /// Where.
    pub place: String,
    /// Its members, presence, agenda and votes.
    pub session: Session,
    /// The items' ids and outcomes, in agenda order.
    pub items: Vec<ItemRecord>,
    /// Who opened it (the secretary).
    pub opened_by: AccountId,
    /// When.
    pub opened_at: OffsetDateTime,
    /// Who closed it.
    pub closed_by: Option<AccountId>,
    /// When.
    pub closed_at: Option<OffsetDateTime>,
    /// The minutes' content, frozen at closing (JSON).
    pub minutes: Option<String>,
    /// SHA-256 of the minutes PDF.
    pub minutes_sha256: Option<String>,
    /// Optimistic-concurrency version; every vote moves it on.
    pub version: i32,
}

impl CouncilSessionRecord {
    /// The id of the item of `nomination`.
    pub fn item_id(&self, nomination: NominationId) -> Option<Uuid> {
        self.items
            .iter()
            .find(|i| i.nomination == nomination)
            .map(|i| i.id)
    }
}

fn share(num: i32, den: i32, entity: &'static str, id: Uuid) -> Result<Share, StoreError> {
    let num = u32::try_from(num).unwrap_or(u32::MAX);
    let den = u32::try_from(den).unwrap_or(0);
    Share::new(num, den).map_err(|e| StoreError::Corrupt {
        entity,
        id: id.to_string(),
        detail: e.to_string(),
    })
}

fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn rule_json(rule: &VoteRule) -> String {
    json!({
        "threshold": rule.threshold.to_string(),
        "base": rule.base,
        "strict": rule.strict,
        "secretBallot": rule.secret_ballot,
        "writtenOpinions": rule.written_opinions,
        "confidence": rule.confidence,
        "source": rule.source,
    })
    .to_string()
}

fn corrupt(entity: &'static str, id: Uuid, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        entity,
        id: id.to_string(),
        detail: detail.to_string(),
    }
}

fn parse_rule(id: Uuid, text: &str) -> Result<VoteRule, StoreError> {
    let v: Value = serde_json::from_str(text).map_err(|e| corrupt("council_item", id, e))?;
    let field = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let threshold: Share = field("threshold")
        .as_str()
        .unwrap_or_default()
        .parse()
        .map_err(|e: laurel_domain::council::InvalidShare| corrupt("council_item", id, e))?;
    let base: VoteBase =
        serde_json::from_value(field("base")).map_err(|e| corrupt("council_item", id, e))?;
    let confidence: Confidence =
        serde_json::from_value(field("confidence")).map_err(|e| corrupt("council_item", id, e))?;
    Ok(VoteRule {
        threshold,
        base,
        strict: field("strict").as_bool().unwrap_or(false),
        secret_ballot: field("secretBallot").as_bool().unwrap_or(false),
        written_opinions: field("writtenOpinions").as_bool().unwrap_or(false),
        confidence,
        source: field("source").as_str().unwrap_or_default().to_string(),
    })
}

fn tally_json(t: &Tally) -> String {
    json!({
        "members": t.members, "present": t.present, "for": t.votes_for,
        "against": t.votes_against, "abstain": t.abstentions,
        "writtenFor": t.written_for, "writtenAgainst": t.written_against,
    })
    .to_string()
}

fn parse_tally(id: Uuid, text: &str) -> Result<Tally, StoreError> {
    let v: Value = serde_json::from_str(text).map_err(|e| corrupt("council_item", id, e))?;
    let n = |k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    Ok(Tally {
        members: n("members"),
        present: n("present"),
        votes_for: n("for"),
        votes_against: n("against"),
        abstentions: n("abstain"),
        written_for: n("writtenFor"),
        written_against: n("writtenAgainst"),
    })
}

fn accounts_json(accounts: impl IntoIterator<Item = AccountId>) -> String {
    Value::Array(
        accounts
            .into_iter()
            .map(|a| Value::String(a.to_string()))
            .collect(),
    )
    .to_string()
}

fn parse_account(entity: &'static str, id: Uuid, s: &str) -> Result<AccountId, StoreError> {
    s.parse().map_err(|e| corrupt(entity, id, e))
}

fn parse_council(m: council::Model) -> Result<CouncilRecord, StoreError> {
    Ok(CouncilRecord {
        id: CouncilId(m.id),
        issuer: UnitId(m.issuer_unit_id),
        name: m.name,
        quorum: Quorum {
            share: share(m.quorum_num, m.quorum_den, "council", m.id)?,
            strict: m.quorum_strict,
        },
        created_by: AccountId(m.created_by),
        created_at: m.created_at,
        version: m.version,
    })
}

fn parse_membership(m: council_membership::Model) -> Result<Membership, StoreError> {
    Ok(Membership {
        id: MembershipId(m.id),
        account: AccountId(m.account_id),
        position: parse("council_membership", m.id, &m.position)?,
        from: m.from_date,
        until: m.until_date,
    })
}

/// Reads of councils, on the pool or inside a transaction.
#[allow(async_fn_in_trait)]
pub trait ReadCouncil: Conn {
    /// A council.
    async fn council(&self, id: CouncilId) -> Result<Option<CouncilRecord>, StoreError> {
        council::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(parse_council)
            .transpose()
    }

    /// The council of an issuer, if it has one in Laurel.
    async fn council_of_issuer(&self, issuer: UnitId) -> Result<Option<CouncilRecord>, StoreError> {
        council::Entity::find()
            .filter(council::Column::IssuerUnitId.eq(issuer.0))
            .one(self.conn())
            .await?
            .map(parse_council)
            .transpose()
    }

    /// Every council, by name.
    async fn councils(&self) -> Result<Vec<CouncilRecord>, StoreError> {
        council::Entity::find()
            .order_by_asc(council::Column::Name)
            .all(self.conn())
            .await?
            .into_iter()
            .map(parse_council)
            .collect()
    }

    /// A council's terms, oldest first.
    async fn memberships(&self, council: CouncilId) -> Result<Vec<Membership>, StoreError> {
        council_membership::Entity::find()
            .filter(council_membership::Column::CouncilId.eq(council.0))
            .order_by_asc(council_membership::Column::FromDate)
            .order_by_asc(council_membership::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(parse_membership)
            .collect()
    }

    /// A term, with its council.
    async fn membership(
        &self,
        id: MembershipId,
    ) -> Result<Option<(CouncilId, Membership)>, StoreError> {
        council_membership::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(|m| {
                let council = CouncilId(m.council_id);
                parse_membership(m).map(|t| (council, t))
            })
            .transpose()
    }

    /// The vote rules a council set for itself, by award.
    async fn vote_rules(&self, council: CouncilId) -> Result<Vec<VoteRuleRecord>, StoreError> {
        council_vote_rule::Entity::find()
            .filter(council_vote_rule::Column::CouncilId.eq(council.0))
            .order_by_asc(council_vote_rule::Column::AwardKind)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                let id = m.council_id;
                Ok(VoteRuleRecord {
                    award: parse("council_vote_rule", id, &m.award_kind)?,
                    rule: VoteRule {
                        threshold: share(
                            m.threshold_num,
                            m.threshold_den,
                            "council_vote_rule",
                            id,
                        )?,
                        base: serde_json::from_value(Value::String(m.base.clone()))
                            .map_err(|e| corrupt("council_vote_rule", id, e))?,
                        strict: m.strict,
                        secret_ballot: m.secret_ballot,
                        written_opinions: m.written_opinions,
                        confidence: Confidence::Confirmed,
                        source: m.source,
                    },
                    set_by: AccountId(m.set_by),
                    set_at: m.set_at,
                })
            })
            .collect()
    }

    /// A session with its items and who has voted.
    async fn council_session(
        &self,
        id: SessionId,
    ) -> Result<Option<CouncilSessionRecord>, StoreError> {
        let Some(m) = council_session::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let items = council_item::Entity::find()
            .filter(council_item::Column::SessionId.eq(id.0))
            .order_by_asc(council_item::Column::Ordinal)
            .all(self.conn())
            .await?;
        let item_ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
        let voters = council_voter::Entity::find()
            .filter(council_voter::Column::ItemId.is_in(item_ids))
            .all(self.conn())
            .await?;
        session_from(m, items, &voters).map(Some)
    }

    /// A council's sessions, newest first.
    async fn council_sessions(
        &self,
        council: CouncilId,
    ) -> Result<Vec<CouncilSessionRecord>, StoreError> {
        let sessions = council_session::Entity::find()
            .filter(council_session::Column::CouncilId.eq(council.0))
            .order_by_desc(council_session::Column::SessionDate)
            .order_by_desc(council_session::Column::OpenedAt)
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(sessions.len());
        for s in sessions {
            if let Some(record) = self.council_session(SessionId(s.id)).await? {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// Whether `account` is a member of a session (open or closed) with `nomination` on its
    /// agenda: members read what they vote on.
    async fn sits_on_council_for(
        &self,
        nomination: NominationId,
        account: AccountId,
    ) -> Result<bool, StoreError> {
        let items = council_item::Entity::find()
            .filter(council_item::Column::NominationId.eq(nomination.0))
            .all(self.conn())
            .await?;
        for item in items {
            let members = council_session::Entity::find_by_id(item.session_id)
                .one(self.conn())
                .await?
                .map(|s| s.members)
                .unwrap_or_default();
            let members: Value = serde_json::from_str(&members).unwrap_or(Value::Null);
            if members.get(account.to_string()).is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The open sessions with `nomination` on their agenda.
    async fn open_sessions_of(
        &self,
        nomination: NominationId,
    ) -> Result<Vec<SessionId>, StoreError> {
        let items = council_item::Entity::find()
            .filter(council_item::Column::NominationId.eq(nomination.0))
            .all(self.conn())
            .await?;
        let mut open = Vec::new();
        for item in items {
            let state = council_session::Entity::find_by_id(item.session_id)
                .one(self.conn())
                .await?
                .map(|s| s.state);
            if state.as_deref() == Some(SessionState::Open.code()) {
                open.push(SessionId(item.session_id));
            }
        }
        Ok(open)
    }
}

impl ReadCouncil for crate::Store {}
impl ReadCouncil for WriteTx {}

fn session_from(
    m: council_session::Model,
    items: Vec<council_item::Model>,
    voters: &[council_voter::Model],
) -> Result<CouncilSessionRecord, StoreError> {
    let id = m.id;
    let members_json: Value =
        serde_json::from_str(&m.members).map_err(|e| corrupt("council_session", id, e))?;
    let mut members = BTreeMap::new();
    for (account, position) in members_json.as_object().into_iter().flatten() {
        let position: Position = position
            .as_str()
            .unwrap_or_default()
            .parse()
            .map_err(|e: String| corrupt("council_session", id, e))?;
        members.insert(parse_account("council_session", id, account)?, position);
    }
    let present_json: Value =
        serde_json::from_str(&m.present).map_err(|e| corrupt("council_session", id, e))?;
    let present = present_json
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| parse_account("council_session", id, a.as_str().unwrap_or_default()))
        .collect::<Result<BTreeSet<_>, _>>()?;
    let mut domain_items = Vec::with_capacity(items.len());
    let mut records = Vec::with_capacity(items.len());
    for i in items {
        let iid = i.id;
        let obj = |text: &str| -> Result<serde_json::Map<String, Value>, StoreError> {
            let v: Value =
                serde_json::from_str(text).map_err(|e| corrupt("council_item", iid, e))?;
            Ok(v.as_object().cloned().unwrap_or_default())
        };
        let choice = |v: &Value| -> Result<Choice, StoreError> {
            v.as_str()
                .unwrap_or_default()
                .parse()
                .map_err(|e: String| corrupt("council_item", iid, e))
        };
        let mut recused = BTreeMap::new();
        for (a, reason) in obj(&i.recused)? {
            recused.insert(
                parse_account("council_item", iid, &a)?,
                reason.as_str().unwrap_or_default().to_string(),
            );
        }
        let mut written = BTreeMap::new();
        for (a, c) in obj(&i.written)? {
            written.insert(parse_account("council_item", iid, &a)?, choice(&c)?);
        }
        let recorded = match &i.recorded {
            Some(text) => {
                let o = obj(text)?;
                let n = |k: &str| {
                    o.get(k)
                        .and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(0)
                };
                Some(Counts {
                    yes: n("yes"),
                    no: n("no"),
                    abstain: n("abstain"),
                })
            }
            None => None,
        };
        let ballots_json: Value =
            serde_json::from_str(&i.ballots).map_err(|e| corrupt("council_item", iid, e))?;
        let mut ballots = BTreeMap::new();
        for b in ballots_json.as_array().into_iter().flatten() {
            ballots.insert(
                b.get("receipt")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                choice(b.get("choice").unwrap_or(&Value::Null))?,
            );
        }
        let criteria_json: Value =
            serde_json::from_str(&i.criteria).map_err(|e| corrupt("council_item", iid, e))?;
        let criteria = criteria_json
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect();
        domain_items.push(Item {
            nomination: NominationId(i.nomination_id),
            rule: parse_rule(iid, &i.rule)?,
            recused,
            written,
            recorded,
            ballots,
            voters: voters
                .iter()
                .filter(|v| v.item_id == iid)
                .map(|v| AccountId(v.account_id))
                .collect(),
            criteria,
        });
        records.push(ItemRecord {
            id: iid,
            nomination: NominationId(i.nomination_id),
            approved: i.approved,
            tally: i
                .tally
                .as_deref()
                .map(|t| parse_tally(iid, t))
                .transpose()?,
            applied: i.applied,
        });
    }
    Ok(CouncilSessionRecord {
        id: SessionId(id),
        council: CouncilId(m.council_id),
        issuer: UnitId(m.issuer_unit_id),
        date: m.session_date,
        place: m.place,
        session: Session {
            members,
            present,
            quorum: Quorum {
                share: share(m.quorum_num, m.quorum_den, "council_session", id)?,
                strict: m.quorum_strict,
            },
            state: parse("council_session", id, &m.state)?,
            items: domain_items,
        },
        items: records,
        opened_by: AccountId(m.opened_by),
        opened_at: m.opened_at,
        closed_by: m.closed_by.map(AccountId),
        closed_at: m.closed_at,
        minutes: m.minutes,
        minutes_sha256: m.minutes_sha256,
        version: m.version,
    })
}

fn item_columns(item: &Item) -> (String, String, Option<String>, String, String) {
    let recused: serde_json::Map<String, Value> = item
        .recused
        .iter()
        .map(|(a, r)| (a.to_string(), Value::String(r.clone())))
        .collect();
    let written: serde_json::Map<String, Value> = item
        .written
        .iter()
        .map(|(a, c)| (a.to_string(), Value::String(c.code().into())))
        .collect();
    let recorded = item
        .recorded
        .map(|c| json!({ "yes": c.yes, "no": c.no, "abstain": c.abstain }).to_string());
    // In the receipt hash's order: nothing about who or when.
    let ballots: Vec<Value> = item
        .ballots
        .iter()
        .map(|(receipt, choice)| json!({ "receipt": receipt, "choice": choice.code() }))
        .collect();
    let criteria: Vec<Value> = item
        .criteria
        .iter()
        .map(|c| Value::String(c.clone()))
        .collect();
    (
        Value::Object(recused).to_string(),
        Value::Object(written).to_string(),
        recorded,
        Value::Array(ballots).to_string(),
        Value::Array(criteria).to_string(),
    )
}

impl WriteTx {
    /// Records a council; an issuer has at most one ([`StoreError::Duplicate`]).
    pub async fn insert_council(&self, record: &CouncilRecord) -> Result<(), StoreError> {
        council::Entity::insert(council::ActiveModel {
            id: Set(record.id.0),
            issuer_unit_id: Set(record.issuer.0),
            name: Set(record.name.clone()),
            quorum_num: Set(int(record.quorum.share.num())),
            quorum_den: Set(int(record.quorum.share.den())),
            quorum_strict: Set(record.quorum.strict),
            created_by: Set(record.created_by.0),
            created_at: Set(record.created_at),
            version: Set(record.version),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| {
            unique_as_duplicate(e, "council", "issuerUnitId", &record.issuer.to_string())
        })?;
        Ok(())
    }

    /// Renames a council or changes its quorum, at the expected version.
    pub async fn update_council(
        &self,
        id: CouncilId,
        expected_version: i32,
        name: &str,
        quorum: Quorum,
    ) -> Result<i32, StoreError> {
        let result = council::Entity::update_many()
            .col_expr(council::Column::Name, Expr::val(name.to_string()))
            .col_expr(
                council::Column::QuorumNum,
                Expr::val(int(quorum.share.num())),
            )
            .col_expr(
                council::Column::QuorumDen,
                Expr::val(int(quorum.share.den())),
            )
            .col_expr(council::Column::QuorumStrict, Expr::val(quorum.strict))
            .col_expr(
                council::Column::Version,
                Expr::col(council::Column::Version).add(1),
            )
            .filter(council::Column::Id.eq(id.0))
            .filter(council::Column::Version.eq(expected_version))
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 1 {
            return Ok(expected_version + 1);
        }
        let actual = self
            .council(id)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "council",
                id: id.to_string(),
            })?
            .version;
        Err(StoreError::Conflict {
            entity: "council",
            id: id.to_string(),
            expected: expected_version,
            actual,
        })
    }

    /// Records a member's term.
    pub async fn insert_membership(
        &self,
        council: CouncilId,
        term: &Membership,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        council_membership::Entity::insert(council_membership::ActiveModel {
            id: Set(term.id.0),
            council_id: Set(council.0),
            account_id: Set(term.account.0),
            position: Set(term.position.code().to_string()),
            from_date: Set(term.from),
            until_date: Set(term.until),
            created_by: Set(by.0),
            created_at: Set(at),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Sets the last day of a term.
    pub async fn end_membership(&self, id: MembershipId, until: Date) -> Result<(), StoreError> {
        council_membership::Entity::update_many()
            .col_expr(
                council_membership::Column::UntilDate,
                Expr::val(Some(until)),
            )
            .filter(council_membership::Column::Id.eq(id.0))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Sets (or replaces) a council's own vote rule for an award.
    pub async fn set_vote_rule(
        &self,
        council: CouncilId,
        award: AwardKind,
        rule: &VoteRule,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let base = serde_json::to_value(rule.base)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        council_vote_rule::Entity::insert(council_vote_rule::ActiveModel {
            council_id: Set(council.0),
            award_kind: Set(award.code().to_string()),
            threshold_num: Set(int(rule.threshold.num())),
            threshold_den: Set(int(rule.threshold.den())),
            base: Set(base),
            strict: Set(rule.strict),
            secret_ballot: Set(rule.secret_ballot),
            written_opinions: Set(rule.written_opinions),
            source: Set(rule.source.clone()),
            set_by: Set(by.0),
            set_at: Set(at),
        })
        .on_conflict(
            OnConflict::columns([
                council_vote_rule::Column::CouncilId,
                council_vote_rule::Column::AwardKind,
            ])
            .update_columns([
                council_vote_rule::Column::ThresholdNum,
                council_vote_rule::Column::ThresholdDen,
                council_vote_rule::Column::Base,
                council_vote_rule::Column::Strict,
                council_vote_rule::Column::SecretBallot,
                council_vote_rule::Column::WrittenOpinions,
                council_vote_rule::Column::Source,
                council_vote_rule::Column::SetBy,
                council_vote_rule::Column::SetAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Removes a council's own vote rule for an award (the ruleset's applies again); `false`
    /// when there was none.
    pub async fn clear_vote_rule(
        &self,
        council: CouncilId,
        award: AwardKind,
    ) -> Result<bool, StoreError> {
        let result = council_vote_rule::Entity::delete_many()
            .filter(council_vote_rule::Column::CouncilId.eq(council.0))
            .filter(council_vote_rule::Column::AwardKind.eq(award.code()))
            .exec(&self.tx)
            .await?;
        Ok(result.rows_affected > 0)
    }

    /// Locks nominations' rows until commit (PostgreSQL; SQLite's write transaction already
    /// serialises), so two sessions opened at once cannot both take the same nomination.
    pub async fn lock_nominations(&self, ids: &[NominationId]) -> Result<(), StoreError> {
        crate::entity::nomination::Entity::find()
            .filter(crate::entity::nomination::Column::Id.is_in(ids.iter().map(|n| n.0)))
            .lock_exclusive()
            .all(&self.tx)
            .await?;
        Ok(())
    }

    /// Records a new session and its items.
    pub async fn insert_council_session(
        &self,
        record: &CouncilSessionRecord,
    ) -> Result<(), StoreError> {
        let s = &record.session;
        let members: serde_json::Map<String, Value> = s
            .members
            .iter()
            .map(|(a, p)| (a.to_string(), Value::String(p.code().into())))
            .collect();
        council_session::Entity::insert(council_session::ActiveModel {
            id: Set(record.id.0),
            council_id: Set(record.council.0),
            issuer_unit_id: Set(record.issuer.0),
            session_date: Set(record.date),
            place: Set(record.place.clone()),
            state: Set(s.state.code().to_string()),
            quorum_num: Set(int(s.quorum.share.num())),
            quorum_den: Set(int(s.quorum.share.den())),
            quorum_strict: Set(s.quorum.strict),
            members: Set(Value::Object(members).to_string()),
            present: Set(accounts_json(s.present.iter().copied())),
            opened_by: Set(record.opened_by.0),
            opened_at: Set(record.opened_at),
            closed_by: Set(None),
            closed_at: Set(None),
            minutes: Set(None),
            minutes_sha256: Set(None),
            version: Set(record.version),
        })
        .exec_without_returning(&self.tx)
        .await?;
        for (ordinal, (item, info)) in s.items.iter().zip(&record.items).enumerate() {
            let (recused, written, recorded, ballots, criteria) = item_columns(item);
            council_item::Entity::insert(council_item::ActiveModel {
                id: Set(info.id),
                session_id: Set(record.id.0),
                nomination_id: Set(item.nomination.0),
                ordinal: Set(i32::try_from(ordinal).unwrap_or(i32::MAX)),
                rule: Set(rule_json(&item.rule)),
                recused: Set(recused),
                written: Set(written),
                recorded: Set(recorded),
                ballots: Set(ballots),
                criteria: Set(criteria),
                approved: Set(None),
                tally: Set(None),
                applied: Set(None),
            })
            .exec_without_returning(&self.tx)
            .await?;
        }
        Ok(())
    }

    /// Takes the session's row for this transaction (every vote moves its version on, so votes
    /// and closing are serialised on it); `false` when it is closed.
    pub async fn claim_open_session(&self, id: SessionId) -> Result<bool, StoreError> {
        let result = council_session::Entity::update_many()
            .col_expr(
                council_session::Column::Version,
                Expr::col(council_session::Column::Version).add(1),
            )
            .filter(council_session::Column::Id.eq(id.0))
            .filter(council_session::Column::State.eq(SessionState::Open.code()))
            .exec(&self.tx)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Takes an open session's row at the expected version, to close it: nothing else may
    /// change it until this transaction ends. Its items and minutes are written next, and
    /// [`WriteTx::mark_session_closed`] last (a closed session is final: the database refuses
    /// any later change).
    pub async fn claim_session_to_close(
        &self,
        id: SessionId,
        expected_version: i32,
    ) -> Result<(), StoreError> {
        let result = council_session::Entity::update_many()
            .col_expr(
                council_session::Column::Version,
                Expr::col(council_session::Column::Version).add(1),
            )
            .filter(council_session::Column::Id.eq(id.0))
            .filter(council_session::Column::Version.eq(expected_version))
            .filter(council_session::Column::State.eq(SessionState::Open.code()))
            .exec(&self.tx)
            .await?;
        if result.rows_affected == 1 {
            return Ok(());
        }
        let actual = self
            .council_session(id)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "council_session",
                id: id.to_string(),
            })?
            .version;
        Err(StoreError::Conflict {
            entity: "council_session",
            id: id.to_string(),
            expected: expected_version,
            actual,
        })
    }

    /// Marks a session closed (after [`WriteTx::claim_session_to_close`]).
    pub async fn mark_session_closed(
        &self,
        id: SessionId,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        council_session::Entity::update_many()
            .col_expr(
                council_session::Column::State,
                Expr::val(SessionState::Closed.code()),
            )
            .col_expr(council_session::Column::ClosedBy, Expr::val(Some(by.0)))
            .col_expr(council_session::Column::ClosedAt, Expr::val(Some(at)))
            .filter(council_session::Column::Id.eq(id.0))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Stores a session's minutes (before it is marked closed).
    pub async fn set_minutes(
        &self,
        id: SessionId,
        minutes: &str,
        sha256: &str,
    ) -> Result<(), StoreError> {
        council_session::Entity::update_many()
            .col_expr(
                council_session::Column::Minutes,
                Expr::val(Some(minutes.to_string())),
            )
            .col_expr(
                council_session::Column::MinutesSha256,
                Expr::val(Some(sha256.to_string())),
            )
            .filter(council_session::Column::Id.eq(id.0))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Saves an item's votes, recusals, opinions and judgements.
    pub async fn save_item(&self, id: Uuid, item: &Item) -> Result<(), StoreError> {
        let (recused, written, recorded, ballots, criteria) = item_columns(item);
        council_item::Entity::update_many()
            .col_expr(council_item::Column::Recused, Expr::val(recused))
            .col_expr(council_item::Column::Written, Expr::val(written))
            .col_expr(council_item::Column::Recorded, Expr::val(recorded))
            .col_expr(council_item::Column::Ballots, Expr::val(ballots))
            .col_expr(council_item::Column::Criteria, Expr::val(criteria))
            .filter(council_item::Column::Id.eq(id))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Records that `account` has voted on an item (once: a second time is
    /// [`StoreError::Duplicate`]).
    pub async fn insert_voter(&self, item: Uuid, account: AccountId) -> Result<(), StoreError> {
        council_voter::Entity::insert(council_voter::ActiveModel {
            item_id: Set(item),
            account_id: Set(account.0),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| unique_as_duplicate(e, "council_voter", "accountId", &account.to_string()))?;
        Ok(())
    }

    /// Records an item's outcome at closing.
    pub async fn set_item_outcome(
        &self,
        id: Uuid,
        approved: Option<bool>,
        tally: Option<&Tally>,
        applied: &str,
    ) -> Result<(), StoreError> {
        council_item::Entity::update_many()
            .col_expr(council_item::Column::Approved, Expr::val(approved))
            .col_expr(
                council_item::Column::Tally,
                Expr::val(tally.map(tally_json)),
            )
            .col_expr(
                council_item::Column::Applied,
                Expr::val(Some(applied.to_string())),
            )
            .filter(council_item::Column::Id.eq(id))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Records a judgement criterion as attested by the council, replacing an earlier
    /// attestation of the same criterion (the signer's interim one).
    pub async fn replace_attestation(
        &self,
        nomination: NominationId,
        criterion: &str,
        basis: &str,
        by: AccountId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        attestation::Entity::insert(attestation::ActiveModel {
            nomination_id: Set(nomination.0),
            criterion_id: Set(criterion.to_string()),
            basis: Set(basis.to_string()),
            attested_by: Set(by.0),
            attested_at: Set(at),
        })
        .on_conflict(
            OnConflict::columns([
                attestation::Column::NominationId,
                attestation::Column::CriterionId,
            ])
            .update_columns([
                attestation::Column::Basis,
                attestation::Column::AttestedBy,
                attestation::Column::AttestedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }
}
