import { Link, useParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { Fact } from '../components/ui/Fact';
import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass, linkClass, numericCell } from '../components/ui/styles';
import { td, th } from '../components/ui/tableStyles';
import { DetailPage } from '../features/lists/DetailPage';
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
        <Card title="Line items">
          <LineItemsTable lines={detail.lineItems} currency={row.currency} emptyText="This invoice has no line items." />
        </Card>
        <Card title="Payments">
          {detail.payments.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="payments">
              No payments recorded.
            </p>
          ) : (
            <div className="-mx-5 -my-4 overflow-x-auto">
              <table className="w-full" aria-label="Payments" data-testid="payments">
                <thead className="border-b border-zinc-200 dark:border-zinc-800">
                  <tr>
                    <th scope="col" className={`${th} pl-5`}>Date</th>
                    <th scope="col" className={th}>Reference</th>
                    <th scope="col" className={th}>Status</th>
                    <th scope="col" className={`${th} pr-5 text-right`}>Amount</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {detail.payments.map((p) => (
                    <tr key={p.paymentId}>
                      <td className={`${td} pl-5 whitespace-nowrap`}>{formatDate(p.date)}</td>
                      <td className={td}>{p.reference ?? '—'}</td>
                      <td className={`${td} text-xs`}>{p.status}</td>
                      <td className={`${td} ${numericCell} pr-5`}>{money(p.amount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
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
