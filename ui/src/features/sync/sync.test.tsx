import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { SyncProgress } from '../../lib/bindings';
import { emitSyncProgress, organisationFor } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';
import { applyProgress, isActive, progressOf } from './syncProgress';

function progress(overrides: Partial<SyncProgress> = {}): SyncProgress {
  return {
    organisationId: 'org-1',
    organisationName: 'Demo Company (UK)',
    resource: 'Invoices',
    state: 'running',
    pagesDone: 3,
    pageCount: 12,
    itemsDone: 300,
    itemCount: null,
    etaSeconds: 120,
    message: null,
    ...overrides,
  };
}

/** The frame subscribes in an effect: emit until the first event shows, then the rest arrive in order. */
async function emitAll(events: SyncProgress[]) {
  const [first, ...rest] = events;
  if (!first) return;
  await waitFor(async () => {
    await emitSyncProgress(first);
    expect(screen.getByTestId(`sync-org-${first.organisationId}`)).toBeInTheDocument();
  });
  for (const event of rest) await emitSyncProgress(event);
}

describe('applyProgress', () => {
  it('keeps the latest event per resource in first-seen order', () => {
    let state = applyProgress([], progress({ resource: 'Contacts' }));
    state = applyProgress(state, progress({ resource: 'Invoices' }));
    state = applyProgress(state, progress({ resource: 'Contacts', state: 'done' }));
    expect(state).toHaveLength(1);
    expect(state[0]?.resources.map((r) => [r.resource, r.state])).toEqual([
      ['Contacts', 'done'],
      ['Invoices', 'running'],
    ]);
    expect(state[0] && isActive(state[0])).toBe(true);
  });

  it('starts over when a finished organisation syncs again', () => {
    let state = applyProgress([], progress({ resource: 'Contacts', state: 'done' }));
    state = applyProgress(state, progress({ resource: 'Invoices', state: 'failed' }));
    state = applyProgress(state, progress({ resource: 'Contacts', state: 'running' }));
    expect(state[0]?.resources.map((r) => r.resource)).toEqual(['Contacts']);
  });

  it('measures pages first, then items, else nothing', () => {
    expect(progressOf(progress())).toMatchObject({ value: 3, max: 12 });
    expect(progressOf(progress({ pageCount: null, itemCount: 1000 }))).toMatchObject({ value: 300, max: 1000 });
    expect(progressOf(progress({ pageCount: null, itemCount: null }))).toBeNull();
  });
});

describe('sync progress panel', () => {
  it('shows a bar per resource, the ETA, and readable failures and pauses', async () => {
    renderApp('/connections');
    await screen.findByTestId('page-connections');
    expect(screen.queryByTestId('sync-progress')).not.toBeInTheDocument();

    await emitAll([
      progress(),
      progress({ resource: 'Contacts', pagesDone: 0, pageCount: null, itemsDone: 40, itemCount: 200, etaSeconds: 20 }),
      progress({ resource: 'Payments', pageCount: null, itemCount: null, etaSeconds: null }),
      progress({
        organisationId: 'org-2',
        organisationName: 'Demo Company (NZ)',
        resource: 'Invoices',
        state: 'failed',
        message: 'Xero rejected the request (HTTP 500). The next sync tries again.',
      }),
      progress({
        organisationId: 'org-3',
        organisationName: 'Demo Company (AU)',
        resource: 'Invoices',
        state: 'paused',
        message: 'Daily API limit reached; continues tomorrow at 00:00 UTC.',
      }),
    ]);

    const panel = await screen.findByTestId('sync-progress');
    const uk = within(panel).getByTestId('sync-org-org-1');
    const invoices = within(uk).getByRole('progressbar', { name: 'Demo Company (UK): Invoices' });
    expect(invoices).toHaveAttribute('aria-valuenow', '3');
    expect(invoices).toHaveAttribute('aria-valuemax', '12');
    expect(uk).toHaveTextContent('page 3 of 12 · about 2 min left');
    const contacts = within(uk).getByRole('progressbar', { name: 'Demo Company (UK): Contacts' });
    expect(contacts).toHaveAttribute('aria-valuenow', '40');
    expect(contacts).toHaveAttribute('aria-valuemax', '200');
    expect(uk).toHaveTextContent('less than a minute left');
    const payments = within(uk).getByRole('progressbar', { name: 'Demo Company (UK): Payments' });
    expect(payments).not.toHaveAttribute('aria-valuenow');
    expect(payments).toHaveAttribute('data-indeterminate', 'true');

    const nz = within(panel).getByTestId('sync-org-org-2');
    expect(within(nz).getByRole('alert')).toHaveTextContent('Xero rejected the request (HTTP 500). The next sync tries again.');
    expect(within(nz).getByText('Failed')).toHaveAttribute('data-tone', 'danger');
    const au = within(panel).getByTestId('sync-org-org-3');
    expect(au).toHaveTextContent('Daily API limit reached; continues tomorrow at 00:00 UTC.');
    expect(within(au).getByText('Paused')).toHaveAttribute('data-tone', 'warning');
  });

  it('Cancel calls cancel_sync; the top bar shows a compact bar only while running', async () => {
    const { user, fake } = renderApp('/connections');
    await screen.findByTestId('page-connections');
    await emitAll([progress()]);

    const compact = await screen.findByTestId('sync-progress-compact');
    expect(compact).toHaveTextContent('Syncing Demo Company (UK)');
    await user.click(within(screen.getByTestId('sync-progress')).getByTestId('cancel-sync'));
    await waitFor(() => expect(fake.callsTo('cancel_sync')).toBe(1));
    expect(fake.calls.find((c) => c.cmd === 'cancel_sync')?.args).toEqual({});

    await emitSyncProgress(progress({ state: 'cancelled', message: 'Cancelled by you.' }));
    await waitFor(() => expect(screen.queryByTestId('sync-progress-compact')).not.toBeInTheDocument());
    expect(screen.queryByTestId('cancel-sync')).not.toBeInTheDocument();
    expect(screen.getByTestId('sync-progress')).toHaveTextContent('Cancelled');
  });

  it('the compact top-bar version appears on other pages and can cancel too', async () => {
    const { user, fake } = renderApp('/dashboard');
    await screen.findByTestId('page-dashboard');
    await waitFor(async () => {
      await emitSyncProgress(progress());
      expect(screen.getByTestId('sync-progress-compact')).toBeInTheDocument();
    });
    expect(screen.queryByTestId('sync-progress')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('cancel-sync-compact'));
    await waitFor(() => expect(fake.callsTo('cancel_sync')).toBe(1));
  });

  it('refreshes organisations and invoices once every resource of an organisation is done', async () => {
    const { fake } = renderApp('/connections', {
      backend: { list_organisations: () => [organisationFor('tenant-uk', 'Demo Company (UK)')] },
    });
    await screen.findByTestId('org-row-org-tenant-uk');
    const before = fake.callsTo('list_organisations');

    await emitAll([progress({ organisationId: 'org-tenant-uk' }), progress({ organisationId: 'org-tenant-uk', resource: 'Contacts' })]);
    await emitSyncProgress(progress({ organisationId: 'org-tenant-uk', state: 'done' }));
    // Contacts still runs: nothing to refresh yet.
    expect(fake.callsTo('list_organisations')).toBe(before);

    await emitSyncProgress(progress({ organisationId: 'org-tenant-uk', resource: 'Contacts', state: 'done' }));
    await waitFor(() => expect(fake.callsTo('list_organisations')).toBe(before + 1));
  });
});
