//! The review workflow: a nomination's position on its pinned workflow and the dates its
//! deadlines run from; its history (append-only); proposals (tờ trình); the dossier's documents;
//! appraisals, consultations, council outcomes and public comments; delegations; the working-day
//! calendar's corrections; and annulment decisions with the recovery they track.
//!
//! Nominations drafted before this migration are pinned to `LEGACY_SUBMIT_SIGN` v1 (submit, then
//! sign): a draft stays at its first stage, anything past it at the second (SIGN).

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PG_UP: &str = r#"
CREATE TRIGGER nomination_event_append_only BEFORE UPDATE OR DELETE ON nomination_event
  FOR EACH ROW EXECUTE FUNCTION laurel_audit_append_only();
CREATE TRIGGER nomination_event_no_truncate BEFORE TRUNCATE ON nomination_event
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
CREATE TRIGGER annulment_no_truncate BEFORE TRUNCATE ON annulment
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
"#;

const PG_DOWN: &str = r#"
DROP TRIGGER IF EXISTS annulment_no_truncate ON annulment;
DROP TRIGGER IF EXISTS nomination_event_no_truncate ON nomination_event;
DROP TRIGGER IF EXISTS nomination_event_append_only ON nomination_event;
"#;

// SQLite triggers name their columns: the decision trigger is recreated with the new ones.
const SQLITE_UP: &str = r#"
CREATE TRIGGER nomination_event_no_update BEFORE UPDATE ON nomination_event
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER nomination_event_no_delete BEFORE DELETE ON nomination_event
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
DROP TRIGGER decision_immutable;
CREATE TRIGGER decision_immutable BEFORE UPDATE ON decision
WHEN NEW.id IS NOT OLD.id OR NEW.issuer_unit_id IS NOT OLD.issuer_unit_id
  OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq OR NEW.number IS NOT OLD.number
  OR NEW.signed_on IS NOT OLD.signed_on OR NEW.signed_at IS NOT OLD.signed_at
  OR NEW.signer_account_id IS NOT OLD.signer_account_id OR NEW.signer_name IS NOT OLD.signer_name
  OR NEW.signer_capacity IS NOT OLD.signer_capacity OR NEW.capacity_line IS NOT OLD.capacity_line
  OR NEW.title_line IS NOT OLD.title_line OR NEW.issuer_title IS NOT OLD.issuer_title
  OR NEW.kind IS NOT OLD.kind OR NEW.annuls_decision_id IS NOT OLD.annuls_decision_id
  OR NEW.ground IS NOT OLD.ground OR NEW.reason IS NOT OLD.reason
  OR NEW.acting_for IS NOT OLD.acting_for
BEGIN SELECT RAISE(ABORT, 'signed decisions are never edited'); END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER IF EXISTS nomination_event_no_delete;
DROP TRIGGER IF EXISTS nomination_event_no_update;
DROP TRIGGER decision_immutable;
CREATE TRIGGER decision_immutable BEFORE UPDATE ON decision
WHEN NEW.id IS NOT OLD.id OR NEW.issuer_unit_id IS NOT OLD.issuer_unit_id
  OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq OR NEW.number IS NOT OLD.number
  OR NEW.signed_on IS NOT OLD.signed_on OR NEW.signed_at IS NOT OLD.signed_at
  OR NEW.signer_account_id IS NOT OLD.signer_account_id OR NEW.signer_name IS NOT OLD.signer_name
  OR NEW.signer_capacity IS NOT OLD.signer_capacity OR NEW.capacity_line IS NOT OLD.capacity_line
  OR NEW.title_line IS NOT OLD.title_line OR NEW.issuer_title IS NOT OLD.issuer_title
BEGIN SELECT RAISE(ABORT, 'signed decisions are never edited'); END;
"#;

fn fk(
    name: &'static str,
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(*col);
    }
    manager.create_index(index.to_owned()).await
}

