//! The Management API's GetTerminal: the customer's own terminal with what it takes; another
//! terminal refused as a payment on it would be; the Management API's header rules.

use super::*;
use reqwest::StatusCode;

impl Sb {
    async fn get_terminal(&self, terminal: &str, version: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}/api/rest/customers/{}/terminals/{terminal}", self.base, self.customer))
            .basic_auth(&self.user, Some(&self.password))
            .header("accept", "application/json")
            .header("Saferpay-ApiVersion", version)
            .header("Saferpay-RequestId", request_id())
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }
}

#[tokio::test]
async fn the_customers_terminal_says_it_takes_sepa_direct_debit_in_euros() {
    let sb = start(Seed::Empty).await;
    let (s, v) = sb.get_terminal(&sb.terminal.clone(), "1.53").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["TerminalId"], sb.terminal.as_str());
    assert_eq!(v["Type"], "ECOM");
    assert_eq!(v["PaymentMethods"][0]["PaymentMethod"], "DIRECTDEBIT");
    assert_eq!(v["PaymentMethods"][0]["Currencies"], json!(["EUR"]));
    assert!(v["Wallets"].is_array());

    let other = if sb.terminal == "17999999" { "17999998" } else { "17999999" };
    let (s, v) = sb.get_terminal(other, "1.53").await;
    check_envelope(s, &v, StatusCode::FORBIDDEN, "PERMISSION_DENIED", "DO_NOT_RETRY");

    // GetTerminal came with 1.32 (texts/Changelog.md).
    let (s, v) = sb.get_terminal(&sb.terminal.clone(), "1.31").await;
    assert_eq!((s, v["ErrorName"].as_str()), (StatusCode::BAD_REQUEST, Some("VALIDATION_FAILED")), "{v}");
}
