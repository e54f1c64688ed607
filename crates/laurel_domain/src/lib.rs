#![doc = include_str!("../README.md")]

pub mod audit;
pub mod authz;
pub mod award;
pub mod calendar;
pub mod certificate;
pub mod cluster;
pub mod council;
pub mod decision;
pub mod dossier;
pub mod events;
pub mod fact;
pub mod ids;
pub mod import;
pub mod message;
pub mod movement;
pub mod nomination;
pub mod notification;
pub mod org;
pub mod quota;
pub mod report;
pub mod rules;
pub mod text;
pub mod workdays;
pub mod workflow;

pub use message::Explain;
