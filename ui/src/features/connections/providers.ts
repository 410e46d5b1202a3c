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

export function providerLabel(provider: Provider): string {
  return PROVIDERS[provider].label;
}
