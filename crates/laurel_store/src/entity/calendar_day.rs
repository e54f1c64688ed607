use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: TimeDate,
    pub kind: Option<String>,
    pub name: String,
    pub source: String,
    pub confidence: String,
    pub set_by: Uuid,
    pub set_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
