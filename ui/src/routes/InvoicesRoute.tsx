import { ListRoute } from '../features/lists/ListRoute';
import { invoiceFilterCodec } from '../features/xero/invoices/filters';
import { InvoiceFiltersBar } from '../features/xero/invoices/InvoiceFiltersBar';
import { InvoiceTable } from '../features/xero/invoices/InvoiceTable';
import { useInvoicePages } from '../features/xero/invoices/useInvoices';
import { xeroSource } from '../features/xero/source';
import type { InvoiceRow } from '../lib/bindings';

const invoicePath = (row: InvoiceRow) =>
  `/invoices/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.invoiceId)}`;

export default function InvoicesRoute() {
  return (
    <ListRoute
      page={{
        source: xeroSource,
        testId: 'page-invoices',
        title: 'Invoices',
        description: 'Sales invoices and bills of every connected Xero organisation.',
        offlineTestId: 'invoices-offline',
        noOrganisationsHint: 'Invoices appear here once a Xero organisation is connected and synced.',
      }}
      codec={invoiceFilterCodec}
      FiltersBar={InvoiceFiltersBar}
      usePages={useInvoicePages}
      results={{
        noun: ['invoice', 'invoices'],
        countTestId: 'invoice-count',
        noMatchHint: 'Widen the dates or amounts, or pick more statuses.',
        emptyTitle: 'No invoices synced yet',
        emptyHint: 'Invoices appear here after an organisation has synced. Start a sync on the Connections page.',
      }}
      Table={InvoiceTable}
      rowPath={invoicePath}
    />
  );
}
