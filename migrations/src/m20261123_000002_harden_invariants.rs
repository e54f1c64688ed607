//! Closes gaps in the database-enforced invariants: on PostgreSQL, TRUNCATE (which row
//! triggers do not see) is refused on the append-only and immutable tables; an issued
//! certificate's printed content never changes; an annulled decision is never reinstated; and
//! the signer's printed name (rank + full name, up to 221 characters) fits on PostgreSQL, which,
//! unlike SQLite, enforces varchar lengths.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PG_UP: &str = r#"
CREATE FUNCTION laurel_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is never truncated', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
CREATE TRIGGER decision_no_truncate BEFORE TRUNCATE ON decision
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
CREATE TRIGGER decision_recipient_no_truncate BEFORE TRUNCATE ON decision_recipient
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
CREATE TRIGGER certificate_no_truncate BEFORE TRUNCATE ON certificate
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();

CREATE FUNCTION laurel_certificate_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'issued certificates are never deleted';
  END IF;
  IF (to_jsonb(NEW) - 'status') IS DISTINCT FROM (to_jsonb(OLD) - 'status') THEN
    RAISE EXCEPTION 'an issued certificate''s content is never edited';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER certificate_immutable BEFORE UPDATE OR DELETE ON certificate
  FOR EACH ROW EXECUTE FUNCTION laurel_certificate_immutable();

CREATE FUNCTION laurel_decision_stays_annulled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state = 'ANNULLED' AND NEW.state <> 'ANNULLED' THEN
    RAISE EXCEPTION 'an annulled decision is never reinstated';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER decision_stays_annulled BEFORE UPDATE ON decision
  FOR EACH ROW EXECUTE FUNCTION laurel_decision_stays_annulled();

ALTER TABLE decision ALTER COLUMN signer_name TYPE varchar(240);
"#;

const PG_DOWN: &str = r#"
DROP TRIGGER IF EXISTS decision_stays_annulled ON decision;
DROP FUNCTION IF EXISTS laurel_decision_stays_annulled();
DROP TRIGGER IF EXISTS certificate_immutable ON certificate;
DROP FUNCTION IF EXISTS laurel_certificate_immutable();
DROP TRIGGER IF EXISTS certificate_no_truncate ON certificate;
DROP TRIGGER IF EXISTS decision_recipient_no_truncate ON decision_recipient;
DROP TRIGGER IF EXISTS decision_no_truncate ON decision;
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
DROP FUNCTION IF EXISTS laurel_refuse_truncate();
"#;

// SQLite has no TRUNCATE (its DELETE triggers already refuse), and does not enforce varchar
// lengths. When a column is added to `certificate`, extend `certificate_immutable` below in a
// new migration: SQLite triggers name their columns.
const SQLITE_UP: &str = r#"
CREATE TRIGGER certificate_no_delete BEFORE DELETE ON certificate
BEGIN SELECT RAISE(ABORT, 'issued certificates are never deleted'); END;
CREATE TRIGGER certificate_immutable BEFORE UPDATE ON certificate
WHEN NEW.id IS NOT OLD.id OR NEW.decision_id IS NOT OLD.decision_id
  OR NEW.nomination_id IS NOT OLD.nomination_id OR NEW.code IS NOT OLD.code
  OR NEW.golden_book_no IS NOT OLD.golden_book_no OR NEW.content IS NOT OLD.content
  OR NEW.content_sha256 IS NOT OLD.content_sha256 OR NEW.issued_at IS NOT OLD.issued_at
  OR NEW.issued_by IS NOT OLD.issued_by
BEGIN SELECT RAISE(ABORT, 'an issued certificate''s content is never edited'); END;
CREATE TRIGGER decision_stays_annulled BEFORE UPDATE ON decision
WHEN OLD.state = 'ANNULLED' AND NEW.state IS NOT 'ANNULLED'
BEGIN SELECT RAISE(ABORT, 'an annulled decision is never reinstated'); END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER IF EXISTS decision_stays_annulled;
DROP TRIGGER IF EXISTS certificate_immutable;
DROP TRIGGER IF EXISTS certificate_no_delete;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
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
            DbBackend::Postgres => db.execute_unprepared(PG_DOWN).await.map(|_| ()),
            DbBackend::Sqlite => db.execute_unprepared(SQLITE_DOWN).await.map(|_| ()),
            other => Err(DbErr::Migration(format!(
                "Laurel supports SQLite and PostgreSQL, not {other:?}"
            ))),
        }
    }
}
