import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { InvoiceDetail, InvoiceQuery, Organisation } from '../../lib/bindings';
import { makeInvoices, organisationFor, rejectWith, type FakeBackend } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';
import { INVOICE_PAGE_SIZE } from './useInvoices';

const ORGS: Organisation[] = [organisationFor('tenant-uk', 'Demo Company (UK)'), organisationFor('tenant-nz', 'Demo Company (NZ)')];
const VIEWPORT = 600;

const DEFAULT_QUERY: InvoiceQuery = {
  organisationId: null,
  statuses: [],
  contactId: null,
  currency: null,
  dateFrom: null,
  dateTo: null,
  amountMin: null,
  amountMax: null,
  search: null,
  sort: 'date',
  descending: true,
  offset: 0,
  limit: INVOICE_PAGE_SIZE,
};

const queries = (fake: FakeBackend) =>
  fake.calls.filter((c) => c.cmd === 'list_invoices').map((c) => (c.args as { query: InvoiceQuery }).query);
const lastQuery = (fake: FakeBackend) => queries(fake).at(-1);

/** A fake that pages through `rows` the way Rust does. */
function invoiceBackend(count: number) {
  const rows = makeInvoices(count);
  return {
    list_organisations: () => ORGS,
    list_invoices: (args: Record<string, unknown> | undefined) => {
      const { query } = args as { query: InvoiceQuery };
      return { rows: rows.slice(query.offset, query.offset + query.limit), total: rows.length };
    },
  };
}

beforeEach(() => {
  // jsdom lays nothing out; give the scroll container a viewport so the virtualizer has something to fill.
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(VIEWPORT);
  vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});

