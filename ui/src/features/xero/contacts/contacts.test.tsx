import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ContactDetail, ContactQuery, InvoiceQuery } from '../../../lib/bindings';
import { makeContacts, makeInvoices, pageOf, rejectWith } from '../../../lib/ipc/testing';
import {
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
import { PAGE_SIZE } from '../../lists/usePages';

const DEFAULT_QUERY: ContactQuery = {
  organisationId: null,
  statuses: [],
  isCustomer: null,
  isSupplier: null,
  search: null,
  sort: 'name',
  descending: false,
  offset: 0,
  limit: PAGE_SIZE,
};

const { backend: contactBackend, queries, lastQuery } = listCommand<ContactQuery>('list_contacts', makeContacts);

stubTableViewport();

describe('contacts list', () => {
  it('asks for the first 200 contacts A to Z and shows count, name, email, number, roles, status and currency', async () => {
    const { fake } = renderApp('/contacts', { backend: contactBackend(1234) });
    await expectCount('contact-count', '1,234');
    expect(queries(fake)).toEqual([DEFAULT_QUERY]);

    const row = await screen.findByTestId('contact-row-contact-1');
    const cells = within(row).getAllByRole('cell');
    expect(cells.map((c) => c.textContent)).toEqual([
      'Bayside Club 1',
      'accounts1@bayside.example',
      'C-00001',
      'CustomerSupplier',
      'Active',
      'GBP',
    ]);
    expect(within(row).getByText('Active')).toHaveAttribute('data-tone', 'success');
    // contact-4: supplier only; contact-10: archived.
    expect(within(screen.getByTestId('contact-row-contact-4')).queryByText('Customer')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('contact-row-contact-10')).getByText('Archived')).toBeInTheDocument();
  });

  it('renders only the rows in view of 10,000 and loads the next page on scroll', async () => {
    const { fake } = renderApp('/contacts', { backend: contactBackend(10_000) });
    await expectCount('contact-count', '10,000');
    await screen.findByTestId('contact-row-contact-1');
    expectOnlyRowsInView('Contacts', 10_000);

    scrollToRow('contact', 170);
    await waitFor(() => expect(fake.callsTo('list_contacts')).toBe(2));
    expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, offset: 200 });
    expect(await screen.findByTestId('contact-row-contact-175')).toBeInTheDocument();
    expect(screen.queryByTestId('contact-row-contact-1')).not.toBeInTheDocument();
  });

  it.each<[string, Act, Partial<ContactQuery>, string]>([
    [
      'organisation',
      (user) => user.selectOptions(screen.getByTestId('filter-organisation'), 'Demo Company (NZ)'),
      { organisationId: 'org-tenant-nz' },
      'org=org-tenant-nz',
    ],
    [
      'statuses',
      async (user) => {
        const group = screen.getByTestId('filter-status');
        await user.click(within(group).getByLabelText('Archived'));
        await user.click(within(group).getByLabelText('Active'));
      },
      { statuses: ['ACTIVE', 'ARCHIVED'] },
      'status=ARCHIVED&status=ACTIVE',
    ],
    ['customers', (user) => user.selectOptions(screen.getByTestId('filter-customer'), 'Yes'), { isCustomer: true }, 'customer=yes'],
    ['non-suppliers', (user) => user.selectOptions(screen.getByTestId('filter-supplier'), 'No'), { isSupplier: false }, 'supplier=no'],
    ['search', (user) => typeInSearch(user, 'bayside.example'), { search: 'bayside.example' }, 'q=bayside.example'],
  ])('filters by %s and keeps it in the URL', async (_label, act, expected, search) => {
    const { user, fake, router } = renderApp('/contacts', { backend: contactBackend(300) });
    await screen.findByTestId('contact-row-contact-1');
    await act(user);
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, ...expected }));
    expect(router.state.location.search).toBe(`?${search}`);
  });

  it('debounces the search into one query', async () => {
    const { user, fake } = renderApp('/contacts', { backend: contactBackend(300) });
    await screen.findByTestId('contact-row-contact-1');
    await typeInSearch(user, 'C-00042');
    await waitFor(() => expect(lastQuery(fake)?.search).toBe('C-00042'));
    expect(queries(fake).filter((q) => q.search !== null)).toHaveLength(1);
  });

  it('sorts by name (header) and by last update (sort picker)', async () => {
    const { user, fake } = renderApp('/contacts', { backend: contactBackend(300) });
    await screen.findByTestId('contact-row-contact-1');
    const name = screen.getByTestId('sort-name');
    expectAriaSort('sort-name', 'ascending');
    await user.click(name);
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, descending: true }));
    expectAriaSort('sort-name', 'descending');

    await user.selectOptions(screen.getByTestId('filter-sort'), 'Recently updated');
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort: 'updated_utc', descending: true }));
    expectAriaSort('sort-name', 'none');
    await user.selectOptions(screen.getByTestId('filter-sort'), 'Least recently updated');
    await waitFor(() => expect(lastQuery(fake)).toEqual({ ...DEFAULT_QUERY, sort: 'updated_utc', descending: false }));
    // Only name is a sortable column.
    expect(screen.queryByTestId('sort-email')).not.toBeInTheDocument();
  });

  it('restores filters and sort from the URL', async () => {
    const { fake } = renderApp('/contacts?status=ARCHIVED&customer=yes&supplier=no&q=Club&sort=updated_utc&dir=desc', {
      backend: contactBackend(30),
    });
    await screen.findByTestId('contact-row-contact-1');
    expect(lastQuery(fake)).toEqual({
      ...DEFAULT_QUERY,
      statuses: ['ARCHIVED'],
      isCustomer: true,
      isSupplier: false,
      search: 'Club',
      sort: 'updated_utc',
      descending: true,
    });
    expect(within(screen.getByTestId('filter-status')).getByLabelText('Archived')).toBeChecked();
    expect(screen.getByTestId('filter-search')).toHaveValue('Club');
    expect(screen.getByTestId('filter-customer')).toHaveValue('yes');
    expect(screen.getByTestId('filter-sort')).toHaveValue('updated_utc-desc');
  });

  it('opens a contact by click', async () => {
    const { user, router } = renderApp('/contacts', { backend: contactBackend(30) });
    await user.click(await screen.findByTestId('contact-row-contact-2'));
    expect(router.state.location.pathname).toBe('/contacts/org-1/contact-2');
    expect(await screen.findByTestId('page-contact-detail')).toBeInTheDocument();
  });

  it('says how to get contacts when no organisation is connected', async () => {
    const { fake } = renderApp('/contacts');
    expect(await screen.findByText('Connect Xero on the Connections page')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to Connections' })).toHaveAttribute('href', '/connections');
    expect(fake.callsTo('list_contacts')).toBe(0);
  });

  it('offers Clear filters when nothing matches', async () => {
    const { user, fake } = renderApp('/contacts?status=ARCHIVED&supplier=yes', {
      backend: pagedBackend('list_contacts', makeContacts(5), (query: ContactQuery) => query.statuses.length > 0),
    });
    await clearFiltersWhenNothingMatches(user, 'No contacts match these filters');
    expect(await screen.findByTestId('contact-row-contact-1')).toBeInTheDocument();
    expect(lastQuery(fake)).toEqual(DEFAULT_QUERY);
  });

  it('shows an invalid filter rejection with its message', async () => {
    renderApp('/contacts', {
      backend: {
        list_organisations: () => ORGS,
        list_contacts: () => rejectWith({ code: 'invalid_input', message: 'unknown contact status' }),
      },
    });
    expect(await screen.findByTestId('error-panel')).toHaveTextContent('unknown contact status');
  });

  it('says reads come from this computer while offline', async () => {
    await whileOffline(async () => {
      renderApp('/contacts', { backend: contactBackend(3) });
      expect(await screen.findByTestId('contacts-offline')).toHaveTextContent('Offline — showing data cached on this computer');
      expect(await screen.findByTestId('contact-row-contact-1')).toBeInTheDocument();
    });
  });
});

