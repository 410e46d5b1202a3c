//! `sandbox --state FILE`: the Xero emulator's state as JSON and back.
//!
//! Kept: the app registrations (client ids, redirect URIs), every tenant's records, grants with
//! their connections, access and refresh tokens (so an app that stored them keeps working),
//! and idempotency records (a retry after a restart must still replay). Dropped: consent pages
//! and authorization codes (minutes-long, a browser flow does not survive a restart anyway) and
//! rate-limit windows.

use crate::data::{Records, Tenant};
use crate::state::{Access, Grant, Idempotent, Refresh, State};
use crate::{Bases, Emulator, Shared};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use xp_sandbox_kit::persist::{pairs, Persist};
use xp_sandbox_kit::Ctx;

/// Borrowed when saving, owned when restoring; sorted so that unchanged state saves to the
/// same bytes.
type Map<'a, T> = BTreeMap<Cow<'a, str>, Cow<'a, T>>;

fn borrowed<T: Clone>(m: &HashMap<String, T>) -> Map<'_, T> {
    m.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v))).collect()
}

fn owned<T: Clone>(m: Map<'_, T>) -> HashMap<String, T> {
    m.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The Xero section of the state file.
#[derive(Serialize, Deserialize)]
pub struct Saved<'a> {
    client_id: Cow<'a, str>,
    auto_consent_client_id: Cow<'a, str>,
    redirect_uris: Cow<'a, [String]>,
    tenants: Vec<SavedTenant<'a>>,
    grants: Map<'a, Grant>,
    access_tokens: Map<'a, Access>,
    refresh_tokens: Map<'a, Refresh>,
    idempotency: Vec<SavedIdempotent<'a>>,
}

#[derive(Serialize, Deserialize)]
struct SavedIdempotent<'a> {
    /// The app's client id (files written before keys were scoped to the app name the
    /// tenant here; such records never match and expire).
    #[serde(alias = "tenant")]
    app: Cow<'a, str>,
    key: Cow<'a, str>,
    record: Cow<'a, Idempotent>,
}

/// A tenant's records in Xero's own JSON; the id indexes are rebuilt on restore.
#[derive(Serialize, Deserialize)]
struct SavedTenant<'a> {
    tenant_id: Cow<'a, str>,
    name: Cow<'a, str>,
    currency: Cow<'a, str>,
    organisation: Cow<'a, Value>,
    currencies: Cow<'a, [Value]>,
    tax_rates: Cow<'a, [Value]>,
    accounts: Cow<'a, [Value]>,
    contacts: Cow<'a, [Value]>,
    invoices: Cow<'a, [Value]>,
    payments: Cow<'a, [Value]>,
    bank_transactions: Cow<'a, [Value]>,
    /// Absent from state files written before transfers were emulated.
    #[serde(default)]
    bank_transfers: Cow<'a, [Value]>,
    credit_notes: Cow<'a, [Value]>,
}

impl<'a> SavedTenant<'a> {
    fn of(t: &'a Tenant) -> Self {
        Self {
            tenant_id: Cow::Borrowed(&t.tenant_id),
            name: Cow::Borrowed(&t.name),
            currency: Cow::Borrowed(&t.currency),
            organisation: Cow::Borrowed(&t.organisation),
            currencies: Cow::Borrowed(&t.currencies),
            tax_rates: Cow::Borrowed(&t.tax_rates),
            accounts: Cow::Borrowed(&t.accounts.items),
            contacts: Cow::Borrowed(&t.contacts.items),
            invoices: Cow::Borrowed(&t.invoices.items),
            payments: Cow::Borrowed(&t.payments.items),
            bank_transactions: Cow::Borrowed(&t.bank_transactions.items),
            bank_transfers: Cow::Borrowed(&t.bank_transfers.items),
            credit_notes: Cow::Borrowed(&t.credit_notes.items),
        }
    }

    /// The id fields are the ones `data::tenant` indexes by.
    fn into_tenant(self) -> Tenant {
        let records = |field, items: Cow<'_, [Value]>| Records::from_items(field, items.into_owned());
        Tenant {
            tenant_id: self.tenant_id.into_owned(),
            name: self.name.into_owned(),
            currency: self.currency.into_owned(),
            organisation: self.organisation.into_owned(),
            currencies: self.currencies.into_owned(),
            tax_rates: self.tax_rates.into_owned(),
            accounts: records("AccountID", self.accounts),
            contacts: records("ContactID", self.contacts),
            invoices: records("InvoiceID", self.invoices),
            payments: records("PaymentID", self.payments),
            bank_transactions: records("BankTransactionID", self.bank_transactions),
            bank_transfers: records("BankTransferID", self.bank_transfers),
            credit_notes: records("CreditNoteID", self.credit_notes),
        }
    }
}

impl Persist for Emulator {
    type Saved = Saved<'static>;
    type Base = Bases;

    /// Everything that must survive a restart (see the module doc for what is left out),
    /// written while the state lock is held.
    fn save_into<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sh = &self.shared;
        let st = sh.state.lock().unwrap_or_else(|p| p.into_inner());
        let idempotency = pairs(&st.idempotency, |app, key, record| SavedIdempotent {
            app: Cow::Borrowed(app),
            key: Cow::Borrowed(key),
            record: Cow::Borrowed(record),
        });
        Saved {
            client_id: Cow::Borrowed(&sh.client_id),
            auto_consent_client_id: Cow::Borrowed(&sh.auto_client_id),
            redirect_uris: Cow::Borrowed(&st.redirect_uris),
            tenants: st.tenants.iter().map(SavedTenant::of).collect(),
            grants: borrowed(&st.grants),
            access_tokens: borrowed(&st.access),
            refresh_tokens: borrowed(&st.refresh),
            idempotency,
        }
        .serialize(s)
    }

    fn from_saved(ctx: Ctx, bases: Bases, saved: Saved<'static>) -> Result<Self, String> {
        let st = State {
            tenants: saved.tenants.into_iter().map(SavedTenant::into_tenant).collect(),
            grants: owned(saved.grants),
            access: owned(saved.access_tokens),
            refresh: owned(saved.refresh_tokens),
            idempotency: saved
                .idempotency
                .into_iter()
                .map(|i| ((i.app.into_owned(), i.key.into_owned()), i.record.into_owned()))
                .collect(),
            redirect_uris: saved.redirect_uris.into_owned(),
            ..Default::default()
        };
        let shared = Shared {
            ctx,
            bases: bases.clone(),
            client_id: saved.client_id.into_owned(),
            auto_client_id: saved.auto_consent_client_id.into_owned(),
            state: Mutex::new(st),
        };
        Ok(Self { shared: Arc::new(shared), bases })
    }
}
