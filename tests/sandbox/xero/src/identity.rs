//! Xero identity: the browser's authorize/consent page (login.xero.com), the token and
//! revocation endpoints (identity.xero.com), and /connections (api.xero.com).
//! Contract: shared/providers/xero.md §2–3 and tests/sandbox/specs/xero-identity.yaml.

use crate::dates::connection_date;
use crate::state::{Access, Code, Connection, Grant, PendingAuth, Refresh};
use crate::Shared;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use base64::Engine;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Arc;
use time::Duration;

/// Access tokens live 30 minutes (`expires_in: 1800`, xero.md §2 "Token lifetimes").
pub const ACCESS_TTL: Duration = Duration::minutes(30);
/// A used refresh token may be retried for 30 minutes if its response was lost (same section).
pub const REFRESH_GRACE: Duration = Duration::minutes(30);
/// Authorization codes are short-lived (about 30 s per xero.md §2, unconfirmed; we allow 5 min
/// of simulated time so slow browsers in tests don't flake) and single-use.
const CODE_TTL: Duration = Duration::minutes(5);

pub fn token(prefix: &str) -> String {
    let bytes: [u8; 24] = rand::thread_rng().gen();
    format!("{prefix}{}", hex_lower(&bytes))
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn error_page(status: StatusCode, msg: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><title>Xero sandbox</title><h1>Sign-in error</h1><p id=\"error\">{}</p>",
            html_escape(msg)
        )),
    )
        .into_response()
}

/// `GET /login/identity/connect/authorize` (xero.md §2: response_type, client_id, redirect_uri,
/// scope, state, code_challenge, code_challenge_method=S256).
pub async fn authorize(State(s): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "GET /identity/connect/authorize");
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let client_id = get("client_id");
    if client_id != s.client_id && client_id != s.auto_client_id {
        return error_page(StatusCode::BAD_REQUEST, "unauthorized_client: unknown client_id");
    }
    let redirect_uri = get("redirect_uri");
    let registered = s.state.lock().map(|st| st.redirect_uris.iter().any(|r| r == redirect_uri)).unwrap_or(false);
    if !registered {
        // Never redirect to an unregistered URI (RFC 6749 §4.1.2.1): show the error instead.
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid redirect_uri: not registered for this app (exact match required)",
        );
    }
    let state = q.get("state").cloned();
    let redirect_error = |error: &str, description: &str| -> Response {
        let mut u = url::Url::parse(redirect_uri).expect("registered redirect URIs parse");
        u.query_pairs_mut().append_pair("error", error).append_pair("error_description", description);
        if let Some(st) = &state {
            u.query_pairs_mut().append_pair("state", st);
        }
        Redirect::to(u.as_str()).into_response()
    };
    if get("response_type") != "code" {
        return redirect_error("unsupported_response_type", "response_type must be code");
    }
    let challenge = get("code_challenge");
    if get("code_challenge_method") != "S256" || challenge.len() < 43 {
        return redirect_error("invalid_request", "PKCE with code_challenge_method=S256 is required");
    }
    let scope = get("scope");
    if scope.split_whitespace().any(|sc| sc == "accounting.transactions" || sc == "accounting.transactions.read") {
        // Apps created after 2 March 2026 get granular scopes only (xero.md §2 Scopes).
        return redirect_error("invalid_scope", "Invalid scope for client");
    }
    if !scope.split_whitespace().any(|sc| sc.starts_with("accounting.")) {
        return redirect_error("invalid_scope", "no accounting scope requested");
    }
    let pending = PendingAuth {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        scope: scope.to_owned(),
        state: state.clone(),
        code_challenge: challenge.to_owned(),
    };
    let tenants: Vec<(String, String)> = match s.state.lock() {
        Ok(st) => st.tenants.iter().map(|t| (t.tenant_id.clone(), t.name.clone())).collect(),
        Err(_) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, "state poisoned"),
    };
    if client_id == s.auto_client_id {
        // The headless demo user: consents to every organisation at once.
        let ids = tenants.iter().map(|(id, _)| id.clone()).collect();
        return issue_code(&s, pending, ids);
    }
    let consent = token("consent_");
    if let Ok(mut st) = s.state.lock() {
        st.pending.insert(consent.clone(), pending);
    }
    let boxes: String = tenants
        .iter()
        .map(|(id, name)| {
            format!(
                "<label><input type=\"checkbox\" name=\"tenant\" value=\"{id}\" data-testid=\"tenant-{id}\"> {}</label><br>",
                html_escape(name)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Xero | Authorise app</title></head><body>\
         <h1>Xero Partner wants to access your Xero organisations</h1><p>Signed in as demo@xero-sandbox.example</p>\
         <p>Scopes: {}</p><form method=\"post\" action=\"authorize/consent\"><input type=\"hidden\" name=\"consent\" value=\"{consent}\">\
         {boxes}<button id=\"xero-allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow access</button> \
         <button id=\"xero-deny\" type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></form></body></html>",
        html_escape(scope)
    ))
    .into_response()
}

