//! The audit log: appending an entry to its aggregate's hash chain, checkpoints that seal
//! every chain's head, and verification that names the first row that does not hold.

use laurel_domain::audit::{AuditRow, Head, chain_of, checkpoint_hash, row_hash};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, SqlErr, Statement,
};
use serde_json::{Value, json};
use time::OffsetDateTime;

use laurel_domain::events::Recorded;

use crate::entity::{audit_checkpoint, audit_log, outbox};
use crate::{Read, Store, StoreError, WriteTx};

/// Rows read at once while verifying.
const PAGE: u64 = 5_000;

fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

fn content(m: &audit_log::Model) -> AuditRow<'_> {
    AuditRow {
        chain: &m.chain,
        seq: m.seq,
        at_micros: micros(m.at),
        actor: m.actor_account_id,
        entity: &m.entity,
        entity_id: m.entity_id,
        action: &m.action,
        from_state: m.from_state.as_deref(),
        to_state: m.to_state.as_deref(),
        reason: m.reason.as_deref(),
        details: &m.details,
    }
}

/// A checkpoint: every chain's head sealed at once, chained to the one before.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checkpoint {
    /// Its number.
    pub id: i64,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// How many chains it seals.
    pub chains: i64,
    /// How many audit rows they hold.
    pub rows: i64,
    /// The previous checkpoint's hash ("" for the first).
    pub prev_hash: String,
    /// Its hash.
    pub hash: String,
}

/// Something in the audit log that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    /// `audit_log` or `audit_checkpoint`.
    pub table: &'static str,
    /// The row's id.
    pub id: i64,
    /// Its chain (for an audit row).
    pub chain: String,
    /// What differs.
    pub what: String,
}

/// What verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Rows read.
    pub rows: u64,
    /// Chains walked.
    pub chains: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// The first problem of each chain, then of the checkpoints, in order.
    pub problems: Vec<AuditProblem>,
}

/// Audit rows (and their outbox rows) inserted by one statement: 13 values a row keeps a
/// statement far below SQLite's and PostgreSQL's limits on bound values.
const BATCH: usize = 500;

/// Two transactions appending to one chain at once: the second meets the chain's unique
/// (chain, seq) index and is retried whole.
fn chain_busy(e: sea_orm::DbErr) -> StoreError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Busy(e),
        _ => e.into(),
    }
}

/// The audit row of `recorded` at `seq` of `chain` after `prev`, and its hash.
fn audit_row(
    recorded: &Recorded,
    chain: String,
    seq: i64,
    prev: String,
) -> (audit_log::ActiveModel, String) {
    let fields = recorded.event.audit_fields();
    let details = fields.details.to_string();
    let actor = recorded.actor.map(|a| a.0);
    let hash = row_hash(
        &prev,
        &AuditRow {
            chain: &chain,
            seq,
            at_micros: micros(recorded.at),
            actor,
            entity: fields.entity,
            entity_id: fields.entity_id,
            action: fields.action,
            from_state: fields.from_state.as_deref(),
            to_state: fields.to_state.as_deref(),
            reason: fields.reason.as_deref(),
            details: &details,
        },
    );
    let row = audit_log::ActiveModel {
        at: Set(recorded.at),
        actor_account_id: Set(actor),
        entity: Set(fields.entity.to_string()),
        entity_id: Set(fields.entity_id),
        action: Set(fields.action.to_string()),
        from_state: Set(fields.from_state.clone()),
        to_state: Set(fields.to_state.clone()),
        reason: Set(fields.reason.clone()),
        details: Set(details),
        chain: Set(chain),
        seq: Set(seq),
        prev_hash: Set(prev),
        hash: Set(hash.clone()),
        ..Default::default()
    };
    (row, hash)
}

