use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appraisal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub nomination_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub appraised_by: Uuid,
    pub verdict: String,
    pub notes: String,
    pub eligibility: String,
}

impl ActiveModelBehavior for ActiveModel {}
