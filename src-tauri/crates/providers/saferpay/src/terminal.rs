//! The Management API's terminal: `GET {api}/rest/customers/{customerId}/terminals/{terminalId}`
//! ("Terminal GetTerminal", saferpay/jsonapi `texts/ChapterManagementApi.md` @d896220; it replaced
//! `…/terminals/{terminalId}/payment-methods` in 1.32 per `texts/Changelog.md`, so the sheet's
//! §4 entry names the older call). The cheapest read that names the terminal: it proves the
//! terminal is the customer's and says which payment methods and currencies it takes.

use crate::{Result, SaferpayClient};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Terminal {
    pub terminal_id: String,
    /// ECOM, SPG or MPO.
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub payment_methods: Vec<PaymentMethodInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PaymentMethodInfo {
    pub payment_method: String,
    #[serde(default)]
    pub currencies: Vec<String>,
}

impl Terminal {
    /// Whether the terminal takes `method` (e.g. `DIRECTDEBIT`) in `currency`.
    pub fn offers(&self, method: &str, currency: &str) -> bool {
        self.payment_methods.iter().any(|m| m.payment_method == method && m.currencies.iter().any(|c| c == currency))
    }

    /// "VISA (USD), DIRECTDEBIT (EUR)": what the terminal takes, for a message.
    pub fn offered(&self) -> String {
        let all: Vec<String> = self
            .payment_methods
            .iter()
            .map(|m| format!("{} ({})", m.payment_method, m.currencies.join(", ")))
            .collect();
        if all.is_empty() {
            "nothing".to_owned()
        } else {
            all.join(", ")
        }
    }
}

impl SaferpayClient {
    /// The configured terminal as Saferpay describes it.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn terminal(&self) -> Result<Terminal> {
        let (customer, terminal) = (self.config().customer_id.clone(), self.config().terminal_id.clone());
        let url = self.url(&["rest", "customers", &customer, "terminals", &terminal])?;
        self.rest_get(url, "terminal").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_reads_and_says_what_the_terminal_takes() {
        let t: Terminal = serde_json::from_value(serde_json::json!({
            "TerminalId": "1000001", "Type": "ECOM", "Description": "Terminal 1 for Payment Page / Ecommerce",
            "PaymentMethods": [
                {"PaymentMethod": "VISA", "Currencies": ["USD"], "LogoUrl": "https://www.saferpay.com/static/logo/visa.svg"},
                {"PaymentMethod": "MASTERCARD", "Currencies": ["EUR", "CHF"], "LogoUrl": "https://www.saferpay.com/static/logo/mastercard.svg"}
            ],
            "Wallets": [{"WalletName": "APPLEPAY", "LogoUrl": "https://www.saferpay.com/static/logo/applepay.svg"}]
        }))
        .unwrap();
        assert!(t.offers("MASTERCARD", "CHF"));
        assert!(!t.offers("DIRECTDEBIT", "EUR") && !t.offers("VISA", "EUR"));
        assert_eq!(t.offered(), "VISA (USD), MASTERCARD (EUR, CHF)");
    }
}
