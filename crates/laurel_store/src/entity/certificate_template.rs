use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_template")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub issuer_unit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub form: String,
    pub source: String,
    pub sha256: String,
    pub version: i32,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
