//! Laurel's one integration-test binary: every test starts the real server on port 0 over a
//! fresh database and talks to it over HTTP. Runs on SQLite by default and on PostgreSQL when
//! `LAUREL_TEST_DATABASE_URL` names a server; `.ci/run` does both.
// Tests read the wall clock to know the day the server (whose clock they may move) lives in.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod audit;
mod backup;
mod bad_input;
mod bench;
mod clusters;
mod concurrency;
mod console;
mod console_authz;
mod console_browser;
mod console_clusters;
mod console_council;
mod console_import;
mod console_movements;
mod console_review;
mod console_settings;
mod council;
mod credentials;
mod decision_pdf;
mod demo;
mod disk_full;
mod faults;
mod gia_lai;
mod hostile;
mod idempotency;
mod import;
mod live;
mod movements;
mod notifications;
mod operations;
mod outage;
mod printing;
mod read_only;
mod reads;
mod review;
mod rules;
mod scenario;
mod schema;
mod signed;
mod webhooks;
