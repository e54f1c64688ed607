use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nomination")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nominee_kind: String,
    pub nominee_person_id: Option<Uuid>,
    pub nominee_unit_id: Option<Uuid>,
    pub award_kind: String,
    pub issuer_unit_id: Uuid,
    pub proposing_unit_id: Uuid,
    pub proposing_path: String,
    pub period: i32,
    pub achievement: String,
    pub state: String,
    pub version: i32,
    pub decision_id: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub ruleset_id: Option<String>,
    pub commendation_kind: String,
    pub workflow_id: String,
    pub workflow_version: i32,
    pub stage: i32,
    pub level: i32,
    pub stage_since: Option<TimeDate>,
    pub due_on: Option<TimeDate>,
    pub returned_on: Option<TimeDate>,
    pub paused_days: i32,
    pub received_on: Option<TimeDate>,
    pub notice_closes_on: Option<TimeDate>,
    pub submitted_by: Option<Uuid>,
    pub appraised_by: Option<Uuid>,
    pub stage_touched: bool,
    pub proposal_id: Option<Uuid>,
    pub waiting_role: Option<String>,
    pub waiting_unit_id: Option<Uuid>,
    pub movement_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
