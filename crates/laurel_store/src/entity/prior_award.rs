use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prior_award")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nominee_kind: String,
    pub nominee_id: Uuid,
    pub award_kind: String,
    pub year: i32,
    pub commendation_kind: String,
    pub decision_reference: Option<String>,
    pub decided_on: Option<TimeDate>,
    pub recorded_by: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