describe('invoices list', () => {
  it('asks for the first 200 newest invoices and shows the count, rows and formatted amounts', async () => {
    const { fake } = renderApp('/invoices', { backend: invoiceBackend(1234) });
    expect(await screen.findByTestId('invoice-count')).toHaveTextContent('1,234');
    expect(queries(fake)[0]).toEqual(DEFAULT_QUERY);

    const row = await screen.findByTestId('invoice-row-inv-1');
    expect(row).toHaveTextContent('INV-00001');
    expect(row).toHaveTextContent('Bayside Club');
    expect(row).toHaveTextContent('Draft');
    const cells = within(row).getAllByRole('cell');
    const total = cells[5];
    expect(total).toHaveTextContent(/GBP\s*37\.01/);
    expect(total).toHaveClass('text-right', 'tabular-nums');
  });

  it('renders only the rows in view of 10,000 and loads the next page on scroll', async () => {
    const { fake } = renderApp('/invoices', { backend: invoiceBackend(10_000) });
    expect(await screen.findByTestId('invoice-count')).toHaveTextContent('10,000');
    await screen.findByTestId('invoice-row-inv-1');
    const table = screen.getByRole('table', { name: 'Invoices' });
    expect(table).toHaveAttribute('aria-rowcount', '10001');
    const rendered = within(table).getAllByRole('row').length - 1;
    // 600px / 40px rows = 15 visible + overscan; far fewer than the 200 loaded, let alone 10,000.
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    expect(fake.callsTo('list_invoices')).toBe(1);

    const scroller = screen.getByTestId('invoice-scroll');
    scroller.scrollTop = 170 * 40;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(fake.callsTo('list_invoices')).toBe(2));
    expect(lastQuery(fake)).toMatchObject({ offset: 200, limit: 200 });
    expect(await screen.findByTestId('invoice-row-inv-175')).toBeInTheDocument();
    expect(screen.queryByTestId('invoice-row-inv-1')).not.toBeInTheDocument();
    expect(within(table).getAllByRole('row').length).toBeLessThan(40);
  });

  it.each<[string, (user: ReturnType<typeof renderApp>['user']) => Promise<void>, Partial<InvoiceQuery>]>([
    [
      'organisation',
      (user) => user.selectOptions(screen.getByTestId('filter-organisation'), 'Demo Company (NZ)'),
      { organisationId: 'org-tenant-nz' },
    ],
    [
      'statuses',
      async (user) => {
        const group = screen.getByTestId('filter-status');
        await user.click(within(group).getByLabelText('Paid'));
        await user.click(within(group).getByLabelText('Draft'));
      },
      { statuses: ['DRAFT', 'PAID'] },
    ],
    ['currency', (user) => user.type(screen.getByTestId('filter-currency'), 'eur'), { currency: 'EUR' }],
    ['minimum amount', (user) => user.type(screen.getByTestId('filter-amount-min'), '100.50'), { amountMin: '100.50' }],
    ['maximum amount', (user) => user.type(screen.getByTestId('filter-amount-max'), '2000'), { amountMax: '2000' }],
    ['search', (user) => user.type(screen.getByTestId('filter-search'), 'Bayside'), { search: 'Bayside' }],
    [
      'date from',
      () => Promise.resolve(void fireEvent.change(screen.getByTestId('filter-date-from'), { target: { value: '2026-10-01' } })),
      { dateFrom: '2026-10-01' },
    ],
    [
      'date to',
      () => Promise.resolve(void fireEvent.change(screen.getByTestId('filter-date-to'), { target: { value: '2026-10-31' } })),
      { dateTo: '2026-10-31' },
    ],
  ])('filters by %s', async (_label, act, expected) => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    await act(user);
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, ...expected }));
  });

  it('debounces typing into one query', async () => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    await user.type(screen.getByTestId('filter-search'), 'City Limousines');
    await waitFor(() => expect(lastQuery(fake)?.search).toBe('City Limousines'));
    expect(queries(fake).filter((q) => q.search !== null)).toHaveLength(1);
  });

  it('does not send an amount that is not a number', async () => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    const min = screen.getByTestId('filter-amount-min');
    await user.type(min, '12abc');
    expect(min).toHaveAttribute('aria-invalid', 'true');
    await new Promise((r) => setTimeout(r, 400));
    expect(queries(fake).every((q) => q.amountMin === null)).toBe(true);
  });

  it.each<[string, string, InvoiceQuery['sort']]>([
    ['number', 'sort-number', 'number'],
    ['contact', 'sort-contact', 'contact'],
    ['due date', 'sort-due_date', 'due_date'],
    ['total', 'sort-total', 'total'],
    ['amount due', 'sort-amount_due', 'amount_due'],
    ['status', 'sort-status', 'status'],
  ])('sorts by %s ascending, then descending on a second click', async (_label, testId, sort) => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    await user.click(screen.getByTestId(testId));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort, descending: false }));
    expect(screen.getByTestId(testId).closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByTestId(testId));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort, descending: true }));
    expect(screen.getByTestId(testId).closest('th')).toHaveAttribute('aria-sort', 'descending');
  });

  it('date is the default sort (newest first); clicking it flips to oldest first', async () => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    expect(screen.getByTestId('sort-date').closest('th')).toHaveAttribute('aria-sort', 'descending');
    await user.click(screen.getByTestId('sort-date'));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, descending: false }));
  });

  it('opens an invoice by click and by keyboard (arrows + Enter)', async () => {
    const { user, router } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await user.click(await screen.findByTestId('invoice-row-inv-2'));
    expect(router.state.location.pathname).toBe('/invoices/org-1/inv-2');
    expect(await screen.findByTestId('page-invoice-detail')).toBeInTheDocument();

    await router.navigate('/invoices');
    const first = await screen.findByTestId('invoice-row-inv-1');
    expect(first).toHaveAttribute('tabindex', '0');
    expect(screen.getByTestId('invoice-row-inv-2')).toHaveAttribute('tabindex', '-1');
    first.focus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    await waitFor(() => expect(screen.getByTestId('invoice-row-inv-3')).toHaveFocus());
    await user.keyboard('{Enter}');
    expect(router.state.location.pathname).toBe('/invoices/org-1/inv-3');
  });

  it('keeps the filters in the URL, so Back from a detail restores them', async () => {
    const { router, fake } = renderApp('/invoices?status=PAID&q=Club&sort=total&dir=asc', { backend: invoiceBackend(30) });
    await screen.findByTestId('invoice-row-inv-1');
    expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, statuses: ['PAID'], search: 'Club', sort: 'total', descending: false });
    expect(within(screen.getByTestId('filter-status')).getByLabelText('Paid')).toBeChecked();
    expect(screen.getByTestId('filter-search')).toHaveValue('Club');
    expect(router.state.location.search).toContain('status=PAID');
  });

  it('says how to get invoices when no organisation is connected', async () => {
    const { fake } = renderApp('/invoices');
    expect(await screen.findByText('Connect Xero on the Connections page')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to Connections' })).toHaveAttribute('href', '/connections');
    expect(fake.callsTo('list_invoices')).toBe(0);
  });

  it('offers Clear filters when nothing matches', async () => {
    let rows = makeInvoices(5);
    const { user, fake } = renderApp('/invoices?status=VOIDED&currency=EUR', {
      backend: {
        list_organisations: () => ORGS,
        list_invoices: (args) => {
          const { query } = args as { query: InvoiceQuery };
          return query.statuses.length > 0 ? { rows: [], total: 0 } : { rows, total: rows.length };
        },
      },
    });
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent('No invoices match these filters');
    rows = makeInvoices(5);
    await user.click(within(empty).getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByTestId('invoice-row-inv-1')).toBeInTheDocument();
    expect(lastQuery(fake)).toEqual(DEFAULT_QUERY);
  });

  it('shows a load error with Retry', async () => {
    let fail = true;
    const { user } = renderApp('/invoices', {
      backend: {
        list_organisations: () => ORGS,
        list_invoices: () =>
          fail ? rejectWith({ code: 'store_unavailable', message: 'database is locked' }) : { rows: makeInvoices(1), total: 1 },
      },
    });
    const panel = await screen.findByTestId('error-panel');
    expect(panel).toHaveTextContent('database is locked');
    fail = false;
    await user.click(within(panel).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('invoice-row-inv-1')).toBeInTheDocument();
  });

  it('says reads come from this computer while offline', async () => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      renderApp('/invoices', { backend: invoiceBackend(3) });
      expect(await screen.findByText('Offline — showing data cached on this computer')).toBeInTheDocument();
      expect(await screen.findByTestId('invoice-row-inv-1')).toBeInTheDocument();
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
    }
  });
});

