import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { InvoiceDetail, InvoiceQuery } from '../../../lib/bindings';
import { makeInvoices, rejectWith } from '../../../lib/ipc/testing';
import {
  change,
  clearFiltersWhenNothingMatches,
  expectAriaSort,
  expectCount,
  expectOnlyRowsInView,
  listCommand,
  ORGS,
  pagedBackend,
  scrollToRow,
  stubTableViewport,
  typeInSearch,
  whileOffline,
  type Act,
} from '../../../test/lists';
import { renderApp } from '../../../test/renderApp';
import { INVOICE_PAGE_SIZE } from './useInvoices';

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

const { backend: invoiceBackend, queries, lastQuery } = listCommand<InvoiceQuery>('list_invoices', makeInvoices);

stubTableViewport();

describe('invoices list', () => {
  it('asks for the first 200 newest invoices and shows the count, rows and formatted amounts', async () => {
    const { fake } = renderApp('/invoices', { backend: invoiceBackend(1234) });
    await expectCount('invoice-count', '1,234');
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
    await expectCount('invoice-count', '10,000');
    await screen.findByTestId('invoice-row-inv-1');
    // Far fewer than the 200 loaded, let alone 10,000.
    const table = expectOnlyRowsInView('Invoices', 10_000);
    expect(fake.callsTo('list_invoices')).toBe(1);

    scrollToRow('invoice', 170);
    await waitFor(() => expect(fake.callsTo('list_invoices')).toBe(2));
    expect(lastQuery(fake)).toMatchObject({ offset: 200, limit: 200 });
    expect(await screen.findByTestId('invoice-row-inv-175')).toBeInTheDocument();
    expect(screen.queryByTestId('invoice-row-inv-1')).not.toBeInTheDocument();
    expect(within(table).getAllByRole('row').length).toBeLessThan(40);
  });

  it.each<[string, Act, Partial<InvoiceQuery>]>([
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
    ['search', (user) => typeInSearch(user, 'Bayside'), { search: 'Bayside' }],
    ['date from', change('filter-date-from', '2026-10-01'), { dateFrom: '2026-10-01' }],
    ['date to', change('filter-date-to', '2026-10-31'), { dateTo: '2026-10-31' }],
  ])('filters by %s', async (_label, act, expected) => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    await act(user);
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, ...expected }));
  });

  it('debounces typing into one query', async () => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    await typeInSearch(user, 'City Limousines');
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
    expectAriaSort(testId, 'ascending');
    await user.click(screen.getByTestId(testId));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort, descending: true }));
    expectAriaSort(testId, 'descending');
  });

  it('date is the default sort (newest first); clicking it flips to oldest first', async () => {
    const { user, fake } = renderApp('/invoices', { backend: invoiceBackend(300) });
    await screen.findByTestId('invoice-row-inv-1');
    expectAriaSort('sort-date', 'descending');
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
    const { user, fake } = renderApp('/invoices?status=VOIDED&currency=EUR', {
      backend: pagedBackend('list_invoices', makeInvoices(5), (query: InvoiceQuery) => query.statuses.length > 0),
    });
    await clearFiltersWhenNothingMatches(user, 'No invoices match these filters');
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
    await whileOffline(async () => {
      renderApp('/invoices', { backend: invoiceBackend(3) });
      expect(await screen.findByText('Offline — showing data cached on this computer')).toBeInTheDocument();
      expect(await screen.findByTestId('invoice-row-inv-1')).toBeInTheDocument();
    });
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
