//! Facts of the `demo` business that several emulators must agree on, so that a GoCardless
//! payment or an OKX deposit really pays a Xero invoice: the organisations, the customers,
//! invoice numbers and their amounts. Everything is a pure function of an index.

/// The two Xero organisations of the demo: (name, base currency, country).
pub const ORGS: [(&str, &str, &str); 2] = [("Alpenrad Velo GmbH", "EUR", "DE"), ("Seeblick Treuhand AG", "CHF", "CH")];

/// Invoices per organisation in the demo seed (about 1,500 in total).
pub const DEMO_INVOICES_PER_ORG: usize = 750;
/// Contacts per organisation in the demo seed (about 200 in total).
pub const DEMO_CONTACTS_PER_ORG: usize = 100;

const FIRST: [&str; 20] = [
    "Anna", "Lukas", "Mia", "Jonas", "Lea", "Felix", "Sofia", "Noah", "Laura", "Elias", "Nina", "Paul", "Clara",
    "Luca", "Emma", "David", "Marie", "Tim", "Julia", "Samuel",
];
const LAST: [&str; 20] = [
    "Müller",
    "Schmid",
    "Keller",
    "Weber",
    "Meier",
    "Fischer",
    "Huber",
    "Baumann",
    "Frei",
    "Brunner",
    "Gerber",
    "Steiner",
    "Moser",
    "Graf",
    "Roth",
    "Wolf",
    "Berger",
    "Kaufmann",
    "Zimmermann",
    "Lehmann",
];
const COMPANY: [&str; 16] = [
    "Bergbau",
    "Holzwerk",
    "Bäckerei",
    "Druckerei",
    "Gartenbau",
    "Elektro",
    "Malerei",
    "Schreinerei",
    "Sanitär",
    "Metallbau",
    "Reisebüro",
    "Café",
    "Optik",
    "Fahrschule",
    "Physio",
    "Architektur",
];
const FORM: [&str; 4] = ["GmbH", "AG", "KG", "& Co."];

/// A customer's display name: alternately a company and a person, unique per index.
pub fn contact_name(org: usize, i: usize) -> String {
    let n = i * 7 + org * 3;
    if i % 3 == 0 {
        format!("{} {} {}", COMPANY[n % COMPANY.len()], LAST[(n / 3) % LAST.len()], FORM[n % FORM.len()])
    } else {
        format!("{} {}", FIRST[n % FIRST.len()], LAST[(n / FIRST.len() + i) % LAST.len()])
    }
    .replace("  ", " ")
        + &if i >= 20 * 16 { format!(" ({i})") } else { String::new() }
}

pub fn contact_email(org: usize, i: usize) -> String {
    format!("billing{}.{}@example.{}", i + 1, org + 1, ORGS[org].2.to_ascii_lowercase())
}

/// Invoice numbers as Xero shows them: `INV-0001` style with an organisation letter.
pub fn invoice_number(org: usize, i: usize) -> String {
    format!("INV-{}{:05}", ["A", "S"][org], i + 1)
}

/// The invoice's total in minor units (cents/rappen), before any payment.
pub fn invoice_total_minor(org: usize, i: usize) -> i64 {
    // 50.00 .. ~4,000.00, with a cents part that varies.
    let x = (i as i64 * 7919 + org as i64 * 104_729) % 395_000;
    5_000 + x - x % 5
}

/// Which invoices the demo's direct-debit payments collect: every second invoice among the
/// first 600 of the EUR organisation (SEPA is EUR), 300 in all.
pub fn direct_debit_invoice(k: usize) -> (usize, usize) {
    (0, k * 2 + 1)
}

pub const DEMO_DIRECT_DEBIT_PAYMENTS: usize = 300;
pub const DEMO_MANDATES: usize = 40;

/// Invoices the demo's OKX deposits pay: (org, invoice index, asset).
pub fn crypto_invoice(k: usize) -> (usize, usize, &'static str) {
    (k % 2, 600 + k * 3, ["BTC", "ETH", "USDT"][k % 3])
}

pub const DEMO_CRYPTO_PAYMENTS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_numbers_are_unique_and_stable() {
        for org in 0..2 {
            let names: HashSet<String> = (0..DEMO_CONTACTS_PER_ORG).map(|i| contact_name(org, i)).collect();
            assert_eq!(names.len(), DEMO_CONTACTS_PER_ORG, "contact names must be unique within an org");
        }
        assert_eq!(invoice_number(0, 41), "INV-A00042");
        assert_eq!(invoice_total_minor(0, 7), invoice_total_minor(0, 7));
        assert!((0..2000).all(|i| invoice_total_minor(1, i) >= 5_000));
    }

    #[test]
    fn payment_links_point_at_existing_invoices() {
        for k in 0..DEMO_DIRECT_DEBIT_PAYMENTS {
            let (org, i) = direct_debit_invoice(k);
            assert!(org == 0 && i < 600, "direct debits collect EUR invoices below the crypto range");
        }
        for k in 0..DEMO_CRYPTO_PAYMENTS {
            let (_, i, _) = crypto_invoice(k);
            assert!((600..DEMO_INVOICES_PER_ORG).contains(&i), "crypto pays invoices no direct debit collects");
        }
    }
}
