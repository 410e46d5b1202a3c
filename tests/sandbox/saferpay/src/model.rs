//! What the emulator holds (payment page sessions, transactions) and how Saferpay renders it.
//! Field names: saferpay/jsonapi `texts/ContainerDictionary.md` and the Assert example of
//! `texts/ChapterPaymentPage.md` (sheet §4).

use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::macros::format_description;
use time::OffsetDateTime;
use xp_sandbox_kit::persist::{static_str, Word};

/// SEPA creditor id of the sandbox terminal: the sheet §4 Assert example value (a published
/// test creditor id, not a real merchant's).
pub const CREDITOR_ID: &str = "DE98ZZZ09999999999";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Authorized,
    Captured,
    Canceled,
    /// Declined / failed: not a Saferpay status value; such transactions only appear in error
    /// envelopes (`TransactionId`) and are invisible to Inquire (sheet §4 "successful only").
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Authorized => "AUTHORIZED",
            Status::Captured => "CAPTURED",
            Status::Canceled => "CANCELED",
            Status::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Means {
    Card {
        #[serde(deserialize_with = "static_str")]
        brand: Word,
        number: String,
        exp_year: i32,
        exp_month: u8,
        holder: String,
    },
    BankAccount {
        iban: String,
        holder: String,
        bic: Option<String>,
    },
}

impl Means {
    /// `PaymentMeans` container (`Payment_Models_Data_PaymentMeansInfo`). Card shape from the
    /// Assert example; `BankAccount{IBAN,HolderName}` as in sheet §4 (sub-fields unconfirmed there).
    pub fn json(&self) -> Value {
        match self {
            Means::Card { brand, number, exp_year, exp_month, holder } => {
                let masked = mask_card(number);
                json!({
                    "Brand": {"PaymentMethod": brand, "Name": format!("{brand} Saferpay Test")},
                    "DisplayText": group4(&masked),
                    "Card": {"MaskedNumber": masked, "ExpYear": exp_year, "ExpMonth": exp_month,
                             "HolderName": holder, "CountryCode": "CH"}
                })
            }
            Means::BankAccount { iban, holder, bic } => {
                let mut account = Map::new();
                account.insert("IBAN".into(), json!(iban));
                account.insert("HolderName".into(), json!(holder));
                if let Some(b) = bic {
                    account.insert("BIC".into(), json!(b));
                }
                account.insert("CountryCode".into(), json!(&iban[..2]));
                json!({
                    "Brand": {"PaymentMethod": "DIRECTDEBIT", "Name": "SEPA Direct Debit"},
                    "DisplayText": mask_iban(iban),
                    "BankAccount": Value::Object(account)
                })
            }
        }
    }
}

/// A SEPA Core R-transaction after settlement: the payer's bank takes the money back. The JSON
/// API has no status for it (review D12: nothing in saferpay/jsonapi `texts/*`); the sandbox shows
/// it only in its own `_sandbox` answers and in the transaction report's `_Chargeback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chargeback {
    pub kind: ChargebackKind,
    /// ISO 20022 reason code (`MD06` "refund request by end customer", `MD01` "no mandate").
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
}

/// The two SEPA Core payer claims and their windows, counted from the debit: "authorised" — no
/// questions asked — up to 8 weeks, "unauthorised" (no valid mandate) up to 13 months (scheme
/// rule; e.g. support.gocardless.com/hc/en-gb/articles/115002883945 "SEPA Chargeback Process").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChargebackKind {
    Authorised,
    Unauthorised,
}

impl ChargebackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargebackKind::Authorised => "AUTHORISED",
            ChargebackKind::Unauthorised => "UNAUTHORISED",
        }
    }

    pub fn default_reason(self) -> &'static str {
        match self {
            ChargebackKind::Authorised => "MD06",
            ChargebackKind::Unauthorised => "MD01",
        }
    }

    /// The last moment a claim of this kind is accepted for a debit captured at `debited`.
    pub fn deadline(self, debited: OffsetDateTime) -> OffsetDateTime {
        match self {
            ChargebackKind::Authorised => debited + time::Duration::weeks(8),
            ChargebackKind::Unauthorised => add_months(debited, 13),
        }
    }
}

/// Calendar months later, the day clamped to the target month (31 Jan + 1 month = 28/29 Feb).
fn add_months(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = t.year() * 12 + i32::from(u8::from(t.month())) - 1 + months as i32;
    let (year, month) = (total.div_euclid(12), time::Month::try_from((total.rem_euclid(12) + 1) as u8));
    let Ok(month) = month else { return t };
    let day = t.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).map(|d| t.replace_date(d)).unwrap_or(t)
}

