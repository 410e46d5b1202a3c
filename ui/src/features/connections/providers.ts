import type { Provider } from '../../lib/bindings';

export interface ProviderMeta {
  label: string;
  description: string;
}

// Display order on the Connections page: accounting first, then money sources, then identity and AI.
export const PROVIDERS: Record<Provider, ProviderMeta> = {
  xero: { label: 'Xero', description: 'Accounting: contacts, invoices, bank transactions and journals.' },
  gocardless: { label: 'GoCardless', description: 'Bank account data and direct debit payments.' },
  saferpay: { label: 'Saferpay', description: 'Card acquiring: payments, captures and settlements.' },
  okx: { label: 'OKX', description: 'Crypto exchange: balances, trades and transfers.' },
  okta: { label: 'Okta', description: 'Sign-in and roles for your organisation.' },
  openai: { label: 'OpenAI', description: 'Suggestions for categorising and matching transactions.' },
};

export const PROVIDER_ORDER = Object.keys(PROVIDERS) as Provider[];

/** A provider whose integration exists in this build, so it can be connected. */
export interface Connector {
  /** Its sign-in is under way (the browser is open); the button waits. */
  connecting: boolean;
}

/** One provider as the Connections page offers it: what it is and, once its integration exists, its connector. */
export interface ProviderEntry extends ProviderMeta {
  provider: Provider;
  connector: Connector | null;
}

/** Every provider in display order; `connectors` names the ones this build can connect. */
export function providerRegistry(connectors: Partial<Record<Provider, Connector>>): ProviderEntry[] {
  return PROVIDER_ORDER.map((provider) => ({ provider, ...PROVIDERS[provider], connector: connectors[provider] ?? null }));
}

export function providerLabel(provider: Provider): string {
  return PROVIDERS[provider].label;
}
