use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub person_id: Option<Uuid>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub email: Option<String>,
    pub notify_mode: String,
}

impl ActiveModelBehavior for ActiveModel {}
