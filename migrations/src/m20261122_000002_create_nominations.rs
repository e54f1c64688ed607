//! Nominations, decisions, their number sequences, and certificates.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("decision")
                    .col(uuid("id").primary_key())
                    .col(uuid("issuer_unit_id"))
                    .col(integer("year"))
                    .col(integer("seq"))
                    .col(string_len("number", 64))
                    .col(date("signed_on"))
                    .col(timestamp_with_time_zone("signed_at"))
                    .col(uuid("signer_account_id"))
                    .col(string_len("signer_name", 120))
                    .col(string_len("signer_capacity", 16))
                    .col(string_len_null("capacity_line", 200))
                    .col(string_len("title_line", 200))
                    .col(string_len("issuer_title", 400))
                    .col(string_len("state", 16))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_decision_issuer")
                            .from("decision", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_decision_signer")
                            .from("decision", "signer_account_id")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // Belt and braces behind the sequence table: a number can never be given twice.
        manager
            .create_index(
                Index::create()
                    .name("ux_decision_number")
                    .table("decision")
                    .col("issuer_unit_id")
                    .col("year")
                    .col("seq")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("nomination")
                    .col(uuid("id").primary_key())
                    .col(string_len("nominee_kind", 16))
                    .col(uuid_null("nominee_person_id"))
                    .col(uuid_null("nominee_unit_id"))
                    .col(string_len("award_kind", 40))
                    .col(uuid("issuer_unit_id"))
                    .col(uuid("proposing_unit_id"))
                    // Copy of the proposing unit's path, so scope filters need no join.
                    .col(text("proposing_path"))
                    .col(integer("period"))
                    .col(text("achievement"))
                    .col(string_len("state", 32))
                    .col(integer("version"))
                    .col(uuid_null("decision_id"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_nomination_person")
                            .from("nomination", "nominee_person_id")
                            .to("person", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_nomination_nominee_unit")
                            .from("nomination", "nominee_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_nomination_issuer")
                            .from("nomination", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_nomination_proposing_unit")
                            .from("nomination", "proposing_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_nomination_decision")
                            .from("nomination", "decision_id")
                            .to("decision", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_nomination_created_by")
                            .from("nomination", "created_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_nomination_issuer_state",
                &["issuer_unit_id", "state"][..],
            ),
            ("ix_nomination_proposing_path", &["proposing_path"][..]),
            ("ix_nomination_decision", &["decision_id"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("nomination");
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        // Gapless counters per issuer, year and kind (decision numbers, golden-book numbers).
        // Incrementing the row inside the signing transaction takes a row lock on PostgreSQL
        // (and the write lock on SQLite), so numbers are allocated one at a time, and a rolled
        // back transaction gives its number back.
        manager
            .create_table(
                Table::create()
                    .table("number_sequence")
                    .col(uuid("issuer_unit_id"))
                    .col(integer("year"))
                    .col(string_len("kind", 32))
                    .col(integer("last_value"))
                    .primary_key(
                        Index::create()
                            .col("issuer_unit_id")
                            .col("year")
                            .col("kind"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_number_sequence_issuer")
                            .from("number_sequence", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("certificate")
                    .col(uuid("id").primary_key())
                    .col(uuid("decision_id"))
                    .col(uuid_uniq("nomination_id"))
                    .col(string_len_uniq("code", 16))
                    .col(integer("golden_book_no"))
                    .col(string_len("status", 16))
                    // The frozen printed content (JSON) and its SHA-256: later edits to people or
                    // units never change an issued certificate.
                    .col(text("content"))
                    .col(string_len("content_sha256", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(uuid("issued_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_certificate_decision")
                            .from("certificate", "decision_id")
                            .to("decision", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_certificate_nomination")
                            .from("certificate", "nomination_id")
                            .to("nomination", "id"),
                    )
                    .to_owned(),
            )
            .await?;

        // A signed decision is never edited: only its state may move (to ANNULLED, by another
        // decision), and it is never deleted. Enforced by the database, whoever writes.
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    r#"
CREATE FUNCTION laurel_decision_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'signed decisions are never deleted';
  END IF;
  IF (to_jsonb(NEW) - 'state') IS DISTINCT FROM (to_jsonb(OLD) - 'state') THEN
    RAISE EXCEPTION 'signed decisions are never edited';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER decision_immutable BEFORE UPDATE OR DELETE ON decision
  FOR EACH ROW EXECUTE FUNCTION laurel_decision_immutable();
"#,
                )
                .await?;
            }
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    r#"
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'signed decisions are never deleted'); END;
CREATE TRIGGER decision_immutable BEFORE UPDATE ON decision
WHEN NEW.id IS NOT OLD.id OR NEW.issuer_unit_id IS NOT OLD.issuer_unit_id
  OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq OR NEW.number IS NOT OLD.number
  OR NEW.signed_on IS NOT OLD.signed_on OR NEW.signed_at IS NOT OLD.signed_at
  OR NEW.signer_account_id IS NOT OLD.signer_account_id OR NEW.signer_name IS NOT OLD.signer_name
  OR NEW.signer_capacity IS NOT OLD.signer_capacity OR NEW.capacity_line IS NOT OLD.capacity_line
  OR NEW.title_line IS NOT OLD.title_line OR NEW.issuer_title IS NOT OLD.issuer_title
BEGIN SELECT RAISE(ABORT, 'signed decisions are never edited'); END;
"#,
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "Laurel supports SQLite and PostgreSQL, not {other:?}"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS decision_immutable ON decision; \
                 DROP FUNCTION IF EXISTS laurel_decision_immutable();",
            )
            .await?;
        }
        for table in ["certificate", "number_sequence", "nomination", "decision"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
