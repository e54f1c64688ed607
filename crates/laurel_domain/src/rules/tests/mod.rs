//! Tests of the rules engine: the catalog, the table of cases per article, properties, the case
//! format and cash rewards.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

mod catalog;
mod json;
mod props;
mod relied;
mod reward;
mod table;
