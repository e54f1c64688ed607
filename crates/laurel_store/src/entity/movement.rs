use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "movement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub launched_by_unit_id: Uuid,
    pub name: String,
    pub kind: String,
    pub from_year: i32,
    pub to_year: i32,
    pub theme: Option<String>,
    pub participants: String,
    pub offerings: String,
    pub opens_on: TimeDate,
    pub closes_on: TimeDate,
    pub launched_at: TimeDateTimeWithTimeZone,
    pub launched_by: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
