//! Spend and receive money and bank transfers: what direct-debit settlement writes besides
//! payments (fees out of the clearing account, the payout's transfer to the bank, money parked
//! in suspense). Shapes from the official spec (xero_accounting.yaml `BankTransaction`,
//! `BankTransfer`); amounts are written with the decimal's own digits, never through f64.

use crate::dates;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankTransactionType {
    /// Money out of the bank account (`SPEND`).
    Spend,
    /// Money into the bank account (`RECEIVE`).
    Receive,
}

/// One-line spend or receive money. Xero requires a contact: the provider's name, found or
/// created by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankTransaction {
    pub kind: BankTransactionType,
    pub bank_account_code: String,
    pub contact_name: String,
    pub account_code: String,
    pub description: String,
    /// Positive; the direction is `kind`.
    pub amount: Decimal,
    pub date: Date,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankTransfer {
    pub from_account_code: String,
    pub to_account_code: String,
    pub amount: Decimal,
    pub date: Date,
    pub reference: Option<String>,
}

/// A new BANK account (spec `createAccount`), e.g. the clearing account a payment provider's
/// money passes through. Xero asks every bank account for a number; a clearing account has
/// none at a bank, so the caller names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankAccount {
    /// Up to 10 characters, unique in the chart.
    pub code: String,
    /// Up to 150 characters, unique in the chart.
    pub name: String,
    pub bank_account_number: String,
    /// ISO 4217; one of the organisation's currencies.
    pub currency: String,
}

impl NewBankAccount {
    /// One Account object, as `createAccount` takes it (not wrapped in `Accounts`).
    pub(crate) fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "Code": self.code,
            "Name": self.name,
            "Type": "BANK",
            "BankAccountNumber": self.bank_account_number,
            "CurrencyCode": self.currency,
        })
    }
}

fn raw_amount(amount: Decimal) -> Result<Box<RawValue>, String> {
    if amount <= Decimal::ZERO {
        return Err(format!("amount must be positive, not {amount}"));
    }
    RawValue::from_string(amount.to_string()).map_err(|e| format!("amount {amount} is not a JSON number: {e}"))
}

#[derive(Serialize)]
struct Code<'a> {
    #[serde(rename = "Code")]
    code: &'a str,
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Line<'a> {
    description: &'a str,
    quantity: u8,
    unit_amount: Box<RawValue>,
    account_code: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BankTransactionBody<'a> {
    r#type: &'static str,
    contact: Named<'a>,
    bank_account: Code<'a>,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    /// The line is the whole amount: no tax on fees or transfers of collected money.
    line_amount_types: &'static str,
    line_items: [Line<'a>; 1],
}

#[derive(Serialize)]
pub(crate) struct BankTransactionsEnvelope<'a> {
    #[serde(rename = "BankTransactions")]
    items: [BankTransactionBody<'a>; 1],
}

impl NewBankTransaction {
    pub(crate) fn envelope(&self) -> Result<BankTransactionsEnvelope<'_>, String> {
        Ok(BankTransactionsEnvelope {
            items: [BankTransactionBody {
                r#type: match self.kind {
                    BankTransactionType::Spend => "SPEND",
                    BankTransactionType::Receive => "RECEIVE",
                },
                contact: Named { name: &self.contact_name },
                bank_account: Code { code: &self.bank_account_code },
                date: dates::format_request_date(self.date),
                reference: self.reference.as_deref(),
                line_amount_types: "NoTax",
                line_items: [Line {
                    description: &self.description,
                    quantity: 1,
                    unit_amount: raw_amount(self.amount)?,
                    account_code: &self.account_code,
                }],
            }],
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BankTransferBody<'a> {
    from_bank_account: Code<'a>,
    to_bank_account: Code<'a>,
    amount: Box<RawValue>,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct BankTransfersEnvelope<'a> {
    #[serde(rename = "BankTransfers")]
    items: [BankTransferBody<'a>; 1],
}

impl NewBankTransfer {
    pub(crate) fn envelope(&self) -> Result<BankTransfersEnvelope<'_>, String> {
        if self.from_account_code == self.to_account_code {
            return Err("a transfer needs two different bank accounts".into());
        }
        Ok(BankTransfersEnvelope {
            items: [BankTransferBody {
                from_bank_account: Code { code: &self.from_account_code },
                to_bank_account: Code { code: &self.to_account_code },
                amount: raw_amount(self.amount)?,
                date: dates::format_request_date(self.date),
                reference: self.reference.as_deref(),
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use time::macros::date;

    #[test]
    fn the_bodies_carry_the_amounts_digits_and_the_specs_field_names() {
        let spend = NewBankTransaction {
            kind: BankTransactionType::Spend,
            bank_account_code: "091".into(),
            contact_name: "GoCardless".into(),
            account_code: "404".into(),
            description: "GoCardless fees, payout PO123".into(),
            amount: Decimal::from_str("2.70").unwrap(),
            date: date!(2026 - 12 - 10),
            reference: Some("PO123".into()),
        };
        let json = serde_json::to_value(spend.envelope().unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"BankTransactions": [{
                "Type": "SPEND", "Contact": {"Name": "GoCardless"}, "BankAccount": {"Code": "091"},
                "Date": "2026-12-10", "Reference": "PO123", "LineAmountTypes": "NoTax",
                "LineItems": [{"Description": "GoCardless fees, payout PO123", "Quantity": 1, "UnitAmount": 2.70, "AccountCode": "404"}]
            }]})
        );
        assert!(serde_json::to_string(&spend.envelope().unwrap()).unwrap().contains("\"UnitAmount\":2.70"));
        let zero = NewBankTransaction { amount: Decimal::ZERO, ..spend };
        assert!(zero.envelope().is_err());

        let t = NewBankTransfer {
            from_account_code: "091".into(),
            to_account_code: "090".into(),
            amount: Decimal::from_str("147.30").unwrap(),
            date: date!(2026 - 12 - 10),
            reference: None,
        };
        assert!(serde_json::to_string(&t.envelope().unwrap()).unwrap().contains("\"Amount\":147.30"));
        let same = NewBankTransfer { to_account_code: "091".into(), ..t };
        assert!(same.envelope().is_err());
    }
}
