//! The key cache against a tiny local JWKS server whose `Cache-Control`, answers and uptime the
//! tests control, with time on a manual clock.

use super::*;
use crate::oidc::testkit::{issuer_key, jwk, other_key, public};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::atomic::AtomicU16;
use std::sync::Mutex;
use time::macros::datetime;
use xp_core::ManualClock;

const NOW: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);
const A: &str = "kid-a";
const B: &str = "kid-b";

struct Served {
    jwks: Mutex<Value>,
    cache_control: Mutex<Option<String>>,
    status: AtomicU16,
    delay_ms: AtomicU64,
    hits: AtomicU64,
}

struct Server {
    url: Url,
    served: Arc<Served>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn keys(State(s): State<Arc<Served>>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let delay = s.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let status = StatusCode::from_u16(s.status.load(Ordering::SeqCst)).unwrap();
    let body = s.jwks.lock().unwrap().clone();
    let mut r = (status, axum::Json(body)).into_response();
    if let Some(cc) = s.cache_control.lock().unwrap().clone() {
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_str(&cc).unwrap());
    }
    r
}

fn jwks(kids: &[&str]) -> Value {
    json!({"keys": kids.iter().map(|k| jwk(issuer_key(), k)).collect::<Vec<_>>()})
}

async fn serve(kids: &[&str], cache_control: Option<&str>) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/oauth2/default/v1/keys", listener.local_addr().unwrap())).unwrap();
    let served = Arc::new(Served {
        jwks: Mutex::new(jwks(kids)),
        cache_control: Mutex::new(cache_control.map(str::to_owned)),
        status: AtomicU16::new(200),
        delay_ms: AtomicU64::new(0),
        hits: AtomicU64::new(0),
    });
    let app = axum::Router::new().route(url.path(), axum::routing::get(keys)).with_state(served.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                stopped.await.ok();
            })
            .await
            .unwrap()
    });
    Server { url, served, stop, task }
}

impl Server {
    fn hits(&self) -> u64 {
        self.served.hits.load(Ordering::SeqCst)
    }

    fn publish(&self, kids: &[&str]) {
        *self.served.jwks.lock().unwrap() = jwks(kids);
    }

    /// Closes the listener and every connection: afterwards nothing answers at the URL.
    async fn shut_down(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(10), self.task).await.unwrap().unwrap();
    }
}

/// The app's client without retries, so an outage fails at once.
fn http() -> HttpClient {
    let config = xp_http::HttpConfig {
        retry: xp_http::RetryPolicy { max_attempts: 1, ..Default::default() },
        ..Default::default()
    };
    HttpClient::new(config).unwrap()
}

fn cache(url: &Url) -> (JwksCache, ManualClock) {
    let clock = ManualClock::new(NOW);
    (JwksCache::new(http(), url.clone(), Arc::new(clock.clone())), clock)
}

fn is_unknown(r: &Result<RsaKey>, kid: &str) -> bool {
    matches!(r, Err(Error::IdTokenRejected(Rejected::UnknownKey(k))) if k == kid)
}

#[tokio::test]
async fn a_fresh_key_set_is_reused_without_fetching() {
    let server = serve(&[A], Some("max-age=300")).await;
    let (cache, clock) = cache(&server.url);
    assert_eq!(cache.key(A).await.unwrap(), public(issuer_key(), A));
    cache.key(A).await.unwrap();
    clock.advance(Duration::seconds(299));
    cache.key(A).await.unwrap();
    assert_eq!((cache.fetches(), server.hits()), (1, 1), "fresh for 300 s: one fetch serves every lookup");
}

#[tokio::test]
async fn a_key_set_past_its_max_age_is_fetched_again() {
    let server = serve(&[A], Some("public, max-age=300, must-revalidate")).await;
    let (cache, clock) = cache(&server.url);
    cache.key(A).await.unwrap();
    clock.advance(Duration::seconds(300));
    cache.key(A).await.unwrap();
    assert_eq!(server.hits(), 2, "max-age elapsed on the injected clock");
    cache.key(A).await.unwrap();
    assert_eq!(server.hits(), 2, "and the new copy is fresh again");
}

#[tokio::test]
async fn without_cache_control_the_set_is_kept_for_an_hour() {
    let server = serve(&[A], None).await;
    let (cache, clock) = cache(&server.url);
    cache.key(A).await.unwrap();
    clock.advance(DEFAULT_MAX_AGE - Duration::seconds(1));
    cache.key(A).await.unwrap();
    assert_eq!(cache.fetches(), 1);
    clock.advance(Duration::seconds(1));
    cache.key(A).await.unwrap();
    assert_eq!(cache.fetches(), 2);
}

