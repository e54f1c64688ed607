use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_vote_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub council_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub award_kind: String,
    pub threshold_num: i32,
    pub threshold_den: i32,
    pub base: String,
    pub strict: bool,
    pub secret_ballot: bool,
    pub written_opinions: bool,
    pub source: String,
    pub set_by: Uuid,
    pub set_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
