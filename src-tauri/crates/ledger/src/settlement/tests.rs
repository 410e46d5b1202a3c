use super::*;
use proptest::prelude::*;
use time::macros::date;

fn eur(s: &str) -> Money {
    Money::parse(s, "EUR").unwrap()
}

fn acc() -> Accounts {
    Accounts { clearing: "GC-CLEARING".into(), bank: "BANK".into(), fees: "404".into(), suspense: "SUSPENSE".into() }
}

fn confirmed(id: &str, amount: &str) -> Confirmed {
    Confirmed {
        provider: "gocardless".into(),
        payment_id: id.into(),
        invoice_id: Some(format!("INV-{id}")),
        amount: eur(amount),
        on: date!(2026 - 12 - 07),
        reference: format!("INV-{id}"),
    }
}

fn open(due: &str) -> Invoice {
    Invoice::Open { amount_due: eur(due) }
}

fn payout(id: &str, amount: &str, items: Vec<PayoutItem>) -> Payout {
    Payout {
        provider: "gocardless".into(),
        payout_id: id.into(),
        amount: eur(amount),
        arrives_on: date!(2026 - 12 - 10),
        reference: format!("payout {id}"),
        items,
    }
}

fn item(kind: ItemKind, amount: &str) -> PayoutItem {
    PayoutItem { kind, amount: eur(amount) }
}

fn paid(id: &str) -> ItemKind {
    ItemKind::PaidOut { payment_id: id.into() }
}

fn clearing_after(plans: &[&Plan]) -> Money {
    let mut c = Clearing::new("GC-CLEARING", Currency::EUR);
    for w in plans.iter().flat_map(|p| &p.writes) {
        c.apply(w).unwrap();
    }
    c.balance()
}

#[test]
fn a_payment_for_what_the_invoice_owes_is_one_xero_payment_into_the_clearing_account() {
    let plan = book_confirmed(&confirmed("PM1", "120.50"), Some(&open("120.50")), &acc()).unwrap();
    assert_eq!(
        plan.writes,
        [Write::Payment {
            key: "gocardless:PM1:payment".into(),
            invoice_id: "INV-PM1".into(),
            account: "GC-CLEARING".into(),
            amount: eur("120.50"),
            date: date!(2026 - 12 - 07),
            reference: "INV-PM1".into(),
        }]
    );
    assert!(plan.attention.is_empty());
}

#[test]
fn partial_and_over_payments_are_explicit_and_never_overpay_the_invoice() {
    let part = book_confirmed(&confirmed("PM1", "50.00"), Some(&open("120.50")), &acc()).unwrap();
    assert_eq!(part.attention, [Attention::PartlyPaid { invoice_id: "INV-PM1".into(), remaining: eur("70.50") }]);

    let over = book_confirmed(&confirmed("PM2", "150.00"), Some(&open("120.50")), &acc()).unwrap();
    assert!(matches!(&over.writes[0], Write::Payment { amount, .. } if *amount == eur("120.50")));
    assert!(matches!(&over.writes[1], Write::Receive { account_code, amount, .. }
        if account_code == "SUSPENSE" && *amount == eur("29.50")));
    assert_eq!(over.attention, [Attention::Overpaid { invoice_id: "INV-PM2".into(), excess: eur("29.50") }]);
    assert_eq!(clearing_after(&[&over]), eur("150.00"), "all collected money is in the clearing account");

    let closed = book_confirmed(&confirmed("PM3", "10"), Some(&Invoice::Closed { status: "PAID".into() }), &acc());
    let closed = closed.unwrap();
    assert!(matches!(&closed.writes[..], [Write::Receive { .. }]));
    assert!(matches!(&closed.attention[..], [Attention::InvoiceNotOpen { status, .. }] if status == "PAID"));

    let wrong = book_confirmed(
        &confirmed("PM4", "10"),
        Some(&Invoice::Open { amount_due: Money::parse("10", "CHF").unwrap() }),
        &acc(),
    );
    assert!(matches!(wrong, Err(SettlementError::CurrencyMismatch { .. })));
    assert!(book_confirmed(&confirmed("PM5", "0"), Some(&open("10")), &acc()).is_err());
}

