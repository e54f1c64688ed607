use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub seq: i64,
    pub member_unit_id: Uuid,
    pub criterion: String,
    pub points: i32,
    pub party: String,
    pub note: String,
    pub account_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