/// The outbox row of `recorded`, whose audit row is `id` at `seq` of its chain.
fn outbox_row(recorded: &Recorded, id: i64, seq: i64) -> outbox::ActiveModel {
    let fields = recorded.event.audit_fields();
    let chain = chain_of(fields.entity, fields.entity_id);
    let actor = recorded.actor.map(|a| a.0);
    let payload = json!({
        "id": id,
        "kind": fields.action,
        "at": recorded.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "actor": actor,
        "entity": fields.entity,
        "entityId": fields.entity_id,
        "chain": chain,
        "seq": seq,
        "scope": recorded.scope.ids(),
        "fromState": fields.from_state,
        "toState": fields.to_state,
        "reason": fields.reason,
        "data": fields.details,
    });
    outbox::ActiveModel {
        audit_id: Set(id),
        at: Set(recorded.at),
        kind: Set(fields.action.to_string()),
        entity: Set(fields.entity.to_string()),
        entity_id: Set(fields.entity_id),
        chain: Set(chain),
        scope: Set(crate::convert::format_path(&recorded.scope)),
        actor_account_id: Set(actor),
        payload: Set(payload.to_string()),
        fanned_out: Set(false),
        notified: Set(false),
        ..Default::default()
    }
}

impl WriteTx {
    /// Records an event: its audit row, at the end of its aggregate's hash chain, and its outbox
    /// row (what webhooks, subscriptions and notifications are fed from), both in this
    /// transaction. The only way anything is audited. Returns the audit row's id (the event's
    /// id). Two transactions appending to one chain at once: the second is refused by the
    /// chain's unique (chain, seq) index and retried whole ([`StoreError::Busy`]).
    pub async fn record(&self, recorded: &Recorded) -> Result<i64, StoreError> {
        let fields = recorded.event.audit_fields();
        let mut head = self
            .audit_chain_head(fields.entity, fields.entity_id)
            .await?;
        self.record_after(recorded, &mut head).await
    }

    /// Records an event as [`WriteTx::record`] does, after a chain head read beforehand
    /// ([`crate::Read::audit_chain_head`], possibly outside this transaction), and moves `head`
    /// on to the new row. If another transaction appended to the chain since `head` was read,
    /// the chain's unique (chain, seq) index refuses this row ([`StoreError::Busy`]: the caller
    /// reads the head again and retries whole).
    pub async fn record_after(
        &self,
        recorded: &Recorded,
        head: &mut Head,
    ) -> Result<i64, StoreError> {
        let fields = recorded.event.audit_fields();
        let chain = chain_of(fields.entity, fields.entity_id);
        if chain != head.chain {
            return Err(StoreError::Corrupt {
                entity: "audit_log",
                id: chain,
                detail: format!("recorded after the head of another chain, {}", head.chain),
            });
        }
        let seq = head.seq + 1;
        let (row, hash) = audit_row(recorded, chain, seq, head.hash.clone());
        let inserted = audit_log::Entity::insert(row)
            .exec(&self.tx)
            .await
            .map_err(chain_busy)?;
        let id = inserted.last_insert_id;
        outbox::Entity::insert(outbox_row(recorded, id, seq))
            .exec_without_returning(&self.tx)
            .await?;
        head.seq = seq;
        head.hash = hash;
        Ok(id)
    }

