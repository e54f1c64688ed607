//! Store tests. They run on SQLite by default and on PostgreSQL when
//! `LAUREL_TEST_DATABASE_URL` names a server (see [`crate::testing`]).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use laurel_domain::authz::{Grant, Role};
use laurel_domain::award::AwardKind;
use laurel_domain::decision::{
    Decision, DecisionNumber, DecisionState, SignatureBlock, SignerCapacity,
};
use laurel_domain::ids::{AccountId, DecisionId, NominationId, PersonId, ProposalId, UnitId};
use laurel_domain::nomination::{Nomination, NominationState, Nominee, Period, Progress};
use laurel_domain::org::{NewPerson, NewUnit, Unit};
use laurel_domain::workflow::{Position, WorkflowRef};
use sea_orm::{ConnectionTrait, EntityTrait};
use time::OffsetDateTime;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::testing::TestDatabase;
use crate::{
    NewAccount, ProposalRecord, Read, ReadReview, SequenceKind, Store, StoreError, WriteTx,
};
use laurel_domain::events::{DomainEvent, Kind, Recorded, Subject};

const NOW: OffsetDateTime = datetime!(2025-01-05 02:00 UTC);

async fn store() -> (TestDatabase, Store) {
    TestDatabase::migrated().await.unwrap()
}

#[allow(clippy::disallowed_methods)] // test fixtures: fresh ids, as the edge makes them
fn id() -> Uuid {
    Uuid::now_v7()
}

async fn unit(store: &Store, code: &str, parent: Option<UnitId>) -> Unit {
    let tx = store.write().await.unwrap();
    let new = NewUnit::parse(
        &format!("Đơn vị {code}"),
        code,
        Some("Giám đốc"),
        None,
        parent,
    )
    .unwrap();
    let unit = tx.insert_unit(UnitId(id()), new, NOW).await.unwrap();
    tx.commit().await.unwrap();
    unit
}

async fn account(store: &Store, username: &str) -> AccountId {
    let account = AccountId(id());
    let tx = store.write().await.unwrap();
    tx.insert_account(
        NewAccount {
            id: account,
            username: username.into(),
            password_hash: "$argon2id$test".into(),
            display_name: username.into(),
            person: None,
            must_change_password: false,
            email: None,
        },
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    account
}

/// A nomination as the store would hold it, with `progress`.
fn sample(
    id: NominationId,
    nominee: Nominee,
    award: AwardKind,
    unit: &Unit,
    by: AccountId,
    progress: Progress,
) -> Nomination {
    Nomination::restore(
        id,
        nominee,
        award,
        unit.id,
        unit.id,
        Period::new(2024).unwrap(),
        "Hoàn thành xuất sắc nhiệm vụ".into(),
        laurel_domain::rules::CommendationKind::ThuongXuyen,
        Some("ND98_2023".into()),
        WorkflowRef {
            id: "GIAY_KHEN".into(),
            version: 1,
        },
        by,
        None,
        None,
        progress,
    )
}

/// `n` with its progress replaced (the store saves whatever the domain decided).
fn with_progress(n: &Nomination, f: impl FnOnce(&mut Progress)) -> Nomination {
    let mut progress = n.progress().clone();
    f(&mut progress);
    Nomination::restore(
        n.id,
        n.nominee,
        n.award,
        n.issuer,
        n.proposing_unit,
        n.period,
        n.achievement.clone(),
        n.kind,
        n.ruleset.clone(),
        n.workflow.clone(),
        n.drafted_by,
        n.proposal,
        n.decision,
        progress,
    )
}

async fn nomination(store: &Store, unit: &Unit, by: AccountId) -> Nomination {
    let tx = store.write().await.unwrap();
    let person = tx
        .insert_person(
            PersonId(id()),
            NewPerson::parse("Nguyễn Thị Ngọc Huyền", None, None, None, unit.id).unwrap(),
            NOW,
        )
        .await
        .unwrap();
    let nomination = sample(
        NominationId(id()),
        Nominee::Person(person.id),
        AwardKind::GiayKhen,
        unit,
        by,
        Progress::draft(date!(2025 - 01 - 05)),
    );
    tx.insert_nomination(&nomination, &unit.path, None, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    nomination
}

#[tokio::test]
async fn migrations_run_down_and_up_again() {
    let (_db, store) = store().await;
    assert_eq!(store.pending_migrations().await.unwrap(), 0);
    store.remigrate().await.unwrap();
    assert_eq!(store.pending_migrations().await.unwrap(), 0);
    // The schema works after the round trip.
    unit(&store, "CAT", None).await;
}

#[tokio::test]
async fn units_form_a_tree_and_codes_are_unique() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let child = unit(&store, "PV01", Some(root.id)).await;
    assert_eq!(child.path.ids(), [root.id, child.id]);
    assert_eq!(store.unit_path(child.id).await.unwrap(), child.path);

    let tx = store.write().await.unwrap();
    let again = NewUnit::parse("Khác", "cat", None, None, None).unwrap();
    let err = tx
        .insert_unit(UnitId(id()), again, NOW)
        .await
        .expect_err("duplicate code");
    assert!(
        matches!(err, StoreError::Duplicate { field: "code", .. }),
        "{err:?}"
    );
    drop(tx);
    let orphan = NewUnit::parse("Mồ côi", "ORPHAN", None, None, Some(UnitId(id()))).unwrap();
    let tx = store.write().await.unwrap();
    let err = tx
        .insert_unit(UnitId(id()), orphan, NOW)
        .await
        .expect_err("no parent");
    assert!(matches!(err, StoreError::NotFound { entity: "unit", .. }));
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let draft = nomination(&store, &root, clerk).await;

    let submitted = with_progress(&draft, |p| p.state = NominationState::Submitted);
    let tx = store.write().await.unwrap();
    assert_eq!(
        tx.update_nomination(&submitted, 1, None, NOW)
            .await
            .unwrap(),
        2
    );
    tx.commit().await.unwrap();

    let mut edited = draft.clone();
    edited.achievement = "Sửa đổi".into();
    let tx = store.write().await.unwrap();
    let err = tx
        .update_nomination(&edited, 1, None, NOW)
        .await
        .expect_err("stale");
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                actual: 2,
                ..
            }
        ),
        "{err:?}"
    );
    drop(tx);
    let stored = store.require_nomination(draft.id).await.unwrap().nomination;
    assert_eq!(stored.state(), NominationState::Submitted);
    assert_eq!(stored.achievement, draft.achievement);
    assert_eq!(stored.version(), 2);
}