#[tokio::test]
async fn no_store_no_cache_and_max_age_zero_fetch_on_every_use() {
    for cc in ["no-store", "no-cache", "max-age=0", "max-age=3600, no-store"] {
        let server = serve(&[A], Some(cc)).await;
        let (cache, _) = cache(&server.url);
        for _ in 0..3 {
            cache.key(A).await.unwrap();
        }
        assert_eq!((cache.fetches(), server.hits()), (3, 3), "'{cc}' forbids reuse");
    }
}

#[tokio::test]
async fn an_unknown_kid_is_refetched_at_most_once_a_minute() {
    let server = serve(&[A], Some("max-age=3600")).await;
    let (cache, clock) = cache(&server.url);
    cache.key(A).await.unwrap();

    assert!(is_unknown(&cache.key("forged-1").await, "forged-1"));
    assert_eq!(server.hits(), 2, "an unknown kid may be a rotated key: exactly one refetch");
    assert!(is_unknown(&cache.key("forged-2").await, "forged-2"));
    clock.advance(UNKNOWN_KID_REFETCH_INTERVAL - Duration::seconds(1));
    assert!(is_unknown(&cache.key("forged-3").await, "forged-3"));
    assert_eq!(server.hits(), 2, "more unknown kids within 60 s cost no request");
    cache.key(A).await.unwrap();
    assert_eq!(server.hits(), 2, "known keys are still served from the cache meanwhile");

    clock.advance(Duration::seconds(1));
    assert!(is_unknown(&cache.key("forged-4").await, "forged-4"));
    assert_eq!(server.hits(), 3, "a minute later one more refetch is allowed");
    assert_eq!(cache.fetches(), 3);
}

#[tokio::test]
async fn a_rotated_key_is_found_by_refetching() {
    let server = serve(&[A], Some("max-age=3600")).await;
    let (cache, _) = cache(&server.url);
    cache.key(A).await.unwrap();
    server.publish(&[A, B]);
    assert_eq!(cache.key(B).await.unwrap().kid(), B, "the provider rotated within the cache's lifetime");
    assert_eq!(cache.fetches(), 2);
    cache.key(B).await.unwrap();
    cache.key(A).await.unwrap();
    assert_eq!(cache.fetches(), 2, "both keys now come from the new copy");
}

#[tokio::test]
async fn a_stale_copy_stands_in_while_the_provider_is_down() {
    let server = serve(&[A], Some("max-age=60")).await;
    let url = server.url.clone();
    let (cache, clock) = cache(&url);
    cache.key(A).await.unwrap();
    server.shut_down().await;
    clock.advance(Duration::seconds(61));

    assert_eq!(cache.key(A).await.unwrap().kid(), A, "a key we already trusted outlives a network outage");
    assert_eq!(cache.fetches(), 2, "the refetch was tried");
    let err = cache.key(B).await.unwrap_err();
    assert!(err.is_transport(), "a kid we never saw needs the provider: {err:?}");

    clock.advance(MAX_STALE);
    let err = cache.key(A).await.unwrap_err();
    assert!(err.is_transport(), "not forever: {MAX_STALE} past freshness the stale copy is dropped: {err:?}");
}

#[tokio::test]
async fn a_stale_copy_stands_in_during_a_server_error_but_not_for_a_wrong_answer() {
    let server = serve(&[A], Some("max-age=60")).await;
    let (cache, clock) = cache(&server.url);
    cache.key(A).await.unwrap();
    clock.advance(Duration::seconds(61));
    server.served.status.store(503, Ordering::SeqCst);
    cache.key(A).await.unwrap();
    assert_eq!(server.hits(), 2);

    server.served.status.store(404, Ordering::SeqCst);
    let err = cache.key(A).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http(e) if matches!(e.as_ref(), xp_http::Error::Status { status: 404, .. })),
        "a 404 is an answer, not an outage: the configuration is wrong: {err:?}"
    );
}

#[tokio::test]
async fn a_key_set_larger_than_a_mebibyte_is_refused() {
    let server = serve(&[A], None).await;
    let mut huge = jwks(&[A]);
    huge["padding"] = json!("x".repeat(crate::MAX_DOCUMENT_BYTES));
    *server.served.jwks.lock().unwrap() = huge;
    let (cache, _) = cache(&server.url);
    let err = cache.key(A).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http(e) if matches!(e.as_ref(), xp_http::Error::TooLarge { .. })),
        "a key set is a few kilobytes; a bigger answer is not read into memory: {err:?}"
    );
}

