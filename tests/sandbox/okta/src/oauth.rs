//! The endpoints of the `default` custom authorization server (sheet §2, paths
//! `/oauth2/default/v1/...`; Okta OAuth API https://developer.okta.com/docs/api/openapi/okta-oauth/oauth).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

use crate::pages;
use crate::rules::{self, RefreshUse};
use crate::state::{opaque, AccessRecord, AuthzRequest, CodeRecord, Grant, RefreshRecord, Shared};

/// Access and ID token lifetime: Okta's default access policy rule, 1 hour (sheet §5, and the
/// `expires_in: 3600` of the sheet §3 token response).
pub const TOKEN_TTL: Duration = Duration::hours(1);
/// Authorization codes are single-use and live one minute (okta-auth-js README,
/// `token.parseFromUrl`: "Authorization code has a lifetime of one minute and can only be used
/// once"; sheet §3 leaves the exact value unconfirmed).
pub const CODE_TTL: Duration = Duration::seconds(60);
/// Rotation grace period: the Okta default `leeway` of 30 s (sheet §5).
pub const LEEWAY: Duration = Duration::seconds(30);
/// Refresh tokens of the default policy have no absolute lifetime but die after 7 days unused
/// (sheet §5, refresh-tokens guide "Refresh token lifetime").
pub const REFRESH_IDLE: Duration = Duration::days(7);
/// How long the sign-in form stays valid.
const SIGN_IN_TTL: Duration = Duration::minutes(10);
/// Audience of the `default` server's access tokens (sheet §6).
pub const AUDIENCE: &str = "api://default";

type S = State<Arc<Shared>>;

/// Parses a query string or form body, refusing repeated parameters (RFC 6749 §3.1 and §3.2:
/// "Request and response parameters MUST NOT be included more than once").
fn params(raw: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        if map.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(format!("The '{k}' parameter was provided more than once."));
        }
    }
    Ok(map)
}

/// RFC 6749 §5.2 error body; token responses must not be cached (RFC 6749 §5.1).
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn invalid_client() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Client authentication failed. Either the client or the client credentials are invalid.",
    )
}

fn error_page(code: &str, description: &str) -> Response {
    (StatusCode::BAD_REQUEST, Html(pages::error(code, description))).into_response()
}

fn found(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `{uri}?k=v&...`, keeping any query the registered URI already has.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{}", ser.finish())
}

/// RFC 6749 §4.1.2.1 error redirect, echoing `state`.
fn redirect_error(redirect_uri: &str, state: Option<&str>, error: &str, description: &str) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    found(&with_query(redirect_uri, &pairs))
}

// ---------------------------------------------------------------------------------------------
// Discovery and keys

/// OpenID Connect Discovery 1.0 §3, with the members Okta's custom-AS metadata carries
/// (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/getwellknownopenidconfigurationcustomas).
/// Only what this server really does is advertised: code flow, PKCE S256, public clients.
pub async fn discovery(State(s): S) -> Response {
    let iss = s.issuer();
    let doc = json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/v1/authorize"),
        "token_endpoint": format!("{iss}/v1/token"),
        "userinfo_endpoint": format!("{iss}/v1/userinfo"),
        "jwks_uri": format!("{iss}/v1/keys"),
        "revocation_endpoint": format!("{iss}/v1/revoke"),
        "introspection_endpoint": format!("{iss}/v1/introspect"),
        "end_session_endpoint": format!("{iss}/v1/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": rules::SCOPES,
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "introspection_endpoint_auth_methods_supported": ["none"],
        "claims_supported": [
            "ver", "jti", "iss", "sub", "aud", "iat", "exp", "cid", "uid", "scp", "auth_time", "amr", "idp",
            "nonce", "name", "given_name", "family_name", "preferred_username", "email", "email_verified",
            "at_hash", "groups"
        ],
        "code_challenge_methods_supported": ["S256"],
        "request_parameter_supported": false,
        "claims_parameter_supported": false,
    });
    // Cache lifetimes of the discovery document and JWKS are the sandbox's choice; Okta sends
    // `Cache-Control` on both but documents no values (sheet §6 "honour Cache-Control").
    ([(header::CACHE_CONTROL, "max-age=86400, must-revalidate")], Json(doc)).into_response()
}

