import type { ReactNode } from 'react';

import type { Provider } from '../../lib/bindings';

export interface ProviderMeta {
  label: string;
  description: string;
  /** Set up elsewhere in the app rather than connected here (where, in words). */
  setUpIn?: string;
}

// Display order on the Connections page: accounting first, then money sources, then identity and AI.
export const PROVIDERS: Record<Provider, ProviderMeta> = {
  xero: { label: 'Xero', description: 'Accounting: contacts, invoices, bank transactions and journals.' },
  gocardless: { label: 'GoCardless', description: 'SEPA direct debit: mandates, payments and payouts with their fees.' },
  saferpay: { label: 'Saferpay', description: 'SEPA direct debit through the Saferpay JSON API: mandates and debits.' },
  okx: { label: 'OKX', description: 'Crypto exchange: balances, trades and transfers.' },
  okta: {
    label: 'Okta',
    description: 'Sign-in and roles for your organisation.',
    setUpIn: 'Set up under Settings → Sign-in and security.',
  },
  openai: { label: 'OpenAI', description: 'Suggestions for categorising and matching transactions.' },
};

export const PROVIDER_ORDER = Object.keys(PROVIDERS) as Provider[];

/** A provider whose integration exists in this build, so it can be connected. */
export interface Connector {
  /** Its sign-in is under way (the browser is open); the button waits. */
  connecting: boolean;
}

/**
 * One provider as the Connections page offers it: what it is and, once its integration exists, either its
 * connector (a sign-in in the browser behind a Connect button) or its panel (credentials typed in its card).
 */
export interface ProviderEntry extends ProviderMeta {
  provider: Provider;
  connector: Connector | null;
  panel: ReactNode;
}

/** Every provider in display order; `connectors` and `panels` name the ones this build can connect. */
export function providerRegistry(
  connectors: Partial<Record<Provider, Connector>>,
  panels: Partial<Record<Provider, ReactNode>> = {},
): ProviderEntry[] {
  return PROVIDER_ORDER.map((provider) => ({
    provider,
    ...PROVIDERS[provider],
    connector: connectors[provider] ?? null,
    panel: panels[provider] ?? null,
  }));
}

/** Whether this build can connect the provider, by a Connect button or its own panel. */
export function isConnectable(entry: ProviderEntry): boolean {
  return entry.connector !== null || entry.panel !== null;
}

export function providerLabel(provider: Provider): string {
  return PROVIDERS[provider].label;
}