#[tokio::test]
async fn without_any_copy_an_outage_is_an_error() {
    let server = serve(&[A], None).await;
    let url = server.url.clone();
    server.shut_down().await;
    let (cache, _) = cache(&url);
    let err = cache.key(A).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(cache.fetches(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_lookups_share_one_fetch() {
    let server = serve(&[A, B], Some("max-age=3600")).await;
    server.served.delay_ms.store(200, Ordering::SeqCst);
    let (cache, _) = cache(&server.url);
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.key(if i % 2 == 0 { A } else { B }).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!((cache.fetches(), server.hits()), (1, 1), "eight callers waited for the one fetch in flight");
}

#[test]
fn freshness_follows_cache_control() {
    let s = Duration::seconds;
    assert_eq!(freshness(None, None), DEFAULT_MAX_AGE);
    assert_eq!(freshness(Some("max-age=3600, must-revalidate"), None), s(3600), "Okta's sandbox header");
    assert_eq!(freshness(Some("Max-Age=\"120\""), None), s(120));
    assert_eq!(freshness(Some("public"), None), DEFAULT_MAX_AGE, "no lifetime given");
    assert_eq!(freshness(Some("max-age=31536000"), None), MAX_MAX_AGE, "clamped to 24 h");
    assert_eq!(freshness(Some("max-age=99999999999999999999999"), None), Duration::ZERO, "unparsable is stale");
    assert_eq!(freshness(Some("max-age=soon"), None), Duration::ZERO);
    assert_eq!(freshness(Some("max-age=60,max-age=3600"), None), Duration::ZERO, "ambiguous is stale");
    for cc in ["no-store", "no-cache", "max-age=0", "private, no-cache=\"set-cookie\", max-age=600"] {
        assert_eq!(freshness(Some(cc), None), Duration::ZERO, "{cc}");
    }
    assert_eq!(freshness(Some("max-age=3600"), Some("600")), s(3000), "time spent in caches counts");
    assert_eq!(freshness(Some("max-age=60"), Some("600")), Duration::ZERO);
}

#[test]
fn only_rs256_signing_keys_are_kept() {
    let good = jwk(issuer_key(), A);
    let mut enc = jwk(issuer_key(), "enc");
    enc["use"] = json!("enc");
    let mut rs512 = jwk(issuer_key(), "rs512");
    rs512["alg"] = json!("RS512");
    let mut no_verify = jwk(issuer_key(), "wrap");
    no_verify["key_ops"] = json!(["wrapKey"]);
    let mut no_kid = jwk(issuer_key(), "x");
    no_kid.as_object_mut().unwrap().remove("kid");
    let mut bad_n = jwk(issuer_key(), "bad-n");
    bad_n["n"] = json!("***");
    let mut short = jwk(issuer_key(), "short");
    short["n"] = json!("AQAB");
    let ec = json!({"kty": "EC", "crv": "P-256", "kid": "ec", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "use": "sig", "alg": "ES256"});
    let oct = json!({"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"});
    let mut bare = jwk(other_key(), B);
    for k in ["use", "alg"] {
        bare.as_object_mut().unwrap().remove(k);
    }
    let doc = json!({"keys": [ec, good, enc, rs512, no_verify, no_kid, bad_n, short, oct, bare, jwk(other_key(), A)]});
    let keys = parse_jwks(doc.to_string().as_bytes()).unwrap();
    let kids: Vec<&str> = keys.iter().map(RsaKey::kid).collect();
    assert_eq!(kids, [A, B], "use/alg may be absent (RFC 7517 §4.2, §4.4); everything else is skipped");
    assert_eq!(keys[0], public(issuer_key(), A), "with two keys under one kid the first is kept");
    assert_eq!(keys[0].bits(), 2048);
}

#[test]
fn leading_zero_bytes_of_the_modulus_are_ignored() {
    let plain = public(issuer_key(), A);
    let mut padded = jwk(issuer_key(), A);
    let n = B64.decode(padded["n"].as_str().unwrap()).unwrap();
    padded["n"] = json!(B64.encode([&[0u8][..], &n].concat()));
    let keys = parse_jwks(json!({"keys": [padded]}).to_string().as_bytes()).unwrap();
    assert_eq!(keys, [plain]);
}

#[test]
fn a_key_set_that_is_not_one_is_a_configuration_error() {
    for body in [&b"<html>"[..], b"{}", b"{\"keys\":{}}"] {
        assert!(matches!(parse_jwks(body), Err(Error::Discovery(_))), "{}", String::from_utf8_lossy(body));
    }
    assert!(parse_jwks(b"{\"keys\":[]}").unwrap().is_empty());
}

#[test]
fn keys_the_library_cannot_verify_are_skipped_not_trusted() {
    // 4104 bits: above what RustCrypto `rsa` verifies, so every token would fail on it.
    let mut big = jwk(issuer_key(), "big");
    big["n"] = json!(B64.encode([0xffu8; 513]));
    let keys = parse_jwks(json!({"keys": [big, jwk(issuer_key(), A)]}).to_string().as_bytes()).unwrap();
    assert_eq!(keys.iter().map(RsaKey::kid).collect::<Vec<_>>(), [A], "only keys within 2048–4096 bits are kept");
    let direct = RsaKey::new("small", &[0xff; 128], &[1, 0, 1]);
    assert_eq!(direct.bits(), 1024);
    assert!(!direct.verify_rs256(b"h.p", &[0; 128]), "a 1024-bit key never verifies, whatever the signature");
}
