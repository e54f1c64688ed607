//! Laurel's web console: the pages clerks, unit heads, offices, councils and signers work in,
//! served by `laurel serve` under `/console` (`/` leads there).
//!
//! **How it works.** Every page reads, and every form acts, through the gateway's own GraphQL
//! schema run in this process ([`laurel_gateway::server::InProcessGraphql`]), with the
//! signed-in account's session: the same resolvers, the same `ops` layer, the same
//! authorization, validation and audit as an integrator's call, and the same bilingual error
//! messages, which the pages show next to the field they concern. The console holds no
//! business logic and no state of its own: a page is a query, a form is a mutation.
//!
//! **Choices.**
//! - HTML is rendered on the server with [askama](https://crates.io/crates/askama) 0.15:
//!   Jinja-like templates compiled into Rust, so a template that names a missing field does
//!   not build, and output is HTML-escaped by default. No JavaScript build, no script at all:
//!   plain forms and links work on any office PC, by keyboard, and with a screen reader.
//! - CSRF: poem's own `Csrf` middleware (AES-GCM masked tokens bound to a cookie, from the
//!   `csrf` crate); its key is derived from the key secret every process of one deployment
//!   shares, so a form served by one process posts to another.
//! - The session is the API's own session token in an `HttpOnly`, `SameSite=Lax` cookie
//!   (`Secure` when the public URL is HTTPS): Lax, so that a link in a notification e-mail
//!   opens the page signed in; every form carries the CSRF token anyway. GraphQL never accepts the cookie; only `GET`
//!   downloads (PDFs, spreadsheets, documents) do, so that links work in a browser.
//! - Vietnamese first, English by a switch (a cookie); dates as the API gives them
//!   (`dd/mm/yyyy`, Asia/Ho_Chi_Minh); text is NFC-normalised by the operations it reaches.

/// The fields a unit is read by wherever the console offers units (pickers, filters, the
/// tree): a GraphQL selection, as a literal so that `concat!` can put it into a query.
macro_rules! unit_fields {
    () => {
        "id name code headTitle place path { id } outsideTree"
    };
}

/// [`unit_fields!`] for queries built with `format!`.
const UNIT: &str = unit_fields!();

mod chart;
mod clusters;
#[cfg(test)]
mod contrast;
mod council;
mod gql;
mod import;
mod labels;
mod movements;
mod pages;
mod people;
mod proposals;
mod settings;
mod web;

use std::sync::Arc;

use laurel_gateway::server::InProcessGraphql;
use poem::endpoint::BoxEndpoint;
use poem::middleware::Csrf;
use poem::web::cookie::SameSite;
use poem::{Endpoint, EndpointExt, IntoResponse, Route, get, post};

/// The console's routes, relative to where the gateway nests them (`/console`).
pub fn console(client: InProcessGraphql) -> BoxEndpoint<'static> {
    let secure = client.public_url().starts_with("https://");
    let csrf = Csrf::new()
        .cookie_name("laurel_csrf")
        .key(client.key_secret().derive("web console csrf"))
        .secure(secure)
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(laurel_gateway::server::CONSOLE_PREFIX);
    // The largest form: one document and its fields (the API's own upload limit, plus room).
    let max_body = client.max_document_bytes().saturating_add(64 * 1024);
    let app = Arc::new(web::App { client, secure });
    Route::new()
        .at("/", get(pages::home))
        .at("/bulk", post(pages::bulk))
        .at("/login", get(pages::login_form).post(pages::login))
        .at("/logout", post(pages::logout))
        .at("/password", get(pages::password_form).post(pages::password))
        .at("/lang/:lang", get(pages::language))
        .at("/nominations", get(pages::nominations))
        .at(
            "/nominations/new",
            get(pages::new_nomination_form).post(pages::new_nomination),
        )
        .at("/nominations/:id", get(pages::nomination))
        .at("/nominations/:id/act", post(pages::act))
        .at("/nominations/:id/documents", post(pages::upload))
        .at("/import", get(import::import_form).post(import::import))
        .at(
            "/proposals",
            get(proposals::proposals).post(proposals::create),
        )
        .at("/proposals/:id", get(proposals::proposal))
        .at("/proposals/:id/submit", post(proposals::submit))
        .at("/proposals/:id/sign", post(proposals::sign))
        .at("/decisions", get(pages::decisions))
        .at("/decisions/:id", get(pages::decision))
        .at(
            "/decisions/:id/certificates",
            post(pages::issue_certificates),
        )
        .at("/decisions/:id/annul", post(pages::annul))
        .at("/clusters", get(clusters::clusters).post(clusters::create))
        .at("/clusters/:id", get(clusters::cluster))
        .at("/clusters/:id/:action", post(clusters::act))
        .at("/movements", get(movements::movements))
        .at("/movements/:id", get(movements::movement))
        .at("/movements/:id/nominees", post(movements::register))
        .at("/reports", get(pages::reports))
        .at("/units", get(people::units))
        .at("/people/:id", get(people::person))
        .at(
            "/councils",
            get(council::councils).post(council::create_council),
        )
        .at("/councils/:id", get(council::council))
        .at("/councils/:id/members", post(council::add_member))
        .at("/councils/:id/terms/:term/end", post(council::end_term))
        .at("/councils/:id/sessions", post(council::open_session))
        .at("/councils/:id/vote-rules", post(council::set_vote_rule))
        .at("/council-sessions/:id", get(council::council_session))
        .at("/council-sessions/:id/ballot", post(council::ballot))
        .at("/council-sessions/:id/tally", post(council::tally))
        .at("/council-sessions/:id/close", post(council::close))
        .at("/settings", get(settings::settings))
        .at("/settings/delegations", post(settings::delegate))
        .at("/settings/delegations/:id/revoke", post(settings::revoke))
        .at("/settings/quotas", post(settings::quota))
        .at("/settings/calendar", post(settings::calendar_day))
        .at("/settings/webhooks", post(settings::register_webhook))
        .at(
            "/settings/webhooks/:id/enabled",
            post(settings::webhook_enabled),
        )
        .at("/admin", get(pages::admin))
        .at("/admin/units", post(pages::create_unit))
        .at("/admin/people", post(pages::create_person))
        .at("/admin/accounts", post(pages::create_account))
        .at("/admin/roles", post(pages::grant_role))
        .at("/admin/roles/revoke", post(pages::revoke_role))
        .at("/admin/accounts/status", post(pages::account_status))
        .at("/style.css", get(pages::style))
        .data(app)
        .with(csrf)
        .around(move |endpoint, request| async move {
            // A form's body is bounded before anything reads it (browsers always send its
            // length); pages (GET) have none.
            if request.method() == poem::http::Method::POST {
                match request
                    .header(poem::http::header::CONTENT_LENGTH)
                    .and_then(|v| v.parse::<usize>().ok())
                {
                    None => return Ok(poem::http::StatusCode::LENGTH_REQUIRED.into_response()),
                    Some(length) if length > max_body => {
                        return Ok(poem::http::StatusCode::PAYLOAD_TOO_LARGE.into_response());
                    }
                    Some(_) => {}
                }
            }
            endpoint
                .call(request)
                .await
                .map(IntoResponse::into_response)
        })
        .boxed()
}