const DETAIL: InvoiceDetail = {
  row: { ...makeInvoices(1, 'org-tenant-uk')[0]!, number: 'INV-0042', status: 'AUTHORISED', total: '1200.00', amountDue: '200.00' },
  reference: 'PO-7781',
  organisationName: 'Demo Company (UK)',
  lineItems: [
    {
      description: 'Consulting, October',
      quantity: '10',
      unitAmount: '100.00',
      accountCode: '200',
      taxType: 'OUTPUT2',
      taxAmount: '200.00',
      lineAmount: '1000.00',
    },
  ],
  payments: [{ paymentId: 'pay-1', date: '2026-11-02', amount: '1000.00', reference: 'BACS 1122', status: 'AUTHORISED' }],
  xeroUrl: 'https://go.xero.com/organisationlogin/default.aspx?shortcode=!abc&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=inv-1',
};

describe('invoice detail', () => {
  it('renders header, totals, lines, payments and the Xero link on a cold load', async () => {
    const { fake } = renderApp('/invoices/org-tenant-uk/inv-1', { backend: { get_invoice: () => structuredClone(DETAIL) } });
    const page = await screen.findByTestId('page-invoice-detail');
    expect(await within(page).findByTestId('invoice-number')).toHaveTextContent('INV-0042');
    expect(fake.calls.find((c) => c.cmd === 'get_invoice')?.args).toEqual({ organisationId: 'org-tenant-uk', invoiceId: 'inv-1' });
    expect(page).toHaveTextContent('Bayside Club');
    expect(page).toHaveTextContent('Awaiting payment');
    expect(page).toHaveTextContent('PO-7781');
    expect(screen.getByTestId('invoice-total')).toHaveTextContent(/GBP\s*1,200\.00/);
    expect(screen.getByTestId('invoice-amount-due')).toHaveTextContent(/GBP\s*200\.00/);

    const lines = screen.getByTestId('line-items');
    expect(within(lines).getAllByRole('row')).toHaveLength(2);
    expect(lines).toHaveTextContent('Consulting, October');
    expect(within(lines).getByText(/1,000\.00/)).toHaveClass('text-right', 'tabular-nums');
    const payments = screen.getByTestId('payments');
    expect(within(payments).getAllByRole('row')).toHaveLength(2);
    expect(payments).toHaveTextContent('BACS 1122');

    const link = screen.getByTestId('open-in-xero');
    expect(link).toHaveAttribute('href', DETAIL.xeroUrl);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    fireEvent.click(link);
    await waitFor(() =>
      expect(fake.calls.find((c) => c.cmd === 'open_in_xero')?.args).toEqual({ organisationId: 'org-tenant-uk', invoiceId: 'inv-1' }),
    );
    expect(within(page).getByRole('link', { name: '← Invoices' })).toHaveAttribute('href', '/invoices');
    expect(within(page).getByRole('link', { name: 'Bayside Club' })).toHaveAttribute(
      'href',
      '/invoices?contact=contact-0&contactName=Bayside+Club',
    );
  });

  it('the contact link filters the list by contact id', async () => {
    const { fake } = renderApp('/invoices?contact=contact-0&contactName=Bayside+Club', { backend: invoiceBackend(3) });
    await screen.findByTestId('invoice-row-inv-1');
    expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, contactId: 'contact-0' });
    expect(screen.getByText('Contact: Bayside Club')).toBeInTheDocument();
  });

  it('says clearly when the invoice is not in the local store', async () => {
    renderApp('/invoices/org-1/nope');
    const page = await screen.findByTestId('page-invoice-detail');
    expect(await within(page).findByRole('heading', { level: 1 })).toHaveTextContent('Invoice not found');
    expect(page).toHaveTextContent('Invoice nope is not in the local store');
    expect(within(page).getByRole('link', { name: 'Back to invoices' })).toHaveAttribute('href', '/invoices');
  });
});
