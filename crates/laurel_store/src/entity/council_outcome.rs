use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_outcome")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub nomination_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub recorded_by: Uuid,
    pub members: i32,
    pub present: i32,
    pub votes_for: i32,
    pub votes_against: i32,
    pub abstentions: i32,
    pub approved: bool,
    pub rule: String,
    pub written_for: i32,
    pub written_against: i32,
    pub session_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
