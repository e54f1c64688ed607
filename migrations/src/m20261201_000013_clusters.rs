//! Emulation clusters and blocks (cụm, khối thi đua): a cluster per organiser and year, its
//! members and scoring sheet as JSON (read whole with it), and its score entries, one row per
//! score ever entered. Triggers keep the entries append-only and a published ranking frozen,
//! whoever writes.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PG_UP: &str = r#"
CREATE FUNCTION cluster_score_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'cluster scores are never changed or deleted: a new entry supersedes one';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cluster_score_append_only BEFORE UPDATE OR DELETE ON cluster_score
  FOR EACH ROW EXECUTE FUNCTION cluster_score_append_only();
CREATE FUNCTION cluster_score_while_open() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM cluster WHERE id = NEW.cluster_id AND published_on IS NOT NULL) THEN
    RAISE EXCEPTION 'the ranking of this cluster was published: its scores are frozen';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cluster_score_while_open BEFORE INSERT ON cluster_score
  FOR EACH ROW EXECUTE FUNCTION cluster_score_while_open();
CREATE FUNCTION cluster_stays_published() RETURNS trigger AS $$
BEGIN
  IF OLD.published_on IS NOT NULL THEN
    RAISE EXCEPTION 'a published ranking is never changed';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cluster_stays_published BEFORE UPDATE OR DELETE ON cluster
  FOR EACH ROW EXECUTE FUNCTION cluster_stays_published();
"#;

const PG_DOWN: &str = r#"
DROP TRIGGER IF EXISTS cluster_stays_published ON cluster;
DROP FUNCTION IF EXISTS cluster_stays_published();
DROP TRIGGER IF EXISTS cluster_score_while_open ON cluster_score;
DROP FUNCTION IF EXISTS cluster_score_while_open();
DROP TRIGGER IF EXISTS cluster_score_append_only ON cluster_score;
DROP FUNCTION IF EXISTS cluster_score_append_only();
"#;

const SQLITE_UP: &str = r#"
CREATE TRIGGER cluster_score_no_update BEFORE UPDATE ON cluster_score
BEGIN SELECT RAISE(ABORT, 'cluster scores are never changed or deleted: a new entry supersedes one'); END;
CREATE TRIGGER cluster_score_no_delete BEFORE DELETE ON cluster_score
BEGIN SELECT RAISE(ABORT, 'cluster scores are never changed or deleted: a new entry supersedes one'); END;
CREATE TRIGGER cluster_score_while_open BEFORE INSERT ON cluster_score
WHEN EXISTS (SELECT 1 FROM cluster WHERE id = NEW.cluster_id AND published_on IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'the ranking of this cluster was published: its scores are frozen'); END;
CREATE TRIGGER cluster_stays_published BEFORE UPDATE ON cluster
WHEN OLD.published_on IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published ranking is never changed'); END;
CREATE TRIGGER cluster_no_delete_published BEFORE DELETE ON cluster
WHEN OLD.published_on IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published ranking is never changed'); END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER IF EXISTS cluster_no_delete_published;
DROP TRIGGER IF EXISTS cluster_stays_published;
DROP TRIGGER IF EXISTS cluster_score_while_open;
DROP TRIGGER IF EXISTS cluster_score_no_delete;
DROP TRIGGER IF EXISTS cluster_score_no_update;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cluster")
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 1200))
                    .col(string_len("kind", 16))
                    .col(integer("year"))
                    .col(uuid("organiser_unit_id"))
                    .col(uuid("head_unit_id"))
                    .col(text("members"))
                    .col(text("criteria"))
                    .col(date_null("published_on"))
                    .col(uuid_null("published_by"))
                    .col(text_null("ranking"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(uuid("created_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("cluster", "organiser_unit_id")
                            .to("unit", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cluster", "created_by")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cluster_score")
                    .col(uuid("id").primary_key())
                    .col(uuid("cluster_id"))
                    .col(big_integer("seq"))
                    .col(uuid("member_unit_id"))
                    .col(string_len("criterion", 80))
                    .col(integer("points"))
                    .col(string_len("party", 16))
                    .col(text("note"))
                    .col(uuid("account_id"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("cluster_score", "cluster_id")
                            .to("cluster", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("cluster_score", "account_id")
                            .to("account", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // The entries of a cluster, in the order they were made (seq: the cluster's version
        // when the entry was made, unique per cluster).
        manager
            .create_index(
                Index::create()
                    .name("ux_cluster_score_seq")
                    .table("cluster_score")
                    .col("cluster_id")
                    .col("seq")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_cluster_organiser_year")
                    .table("cluster")
                    .col("organiser_unit_id")
                    .col("year")
                    .to_owned(),
            )
            .await?;
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
            DbBackend::Postgres => db.execute_unprepared(PG_DOWN).await.map(|_| ())?,
            DbBackend::Sqlite => db.execute_unprepared(SQLITE_DOWN).await.map(|_| ())?,
            other => {
                return Err(DbErr::Migration(format!(
                    "Laurel supports SQLite and PostgreSQL, not {other:?}"
                )));
            }
        }
        manager
            .drop_table(Table::drop().table("cluster_score").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("cluster").to_owned())
            .await
    }
}
