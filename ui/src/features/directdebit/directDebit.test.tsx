import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { COLLECTION } from '../../lib/ipc/fake/collections';
import { rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

describe('direct debit', () => {
  it('lists each collection with its invoice, provider, exact amount and where it stands', async () => {
    const { fake } = renderApp('/direct-debit');
    const row = await screen.findByTestId(`collection-row-${COLLECTION.collection.id}`);
    expect(row).toHaveTextContent('INV-0042');
    expect(row).toHaveTextContent('GoCardless');
    expect(row).toHaveTextContent(/1,200\.10/);
    expect(within(row).getByText('Failed')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'list_collections')?.args).toEqual({ limit: 500 });
  });

  it('opens a collection on its timeline, with the reason the bank gave', async () => {
    const { user } = renderApp('/direct-debit');
    await user.click(await screen.findByRole('link', { name: 'INV-0042' }));
    const page = await screen.findByTestId('page-collection-detail');
    expect(within(page).getByRole('heading', { level: 1 })).toHaveTextContent('Collection of INV-0042');
    const entries = await within(page).findAllByTestId('timeline-entry');
    ['Queued', 'Pending submission', 'Submitted to the bank', 'Failed'].forEach((label, i) =>
      expect(within(entries[i]!).getByText(label)).toBeInTheDocument(),
    );
    expect(entries[3]).toHaveTextContent('insufficient_funds (AM04)');
  });

  it('explains how collections start when there are none', async () => {
    renderApp('/direct-debit', { backend: { list_collections: () => [] } });
    expect(await screen.findByTestId('empty-state')).toHaveTextContent('No collections yet');
  });

  it('says so when a collection is not found', async () => {
    renderApp('/direct-debit/nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('not found');
  });

  it('syncs GoCardless on request and says so', async () => {
    const { fake, user } = renderApp('/direct-debit');
    await user.click(await screen.findByTestId('sync-gocardless'));
    expect(await screen.findByTestId('sync-gocardless-started')).toBeInTheDocument();
    expect(fake.calls.filter((c) => c.cmd === 'sync_gocardless')).toHaveLength(1);
  });

  it('syncs Saferpay on request and says so', async () => {
    const { fake, user } = renderApp('/direct-debit');
    await user.click(await screen.findByTestId('sync-saferpay'));
    expect(await screen.findByTestId('sync-saferpay-started')).toHaveTextContent('Syncing Saferpay');
    expect(fake.calls.filter((c) => c.cmd === 'sync_saferpay')).toHaveLength(1);
    expect(fake.calls.filter((c) => c.cmd === 'sync_gocardless')).toHaveLength(0);
  });

  it('shows why a GoCardless sync was refused', async () => {
    const { user } = renderApp('/direct-debit', {
      backend: { sync_gocardless: () => rejectWith({ code: 'locked', message: 'Xero Partner is locked' }) },
    });
    await user.click(await screen.findByTestId('sync-gocardless'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Xero Partner is locked');
  });
});
