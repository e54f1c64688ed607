use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award_block")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nominee_kind: String,
    pub nominee_id: Uuid,
    pub kind: String,
    pub reason: String,
    pub from_date: TimeDate,
    pub resolved_on: Option<TimeDate>,
    pub version: i32,
    pub recorded_by: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
