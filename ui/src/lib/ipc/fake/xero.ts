// The fake Xero area: deterministic rows, the connect/keep/sync commands and the cached lists.
import { emit } from '@tauri-apps/api/event';

import type {
  BankTransactionQuery,
  BankTransactionRow,
  ContactQuery,
  ContactRow,
  InvoicePage,
  InvoiceQuery,
  InvoiceRow,
  Organisation,
  SyncProgress,
} from '../../bindings';
import { EVENT_SYNC_PROGRESS } from '../../bindings/events';
import { fixtures } from './fixtures';
import { pageOf, rejectWith, type CommandHandlers } from './handlers';

const INVOICE_STATUSES = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'] as const;
const CONTACTS = ['Bayside Club', 'City Limousines', 'Ridgeway University', 'Marine Systems', 'Basket Case'] as const;

/** `count` deterministic invoice rows of one organisation, numbered INV-00001 upwards. */
export function makeInvoices(count: number, organisationId = 'org-1'): InvoiceRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const day = String((i % 28) + 1).padStart(2, '0');
    const total = `${(n * 37) % 5000}.${String(n % 100).padStart(2, '0')}`;
    const status = INVOICE_STATUSES[i % INVOICE_STATUSES.length] ?? 'DRAFT';
    return {
      organisationId,
      invoiceId: `inv-${n}`,
      number: `INV-${String(n).padStart(5, '0')}`,
      invoiceType: 'ACCREC',
      status,
      contactId: `contact-${i % CONTACTS.length}`,
      contactName: CONTACTS[i % CONTACTS.length] ?? 'Unknown',
      date: `2026-10-${day}`,
      dueDate: `2026-11-${day}`,
      currency: 'GBP',
      total,
      amountDue: status === 'PAID' ? '0.00' : total,
    };
  });
}

const CONTACT_DOMAINS = ['bayside.example', 'city.example', 'ridgeway.example', 'marine.example', 'basket.example'] as const;

/** `count` deterministic contact rows of one organisation, ids contact-1 upwards; every 4th is a supplier too. */
export function makeContacts(count: number, organisationId = 'org-1'): ContactRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const base = CONTACTS[i % CONTACTS.length] ?? 'Contact';
    return {
      organisationId,
      contactId: `contact-${n}`,
      name: `${base} ${n}`,
      email: i % 7 === 6 ? null : `accounts${n}@${CONTACT_DOMAINS[i % CONTACT_DOMAINS.length] ?? 'example.com'}`,
      contactNumber: i % 3 === 2 ? null : `C-${String(n).padStart(5, '0')}`,
      status: i % 10 === 9 ? 'ARCHIVED' : 'ACTIVE',
      isCustomer: i % 4 !== 3,
      isSupplier: i % 4 === 0 || i % 4 === 3,
      defaultCurrency: i % 5 === 4 ? null : 'GBP',
    };
  });
}

const BANK_TYPES = ['RECEIVE', 'SPEND'] as const;
const BANK_STATUSES = ['AUTHORISED', 'AUTHORISED', 'AUTHORISED', 'DELETED'] as const;

/** `count` deterministic bank-transaction rows of one organisation, ids bt-1 upwards. */
export function makeBankTransactions(count: number, organisationId = 'org-1'): BankTransactionRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const day = String((i % 28) + 1).padStart(2, '0');
    return {
      organisationId,
      bankTransactionId: `bt-${n}`,
      transactionType: BANK_TYPES[i % BANK_TYPES.length] ?? 'RECEIVE',
      status: BANK_STATUSES[i % BANK_STATUSES.length] ?? 'AUTHORISED',
      contactId: `contact-${(i % CONTACTS.length) + 1}`,
      contactName: CONTACTS[i % CONTACTS.length] ?? 'Unknown',
      date: `2026-10-${day}`,
      reference: i % 6 === 5 ? null : `REF-${String(n).padStart(5, '0')}`,
      currency: 'GBP',
      total: `${(n * 53) % 3000}.${String((n * 7) % 100).padStart(2, '0')}`,
      isReconciled: i % 3 !== 2,
      bankAccountName: i % 2 === 0 ? 'Business Current Account' : 'Business Savings',
    };
  });
}


/** What `keep_organisations` answers in the fake: one active organisation per kept tenant. */
export function organisationFor(tenantId: string, name: string, connectionId = 'conn-1'): Organisation {
  return {
    id: `org-${tenantId}`,
    connectionId,
    provider: 'xero',
    tenantId,
    name,
    baseCurrency: 'GBP',
    status: 'active',
    lastSyncedAt: null,
    budgetMinute: null,
    budgetDay: null,
  };
}


export function xeroHandlers(): CommandHandlers {
  return {
    list_organisations: () => structuredClone(fixtures.organisations),
    connect_xero: () => structuredClone(fixtures.xeroConnect),
    keep_organisations: (args) => {
      const { connectionId, tenantIds } = args as { connectionId: string; tenantIds: string[] };
      return tenantIds.map((tenantId) => {
        const offered = fixtures.xeroConnect.organisations.find((o) => o.tenantId === tenantId);
        return organisationFor(tenantId, offered?.name ?? tenantId, connectionId);
      });
    },
    sync_now: () => null,
    cancel_sync: () => null,
    disconnect_organisation: () => null,
    // Paging only: tests assert the query the UI sends, not the fake's filtering.
    list_invoices: (args): InvoicePage => pageOf(fixtures.invoices, (args as { query: InvoiceQuery }).query),
    open_in_xero: () => null,
    get_invoice: (args) => {
      const { organisationId, invoiceId } = args as { organisationId: string; invoiceId: string };
      const found = fixtures.invoiceDetails.find(
        (d) => d.row.organisationId === organisationId && d.row.invoiceId === invoiceId,
      );
      return found
        ? structuredClone(found)
        : rejectWith({ code: 'not_found', message: `Invoice ${invoiceId} is not in the local store.` });
    },
    list_contacts: (args) => pageOf(fixtures.contacts, (args as { query: ContactQuery }).query),
    get_contact: (args) => {
      const { organisationId, contactId } = args as { organisationId: string; contactId: string };
      const found = fixtures.contactDetails.find(
        (d) => d.row.organisationId === organisationId && d.row.contactId === contactId,
      );
      return found
        ? structuredClone(found)
        : rejectWith({ code: 'not_found', message: `Contact ${contactId} is not in the local store.` });
    },
    list_bank_transactions: (args) =>
      pageOf(fixtures.bankTransactions, (args as { query: BankTransactionQuery }).query),
    get_bank_transaction: (args) => {
      const { organisationId, bankTransactionId } = args as { organisationId: string; bankTransactionId: string };
      const found = fixtures.bankTransactionDetails.find(
        (d) => d.row.organisationId === organisationId && d.row.bankTransactionId === bankTransactionId,
      );
      return found
        ? structuredClone(found)
        : rejectWith({ code: 'not_found', message: `Bank transaction ${bankTransactionId} is not in the local store.` });
    },
  };
}

/** What Rust emits while a background sync runs. */
export function emitSyncProgress(progress: SyncProgress): Promise<void> {
  return emit(EVENT_SYNC_PROGRESS, progress);
}
