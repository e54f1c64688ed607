use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "external_nominee")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub address: String,
    pub organisation: Option<String>,
    pub movement_id: Uuid,
    pub registered_by: Uuid,
    pub registered_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