const DETAIL: ContactDetail = {
  row: { ...makeContacts(1, 'org-tenant-uk')[0]!, name: 'Bayside Club', contactId: 'contact-7' },
  organisationName: 'Demo Company (UK)',
  invoiceCount: 1234,
  outstanding: [
    { currency: 'GBP', invoiceType: 'ACCREC', amount: '1500.50', invoices: 3 },
    { currency: 'EUR', invoiceType: 'ACCPAY', amount: '99.99', invoices: 1 },
  ],
};

describe('contact detail', () => {
  it('links only a plain address to the mail program; anything else synced into the email is text', async () => {
    for (const [email, linked] of [
      ['ada@example.com', true],
      ['ada@example.com?subject=Invoice&body=pay%20here', false],
      ['a@example.com,b@example.com', false],
      ['-oProxyCommand@example.com', false],
    ] as const) {
      const detail = { ...DETAIL, row: { ...DETAIL.row, email } };
      const { unmount } = renderApp('/contacts/org-tenant-uk/contact-7', {
        backend: { get_contact: () => structuredClone(detail), list_organisations: () => ORGS },
      });
      const fact = await screen.findByTestId('contact-email');
      expect(fact).toHaveTextContent(email);
      expect(within(fact).queryByRole('link') !== null).toBe(linked);
      unmount();
    }
  });


  it('renders the facts, the outstanding amounts per currency and direction, and links to the invoices', async () => {
    const { fake, user, router } = renderApp('/contacts/org-tenant-uk/contact-7', {
      backend: {
        get_contact: () => structuredClone(DETAIL),
        list_organisations: () => ORGS,
        list_invoices: (args) => pageOf(makeInvoices(3), (args as { query: InvoiceQuery }).query),
      },
    });
    const page = await screen.findByTestId('page-contact-detail');
    expect(await within(page).findByRole('heading', { level: 1, name: 'Bayside Club' })).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'get_contact')?.args).toEqual({
      organisationId: 'org-tenant-uk',
      contactId: 'contact-7',
    });
    expect(page).toHaveTextContent('Demo Company (UK)');
    expect(screen.getByTestId('contact-email')).toHaveTextContent('accounts1@bayside.example');
    expect(within(screen.getByTestId('contact-email')).getByRole('link')).toHaveAttribute(
      'href',
      'mailto:accounts1@bayside.example',
    );
    expect(screen.getByTestId('contact-number')).toHaveTextContent('C-00001');
    expect(screen.getByTestId('contact-invoice-count')).toHaveTextContent('1,234');
    expect(within(page).getByText('Active')).toBeInTheDocument();
    expect(within(page).getByText('Customer')).toBeInTheDocument();
    expect(within(page).getByText('Supplier')).toBeInTheDocument();

    const table = screen.getByTestId('outstanding');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    const owed = screen.getByTestId('outstanding-ACCREC-GBP');
    expect(owed).toHaveTextContent('Owes you');
    const owedAmount = within(owed).getAllByRole('cell').at(-1);
    expect(owedAmount).toHaveTextContent(/GBP\s*1,500\.50/);
    expect(owedAmount).toHaveClass('text-right', 'tabular-nums');
    const owing = screen.getByTestId('outstanding-ACCPAY-EUR');
    expect(owing).toHaveTextContent('You owe');
    expect(within(owing).getAllByRole('cell').at(-1)).toHaveTextContent(/EUR\s*99\.99/);

    const link = screen.getByRole('link', { name: 'Show invoices' });
    expect(link).toHaveAttribute('href', '/invoices?contact=contact-7&contactName=Bayside+Club');
    await user.click(link);
    expect(await screen.findByTestId('page-invoices')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?contact=contact-7&contactName=Bayside+Club');
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.cmd === 'list_invoices').at(-1)?.args).toMatchObject({
        query: { contactId: 'contact-7' },
      }),
    );
    expect(screen.getByText('Contact: Bayside Club')).toBeInTheDocument();
  });

  it('says when nothing is outstanding', async () => {
    renderApp('/contacts/org-tenant-uk/contact-7', {
      backend: { get_contact: () => ({ ...structuredClone(DETAIL), outstanding: [] }) },
    });
    expect(await screen.findByTestId('outstanding')).toHaveTextContent('Nothing outstanding.');
  });

  it('says clearly when the contact is not in the local store', async () => {
    renderApp('/contacts/org-1/nope');
    const page = await screen.findByTestId('page-contact-detail');
    expect(await within(page).findByRole('heading', { level: 1 })).toHaveTextContent('Contact not found');
    expect(page).toHaveTextContent('Contact nope is not in the local store');
    expect(within(page).getByRole('link', { name: 'Back to contacts' })).toHaveAttribute('href', '/contacts');
  });
});
