use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "annulment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub nomination_id: Uuid,
    pub annulment_decision_id: Uuid,
    pub decision_id: Uuid,
    pub amount_vnd: Option<i64>,
    pub artefact_returned_on: Option<TimeDate>,
    pub cash_recovered_vnd: Option<i64>,
    pub cash_recovered_on: Option<TimeDate>,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
