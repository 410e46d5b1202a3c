// The fake core's direct-debit providers: one mandate per provider (the GoCardless one cancelled, with its reason),
// one paid GoCardless payout with a fee, unmapped settlement accounts, and the connect commands' checks.
import type {
  ContactMandates,
  GoCardlessConnected,
  MandateRow,
  MandateSetupRow,
  PayoutRow,
  Provider,
  ProviderSettlement,
  SaferpayCredentialsInput,
  SettlementMapping,
  XeroAccount,
} from '../../bindings';
import { rejectWith, type CommandHandlers } from './handlers';

export const GOCARDLESS_MANDATE: MandateRow = {
  provider: 'gocardless',
  id: 'MD000123',
  status: 'cancelled',
  scheme: 'sepa_core',
  reference: 'ALPENRAD-1',
  customerName: 'Muster GmbH',
  customerEmail: 'buchhaltung@muster.de',
  bankName: 'Commerzbank',
  accountEnding: '00',
  nextPossibleChargeDate: null,
  reason: 'bank_account_closed',
  createdAt: null,
};

export const SAFERPAY_MANDATE: MandateRow = {
  provider: 'saferpay',
  id: 'XPM-0A1B2C3D4E5F60718293A4B5',
  status: 'active',
  scheme: 'DIRECTDEBIT',
  reference: null,
  customerName: 'Velo Huber AG',
  customerEmail: null,
  bankName: null,
  accountEnding: '3000',
  nextPossibleChargeDate: null,
  reason: null,
  createdAt: '2026-12-01T09:00:00Z',
};

export const PAYOUT: PayoutRow = {
  id: 'PO0001',
  amount: '1198.60',
  deductedFees: '1.50',
  currency: 'EUR',
  status: 'paid',
  arrivalDate: '2026-12-15',
  reference: 'ALPENRAD-PO-1',
  createdAt: '2026-12-14T11:00:00Z',
  items: [
    { itemType: 'payment_paid_out', amount: '1200.10', paymentId: 'PM0001', mandateId: 'MD000123', refundId: null },
    { itemType: 'gocardless_fee', amount: '-1.50', paymentId: 'PM0001', mandateId: null, refundId: null },
  ],
};

/** What the fake answers for a token other than `bad-token`: the sandbox's creditor. */
export const CREDITOR: GoCardlessConnected = {
  organisationId: 'org-CR0001',
  creditorId: 'CR0001',
  creditorName: 'Alpenrad Velo GmbH',
};

/** The mandate a setup in the fake ends with: the customer finished GoCardless's page. */
export const SET_UP_MANDATE: MandateRow = {
  ...GOCARDLESS_MANDATE,
  id: 'MD000777',
  status: 'pending_submission',
  reason: null,
  nextPossibleChargeDate: '2026-12-10',
};

/** A mandate setup whose hosted page waits for the customer. */
export function waitingSetup(organisationId: string, contactId: string, n = 0): MandateSetupRow {
  return {
    id: `0b7c2f1e-55a4-4d8e-9a51-${String(n).padStart(12, '0')}`,
    organisationId,
    contactId,
    contactName: 'Muster GmbH',
    status: 'waiting',
    authorisationUrl: 'https://pay.gocardless.com/billing/static/flow?id=BRF0001',
    expiresAt: '2026-12-14T09:00:00Z',
    mandateId: null,
    createdAt: '2026-12-07T09:00:00Z',
    startedBy: 'owner@example.com',
  };
}

