//! Issuers' signing keys, as stored: the public half, the private half sealed by the gateway,
//! the generation (one per rotation) and when a key was retired.

use laurel_domain::ids::UnitId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use time::OffsetDateTime;

use crate::entity::signing_key;
use crate::{Store, StoreError, WriteTx};

/// A signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// Its id (`kid`).
    pub id: String,
    /// The issuing unit it signs for.
    pub issuer: UnitId,
    /// 1 for the first key, one more at each rotation.
    pub generation: i32,
    /// `Ed25519`.
    pub algorithm: String,
    /// The public key, base64url.
    pub public_key: String,
    /// The private key, sealed.
    pub sealed_private_key: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was retired (it still verifies what it signed).
    pub retired_at: Option<OffsetDateTime>,
}

fn record(m: signing_key::Model) -> SigningKeyRecord {
    SigningKeyRecord {
        id: m.id,
        issuer: UnitId(m.issuer_unit_id),
        generation: m.generation,
        algorithm: m.algorithm,
        public_key: m.public_key,
        sealed_private_key: m.sealed_private_key,
        created_at: m.created_at,
        retired_at: m.retired_at,
    }
}

impl WriteTx {
    /// The issuer's newest key, retired or not.
    pub async fn newest_signing_key(
        &self,
        issuer: UnitId,
    ) -> Result<Option<SigningKeyRecord>, StoreError> {
        Ok(signing_key::Entity::find()
            .filter(signing_key::Column::IssuerUnitId.eq(issuer.0))
            .order_by_desc(signing_key::Column::Generation)
            .one(&self.tx)
            .await?
            .map(record))
    }

    /// Stores a new key. Two processes making the same issuer's next generation at once: the
    /// second gets [`StoreError::Busy`] and, retried, finds the first one's key.
    pub async fn insert_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        signing_key::Entity::insert(signing_key::ActiveModel {
            id: Set(key.id.clone()),
            issuer_unit_id: Set(key.issuer.0),
            generation: Set(key.generation),
            algorithm: Set(key.algorithm.clone()),
            public_key: Set(key.public_key.clone()),
            sealed_private_key: Set(key.sealed_private_key.clone()),
            created_at: Set(key.created_at),
            retired_at: Set(key.retired_at),
        })
        .exec_without_returning(&self.tx)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Busy(e),
            _ => e.into(),
        })?;
        Ok(())
    }

    /// Retires a key (it keeps verifying what it signed).
    pub async fn retire_signing_key(&self, id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        signing_key::Entity::update_many()
            .col_expr(signing_key::Column::RetiredAt, Expr::value(Some(at)))
            .filter(signing_key::Column::Id.eq(id))
            .filter(signing_key::Column::RetiredAt.is_null())
            .exec(&self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Every key, oldest first: the published set.
    pub async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        Ok(signing_key::Entity::find()
            .order_by_asc(signing_key::Column::CreatedAt)
            .order_by_asc(signing_key::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// One key.
    pub async fn signing_key(&self, id: &str) -> Result<Option<SigningKeyRecord>, StoreError> {
        Ok(signing_key::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .map(record))
    }
}