#[derive(Deserialize)]
pub struct ConsentForm {
    consent: String,
    decision: String,
    #[serde(default)]
    tenant: Vec<String>,
}

/// The consent form's POST. Browsers send repeated `tenant` fields; `axum::Form` cannot take
/// repeated keys, so the body is parsed here.
pub async fn consent(State(s): State<Arc<Shared>>, body: String) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "POST /identity/connect/authorize/consent");
    let mut form = ConsentForm { consent: String::new(), decision: String::new(), tenant: vec![] };
    for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "consent" => form.consent = v.into_owned(),
            "decision" => form.decision = v.into_owned(),
            "tenant" => form.tenant.push(v.into_owned()),
            _ => {}
        }
    }
    let pending = s.state.lock().ok().and_then(|mut st| st.pending.remove(&form.consent));
    let Some(pending) = pending else {
        return error_page(StatusCode::BAD_REQUEST, "this consent page has expired or was already used");
    };
    if form.decision != "allow" {
        let mut u = url::Url::parse(&pending.redirect_uri).expect("registered redirect URIs parse");
        u.query_pairs_mut().append_pair("error", "access_denied");
        if let Some(st) = &pending.state {
            u.query_pairs_mut().append_pair("state", st);
        }
        return Redirect::to(u.as_str()).into_response();
    }
    let known: Vec<String> =
        s.state.lock().map(|st| st.tenants.iter().map(|t| t.tenant_id.clone()).collect()).unwrap_or_default();
    let chosen: Vec<String> = form.tenant.into_iter().filter(|t| known.contains(t)).collect();
    if chosen.is_empty() {
        return error_page(StatusCode::BAD_REQUEST, "choose at least one organisation");
    }
    issue_code(&s, pending, chosen)
}

fn issue_code(s: &Shared, pending: PendingAuth, tenants: Vec<String>) -> Response {
    let code = token("");
    let mut u = url::Url::parse(&pending.redirect_uri).expect("registered redirect URIs parse");
    u.query_pairs_mut().append_pair("code", &code).append_pair("scope", &pending.scope);
    if let Some(st) = &pending.state {
        u.query_pairs_mut().append_pair("state", st);
    }
    let now = s.ctx.clock.now();
    if let Ok(mut st) = s.state.lock() {
        st.codes.insert(
            code,
            Code { auth: pending, auth_event_id: uuid::Uuid::new_v4().to_string(), tenants, expires: now + CODE_TTL },
        );
    }
    Redirect::to(u.as_str()).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(json!({"error": error, "error_description": description}))).into_response()
}

