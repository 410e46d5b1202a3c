//! OKX v5 request signing, as pure functions.
//!
//! Contract sheet §2 (copy of https://www.okx.com/docs-v5/en/#overview-rest-authentication):
//! `OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body))`, where
//! `requestPath` carries the query string exactly as sent and `body` is the exact JSON text
//! (empty for GET).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

type HmacSha256 = Hmac<Sha256>;

/// The string OKX signs: `timestamp + METHOD + requestPath(?query) + body`.
pub fn prehash(timestamp: &str, method: &str, request_path: &str, body: &str) -> String {
    format!("{timestamp}{}{request_path}{body}", method.to_ascii_uppercase())
}

/// `OK-ACCESS-SIGN` for a request.
pub fn sign(secret: &str, timestamp: &str, method: &str, request_path: &str, body: &str) -> String {
    STANDARD.encode(mac(secret, &prehash(timestamp, method, request_path, body)).finalize().into_bytes())
}

/// Whether `signature` (base64, as sent) is the right one; compared in constant time.
pub fn verify(secret: &str, prehash: &str, signature: &str) -> bool {
    match STANDARD.decode(signature.trim()) {
        Ok(raw) => mac(secret, prehash).verify_slice(&raw).is_ok(),
        Err(_) => false,
    }
}

fn mac(secret: &str, msg: &str) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    m.update(msg.as_bytes());
    m
}

/// `OK-ACCESS-TIMESTAMP` format: ISO 8601 UTC with milliseconds and a trailing `Z`
/// (`2020-12-08T09:08:57.715Z`, sheet §2 and §9: "not epoch ms").
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses `OK-ACCESS-TIMESTAMP`. Anything that is not an RFC 3339 instant (epoch numbers,
/// dates without a zone) is malformed, which OKX answers with 50112.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The docs' sample secret and timestamp (https://www.okx.com/docs-v5/en/#overview-rest-authentication,
    // mirrored in qiuham/crypto-api-docs docs/okx/overview/rest/authentication.md). OKX publishes
    // no expected output; the values below are the contract sheet's vectors, recomputed
    // independently with `openssl dgst -sha256 -hmac 22582BD0CFF14C41EDBF1AB98506286D -binary | base64`.
    const SECRET: &str = "22582BD0CFF14C41EDBF1AB98506286D";
    const TS: &str = "2020-12-08T09:08:57.715Z";

    #[test]
    fn prehash_is_timestamp_method_path_body() {
        assert_eq!(
            prehash(TS, "get", "/api/v5/account/balance?ccy=BTC", ""),
            "2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC",
            "method is upper-cased and the query stays part of requestPath"
        );
    }

    #[test]
    fn get_with_query_matches_the_published_vector() {
        assert_eq!(
            sign(SECRET, TS, "GET", "/api/v5/account/balance?ccy=BTC", ""),
            "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="
        );
    }

    #[test]
    fn post_body_is_part_of_the_prehash() {
        let body = r#"{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}"#;
        let with_body = sign(SECRET, TS, "POST", "/api/v5/account/set-leverage", body);
        assert_eq!(with_body, "eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=");
        assert_ne!(
            with_body,
            sign(SECRET, TS, "POST", "/api/v5/account/set-leverage", ""),
            "body must change the signature"
        );
    }

    #[test]
    fn verify_accepts_the_right_signature_only() {
        let p = prehash(TS, "GET", "/api/v5/account/balance?ccy=BTC", "");
        assert!(verify(SECRET, &p, "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="));
        assert!(!verify(SECRET, &p, "eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8="));
        assert!(!verify("other", &p, "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="));
        assert!(!verify(SECRET, &p, "not base64!"));
    }

    #[test]
    fn timestamps_round_trip_in_the_documented_format() {
        let t = parse_timestamp(TS).unwrap();
        assert_eq!(format_timestamp(t), TS);
        assert!(parse_timestamp("1607418537715").is_none(), "epoch ms is not ISO 8601");
        assert!(parse_timestamp("2020-12-08 09:08:57").is_none());
    }
}
