use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub decision_id: Uuid,
    pub nomination_id: Uuid,
    pub code: String,
    pub golden_book_no: i32,
    pub status: String,
    pub content: String,
    pub content_sha256: String,
    pub issued_at: TimeDateTimeWithTimeZone,
    pub issued_by: Uuid,
    pub key_id: Option<String>,
    pub signature: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
