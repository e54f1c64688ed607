//! Batched reads for nested fields (async-graphql's `DataLoader`): the nominees, units,
//! decisions, certificates, rewards and eligibility of every nomination a query returns are
//! read in a fixed number of statements, whatever the page size, instead of one or more per
//! row. A loader lives for one request, so nothing read for one caller is served to another.
//!
//! Loaders read rows; whether the caller may see them is decided by the resolver from the row
//! that led there (a nomination's stored unit path), as before.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use laurel_domain::decision::Decision;
use laurel_domain::ids::{DecisionId, MovementId, NominationId, PersonId, UnitId};
use laurel_domain::movement::Movement;
use laurel_domain::org::{Person, Unit};
use laurel_domain::rules::Eligibility;
use laurel_store::{CertificateRecord, DecisionRecipient, Read, ReadFacts, ReadMovements};
use time::Date;

use crate::error::OpsError;
use crate::ops::Ops;

/// A failed batch, shared by every field that waited on it.
pub type BatchError = Arc<OpsError>;

/// The batch reader behind every loader of one request.
#[derive(Debug, Clone)]
pub struct Batch(pub Ops);

/// The loader a request's resolvers share.
pub type Loaders = DataLoader<Batch>;

/// A new loader for one request.
pub fn loaders(ops: &Ops) -> Loaders {
    DataLoader::new(Batch(ops.clone()), tokio::spawn).max_batch_size(500)
}

fn failed(e: impl Into<OpsError>) -> BatchError {
    Arc::new(e.into())
}

impl Loader<PersonId> for Batch {
    type Value = Person;
    type Error = BatchError;

    async fn load(&self, keys: &[PersonId]) -> Result<HashMap<PersonId, Person>, BatchError> {
        let people = self.0.store().persons_by_ids(keys).await.map_err(failed)?;
        Ok(people.into_iter().map(|p| (p.id, p)).collect())
    }
}

impl Loader<UnitId> for Batch {
    type Value = Unit;
    type Error = BatchError;

    async fn load(&self, keys: &[UnitId]) -> Result<HashMap<UnitId, Unit>, BatchError> {
        let units = self.0.store().units_by_ids(keys).await.map_err(failed)?;
        Ok(units.into_iter().map(|u| (u.id, u)).collect())
    }
}

impl Loader<DecisionId> for Batch {
    type Value = Decision;
    type Error = BatchError;

    async fn load(&self, keys: &[DecisionId]) -> Result<HashMap<DecisionId, Decision>, BatchError> {
        let decisions = self
            .0
            .store()
            .decisions_by_ids(keys)
            .await
            .map_err(failed)?;
        Ok(decisions.into_iter().map(|d| (d.id, d)).collect())
    }
}

impl Loader<MovementId> for Batch {
    type Value = Movement;
    type Error = BatchError;

    async fn load(&self, keys: &[MovementId]) -> Result<HashMap<MovementId, Movement>, BatchError> {
        let movements = self
            .0
            .store()
            .movements_by_ids(keys)
            .await
            .map_err(failed)?;
        Ok(movements.into_iter().map(|m| (m.id, m)).collect())
    }
}

/// A nominee's registration from outside the administrative tree (keyed by the person's or the
/// unit's id): absent for everyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternalOf(pub uuid::Uuid);

impl Loader<ExternalOf> for Batch {
    type Value = laurel_store::ExternalNomineeRecord;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[ExternalOf],
    ) -> Result<HashMap<ExternalOf, laurel_store::ExternalNomineeRecord>, BatchError> {
        let ids: Vec<uuid::Uuid> = keys.iter().map(|k| k.0).collect();
        let found = self
            .0
            .store()
            .external_nominees(&ids)
            .await
            .map_err(failed)?;
        Ok(found.into_iter().map(|r| (ExternalOf(r.id), r)).collect())
    }
}

/// A nomination's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertificateOf(pub NominationId);

impl Loader<CertificateOf> for Batch {
    type Value = CertificateRecord;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[CertificateOf],
    ) -> Result<HashMap<CertificateOf, CertificateRecord>, BatchError> {
        let ids: Vec<NominationId> = keys.iter().map(|k| k.0).collect();
        let certificates = self
            .0
            .store()
            .certificates_of_nominations(&ids)
            .await
            .map_err(failed)?;
        Ok(certificates
            .into_iter()
            .map(|c| (CertificateOf(c.nomination), c))
            .collect())
    }
}

/// What a decision gave a nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RewardOf(pub NominationId);

impl Loader<RewardOf> for Batch {
    type Value = DecisionRecipient;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[RewardOf],
    ) -> Result<HashMap<RewardOf, DecisionRecipient>, BatchError> {
        let ids: Vec<NominationId> = keys.iter().map(|k| k.0).collect();
        let rewards = self
            .0
            .store()
            .recipients_of_many(&ids)
            .await
            .map_err(failed)?;
        Ok(rewards
            .into_iter()
            .map(|r| (RewardOf(r.nomination), r))
            .collect())
    }
}

/// A nomination judged as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EligibilityOf(pub NominationId, pub Date);

impl Loader<EligibilityOf> for Batch {
    type Value = Eligibility;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[EligibilityOf],
    ) -> Result<HashMap<EligibilityOf, Eligibility>, BatchError> {
        let store = self.0.store();
        let ids: Vec<NominationId> = keys.iter().map(|k| k.0).collect();
        let records = store.nominations_by_ids(&ids).await.map_err(failed)?;
        let mut out = HashMap::with_capacity(keys.len());
        // Usually one date for the whole page.
        let mut dates: Vec<Date> = keys.iter().map(|k| k.1).collect();
        dates.sort_unstable();
        dates.dedup();
        for date in dates {
            let wanted: Vec<_> = records
                .iter()
                .filter(|r| keys.contains(&EligibilityOf(r.nomination.id, date)))
                .cloned()
                .collect();
            let judged = self
                .0
                .eligibility_of_many(store, &wanted, date)
                .await
                .map_err(failed)?;
            for (record, eligibility) in wanted.iter().zip(judged) {
                out.insert(EligibilityOf(record.nomination.id, date), eligibility);
            }
        }
        Ok(out)
    }
}

/// Reads through the request's loader: `load_one`, with a batch's failure as a GraphQL error.
pub async fn load<K>(
    ctx: &async_graphql::Context<'_>,
    key: K,
) -> async_graphql::Result<Option<<Batch as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Batch: Loader<K, Error = BatchError>,
{
    let loaded = match ctx.data_opt::<Loaders>() {
        Some(loaders) => loaders.load_one(key).await,
        // A schema executed without the server's request data (a test, a tool) still reads,
        // one request at a time.
        None => loaders(super::ops(ctx)?).load_one(key).await,
    };
    loaded.map_err(|e| e.to_graphql())
}