    /// Records several events, in order, as [`WriteTx::record`] does one, in a few statements
    /// whatever their number: one read of their chains' heads and one multi-row insert into each
    /// table per 500 events (what a bulk import or a large decision needs).
    pub async fn record_all(&self, events: &[Recorded]) -> Result<(), StoreError> {
        if events.len() < 2 {
            for e in events {
                self.record(e).await?;
            }
            return Ok(());
        }
        let chains: Vec<String> = {
            let mut chains: Vec<String> = events
                .iter()
                .map(|e| {
                    let f = e.event.audit_fields();
                    chain_of(f.entity, f.entity_id)
                })
                .collect();
            chains.sort_unstable();
            chains.dedup();
            chains
        };
        let mut heads: std::collections::HashMap<String, (i64, String)> =
            std::collections::HashMap::new();
        for chunk in chains.chunks(BATCH) {
            let found: Vec<(String, i64, String)> = audit_log::Entity::find()
                .select_only()
                .column(audit_log::Column::Chain)
                .column(audit_log::Column::Seq)
                .column(audit_log::Column::Hash)
                .filter(audit_log::Column::Chain.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.tx)
                .await?;
            for (chain, seq, hash) in found {
                let head = heads.entry(chain).or_insert((0, String::new()));
                if seq > head.0 {
                    *head = (seq, hash);
                }
            }
        }
        for chunk in events.chunks(BATCH) {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut keys = Vec::with_capacity(chunk.len());
            for recorded in chunk {
                let fields = recorded.event.audit_fields();
                let chain = chain_of(fields.entity, fields.entity_id);
                let head = heads.entry(chain.clone()).or_insert((0, String::new()));
                let seq = head.0 + 1;
                let (row, hash) = audit_row(recorded, chain.clone(), seq, head.1.clone());
                *head = (seq, hash);
                rows.push(row);
                keys.push((chain, seq));
            }
            let inserted = audit_log::Entity::insert_many(rows)
                .exec_with_returning(&self.tx)
                .await
                .map_err(chain_busy)?;
            // RETURNING's order is not promised: ids are matched by (chain, seq).
            let ids: std::collections::HashMap<(String, i64), i64> = inserted
                .into_iter()
                .map(|m| ((m.chain, m.seq), m.id))
                .collect();
            let mut outbox_rows = Vec::with_capacity(chunk.len());
            for (recorded, key) in chunk.iter().zip(&keys) {
                let id = *ids.get(key).ok_or_else(|| StoreError::Corrupt {
                    entity: "audit_log",
                    id: format!("{}#{}", key.0, key.1),
                    detail: "the insert did not return the row".to_string(),
                })?;
                outbox_rows.push(outbox_row(recorded, id, key.1));
            }
            outbox::Entity::insert_many(outbox_rows)
                .exec_without_returning(&self.tx)
                .await?;
        }
        Ok(())
    }

    /// Seals every chain's head in a new checkpoint, chained to the last one.
    pub async fn create_checkpoint(&self, at: OffsetDateTime) -> Result<Checkpoint, StoreError> {
        let backend = self.tx.get_database_backend();
        let heads: Vec<Head> = self
            .tx
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT chain, seq, hash FROM audit_log WHERE (chain, seq) IN \
                 (SELECT chain, MAX(seq) FROM audit_log GROUP BY chain) ORDER BY chain",
            ))
            .await?
            .iter()
            .map(|r| {
                Ok(Head {
                    chain: r.try_get("", "chain")?,
                    seq: r.try_get("", "seq")?,
                    hash: r.try_get("", "hash")?,
                })
            })
            .collect::<Result<_, sea_orm::DbErr>>()?;
        let prev = audit_checkpoint::Entity::find()
            .order_by_desc(audit_checkpoint::Column::Id)
            .one(&self.tx)
            .await?
            .map(|c| c.hash)
            .unwrap_or_default();
        let hash = checkpoint_hash(&prev, &heads);
        let rows: i64 = heads.iter().map(|h| h.seq).sum();
        let chains = i64::try_from(heads.len()).unwrap_or(i64::MAX);
        let heads_json = Value::Array(
            heads
                .iter()
                .map(|h| json!([h.chain, h.seq, h.hash]))
                .collect(),
        )
        .to_string();
        let inserted = audit_checkpoint::Entity::insert(audit_checkpoint::ActiveModel {
            at: Set(at),
            chains: Set(chains),
            row_count: Set(rows),
            heads: Set(heads_json),
            prev_hash: Set(prev.clone()),
            hash: Set(hash.clone()),
            ..Default::default()
        })
        .exec(&self.tx)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Busy(e),
            _ => e.into(),
        })?;
        Ok(Checkpoint {
            id: inserted.last_insert_id,
            at,
            chains,
            rows,
            prev_hash: prev,
            hash,
        })
    }
}

