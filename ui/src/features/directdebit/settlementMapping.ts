// The Direct debit accounts form's rules: the four accounts, an empty draft, and what is wrong with one before
// Rust is asked (Rust checks again, and checks that the organisation is a kept Xero organisation).
import type { SettlementAccounts, SettlementMapping } from '../../lib/bindings';

export const ACCOUNTS: Array<{ key: keyof SettlementAccounts; label: string; hint: string }> = [
  { key: 'clearing', label: 'Clearing account', hint: 'A Xero bank account for this provider; confirmed payments are posted here.' },
  { key: 'bank', label: 'Bank account', hint: 'The Xero bank account payouts arrive in.' },
  { key: 'fees', label: 'Fees account', hint: 'The expense account the provider’s fees are booked to.' },
  { key: 'suspense', label: 'Suspense account', hint: 'Where money that matches no open invoice waits for a person.' },
];

export const EMPTY_MAPPING: SettlementMapping = { organisationId: '', accounts: { clearing: '', bank: '', fees: '', suspense: '' } };

/** What is wrong with a draft before Rust is asked (Rust checks again, and checks the organisation). */
export function mappingError(m: SettlementMapping): string | null {
  if (!m.organisationId) return 'Choose the Xero organisation this provider’s money is booked in.';
  const missing = ACCOUNTS.find(({ key }) => m.accounts[key].trim() === '');
  if (missing) return `Enter the ${missing.label.toLowerCase()} code.`;
  if (m.accounts.clearing.trim() === m.accounts.bank.trim()) {
    return 'The clearing account must not be the bank account payouts arrive in.';
  }
  return null;
}

export function trimmedMapping(m: SettlementMapping): SettlementMapping {
  const a = m.accounts;
  return {
    organisationId: m.organisationId,
    accounts: { clearing: a.clearing.trim(), bank: a.bank.trim(), fees: a.fees.trim(), suspense: a.suspense.trim() },
  };
}