/// A SEPA refund does not move money through the scheme: Saferpay files it in the Backoffice
/// journal "SEPA Refunds Export", from which the merchant exports an ISO 20022 file and uploads
/// it to online banking (docs.saferpay.com: integration-guide/licences-and-interfaces/
/// transaction-interface/refunds/sepa-refunds and interfaces/backoffice/transactions/
/// sepa-refunds-export; sheet §9 left the current behaviour unconfirmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SepaExport {
    Pending,
    Exported {
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tx {
    pub id: String,
    /// `PAYMENT` or `REFUND` (sheet §5).
    #[serde(deserialize_with = "static_str")]
    pub kind: Word,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub amount: i64,
    pub currency: String,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub means: Means,
    pub mandate_id: Option<String>,
    pub approval_code: Option<String>,
    pub capture: Option<Capture>,
    /// For a REFUND: the CaptureId it refunds.
    pub refund_of: Option<String>,
    pub terminal_id: String,
    /// Paid on the hosted Payment Page rather than through the Transaction interface (the
    /// report's `Application`).
    #[serde(default)]
    pub via_page: bool,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub canceled_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub chargeback: Option<Chargeback>,
    /// For a captured SEPA REFUND: where it stands in the Backoffice export journal.
    #[serde(default)]
    pub sepa_export: Option<SepaExport>,
}

impl Tx {
    pub fn is_direct_debit(&self) -> bool {
        matches!(self.means, Means::BankAccount { .. })
    }

    pub fn acquirer_name(&self) -> &'static str {
        match self.means {
            // SEPA direct debit runs over Intercard (sheet §9).
            Means::BankAccount { .. } => "Intercard",
            Means::Card { .. } => "Saferpay Test Card",
        }
    }

    /// `Transaction` container (`Payment_Models_Data_PaymentTransaction`).
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("Type".into(), json!(self.kind));
        m.insert("Status".into(), json!(self.status.as_str()));
        m.insert("Id".into(), json!(self.id));
        if let Some(c) = &self.capture {
            m.insert("CaptureId".into(), json!(c.id));
        }
        m.insert("Date".into(), json!(fmt_date(self.date)));
        m.insert("Amount".into(), amount_json(self.amount, &self.currency));
        if let Some(o) = &self.order_id {
            m.insert("OrderId".into(), json!(o));
        }
        m.insert("AcquirerName".into(), json!(self.acquirer_name()));
        m.insert("AcquirerReference".into(), json!("000000"));
        m.insert("SixTransactionReference".into(), json!(format!("0:0:3:{}", self.id)));
        if let Some(a) = &self.approval_code {
            m.insert("ApprovalCode".into(), json!(a));
        }
        if let Some(mandate) = &self.mandate_id {
            // `Payment_Models_Data_DirectDebitInfo`; its position inside Transaction is the sheet's
            // (unconfirmed) reading of the container dictionary.
            m.insert("DirectDebit".into(), json!({"CreditorId": CREDITOR_ID, "MandateId": mandate}));
        }
        Value::Object(m)
    }

    /// Liability container: only card payments go through 3-D Secure.
    pub fn liability(&self) -> Option<Value> {
        match self.means {
            Means::Card { .. } if self.kind == "PAYMENT" => Some(json!({
                "LiabilityShift": true,
                "LiableEntity": "THREEDS",
                "ThreeDs": {"Authenticated": true}
            })),
            _ => None,
        }
    }

    /// What Assert and Inquire answer besides the ResponseHeader.
    pub fn assert_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("Transaction".into(), self.json());
        m.insert("PaymentMeans".into(), self.means.json());
        if let Some(l) = self.liability() {
            m.insert("Liability".into(), l);
        }
        Value::Object(m)
    }
}

pub fn amount_json(minor: i64, currency: &str) -> Value {
    // Value is a string in minor units (sheet §3).
    json!({"Value": minor.to_string(), "CurrencyCode": currency})
}

/// ISO 8601 with milliseconds and offset, as in every Saferpay example (`2015-01-30T12:45:22.258+01:00`).
pub fn fmt_date(t: OffsetDateTime) -> String {
    let f = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour sign:mandatory]:[offset_minute]"
    );
    t.format(f).unwrap_or_default()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Transaction ids look like `723n4MAjMdhjSAhAKEUdA8jtl9jb`: 28 alphanumerics.
pub fn transaction_id(rng: &mut StdRng) -> String {
    (0..28).map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char).collect()
}

/// Payment page tokens look like `234uhfh78234hlasdfh8234e1234`: lower-case alphanumerics.
pub fn token(rng: &mut StdRng) -> String {
    (0..25).map(|_| ALNUM[rng.gen_range(26..ALNUM.len())] as char).collect()
}

