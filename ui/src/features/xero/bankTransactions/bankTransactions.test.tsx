import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { BankTransactionDetail, BankTransactionQuery } from '../../../lib/bindings';
import { makeBankTransactions } from '../../../lib/ipc/testing';
import {
  change,
  clearFiltersWhenNothingMatches,
  expectAriaSort,
  expectCount,
  expectOnlyRowsInView,
  listCommand,
  pagedBackend,
  scrollToRow,
  stubTableViewport,
  typeInSearch,
  whileOffline,
  type Act,
} from '../../../test/lists';
import { renderApp } from '../../../test/renderApp';
import { PAGE_SIZE } from '../../lists/usePages';

const DEFAULT_QUERY: BankTransactionQuery = {
  organisationId: null,
  statuses: [],
  types: [],
  contactId: null,
  isReconciled: null,
  dateFrom: null,
  dateTo: null,
  amountMin: null,
  amountMax: null,
  search: null,
  sort: 'date',
  descending: true,
  offset: 0,
  limit: PAGE_SIZE,
};

const { backend: bankBackend, queries, lastQuery } = listCommand<BankTransactionQuery>(
  'list_bank_transactions',
  makeBankTransactions,
);

stubTableViewport();

describe('bank transactions list', () => {
  it('asks for the first 200 newest and shows date, type, contact, reference, account, reconciled, status and total', async () => {
    const { fake } = renderApp('/bank-transactions', { backend: bankBackend(1234) });
    await expectCount('bank-transaction-count', '1,234');
    expect(queries(fake)).toEqual([DEFAULT_QUERY]);

    const received = await screen.findByTestId('bank-transaction-row-bt-1');
    const cells = within(received).getAllByRole('cell');
    expect(cells).toHaveLength(8);
    expect(cells[1]).toHaveTextContent('Received');
    expect(cells[2]).toHaveTextContent('Bayside Club');
    expect(cells[3]).toHaveTextContent('REF-00001');
    expect(cells[4]).toHaveTextContent('Business Current Account');
    expect(within(cells[5]!).getByText(/Reconciled/)).toHaveAttribute('data-tone', 'success');
    expect(cells[5]).toHaveTextContent('✓');
    expect(cells[6]).toHaveTextContent('Authorised');
    expect(cells[7]).toHaveTextContent(/GBP\s*53\.07/);
    expect(cells[7]).toHaveClass('text-right', 'tabular-nums');

    const spent = screen.getByTestId('bank-transaction-row-bt-2');
    expect(within(spent).getAllByRole('cell')[1]).toHaveTextContent('Spent');
    // bt-3 is not reconciled: no badge.
    expect(within(screen.getByTestId('bank-transaction-row-bt-3')).queryByText('✓')).not.toBeInTheDocument();
  });

  it('renders only the rows in view of 10,000 and loads the next page on scroll', async () => {
    const { fake } = renderApp('/bank-transactions', { backend: bankBackend(10_000) });
    await expectCount('bank-transaction-count', '10,000');
    await screen.findByTestId('bank-transaction-row-bt-1');
    expectOnlyRowsInView('Bank transactions', 10_000);

    scrollToRow('bank-transaction', 170);
    await waitFor(() => expect(fake.callsTo('list_bank_transactions')).toBe(2));
    expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, offset: 200 });
    expect(await screen.findByTestId('bank-transaction-row-bt-175')).toBeInTheDocument();
    expect(screen.queryByTestId('bank-transaction-row-bt-1')).not.toBeInTheDocument();
  });

  it.each<[string, Act, Partial<BankTransactionQuery>, string]>([
    [
      'organisation',
      (user) => user.selectOptions(screen.getByTestId('filter-organisation'), 'Demo Company (NZ)'),
      { organisationId: 'org-tenant-nz' },
      'org=org-tenant-nz',
    ],
    ['type spent', (user) => user.selectOptions(screen.getByTestId('filter-type'), 'Spent'), { types: ['SPEND'] }, 'type=SPEND'],
    ['type received', (user) => user.selectOptions(screen.getByTestId('filter-type'), 'Received'), { types: ['RECEIVE'] }, 'type=RECEIVE'],
    [
      'reconciled',
      (user) => user.selectOptions(screen.getByTestId('filter-reconciled'), 'Reconciled'),
      { isReconciled: true },
      'reconciled=yes',
    ],
    [
      'not reconciled',
      (user) => user.selectOptions(screen.getByTestId('filter-reconciled'), 'Not reconciled'),
      { isReconciled: false },
      'reconciled=no',
    ],
    [
      'statuses',
      async (user) => {
        const group = screen.getByTestId('filter-status');
        await user.click(within(group).getByLabelText('Voided'));
        await user.click(within(group).getByLabelText('Authorised'));
      },
      { statuses: ['AUTHORISED', 'VOIDED'] },
      'status=VOIDED&status=AUTHORISED',
    ],
    ['date from', change('filter-date-from', '2026-10-01'), { dateFrom: '2026-10-01' }, 'from=2026-10-01'],
    ['date to', change('filter-date-to', '2026-10-31'), { dateTo: '2026-10-31' }, 'to=2026-10-31'],
    ['minimum amount', (user) => user.type(screen.getByTestId('filter-amount-min'), '-10.5'), { amountMin: '-10.5' }, 'min=-10.5'],
    ['maximum amount', (user) => user.type(screen.getByTestId('filter-amount-max'), '2000'), { amountMax: '2000' }, 'max=2000'],
    ['search', (user) => typeInSearch(user, 'REF-00042'), { search: 'REF-00042' }, 'q=REF-00042'],
  ])('filters by %s and keeps it in the URL', async (_label, act, expected, search) => {
    const { user, fake, router } = renderApp('/bank-transactions', { backend: bankBackend(300) });
    await screen.findByTestId('bank-transaction-row-bt-1');
    await act(user);
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, ...expected }));
    expect(router.state.location.search).toBe(`?${search}`);
  });

  it('does not send an amount that is not a number', async () => {
    const { user, fake } = renderApp('/bank-transactions', { backend: bankBackend(30) });
    await screen.findByTestId('bank-transaction-row-bt-1');
    const max = screen.getByTestId('filter-amount-max');
    await user.type(max, '1,000');
    expect(max).toHaveAttribute('aria-invalid', 'true');
    await new Promise((r) => setTimeout(r, 400));
    expect(queries(fake).every((q) => q.amountMax === null)).toBe(true);
  });

  it.each<[string, BankTransactionQuery['sort']]>([
    ['sort-contact', 'contact'],
    ['sort-reference', 'reference'],
    ['sort-status', 'status'],
    ['sort-total', 'total'],
  ])('%s sorts ascending, then descending', async (testId, sort) => {
    const { user, fake } = renderApp('/bank-transactions', { backend: bankBackend(300) });
    await screen.findByTestId('bank-transaction-row-bt-1');
    await user.click(screen.getByTestId(testId));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort, descending: false }));
    expectAriaSort(testId, 'ascending');
    await user.click(screen.getByTestId(testId));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort, descending: true }));
  });

  it('date is the default sort (newest first); type and account are not sortable', async () => {
    const { user, fake } = renderApp('/bank-transactions', { backend: bankBackend(30) });
    await screen.findByTestId('bank-transaction-row-bt-1');
    expectAriaSort('sort-date', 'descending');
    expect(screen.queryByTestId('sort-type')).not.toBeInTheDocument();
    expect(screen.queryByTestId('sort-account')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('sort-date'));
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, descending: false }));
  });

  it('restores filters and sort from the URL', async () => {
    const { fake } = renderApp(
      '/bank-transactions?type=SPEND&reconciled=no&status=DELETED&from=2026-01-01&min=5&q=Club&contact=contact-2&contactName=City&sort=total&dir=asc',
      { backend: bankBackend(30) },
    );
    await screen.findByTestId('bank-transaction-row-bt-1');
    expect(lastQuery(fake)).toEqual({
      ...DEFAULT_QUERY,
      types: ['SPEND'],
      isReconciled: false,
      statuses: ['DELETED'],
      dateFrom: '2026-01-01',
      amountMin: '5',
      search: 'Club',
      contactId: 'contact-2',
      sort: 'total',
      descending: false,
    });
    expect(screen.getByTestId('filter-type')).toHaveValue('SPEND');
    expect(screen.getByTestId('filter-reconciled')).toHaveValue('no');
    expect(screen.getByText('Contact: City')).toBeInTheDocument();
  });

  it('opens a bank transaction by click and by keyboard', async () => {
    const { user, router } = renderApp('/bank-transactions', { backend: bankBackend(30) });
    await user.click(await screen.findByTestId('bank-transaction-row-bt-2'));
    expect(router.state.location.pathname).toBe('/bank-transactions/org-1/bt-2');
    expect(await screen.findByTestId('page-bank-transaction-detail')).toBeInTheDocument();

    await router.navigate('/bank-transactions');
    const first = await screen.findByTestId('bank-transaction-row-bt-1');
    first.focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(screen.getByTestId('bank-transaction-row-bt-2')).toHaveFocus());
    await user.keyboard('{Enter}');
    expect(router.state.location.pathname).toBe('/bank-transactions/org-1/bt-2');
  });

  it('says how to get bank transactions when no organisation is connected', async () => {
    const { fake } = renderApp('/bank-transactions');
    expect(await screen.findByText('Connect Xero on the Connections page')).toBeInTheDocument();
    expect(fake.callsTo('list_bank_transactions')).toBe(0);
  });

  it('offers Clear filters when nothing matches', async () => {
    const { user, fake } = renderApp('/bank-transactions?reconciled=no&type=SPEND', {
      backend: pagedBackend(
        'list_bank_transactions',
        makeBankTransactions(5),
        (query: BankTransactionQuery) => query.types.length > 0,
      ),
    });
    await clearFiltersWhenNothingMatches(user, 'No bank transactions match these filters');
    expect(await screen.findByTestId('bank-transaction-row-bt-1')).toBeInTheDocument();
    expect(lastQuery(fake)).toEqual(DEFAULT_QUERY);
  });

  it('says reads come from this computer while offline', async () => {
    await whileOffline(async () => {
      renderApp('/bank-transactions', { backend: bankBackend(3) });
      expect(await screen.findByTestId('bank-transactions-offline')).toBeInTheDocument();
      expect(await screen.findByTestId('bank-transaction-row-bt-1')).toBeInTheDocument();
    });
  });
});

