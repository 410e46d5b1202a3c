//! The browser round trip: authorize → consent → redirect to the loopback receiver → code
//! exchange, and the ways a redirect is refused.

use crate::sandbox::start;
use reqwest::StatusCode;
use std::sync::Arc;
use xp_auth::{exchange_code, Error, Registry};
use xp_core::{Clock, ErrorCode};

#[tokio::test]
async fn full_loopback_sign_in_yields_tokens_that_work() {
    let s = start().await;
    let registry = Registry::new(Arc::new(s.clock.clone()));
    let client = s.auto_client();
    let (waiting, state, url) = s.begin(&registry, &client).await;

    let (status, page) = s.follow(s.browser.get(url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("You can close this window and return to Xero Partner"), "{page}");
    let cb = waiting.await.unwrap().unwrap();
    assert_eq!(cb.state, state, "the provider echoes our state");
    assert!(!page.contains(cb.code.expose().as_str()), "the page must not show the code");

    let flow = registry.take(&cb.state, "xero").unwrap();
    assert_eq!(flow.provider, "xero");
    let tokens =
        exchange_code(&s.http, &s.clock, &s.token_url(), &client, &cb.code, &flow.redirect_uri, &flow.verifier)
            .await
            .unwrap();
    assert!(tokens.refresh_token.is_some(), "offline_access was asked for, so a refresh token comes back");
    assert_eq!(tokens.expires_at - s.clock.now(), time::Duration::minutes(30), "Xero's expires_in is 1800 s");
    assert!(tokens.scope.contains("accounting.invoices"));

    let (status, conns) = s.connections(&tokens.access_token).await;
    assert_eq!(status, StatusCode::OK, "{conns}");
    assert!(!conns.as_array().unwrap().is_empty(), "the demo user consented to its organisations");

    // The code is single-use at the provider too.
    let again = exchange_code(&s.http, &s.clock, &s.token_url(), &client, &cb.code, &flow.redirect_uri, &flow.verifier)
        .await
        .unwrap_err();
    assert!(matches!(again, Error::InvalidGrant { .. }), "{again:?}");
}

#[tokio::test]
async fn forged_and_replayed_states_are_refused() {
    let s = start().await;
    let registry = Registry::new(Arc::new(s.clock.clone()));
    let (waiting, _, url) = s.begin(&registry, &s.auto_client()).await;
    // Something else reaches the receiver first with a state we never issued.
    let location = url::Url::parse(&format!("http://127.0.0.1:{}/callback", redirect_port(&url))).unwrap();
    let forged = s.browser.get(format!("{location}?code=attacker-code&state=forged")).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST, "a state this flow did not issue is not its answer");
    assert!(!forged.text().await.unwrap().contains("Signed in"), "the page is chosen after the state check");
    assert!(!waiting.is_finished(), "the receiver keeps listening for the real answer");
    let err = registry.take("forged", "xero").unwrap_err();
    assert!(matches!(err, Error::UnknownState), "{err:?}");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(registry.len(), 1, "the real flow is still pending");

    // The real redirect reaches the same receiver, and is then used twice.
    s.follow(s.browser.get(url).send().await.unwrap()).await;
    let cb = waiting.await.unwrap().unwrap();
    assert!(registry.take(&cb.state, "xero").is_ok());
    assert!(matches!(registry.take(&cb.state, "xero"), Err(Error::ReplayedState)), "a state opens one flow only");
}

/// The port the authorize URL sends the browser back to.
fn redirect_port(url: &url::Url) -> u16 {
    let redirect = url.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
    url::Url::parse(&redirect).unwrap().port().unwrap()
}

#[tokio::test]
async fn a_denied_consent_surfaces_as_access_denied() {
    let s = start().await;
    let registry = Registry::new(Arc::new(s.clock.clone()));
    let (waiting, state, url) = s.begin(&registry, &s.client()).await;
    let consent_page = s.browser.get(url).send().await.unwrap().text().await.unwrap();
    let consent = consent_page
        .split("name=\"consent\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the consent page carries its consent id")
        .to_owned();
    let denied = s
        .browser
        .post(format!("{}/identity/connect/authorize/consent", s.base))
        .form(&[("consent", consent.as_str()), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    let (status, page) = s.follow(denied).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sign-in cancelled"), "{page}");
    match waiting.await.unwrap() {
        Err(Error::AccessDenied { state: Some(st), .. }) => assert_eq!(st, state, "the denial carries our state"),
        other => panic!("expected AccessDenied, got {other:?}"),
    }
    registry.cancel(&state);
    assert!(registry.is_empty());
}
