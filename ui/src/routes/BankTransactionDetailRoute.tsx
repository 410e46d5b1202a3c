import { Link, useParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { Fact } from '../components/ui/Fact';
import { PageHeader } from '../components/ui/PageHeader';
import { linkClass } from '../components/ui/styles';
import { DetailPage } from '../features/lists/DetailPage';
import { LineItemsTable } from '../features/lists/LineItemsTable';
import { BankTransactionStatusBadge } from '../features/xero/bankTransactions/BankTransactionBadges';
import { bankTransactionTypeLabel } from '../features/xero/bankTransactions/status';
import { useBankTransaction } from '../features/xero/bankTransactions/useBankTransactions';
import { xeroSource } from '../features/xero/source';
import type { BankTransactionDetail } from '../lib/bindings';
import { formatDate, formatMoney } from '../lib/format';

function Detail({ detail }: { detail: BankTransactionDetail }) {
  const { row } = detail;
  const contact = row.contactId
    ? `/contacts/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.contactId)}`
    : null;
  return (
    <>
      <PageHeader
        title={`${bankTransactionTypeLabel(row.transactionType)}: ${row.contactName || '(no contact)'}`}
        description={`Bank transaction · ${detail.organisationName}`}
      />
      <div className="space-y-6">
        <Card title="Summary">
          <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-4">
            <Fact label="Date">{formatDate(row.date)}</Fact>
            <Fact label="Type" testId="bank-transaction-type">{bankTransactionTypeLabel(row.transactionType)}</Fact>
            <Fact label="Contact">
              {contact ? (
                <Link to={contact} className={linkClass}>
                  {row.contactName}
                </Link>
              ) : (
                row.contactName || '—'
              )}
            </Fact>
            <Fact label="Reference" testId="bank-transaction-reference">{row.reference ?? '—'}</Fact>
            <Fact label="Bank account">{row.bankAccountName ?? '—'}</Fact>
            <Fact label="Status">
              <BankTransactionStatusBadge status={row.status} />
            </Fact>
            <Fact label="Reconciled" testId="bank-transaction-reconciled">{row.isReconciled ? '✓ Yes' : 'No'}</Fact>
            <Fact label="Currency">{row.currency}</Fact>
            <Fact label="Total" testId="bank-transaction-total">
              <span className="text-lg font-semibold tabular-nums">{formatMoney(row.total, row.currency)}</span>
            </Fact>
          </dl>
        </Card>
        <Card title="Line items">
          <LineItemsTable
            lines={detail.lineItems}
            currency={row.currency}
            emptyText="This bank transaction has no line items."
          />
        </Card>
      </div>
    </>
  );
}

export default function BankTransactionDetailRoute() {
  const { organisationId = '', bankTransactionId = '' } = useParams();
  const transaction = useBankTransaction(organisationId, bankTransactionId);
  return (
    <DetailPage
      source={xeroSource}
      testId="page-bank-transaction-detail"
      back={{ to: '/bank-transactions', label: 'Bank transactions' }}
      noun="Bank transaction"
      id={bankTransactionId}
      query={transaction}
    >
      {(detail) => <Detail detail={detail} />}
    </DetailPage>
  );
}
