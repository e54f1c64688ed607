use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub issuer_unit_id: Uuid,
    pub year: i32,
    pub seq: i32,
    pub number: String,
    pub signed_on: TimeDate,
    pub signed_at: TimeDateTimeWithTimeZone,
    pub signer_account_id: Uuid,
    pub signer_name: String,
    pub signer_capacity: String,
    pub capacity_line: Option<String>,
    pub title_line: String,
    pub issuer_title: String,
    pub state: String,
    pub kind: String,
    pub annuls_decision_id: Option<Uuid>,
    pub ground: Option<String>,
    pub reason: Option<String>,
    pub acting_for: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
