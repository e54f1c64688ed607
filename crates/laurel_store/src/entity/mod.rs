//! sea-orm entities. Private to the store: nothing outside this crate sees a row type.

pub(crate) mod account;
pub(crate) mod attestation;
pub(crate) mod audit_log;
pub(crate) mod award_block;
pub(crate) mod certificate;
pub(crate) mod decision;
pub(crate) mod decision_recipient;
pub(crate) mod discipline;
pub(crate) mod nomination;
pub(crate) mod number_sequence;
pub(crate) mod person;
pub(crate) mod prior_award;
pub(crate) mod quota;
pub(crate) mod recognition;
pub(crate) mod role_grant;
pub(crate) mod session;
pub(crate) mod task_rating;
pub(crate) mod unit;
