use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub nomination_id: Uuid,
    pub ordinal: i32,
    pub rule: String,
    pub recused: String,
    pub written: String,
    pub recorded: Option<String>,
    pub ballots: String,
    pub criteria: String,
    pub approved: Option<bool>,
    pub tally: Option<String>,
    pub applied: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
