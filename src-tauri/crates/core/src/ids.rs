//! Typed identifiers: a connection id cannot be passed where an organisation id is expected.

use serde::{Deserialize, Serialize};

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn new_random() -> Self {
                Self(uuid::Uuid::new_v4())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// The app's own id for a provider connection (one per Xero tenant, GoCardless account, ...).
    ConnectionId
);
uuid_id!(
    /// The app's own id for an organisation (a Xero tenant the user chose to keep).
    OrganisationId
);
uuid_id!(
    /// An outbox item: an action waiting to be sent exactly once.
    OutboxId
);
uuid_id!(
    /// One attempt to collect an invoice by direct debit, from its intent to the bank.
    CollectionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_strings_and_json() {
        let id = ConnectionId::new_random();
        let parsed: ConnectionId = id.to_string().parse().unwrap();
        assert_eq!(id, parsed);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""), "ids serialise as bare strings");
        assert!("not-a-uuid".parse::<OrganisationId>().is_err());
    }
}
