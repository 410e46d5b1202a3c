import { ListRoute } from '../features/lists/ListRoute';
import { BankTransactionFiltersBar } from '../features/xero/bankTransactions/BankTransactionFiltersBar';
import { BankTransactionTable } from '../features/xero/bankTransactions/BankTransactionTable';
import { bankTransactionFilterCodec } from '../features/xero/bankTransactions/filters';
import { useBankTransactionPages } from '../features/xero/bankTransactions/useBankTransactions';
import { xeroSource } from '../features/xero/source';
import type { BankTransactionRow } from '../lib/bindings';

const bankTransactionPath = (row: BankTransactionRow) =>
  `/bank-transactions/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.bankTransactionId)}`;

export default function BankTransactionsRoute() {
  return (
    <ListRoute
      page={{
        source: xeroSource,
        testId: 'page-bank-transactions',
        title: 'Bank transactions',
        description: 'Money received and spent through the bank accounts of every connected Xero organisation.',
        offlineTestId: 'bank-transactions-offline',
        noOrganisationsHint: 'Bank transactions appear here once a Xero organisation is connected and synced.',
      }}
      codec={bankTransactionFilterCodec}
      FiltersBar={BankTransactionFiltersBar}
      usePages={useBankTransactionPages}
      results={{
        noun: ['bank transaction', 'bank transactions'],
        countTestId: 'bank-transaction-count',
        noMatchHint: 'Widen the dates or amounts, or pick more statuses.',
        emptyTitle: 'No bank transactions synced yet',
        emptyHint:
          'Bank transactions appear here after an organisation has synced. Start a sync on the Connections page.',
      }}
      Table={BankTransactionTable}
      rowPath={bankTransactionPath}
    />
  );
}
