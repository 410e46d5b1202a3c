// The direct-debit providers: connecting GoCardless and Saferpay (a secret goes in, only who it belongs to comes
// out), their mandates, GoCardless's payouts, and where each provider's money is booked in Xero.
import type {
  GoCardlessConnected,
  MandateRow,
  PayoutRow,
  Provider,
  ProviderSettlement,
  SaferpayConnected,
  SaferpayCredentialsInput,
  SaferpayStatus,
  SettlementMapping,
} from '../bindings';
import { call } from './call';

/** Verifies the access token with GoCardless and keeps it in the vault; resolves to the creditor, never the token. */
export function connectGoCardless(token: string): Promise<GoCardlessConnected> {
  return call<GoCardlessConnected>('connect_gocardless', { token });
}

export function listGoCardlessMandates(): Promise<MandateRow[]> {
  return call<MandateRow[]>('list_gocardless_mandates');
}

export function listGoCardlessPayouts(): Promise<PayoutRow[]> {
  return call<PayoutRow[]>('list_gocardless_payouts');
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
