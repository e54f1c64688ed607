use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub audit_id: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub kind: String,
    pub entity: String,
    pub entity_id: Uuid,
    pub chain: String,
    pub scope: String,
    pub actor_account_id: Option<Uuid>,
    pub payload: String,
    pub fanned_out: bool,
    pub notified: bool,
}

impl ActiveModelBehavior for ActiveModel {}
