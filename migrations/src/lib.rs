#![doc = include_str!("../README.md")]

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_organisation;
mod m20261122_000002_create_nominations;
mod m20261122_000003_create_audit_log;
mod m20261123_000001_create_facts;
mod m20261123_000002_harden_invariants;
mod m20261123_000003_add_attestations_and_kinds;
mod m20261130_000001_add_review_workflow;
mod m20261130_000002_add_councils;
mod m20261130_000003_council_finality;
mod m20261130_000004_chain_audit_log;
mod m20261130_000005_outbox_and_webhooks;
mod m20261130_000006_idempotency_keys;
mod m20261130_000007_notifications;
mod m20261130_000008_signed_certificates;
mod m20261130_000009_blank_layouts;
mod m20261130_000010_print_jobs;
mod m20261130_000011_certificate_templates;
mod m20261130_000012_movements;
mod m20261201_000013_clusters;
mod m20261201_000014_external_nominees;
mod m20261201_000015_login_throttling;
mod m20261202_000016_nomination_state_index;
mod m20261202_000017_certificate_renders;

/// Applies Laurel's migrations in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_organisation::Migration),
            Box::new(m20261122_000002_create_nominations::Migration),
            Box::new(m20261122_000003_create_audit_log::Migration),
            Box::new(m20261123_000001_create_facts::Migration),
            Box::new(m20261123_000002_harden_invariants::Migration),
            Box::new(m20261123_000003_add_attestations_and_kinds::Migration),
            Box::new(m20261130_000001_add_review_workflow::Migration),
            Box::new(m20261130_000002_add_councils::Migration),
            Box::new(m20261130_000003_council_finality::Migration),
            Box::new(m20261130_000004_chain_audit_log::Migration),
            Box::new(m20261130_000005_outbox_and_webhooks::Migration),
            Box::new(m20261130_000006_idempotency_keys::Migration),
            Box::new(m20261130_000007_notifications::Migration),
            Box::new(m20261130_000008_signed_certificates::Migration),
            Box::new(m20261130_000009_blank_layouts::Migration),
            Box::new(m20261130_000010_print_jobs::Migration),
            Box::new(m20261130_000011_certificate_templates::Migration),
            Box::new(m20261130_000012_movements::Migration),
            Box::new(m20261201_000013_clusters::Migration),
            Box::new(m20261201_000014_external_nominees::Migration),
            Box::new(m20261201_000015_login_throttling::Migration),
            Box::new(m20261202_000016_nomination_state_index::Migration),
            Box::new(m20261202_000017_certificate_renders::Migration),
        ]
    }
}
