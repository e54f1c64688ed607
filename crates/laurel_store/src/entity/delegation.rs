use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delegation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub role: String,
    pub unit_id: Uuid,
    pub delegator_account_id: Uuid,
    pub delegate_account_id: Uuid,
    pub from_date: TimeDate,
    pub until_date: TimeDate,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    pub revoked_by: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
