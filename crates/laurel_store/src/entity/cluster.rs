use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub year: i32,
    pub organiser_unit_id: Uuid,
    pub head_unit_id: Uuid,
    pub members: String,
    pub criteria: String,
    pub published_on: Option<TimeDate>,
    pub published_by: Option<Uuid>,
    pub ranking: Option<String>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub created_by: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
