//! Emulation councils: each issuer's council and its members' terms, the vote rules an issuer
//! sets for itself, sessions with their agenda items, and who has voted.
//!
//! Secret ballots keep no link to their voters: an item's ballots are stored as one list of
//! (receipt hash, choice) pairs in the hash's order, with no voter, no time and no row of their
//! own; who has voted on an item is a separate table without order or time.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

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
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    if unique {
        index.unique();
    }
    for col in cols {
        index.col(*col);
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("council")
                    .col(uuid("id").primary_key())
                    .col(uuid("issuer_unit_id"))
                    .col(string_len("name", 240))
                    .col(integer("quorum_num"))
                    .col(integer("quorum_den"))
                    .col(boolean("quorum_strict"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("version"))
                    .foreign_key(&mut fk(
                        "fk_council_issuer",
                        ("council", "issuer_unit_id"),
                        ("unit", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        // One council per issuer.
        index(
            manager,
            "ux_council_issuer",
            "council",
            &["issuer_unit_id"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("council_membership")
                    .col(uuid("id").primary_key())
                    .col(uuid("council_id"))
                    .col(uuid("account_id"))
                    .col(string_len("position", 16))
                    .col(date("from_date"))
                    .col(date_null("until_date"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "fk_council_membership_council",
                        ("council_membership", "council_id"),
                        ("council", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_council_membership_account",
                        ("council_membership", "account_id"),
                        ("account", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_council_membership_council",
            "council_membership",
            &["council_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("council_vote_rule")
                    .col(uuid("council_id"))
                    .col(string_len("award_kind", 64))
                    .col(integer("threshold_num"))
                    .col(integer("threshold_den"))
                    .col(string_len("base", 16))
                    .col(boolean("strict"))
                    .col(boolean("secret_ballot"))
                    .col(boolean("written_opinions"))
                    .col(string_len("source", 400))
                    .col(uuid("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .primary_key(Index::create().col("council_id").col("award_kind"))
                    .foreign_key(&mut fk(
                        "fk_council_vote_rule_council",
                        ("council_vote_rule", "council_id"),
                        ("council", "id"),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("council_session")
                    .col(uuid("id").primary_key())
                    .col(uuid("council_id"))
                    .col(uuid("issuer_unit_id"))
                    .col(date("session_date"))
                    .col(string_len("place", 240))
                    .col(string_len("state", 16))
                    .col(integer("quorum_num"))
                    .col(integer("quorum_den"))
                    .col(boolean("quorum_strict"))
                    .col(text("members"))
                    .col(text("present"))
                    .col(uuid("opened_by"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(uuid_null("closed_by"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(text_null("minutes"))
                    .col(string_len_null("minutes_sha256", 64))
                    .col(integer("version"))
                    .foreign_key(&mut fk(
                        "fk_council_session_council",
                        ("council_session", "council_id"),
                        ("council", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_council_session_council",
            "council_session",
            &["council_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("council_item")
                    .col(uuid("id").primary_key())
                    .col(uuid("session_id"))
                    .col(uuid("nomination_id"))
                    .col(integer("ordinal"))
                    .col(text("rule"))
                    .col(text("recused"))
                    .col(text("written"))
                    .col(text_null("recorded"))
                    .col(text("ballots"))
                    .col(text("criteria"))
                    .col(boolean_null("approved"))
                    .col(text_null("tally"))
                    .col(text_null("applied"))
                    .foreign_key(&mut fk(
                        "fk_council_item_session",
                        ("council_item", "session_id"),
                        ("council_session", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_council_item_nomination",
                        ("council_item", "nomination_id"),
                        ("nomination", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_council_item_session_nomination",
            "council_item",
            &["session_id", "nomination_id"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_council_item_nomination",
            "council_item",
            &["nomination_id"],
            false,
        )
        .await?;

        // Who has voted on an item: no time, no order, no choice.
        manager
            .create_table(
                Table::create()
                    .table("council_voter")
                    .col(uuid("item_id"))
                    .col(uuid("account_id"))
                    .primary_key(Index::create().col("item_id").col("account_id"))
                    .foreign_key(&mut fk(
                        "fk_council_voter_item",
                        ("council_voter", "item_id"),
                        ("council_item", "id"),
                    ))
                    .to_owned(),
            )
            .await?;

        // A council outcome may come from a session, with written opinions counted.
        for column in [
            integer("written_for").default(0).to_owned(),
            integer("written_against").default(0).to_owned(),
            uuid_null("session_id"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("council_outcome")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["session_id", "written_against", "written_for"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("council_outcome")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            "council_voter",
            "council_item",
            "council_session",
            "council_vote_rule",
            "council_membership",
            "council",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