const DETAIL: BankTransactionDetail = {
  row: {
    ...makeBankTransactions(2, 'org-tenant-uk')[1]!,
    contactId: 'contact-9',
    contactName: 'City Limousines',
    reference: 'Fuel Oct',
    total: '240.00',
  },
  organisationName: 'Demo Company (UK)',
  lineItems: [
    {
      description: 'Fuel',
      quantity: '1',
      unitAmount: '200.00',
      accountCode: '449',
      taxType: 'INPUT2',
      taxAmount: '40.00',
      lineAmount: '200.00',
    },
    {
      description: 'Parking',
      quantity: '2',
      unitAmount: '20.00',
      accountCode: '449',
      taxType: null,
      taxAmount: '0.00',
      lineAmount: '40.00',
    },
  ],
};

describe('bank transaction detail', () => {
  it('renders the facts and line items on a cold load', async () => {
    const { fake } = renderApp('/bank-transactions/org-tenant-uk/bt-2', {
      backend: { get_bank_transaction: () => structuredClone(DETAIL) },
    });
    const page = await screen.findByTestId('page-bank-transaction-detail');
    expect(await within(page).findByTestId('bank-transaction-total')).toHaveTextContent(/GBP\s*240\.00/);
    expect(fake.calls.find((c) => c.cmd === 'get_bank_transaction')?.args).toEqual({
      organisationId: 'org-tenant-uk',
      bankTransactionId: 'bt-2',
    });
    expect(within(page).getByRole('heading', { level: 1 })).toHaveTextContent('Spent: City Limousines');
    expect(page).toHaveTextContent('Demo Company (UK)');
    expect(screen.getByTestId('bank-transaction-type')).toHaveTextContent('Spent');
    expect(screen.getByTestId('bank-transaction-reference')).toHaveTextContent('Fuel Oct');
    expect(screen.getByTestId('bank-transaction-reconciled')).toHaveTextContent('Yes');
    expect(within(page).getByRole('link', { name: 'City Limousines' })).toHaveAttribute(
      'href',
      '/contacts/org-tenant-uk/contact-9',
    );

    const lines = screen.getByTestId('line-items');
    expect(within(lines).getAllByRole('row')).toHaveLength(3);
    expect(lines).toHaveTextContent('Parking');
    expect(within(lines).getByText(/40\.00/, { selector: 'td:last-child' })).toHaveClass('text-right', 'tabular-nums');
    expect(within(page).getByRole('link', { name: '← Bank transactions' })).toHaveAttribute('href', '/bank-transactions');
  });

  it('says clearly when the bank transaction is not in the local store', async () => {
    renderApp('/bank-transactions/org-1/nope');
    const page = await screen.findByTestId('page-bank-transaction-detail');
    expect(await within(page).findByRole('heading', { level: 1, name: 'Bank transaction not found' })).toBeInTheDocument();
    expect(page).toHaveTextContent('Bank transaction nope is not in the local store');
    expect(within(page).getByRole('link', { name: 'Back to bank transactions' })).toHaveAttribute(
      'href',
      '/bank-transactions',
    );
  });
});
