use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognition")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nominee_kind: String,
    pub nominee_id: Uuid,
    pub kind: String,
    pub title: String,
    pub year: i32,
    pub scope: String,
    pub recognised_by: String,
    pub used_by_nomination_id: Option<Uuid>,
    pub used_for_award_kind: Option<String>,
    pub used_for_year: Option<i32>,
    pub recorded_by: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
