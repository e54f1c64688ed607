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
}

impl ActiveModelBehavior for ActiveModel {}
