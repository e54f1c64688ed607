use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_comment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub nomination_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub commenter_name: String,
    pub contact: String,
    pub comment: String,
}

impl ActiveModelBehavior for ActiveModel {}