const NOMINATION_COLUMNS: [&str; 16] = [
    "workflow_id",
    "workflow_version",
    "stage",
    "level",
    "stage_since",
    "due_on",
    "returned_on",
    "paused_days",
    "received_on",
    "notice_closes_on",
    "submitted_by",
    "appraised_by",
    "stage_touched",
    "proposal_id",
    "waiting_role",
    "waiting_unit_id",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("proposal")
                    .col(uuid("id").primary_key())
                    .col(uuid("proposing_unit_id"))
                    .col(uuid("issuer_unit_id"))
                    .col(text("proposing_path"))
                    .col(string_len_null("number", 100))
                    .col(date_null("proposed_on"))
                    .col(string_len_null("signer_name", 240))
                    .col(string_len_null("signer_title", 200))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("version"))
                    .foreign_key(&mut fk(
                        "fk_proposal_proposing_unit",
                        ("proposal", "proposing_unit_id"),
                        ("unit", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_proposal_issuer",
                        ("proposal", "issuer_unit_id"),
                        ("unit", "id"),
                    ))
                    .to_owned(),
            )
            .await?;

        // One statement per column: SQLite alters a table one column at a time.
        let columns = [
            string_len("workflow_id", 64)
                .default("LEGACY_SUBMIT_SIGN")
                .to_owned(),
            integer("workflow_version").default(1).to_owned(),
            integer("stage").default(0).to_owned(),
            integer("level").default(0).to_owned(),
            date_null("stage_since"),
            date_null("due_on"),
            date_null("returned_on"),
            integer("paused_days").default(0).to_owned(),
            date_null("received_on"),
            date_null("notice_closes_on"),
            uuid_null("submitted_by"),
            uuid_null("appraised_by"),
            boolean("stage_touched").default(false).to_owned(),
            uuid_null("proposal_id"),
            string_len_null("waiting_role", 32),
            uuid_null("waiting_unit_id"),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("nomination")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        // Legacy rows: past the draft means at SIGN; they wait for what the legacy path expects.
        db.execute_unprepared("UPDATE nomination SET stage = 1 WHERE state <> 'DRAFT'")
            .await?;
        db.execute_unprepared(
            "UPDATE nomination SET waiting_role = 'UNIT_HEAD', waiting_unit_id = proposing_unit_id \
             WHERE state = 'DRAFT'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE nomination SET waiting_role = 'SIGNER', waiting_unit_id = issuer_unit_id \
             WHERE state = 'SUBMITTED'",
        )
        .await?;
        index(
            manager,
            "ix_nomination_waiting",
            "nomination",
            &["waiting_unit_id", "waiting_role"],
        )
        .await?;
        index(
            manager,
            "ix_nomination_proposal",
            "nomination",
            &["proposal_id"],
        )
        .await?;
        // Every eligibility check reads a nominee's nominations.
        index(
            manager,
            "ix_nomination_nominee_person",
            "nomination",
            &["nominee_person_id"],
        )
        .await?;
        index(
            manager,
            "ix_nomination_nominee_unit",
            "nomination",
            &["nominee_unit_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("nomination_event")
                    .col(big_pk_auto("id"))
                    .col(uuid("nomination_id"))
                    .col(uuid("issuer_unit_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid_null("actor_account_id"))
                    .col(uuid_null("acting_for"))
                    .col(string_len("event", 64))
                    .col(string_len("from_state", 32))
                    .col(string_len("to_state", 32))
                    .col(string_len("from_stage", 32))
                    .col(string_len("to_stage", 32))
                    .col(integer("from_level"))
                    .col(integer("to_level"))
                    .col(text("reasons"))
                    .col(text_null("note"))
                    .col(text("details"))
                    // When the command completed a stage: which, since when, when it was due, and
                    // the working days it took (paused days left out), for on-time statistics.
                    .col(string_len_null("completed_stage", 32))
                    .col(date_null("stage_since"))
                    .col(date_null("stage_due_on"))
                    .col(integer_null("working_days"))
                    .foreign_key(&mut fk(
                        "fk_nomination_event_nomination",
                        ("nomination_event", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_nomination_event_nomination",
            "nomination_event",
            &["nomination_id", "id"],
        )
        .await?;
        index(
            manager,
            "ix_nomination_event_stage",
            "nomination_event",
            &["issuer_unit_id", "completed_stage"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("document")
                    .col(uuid("id").primary_key())
                    .col(uuid_null("nomination_id"))
                    .col(uuid_null("proposal_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("filename", 240))
                    .col(string_len("media_type", 100))
                    .col(big_integer("size_bytes"))
                    .col(string_len("sha256", 64))
                    .col(uuid("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .col(timestamp_with_time_zone_null("detached_at"))
                    .col(uuid_null("detached_by"))
                    .foreign_key(&mut fk(
                        "fk_document_nomination",
                        ("document", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_document_proposal",
                        ("document", "proposal_id"),
                        ("proposal", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_document_nomination",
            "document",
            &["nomination_id"],
        )
        .await?;
        index(
            manager,
            "ix_document_proposal",
            "document",
            &["proposal_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("appraisal")
                    .col(big_pk_auto("id"))
                    .col(uuid("nomination_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid("appraised_by"))
                    .col(string_len("verdict", 16))
                    .col(text("notes"))
                    .col(text("eligibility"))
                    .foreign_key(&mut fk(
                        "fk_appraisal_nomination",
                        ("appraisal", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_appraisal_nomination",
            "appraisal",
            &["nomination_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("consultation")
                    .col(uuid("nomination_id"))
                    .col(uuid("unit_id"))
                    .col(date("requested_on"))
                    .col(date("due_on"))
                    .col(uuid("requested_by"))
                    .col(date_null("answered_on"))
                    .col(string_len_null("verdict", 16))
                    .col(text_null("opinion"))
                    .col(uuid_null("answered_by"))
                    .primary_key(Index::create().col("nomination_id").col("unit_id"))
                    .foreign_key(&mut fk(
                        "fk_consultation_nomination",
                        ("consultation", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_consultation_unit",
                        ("consultation", "unit_id"),
                        ("unit", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_consultation_unit",
            "consultation",
            &["unit_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("council_outcome")
                    .col(big_pk_auto("id"))
                    .col(uuid("nomination_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid("recorded_by"))
                    .col(integer("members"))
                    .col(integer("present"))
                    .col(integer("votes_for"))
                    .col(integer("votes_against"))
                    .col(integer("abstentions"))
                    .col(boolean("approved"))
                    .col(string_len("rule", 400))
                    .foreign_key(&mut fk(
                        "fk_council_outcome_nomination",
                        ("council_outcome", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_council_outcome_nomination",
            "council_outcome",
            &["nomination_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("public_comment")
                    .col(uuid("id").primary_key())
                    .col(uuid("nomination_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string_len("commenter_name", 240))
                    .col(string_len("contact", 400))
                    .col(text("comment"))
                    .foreign_key(&mut fk(
                        "fk_public_comment_nomination",
                        ("public_comment", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_public_comment_nomination",
            "public_comment",
            &["nomination_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("delegation")
                    .col(uuid("id").primary_key())
                    .col(string_len("role", 32))
                    .col(uuid("unit_id"))
                    .col(uuid("delegator_account_id"))
                    .col(uuid("delegate_account_id"))
                    .col(date("from_date"))
                    .col(date("until_date"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(uuid_null("revoked_by"))
                    .foreign_key(&mut fk(
                        "fk_delegation_unit",
                        ("delegation", "unit_id"),
                        ("unit", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_delegation_delegator",
                        ("delegation", "delegator_account_id"),
                        ("account", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_delegation_delegate",
                        ("delegation", "delegate_account_id"),
                        ("account", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_delegation_delegate",
            "delegation",
            &["delegate_account_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("calendar_day")
                    .col(date("day").primary_key())
                    // NULL: an ordinary day (the shipped calendar's entry is withdrawn).
                    .col(string_len_null("kind", 16))
                    .col(string_len("name", 200))
                    .col(string_len("source", 400))
                    .col(string_len("confidence", 8))
                    .col(uuid("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .to_owned(),
            )
            .await?;

        for column in [
            string_len("kind", 16).default("AWARD").to_owned(),
            uuid_null("annuls_decision_id"),
            string_len_null("ground", 4),
            text_null("reason"),
            uuid_null("acting_for"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("decision")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("annulment")
                    .col(uuid("nomination_id").primary_key())
                    .col(uuid("annulment_decision_id"))
                    .col(uuid("decision_id"))
                    .col(big_integer_null("amount_vnd"))
                    .col(date_null("artefact_returned_on"))
                    .col(big_integer_null("cash_recovered_vnd"))
                    .col(date_null("cash_recovered_on"))
                    .col(integer("version"))
                    .foreign_key(&mut fk(
                        "fk_annulment_nomination",
                        ("annulment", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_annulment_by",
                        ("annulment", "annulment_decision_id"),
                        ("decision", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_annulment_decision",
                        ("annulment", "decision_id"),
                        ("decision", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_annulment_by",
            "annulment",
            &["annulment_decision_id"],
        )
        .await?;

        match db.get_database_backend() {
            DbBackend::Postgres => db.execute_unprepared(PG_UP).await.map(|_| ()),
            DbBackend::Sqlite => db.execute_unprepared(SQLITE_UP).await.map(|_| ()),
            other => Err(DbErr::Migration(format!(
                "Laurel supports SQLite and PostgreSQL, not {other:?}"
            ))),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => db.execute_unprepared(PG_DOWN).await.map(|_| ())?,
            DbBackend::Sqlite => db.execute_unprepared(SQLITE_DOWN).await.map(|_| ())?,
            other => {
                return Err(DbErr::Migration(format!(
                    "Laurel supports SQLite and PostgreSQL, not {other:?}"
                )));
            }
        }
        for table in [
            "annulment",
            "calendar_day",
            "delegation",
            "public_comment",
            "council_outcome",
            "consultation",
            "appraisal",
            "document",
            "nomination_event",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            "acting_for",
            "reason",
            "ground",
            "annuls_decision_id",
            "kind",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("decision")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for name in [
            "ix_nomination_nominee_unit",
            "ix_nomination_nominee_person",
            "ix_nomination_proposal",
            "ix_nomination_waiting",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("nomination").to_owned())
                .await?;
        }
        for column in NOMINATION_COLUMNS.iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table("nomination")
                        .drop_column(*column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("proposal").to_owned())
            .await
    }
}