/// JWKS (RFC 7517) with a `Cache-Control` clients must honour (sheet §6). Refetch-on-unknown-
/// `kid` clients are safe because the next key is published before it signs anything.
pub async fn keys(State(s): S) -> Response {
    let jwks = s.keys().jwks();
    ([(header::CACHE_CONTROL, "max-age=3600, must-revalidate")], Json(jwks)).into_response()
}

// ---------------------------------------------------------------------------------------------
// Authorize

/// `GET /v1/authorize` (sheet §3). Checks, in order: client and redirect URI (failures show an
/// error page and never redirect, RFC 6749 §4.1.2.1), then everything else (failures redirect
/// with `error`, `error_description`, `state`).
///
/// Sandbox-only headless path: `login_hint=<demo username>&sandbox_auto=1` signs that user in
/// without showing the form, for API-level tests. Real Okta ignores `sandbox_auto`.
pub async fn authorize(State(s): S, RawQuery(q): RawQuery) -> Response {
    let p = match params(q.as_deref().unwrap_or("").as_bytes()) {
        Ok(p) => p,
        Err(e) => return error_page("invalid_request", &e),
    };
    let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match get("client_id") {
        Some(c) if c == s.client_id => {}
        Some(_) => return error_page("invalid_client", "The 'client_id' parameter was invalid."),
        None => return error_page("invalid_request", "The 'client_id' parameter is required."),
    }
    let Some(redirect_uri) = get("redirect_uri").filter(|r| rules::redirect_registered(r, "callback")) else {
        return error_page(
            "invalid_request",
            "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
        );
    };
    let state = get("state");
    let fail = |error: &str, description: &str| redirect_error(redirect_uri, state, error, description);

    match get("response_type") {
        Some("code") => {}
        Some(_) => {
            return fail(
                "unsupported_response_type",
                "The response type is not supported by the authorization server. Configured response types: [code].",
            )
        }
        None => return fail("invalid_request", "The 'response_type' parameter is required."),
    }
    if let Some(mode) = get("response_mode").filter(|m| *m != "query") {
        return fail("invalid_request", &format!("The 'response_mode' '{mode}' is not supported by this client."));
    }
    let Some(state) = state else {
        // Okta documents `state` as required on /authorize.
        return fail("invalid_request", "The 'state' parameter is required.");
    };
    let scopes = match get("scope").map(rules::parse_scopes) {
        None => return fail(
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        ),
        Some(Err(_)) => {
            return fail(
                "invalid_scope",
                "One or more scopes are not configured for the authorization server resource.",
            )
        }
        Some(Ok(sc)) => sc,
    };
    // Sandbox strictness: the app signs users in with OpenID Connect, so `openid` and a
    // `nonce` (OIDC Core §3.1.2.1, §15.5.2) are required; a client that passes here also
    // passes at Okta, which accepts more.
    if !scopes.iter().any(|x| x == "openid") {
        return fail("invalid_scope", "The 'openid' scope is required.");
    }
    let Some(nonce) = get("nonce") else {
        return fail("invalid_request", "The 'nonce' parameter is required.");
    };
    // PKCE is mandatory for public clients ("none" token endpoint auth), S256 only (sheet §2/§3).
    let Some(challenge) = get("code_challenge") else {
        return fail(
            "invalid_request",
            "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
        );
    };
    if get("code_challenge_method") != Some("S256") {
        return fail("invalid_request", "The PKCE code challenge method is not supported. Supported methods: [S256].");
    }
    // BASE64URL(SHA-256) is always 43 characters (RFC 7636 §4.2).
    if challenge.len() != 43 || !challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return fail("invalid_request", "PKCE code challenge must be 43 base64url characters.");
    }
    if get("prompt") == Some("none") {
        // No browser session exists in the sandbox (sheet §7: sessions are Okta's, not the app's).
        return fail("login_required", "The client specified not to prompt, but the user is not logged in.");
    }

    let req = AuthzRequest {
        client_id: s.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: state.to_owned(),
        nonce: Some(nonce.to_owned()),
        code_challenge: challenge.to_owned(),
        created: s.now(),
    };
    let hint = get("login_hint").unwrap_or("");
    if get("sandbox_auto") == Some("1") {
        if let Some(user) = s.user_by_name(hint) {
            return code_redirect(&s, req, user);
        }
    }
    let tx = opaque();
    s.store().pending.insert(tx.clone(), req);
    Html(pages::sign_in(&format!("{}/signin", s.base), &tx, hint, None)).into_response()
}