export function directDebitHandlers(): CommandHandlers {
  // Mandate setups by contact: waiting once started, done at the first follow.
  const setups = new Map<string, MandateSetupRow>();
  const contactOf = (args: unknown) => {
    const { organisationId, contactId } = args as { organisationId: string; contactId: string };
    return { organisationId, contactId, key: `${organisationId}/${contactId}` };
  };
  const saferpayRecorded: Array<{ contactId: string; row: MandateRow }> = [];
  const setupById = (args: unknown) => [...setups.values()].find((s) => s.id === (args as { setupId: string }).setupId);
  const mappings: ProviderSettlement[] = [
    { provider: 'gocardless', mapping: null },
    { provider: 'saferpay', mapping: null },
  ];
  let saferpayConfigured = false;
  // Xero's demo chart, with GoCardless's clearing account and none for Saferpay yet.
  const chart: XeroAccount[] = [
    { accountId: 'a-090', code: '090', name: 'Business Bank Account', type: 'BANK', status: 'ACTIVE' },
    { accountId: 'a-092', code: '092', name: 'GoCardless Clearing', type: 'BANK', status: 'ACTIVE' },
    { accountId: 'a-404', code: '404', name: 'Bank Fees', type: 'EXPENSE', status: 'ACTIVE' },
    { accountId: 'a-429', code: '429', name: 'General Expenses', type: 'EXPENSE', status: 'ACTIVE' },
  ];
  return {
    list_gocardless_mandates: () => [structuredClone(GOCARDLESS_MANDATE)],
    list_saferpay_mandates: () => [structuredClone(SAFERPAY_MANDATE)],
    list_gocardless_payouts: () => [structuredClone(PAYOUT)],
    saferpay_contact_mandates: (args) => {
      const { contactId } = args as { contactId: string };
      return saferpayRecorded.filter((m) => m.contactId === contactId).map((m) => structuredClone(m.row));
    },
    record_saferpay_mandate: (args) => {
      const a = args as { contactId: string; holder: string; iban: string; bank: string | null; customerSigned: boolean };
      if (!a.customerSigned) {
        return rejectWith({ code: 'invalid_input', message: "a SEPA mandate needs the customer's signature on its text" });
      }
      const iban = a.iban.replace(/\s+/g, '').toUpperCase();
      if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return rejectWith({ code: 'invalid_input', message: 'the IBAN is not valid' });
      const row: MandateRow = {
        ...SAFERPAY_MANDATE,
        id: `XPM-FAKE${saferpayRecorded.length}`,
        customerName: a.holder,
        bankName: a.bank,
        accountEnding: iban.slice(-4),
      };
      saferpayRecorded.push({ contactId: a.contactId, row });
      return structuredClone(row);
    },
    sync_gocardless: () => null,
    sync_saferpay: () => null,
    disconnect_gocardless: () => null,
    confirm_gocardless_customer: () => null,
    gocardless_contact_mandates: (args): ContactMandates => {
      const { key } = contactOf(args);
      const setup = setups.get(key);
      const done = setup?.status === 'done';
      return {
        found: done ? 'linked' : 'none',
        mandates: done ? [structuredClone(SET_UP_MANDATE)] : [],
        setups: setup ? [structuredClone(setup)] : [],
      };
    },
    start_gocardless_mandate_setup: (args) => {
      const { organisationId, contactId, key } = contactOf(args);
      const open = setups.get(key);
      if (open && open.status === 'waiting') return structuredClone(open);
      const setup = waitingSetup(organisationId, contactId, setups.size);
      setups.set(key, setup);
      return structuredClone(setup);
    },
    follow_gocardless_mandate_setup: (args) => {
      const setup = setupById(args);
      if (!setup) return rejectWith({ code: 'invalid_input', message: 'no GoCardless mandate setup' });
      if (setup.status === 'waiting') Object.assign(setup, { status: 'done', mandateId: SET_UP_MANDATE.id });
      return structuredClone(setup);
    },
    cancel_gocardless_mandate_setup: (args) => {
      const setup = setupById(args);
      if (!setup || setup.status !== 'waiting') {
        return rejectWith({ code: 'invalid_input', message: 'this mandate setup can no longer be cancelled' });
      }
      setup.status = 'cancelled';
      return structuredClone(setup);
    },
    connect_gocardless: (args) =>
      (args as { token: string }).token === 'bad-token'
        ? rejectWith({ code: 'reconnect_needed', message: 'GoCardless refused the access token (HTTP 401)' })
        : structuredClone(CREDITOR),
    saferpay_status: () => ({ configured: saferpayConfigured }),
    connect_saferpay: (args) => {
      const { customerId, terminalId } = (args as { credentials: SaferpayCredentialsInput }).credentials;
      if (!/^\d{8}$/.test(terminalId)) {
        return rejectWith({ code: 'invalid_input', message: 'the Saferpay terminal id has 8 digits' });
      }
      saferpayConfigured = true;
      return { customerId, terminalId };
    },
    get_settlement_mappings: () => structuredClone(mappings),
    list_xero_accounts: () => structuredClone(chart),
    create_clearing_account: (args) => {
      const { provider } = args as { provider: Provider };
      const name = provider === 'gocardless' ? 'GoCardless Clearing' : 'Saferpay Clearing';
      const taken = chart.find((a) => a.name === name);
      if (taken) {
        return rejectWith({
          code: 'invalid_input',
          message: `the organisation already has an account named "${name}" (code ${taken.code ?? 'none'}): choose it`,
        });
      }
      const code = ['091', '093', '094'].find((c) => !chart.some((a) => a.code === c)) ?? '099';
      const account: XeroAccount = { accountId: `a-${code}`, code, name, type: 'BANK', status: 'ACTIVE' };
      chart.push(account);
      return structuredClone(account);
    },
    set_settlement_mapping: (args) => {
      const { provider, mapping } = args as { provider: Provider; mapping: SettlementMapping };
      const entry = mappings.find((m) => m.provider === provider);
      if (!entry) return rejectWith({ code: 'invalid_input', message: `no direct-debit provider "${provider}"` });
      entry.mapping = structuredClone(mapping);
      return null;
    },
  };
}