pub fn approval_code(rng: &mut StdRng) -> String {
    format!("{:06}", rng.gen_range(0..1_000_000))
}

pub fn luhn_ok(number: &str) -> bool {
    if number.len() < 12 || number.len() > 19 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

pub fn card_brand(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "VISA",
        Some(b'5') | Some(b'2') => "MASTERCARD",
        Some(b'3') => "AMEX",
        // Saferpay's own test cards start with 9 (`9123 45xx xxxx 1234` in the Assert example).
        _ => "VISA",
    }
}

/// What a person types into the Payment Page's IBAN field (groups of four, any case), made
/// electronic. Only the hosted page is this forgiving; the JSON API takes [`electronic_iban`].
pub fn normalize_iban(raw: &str) -> Option<String> {
    let iban: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    electronic_iban(&iban).then_some(iban)
}

/// `BankAccount.IBAN`: "International Bank Account Number in electronical format (without
/// spaces)", AlphaNumeric[1..50] (saferpay/jsonapi `texts/ContainerDictionary.md`,
/// `Payment_Models_Data_BankAccount`). Electronic format is also upper case, 15–34 characters,
/// with ISO 7064 mod-97 check digits (ISO 13616-1); the reference ErrorDetail
/// `PaymentMeans.BankAccount.IBAN: The field IBAN is invalid.` (`texts/ErrorResponse.md`) is
/// Saferpay rejecting an IBAN. Whether Saferpay itself refuses lower case is unconfirmed; the
/// sandbox does, as the stricter reading.
pub fn electronic_iban(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    if !head[..2].chars().all(|c| c.is_ascii_uppercase()) || !head[2..].chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let Some(v) = c.to_digit(36) else { return false };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// Countries of the SEPA scheme: anything else is "non SEPA IBAN" → PAYMENTMEANS_NOT_SUPPORTED
/// (`texts/06_ErrorHandling_TechnicalDetails.md`).
pub fn sepa_country(iban: &str) -> bool {
    const SEPA: [&str; 41] = [
        "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI", "GR", "HR", "HU",
        "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM",
        "VA", "AL", "MD", "ME", "MK",
    ];
    SEPA.contains(&&iban[..2])
}

pub fn mask_card(number: &str) -> String {
    let n = number.len();
    format!("{}{}{}", &number[..6.min(n)], "x".repeat(n.saturating_sub(10)), &number[n.saturating_sub(4)..])
}

fn group4(s: &str) -> String {
    s.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// `DE89 3704 xxxx xxxx xx30 00` (sheet §4 example).
fn mask_iban(iban: &str) -> String {
    let n = iban.len();
    let masked: String = iban.char_indices().map(|(i, c)| if i < 8 || i + 4 >= n { c } else { 'x' }).collect();
    group4(&masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_and_card_checks() {
        assert_eq!(normalize_iban("DE89 3704 0044 0532 0130 00").as_deref(), Some("DE89370400440532013000"));
        assert_eq!(normalize_iban("DE89370400440532013001"), None, "check digits must fail");
        assert!(electronic_iban("DE89370400440532013000"));
        for grouped_or_lower in ["DE89 3704 0044 0532 0130 00", "de89370400440532013000", "DE89370400440532013000 "] {
            assert!(!electronic_iban(grouped_or_lower), "the API takes electronic format only: {grouped_or_lower:?}");
        }
        assert!(luhn_ok("4242424242424242"));
        assert!(!luhn_ok("4242424242424241"));
        assert_eq!(mask_iban("DE89370400440532013000"), "DE89 3704 xxxx xxxx xx30 00", "sheet §4 DisplayText");
        assert_eq!(mask_card("9123450000001234"), "912345xxxxxx1234", "Assert example MaskedNumber");
    }

    #[test]
    fn claim_windows_follow_the_calendar() {
        let debit = time::macros::datetime!(2026-01-31 10:00 UTC);
        assert_eq!(ChargebackKind::Authorised.deadline(debit), time::macros::datetime!(2026-03-28 10:00 UTC));
        assert_eq!(ChargebackKind::Unauthorised.deadline(debit), time::macros::datetime!(2027-02-28 10:00 UTC));
        let leap = time::macros::datetime!(2027-01-31 10:00 UTC);
        assert_eq!(ChargebackKind::Unauthorised.deadline(leap), time::macros::datetime!(2028-02-29 10:00 UTC));
    }

    #[test]
    fn dates_render_like_the_examples() {
        let t = time::macros::datetime!(2015-01-30 12:45:22.258 +01:00);
        assert_eq!(fmt_date(t), "2015-01-30T12:45:22.258+01:00");
    }
}
