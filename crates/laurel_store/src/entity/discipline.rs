use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discipline")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nominee_kind: String,
    pub nominee_id: Uuid,
    pub level: String,
    pub from_date: TimeDate,
    pub to_date: Option<TimeDate>,
    pub reference: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