impl Store {
    /// Whether a checkpoint with this hash is in the log (one printed earlier and kept outside).
    pub async fn has_checkpoint(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(audit_checkpoint::Entity::find()
            .filter(audit_checkpoint::Column::Hash.eq(hash.trim().to_ascii_lowercase()))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Walks every chain and every checkpoint: each row's hash recomputed from its content and
    /// the row before it, places without gaps, each row in the chain of its entity, each
    /// checkpoint's hash and every head it sealed still there as it was.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let mut report = AuditReport::default();
        let mut offset = 0;
        // (chain, expected next seq, previous hash, already reported)
        let mut current: Option<(String, i64, String, bool)> = None;
        loop {
            let page = audit_log::Entity::find()
                .order_by_asc(audit_log::Column::Chain)
                .order_by_asc(audit_log::Column::Seq)
                .offset(offset)
                .limit(PAGE)
                .all(&self.db)
                .await?;
            if page.is_empty() {
                break;
            }
            offset += page.len() as u64;
            for m in &page {
                report.rows += 1;
                let fresh = current.as_ref().is_none_or(|(c, ..)| *c != m.chain);
                if fresh {
                    report.chains += 1;
                    current = Some((m.chain.clone(), 1, String::new(), false));
                }
                let Some((_, expected, prev, reported)) = current.as_mut() else {
                    continue;
                };
                let problem = if m.chain != chain_of(&m.entity, m.entity_id) {
                    Some(format!(
                        "belongs to chain {} but is filed in {}",
                        chain_of(&m.entity, m.entity_id),
                        m.chain
                    ))
                } else if m.seq != *expected {
                    Some(format!(
                        "is at place {} where {} was expected: rows missing or reordered",
                        m.seq, expected
                    ))
                } else if m.prev_hash != *prev {
                    Some("does not follow the row before it (prev_hash differs)".to_string())
                } else if row_hash(prev, &content(m)) != m.hash {
                    Some("its content no longer matches its hash: it was edited".to_string())
                } else {
                    None
                };
                if let (Some(what), false) = (problem, *reported) {
                    report.problems.push(AuditProblem {
                        table: "audit_log",
                        id: m.id,
                        chain: m.chain.clone(),
                        what,
                    });
                    *reported = true;
                }
                *expected = m.seq + 1;
                *prev = m.hash.clone();
            }
        }
        self.verify_checkpoints(&mut report).await?;
        Ok(report)
    }

    async fn verify_checkpoints(&self, report: &mut AuditReport) -> Result<(), StoreError> {
        let checkpoints = audit_checkpoint::Entity::find()
            .order_by_asc(audit_checkpoint::Column::Id)
            .all(&self.db)
            .await?;
        let mut prev = String::new();
        for c in checkpoints {
            report.checkpoints += 1;
            let heads: Vec<Head> = serde_json::from_str::<Value>(&c.heads)
                .ok()
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|h| {
                    Some(Head {
                        chain: h.get(0)?.as_str()?.to_string(),
                        seq: h.get(1)?.as_i64()?,
                        hash: h.get(2)?.as_str()?.to_string(),
                    })
                })
                .collect();
            let mut problem = |what: String| {
                report.problems.push(AuditProblem {
                    table: "audit_checkpoint",
                    id: c.id,
                    chain: String::new(),
                    what,
                });
            };
            if c.prev_hash != prev {
                problem("does not follow the checkpoint before it".to_string());
            } else if checkpoint_hash(&prev, &heads) != c.hash {
                problem("its sealed heads no longer match its hash".to_string());
            } else {
                for head in &heads {
                    let row = audit_log::Entity::find()
                        .filter(audit_log::Column::Chain.eq(head.chain.clone()))
                        .filter(audit_log::Column::Seq.eq(head.seq))
                        .one(&self.db)
                        .await?;
                    if row.as_ref().map(|r| r.hash.as_str()) != Some(head.hash.as_str()) {
                        problem(format!(
                            "sealed row {} of chain {} is missing or changed",
                            head.seq, head.chain
                        ));
                        break;
                    }
                }
            }
            prev = c.hash;
        }
        Ok(())
    }
}
