use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nomination_id: Option<Uuid>,
    pub proposal_id: Option<Uuid>,
    pub kind: String,
    pub filename: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: TimeDateTimeWithTimeZone,
    pub detached_at: Option<TimeDateTimeWithTimeZone>,
    pub detached_by: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