#[tokio::test]
async fn a_proposals_version_moves_with_its_nominations_without_writing_its_row() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let (a, b) = (
        nomination(&store, &root, clerk).await,
        nomination(&store, &root, clerk).await,
    );
    let proposal = ProposalId(id());
    let own_version = |store: &Store| {
        let db = store.db.clone();
        async move {
            crate::entity::proposal::Entity::find_by_id(proposal.0)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .version
        }
    };
    let tx = store.write().await.unwrap();
    tx.insert_proposal(&ProposalRecord {
        id: proposal,
        proposing_unit: root.id,
        proposing_path: root.path.clone(),
        issuer: root.id,
        number: Some("15/TTr-CAT".into()),
        proposed_on: None,
        signer_name: None,
        signer_title: None,
        created_by: clerk,
        created_at: NOW,
        version: 1,
    })
    .await
    .unwrap();
    for n in [&a, &b] {
        tx.update_nomination(&n.clone().in_proposal(proposal), 1, None, NOW)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let seen = store.proposal(proposal).await.unwrap().unwrap().version;
    assert_eq!(seen, 1 + 2 + 2, "its own version and its nominations'");

    // A transition of one of its nominations moves it on; its row is not written.
    let submitted = with_progress(&a.clone().in_proposal(proposal), |p| {
        p.state = NominationState::Submitted;
    });
    let tx = store.write().await.unwrap();
    tx.update_nomination(&submitted, 2, None, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.proposal(proposal).await.unwrap().unwrap().version,
        seen + 1
    );
    assert_eq!(own_version(&store).await, 1);

    // A bulk action at the version seen before is refused and holds nothing.
    let tx = store.write().await.unwrap();
    let err = tx.claim_proposal(proposal, seen).await.expect_err("stale");
    assert!(
        matches!(err, StoreError::Conflict { expected, actual, .. } if expected == seen && actual == seen + 1),
        "{err:?}"
    );
    drop(tx);
    assert_eq!(own_version(&store).await, 1);
    // At the current one it gets the nominations as read under its hold, and moves it on.
    let tx = store.write().await.unwrap();
    let claimed: Vec<(NominationId, i32)> = tx
        .claim_proposal(proposal, seen + 1)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.nomination.id, r.nomination.version()))
        .collect();
    tx.commit().await.unwrap();
    let mut expected = vec![(a.id, 3), (b.id, 2)];
    expected.sort_unstable();
    assert_eq!(claimed, expected);
    assert_eq!(
        store.proposal(proposal).await.unwrap().unwrap().version,
        seen + 2
    );
    // Listed and batched reads give the same version.
    assert_eq!(
        store.proposals_by_ids(&[proposal]).await.unwrap()[0].version,
        seen + 2
    );
    assert_eq!(
        store.proposals(None, 10).await.unwrap()[0].version,
        seen + 2
    );
}

#[tokio::test]
async fn every_state_and_award_code_round_trips() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    for (state, award) in NominationState::ALL
        .into_iter()
        .zip(AwardKind::ALL.into_iter().cycle())
    {
        let n = nomination(&store, &root, clerk).await;
        let n = with_progress(&n, |p| p.state = state);
        let tx = store.write().await.unwrap();
        tx.update_nomination(&n, 1, None, NOW).await.unwrap();
        tx.commit().await.unwrap();
        let back = store.require_nomination(n.id).await.unwrap().nomination;
        assert_eq!(back.state(), state);
        let _ = award;
    }
    // Awards: store one nomination per award kind and read each back.
    let tx = store.write().await.unwrap();
    let person = tx
        .insert_person(
            PersonId(id()),
            NewPerson::parse("Trần Văn An", None, None, None, root.id).unwrap(),
            NOW,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for award in AwardKind::ALL {
        let n = sample(
            NominationId(id()),
            Nominee::Person(person.id),
            award,
            &root,
            clerk,
            Progress::draft(date!(2025 - 01 - 05)),
        );
        tx.insert_nomination(&n, &root.path, None, NOW)
            .await
            .unwrap();
        ids.push((n.id, award));
    }
    tx.commit().await.unwrap();
    for (id, award) in ids {
        assert_eq!(
            store.require_nomination(id).await.unwrap().nomination.award,
            award
        );
    }
}

#[tokio::test]
async fn concurrent_numbers_are_gapless_and_rolled_back_ones_are_given_back() {
    let (_db, store) = store().await;
    let issuer = unit(&store, "CAT", None).await.id;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let attempt = async {
                    let tx = store.write().await?;
                    let n = tx.next_number(issuer, 2025, SequenceKind::Decision).await?;
                    if i % 3 == 0 {
                        drop(tx); // rolled back: the number must come back
                        Ok::<_, StoreError>(None)
                    } else {
                        tx.commit().await?;
                        Ok(Some(n))
                    }
                };
                match attempt.await {
                    Err(e) if e.is_transient() => continue,
                    other => return other,
                }
            }
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        if let Some(n) = task.await.unwrap().unwrap() {
            numbers.push(n);
        }
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
    // Another year and another kind count separately.
    let tx = store.write().await.unwrap();
    assert_eq!(
        tx.next_number(issuer, 2026, SequenceKind::Decision)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        tx.next_number(issuer, 2025, SequenceKind::GoldenBook)
            .await
            .unwrap(),
        1
    );
}

