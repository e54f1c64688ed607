use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_recipient")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub decision_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub nomination_id: Uuid,
    pub ruleset_id: String,
    pub coefficient_thousandths: i32,
    pub base_salary_vnd: i64,
    pub amount_vnd: i64,
}

impl ActiveModelBehavior for ActiveModel {}