/// Issues a code for `user` and sends the browser back to the client (RFC 6749 §4.1.2).
fn code_redirect(s: &Shared, req: AuthzRequest, user: usize) -> Response {
    let now = s.now();
    let code = opaque();
    let location = with_query(&req.redirect_uri, &[("code", &code), ("state", &req.state)]);
    s.store()
        .codes
        .insert(code, CodeRecord { req, user, auth_time: now, expires: now + CODE_TTL, redeemed: false, grant: None });
    found(&location)
}

/// `POST /signin`: the sign-in form's target (stands in for Okta's hosted sign-in widget).
pub async fn sign_in(State(s): S, body: Bytes) -> Response {
    let p = params(&body).unwrap_or_default();
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let now = s.now();
    let req = {
        let mut store = s.store();
        store.pending.retain(|_, r| now - r.created < SIGN_IN_TTL);
        store.pending.get(get("tx")).cloned()
    };
    let Some(req) = req else {
        return error_page("invalid_request", "Your sign-in session has expired. Start again from the app.");
    };
    match s.user_by_name(get("username")) {
        Some(u) if s.users[u].password == get("password") => {
            s.store().pending.remove(get("tx"));
            code_redirect(&s, req, u)
        }
        // The widget's message for a wrong username or password.
        _ => (
            StatusCode::UNAUTHORIZED,
            Html(pages::sign_in(&format!("{}/signin", s.base), get("tx"), get("username"), Some("Unable to sign in"))),
        )
            .into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Token

/// Public-client authentication (token endpoint auth method `none`): `client_id` in the body
/// and no secret (sheet §2). Anything else is `invalid_client` (RFC 6749 §5.2).
fn client_ok(s: &Shared, p: &HashMap<String, String>, headers: &HeaderMap) -> bool {
    headers.get(header::AUTHORIZATION).is_none()
        && !p.contains_key("client_secret")
        && p.get("client_id").is_some_and(|c| *c == s.client_id)
}

/// The form body of a token-endpoint style request; the error is an `invalid_request` description.
fn form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, String> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err("The request must use the 'application/x-www-form-urlencoded' content type.".to_owned());
    }
    params(body)
}

/// `POST /v1/token` (sheet §3): `authorization_code` and `refresh_token` grants.
pub async fn token(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    let p = match form(&headers, &body) {
        Ok(p) => p,
        Err(e) => return invalid_request(&e),
    };
    if !client_ok(&s, &p, &headers) {
        return invalid_client();
    }
    let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match get("grant_type") {
        Some("authorization_code") => exchange_code(&s, &get),
        Some("refresh_token") => refresh(&s, &get),
        Some(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code, refresh_token].",
        ),
        None => invalid_request("The 'grant_type' parameter is required."),
    }
}