/// `POST /identity/connect/token` (form): authorization_code and refresh_token grants.
pub async fn token_endpoint(State(s): State<Arc<Shared>>, Form(f): Form<HashMap<String, String>>) -> Response {
    let grant_type = f.get("grant_type").map(String::as_str).unwrap_or("");
    s.ctx.counters.hit(crate::PROVIDER, &format!("POST /identity/connect/token {grant_type}"));
    let client_id = f.get("client_id").map(String::as_str).unwrap_or("");
    if client_id != s.client_id && client_id != s.auto_client_id {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", "unknown client_id");
    }
    let now = s.ctx.clock.now();
    let Ok(mut st) = s.state.lock() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    match grant_type {
        "authorization_code" => {
            let code = f.get("code").cloned().unwrap_or_default();
            // Single use: removed whether or not the rest checks out.
            let Some(c) = st.codes.remove(&code) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "invalid or used authorization code");
            };
            if c.expires < now || c.auth.client_id != client_id {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "authorization code expired or issued to another client",
                );
            }
            if f.get("redirect_uri").map(String::as_str) != Some(c.auth.redirect_uri.as_str()) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                );
            }
            let verifier = f.get("code_verifier").map(String::as_str).unwrap_or("");
            // RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge.
            let computed =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43 || computed != c.auth.code_challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "code_verifier does not match the code_challenge",
                );
            }
            let connections = c
                .tenants
                .iter()
                .map(|t| Connection { id: uuid::Uuid::new_v4().to_string(), tenant_id: t.clone(), created: now })
                .collect();
            st.grants.insert(
                c.auth_event_id.clone(),
                Grant { client_id: client_id.to_owned(), scope: c.auth.scope.clone(), connections, revoked: false },
            );
            let body = mint(&mut st, &c.auth_event_id, &c.auth.scope, now);
            Json(body).into_response()
        }
        "refresh_token" => {
            let presented = f.get("refresh_token").cloned().unwrap_or_default();
            let Some(r) = st.refresh.get(&presented).cloned() else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown refresh token");
            };
            let alive = st.grants.get(&r.auth_event_id).is_some_and(|g| !g.revoked);
            if !alive {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "the grant was revoked");
            }
            let scope = st.grants.get(&r.auth_event_id).map(|g| g.scope.clone()).unwrap_or_default();
            match r.used_at {
                // Reused within the grace window: the response was probably lost. Hand out the
                // same successor again (with a fresh access token).
                Some(used) if now - used <= REFRESH_GRACE => {
                    let successor = r.successor.clone().unwrap_or_default();
                    let mut body = mint(&mut st, &r.auth_event_id, &scope, now);
                    st.refresh.remove(body["refresh_token"].as_str().unwrap_or_default());
                    body["refresh_token"] = json!(successor);
                    Json(body).into_response()
                }
                Some(_) => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "refresh token already used"),
                None => {
                    let body = mint(&mut st, &r.auth_event_id, &scope, now);
                    let new_refresh = body["refresh_token"].as_str().unwrap_or_default().to_owned();
                    if let Some(old) = st.refresh.get_mut(&presented) {
                        old.used_at = Some(now);
                        old.successor = Some(new_refresh);
                    }
                    Json(body).into_response()
                }
            }
        }
        "" => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required"),
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "use authorization_code or refresh_token"),
    }
}

/// Token response per tests/sandbox/specs/xero-identity.yaml `AccessToken`. The access token is opaque
/// here (clients must not parse Xero's tokens). No `id_token`: the sandbox app asks for no
/// OpenID scopes (granular accounting scopes + offline_access only).
fn mint(
    st: &mut crate::state::State,
    auth_event_id: &str,
    scope: &str,
    now: time::OffsetDateTime,
) -> serde_json::Value {
    let access = token("xat_");
    st.access.insert(access.clone(), Access { auth_event_id: auth_event_id.to_owned(), expires: now + ACCESS_TTL });
    let mut body = json!({
        "access_token": access, "expires_in": ACCESS_TTL.whole_seconds(), "token_type": "Bearer", "scope": scope
    });
    if scope.split_whitespace().any(|s| s == "offline_access") {
        let refresh = token("");
        st.refresh.insert(
            refresh.clone(),
            Refresh { auth_event_id: auth_event_id.to_owned(), used_at: None, successor: None },
        );
        body["refresh_token"] = json!(refresh);
    }
    body
}

/// `POST /identity/connect/revocation`: revoking the refresh token removes all of the grant's
/// connections (xero.md §2 "Revoke"). Always 200 (RFC 7009 §2.2).
pub async fn revocation(State(s): State<Arc<Shared>>, Form(f): Form<HashMap<String, String>>) -> StatusCode {
    s.ctx.counters.hit(crate::PROVIDER, "POST /identity/connect/revocation");
    if let Ok(mut st) = s.state.lock() {
        let presented = f.get("token").cloned().unwrap_or_default();
        if let Some(event) = st.refresh.get(&presented).map(|r| r.auth_event_id.clone()) {
            if let Some(g) = st.grants.get_mut(&event) {
                g.revoked = true;
                g.connections.clear();
            }
            st.access.retain(|_, a| a.auth_event_id != event);
            st.refresh.retain(|_, r| r.auth_event_id != event);
        }
    }
    StatusCode::OK
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get("authorization")?.to_str().ok()?.strip_prefix("Bearer ")
}

