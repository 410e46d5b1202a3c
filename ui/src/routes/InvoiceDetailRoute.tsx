import { Link, useParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { Fact } from '../components/ui/Fact';
import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass, linkClass } from '../components/ui/styles';
import { CollectByDirectDebit } from '../features/directdebit/CollectByDirectDebit';
import { DetailPage } from '../features/lists/DetailPage';
import { DetailTable } from '../features/lists/DetailTable';
import { LineItemsTable } from '../features/lists/LineItemsTable';
import { InvoiceStatusBadge } from '../features/xero/invoices/InvoiceStatusBadge';
import { useInvoice } from '../features/xero/invoices/useInvoices';
import { xeroSource } from '../features/xero/source';
import type { InvoiceDetail } from '../lib/bindings';
import { formatDate, formatMoney } from '../lib/format';
import { openInXero } from '../lib/ipc';

function Detail({ detail }: { detail: InvoiceDetail }) {
  const { row } = detail;
  const money = (amount: string) => formatMoney(amount, row.currency);
  const contactFilter = row.contactId
    ? `/invoices?${new URLSearchParams({ contact: row.contactId, contactName: row.contactName }).toString()}`
    : null;
  return (
    <>
      <PageHeader
        title={`Invoice ${row.number || '(no number)'}`}
        description={`${row.invoiceType === 'ACCPAY' ? 'Bill' : 'Sales invoice'} · ${detail.organisationName}`}
        actions={
          <a
            href={detail.xeroUrl}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="open-in-xero"
            className={buttonClass('secondary')}
            onClick={(event) => {
              // The webview cannot open a browser itself: Rust opens the system browser.
              event.preventDefault();
              void openInXero(row.organisationId, row.invoiceId);
            }}
          >
            Open in Xero<span className="sr-only"> (opens in your browser)</span>
          </a>
        }
      />
      <div className="space-y-6">
        <Card title="Summary">
          <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-4">
            <Fact label="Number" testId="invoice-number">{row.number || '—'}</Fact>
            <Fact label="Contact">
              {contactFilter ? (
                <Link to={contactFilter} className={linkClass} title="Show all invoices of this contact">
                  {row.contactName}
                </Link>
              ) : (
                row.contactName
              )}
            </Fact>
            <Fact label="Status">
              <InvoiceStatusBadge status={row.status} />
            </Fact>
            <Fact label="Reference">{detail.reference ?? '—'}</Fact>
            <Fact label="Date">{formatDate(row.date)}</Fact>
            <Fact label="Due">{formatDate(row.dueDate)}</Fact>
            <Fact label="Currency">{row.currency}</Fact>
            <div />
            <Fact label="Total" testId="invoice-total">
              <span className="text-lg font-semibold tabular-nums">{money(row.total)}</span>
            </Fact>
            <Fact label="Amount due" testId="invoice-amount-due">
              <span className="text-lg font-semibold tabular-nums">{money(row.amountDue)}</span>
            </Fact>
          </dl>
        </Card>
        <CollectByDirectDebit row={row} />
        <Card title="Line items">
          <LineItemsTable lines={detail.lineItems} currency={row.currency} emptyText="This invoice has no line items." />
        </Card>
        <Card title="Payments">
          <DetailTable
            label="Payments"
            testId="payments"
            rows={detail.payments}
            columns={[
              { header: 'Date', className: 'whitespace-nowrap', cell: (p) => formatDate(p.date) },
              { header: 'Reference', cell: (p) => p.reference ?? '—' },
              { header: 'Status', className: 'text-xs', cell: (p) => p.status },
              { header: 'Amount', numeric: true, cell: (p) => money(p.amount) },
            ]}
            rowKey={(p) => p.paymentId}
            emptyText="No payments recorded."
          />
        </Card>
      </div>
    </>
  );
}

export default function InvoiceDetailRoute() {
  const { organisationId = '', invoiceId = '' } = useParams();
  const invoice = useInvoice(organisationId, invoiceId);
  return (
    <DetailPage
      source={xeroSource}
      testId="page-invoice-detail"
      back={{ to: '/invoices', label: 'Invoices' }}
      noun="Invoice"
      id={invoiceId}
      query={invoice}
    >
      {(detail) => <Detail detail={detail} />}
    </DetailPage>
  );
}
