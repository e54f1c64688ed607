use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quota")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub issuer_unit_id: Uuid,
    pub award_kind: String,
    pub period_key: String,
    pub max_count: Option<i32>,
    pub max_percent: Option<i32>,
    pub base_award_kind: Option<String>,
    pub version: i32,
    pub recorded_by: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
