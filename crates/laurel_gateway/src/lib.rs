#![doc = include_str!("../README.md")]

pub mod auth;
pub mod credentials;
pub mod dispatch;
pub mod edge;
pub mod error;
pub mod feed;
pub mod keys;
pub mod metrics;
pub mod notify;
pub mod ops;
pub mod schema;
pub mod server;

pub use error::{CertificateRefusal, OpsError};
