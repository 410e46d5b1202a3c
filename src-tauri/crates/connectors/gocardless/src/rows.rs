//! GoCardless's resources, as the client parsed them, mapped into the store's rows. A bank
//! account keeps only its last digits and bank: the API never sends more (gocardless.md §4),
//! and nothing here would keep it if it did.

use xp_gocardless as gc;
use xp_store::gocardless::rows as r;

/// A status as GoCardless spells it (`pending_submission`); the client's enums are its
/// variants in CamelCase, `Unknown` for a value it does not know yet.
pub fn spelled(status: impl std::fmt::Debug) -> String {
    let mut out = String::new();
    for (i, c) in format!("{status:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn at(t: time::OffsetDateTime) -> String {
    xp_core::rfc3339(t)
}

pub fn customer(c: &gc::Customer) -> r::Record {
    r::Record::Customer(r::Customer {
        id: c.id.clone(),
        created_at: at(c.created_at),
        email: c.email.clone(),
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        company_name: c.company_name.clone(),
        country_code: c.country_code.clone(),
    })
}

pub fn bank_account(b: &gc::CustomerBankAccount) -> r::Record {
    // GoCardless sends the last two to four characters; a longer value would be more than an
    // ending, so only its last four are kept whatever arrives.
    let ending: String = {
        let chars: Vec<char> = b.account_number_ending.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    r::Record::BankAccount(r::BankAccount {
        id: b.id.clone(),
        customer_id: b.links.customer.clone(),
        created_at: at(b.created_at),
        account_number_ending: ending,
        bank_name: b.bank_name.clone(),
        currency: b.currency.clone(),
        country_code: b.country_code.clone(),
        enabled: b.enabled,
    })
}

/// `reason`: why it ended, from the event that says so (a mandate carries none itself).
pub fn mandate(m: &gc::Mandate, reason: Option<String>) -> r::Record {
    r::Record::Mandate(r::Mandate {
        id: m.id.clone(),
        customer_id: m.links.customer.clone(),
        bank_account_id: m.links.customer_bank_account.clone(),
        created_at: at(m.created_at),
        reference: m.reference.clone(),
        status: spelled(m.status),
        scheme: m.scheme.clone(),
        next_possible_charge_date: m.next_possible_charge_date.map(|d| d.to_string()),
        reason,
    })
}

pub fn payment(p: &gc::Payment) -> r::Record {
    r::Record::Payment(r::Payment {
        id: p.id.clone(),
        mandate_id: p.links.mandate.clone(),
        created_at: at(p.created_at),
        charge_date: p.charge_date.to_string(),
        amount: p.amount,
        amount_refunded: p.amount_refunded,
        status: spelled(p.status),
        reference: p.reference.clone(),
        description: p.description.clone(),
        payout_id: p.links.payout.clone(),
    })
}

pub fn refund(f: &gc::Refund) -> r::Record {
    r::Record::Refund(r::Refund {
        id: f.id.clone(),
        payment_id: f.links.payment.clone(),
        created_at: at(f.created_at),
        amount: f.amount,
        status: spelled(f.status),
        reference: f.reference.clone(),
    })
}

pub fn payout(p: &gc::Payout, items: &[gc::PayoutItem]) -> r::Record {
    r::Record::Payout(r::Payout {
        id: p.id.clone(),
        created_at: at(p.created_at),
        amount: p.amount,
        deducted_fees: p.deducted_fees,
        status: spelled(p.status),
        arrival_date: p.arrival_date.map(|d| d.to_string()),
        reference: p.reference.clone(),
        payout_type: p.payout_type.clone(),
        items: items
            .iter()
            .map(|i| r::PayoutItem {
                item_type: spelled(i.item_type),
                amount: i.amount,
                payment_id: i.links.payment.clone(),
                mandate_id: i.links.mandate.clone(),
                refund_id: i.links.refund.clone(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_spelled_as_gocardless_sends_them() {
        assert_eq!(spelled(gc::PaymentStatus::PendingCustomerApproval), "pending_customer_approval");
        assert_eq!(spelled(gc::PaymentStatus::PaidOut), "paid_out");
        assert_eq!(spelled(gc::MandateStatus::Active), "active");
        assert_eq!(spelled(gc::PayoutItemType::GocardlessFee), "gocardless_fee");
    }
}
