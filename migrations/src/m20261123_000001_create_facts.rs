//! Facts the eligibility rules read (recruitment dates, ratings, initiatives and research, discipline, blocks, awards
//! given before Laurel), quotas per issuer, the ruleset each nomination is pinned to, and the
//! cash amount a decision gives each recipient.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns naming a nominee: "INDIVIDUAL" + a person id, or "COLLECTIVE" + a unit id.
fn nominee(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(string_len("nominee_kind", 16))
        .col(uuid("nominee_id"))
}

fn audit_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(uuid("recorded_by"))
        .col(timestamp_with_time_zone("recorded_at"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Đánh giá, xếp loại: one task rating per nominee and year.
        let mut rating = Table::create();
        rating.table("task_rating").col(uuid("id").primary_key());
        nominee(&mut rating)
            .col(integer("year"))
            .col(string_len("rating", 16));
        audit_columns(&mut rating);
        manager.create_table(rating.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_task_rating")
                    .table("task_rating")
                    .col("nominee_kind")
                    .col("nominee_id")
                    .col("year")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Sáng kiến and đề tài khoa học: recognised at a scope, used by at most one award.
        let mut recognition = Table::create();
        recognition
            .table("recognition")
            .col(uuid("id").primary_key());
        nominee(&mut recognition)
            .col(string_len("kind", 16))
            .col(string_len("title", 500))
            .col(integer("year"))
            .col(string_len("scope", 16))
            .col(string_len("recognised_by", 200))
            .col(uuid_null("used_by_nomination_id"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_recognition_used_by")
                    .from("recognition", "used_by_nomination_id")
                    .to("nomination", "id"),
            );
        audit_columns(&mut recognition);
        manager.create_table(recognition.to_owned()).await?;

        // Kỷ luật: level and period.
        let mut discipline = Table::create();
        discipline.table("discipline").col(uuid("id").primary_key());
        nominee(&mut discipline)
            .col(string_len("level", 32))
            .col(date("from_date"))
            .col(date_null("to_date"))
            .col(string_len_null("reference", 200));
        audit_columns(&mut discipline);
        manager.create_table(discipline.to_owned()).await?;

        // Pending inspection, complaint, denunciation or discipline consideration: blocks awards.
        let mut block = Table::create();
        block.table("award_block").col(uuid("id").primary_key());
        nominee(&mut block)
            .col(string_len("kind", 32))
            .col(string_len("reason", 2000))
            .col(date("from_date"))
            .col(date_null("resolved_on"))
            .col(integer("version"));
        audit_columns(&mut block);
        manager.create_table(block.to_owned()).await?;

        // Awards given before Laurel was used (or by other bodies).
        let mut prior = Table::create();
        prior.table("prior_award").col(uuid("id").primary_key());
        nominee(&mut prior)
            .col(string_len("award_kind", 40))
            .col(integer("year"))
            .col(string_len("commendation_kind", 32))
            .col(string_len_null("decision_reference", 200))
            .col(date_null("decided_on"));
        audit_columns(&mut prior);
        manager.create_table(prior.to_owned()).await?;

        for (name, table) in [
            ("ix_recognition_nominee", "recognition"),
            ("ix_discipline_nominee", "discipline"),
            ("ix_award_block_nominee", "award_block"),
            ("ix_prior_award_nominee", "prior_award"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col("nominee_kind")
                        .col("nominee_id")
                        .to_owned(),
                )
                .await?;
        }

        // Quotas: per issuer, award kind and period (or every period): an absolute cap and/or a
        // percentage of the count of another award decided for the same issuer and period.
        manager
            .create_table(
                Table::create()
                    .table("quota")
                    .col(uuid("id").primary_key())
                    .col(uuid("issuer_unit_id"))
                    .col(string_len("award_kind", 40))
                    // The year, or "*" for every period: NULLs never collide in unique indexes.
                    .col(string_len("period_key", 8))
                    .col(integer_null("max_count"))
                    .col(integer_null("max_percent"))
                    .col(string_len_null("base_award_kind", 40))
                    .col(integer("version"))
                    .col(uuid("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quota_issuer")
                            .from("quota", "issuer_unit_id")
                            .to("unit", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_quota")
                    .table("quota")
                    .col("issuer_unit_id")
                    .col("award_kind")
                    .col("period_key")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Ngày tuyển dụng: months worked in a period count from it (TT 01/2024/TT-BNV Art 1.5).
        manager
            .alter_table(
                Table::alter()
                    .table("person")
                    .add_column(date_null("recruited_on"))
                    .to_owned(),
            )
            .await?;

        // Each nomination is judged by the ruleset in force for its period, and stays pinned.
        manager
            .alter_table(
                Table::alter()
                    .table("nomination")
                    .add_column(string_len_null("ruleset_id", 40))
                    .to_owned(),
            )
            .await?;

        // What a decision gives each recipient; immutable like the decision itself.
        manager
            .create_table(
                Table::create()
                    .table("decision_recipient")
                    .col(uuid("decision_id"))
                    .col(uuid("nomination_id"))
                    .col(string_len("ruleset_id", 40))
                    .col(integer("coefficient_thousandths"))
                    .col(big_integer("base_salary_vnd"))
                    .col(big_integer("amount_vnd"))
                    .primary_key(Index::create().col("decision_id").col("nomination_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_decision_recipient_decision")
                            .from("decision_recipient", "decision_id")
                            .to("decision", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_decision_recipient_nomination")
                            .from("decision_recipient", "nomination_id")
                            .to("nomination", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    r#"
CREATE FUNCTION laurel_decision_recipient_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the amounts of a signed decision are never edited';
END $$;
CREATE TRIGGER decision_recipient_immutable BEFORE UPDATE OR DELETE ON decision_recipient
  FOR EACH ROW EXECUTE FUNCTION laurel_decision_recipient_immutable();
"#,
                )
                .await?;
            }
            DbBackend::Sqlite => {
                db.execute_unprepared(
                    r#"
CREATE TRIGGER decision_recipient_no_update BEFORE UPDATE ON decision_recipient
BEGIN SELECT RAISE(ABORT, 'the amounts of a signed decision are never edited'); END;
CREATE TRIGGER decision_recipient_no_delete BEFORE DELETE ON decision_recipient
BEGIN SELECT RAISE(ABORT, 'the amounts of a signed decision are never edited'); END;
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
                "DROP TRIGGER IF EXISTS decision_recipient_immutable ON decision_recipient; \
                 DROP FUNCTION IF EXISTS laurel_decision_recipient_immutable();",
            )
            .await?;
        }
        manager
            .drop_table(Table::drop().table("decision_recipient").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("nomination")
                    .drop_column("ruleset_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("person")
                    .drop_column("recruited_on")
                    .to_owned(),
            )
            .await?;
        for table in [
            "quota",
            "prior_award",
            "award_block",
            "discipline",
            "recognition",
            "task_rating",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