fn exchange_code<'a>(s: &Shared, get: &dyn Fn(&str) -> Option<&'a str>) -> Response {
    let Some(code) = get("code") else { return invalid_request("The 'code' parameter is required.") };
    let now = s.now();
    let mut store = s.store();
    let Some(rec) = store.codes.get_mut(code) else {
        return invalid_grant("The authorization code is invalid or has expired.");
    };
    if rec.redeemed {
        // RFC 6749 §4.1.2: a code used twice SHOULD revoke the tokens issued for it.
        let grant = rec.grant.clone();
        if let Some(g) = grant {
            store.revoke_grant(&g, now, "authorization code replayed");
        }
        return invalid_grant("The authorization code is invalid or has expired.");
    }
    // Single use: any redemption attempt consumes the code.
    rec.redeemed = true;
    if now >= rec.expires {
        return invalid_grant("The authorization code is invalid or has expired.");
    }
    if get("redirect_uri") != Some(rec.req.redirect_uri.as_str()) {
        // RFC 6749 §4.1.3: must be identical to the one in the authorization request.
        return invalid_grant(
            "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
        );
    }
    let Some(verifier) = get("code_verifier") else {
        return invalid_request("The 'code_verifier' parameter is required.");
    };
    // RFC 7636 §4.6; Okta answers a failed check with invalid_grant.
    if !rules::verifier_well_formed(verifier) || !rules::pkce_matches(verifier, &rec.req.code_challenge) {
        return invalid_grant("PKCE verification failed.");
    }
    let grant = Grant {
        id: opaque(),
        user: s.users[rec.user].id.clone(),
        client_id: rec.req.client_id.clone(),
        scopes: rec.req.scopes.clone(),
        auth_time: rec.auth_time,
        created: now,
        revoked_at: None,
        revoked_because: None,
        refreshes: 0,
        nonce: rec.req.nonce.clone(),
        user_index: rec.user,
    };
    rec.grant = Some(grant.id.clone());
    let scopes = grant.scopes.clone();
    let nonce = grant.nonce.clone();
    let id = grant.id.clone();
    store.grants.insert(id.clone(), grant);
    drop(store);
    issue(s, &id, &scopes, nonce.as_deref())
}

fn refresh<'a>(s: &Shared, get: &dyn Fn(&str) -> Option<&'a str>) -> Response {
    let Some(rt) = get("refresh_token") else { return invalid_request("The 'refresh_token' parameter is required.") };
    const DEAD: &str = "The refresh token is invalid or expired.";
    let now = s.now();
    let mut store = s.store();
    let Some(rec) = store.refresh.get(rt) else { return invalid_grant(DEAD) };
    let grant_id = rec.grant.clone();
    let Some(grant) = store.grants.get(&grant_id).filter(|g| g.revoked_at.is_none()).cloned() else {
        return invalid_grant(DEAD);
    };
    match rules::classify_refresh(now, rec.rotated_at, rec.expires, LEEWAY) {
        RefreshUse::Reuse => {
            // Reuse detection (sheet §5): the newest refresh token and every access token of
            // the grant die with it. Okta logs `app.oauth2.as.token.detect_reuse`.
            tracing::info!(grant = %grant_id, "okta sandbox: refresh token reuse detected, grant revoked");
            store.revoke_grant(&grant_id, now, "refresh token reuse detected");
            return invalid_grant(DEAD);
        }
        RefreshUse::Expired => return invalid_grant(DEAD),
        RefreshUse::Current | RefreshUse::WithinLeeway => {}
    }
    // An optional narrower scope (RFC 6749 §6: must not exceed the original grant).
    let scopes = match get("scope").map(rules::parse_scopes) {
        None => grant.scopes.clone(),
        Some(Ok(sc)) if sc.iter().all(|x| grant.scopes.contains(x)) && !sc.is_empty() => sc,
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed.",
            )
        }
    };
    // Rotation: every not-yet-rotated token of the grant starts its grace period now.
    for r in store.refresh.values_mut().filter(|r| r.grant == grant_id && r.rotated_at.is_none()) {
        r.rotated_at = Some(now);
    }
    if let Some(g) = store.grants.get_mut(&grant_id) {
        g.refreshes += 1;
    }
    drop(store);
    // OIDC Core §12.2: a refreshed ID token carries no nonce.
    issue(s, &grant_id, &scopes, None)
}

