//! The audit log's hash chains: how each row's hash is computed from its content and the hash
//! of the row before it in its chain, and how a checkpoint seals every chain's head at once.
//!
//! One chain per aggregate (`nomination:<id>`, `decision:<id>`, …): every change to an
//! aggregate already waits for the previous one (its version), so chaining per aggregate adds
//! no waiting, and unrelated work is never serialised behind one global head. A checkpoint
//! hashes every chain's head together with the previous checkpoint, so a row deleted from the
//! end of a chain, or a whole chain deleted, is caught by the next verification.
//!
//! This canonical form is part of the record: changing it would break every stored hash. It
//! never changes; a new form would be a new version tag.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The tag of this canonical form, part of every hashed row.
pub const FORM: &str = "laurel-audit-v1";

/// The content of one audit row that its hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow<'a> {
    /// Its chain: the aggregate it belongs to.
    pub chain: &'a str,
    /// Its place in the chain, from 1.
    pub seq: i64,
    /// When, in microseconds since the Unix epoch (the precision both databases keep).
    pub at_micros: i64,
    /// Who.
    pub actor: Option<Uuid>,
    /// What kind of thing changed.
    pub entity: &'a str,
    /// Which one.
    pub entity_id: Uuid,
    /// What happened.
    pub action: &'a str,
    /// State before.
    pub from_state: Option<&'a str>,
    /// State after.
    pub to_state: Option<&'a str>,
    /// Why.
    pub reason: Option<&'a str>,
    /// The details, as stored (JSON text).
    pub details: &'a str,
}

/// The chain an entity's rows belong to.
pub fn chain_of(entity: &str, entity_id: Uuid) -> String {
    format!("{entity}:{}", entity_id.hyphenated())
}

/// The hash of a row: SHA-256 (hex) over the form tag, the previous row's hash ("" for the
/// first of a chain) and the row's fields, each length-prefixed so no two rows hash alike by
/// shifting text between fields.
pub fn row_hash(prev: &str, row: &AuditRow<'_>) -> String {
    let mut h = Sha256::new();
    let mut field = |value: &[u8]| {
        h.update((value.len() as u64).to_be_bytes());
        h.update(value);
    };
    let optional = |v: Option<&str>| v.map(|s| format!("+{s}")).unwrap_or_default();
    field(FORM.as_bytes());
    field(prev.as_bytes());
    field(row.chain.as_bytes());
    field(row.seq.to_string().as_bytes());
    field(row.at_micros.to_string().as_bytes());
    field(
        row.actor
            .map(|a| a.hyphenated().to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(row.entity.as_bytes());
    field(row.entity_id.hyphenated().to_string().as_bytes());
    field(row.action.as_bytes());
    field(optional(row.from_state).as_bytes());
    field(optional(row.to_state).as_bytes());
    field(optional(row.reason).as_bytes());
    field(row.details.as_bytes());
    hex(&h.finalize())
}

/// One chain's head, as a checkpoint seals it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Head {
    /// The chain.
    pub chain: String,
    /// Its last row's place.
    pub seq: i64,
    /// Its last row's hash.
    pub hash: String,
}

/// A checkpoint's hash: SHA-256 over the form tag, the previous checkpoint's hash and every
/// head in chain order.
pub fn checkpoint_hash(prev: &str, heads: &[Head]) -> String {
    let mut sorted: Vec<&Head> = heads.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    let mut field = |value: &[u8]| {
        h.update((value.len() as u64).to_be_bytes());
        h.update(value);
    };
    field(FORM.as_bytes());
    field(b"checkpoint");
    field(prev.as_bytes());
    for head in sorted {
        field(head.chain.as_bytes());
        field(head.seq.to_string().as_bytes());
        field(head.hash.as_bytes());
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    fn row(details: &str) -> AuditRow<'_> {
        AuditRow {
            chain: "nomination:00000000-0000-0000-0000-000000000001",
            seq: 1,
            at_micros: 1_764_000_000_000_000,
            actor: Some(Uuid::from_u128(7)),
            entity: "nomination",
            entity_id: Uuid::from_u128(1),
            action: "NOMINATION_SUBMITTED",
            from_state: Some("DRAFT"),
            to_state: Some("SUBMITTED"),
            reason: None,
            details,
        }
    }

    #[test]
    fn a_hash_covers_every_field_and_the_row_before() {
        let base = row("{}");
        let h = row_hash("", &base);
        assert_eq!(h.len(), 64);
        assert_eq!(h, row_hash("", &base), "deterministic");
        let changed = [
            row_hash("x", &base),
            row_hash(
                "",
                &AuditRow {
                    seq: 2,
                    ..base.clone()
                },
            ),
            row_hash(
                "",
                &AuditRow {
                    at_micros: 1,
                    ..base.clone()
                },
            ),
            row_hash(
                "",
                &AuditRow {
                    actor: None,
                    ..base.clone()
                },
            ),
            row_hash(
                "",
                &AuditRow {
                    action: "X",
                    ..base.clone()
                },
            ),
            row_hash(
                "",
                &AuditRow {
                    from_state: None,
                    ..base.clone()
                },
            ),
            row_hash(
                "",
                &AuditRow {
                    to_state: Some("DECIDED"),
                    ..base.clone()
                },
            ),
            row_hash(
                "",
                &AuditRow {
                    reason: Some(""),
                    ..base.clone()
                },
            ),
            row_hash("", &row("{\"a\":1}")),
        ];
        for other in changed {
            assert_ne!(other, h);
        }
        // Text moved from one field to the next does not give the same hash.
        let a = AuditRow {
            from_state: Some("AB"),
            to_state: Some("C"),
            ..base.clone()
        };
        let b = AuditRow {
            from_state: Some("A"),
            to_state: Some("BC"),
            ..base
        };
        assert_ne!(row_hash("", &a), row_hash("", &b));
    }

    #[test]
    fn a_checkpoint_depends_on_every_head_not_on_their_order() {
        let heads = vec![
            Head {
                chain: "a".into(),
                seq: 3,
                hash: "h1".into(),
            },
            Head {
                chain: "b".into(),
                seq: 1,
                hash: "h2".into(),
            },
        ];
        let reversed: Vec<Head> = heads.iter().rev().cloned().collect();
        assert_eq!(checkpoint_hash("", &heads), checkpoint_hash("", &reversed));
        assert_ne!(
            checkpoint_hash("", &heads),
            checkpoint_hash("", &heads[..1])
        );
        assert_ne!(checkpoint_hash("", &heads), checkpoint_hash("p", &heads));
    }
}