#[test]
fn a_payout_books_its_fees_and_moves_the_net_sum_so_the_clearing_account_returns_to_zero() {
    let a = book_confirmed(&confirmed("PM1", "100.00"), Some(&open("100.00")), &acc()).unwrap();
    let b = book_confirmed(&confirmed("PM2", "50.00"), Some(&open("50.00")), &acc()).unwrap();
    let po = payout(
        "PO1",
        "147.30",
        vec![
            item(paid("PM1"), "100.00"),
            item(paid("PM2"), "50.00"),
            item(ItemKind::Fee, "-2.20"),
            item(ItemKind::Fee, "-0.50"),
        ],
    );
    let plan = book_payout(&po, |_| Booked::Confirmed, &acc()).unwrap();
    assert_eq!(plan.writes.len(), 2);
    assert!(matches!(&plan.writes[0], Write::Spend { key, account_code, amount, .. }
        if key == "gocardless:PO1:fees" && account_code == "404" && *amount == eur("2.70")));
    assert!(matches!(&plan.writes[1], Write::Transfer { from, to, amount, .. }
        if from == "GC-CLEARING" && to == "BANK" && *amount == eur("147.30")));
    assert_eq!(clearing_after(&[&a, &b, &plan]).amount, Decimal::ZERO);
}

#[test]
fn a_charge_back_undoes_the_payment_and_a_negative_payout_is_a_transfer_back() {
    let a = book_confirmed(&confirmed("PM1", "100.00"), Some(&open("100.00")), &acc()).unwrap();
    let first = book_payout(
        &payout("PO1", "99.00", vec![item(paid("PM1"), "100.00"), item(ItemKind::Fee, "-1.00")]),
        |_| Booked::Confirmed,
        &acc(),
    )
    .unwrap();
    let back = book_reversal("gocardless", "PM1", Some("INV-PM1"), Reversal::ChargedBack, &a.writes);
    assert_eq!(
        back.writes,
        [Write::Undo { key: "gocardless:PM1:undo:gocardless:PM1:payment".into(), of: "gocardless:PM1:payment".into() }]
    );
    assert!(matches!(&back.attention[..], [Attention::Reversed { reason: Reversal::ChargedBack, .. }]));
    // The debit arrives in the next payout, with the fee credited back and nothing else to pay.
    let po2 = payout(
        "PO2",
        "-99.00",
        vec![
            item(ItemKind::Reversed { payment_id: "PM1".into(), reason: Reversal::ChargedBack }, "-100.00"),
            item(ItemKind::Fee, "1.00"),
        ],
    );
    assert!(matches!(
        book_payout(&po2, |_| Booked::Confirmed, &acc()),
        Err(SettlementError::NotBookedYet { what: "reversal", .. })
    ));
    let second = book_payout(&po2, |_| Booked::Reversed, &acc()).unwrap();
    assert!(
        matches!(&second.writes[0], Write::Receive { account_code, amount, .. } if account_code == "404" && *amount == eur("1.00"))
    );
    assert!(matches!(&second.writes[1], Write::Transfer { from, to, amount, .. }
        if from == "BANK" && to == "GC-CLEARING" && *amount == eur("99.00")));
    assert_eq!(clearing_after(&[&a, &first, &back, &second]).amount, Decimal::ZERO);
}

#[test]
fn a_payout_that_does_not_add_up_or_lists_unbooked_payments_is_refused() {
    let bad = payout("PO1", "100.00", vec![item(paid("PM1"), "100.00"), item(ItemKind::Fee, "-1.00")]);
    assert!(matches!(book_payout(&bad, |_| Booked::Confirmed, &acc()), Err(SettlementError::ItemsDoNotAddUp { .. })));
    let early = payout("PO1", "100.00", vec![item(paid("PM1"), "100.00")]);
    let e = book_payout(&early, |_| Booked::Nothing, &acc()).unwrap_err();
    assert_eq!(e.to_string(), "payout PO1 lists payments whose confirmation is not booked yet: PM1");
}

#[test]
fn refunds_and_unknown_lines_wait_in_suspense_for_a_person() {
    let po = payout(
        "PO1",
        "65.00",
        vec![
            item(paid("PM1"), "100.00"),
            item(ItemKind::Refund { payment_id: "PM0".into() }, "-30.00"),
            item(ItemKind::Other { description: "adjustment".into() }, "-5.00"),
        ],
    );
    let a = book_confirmed(&confirmed("PM1", "100.00"), Some(&open("100.00")), &acc()).unwrap();
    let plan = book_payout(&po, |_| Booked::Confirmed, &acc()).unwrap();
    assert_eq!(plan.attention.len(), 2);
    assert!(matches!(&plan.attention[0], Attention::Refunded { amount, .. } if *amount == eur("30.00")));
    assert_eq!(clearing_after(&[&a, &plan]).amount, Decimal::ZERO);
}

