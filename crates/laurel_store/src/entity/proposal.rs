use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposing_unit_id: Uuid,
    pub issuer_unit_id: Uuid,
    pub proposing_path: String,
    pub number: Option<String>,
    pub proposed_on: Option<TimeDate>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
