//! RS256 JWTs and the key ring behind `/v1/keys`.
//!
//! Okta publishes 2–3 keys in no fixed order and rotates them (sheet §6, Okta "keys"
//! reference: https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/orgas/oauthkeys.md).
//! The ring mirrors that: the key in use, the one before it (so tokens signed before a rotation
//! still verify) and the next one, published ahead of use so clients that cache the JWKS already
//! know it. Keys are generated on background threads so the sandbox starts at once; the first
//! use blocks until the key is ready.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rand::Rng;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

const BITS: usize = 2048;

struct Material {
    signer: SigningKey<Sha256>,
    verifier: VerifyingKey<Sha256>,
    n: String,
    e: String,
}

impl Material {
    fn of(key: RsaPrivateKey) -> Material {
        let public = key.to_public_key();
        Material {
            n: B64.encode(public.n().to_bytes_be()),
            e: B64.encode(public.e().to_bytes_be()),
            verifier: VerifyingKey::new(public),
            signer: SigningKey::new(key),
        }
    }
}

/// One RSA key whose `kid` is known at once and whose material may still be generating.
pub struct Key {
    pub kid: String,
    pending: Mutex<Option<JoinHandle<RsaPrivateKey>>>,
    ready: OnceLock<Material>,
}

impl Key {
    fn spawn() -> Key {
        let handle = std::thread::spawn(|| {
            RsaPrivateKey::new(&mut rand::thread_rng(), BITS).expect("2048-bit RSA key generation cannot fail")
        });
        Key { kid: random_kid(), pending: Mutex::new(Some(handle)), ready: OnceLock::new() }
    }

    /// A key read back from a state file (PKCS#8 PEM), so tokens it signed still verify.
    fn from_pem(kid: String, pem: &str) -> Result<Key, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| format!("signing key {kid}: {e}"))?;
        Ok(Key { kid, pending: Mutex::new(None), ready: OnceLock::from(Material::of(key)) })
    }

    /// PKCS#8 PEM of the private key (waits for it if it is still generating).
    fn to_pem(&self) -> Result<String, String> {
        let pem = self.material().signer.to_pkcs8_pem(LineEnding::LF).map_err(|e| format!("signing key: {e}"))?;
        Ok(pem.to_string())
    }

    fn material(&self) -> &Material {
        self.ready.get_or_init(|| {
            let handle = self.pending.lock().unwrap_or_else(|p| p.into_inner()).take();
            let key = match handle {
                Some(h) => h.join().expect("the key generation thread does not panic"),
                // Only reachable if another thread took the handle and panicked before
                // initialising; generate inline rather than hang.
                None => RsaPrivateKey::new(&mut rand::thread_rng(), BITS).expect("RSA key generation"),
            };
            Material::of(key)
        })
    }

    /// RFC 7517 JWK in the shape of sheet §6.
    pub fn jwk(&self) -> Value {
        let m = self.material();
        json!({"kty": "RSA", "alg": "RS256", "kid": self.kid, "use": "sig", "e": m.e, "n": m.n})
    }
}

/// Okta key ids are 43-character base64url strings (e.g. the `kid` of any Okta JWKS); the
/// exact derivation is Okta's own, so this is random of the same shape.
fn random_kid() -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    B64.encode(bytes)
}

pub struct KeyRing {
    keys: Vec<Key>,
    current: usize,
}

impl Default for KeyRing {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyRing {
    /// The current key and the next one, both generating in the background.
    pub fn new() -> KeyRing {
        KeyRing { keys: vec![Key::spawn(), Key::spawn()], current: 0 }
    }

    /// Every key of the ring as (kid, PKCS#8 PEM), and which one is current.
    pub fn save(&self) -> Result<(Vec<(String, String)>, usize), String> {
        let keys = self.keys.iter().map(|k| Ok((k.kid.clone(), k.to_pem()?))).collect::<Result<_, String>>()?;
        Ok((keys, self.current))
    }

    /// The ring [`KeyRing::save`] described: same kids, same keys, same current one.
    pub fn restore(keys: Vec<(String, String)>, current: usize) -> Result<KeyRing, String> {
        if current >= keys.len() {
            return Err(format!("current key {current} of {} keys", keys.len()));
        }
        let keys = keys.into_iter().map(|(kid, pem)| Key::from_pem(kid, &pem)).collect::<Result<_, _>>()?;
        Ok(KeyRing { keys, current })
    }

    pub fn current(&self) -> &Key {
        &self.keys[self.current]
    }

    /// Makes the pre-published next key current and starts generating a new next one. The
    /// previous key stays published, so tokens it signed verify until the next rotation.
    pub fn rotate(&mut self) {
        self.current += 1;
        self.keys.push(Key::spawn());
        // Keys older than the previous one are gone from the JWKS; drop their material.
        if self.current >= 2 {
            self.keys.drain(..self.current - 1);
            self.current = 1;
        }
    }

