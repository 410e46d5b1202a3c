//! Proof Key for Code Exchange (RFC 7636), S256 only: `plain` protects nothing once the
//! authorize URL is seen, and both Xero and Okta accept S256.

use crate::{Error, Result};
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};
use rand::{CryptoRng, Rng};
use xp_core::Sensitive;

/// RFC 7636 §4.1: `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"`.
const UNRESERVED: &[u8; 66] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/// 64 characters of a 66-symbol alphabet: about 386 bits, well above the 256 bits §7.1 asks for,
/// and inside the 43..=128 range both §4.1 and Xero require.
pub const VERIFIER_LEN: usize = 64;

/// A verifier and its S256 challenge. The challenge is computed by the `oauth2` library, which
/// also puts it in the authorize URL; the verifier is drawn here, because the library's own
/// generator takes no injected randomness (STYLE.md: tests seed it) and encodes bytes rather
/// than drawing from the whole §4.1 alphabet.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// Stays in the app; sent once, to the token endpoint.
    pub verifier: Sensitive<String>,
    /// Goes into the authorize URL.
    pub challenge: String,
    code_challenge: PkceCodeChallenge,
}

impl Pkce {
    /// A fresh verifier. Randomness is injected: pass `rand::rngs::OsRng` (or `thread_rng()`) in
    /// the app, a seeded generator in tests.
    pub fn generate<R: Rng + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        // gen_range is unbiased, so every symbol is equally likely.
        let verifier: String =
            (0..VERIFIER_LEN).map(|_| UNRESERVED[rng.gen_range(0..UNRESERVED.len())] as char).collect();
        Self::s256(Sensitive::new(verifier))
    }

    /// The S256 pair for a given verifier (RFC 7636 §4.2). The verifier must be 43 to 128
    /// characters of the §4.1 alphabet.
    pub fn from_verifier(verifier: Sensitive<String>) -> Result<Self> {
        let v = verifier.expose();
        if !(43..=128).contains(&v.len()) || !v.bytes().all(|c| UNRESERVED.contains(&c)) {
            return Err(Error::InvalidRequest(
                "a PKCE verifier is 43 to 128 letters, digits or '-._~' (RFC 7636 §4.1)".into(),
            ));
        }
        Ok(Self::s256(verifier))
    }

    /// Only called with a verifier of the checked length: the library asserts it.
    fn s256(verifier: Sensitive<String>) -> Self {
        let code_challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.expose().clone()));
        Self { verifier, challenge: code_challenge.as_str().to_owned(), code_challenge }
    }

    pub(crate) fn code_challenge(&self) -> &PkceCodeChallenge {
        &self.code_challenge
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use sha2::{Digest, Sha256};

    /// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`, no padding (RFC 7636 §4.2, Appendix A),
    /// computed without the library, to check it.
    fn s256(verifier: &str) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    }

    #[test]
    fn matches_rfc_7636_appendix_b() {
        let p = Pkce::from_verifier(Sensitive::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned())).unwrap();
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "the RFC's worked example");
    }

    #[test]
    fn generated_verifiers_are_64_unreserved_chars_and_differ() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = Pkce::generate(&mut rng);
        let b = Pkce::generate(&mut rng);
        assert_eq!(a.verifier.expose().len(), VERIFIER_LEN);
        assert!(a.verifier.expose().bytes().all(|c| UNRESERVED.contains(&c)), "only RFC 7636 §4.1 characters");
        assert_ne!(a.verifier.expose(), b.verifier.expose(), "each flow gets its own verifier");
        assert_eq!(a.challenge, s256(a.verifier.expose()));
        assert_eq!(a.challenge.len(), 43, "a SHA-256 digest in unpadded base64url is 43 characters");
        assert!(!format!("{a:?}").contains(a.verifier.expose().as_str()), "Debug must not show the verifier");
    }

    #[test]
    fn verifiers_outside_rfc_7636_are_refused() {
        for bad in ["short".to_owned(), "a".repeat(129), format!("{}+", "a".repeat(50))] {
            assert!(matches!(Pkce::from_verifier(Sensitive::new(bad)), Err(Error::InvalidRequest(_))));
        }
        assert!(Pkce::from_verifier(Sensitive::new("a".repeat(43))).is_ok());
        assert!(Pkce::from_verifier(Sensitive::new("~".repeat(128))).is_ok());
    }

    #[test]
    fn seeded_generation_is_reproducible() {
        let a = Pkce::generate(&mut StdRng::seed_from_u64(1));
        let b = Pkce::generate(&mut StdRng::seed_from_u64(1));
        assert_eq!(a.verifier, b.verifier, "injected randomness makes tests exact");
    }
}