/// Mints the token response of sheet §3 for a grant. A refresh token comes only with
/// `offline_access` in the grant (sheet §5).
fn issue(s: &Shared, grant_id: &str, scopes: &[String], nonce: Option<&str>) -> Response {
    let now = s.now();
    let mut store = s.store();
    let Some(grant) = store.grants.get(grant_id).cloned() else {
        return invalid_grant("The refresh token is invalid or expired.");
    };
    let user = &s.users[grant.user_index];
    let iss = s.issuer();
    let (iat, exp) = (now.unix_timestamp(), (now + TOKEN_TTL).unix_timestamp());
    let scope_str = scopes.join(" ");
    let at_jti = format!("AT.{}", opaque());
    let keys = s.keys();
    // Custom-AS access token claims (sheet §6; Okta access-token reference).
    let access_token = keys.sign(&json!({
        "ver": 1, "jti": at_jti, "iss": iss, "aud": AUDIENCE, "iat": iat, "exp": exp,
        "cid": grant.client_id, "uid": user.id, "scp": scopes, "auth_time": grant.auth_time.unix_timestamp(),
        "sub": user.username,
    }));
    let mut body = json!({
        "token_type": "Bearer",
        "expires_in": TOKEN_TTL.whole_seconds(),
        "access_token": access_token,
        "scope": scope_str,
    });
    if scopes.iter().any(|x| x == "openid") {
        body["id_token"] = Value::String(keys.sign(&id_claims(s, &grant, scopes, nonce, &access_token, now)));
    }
    drop(keys);
    store.access.insert(at_jti, AccessRecord { grant: grant_id.to_owned(), revoked: false });
    if grant.scopes.iter().any(|x| x == "offline_access") {
        let rt = opaque();
        store.refresh.insert(
            rt.clone(),
            RefreshRecord { grant: grant_id.to_owned(), issued: now, expires: now + REFRESH_IDLE, rotated_at: None },
        );
        body["refresh_token"] = Value::String(rt);
    }
    ([(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], Json(body)).into_response()
}

/// ID token claims (sheet §6, OIDC Core §2 and §5.4: profile/email claims follow the scopes).
fn id_claims(
    s: &Shared,
    grant: &Grant,
    scopes: &[String],
    nonce: Option<&str>,
    access_token: &str,
    now: OffsetDateTime,
) -> Value {
    let user = &s.users[grant.user_index];
    let has = |x: &str| scopes.iter().any(|sc| sc == x);
    // OIDC Core §3.3.2.11: left half of SHA-256 of the access token, base64url.
    let digest = Sha256::digest(access_token.as_bytes());
    let mut c = json!({
        "sub": user.id, "ver": 1, "iss": s.issuer(), "aud": grant.client_id,
        "iat": now.unix_timestamp(), "exp": (now + TOKEN_TTL).unix_timestamp(),
        "jti": format!("ID.{}", opaque()), "amr": ["pwd"], "idp": s.org_id,
        "auth_time": grant.auth_time.unix_timestamp(), "at_hash": B64.encode(&digest[..16]),
        // A `groups` claim configured on the `default` server for ID tokens (filter: all).
        "groups": user.groups,
    });
    if let Some(n) = nonce {
        c["nonce"] = json!(n);
    }
    if has("profile") {
        c["name"] = json!(user.name());
        c["preferred_username"] = json!(user.username);
    }
    if has("email") {
        c["email"] = json!(user.username);
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Access-token checks, userinfo, introspection, revocation, logout

/// Claims of a live access token of this server, or `None`.
fn live_access_token(s: &Shared, token: &str) -> Option<Value> {
    let claims = s.keys().verify(token)?;
    let now = s.now().unix_timestamp();
    if claims["iss"] != json!(s.issuer()) || claims["aud"] != json!(AUDIENCE) || claims["exp"].as_i64()? <= now {
        return None;
    }
    let jti = claims["jti"].as_str()?;
    let store = s.store();
    let rec = store.access.get(jti)?;
    (!rec.revoked && store.grant_live(&rec.grant)).then_some(claims)
}

/// RFC 6750 §3 challenge in Okta's form (Okta OIDC reference, `/userinfo` error example).
pub fn bearer_challenge(issuer: &str, error: Option<(&str, &str)>) -> String {
    let mut v = format!("Bearer authorization_uri=\"{issuer}/v1/authorize\", realm=\"{issuer}\", scope=\"openid\"");
    if let Some((e, d)) = error {
        v.push_str(&format!(", error=\"{e}\", error_description=\"{d}\""));
    }
    v.push_str(", resource=\"/oauth2/default/v1/userinfo\"");
    v
}

fn challenge(status: StatusCode, value: String) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// `GET /v1/userinfo` with a Bearer access token (sheet §2, OIDC Core §5.3).
pub async fn userinfo(State(s): S, headers: HeaderMap) -> Response {
    let iss = s.issuer();
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(token) = auth.and_then(|a| a.strip_prefix("Bearer ")).map(str::trim).filter(|t| !t.is_empty()) else {
        // RFC 6750 §3.1: no error code when the request carried no credentials.
        return challenge(StatusCode::UNAUTHORIZED, bearer_challenge(&iss, None));
    };
    let Some(claims) = live_access_token(&s, token) else {
        return challenge(
            StatusCode::UNAUTHORIZED,
            bearer_challenge(&iss, Some(("invalid_token", "The access token is invalid."))),
        );
    };
    let scopes: Vec<&str> = claims["scp"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !scopes.contains(&"openid") {
        return challenge(
            StatusCode::FORBIDDEN,
            bearer_challenge(
                &iss,
                Some((
                    "insufficient_scope",
                    "The access token must provide access to at least one of these scopes - openid",
                )),
            ),
        );
    }
    let Some(user) = s.users.iter().find(|u| Some(u.id.as_str()) == claims["uid"].as_str()) else {
        return challenge(
            StatusCode::UNAUTHORIZED,
            bearer_challenge(&iss, Some(("invalid_token", "The access token is invalid."))),
        );
    };
    let mut out = json!({"sub": user.id, "groups": user.groups});
    if scopes.contains(&"profile") {
        out["name"] = json!(user.name());
        out["given_name"] = json!(user.given_name);
        out["family_name"] = json!(user.family_name);
        out["preferred_username"] = json!(user.username);
        out["locale"] = json!("en_US");
        out["zoneinfo"] = json!("Europe/Zurich");
    }
    if scopes.contains(&"email") {
        out["email"] = json!(user.username);
        out["email_verified"] = json!(true);
    }
    Json(out).into_response()
}

/// `POST /v1/introspect` (RFC 7662 §2.2): `{"active":false}` for anything not live.
pub async fn introspect(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    let p = match form(&headers, &body) {
        Ok(p) => p,
        Err(e) => return invalid_request(&e),
    };
    if !client_ok(&s, &p, &headers) {
        return invalid_client();
    }
    let Some(token) = p.get("token").filter(|t| !t.is_empty()) else {
        return invalid_request("The 'token' parameter is required.");
    };
    let inactive = || Json(json!({"active": false})).into_response();
    if let Some(c) = live_access_token(&s, token) {
        let scope = c["scp"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(" ");
        return Json(json!({
            "active": true, "token_type": "Bearer", "scope": scope, "client_id": c["cid"], "username": c["sub"],
            "exp": c["exp"], "iat": c["iat"], "sub": c["sub"], "aud": c["aud"], "iss": c["iss"], "jti": c["jti"],
            "uid": c["uid"],
        }))
        .into_response();
    }
    let now = s.now();
    let store = s.store();
    let Some(rec) = store.refresh.get(token.as_str()) else { return inactive() };
    let Some(grant) = store.grants.get(&rec.grant).filter(|g| g.revoked_at.is_none()) else { return inactive() };
    if !matches!(
        rules::classify_refresh(now, rec.rotated_at, rec.expires, LEEWAY),
        RefreshUse::Current | RefreshUse::WithinLeeway
    ) {
        return inactive();
    }
    let user = &s.users[grant.user_index];
    Json(json!({
        "active": true, "token_type": "Bearer", "scope": grant.scopes.join(" "), "client_id": grant.client_id,
        "username": user.username, "sub": user.username, "uid": user.id, "iat": rec.issued.unix_timestamp(),
        "exp": rec.expires.unix_timestamp(), "iss": s.issuer(),
    }))
    .into_response()
}

/// `POST /v1/revoke` (RFC 7009): 200 whether or not the token was known (§2.2). Revoking a
/// refresh token ends its grant, access tokens included (§2.1 SHOULD; sheet §7).
pub async fn revoke(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    let p = match form(&headers, &body) {
        Ok(p) => p,
        Err(e) => return invalid_request(&e),
    };
    if !client_ok(&s, &p, &headers) {
        return invalid_client();
    }
    let Some(token) = p.get("token").filter(|t| !t.is_empty()) else {
        return invalid_request("The 'token' parameter is required.");
    };
    let now = s.now();
    // Signature-checked claims only: an unverifiable JWT revokes nothing.
    let jti = s.keys().verify(token).and_then(|c| c["jti"].as_str().map(str::to_owned));
    let mut store = s.store();
    if let Some(grant) = store.refresh.get(token.as_str()).map(|r| r.grant.clone()) {
        store.revoke_grant(&grant, now, "refresh token revoked");
    } else if let Some(rec) = jti.and_then(|j| store.access.get_mut(&j)) {
        rec.revoked = true;
    }
    StatusCode::OK.into_response()
}

/// `GET /v1/logout` (sheet §7): needs an ID token of this server (an expired one is accepted:
/// it only names the session) and, for a redirect, a registered `post_logout_redirect_uri`
/// (sheet §4); `state` is echoed. Tokens are not revoked.
pub async fn logout(State(s): S, RawQuery(q): RawQuery) -> Response {
    let p = match params(q.as_deref().unwrap_or("").as_bytes()) {
        Ok(p) => p,
        Err(e) => return error_page("invalid_request", &e),
    };
    let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(hint) = get("id_token_hint") else {
        return error_page("invalid_request", "The 'id_token_hint' parameter is required.");
    };
    let valid = s.keys().verify(hint).is_some_and(|c| c["iss"] == json!(s.issuer()) && c["aud"] == json!(s.client_id));
    if !valid {
        return error_page(
            "invalid_token",
            "The 'id_token_hint' parameter is not a valid ID token of this authorization server.",
        );
    }
    match get("post_logout_redirect_uri") {
        None => (StatusCode::OK, Html(pages::signed_out())).into_response(),
        Some(uri) if rules::redirect_registered(uri, "logout") => match get("state") {
            Some(state) => found(&with_query(uri, &[("state", state)])),
            None => found(uri),
        },
        Some(_) => error_page(
            "invalid_request",
            "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(params(b"a=1&b=2").is_ok());
        assert!(params(b"a=1&a=2").is_err(), "RFC 6749 §3.1");
    }

    #[test]
    fn error_redirects_keep_state_and_encode_values() {
        assert_eq!(
            with_query("com.xeropartner.app:/auth/callback", &[("error", "access_denied"), ("state", "a b&c")]),
            "com.xeropartner.app:/auth/callback?error=access_denied&state=a+b%26c"
        );
        assert_eq!(
            with_query("http://127.0.0.1:1/callback?x=1", &[("code", "c")]),
            "http://127.0.0.1:1/callback?x=1&code=c"
        );
    }
}