    /// Published keys: previous (after a rotation), current, next.
    pub fn published(&self) -> &[Key] {
        &self.keys[self.current.saturating_sub(1)..]
    }

    pub fn jwks(&self) -> Value {
        json!({"keys": self.published().iter().map(Key::jwk).collect::<Vec<_>>()})
    }

    pub fn kids(&self) -> Vec<String> {
        self.published().iter().map(|k| k.kid.clone()).collect()
    }

    /// Signs `claims` with the current key. Okta's header is `{"kid":..,"alg":"RS256"}` in
    /// that order (its tokens start `eyJraWQi`, sheet §3).
    pub fn sign(&self, claims: &Value) -> String {
        let key = self.current();
        let header = format!(r#"{{"kid":"{}","alg":"RS256"}}"#, key.kid);
        let input = format!("{}.{}", B64.encode(header), B64.encode(claims.to_string()));
        let sig: Signature = key.material().signer.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(sig.to_bytes()))
    }

    /// Checks the signature against a published key and returns the claims. Expiry and
    /// audience are the caller's business.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let (header, claims, sig) = split(token)?;
        let kid = header.get("kid")?.as_str()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let key = self.published().iter().find(|k| k.kid == kid)?;
        let (input, _) = token.rsplit_once('.')?;
        let sig = Signature::try_from(sig.as_slice()).ok()?;
        key.material().verifier.verify(input.as_bytes(), &sig).ok()?;
        Some(claims)
    }
}

/// Header, claims and raw signature of a compact JWS, without verifying anything.
pub fn split(token: &str) -> Option<(Value, Value, Vec<u8>)> {
    let mut parts = token.split('.');
    let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
    let claims = serde_json::from_slice(&B64.decode(c).ok()?).ok()?;
    Some((header, claims, B64.decode(s).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_verifies_and_keeps_the_previous_key_after_rotation() {
        let mut ring = KeyRing::new();
        assert_eq!(ring.published().len(), 2, "current + next key are published before any rotation");
        let t1 = ring.sign(&json!({"sub": "a"}));
        assert!(t1.starts_with("eyJraWQi"), "Okta headers put kid first");
        assert_eq!(ring.verify(&t1).expect("own token verifies")["sub"], "a");

        let old = ring.current().kid.clone();
        ring.rotate();
        assert_ne!(ring.current().kid, old);
        assert_eq!(ring.published().len(), 3, "previous, current, next");
        assert!(ring.kids().contains(&old), "the previous key stays published");
        assert!(ring.verify(&t1).is_some(), "tokens signed before the rotation still verify");

        ring.rotate();
        ring.rotate();
        assert!(!ring.kids().contains(&old), "two rotations later the old key is gone");
        assert!(ring.verify(&t1).is_none());
        assert_eq!(ring.published().len(), 3);
    }

    #[test]
    fn a_saved_ring_restores_with_the_same_keys() {
        let mut ring = KeyRing::new();
        ring.rotate();
        let token = ring.sign(&json!({"sub": "a"}));
        let (keys, current) = ring.save().expect("keys save");
        // Saved as PKCS#8 PEM (generated by this test's ring, never a committed key).
        assert!(RsaPrivateKey::from_pkcs8_pem(&keys[0].1).is_ok(), "PKCS#8 PEM");
        let back = KeyRing::restore(keys, current).expect("keys restore");
        assert_eq!(back.kids(), ring.kids(), "the JWKS publishes the same kids");
        assert_eq!(back.current().kid, ring.current().kid);
        assert_eq!(back.jwks(), ring.jwks(), "and the same public keys");
        assert!(back.verify(&token).is_some(), "tokens signed before the restart verify");
        // PKCS#1 v1.5 signatures are deterministic: equal tokens mean the same private key.
        assert_eq!(back.sign(&json!({"sub": "b"})), ring.sign(&json!({"sub": "b"})));
        assert!(KeyRing::restore(vec![], 0).is_err());
        assert!(KeyRing::restore(vec![("k".into(), "not a key".into())], 0).is_err());
    }

    #[test]
    fn tampered_tokens_do_not_verify() {
        let ring = KeyRing::new();
        let t = ring.sign(&json!({"sub": "a"}));
        let (h, rest) = t.split_once('.').expect("three parts");
        let (_, s) = rest.split_once('.').expect("three parts");
        let forged = format!("{h}.{}.{s}", B64.encode(r#"{"sub":"b"}"#));
        assert!(ring.verify(&forged).is_none());
        assert!(ring.verify("a.b").is_none());
    }
}
