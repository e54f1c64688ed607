use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub nomination_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    pub requested_on: TimeDate,
    pub due_on: TimeDate,
    pub requested_by: Uuid,
    pub answered_on: Option<TimeDate>,
    pub verdict: Option<String>,
    pub opinion: Option<String>,
    pub answered_by: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
