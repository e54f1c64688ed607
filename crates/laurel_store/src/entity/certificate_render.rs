use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_render")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub certificate_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub on_blank: bool,
    pub render_key: String,
    pub pdf: Vec<u8>,
    pub rendered_at: TimeDateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
