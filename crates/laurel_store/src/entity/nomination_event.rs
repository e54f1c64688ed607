use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nomination_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub nomination_id: Uuid,
    pub issuer_unit_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_account_id: Option<Uuid>,
    pub acting_for: Option<Uuid>,
    pub event: String,
    pub from_state: String,
    pub to_state: String,
    pub from_stage: String,
    pub to_stage: String,
    pub from_level: i32,
    pub to_level: i32,
    pub reasons: String,
    pub note: Option<String>,
    pub details: String,
    pub completed_stage: Option<String>,
    pub stage_since: Option<TimeDate>,
    pub stage_due_on: Option<TimeDate>,
    pub working_days: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