/// On PostgreSQL, where writers run side by side, a transaction holding an issuer's decision
/// number and an audit chain's head until it ends holds up no other issuer's numbering and no
/// other chain, only what shares them (issue 11 §3: numbering and audit chains must not
/// serialise unrelated work). SQLite runs one writer at a time.
#[tokio::test]
async fn numbers_and_chains_held_open_hold_up_only_what_shares_them() {
    let (_db, store) = store().await;
    if store.backend() == crate::Backend::Sqlite {
        return;
    }
    let (a, b) = (
        unit(&store, "CAT", None).await.id,
        unit(&store, "CAD", None).await.id,
    );
    let (held_entity, other_entity) = (id(), id());
    let held = store.write().await.unwrap();
    assert_eq!(
        held.next_number(a, 2025, SequenceKind::Decision)
            .await
            .unwrap(),
        1
    );
    held.record(&comment_on(held_entity, serde_json::json!({ "n": 1 })))
        .await
        .unwrap();
    // Meanwhile another issuer's number and another chain's entry commit at once (the
    // timeout is only there so that a regression fails instead of hanging).
    let other = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let tx = store.write().await?;
        let n = tx.next_number(b, 2025, SequenceKind::Decision).await?;
        tx.record(&comment_on(other_entity, serde_json::json!({ "n": 1 })))
            .await?;
        tx.commit().await?;
        Ok::<_, StoreError>(n)
    })
    .await
    .expect("held up by a transaction it shares nothing with")
    .unwrap();
    assert_eq!(other, 1);
    // The same issuer's next number waits for the first transaction to end, and follows it.
    let same = tokio::spawn({
        let store = store.clone();
        async move {
            let tx = store.write().await?;
            let n = tx.next_number(a, 2025, SequenceKind::Decision).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(n)
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!same.is_finished(), "the issuer's numbering did not wait");
    held.commit().await.unwrap();
    assert_eq!(same.await.unwrap().unwrap(), 2);
    assert_eq!(store.audit_of(held_entity).await.unwrap().len(), 1);
    assert_eq!(store.audit_of(other_entity).await.unwrap().len(), 1);
}

/// A public comment received on the nomination `entity`, with `details`, as the store
/// records it.
fn comment_on(entity: Uuid, details: serde_json::Value) -> Recorded {
    Recorded {
        at: NOW,
        actor: None,
        scope: Default::default(),
        event: DomainEvent::other(
            Subject::Nomination(NominationId(entity)),
            Kind::PublicCommentReceived,
            details,
        ),
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let (_db, store) = store().await;
    let entity = id();
    let tx = store.write().await.unwrap();
    tx.record(&comment_on(entity, serde_json::json!({"k": "v"})))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    for sql in [
        "UPDATE audit_log SET action = 'FORGED'",
        "DELETE FROM audit_log",
    ] {
        let tx = store.write().await.unwrap();
        let err = tx.tx.execute_unprepared(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    let trail = store.audit_of(entity).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "PUBLIC_COMMENT_RECEIVED");
    assert_eq!(trail[0].details, serde_json::json!({"k": "v"}));
}

/// A chain's head read before a write transaction (as a stage transition reads it on the
/// readers' pool) is appended after only if nothing was appended since: otherwise the chain's
/// unique index refuses the row as a transient failure to retry whole, and the chain holds.
#[tokio::test]
async fn a_chain_head_read_beforehand_is_refused_once_the_chain_moved_on() {
    let (_db, store) = store().await;
    let entity = id();
    let event = |n: i64| comment_on(entity, serde_json::json!({ "n": n }));
    let head = store.audit_chain_head("nomination", entity).await.unwrap();
    assert_eq!((head.seq, head.hash.as_str()), (0, ""));

    // Another transaction appends first.
    let tx = store.write().await.unwrap();
    tx.record(&event(1)).await.unwrap();
    tx.commit().await.unwrap();

    let mut stale = head.clone();
    let tx = store.write().await.unwrap();
    let refused = tx.record_after(&event(2), &mut stale).await.unwrap_err();
    assert!(matches!(refused, StoreError::Busy(_)), "{refused:?}");
    drop(tx);
    assert_eq!(stale, head, "a refused append leaves the head as it was");

    // Read again, it appends, twice in a row from the moved head.
    let mut fresh = store.audit_chain_head("nomination", entity).await.unwrap();
    assert_eq!(fresh.seq, 1);
    let tx = store.write().await.unwrap();
    tx.record_after(&event(2), &mut fresh).await.unwrap();
    tx.record_after(&event(3), &mut fresh).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.audit_chain_head("nomination", entity).await.unwrap(),
        fresh
    );
    let trail = store.audit_of(entity).await.unwrap();
    let ns: Vec<_> = trail.iter().map(|e| e.details["n"].clone()).collect();
    assert_eq!(ns, [1, 2, 3].map(serde_json::Value::from));
    let report = store.verify_audit().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

/// On SQLite a whole write transaction handed to the store runs on the writer thread, and
/// commits there; on PostgreSQL it runs where it was called. Either way its result comes back.
#[tokio::test]
async fn a_write_handed_to_the_store_runs_on_sqlites_writer_thread() {
    let (_db, store) = store().await;
    let writer = store.clone();
    let new = NewUnit::parse("Đơn vị ghi", "WRITER", Some("Giám đốc"), None, None).unwrap();
    let (thread, root) = store
        .on_writer_thread(async move {
            let tx = writer.write().await?;
            let root = tx.insert_unit(UnitId(id()), new, NOW).await?;
            tx.commit().await?;
            let thread = std::thread::current().name().map(str::to_owned);
            Ok::<_, StoreError>((thread, root))
        })
        .await
        .unwrap()
        .unwrap();
    let expected = match store.backend() {
        crate::Backend::Sqlite => Some("laurel-writer".to_owned()),
        crate::Backend::Postgres => std::thread::current().name().map(str::to_owned),
    };
    assert_eq!(thread, expected);
    assert_eq!(store.require_unit(root.id).await.unwrap(), root);
}

/// Writes handed to the store at once commit together (on SQLite in one transaction, each in
/// a savepoint of its own; on PostgreSQL each alone): each that succeeded is there, each that
/// failed changed nothing, whether the database refused it or the work itself gave up after
/// writing, a write that panics fails alone (on SQLite, where it runs apart from its caller),
/// and the store writes on afterwards.
#[tokio::test]
async fn writes_handed_over_together_stand_or_fall_alone() {
    let (_db, store) = store().await;
    unit(&store, "TAKEN", None).await;
    let panics = store.backend() == crate::Backend::Sqlite;
    let mut writes = tokio::task::JoinSet::new();
    for n in 0..24u32 {
        let store = store.clone();
        writes.spawn(async move {
            let outcome = store
                .in_write_group(move |tx: WriteTx| async move {
                    let code = match n {
                        7 => "TAKEN".to_owned(),
                        _ => format!("G{n:02}"),
                    };
                    let new = NewUnit::parse(&format!("Đơn vị nhóm {n}"), &code, None, None, None)
                        .unwrap();
                    tx.insert_unit(UnitId(id()), new, NOW).await?;
                    if n == 11 {
                        return Err(StoreError::Conflict {
                            entity: "unit",
                            id: code,
                            expected: 1,
                            actual: 2,
                        });
                    }
                    if n == 17 && panics {
                        panic!("a write that panics after writing");
                    }
                    tx.commit().await?;
                    Ok::<_, StoreError>(code)
                })
                .await;
            (n, outcome)
        });
    }
    let mut kept = Vec::new();
    while let Some(done) = writes.join_next().await {
        match done.unwrap() {
            (7, Err(StoreError::Duplicate { field: "code", .. })) => {}
            (11, Err(StoreError::Conflict { .. })) => {}
            (17, Err(StoreError::Db(_))) if panics => {}
            (n, Ok(code)) if n != 7 && n != 11 && (n != 17 || !panics) => kept.push(code),
            (n, other) => panic!("write {n}: {other:?}"),
        }
    }
    kept.sort();
    let mut stored: Vec<String> = store
        .units()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code.as_str().to_owned())
        .filter(|code| code.starts_with('G'))
        .collect();
    stored.sort();
    assert_eq!(stored, kept);
    assert_eq!(kept.len(), if panics { 21 } else { 22 });
    unit(&store, "AFTER", None).await;
}

#[tokio::test]
async fn a_signed_decision_is_never_edited_or_deleted_but_may_be_annulled() {
    let (_db, store) = store().await;
    let issuer = unit(&store, "CAT", None).await;
    let signer = account(&store, "signer").await;
    let decision = Decision {
        id: DecisionId(id()),
        issuer: issuer.id,
        number: DecisionNumber {
            seq: 1,
            issuer_code: issuer.code.clone(),
        },
        year: 2025,
        signed_on: date!(2025 - 01 - 05),
        signer,
        signature: SignatureBlock::new(SignerCapacity::Direct, "Giám đốc", None, "Nguyễn Văn Bình")
            .unwrap(),
        issuer_title: issuer.issuer_title(),
        state: DecisionState::Signed,
        kind: laurel_domain::decision::DecisionKind::Award,
        acting_for: None,
    };
    let tx = store.write().await.unwrap();
    tx.insert_decision(&decision, NOW).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.decision(decision.id).await.unwrap(),
        Some(decision.clone())
    );

    for sql in [
        "UPDATE decision SET number = '2/QĐ-CAT'",
        "UPDATE decision SET signer_name = 'Someone Else'",
        "DELETE FROM decision",
    ] {
        let tx = store.write().await.unwrap();
        let err = tx.tx.execute_unprepared(sql).await.expect_err(sql);
        assert!(err.to_string().contains("never"), "{err}");
    }
    let tx = store.write().await.unwrap();
    tx.tx
        .execute_unprepared("UPDATE decision SET state = 'ANNULLED'")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let annulled = store.decision(decision.id).await.unwrap().unwrap();
    assert_eq!(annulled.state, DecisionState::Annulled);
    assert_eq!(annulled.number, decision.number);
}

#[tokio::test]
async fn grants_are_idempotent_and_listed() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let tx = store.write().await.unwrap();
    let grant = Grant::new(Role::Clerk, Some(root.id)).unwrap();
    assert!(tx.insert_grant(id(), clerk, grant, NOW).await.unwrap());
    assert!(!tx.insert_grant(id(), clerk, grant, NOW).await.unwrap());
    let admin = Grant::new(Role::Admin, None).unwrap();
    assert!(tx.insert_grant(id(), clerk, admin, NOW).await.unwrap());
    assert!(!tx.insert_grant(id(), clerk, admin, NOW).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(store.grants(clerk).await.unwrap(), [admin, grant]);
}

#[tokio::test]
async fn usernames_are_unique() {
    let (_db, store) = store().await;
    account(&store, "huyen").await;
    let tx = store.write().await.unwrap();
    let err = tx
        .insert_account(
            NewAccount {
                id: AccountId(id()),
                username: "huyen".into(),
                password_hash: "h".into(),
                display_name: "x".into(),
                person: None,
                must_change_password: false,
                email: None,
            },
            NOW,
        )
        .await
        .expect_err("duplicate");
    assert!(matches!(
        err,
        StoreError::Duplicate {
            field: "username",
            ..
        }
    ));
}

#[tokio::test]
async fn issued_certificates_amounts_and_annulments_are_final() {
    use laurel_domain::certificate::{CertificateStatus, VerificationCode};
    use laurel_domain::ids::CertificateId;

    use crate::{CertificateRecord, DecisionRecipient};

    let (_db, store) = store().await;
    let issuer = unit(&store, "CAT", None).await;
    let signer = account(&store, "signer").await;
    let nomination = nomination(&store, &issuer, signer).await;
    let decision = Decision {
        id: DecisionId(id()),
        issuer: issuer.id,
        number: DecisionNumber {
            seq: 1,
            issuer_code: issuer.code.clone(),
        },
        year: 2025,
        signed_on: date!(2025 - 01 - 05),
        signer,
        signature: SignatureBlock::new(SignerCapacity::Direct, "Giám đốc", None, "Nguyễn Văn Bình")
            .unwrap(),
        issuer_title: issuer.issuer_title(),
        state: DecisionState::Signed,
        kind: laurel_domain::decision::DecisionKind::Award,
        acting_for: None,
    };
    let tx = store.write().await.unwrap();
    tx.insert_decision(&decision, NOW).await.unwrap();
    tx.insert_decision_recipient(&DecisionRecipient {
        decision: decision.id,
        nomination: nomination.id,
        ruleset: "ND98_2023".into(),
        coefficient_thousandths: 300,
        base_salary_vnd: 2_340_000,
        amount_vnd: 710_000,
    })
    .await
    .unwrap();
    let certificate = CertificateId(id());
    tx.insert_certificate(&CertificateRecord {
        id: certificate,
        decision: decision.id,
        nomination: nomination.id,
        code: VerificationCode::from_entropy([7; 10]),
        golden_book_no: 1,
        status: CertificateStatus::Valid,
        content: "{}".into(),
        content_sha256: "0".repeat(64),
        issued_at: NOW,
        issued_by: signer,
        key_id: None,
        signature: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Its PDF, kept: served again only under the key of the render that made it, replaced by
    // a render under another key; only certificates that exist have one.
    let (k1, k2) = ("1".repeat(64), "2".repeat(64));
    assert_eq!(
        store.kept_render(certificate, false, &k1).await.unwrap(),
        None
    );
    store
        .keep_render(certificate, false, &k1, b"%PDF-1".to_vec(), NOW)
        .await
        .unwrap();
    store
        .keep_render(certificate, false, &k1, b"%PDF-1".to_vec(), NOW)
        .await
        .unwrap();
    assert_eq!(
        store.kept_render(certificate, false, &k1).await.unwrap(),
        Some(b"%PDF-1".to_vec())
    );
    assert_eq!(
        store.kept_render(certificate, true, &k1).await.unwrap(),
        None
    );
    assert_eq!(
        store.kept_render(certificate, false, &k2).await.unwrap(),
        None
    );
    store
        .keep_render(certificate, false, &k2, b"%PDF-2".to_vec(), NOW)
        .await
        .unwrap();
    assert_eq!(
        store.kept_render(certificate, false, &k1).await.unwrap(),
        None
    );
    assert_eq!(
        store.kept_render(certificate, false, &k2).await.unwrap(),
        Some(b"%PDF-2".to_vec())
    );
    store
        .keep_render(CertificateId(id()), false, &k1, b"%PDF".to_vec(), NOW)
        .await
        .expect_err("no such certificate");

    for sql in [
        "UPDATE certificate SET content = '{\"forged\": true}'",
        "UPDATE certificate SET golden_book_no = 2",
        "DELETE FROM certificate",
        "UPDATE decision_recipient SET amount_vnd = 1",
        "DELETE FROM decision_recipient",
    ] {
        let tx = store.write().await.unwrap();
        let err = tx.tx.execute_unprepared(sql).await.expect_err(sql);
        assert!(err.to_string().contains("never"), "{sql}: {err}");
    }
    // A certificate's status may follow its decision's annulment; the annulment is final.
    let tx = store.write().await.unwrap();
    tx.tx
        .execute_unprepared("UPDATE certificate SET status = 'ANNULLED'")
        .await
        .unwrap();
    tx.tx
        .execute_unprepared("UPDATE decision SET state = 'ANNULLED'")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let tx = store.write().await.unwrap();
    let err = tx
        .tx
        .execute_unprepared("UPDATE decision SET state = 'SIGNED'")
        .await
        .expect_err("reinstated");
    assert!(err.to_string().contains("never reinstated"), "{err}");
    drop(tx);

    if store.backend() == crate::Backend::Postgres {
        for table in ["audit_log", "decision", "decision_recipient", "certificate"] {
            let tx = store.write().await.unwrap();
            let err = tx
                .tx
                .execute_unprepared(&format!("TRUNCATE {table} CASCADE"))
                .await
                .expect_err(table);
            assert!(
                err.to_string().contains("never truncated"),
                "{table}: {err}"
            );
        }
    }
}

#[tokio::test]
async fn facts_round_trip_and_ratings_are_one_per_year() {
    use laurel_domain::fact::{BlockKind, RecognitionKind};
    use laurel_domain::rules::{CommendationKind, DisciplineLevel, Scope, TaskRating};

    use crate::{BlockRecord, DisciplineRecord, PriorAwardRecord, ReadFacts, RecognitionRecord};

    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let tx = store.write().await.unwrap();
    let person = tx
        .insert_person(
            PersonId(id()),
            NewPerson::parse(
                "Trần Văn An",
                None,
                None,
                Some(date!(2015 - 09 - 01)),
                root.id,
            )
            .unwrap(),
            NOW,
        )
        .await
        .unwrap();
    let nominee = Nominee::Person(person.id);
    assert_eq!(
        tx.upsert_rating(nominee, 2024, TaskRating::Httnv, clerk, NOW, id())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.upsert_rating(nominee, 2024, TaskRating::Htxsnv, clerk, NOW, id())
            .await
            .unwrap(),
        Some(TaskRating::Httnv)
    );
    let recognition = RecognitionRecord {
        id: id(),
        nominee,
        kind: RecognitionKind::Research,
        title: "Đề tài cấp cơ sở".into(),
        year: 2024,
        scope: Scope::BoTinh,
        recognised_by: "Hội đồng khoa học".into(),
        used_by: None,
        prior_use: None,
    };
    tx.insert_recognition(&recognition, clerk, NOW)
        .await
        .unwrap();
    let discipline = DisciplineRecord {
        id: id(),
        nominee,
        level: DisciplineLevel::CanhCao,
        from: date!(2023 - 03 - 01),
        to: Some(date!(2024 - 03 - 01)),
        reference: Some("12/QĐ-KL".into()),
    };
    tx.insert_discipline(&discipline, clerk, NOW).await.unwrap();
    let block = BlockRecord {
        id: id(),
        nominee,
        kind: BlockKind::Inspection,
        reason: "Thanh tra".into(),
        from: date!(2024 - 05 - 01),
        resolved_on: None,
        version: 1,
    };
    tx.insert_block(&block, clerk, NOW).await.unwrap();
    let prior = PriorAwardRecord {
        id: id(),
        nominee,
        award: AwardKind::CstdCoSo,
        year: 2022,
        kind: CommendationKind::ThuongXuyen,
        decision_reference: None,
        decided_on: None,
    };
    tx.insert_prior_award(&prior, clerk, NOW).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(store.ratings_of(nominee).await.unwrap().len(), 1);
    assert_eq!(store.recognitions_of(nominee).await.unwrap(), [recognition]);
    assert_eq!(store.disciplines_of(nominee).await.unwrap(), [discipline]);
    assert_eq!(
        store.blocks_of(nominee).await.unwrap(),
        std::slice::from_ref(&block)
    );
    assert_eq!(store.prior_awards_of(nominee).await.unwrap(), [prior]);
    assert_eq!(
        store.person(person.id).await.unwrap().unwrap().recruited_on,
        Some(date!(2015 - 09 - 01))
    );

    let tx = store.write().await.unwrap();
    tx.resolve_block(block.id, 1, date!(2024 - 08 - 01))
        .await
        .unwrap();
    let err = tx
        .resolve_block(block.id, 1, date!(2024 - 08 - 02))
        .await
        .expect_err("stale");
    assert!(matches!(err, StoreError::Conflict { actual: 2, .. }));
}

#[tokio::test]
async fn a_recognition_claimed_by_one_award_cannot_be_claimed_by_another() {
    use laurel_domain::fact::RecognitionKind;
    use laurel_domain::rules::Scope;

    use crate::RecognitionRecord;

    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let first = nomination(&store, &root, clerk).await;
    let second = nomination(&store, &root, clerk).await;
    let recognition = RecognitionRecord {
        id: id(),
        nominee: first.nominee,
        kind: RecognitionKind::Initiative,
        title: "Sáng kiến".into(),
        year: 2024,
        scope: Scope::CoSo,
        recognised_by: "Hội đồng".into(),
        used_by: None,
        prior_use: None,
    };
    let tx = store.write().await.unwrap();
    tx.insert_recognition(&recognition, clerk, NOW)
        .await
        .unwrap();
    tx.mark_recognitions_used(&[recognition.id], first.id)
        .await
        .unwrap();
    // Claiming it again for the same award is harmless; for another, it is refused as busy, so
    // the caller's transaction runs again and judges with the current facts.
    tx.mark_recognitions_used(&[recognition.id], first.id)
        .await
        .unwrap();
    let err = tx
        .mark_recognitions_used(&[recognition.id], second.id)
        .await
        .expect_err("taken");
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn a_nominations_progress_round_trips_and_waits_for_its_party() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let head = account(&store, "head").await;
    let draft = nomination(&store, &root, clerk).await;
    let moved = with_progress(&draft, |p| {
        p.state = NominationState::Returned;
        p.position = Position { stage: 2, level: 1 };
        p.stage_since = date!(2025 - 01 - 02);
        p.due_on = Some(date!(2025 - 01 - 09));
        p.returned_on = Some(date!(2025 - 01 - 06));
        p.paused_days = 3;
        p.received_on = Some(date!(2025 - 01 - 02));
        p.notice_closes_on = Some(date!(2025 - 01 - 16));
        p.submitted_by = Some(head);
        p.appraised_by = Some(clerk);
        p.stage_touched = true;
    });
    let waiting = crate::Waiting {
        role: Role::UnitHead,
        unit: root.id,
    };
    let tx = store.write().await.unwrap();
    tx.update_nomination(&moved, 1, Some(waiting), NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let back = store.require_nomination(draft.id).await.unwrap();
    assert_eq!(back.nomination, moved.saved_at(2));
    assert_eq!(back.proposing_path, root.path);
    // The work queue of the head finds it; another unit's does not.
    let queue = crate::QueueScope {
        roles: Vec::new(),
        proposing: vec![root.id],
        consulted: Vec::new(),
    };
    let found = crate::ReadReview::work_queue(&store, &queue, 0, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let elsewhere = crate::QueueScope {
        proposing: vec![UnitId(id())],
        ..queue
    };
    assert!(
        crate::ReadReview::work_queue(&store, &elsewhere, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_history_is_append_only() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let n = nomination(&store, &root, clerk).await;
    let tx = store.write().await.unwrap();
    tx.append_history(crate::NewHistoryEntry {
        nomination: n.id,
        issuer: root.id,
        at: NOW,
        actor: Some(clerk),
        acting_for: None,
        event: "NOMINATION_RETURNED",
        from_state: NominationState::Submitted,
        to_state: NominationState::Returned,
        from_stage: laurel_domain::workflow::StageKind::Receive,
        to_stage: laurel_domain::workflow::StageKind::Receive,
        from_level: 0,
        to_level: 0,
        reasons: vec!["Thiếu biên bản".into(), "Sai tên".into()],
        note: None,
        details: serde_json::json!({"missing": ["BIEN_BAN_BINH_XET"]}),
        completed: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for sql in [
        "UPDATE nomination_event SET event = 'FORGED'",
        "DELETE FROM nomination_event",
    ] {
        let tx = store.write().await.unwrap();
        let err = tx.tx.execute_unprepared(sql).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    let history = crate::ReadReview::history_of(&store, n.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].reasons, ["Thiếu biên bản", "Sai tên"]);
    assert_eq!(history[0].to_state, NominationState::Returned);
}

#[tokio::test]
async fn a_savepoint_undoes_only_its_own_changes() {
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let clerk = account(&store, "clerk").await;
    let a = nomination(&store, &root, clerk).await;
    let b = nomination(&store, &root, clerk).await;
    let tx = store.write().await.unwrap();
    let kept = tx.savepoint().await.unwrap();
    kept.update_nomination(
        &with_progress(&a, |p| p.state = NominationState::Submitted),
        1,
        None,
        NOW,
    )
    .await
    .unwrap();
    kept.commit().await.unwrap();
    let undone = tx.savepoint().await.unwrap();
    undone
        .update_nomination(
            &with_progress(&b, |p| p.state = NominationState::Submitted),
            1,
            None,
            NOW,
        )
        .await
        .unwrap();
    undone.rollback().await.unwrap();
    tx.commit().await.unwrap();
    let state = |id| {
        let store = store.clone();
        async move {
            store
                .require_nomination(id)
                .await
                .unwrap()
                .nomination
                .state()
        }
    };
    assert_eq!(state(a.id).await, NominationState::Submitted);
    assert_eq!(state(b.id).await, NominationState::Draft);
}

#[tokio::test]
async fn a_calendar_correction_replaces_the_earlier_one() {
    use laurel_domain::workdays::{CalendarDay, DayKind};
    let (_db, store) = store().await;
    let admin = account(&store, "admin").await;
    let day = CalendarDay {
        date: date!(2026 - 11 - 24),
        kind: DayKind::Holiday,
        name: "Ngày Văn hóa Việt Nam".into(),
        confidence: laurel_domain::rules::Confidence::Confirmed,
        source: "Bộ luật Lao động sửa đổi".into(),
    };
    for set in [Some(&day), None, Some(&day)] {
        let tx = store.write().await.unwrap();
        tx.set_calendar_day(day.date, set, admin, NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let overrides = crate::ReadReview::calendar_overrides(&store).await.unwrap();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].day.as_ref(), Some(&day));
}

#[tokio::test]
async fn rows_written_before_the_chains_are_chained_in_order_by_the_migration() {
    use laurel_migrations::{Migrator, MigratorTrait};
    use sea_orm::sea_query::{Alias, Query};
    let db = TestDatabase::empty().await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let migrations = Migrator::migrations();
    let before = migrations
        .iter()
        .position(|m| m.name() == "m20261130_000004_chain_audit_log")
        .unwrap();
    Migrator::up(&store.db, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();
    // Three rows the old way: two for one nomination, one for another.
    let (a, b) = (id(), id());
    for (entity_id, action, minute) in [
        (a, "NOMINATION_CREATED", 1),
        (b, "NOMINATION_CREATED", 2),
        (a, "NOMINATION_SUBMITTED", 3),
    ] {
        let at = NOW + time::Duration::minutes(minute) + time::Duration::nanoseconds(123_456_789);
        let insert = Query::insert()
            .into_table(Alias::new("audit_log"))
            .columns(["at", "entity", "entity_id", "action", "details"].map(Alias::new))
            .values_panic([
                at.into(),
                "nomination".into(),
                entity_id.into(),
                action.into(),
                "{}".into(),
            ])
            .to_owned();
        store.db.execute(&insert).await.unwrap();
    }
    store.migrate().await.unwrap();
    let report = store.verify_audit().await.unwrap();
    assert_eq!((report.rows, report.chains), (3, 2));
    assert_eq!(report.problems, []);
    // New rows continue the chains.
    let tx = store.write().await.unwrap();
    tx.record(&Recorded {
        at: NOW + time::Duration::minutes(4),
        actor: None,
        scope: Default::default(),
        event: DomainEvent::Other(
            laurel_domain::events::Change::new(
                Subject::Nomination(laurel_domain::ids::NominationId(a)),
                Kind::DocumentAttached,
                serde_json::json!({ "stage": "RECEIVE" }),
            )
            .states(Some("SUBMITTED"), Some("SUBMITTED")),
        ),
    })
    .await
    .unwrap();
    tx.create_checkpoint(NOW + time::Duration::minutes(5))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let report = store.verify_audit().await.unwrap();
    assert_eq!((report.rows, report.chains, report.checkpoints), (4, 2, 1));
    assert_eq!(report.problems, []);
}

/// `council_voted_on_any` (the decision PDF's council basis line): none for no nominations or
/// for nominations without a vote, and a vote found among more than a thousand ids, where it
/// is in the second statement's chunk.
#[tokio::test]
async fn whether_a_council_voted_on_any_of_many_nominations() {
    use sea_orm::{ActiveValue::Set, EntityTrait};

    use crate::ReadReview;
    use crate::entity::council_outcome;
    let (_db, store) = store().await;
    let root = unit(&store, "CAT", None).await;
    let by = account(&store, "thuky.hd").await;
    let voted = nomination(&store, &root, by).await;
    let other = nomination(&store, &root, by).await;
    council_outcome::Entity::insert(council_outcome::ActiveModel {
        nomination_id: Set(voted.id.0),
        at: Set(NOW),
        recorded_by: Set(by.0),
        members: Set(9),
        present: Set(8),
        votes_for: Set(8),
        votes_against: Set(0),
        abstentions: Set(0),
        approved: Set(true),
        rule: Set("MAJORITY_OF_MEMBERS".into()),
        written_for: Set(0),
        written_against: Set(0),
        session_id: Set(None),
        ..Default::default()
    })
    .exec(&store.db)
    .await
    .unwrap();

    assert!(!store.council_voted_on_any(&[]).await.unwrap());
    assert!(!store.council_voted_on_any(&[other.id]).await.unwrap());
    let mut ids: Vec<NominationId> = (0..1000).map(|_| NominationId(id())).collect();
    ids.push(other.id);
    assert!(!store.council_voted_on_any(&ids).await.unwrap());
    ids.push(voted.id);
    assert!(store.council_voted_on_any(&ids).await.unwrap());
    assert!(store.council_voted_on_any(&[voted.id]).await.unwrap());
}

/// A commit the database refuses after rolling the transaction back itself (what a full disk
/// or an I/O error does to SQLite, played here by ending the transaction under the store's
/// feet) must leave nothing open on its connection. Were the connection reused still counting
/// that transaction open, the next write would begin as a savepoint inside it, a rollback to
/// that savepoint would leave it open, and every write after it would be acknowledged and
/// never committed. The pool closes such a connection instead: the write acknowledged after
/// it is seen from another pool. One connection, so every step meets the same one.
#[tokio::test]
async fn a_commit_refused_by_the_database_leaves_no_transaction_behind() {
    let (db, _) = store().await;
    let store = Store::open(&db.url, Some(1)).await.unwrap();
    let new =
        |code: &str| NewUnit::parse(&format!("Đơn vị {code}"), code, None, None, None).unwrap();
    let tx = store.write().await.unwrap();
    tx.tx.execute_unprepared("ROLLBACK").await.unwrap();
    // Refused on SQLite ("no transaction is active"); PostgreSQL only warns.
    let _ = tx.commit().await;
    let tx = store.write().await.unwrap();
    tx.insert_unit(UnitId(id()), new("UNDONE"), NOW)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let tx = store.write().await.unwrap();
    let kept = tx
        .insert_unit(UnitId(id()), new("KEPT"), NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let other = Store::connect(&db.url).await.unwrap();
    assert_eq!(other.unit(kept.id).await.unwrap(), Some(kept.clone()));
    // And the store goes on writing.
    let second = unit(&store, "AFTER", None).await;
    assert!(other.unit(second.id).await.unwrap().is_some());
}

/// On SQLite, write transactions take turns on one connection: a second writer waits for the
/// first to finish (in order, without sleeping in SQLite's busy handler) and then runs, and a
/// read is not held up meanwhile. On PostgreSQL both run at once.
#[tokio::test]
async fn writers_take_turns_on_sqlite_and_reads_go_on() {
    let (_db, store) = store().await;
    let first = store.write().await.unwrap();
    let uncommitted = first
        .insert_unit(
            UnitId(id()),
            NewUnit::parse("Đơn vị đầu", "DAU", Some("Giám đốc"), None, None).unwrap(),
            NOW,
        )
        .await
        .unwrap();
    let second = tokio::spawn({
        let store = store.clone();
        async move {
            let tx = store.write().await.unwrap();
            let unit = tx
                .insert_unit(
                    UnitId(id()),
                    NewUnit::parse("Đơn vị sau", "SAU", Some("Giám đốc"), None, None).unwrap(),
                    NOW,
                )
                .await
                .unwrap();
            tx.commit().await.unwrap();
            unit
        }
    });
    if store.backend() == crate::Backend::Sqlite {
        // The second writer has not started: its transaction waits for the writer connection
        // (it would hold a connection of its own, waiting on SQLite's lock, if it had). A
        // connection the migrations used may take a moment to go back to the pool.
        let settled = async {
            while store.pool_status().in_use != 1 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        assert!(
            tokio::time::timeout(std::time::Duration::from_secs(3), settled)
                .await
                .is_ok(),
            "only the first writer holds a connection: {:?}",
            store.pool_status()
        );
        assert!(!second.is_finished());
    }
    // Reads go on while the first writer holds its transaction, without its unit (on
    // PostgreSQL the second writer may have committed its own meanwhile).
    let seen = store.units().await.unwrap();
    assert!(!seen.iter().any(|u| u.id == uncommitted.id), "{seen:?}");
    first.commit().await.unwrap();
    let unit = second.await.unwrap();
    let ids: Vec<UnitId> = store
        .units()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&unit.id));
}
