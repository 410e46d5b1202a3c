use rand::RngCore;
use xp_core::Sensitive;
use zeroize::Zeroizing;

/// The 32-byte raw SQLCipher key. Generated once per database, kept in the vault as hex.
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl StoreKey {
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Parses the vault's hex form; anything else is refused rather than used as a passphrase.
    pub fn from_hex(hex_key: &Sensitive<String>) -> Option<Self> {
        let raw = hex::decode(hex_key.expose().trim()).ok()?;
        let bytes: [u8; 32] = raw.try_into().ok()?;
        Some(Self::from_bytes(bytes))
    }

    /// The raw bytes, for a key used as a MAC key rather than a database key.
    pub fn bytes(&self) -> [u8; 32] {
        *self.0
    }

    pub fn to_hex(&self) -> Sensitive<String> {
        Sensitive::new(hex::encode(self.0.as_ref()))
    }

    /// The value for `PRAGMA key`: a raw key (`x'…'`) skips SQLCipher's passphrase KDF.
    pub(crate) fn pragma_value(&self) -> String {
        format!("\"x'{}'\"", hex::encode(self.0.as_ref()))
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_rejects_bad_input() {
        let k = StoreKey::generate();
        let back = StoreKey::from_hex(&k.to_hex()).unwrap();
        assert_eq!(k.0.as_ref(), back.0.as_ref());
        assert!(StoreKey::from_hex(&Sensitive::new("abcd".into())).is_none(), "short key");
        assert!(StoreKey::from_hex(&Sensitive::new("zz".repeat(32))).is_none(), "not hex");
        assert_eq!(format!("{k:?}"), "StoreKey(<redacted>)");
    }

    #[test]
    fn two_generated_keys_differ() {
        assert_ne!(StoreKey::generate().to_hex(), StoreKey::generate().to_hex());
    }
}
