//! Certificates' PDFs as rendered, kept so that a certificate downloaded again is read, not
//! laid out again. The caller names the render by a key that digests all its inputs; a row
//! with another key is stale and is replaced by the next render.

use laurel_domain::ids::CertificateId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use time::OffsetDateTime;

use crate::entity::certificate_render;
use crate::{Store, StoreError};

use certificate_render::Column as R;

impl Store {
    /// The PDF kept for a certificate (`on_blank`: only its data, for the issuer's blank), if
    /// it was rendered from the inputs `key` names.
    pub async fn kept_render(
        &self,
        certificate: CertificateId,
        on_blank: bool,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(certificate_render::Entity::find()
            .select_only()
            .column(R::Pdf)
            .filter(R::CertificateId.eq(certificate.0))
            .filter(R::OnBlank.eq(on_blank))
            .filter(R::RenderKey.eq(key))
            .into_tuple::<Vec<u8>>()
            .one(&self.db)
            .await?)
    }

    /// Keeps a certificate's PDF rendered from the inputs `key` names, in place of any kept
    /// before. Two processes keeping the same render write the same bytes.
    pub async fn keep_render(
        &self,
        certificate: CertificateId,
        on_blank: bool,
        key: &str,
        pdf: Vec<u8>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        certificate_render::Entity::insert(certificate_render::ActiveModel {
            certificate_id: Set(certificate.0),
            on_blank: Set(on_blank),
            render_key: Set(key.to_owned()),
            pdf: Set(pdf),
            rendered_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([R::CertificateId, R::OnBlank])
                .update_columns([R::RenderKey, R::Pdf, R::RenderedAt])
                .to_owned(),
        )
        .exec_without_returning(self.writer())
        .await?;
        Ok(())
    }
}
