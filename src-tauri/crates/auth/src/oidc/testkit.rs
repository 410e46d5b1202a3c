//! Test-only: RSA keys of our own and a JWS encoder, to forge every kind of bad token.

use super::RsaKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::OnceLock;

/// Key generation is slow; each test binary makes two keys once and shares them.
fn generate(cell: &'static OnceLock<RsaPrivateKey>) -> &'static RsaPrivateKey {
    cell.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap())
}

/// The provider's key.
pub fn issuer_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    generate(&KEY)
}

/// An attacker's key.
pub fn other_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    generate(&KEY)
}

pub fn public(key: &RsaPrivateKey, kid: &str) -> RsaKey {
    RsaKey::new(kid, &key.n().to_bytes_be(), &key.e().to_bytes_be())
}

/// A JWK in the shape of okta.md §6.
pub fn jwk(key: &RsaPrivateKey, kid: &str) -> Value {
    json!({"kty": "RSA", "alg": "RS256", "kid": kid, "use": "sig",
           "e": B64.encode(key.e().to_bytes_be()), "n": B64.encode(key.n().to_bytes_be())})
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    B64.encode(bytes)
}

/// `header.claims` encoded, without a signature.
pub fn signing_input(header: &Value, claims: &Value) -> String {
    format!("{}.{}", b64(header.to_string()), b64(claims.to_string()))
}

/// A compact JWS signed with RS256 by `key`, whatever the header says.
pub fn sign(key: &RsaPrivateKey, header: &Value, claims: &Value) -> String {
    sign_input(key, &signing_input(header, claims))
}

/// Signs an arbitrary signing input (for payloads that are not JSON at all).
pub fn sign_input(key: &RsaPrivateKey, input: &str) -> String {
    let sig = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
    format!("{input}.{}", b64(sig.to_bytes()))
}
