//! One Xero organisation's data, held as JSON in Xero's own field names (so `where`, `order`
//! and the conformance test work on exactly what goes over the wire), plus its generation from
//! a seed. Amounts are exact: computed in minor units and written as JSON numbers with two
//! decimals, as Xero sends them.

use crate::dates::{date_string, midnight, ms, msdate};
use serde_json::{json, Value};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use xp_sandbox_kit::{demo, Seed};

/// Records of one kind, in creation order, with an index by id.
#[derive(Debug, Default, Clone)]
pub struct Records {
    pub items: Vec<Value>,
    index: HashMap<String, usize>,
    id_field: &'static str,
}

impl Records {
    pub fn new(id_field: &'static str) -> Self {
        Self { items: Vec::new(), index: HashMap::new(), id_field }
    }

    /// Records read back from a state file, re-indexed.
    pub fn from_items(id_field: &'static str, items: Vec<Value>) -> Self {
        let mut r = Self::new(id_field);
        items.into_iter().for_each(|v| r.push(v));
        r
    }

    pub fn push(&mut self, v: Value) {
        let id = v[self.id_field].as_str().unwrap_or_default().to_ascii_lowercase();
        self.index.insert(id, self.items.len());
        self.items.push(v);
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.index.get(&id.to_ascii_lowercase()).map(|&i| &self.items[i])
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.index.get(&id.to_ascii_lowercase()).map(|&i| &mut self.items[i])
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub tenant_id: String,
    pub name: String,
    pub currency: String,
    pub organisation: Value,
    pub accounts: Records,
    pub currencies: Vec<Value>,
    pub tax_rates: Vec<Value>,
    pub contacts: Records,
    pub invoices: Records,
    pub payments: Records,
    pub bank_transactions: Records,
    pub bank_transfers: Records,
    pub credit_notes: Records,
}

/// A money amount in minor units as Xero's JSON number (two decimals).
pub fn amount(minor: i64) -> Value {
    let v = minor as f64 / 100.0;
    serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
}

/// Minor units from Xero's JSON number (rounded to the cent, as Xero stores 2 dp totals).
pub fn minor(v: &Value) -> i64 {
    (v.as_f64().unwrap_or(0.0) * 100.0).round() as i64
}

/// Deterministic UUIDs: the same seed always yields the same ids, so tests can name records.
pub fn uuid(salt: u64, i: u64) -> String {
    let mut x = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (a, b) = (next(), next());
    // Version 4 / variant 1 bits, so the ids look like the v4 UUIDs Xero issues.
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

const TAX: [(&str, &str, i64); 2] = [("OUTPUT2", "19% USt", 1900), ("OUTPUT2", "8.1% MWST", 810)];
const ITEMS: [&str; 8] = [
    "Consulting",
    "Bookkeeping (monthly)",
    "Bicycle service",
    "Spare parts",
    "Annual accounts",
    "Payroll run",
    "Rental e-bike (week)",
    "Tax return",
];

pub struct Plan {
    pub orgs: usize,
    pub contacts_per_org: usize,
    pub invoices_per_org: usize,
    pub bank_tx_per_org: usize,
}

pub fn plan(seed: Seed) -> Plan {
    match seed {
        Seed::Empty => Plan { orgs: 2, contacts_per_org: 0, invoices_per_org: 0, bank_tx_per_org: 0 },
        Seed::Demo => Plan {
            orgs: 2,
            contacts_per_org: demo::DEMO_CONTACTS_PER_ORG,
            invoices_per_org: demo::DEMO_INVOICES_PER_ORG,
            bank_tx_per_org: 120,
        },
        // One organisation holding all N invoices: the benchmark's "full sync of large:N".
        Seed::Large(n) => Plan {
            orgs: 1,
            contacts_per_org: (n as usize / 8).max(1),
            invoices_per_org: n as usize,
            bank_tx_per_org: n as usize / 10,
        },
    }
}

pub fn generate(seed: Seed, now: OffsetDateTime) -> Vec<Tenant> {
    let p = plan(seed);
    (0..p.orgs).map(|org| tenant(org, &p, now)).collect()
}

/// `orgs` organisations of `invoices` invoices each: an accountant's many clients.
pub fn generate_many(orgs: usize, invoices: usize, now: OffsetDateTime) -> Vec<Tenant> {
    let p = Plan {
        orgs,
        contacts_per_org: (invoices / 8).max(1),
        invoices_per_org: invoices,
        bank_tx_per_org: invoices / 10,
    };
    (0..orgs).map(|org| tenant(org, &p, now)).collect()
}

/// Name, base currency and country of organisation `org`.
fn org_facts(org: usize) -> (String, &'static str, &'static str) {
    match demo::ORGS.get(org) {
        Some((name, currency, country)) => ((*name).to_owned(), currency, country),
        None if org % 2 == 0 => (format!("Mandant {org:02} GmbH"), "EUR", "DE"),
        None => (format!("Mandant {org:02} AG"), "CHF", "CH"),
    }
}

fn tenant(org: usize, p: &Plan, start: OffsetDateTime) -> Tenant {
    // Seeded history ends an hour before the sandbox starts, so every change made while it
    // runs is newer than anything seeded (If-Modified-Since tests rely on it).
    let now = start - Duration::hours(1);
    let (name, currency, country) = org_facts(org);
    // The two demo organisations use the shared demo facts; further ones (benchmarks with many
    // clients of one accountant) follow the same pattern with their own letters.
    let k = org % 2;
    let letter = if org < 2 { ["A", "S"][org].to_owned() } else { format!("M{org:02}") };
    let number = |i: usize| if org < 2 { demo::invoice_number(org, i) } else { format!("INV-{letter}{:05}", i + 1) };
    let salt = 0x0e70_0000 + org as u64;
    let tenant_id = uuid(salt, 0);
    let created = now - Duration::days(900);
    let organisation = json!({
        "OrganisationID": uuid(salt, 1), "Name": &name, "LegalName": &name, "PaysTax": true, "Version": "GLOBAL",
        "OrganisationType": "COMPANY", "BaseCurrency": currency, "CountryCode": country, "IsDemoCompany": false,
        "OrganisationStatus": "ACTIVE", "FinancialYearEndDay": 31, "FinancialYearEndMonth": 12,
        "SalesTaxBasis": "ACCRUALS", "SalesTaxPeriod": "QUARTERLY", "DefaultSalesTax": "Tax Inclusive",
        "DefaultPurchasesTax": "Tax Inclusive", "Timezone": "WEUROPESTANDARDTIME",
        "OrganisationEntityType": "COMPANY", "ShortCode": format!("!{}x{org}Q", &tenant_id[..3]), "Edition": "BUSINESS",
        "Class": "STANDARD", "LineOfBusiness": (["Bicycle retail and repair", "Fiduciary services"][k]),
        "CreatedDateUTC": msdate(created), "Addresses": [], "Phones": [], "ExternalLinks": [], "PaymentTerms": {}
    });
    let mut accounts = Records::new("AccountID");
    let chart: [(&str, &str, &str, &str, bool); 10] = [
        ("090", "Business Bank Account", "BANK", "ASSET", false),
        ("092", "GoCardless Clearing", "BANK", "ASSET", false),
        ("095", "OKX Wallet", "BANK", "ASSET", false),
        ("200", "Sales", "REVENUE", "REVENUE", false),
        ("260", "Other Revenue", "REVENUE", "REVENUE", false),
        ("404", "Bank Fees", "EXPENSE", "EXPENSE", false),
        ("429", "General Expenses", "EXPENSE", "EXPENSE", false),
        ("610", "Accounts Receivable", "CURRENT", "ASSET", false),
        ("800", "Accounts Payable", "CURRLIAB", "LIABILITY", false),
        ("880", "Owner Funds Introduced", "EQUITY", "EQUITY", true),
    ];
    for (i, (code, name, ty, class, pay)) in chart.iter().enumerate() {
        let mut a = json!({
            "AccountID": uuid(salt, 100 + i as u64), "Code": code, "Name": name, "Type": ty, "Status": "ACTIVE",
            "TaxType": if *ty == "REVENUE" { "OUTPUT2" } else { "NONE" }, "Class": class,
            "EnablePaymentsToAccount": pay, "ShowInExpenseClaims": false, "HasAttachments": false,
            "ReportingCode": class.chars().take(3).collect::<String>(), "ReportingCodeName": class,
            "UpdatedDateUTC": msdate(created), "AddToWatchlist": false
        });
        if *ty == "BANK" {
            a["BankAccountType"] = json!("BANK");
            a["CurrencyCode"] = json!(currency);
            a["BankAccountNumber"] = json!(format!("{country}89370400440532013{:03}", i));
        }
        if *code == "610" {
            a["SystemAccount"] = json!("DEBTORS");
        }
        accounts.push(a);
    }
    let bank = accounts.items[0].clone();
    let currencies = vec![
        json!({"Code": currency, "Description": if currency == "EUR" { "Euro" } else { "Swiss Franc" }}),
        json!({"Code": "USD", "Description": "United States Dollar"}),
        json!({"Code": "GBP", "Description": "British Pound"}),
    ];
    let (tax_type, tax_name, tax_bp) = TAX[k];
    let rate = tax_bp as f64 / 100.0;
    let tax_rates = vec![
        json!({"Name": tax_name, "TaxType": tax_type, "ReportTaxType": "OUTPUT", "CanApplyToAssets": true,
               "CanApplyToEquity": true, "CanApplyToExpenses": false, "CanApplyToLiabilities": true,
               "CanApplyToRevenue": true, "DisplayTaxRate": rate, "EffectiveRate": rate, "Status": "ACTIVE",
               "TaxComponents": [{"Name": "VAT", "Rate": rate, "IsCompound": false, "IsNonRecoverable": false}]}),
        json!({"Name": "No VAT", "TaxType": "NONE", "ReportTaxType": "NONE", "CanApplyToAssets": true,
               "CanApplyToEquity": true, "CanApplyToExpenses": true, "CanApplyToLiabilities": true,
               "CanApplyToRevenue": true, "DisplayTaxRate": 0.0, "EffectiveRate": 0.0, "Status": "ACTIVE",
               "TaxComponents": [{"Name": "None", "Rate": 0.0, "IsCompound": false, "IsNonRecoverable": false}]}),
    ];

    let mut contacts = Records::new("ContactID");
    for i in 0..p.contacts_per_org {
        let updated = created + Duration::days((i % 400) as i64) + Duration::seconds(i as i64);
        contacts.push(json!({
            "ContactID": uuid(salt, 10_000_000 + i as u64), "ContactNumber": format!("C{:05}", i + 1),
            "AccountNumber": format!("{}-{:05}", letter, i + 1),
            "ContactStatus": if i % 23 == 22 { "ARCHIVED" } else { "ACTIVE" },
            "Name": demo::contact_name(org, i), "EmailAddress": format!("billing{}.{}@example.{}", i + 1, org + 1, country.to_ascii_lowercase()),
            "IsSupplier": i % 9 == 0, "IsCustomer": true, "DefaultCurrency": currency,
            "Addresses": [{"AddressType": "POBOX", "City": (["München", "Luzern"][k]), "Country": country}],
            "Phones": [], "HasAttachments": false, "HasValidationErrors": false,
            "UpdatedDateUTC": msdate(updated.min(now))
        }));
    }

    let mut invoices = Records::new("InvoiceID");
    let mut payments = Records::new("PaymentID");
    let n = p.invoices_per_org.max(1) as i64;
    let dd: std::collections::HashSet<usize> = (0..demo::DEMO_DIRECT_DEBIT_PAYMENTS)
        .map(demo::direct_debit_invoice)
        .filter(|(o, _)| *o == org)
        .map(|(_, i)| i)
        .collect();
    let crypto: std::collections::HashSet<usize> = (0..demo::DEMO_CRYPTO_PAYMENTS)
        .map(demo::crypto_invoice)
        .filter(|(o, _, _)| *o == org)
        .map(|(_, i, _)| i)
        .collect();
    for i in 0..p.invoices_per_org {
        let date = midnight((now - Duration::days(730 * (n - i as i64) / n)).date());
        let total = demo::invoice_total_minor(org, i);
        let contact = &contacts.items[i % contacts.len().max(1)];
        // Invoices that a direct debit or crypto deposit will pay stay AUTHORISED in Xero: marking
        // them paid is the app's job.
        let status = if dd.contains(&i) || crypto.contains(&i) {
            "AUTHORISED"
        } else {
            match i % 40 {
                0 => "DRAFT",
                1 => "SUBMITTED",
                2 => "VOIDED",
                3 => "DELETED",
                4..=15 => "AUTHORISED",
                _ => "PAID",
            }
        };
        let ty = if i % 10 == 9 && status != "AUTHORISED" { "ACCPAY" } else { "ACCREC" };
        let (cur, rate_to_base) = match i % 17 {
            5 => ("USD", 1.0842),
            11 => ("GBP", 0.8571),
            _ => (currency, 1.0),
        };
        let tax = (total * tax_bp + (10_000 + tax_bp) / 2) / (10_000 + tax_bp);
        let lines = 1 + i % 3;
        let mut line_items = Vec::new();
        let (mut rest_total, mut rest_tax) = (total, tax);
        for l in 0..lines {
            let (lt, ltax) = if l + 1 == lines {
                (rest_total, rest_tax)
            } else {
                let share = total / lines as i64;
                (share, tax * share / total.max(1))
            };
            rest_total -= lt;
            rest_tax -= ltax;
            line_items.push(json!({
                "LineItemID": uuid(salt, 30_000_000 + (i * 3 + l) as u64), "Description": ITEMS[(i + l) % ITEMS.len()],
                "Quantity": 1.0, "UnitAmount": amount(lt), "AccountCode": if ty == "ACCREC" { "200" } else { "429" },
                "TaxType": tax_type, "TaxAmount": amount(ltax), "LineAmount": amount(lt)
            }));
        }
        let updated = (date + Duration::hours(2) + Duration::seconds(i as i64 % 3600)).min(now);
        let id = uuid(salt, 20_000_000 + i as u64);
        let mut inv = json!({
            "Type": ty, "InvoiceID": id, "InvoiceNumber": number(i),
            "Reference": format!("Order {}", 7000 + i), "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
            "Date": msdate(date), "DateString": date_string(date),
            "DueDate": msdate(date + Duration::days(14)), "DueDateString": date_string(date + Duration::days(14)),
            "Status": status, "LineAmountTypes": "Inclusive", "LineItems": line_items,
            "SubTotal": amount(total - tax), "TotalTax": amount(tax), "Total": amount(total),
            "AmountDue": amount(total), "AmountPaid": amount(0), "AmountCredited": amount(0),
            "CurrencyCode": cur, "CurrencyRate": rate_to_base, "Payments": [], "CreditNotes": [], "Prepayments": [],
            "Overpayments": [], "HasAttachments": false, "HasErrors": false, "IsDiscounted": false,
            "SentToContact": status != "DRAFT", "UpdatedDateUTC": msdate(updated)
        });
        if status == "PAID" {
            let paid_on = (date + Duration::days(7 + (i % 20) as i64)).min(now);
            let pid = uuid(salt, 40_000_000 + i as u64);
            let payment = json!({
                "PaymentID": pid, "Date": msdate(midnight(paid_on.date())), "Amount": amount(total),
                "Reference": format!("Bank transfer {}", number(i)), "CurrencyRate": rate_to_base,
                "PaymentType": if ty == "ACCREC" { "ACCRECPAYMENT" } else { "ACCPAYPAYMENT" }, "Status": "AUTHORISED",
                "IsReconciled": true, "HasAccount": true, "HasValidationErrors": false,
                "Account": {"AccountID": bank["AccountID"], "Code": bank["Code"]},
                "Invoice": {"InvoiceID": id, "InvoiceNumber": inv["InvoiceNumber"], "Type": ty, "CurrencyCode": cur,
                            "Contact": inv["Contact"]},
                "UpdatedDateUTC": msdate(paid_on.max(updated))
            });
            inv["Payments"] = json!([{"PaymentID": pid, "Date": payment["Date"], "Amount": amount(total), "Reference": payment["Reference"], "CurrencyRate": rate_to_base, "HasAccount": true, "HasValidationErrors": false}]);
            inv["AmountDue"] = amount(0);
            inv["AmountPaid"] = amount(total);
            inv["FullyPaidOnDate"] = payment["Date"].clone();
            inv["UpdatedDateUTC"] = payment["UpdatedDateUTC"].clone();
            payments.push(payment);
        }
        invoices.push(inv);
    }

    let mut bank_transactions = Records::new("BankTransactionID");
    for i in 0..p.bank_tx_per_org {
        let date =
            midnight((now - Duration::days(365 * (p.bank_tx_per_org - i) as i64 / p.bank_tx_per_org as i64)).date());
        let receive = i % 3 != 0;
        let total = 1_000 + ((i as i64 * 3571) % 250_000);
        let tax = if receive { (total * tax_bp + (10_000 + tax_bp) / 2) / (10_000 + tax_bp) } else { 0 };
        let contact = &contacts
            .items
            .get(i % contacts.len().max(1))
            .cloned()
            .unwrap_or(json!({"ContactID": uuid(salt, 9), "Name": "Bank"}));
        bank_transactions.push(json!({
            "BankTransactionID": uuid(salt, 50_000_000 + i as u64), "Type": if receive { "RECEIVE" } else { "SPEND" },
            "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
            "LineItems": [{"LineItemID": uuid(salt, 60_000_000 + i as u64), "Description": if receive { "Counter sale" } else { "Office supplies" },
                           "Quantity": 1.0, "UnitAmount": amount(total), "AccountCode": if receive { "260" } else { "429" },
                           "TaxType": if receive { tax_type } else { "NONE" }, "TaxAmount": amount(tax), "LineAmount": amount(total)}],
            "BankAccount": {"AccountID": bank["AccountID"], "Code": bank["Code"], "Name": bank["Name"]},
            "IsReconciled": i % 5 != 0, "Date": msdate(date), "DateString": date_string(date),
            "Reference": format!("TX{:06}", i + 1), "CurrencyCode": currency, "CurrencyRate": 1.0, "Status": "AUTHORISED",
            "LineAmountTypes": "Inclusive", "SubTotal": amount(total - tax), "TotalTax": amount(tax), "Total": amount(total),
            "HasAttachments": false, "UpdatedDateUTC": msdate((date + Duration::hours(9)).min(now))
        }));
    }

    let mut credit_notes = Records::new("CreditNoteID");
    for (k, i) in (0..p.invoices_per_org).step_by(50).enumerate() {
        let inv = &invoices.items[i];
        let total = (minor(&inv["Total"]) / 10).max(100);
        let tax = (total * tax_bp + (10_000 + tax_bp) / 2) / (10_000 + tax_bp);
        credit_notes.push(json!({
            "CreditNoteID": uuid(salt, 70_000_000 + k as u64), "CreditNoteNumber": format!("CN-{}{:04}", letter, k + 1),
            "Type": "ACCRECCREDIT", "Contact": inv["Contact"], "Date": inv["Date"], "DateString": inv["DateString"],
            "Status": "AUTHORISED", "LineAmountTypes": "Inclusive",
            "LineItems": [{"LineItemID": uuid(salt, 80_000_000 + k as u64), "Description": "Goodwill credit", "Quantity": 1.0,
                           "UnitAmount": amount(total), "AccountCode": "200", "TaxType": tax_type, "TaxAmount": amount(tax), "LineAmount": amount(total)}],
            "SubTotal": amount(total - tax), "TotalTax": amount(tax), "Total": amount(total), "RemainingCredit": amount(total),
            "CurrencyCode": currency, "CurrencyRate": 1.0, "Allocations": [], "HasAttachments": false,
            "UpdatedDateUTC": inv["UpdatedDateUTC"]
        }));
    }

    Tenant {
        tenant_id,
        name,
        currency: currency.to_owned(),
        organisation,
        accounts,
        currencies,
        tax_rates,
        contacts,
        invoices,
        payments,
        bank_transactions,
        bank_transfers: Records::new("BankTransferID"),
        credit_notes,
    }
}

/// Milliseconds of a record's `UpdatedDateUTC`, or `CreatedDateUTC` for records that carry
/// only that (BankTransfers, spec `BankTransfer`).
pub fn updated_ms(v: &Value) -> i64 {
    v["UpdatedDateUTC"]
        .as_str()
        .or_else(|| v["CreatedDateUTC"].as_str())
        .and_then(crate::dates::parse_msdate)
        .unwrap_or(0)
}

pub fn now_ms(t: OffsetDateTime) -> i64 {
    ms(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_totals_are_exact_and_line_items_add_up() {
        let tenants = generate(Seed::Demo, time::macros::datetime!(2026-11-23 09:00 UTC));
        assert_eq!(tenants.len(), 2);
        for t in &tenants {
            assert_eq!(t.invoices.len(), demo::DEMO_INVOICES_PER_ORG);
            for inv in &t.invoices.items {
                let lines: i64 = inv["LineItems"].as_array().unwrap().iter().map(|l| minor(&l["LineAmount"])).sum();
                let tax: i64 = inv["LineItems"].as_array().unwrap().iter().map(|l| minor(&l["TaxAmount"])).sum();
                assert_eq!(lines, minor(&inv["Total"]), "inclusive line amounts sum to the total");
                assert_eq!(tax, minor(&inv["TotalTax"]));
                assert_eq!(minor(&inv["SubTotal"]) + minor(&inv["TotalTax"]), minor(&inv["Total"]));
                assert_eq!(minor(&inv["AmountDue"]) + minor(&inv["AmountPaid"]), minor(&inv["Total"]));
            }
        }
        let (org, i) = demo::direct_debit_invoice(3);
        let inv = &tenants[org].invoices.items[i];
        assert_eq!(inv["Status"], "AUTHORISED", "a direct-debit invoice waits for the app to mark it paid");
        assert_eq!(minor(&inv["Total"]), demo::invoice_total_minor(org, i));
        assert_eq!(inv["InvoiceNumber"], demo::invoice_number(org, i));
    }

    #[test]
    fn ids_are_deterministic_v4_uuids() {
        assert_eq!(uuid(1, 2), uuid(1, 2));
        assert_ne!(uuid(1, 2), uuid(1, 3));
        let u = uuid(7, 7);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
