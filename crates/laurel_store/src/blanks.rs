//! Issuers' calibrations for printing on pre-printed blanks (phôi), one per issuer and
//! certificate form, kept as the renderer's layout JSON under an optimistic version.

use laurel_domain::award::CertificateForm;
use laurel_domain::ids::{AccountId, UnitId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr, sea_query::Expr,
};
use time::OffsetDateTime;

use crate::entity::blank_layout;
use crate::{Store, StoreError, WriteTx};

/// An issuer's calibration of one form's blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlankLayoutRecord {
    /// The issuing unit whose blanks these are.
    pub issuer: UnitId,
    /// The certificate form.
    pub form: CertificateForm,
    /// The layout, as JSON.
    pub layout: String,
    /// 1 when first set, one more at each change.
    pub version: i32,
    /// When it was last set.
    pub updated_at: OffsetDateTime,
    /// Who set it.
    pub updated_by: AccountId,
}

fn record(m: blank_layout::Model) -> Result<BlankLayoutRecord, StoreError> {
    let form = m.form.parse().map_err(|_| StoreError::Corrupt {
        entity: "blank_layout",
        id: format!("{}/{}", m.issuer_unit_id, m.form),
        detail: format!("unknown certificate form `{}`", m.form),
    })?;
    Ok(BlankLayoutRecord {
        issuer: UnitId(m.issuer_unit_id),
        form,
        layout: m.layout,
        version: m.version,
        updated_at: m.updated_at,
        updated_by: AccountId(m.updated_by),
    })
}

impl Store {
    /// An issuer's calibration of a form, if it set one.
    pub async fn blank_layout(
        &self,
        issuer: UnitId,
        form: CertificateForm,
    ) -> Result<Option<BlankLayoutRecord>, StoreError> {
        blank_layout::Entity::find_by_id((issuer.0, form.code().to_owned()))
            .one(&self.db)
            .await?
            .map(record)
            .transpose()
    }

    /// Every calibration an issuer set.
    pub async fn blank_layouts(
        &self,
        issuer: UnitId,
    ) -> Result<Vec<BlankLayoutRecord>, StoreError> {
        blank_layout::Entity::find()
            .filter(blank_layout::Column::IssuerUnitId.eq(issuer.0))
            .order_by_asc(blank_layout::Column::Form)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect()
    }
}

impl WriteTx {
    /// Sets an issuer's calibration of a form, at `expected_version` (0: none set yet);
    /// returns the new version. Someone else's change in between is a
    /// [`StoreError::Conflict`].
    pub async fn put_blank_layout(
        &self,
        issuer: UnitId,
        form: CertificateForm,
        layout: &str,
        expected_version: i32,
        at: OffsetDateTime,
        by: AccountId,
    ) -> Result<i32, StoreError> {
        let id = || format!("{}/{}", issuer.0, form.code());
        let current = || async {
            Ok::<_, StoreError>(
                blank_layout::Entity::find_by_id((issuer.0, form.code().to_owned()))
                    .one(&self.tx)
                    .await?
                    .map_or(0, |m| m.version),
            )
        };
        if expected_version == 0 {
            let actual = current().await?;
            if actual != 0 {
                return Err(StoreError::Conflict {
                    entity: "blank layout",
                    id: id(),
                    expected: 0,
                    actual,
                });
            }
            // Two first calibrations at once: the second's insert fails (on PostgreSQL its
            // transaction is then aborted), is retried, and finds the first one's row above.
            blank_layout::Entity::insert(blank_layout::ActiveModel {
                issuer_unit_id: Set(issuer.0),
                form: Set(form.code().to_owned()),
                layout: Set(layout.to_owned()),
                version: Set(1),
                updated_at: Set(at),
                updated_by: Set(by.0),
            })
            .exec_without_returning(&self.tx)
            .await
            .map_err(|e| match e.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Busy(e),
                _ => e.into(),
            })?;
            return Ok(1);
        }
        let updated = blank_layout::Entity::update_many()
            .col_expr(blank_layout::Column::Layout, Expr::value(layout.to_owned()))
            .col_expr(
                blank_layout::Column::Version,
                Expr::value(expected_version + 1),
            )
            .col_expr(blank_layout::Column::UpdatedAt, Expr::value(at))
            .col_expr(blank_layout::Column::UpdatedBy, Expr::value(by.0))
            .filter(blank_layout::Column::IssuerUnitId.eq(issuer.0))
            .filter(blank_layout::Column::Form.eq(form.code()))
            .filter(blank_layout::Column::Version.eq(expected_version))
            .exec(&self.tx)
            .await?;
        if updated.rows_affected == 1 {
            Ok(expected_version + 1)
        } else {
            Err(StoreError::Conflict {
                entity: "blank layout",
                id: id(),
                expected: expected_version,
                actual: current().await?,
            })
        }
    }
}