#[test]
fn payments_the_books_do_not_follow_pass_through_suspense_and_still_leave_clearing_at_zero() {
    // PM1 collected through the app; PM8 created in GoCardless's dashboard, PM9 confirmed before
    // the books used the clearing account and charged back now.
    let po = payout(
        "PO1",
        "118.50",
        vec![
            item(paid("PM1"), "100.00"),
            item(paid("PM8"), "40.00"),
            item(ItemKind::Reversed { payment_id: "PM9".into(), reason: Reversal::ChargedBack }, "-20.00"),
            item(ItemKind::Fee, "-1.50"),
        ],
    );
    let a = book_confirmed(&confirmed("PM1", "100.00"), Some(&open("100.00")), &acc()).unwrap();
    let state = |id: &str| if id == "PM1" { Booked::Confirmed } else { Booked::Foreign };
    let plan = book_payout(&po, state, &acc()).unwrap();
    let suspense: Vec<_> = plan
        .writes
        .iter()
        .filter_map(|w| match w {
            Write::Receive { key, account_code, amount, .. } if account_code == "SUSPENSE" => {
                Some((key.as_str(), "in", *amount))
            }
            Write::Spend { key, account_code, amount, .. } if account_code == "SUSPENSE" => {
                Some((key.as_str(), "out", *amount))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        suspense,
        [("gocardless:PO1:foreign:1", "in", eur("40.00")), ("gocardless:PO1:foreign:2", "out", eur("20.00"))]
    );
    assert!(plan.attention.iter().any(|a| matches!(a, Attention::NoInvoice { payment_id, .. } if payment_id == "PM8")));
    assert!(plan
        .attention
        .iter()
        .any(|a| matches!(a, Attention::Reversed { payment_id, invoice_id: None, .. } if payment_id == "PM9")));
    assert_eq!(clearing_after(&[&a, &plan]).amount, Decimal::ZERO);
    // A payment the books follow but have not booked yet still holds the payout back.
    let waiting = |id: &str| if id == "PM1" { Booked::Nothing } else { Booked::Foreign };
    assert!(matches!(book_payout(&po, waiting, &acc()), Err(SettlementError::NotBookedYet { .. })));
}

#[test]
fn booking_the_same_fact_twice_is_the_same_writes() {
    let a = book_confirmed(&confirmed("PM1", "100.00"), Some(&open("100.00")), &acc()).unwrap();
    let again = book_confirmed(&confirmed("PM1", "100.00"), Some(&open("100.00")), &acc()).unwrap();
    assert_eq!(a, again);
    assert_eq!(clearing_after(&[&a, &again]), eur("100.00"), "a key already applied changes nothing");
}

/// One payment's fate in a generated history.
#[derive(Debug, Clone)]
struct Fate {
    cents: i64,
    due_cents: i64,
    fee_cents: i64,
    /// Paid out in payout 0 or 1; reversed (0: no, 1: before its payout is booked, 2: after).
    payout: usize,
    reversed: u8,
}

fn fate() -> impl Strategy<Value = Fate> {
    (1i64..5_000_000, 0i64..3, 0i64..5_000, 0usize..2, 0u8..3).prop_map(|(cents, due, fee, payout, reversed)| Fate {
        cents,
        // Exactly owed, owed more (partial), or owed less (overpaid).
        due_cents: match due {
            0 => cents,
            1 => cents + 1_234,
            _ => (cents / 2).max(1),
        },
        fee_cents: fee.min(cents),
        payout,
        reversed,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the mix of partial, exact and over-payments, fees, reversals before or after the
    /// payout, and payouts that go negative: once every payout (and the debits of the reversals)
    /// is booked, the clearing account holds exactly zero, to the cent.
    #[test]
    fn the_clearing_account_returns_to_zero(fates in prop::collection::vec(fate(), 1..12)) {
        let cents = |c: i64| Money::from_minor(c, 2, Currency::EUR);
        let mut clearing = Clearing::new("GC-CLEARING", Currency::EUR);
        let mut booked: HashMap<String, (Booked, Vec<Write>)> = HashMap::new();
        let apply = |plan: &Plan, clearing: &mut Clearing| {
            for w in &plan.writes {
                clearing.apply(w).unwrap();
            }
        };
        // Payout 0 and 1 carry their payments; payout 2 carries the debits of late reversals.
        let mut payouts: Vec<Vec<PayoutItem>> = vec![Vec::new(), Vec::new(), Vec::new()];
        for (i, f) in fates.iter().enumerate() {
            let id = format!("PM{i}");
            let p = Confirmed { amount: cents(f.cents), ..confirmed(&id, "1") };
            let plan = book_confirmed(&p, Some(&Invoice::Open { amount_due: cents(f.due_cents) }), &acc()).unwrap();
            apply(&plan, &mut clearing);
            booked.insert(id.clone(), (Booked::Confirmed, plan.writes));
            payouts[f.payout].push(PayoutItem { kind: ItemKind::PaidOut { payment_id: id.clone() }, amount: cents(f.cents) });
            payouts[f.payout].push(PayoutItem { kind: ItemKind::Fee, amount: cents(-f.fee_cents) });
            if f.reversed > 0 {
                payouts[2].push(PayoutItem {
                    kind: ItemKind::Reversed { payment_id: id.clone(), reason: Reversal::LateFailure },
                    amount: cents(-f.cents),
                });
            }
        }
        let reverse = |id: &str, booked: &mut HashMap<String, (Booked, Vec<Write>)>, clearing: &mut Clearing| {
            let (state, writes) = booked.get_mut(id).unwrap();
            let plan = book_reversal("gocardless", id, None, Reversal::LateFailure, writes);
            *state = Booked::Reversed;
            for w in &plan.writes {
                clearing.apply(w).unwrap();
            }
        };
        for (i, f) in fates.iter().enumerate() {
            if f.reversed == 1 {
                reverse(&format!("PM{i}"), &mut booked, &mut clearing);
            }
        }
        for (n, items) in payouts.iter().enumerate() {
            if n == 2 {
                for (i, f) in fates.iter().enumerate() {
                    if f.reversed == 2 {
                        reverse(&format!("PM{i}"), &mut booked, &mut clearing);
                    }
                }
            }
            if items.is_empty() {
                continue;
            }
            let mut net = Money::zero(Currency::EUR);
            for it in items {
                net = net.checked_add(it.amount).unwrap();
            }
            let po = Payout { amount: net, items: items.clone(), ..payout(&format!("PO{n}"), "0", vec![]) };
            let plan = book_payout(&po, |id| booked.get(id).map_or(Booked::Nothing, |b| b.0), &acc()).unwrap();
            apply(&plan, &mut clearing);
        }
        prop_assert_eq!(clearing.balance().amount, Decimal::ZERO);
    }
}

#[test]
fn a_refund_from_the_providers_funds_is_spent_from_clearing_into_suspense_for_a_credit_note() {
    let r = Refunded {
        provider: "saferpay".into(),
        refund_id: "c1-R1".into(),
        payment_id: "T1".into(),
        amount: eur("20.50"),
        on: date!(2026 - 12 - 09),
        reference: "Saferpay refund c1-R1 INV-1".into(),
    };
    let plan = book_refund(&r, &acc()).unwrap();
    assert_eq!(plan.writes.len(), 1);
    match &plan.writes[0] {
        Write::Spend { bank_account, account_code, amount, date, .. } => {
            assert_eq!((bank_account.as_str(), account_code.as_str()), ("GC-CLEARING", "SUSPENSE"));
            assert_eq!((*amount, *date), (eur("20.50"), date!(2026 - 12 - 09)));
        }
        other => panic!("a spend from clearing, not {other:?}"),
    }
    assert_eq!(plan.attention, vec![Attention::Refunded { payment_id: "T1".into(), amount: eur("20.50") }]);
    let again = book_refund(&r, &acc()).unwrap();
    assert_eq!(again.writes[0].key(), plan.writes[0].key(), "the same refund is the same write");
    let nothing = Refunded { amount: eur("0"), ..r };
    assert!(matches!(book_refund(&nothing, &acc()), Err(SettlementError::NotPositive { .. })));
}

#[test]
fn each_note_names_its_kind_its_invoice_and_what_to_do() {
    let back = Attention::Reversed {
        payment_id: "PM1".into(),
        invoice_id: Some("inv-1".into()),
        reason: Reversal::ChargedBack,
    };
    assert_eq!((back.kind(), back.invoice_id()), ("charged_back", Some("inv-1")));
    assert!(back.sentence().contains("invoice is open again"), "{}", back.sentence());
    let part = Attention::PartlyPaid { invoice_id: "inv-2".into(), remaining: eur("10.5") };
    assert_eq!(part.sentence(), "Partly paid: the invoice still owes 10.50 EUR.");
    let stray = Attention::NoInvoice { payment_id: "PM9".into(), amount: eur("3") };
    assert_eq!((stray.kind(), stray.invoice_id()), ("no_invoice", None));
    assert!(stray.sentence().contains("3.00 EUR (payment PM9)"), "{}", stray.sentence());
}