/// 401 body recorded from the live API (xero.md §10).
pub fn unauthorized(detail: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [("www-authenticate", "Bearer")],
        Json(json!({"Type": null, "Title": "Unauthorized", "Status": 401, "Detail": detail, "Instance": uuid::Uuid::new_v4().to_string(), "Extensions": {}})),
    )
        .into_response()
}

/// The grant behind a valid access token, or the 401 Xero would send.
pub fn authenticate(s: &Shared, headers: &HeaderMap) -> Result<String, Response> {
    let Some(tok) = bearer(headers) else { return Err(unauthorized("AuthenticationUnsuccessful")) };
    let now = s.ctx.clock.now();
    let st = s.state.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    match st.access.get(tok) {
        Some(a) if a.expires > now => Ok(a.auth_event_id.clone()),
        Some(a) => {
            Err(unauthorized(&format!("TokenExpired: token expired at {}", crate::dates::date_string(a.expires))))
        }
        None => Err(unauthorized("AuthenticationUnsuccessful")),
    }
}

/// `GET /connections` (xero-identity.yaml): the grant's tenants, newest update first.
pub async fn connections(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "GET /connections");
    let event = match authenticate(&s, &headers) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Ok(st) = s.state.lock() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    if let Some(filter) = q.get("authEventId") {
        if !filter.eq_ignore_ascii_case(&event) {
            return Json(json!([])).into_response();
        }
    }
    let list: Vec<_> = st
        .grants
        .get(&event)
        .map(|g| {
            g.connections
                .iter()
                .rev()
                .map(|c| {
                    let name = st.tenant(&c.tenant_id).map(|t| t.name.clone()).unwrap_or_default();
                    json!({"id": c.id, "authEventId": event, "tenantId": c.tenant_id, "tenantType": "ORGANISATION",
                           "tenantName": name, "createdDateUtc": connection_date(c.created), "updatedDateUtc": connection_date(c.created)})
                })
                .collect()
        })
        .unwrap_or_default();
    Json(json!(list)).into_response()
}

/// `DELETE /connections/{id}` → 204, or 404 if unknown (xero-identity.yaml).
pub async fn delete_connection(State(s): State<Arc<Shared>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "DELETE /connections/{id}");
    let event = match authenticate(&s, &headers) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Ok(mut st) = s.state.lock() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let Some(g) = st.grants.get_mut(&event) else { return StatusCode::NOT_FOUND.into_response() };
    let before = g.connections.len();
    g.connections.retain(|c| !c.id.eq_ignore_ascii_case(&id));
    if g.connections.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// `GET /.well-known/openid-configuration` on the identity host (OpenID Connect Discovery 1.0
/// §4; clients such as authlib's `server_metadata_url` read Xero's endpoints from it). It
/// describes what this emulator serves: PKCE (S256) public clients, the code and refresh-token
/// grants, the granular scopes. The key set is empty because the sandbox issues no ID tokens.
pub async fn openid_configuration(State(s): State<Arc<Shared>>) -> Json<serde_json::Value> {
    s.ctx.counters.hit(crate::PROVIDER, "GET /identity/.well-known/openid-configuration");
    let identity = s.bases.identity.as_str().trim_end_matches('/');
    let login = s.bases.login.as_str().trim_end_matches('/');
    Json(json!({
        "issuer": identity,
        "authorization_endpoint": format!("{login}/identity/connect/authorize"),
        "token_endpoint": format!("{identity}/connect/token"),
        "revocation_endpoint": format!("{identity}/connect/revocation"),
        "jwks_uri": format!("{identity}/.well-known/openid-configuration/jwks"),
        "scopes_supported": [
            "offline_access", "accounting.settings", "accounting.settings.read", "accounting.contacts",
            "accounting.contacts.read", "accounting.invoices", "accounting.invoices.read", "accounting.payments",
            "accounting.payments.read", "accounting.banktransactions", "accounting.banktransactions.read",
            "accounting.manualjournals", "accounting.manualjournals.read", "accounting.attachments",
            "accounting.attachments.read"
        ],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"]
    }))
}

/// `GET /.well-known/openid-configuration/jwks`: no signing keys, as no ID token is issued.
pub async fn jwks() -> Json<serde_json::Value> {
    Json(json!({"keys": []}))
}
