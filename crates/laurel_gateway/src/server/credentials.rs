//! The Open Badges 3.0 routes: public, answered from what a credential names
//! (see [`crate::credentials`]).

use std::sync::Arc;

use laurel_domain::ids::UnitId;
use poem::http::{StatusCode, header};
use poem::web::{Data, Json, Path};
use poem::{IntoResponse, Request, Response, handler};

use super::{AppState, ops_error_response, throttled};
use crate::credentials::MEDIA_TYPE;
use crate::error::OpsError;

/// A unit id from a path; `None` (so 404) for anything else.
fn unit_id(text: &str) -> Option<UnitId> {
    text.parse::<uuid::Uuid>().ok().map(UnitId)
}

fn not_found(what: &str) -> Response {
    super::http_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("Không tìm thấy {what}."),
        &format!("No such {what}."),
    )
}

fn cached(mut response: Response, cache_control: &'static str) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(cache_control),
    );
    response
}

fn jwt(token: String) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type(MEDIA_TYPE)
        .body(token)
}

fn json_or_404(result: Result<Option<serde_json::Value>, OpsError>, what: &str) -> Response {
    match result {
        Ok(Some(value)) => cached(Json(value).into_response(), "public, max-age=300"),
        Ok(None) => not_found(what),
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /credentials/{code}.jwt`: a certificate as an `OpenBadgeCredential`, signed. Limited
/// per client like `/verify`, since it is found by its code.
#[handler]
pub(super) async fn credential(
    req: &Request,
    Path(file): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    if let Some(refused) = throttled(req, state, true) {
        return refused;
    }
    let Some(code) = file.strip_suffix(".jwt") else {
        return not_found("credential / chứng nhận số");
    };
    match state.ops.credential_jwt(code).await {
        // Its content is frozen and its status is in the status list: it never changes.
        Ok(Some(token)) => cached(jwt(token), "public, max-age=86400"),
        Ok(None) => not_found("credential / chứng nhận số"),
        Err(e) => ops_error_response(&e),
    }
}

/// `GET /issuers/{id}`: the issuer's OB 3.0 profile.
#[handler]
pub(super) async fn profile(
    Path(unit): Path<String>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let Some(unit) = unit_id(&unit) else {
        return not_found("issuer / đơn vị khen thưởng");
    };
    json_or_404(
        state.ops.issuer_profile(unit).await,
        "issuer / đơn vị khen thưởng",
    )
}

/// `GET /issuers/{id}/keys/{kid}`: one of the issuer's public keys, as a JWK.
#[handler]
pub(super) async fn key(
    Path((unit, kid)): Path<(String, String)>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let Some(unit) = unit_id(&unit) else {
        return not_found("key / khóa");
    };
    json_or_404(state.ops.issuer_jwk(unit, &kid).await, "key / khóa")
}

/// `GET /issuers/{id}/achievements/{award}`: one of the issuer's awards, as an `Achievement`.
#[handler]
pub(super) async fn achievement(
    Path((unit, award)): Path<(String, String)>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let Some(unit) = unit_id(&unit) else {
        return not_found("award / hình thức khen thưởng");
    };
    json_or_404(
        state.ops.issuer_achievement(unit, &award).await,
        "award / hình thức khen thưởng",
    )
}

/// `GET /issuers/{id}/status/{year}`: the issuer's revocation list of a year, signed. Cached
/// for a minute: an annulment reaches verifiers within a minute of being signed.
#[handler]
pub(super) async fn status_list(
    Path((unit, year)): Path<(String, String)>,
    Data(state): Data<&Arc<AppState>>,
) -> Response {
    let (Some(unit), Ok(year)) = (unit_id(&unit), year.parse::<i32>()) else {
        return not_found("status list / danh sách trạng thái");
    };
    let now = state.clock.now();
    match state.ops.status_list_jwt(unit, year, now).await {
        Ok(Some(token)) => cached(jwt(token), "public, max-age=60"),
        Ok(None) => not_found("status list / danh sách trạng thái"),
        Err(e) => ops_error_response(&e),
    }
}
