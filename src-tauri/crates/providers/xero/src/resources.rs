//! The Accounting resources the app reads (shared/providers/xero.md §4, §7).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Resource {
    Organisation,
    Accounts,
    Currencies,
    TaxRates,
    Contacts,
    Invoices,
    CreditNotes,
    Payments,
    BankTransactions,
}

impl Resource {
    pub const ALL: [Resource; 9] = [
        Resource::Organisation,
        Resource::Accounts,
        Resource::Currencies,
        Resource::TaxRates,
        Resource::Contacts,
        Resource::Invoices,
        Resource::CreditNotes,
        Resource::Payments,
        Resource::BankTransactions,
    ];

    /// The path segment under `/api.xro/2.0`.
    pub fn url_name(self) -> &'static str {
        match self {
            Resource::Organisation => "Organisation",
            Resource::Accounts => "Accounts",
            Resource::Currencies => "Currencies",
            Resource::TaxRates => "TaxRates",
            Resource::Contacts => "Contacts",
            Resource::Invoices => "Invoices",
            Resource::CreditNotes => "CreditNotes",
            Resource::Payments => "Payments",
            Resource::BankTransactions => "BankTransactions",
        }
    }

    /// The array's key in the response envelope; `/Organisation` answers with `Organisations`.
    pub fn response_key(self) -> &'static str {
        match self {
            Resource::Organisation => "Organisations",
            other => other.url_name(),
        }
    }

    /// Whether the list takes `page`/`pageSize` (xero.md §4 table, §7). The others return
    /// everything in one answer.
    pub fn paged(self) -> bool {
        matches!(
            self,
            Resource::Contacts
                | Resource::Invoices
                | Resource::CreditNotes
                | Resource::Payments
                | Resource::BankTransactions
        )
    }

    /// The field that identifies a record. Currencies and tax rates have no GUID: their code is
    /// the key.
    pub fn id_field(self) -> &'static str {
        match self {
            Resource::Organisation => "OrganisationID",
            Resource::Accounts => "AccountID",
            Resource::Currencies => "Code",
            Resource::TaxRates => "TaxType",
            Resource::Contacts => "ContactID",
            Resource::Invoices => "InvoiceID",
            Resource::CreditNotes => "CreditNoteID",
            Resource::Payments => "PaymentID",
            Resource::BankTransactions => "BankTransactionID",
        }
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.url_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paged_resources_are_exactly_the_five_with_a_page_parameter() {
        let paged: Vec<_> = Resource::ALL.iter().filter(|r| r.paged()).map(|r| r.url_name()).collect();
        assert_eq!(paged, ["Contacts", "Invoices", "CreditNotes", "Payments", "BankTransactions"]);
        assert_eq!(Resource::Organisation.response_key(), "Organisations", "the one singular path");
        assert_eq!(Resource::Invoices.id_field(), "InvoiceID");
    }
}
