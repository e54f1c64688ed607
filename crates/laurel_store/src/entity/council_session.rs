use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub issuer_unit_id: Uuid,
    pub session_date: TimeDate,
    pub place: String,
    pub state: String,
    pub quorum_num: i32,
    pub quorum_den: i32,
    pub quorum_strict: bool,
    pub members: String,
    pub present: String,
    pub opened_by: Uuid,
    pub opened_at: TimeDateTimeWithTimeZone,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
    pub minutes: Option<String>,
    pub minutes_sha256: Option<String>,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
