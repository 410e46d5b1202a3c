// The fake core's direct-debit providers: one mandate per provider (the GoCardless one cancelled, with its reason),
// one paid GoCardless payout with a fee, unmapped settlement accounts, and the connect commands' checks.
import type {
  GoCardlessConnected,
  MandateRow,
  PayoutRow,
  Provider,
  ProviderSettlement,
  SaferpayCredentialsInput,
  SettlementMapping,
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

export function directDebitHandlers(): CommandHandlers {
  const mappings: ProviderSettlement[] = [
    { provider: 'gocardless', mapping: null },
    { provider: 'saferpay', mapping: null },
  ];
  let saferpayConfigured = false;
  return {
    list_gocardless_mandates: () => [structuredClone(GOCARDLESS_MANDATE)],
    list_saferpay_mandates: () => [structuredClone(SAFERPAY_MANDATE)],
    list_gocardless_payouts: () => [structuredClone(PAYOUT)],
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
    set_settlement_mapping: (args) => {
      const { provider, mapping } = args as { provider: Provider; mapping: SettlementMapping };
      const entry = mappings.find((m) => m.provider === provider);
      if (!entry) return rejectWith({ code: 'invalid_input', message: `no direct-debit provider "${provider}"` });
      entry.mapping = structuredClone(mapping);
      return null;
    },
  };
}
