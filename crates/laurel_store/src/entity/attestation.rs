use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attestation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub nomination_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub criterion_id: String,
    pub basis: String,
    pub attested_by: Uuid,
    pub attested_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
