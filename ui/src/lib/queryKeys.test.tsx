// The lists of synced data are refetched whenever the data under them changes in Rust: after a sync completes and
// after an organisation is disconnected. Checked through the app, by how often each list command is called.
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { SyncProgress } from './bindings';
import { emitSyncProgress, makeBankTransactions, makeContacts, makeInvoices, pageOf, type CommandHandlers } from './ipc/testing';
import { ORGS, stubTableViewport } from '../test/lists';
import { renderApp } from '../test/renderApp';

const LISTS = [
  { path: '/invoices', command: 'list_invoices', countTestId: 'invoice-count', rows: makeInvoices(3, ORGS[0]?.id) },
  { path: '/contacts', command: 'list_contacts', countTestId: 'contact-count', rows: makeContacts(3, ORGS[0]?.id) },
  {
    path: '/bank-transactions',
    command: 'list_bank_transactions',
    countTestId: 'bank-transaction-count',
    rows: makeBankTransactions(3, ORGS[0]?.id),
  },
] as const;

const backend: CommandHandlers = { list_organisations: () => ORGS };
for (const { command, rows } of LISTS) {
  backend[command] = (args) => pageOf<unknown>([...rows], (args as { query: { offset: number; limit: number } }).query);
}

stubTableViewport();

/** Opens every list once, so each has fresh (not yet stale) data in the cache, and ends on the connections page. */
async function visitEveryList() {
  const app = renderApp(LISTS[0].path, { backend });
  for (const list of LISTS) {
    await act(() => app.router.navigate(list.path));
    expect(await screen.findByTestId(list.countTestId)).toHaveTextContent('3');
    expect(app.fake.callsTo(list.command), `${list.path} is read once on the first visit`).toBe(1);
  }
  await act(() => app.router.navigate('/connections'));
  await screen.findByTestId('page-connections');
  return app;
}

/** Visits every list again: a list whose data was marked changed asks Rust again; a fresh one would not. */
async function expectEveryListRefetched(app: Awaited<ReturnType<typeof visitEveryList>>) {
  for (const list of LISTS) {
    await act(() => app.router.navigate(list.path));
    await waitFor(() =>
      expect(app.fake.callsTo(list.command), `${list.path} must be read again: its rows may have changed`).toBe(2),
    );
  }
}

function done(resource: string): SyncProgress {
  return {
    organisationId: ORGS[0]?.id ?? '',
    organisationName: ORGS[0]?.name ?? '',
    resource,
    state: 'done',
    pagesDone: 1,
    pageCount: 1,
    itemsDone: 3,
    itemCount: 3,
    etaSeconds: null,
    message: null,
  };
}

describe('synced data keys', () => {
  it('a finished sync refreshes invoices, contacts and bank transactions, not only invoices', async () => {
    const app = await visitEveryList();
    await emitSyncProgress(done('Contacts'));
    await emitSyncProgress(done('Invoices'));
    await emitSyncProgress(done('BankTransactions'));
    await screen.findByTestId(`sync-org-${ORGS[0]?.id}`);
    await expectEveryListRefetched(app);
  });

  it('a disconnect refreshes invoices, contacts and bank transactions, whose rows it may have erased', async () => {
    const app = await visitEveryList();
    await app.user.click(await screen.findByRole('button', { name: `Disconnect ${ORGS[0]?.name}` }));
    const dialog = await screen.findByRole('dialog');
    await app.user.click(within(dialog).getByTestId('disconnect-erase-data'));
    await waitFor(() => expect(app.fake.callsTo('disconnect_organisation')).toBe(1));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await expectEveryListRefetched(app);
  });
});
