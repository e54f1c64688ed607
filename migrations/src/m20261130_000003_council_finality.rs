//! A closed council session is final, whoever writes: its row and its items refuse any change;
//! sessions, items and the record of who voted are never deleted; an item's ballots only ever
//! grow (none is edited or removed) while its session is open.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PG_UP: &str = r#"
CREATE FUNCTION laurel_council_session_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'council sessions are never deleted';
  END IF;
  IF OLD.state = 'CLOSED' THEN
    RAISE EXCEPTION 'a closed council session is final';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER council_session_final BEFORE UPDATE OR DELETE ON council_session
  FOR EACH ROW EXECUTE FUNCTION laurel_council_session_final();

CREATE FUNCTION laurel_council_item_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'council agenda items are never deleted';
  END IF;
  IF (SELECT state FROM council_session WHERE id = OLD.session_id) = 'CLOSED' THEN
    RAISE EXCEPTION 'a closed council session is final';
  END IF;
  IF NOT (NEW.ballots::jsonb @> OLD.ballots::jsonb) THEN
    RAISE EXCEPTION 'ballots are never edited or removed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER council_item_final BEFORE UPDATE OR DELETE ON council_item
  FOR EACH ROW EXECUTE FUNCTION laurel_council_item_final();

CREATE FUNCTION laurel_council_voter_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'who has voted is never changed';
END $$;
CREATE TRIGGER council_voter_kept BEFORE UPDATE OR DELETE ON council_voter
  FOR EACH ROW EXECUTE FUNCTION laurel_council_voter_kept();

CREATE TRIGGER council_session_no_truncate BEFORE TRUNCATE ON council_session
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
CREATE TRIGGER council_item_no_truncate BEFORE TRUNCATE ON council_item
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
CREATE TRIGGER council_voter_no_truncate BEFORE TRUNCATE ON council_voter
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_refuse_truncate();
"#;

const PG_DOWN: &str = r#"
DROP TRIGGER IF EXISTS council_voter_no_truncate ON council_voter;
DROP TRIGGER IF EXISTS council_item_no_truncate ON council_item;
DROP TRIGGER IF EXISTS council_session_no_truncate ON council_session;
DROP TRIGGER IF EXISTS council_voter_kept ON council_voter;
DROP FUNCTION IF EXISTS laurel_council_voter_kept();
DROP TRIGGER IF EXISTS council_item_final ON council_item;
DROP FUNCTION IF EXISTS laurel_council_item_final();
DROP TRIGGER IF EXISTS council_session_final ON council_session;
DROP FUNCTION IF EXISTS laurel_council_session_final();
"#;

const SQLITE_UP: &str = r#"
CREATE TRIGGER council_session_final BEFORE UPDATE ON council_session
WHEN OLD.state = 'CLOSED'
BEGIN SELECT RAISE(ABORT, 'a closed council session is final'); END;
CREATE TRIGGER council_session_no_delete BEFORE DELETE ON council_session
BEGIN SELECT RAISE(ABORT, 'council sessions are never deleted'); END;
CREATE TRIGGER council_item_final BEFORE UPDATE ON council_item
WHEN (SELECT state FROM council_session WHERE id = OLD.session_id) = 'CLOSED'
BEGIN SELECT RAISE(ABORT, 'a closed council session is final'); END;
CREATE TRIGGER council_item_ballots_kept BEFORE UPDATE OF ballots ON council_item
WHEN EXISTS (
  SELECT 1 FROM json_each(OLD.ballots) AS o
  WHERE NOT EXISTS (SELECT 1 FROM json_each(NEW.ballots) AS n WHERE n.value = o.value)
)
BEGIN SELECT RAISE(ABORT, 'ballots are never edited or removed'); END;
CREATE TRIGGER council_item_no_delete BEFORE DELETE ON council_item
BEGIN SELECT RAISE(ABORT, 'council agenda items are never deleted'); END;
CREATE TRIGGER council_voter_no_update BEFORE UPDATE ON council_voter
BEGIN SELECT RAISE(ABORT, 'who has voted is never changed'); END;
CREATE TRIGGER council_voter_no_delete BEFORE DELETE ON council_voter
BEGIN SELECT RAISE(ABORT, 'who has voted is never changed'); END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER IF EXISTS council_voter_no_delete;
DROP TRIGGER IF EXISTS council_voter_no_update;
DROP TRIGGER IF EXISTS council_item_no_delete;
DROP TRIGGER IF EXISTS council_item_ballots_kept;
DROP TRIGGER IF EXISTS council_item_final;
DROP TRIGGER IF EXISTS council_session_no_delete;
DROP TRIGGER IF EXISTS council_session_final;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, PG_UP, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, PG_DOWN, SQLITE_DOWN).await
    }
}

async fn run(manager: &SchemaManager<'_>, pg: &str, sqlite: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => db.execute_unprepared(pg).await.map(|_| ()),
        DbBackend::Sqlite => db.execute_unprepared(sqlite).await.map(|_| ()),
        other => Err(DbErr::Migration(format!(
            "Laurel supports SQLite and PostgreSQL, not {other:?}"
        ))),
    }
}
