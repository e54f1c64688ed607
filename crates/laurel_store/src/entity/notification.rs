use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: Uuid,
    pub dedupe_key: String,
    pub reason: String,
    pub nomination_id: Option<Uuid>,
    pub details: String,
    pub digest: bool,
    pub status: String,
    pub attempts: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    pub lease_until: Option<TimeDateTimeWithTimeZone>,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
    pub last_error: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
