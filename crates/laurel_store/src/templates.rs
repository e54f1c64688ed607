//! Issuers' own certificate templates, one per issuer and form, under an optimistic version.

use laurel_domain::award::CertificateForm;
use laurel_domain::ids::{AccountId, UnitId};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, SqlErr, sea_query::Expr};
use time::OffsetDateTime;

use crate::entity::certificate_template as t;
use crate::{Store, StoreError, WriteTx};

/// An issuer's template for a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRecord {
    /// The issuing unit.
    pub issuer: UnitId,
    /// The certificate form.
    pub form: CertificateForm,
    /// The typst source.
    pub source: String,
    /// SHA-256 of the source, hex.
    pub sha256: String,
    /// 1 when first set, one more at each change.
    pub version: i32,
    /// When it was set.
    pub updated_at: OffsetDateTime,
    /// Who set it.
    pub updated_by: AccountId,
}

fn record(m: t::Model) -> Result<TemplateRecord, StoreError> {
    let form = m.form.parse().map_err(|_| StoreError::Corrupt {
        entity: "certificate_template",
        id: format!("{}/{}", m.issuer_unit_id, m.form),
        detail: format!("unknown certificate form `{}`", m.form),
    })?;
    Ok(TemplateRecord {
        issuer: UnitId(m.issuer_unit_id),
        form,
        source: m.source,
        sha256: m.sha256,
        version: m.version,
        updated_at: m.updated_at,
        updated_by: AccountId(m.updated_by),
    })
}

impl Store {
    /// Every template an issuer set.
    pub async fn certificate_templates(
        &self,
        issuer: UnitId,
    ) -> Result<Vec<TemplateRecord>, StoreError> {
        t::Entity::find()
            .filter(t::Column::IssuerUnitId.eq(issuer.0))
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect()
    }
}

impl WriteTx {
    /// The version of an issuer's template for a form; 0 when it has none.
    async fn template_version(
        &self,
        issuer: UnitId,
        form: CertificateForm,
    ) -> Result<i32, StoreError> {
        Ok(t::Entity::find_by_id((issuer.0, form.code().to_owned()))
            .one(&self.tx)
            .await?
            .map_or(0, |m| m.version))
    }

    /// Sets (`Some`) or removes (`None`) an issuer's template for a form, at `expected`
    /// (0: none yet); returns the new version (0 once removed). Someone else's change in
    /// between is a [`StoreError::Conflict`].
    pub async fn put_certificate_template(
        &self,
        record: &TemplateRecord,
        source: Option<&str>,
        expected: i32,
    ) -> Result<i32, StoreError> {
        let (issuer, form) = (record.issuer, record.form);
        let actual = self.template_version(issuer, form).await?;
        if actual != expected {
            return Err(StoreError::Conflict {
                entity: "certificate template",
                id: format!("{}/{}", issuer.0, form.code()),
                expected,
                actual,
            });
        }
        let key = (
            t::Column::IssuerUnitId.eq(issuer.0),
            t::Column::Form.eq(form.code()),
        );
        match (source, expected) {
            (None, _) => {
                t::Entity::delete_many()
                    .filter(key.0)
                    .filter(key.1)
                    .filter(t::Column::Version.eq(expected))
                    .exec(&self.tx)
                    .await?;
                Ok(0)
            }
            (Some(source), 0) => {
                // A concurrent first template: the insert fails, is retried, and the check
                // above then reports the conflict.
                t::Entity::insert(t::ActiveModel {
                    issuer_unit_id: Set(issuer.0),
                    form: Set(form.code().to_owned()),
                    source: Set(source.to_owned()),
                    sha256: Set(record.sha256.clone()),
                    version: Set(1),
                    updated_at: Set(record.updated_at),
                    updated_by: Set(record.updated_by.0),
                })
                .exec_without_returning(&self.tx)
                .await
                .map_err(|e| match e.sql_err() {
                    Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Busy(e),
                    _ => e.into(),
                })?;
                Ok(1)
            }
            (Some(source), _) => {
                t::Entity::update_many()
                    .col_expr(t::Column::Source, Expr::value(source.to_owned()))
                    .col_expr(t::Column::Sha256, Expr::value(record.sha256.clone()))
                    .col_expr(t::Column::Version, Expr::value(expected + 1))
                    .col_expr(t::Column::UpdatedAt, Expr::value(record.updated_at))
                    .col_expr(t::Column::UpdatedBy, Expr::value(record.updated_by.0))
                    .filter(key.0)
                    .filter(key.1)
                    .filter(t::Column::Version.eq(expected))
                    .exec(&self.tx)
                    .await?;
                Ok(expected + 1)
            }
        }
    }
}
