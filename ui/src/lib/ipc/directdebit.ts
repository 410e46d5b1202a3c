// The direct-debit providers: connecting GoCardless and Saferpay (a secret goes in, only who it belongs to comes
// out), their mandates, GoCardless's payouts, and where each provider's money is booked in Xero.
import type {
  ContactMandates,
  GoCardlessConnected,
  MandateRow,
  MandateSetupRow,
  PayoutRow,
  Provider,
  ProviderSettlement,
  SaferpayConnected,
  SaferpayCredentialsInput,
  SaferpayStatus,
  SettlementMapping,
  XeroAccount,
} from '../bindings';
import { call } from './call';

/** Verifies the access token with GoCardless and keeps it in the vault; resolves to the creditor, never the token. */
export function connectGoCardless(token: string): Promise<GoCardlessConnected> {
  return call<GoCardlessConnected>('connect_gocardless', { token });
}

/** Forgets the GoCardless access token and stops syncing; the records stay unless `eraseData`. */
export function disconnectGoCardless(eraseData: boolean): Promise<null> {
  return call<null>('disconnect_gocardless', { eraseData });
}

export function listGoCardlessMandates(): Promise<MandateRow[]> {
  return call<MandateRow[]>('list_gocardless_mandates');
}

export function listGoCardlessPayouts(): Promise<PayoutRow[]> {
  return call<PayoutRow[]>('list_gocardless_payouts');
}

/** Reads GoCardless now and books what it brought in Xero; answers at once, progress comes as sync-progress events. */
export function syncGoCardless(): Promise<null> {
  return call<null>('sync_gocardless');
}

/** Reads Saferpay's transaction report now and books returned debits in Xero; answers at once. */
export function syncSaferpay(): Promise<null> {
  return call<null>('sync_saferpay');
}

/** A Xero contact's GoCardless mandates (its linked customer's, else those matching its email) and mandate setups. */
export function goCardlessContactMandates(organisationId: string, contactId: string): Promise<ContactMandates> {
  return call<ContactMandates>('gocardless_contact_mandates', { organisationId, contactId });
}

/** Starts GoCardless's hosted mandate page for a contact (Rust opens it in the browser); an open one is returned. */
export function startGoCardlessMandateSetup(organisationId: string, contactId: string): Promise<MandateSetupRow> {
  return call<MandateSetupRow>('start_gocardless_mandate_setup', { organisationId, contactId });
}

/** Asks GoCardless how an open mandate setup stands. */
export function followGoCardlessMandateSetup(setupId: string): Promise<MandateSetupRow> {
  return call<MandateSetupRow>('follow_gocardless_mandate_setup', { setupId });
}

export function cancelGoCardlessMandateSetup(setupId: string): Promise<MandateSetupRow> {
  return call<MandateSetupRow>('cancel_gocardless_mandate_setup', { setupId });
}

/** Verifies the credentials with Saferpay and keeps them in the vault; resolves to the account, never the password. */
export function connectSaferpay(credentials: SaferpayCredentialsInput): Promise<SaferpayConnected> {
  return call<SaferpayConnected>('connect_saferpay', { credentials });
}

export function saferpayStatus(): Promise<SaferpayStatus> {
  return call<SaferpayStatus>('saferpay_status');
}

export function listSaferpayMandates(): Promise<MandateRow[]> {
  return call<MandateRow[]>('list_saferpay_mandates');
}

export function getSettlementMappings(): Promise<ProviderSettlement[]> {
  return call<ProviderSettlement[]>('get_settlement_mappings');
}

export function setSettlementMapping(provider: Provider, mapping: SettlementMapping): Promise<null> {
  return call<null>('set_settlement_mapping', { provider, mapping });
}

/** A kept Xero organisation's chart of accounts as last synced, by code. */
export function listXeroAccounts(organisationId: string): Promise<XeroAccount[]> {
  return call<XeroAccount[]>('list_xero_accounts', { organisationId });
}

/** Creates the provider's clearing bank account in the Xero organisation (owner); resolves to the new account. */
export function createClearingAccount(provider: Provider, organisationId: string): Promise<XeroAccount> {
  return call<XeroAccount>('create_clearing_account', { provider, organisationId });
}

/** The active Saferpay mandates recorded for a Xero contact. */
export function saferpayContactMandates(organisationId: string, contactId: string): Promise<MandateRow[]> {
  return call<MandateRow[]>('saferpay_contact_mandates', { organisationId, contactId });
}

/** Records a SEPA mandate the contact signed, for Saferpay debits. The IBAN goes to Rust's vault; only its last four characters come back. */
export function recordSaferpayMandate(input: {
  organisationId: string;
  contactId: string;
  holder: string;
  iban: string;
  bank: string | null;
  customerSigned: boolean;
}): Promise<MandateRow> {
  return call<MandateRow>('record_saferpay_mandate', input);
}

/** Confirms that the GoCardless customer found by the contact's email (holder of `mandateId`) is the contact. */
export function confirmGoCardlessCustomer(organisationId: string, contactId: string, mandateId: string): Promise<null> {
  return call<null>('confirm_gocardless_customer', { organisationId, contactId, mandateId });
}
