import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ConnectionSummary, IpcError } from '../lib/bindings';
import { fixtures, rejectWith } from '../lib/ipc/testing';
import { renderApp } from '../test/renderApp';

const CONNECTIONS: ConnectionSummary[] = [
  {
    id: 'c1',
    provider: 'xero',
    displayName: 'Demo Company (UK)',
    status: 'active',
    lastSyncedAt: '2026-11-23T09:00:00Z',
    organisations: 2,
  },
  {
    id: 'c2',
    provider: 'gocardless',
    displayName: 'Business current account',
    status: 'reconnect_needed',
    lastSyncedAt: null,
    organisations: 1,
  },
  {
    id: 'c3',
    provider: 'okx',
    displayName: 'Treasury',
    status: 'disconnected',
    lastSyncedAt: null,
    organisations: 0,
  },
];

const KEY_MISMATCH: IpcError = {
  code: 'store_key_mismatch',
  message: 'The store key does not open the database (file is not a database).',
};

describe('dashboard', () => {
  it('shows the local store facts from db_info', async () => {
    renderApp('/dashboard');
    const store = await screen.findByTestId('store-info');
    expect(store).toHaveTextContent('SQLCipher 4.5.6 community');
    expect(within(store).getByTestId('schema-version')).toHaveTextContent('3');
    expect(store).toHaveTextContent('96.0 KB');
    const table = within(store).getByRole('table', { name: 'Table row counts' });
    const row = within(table).getByRole('row', { name: /audit_log/ });
    expect(within(row).getByText('3')).toHaveClass('text-right', 'tabular-nums');
    expect(screen.getByText('Encrypted')).toBeInTheDocument();
  });

  it('says what to do when nothing is connected and describes the vault', async () => {
    renderApp('/dashboard');
    expect(await screen.findByText(/No providers connected yet — go to/)).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'Connections' }).some((a) => a.getAttribute('href') === '/connections')).toBe(true);
    expect(await screen.findByText('Stored in the OS keychain')).toBeInTheDocument();
  });

  it('counts connections when there are some', async () => {
    renderApp('/dashboard', { backend: { list_connections: () => CONNECTIONS } });
    expect(await screen.findByTestId('connections-count')).toHaveTextContent('3');
    expect(screen.getByText(/2 need attention/)).toBeInTheDocument();
  });

  it('shows an IPC error message and Retry refetches', async () => {
    let failing = true;
    const { user, fake } = renderApp('/dashboard', {
      backend: {
        db_info: () => (failing ? rejectWith(KEY_MISMATCH) : structuredClone(fixtures.dbInfo)),
      },
    });
    const panel = await screen.findByTestId('error-panel');
    expect(panel).toHaveTextContent(KEY_MISMATCH.message);
    expect(panel).toHaveAttribute('data-error-code', 'store_key_mismatch');
    expect(fake.callsTo('db_info')).toBe(1);

    failing = false;
    await user.click(within(panel).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('store-info')).toBeInTheDocument();
    expect(fake.callsTo('db_info')).toBe(2);
    expect(screen.queryByTestId('error-panel')).not.toBeInTheDocument();
  });

  it('shows a loading state while waiting for the core', async () => {
    renderApp('/dashboard', { backend: { db_info: () => new Promise(() => {}) } });
    expect(await screen.findByText('Loading store information…')).toBeInTheDocument();
  });
});

describe('connections', () => {
  it('shows the empty state and the six available providers', async () => {
    renderApp('/connections');
    expect(await screen.findByText('No providers connected yet')).toBeInTheDocument();
    const list = await screen.findByRole('list', { name: 'Available providers' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(6);
    const xero = screen.getByTestId('provider-xero');
    expect(xero).toHaveTextContent('http://127.0.0.1:4010/xero');
    expect(xero).toHaveTextContent('Not connected');
    expect(within(xero).getByRole('button', { name: 'Connect Xero' })).toBeEnabled();
    // Only Xero can be connected so far; the others keep their disabled placeholder.
    expect(within(screen.getByTestId('provider-okx')).getByRole('button')).toBeDisabled();
  });

  it('lists connections with status badges', async () => {
    renderApp('/connections', { backend: { list_connections: () => CONNECTIONS } });
    const table = await screen.findByRole('table', { name: 'Connections' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);

    const xero = screen.getByTestId('connection-c1');
    expect(xero).toHaveTextContent('Xero');
    expect(xero).toHaveTextContent('Demo Company (UK)');
    expect(within(xero).getByText('Active')).toHaveAttribute('data-tone', 'success');

    const gc = screen.getByTestId('connection-c2');
    expect(within(gc).getByText('Reconnect needed')).toHaveAttribute('data-tone', 'warning');
    expect(gc).toHaveTextContent('Never');

    const okx = screen.getByTestId('connection-c3');
    expect(within(okx).getByText('Disconnected')).toHaveAttribute('data-tone', 'neutral');

    expect(screen.getByTestId('provider-xero')).toHaveTextContent('Connected');
  });
});

describe('transactions', () => {
  it('points to Connections when nothing is connected', async () => {
    renderApp('/transactions');
    expect(
      await screen.findByText(
        'Connect Xero, GoCardless, Saferpay or OKX on the Connections page; their transactions appear here.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No transactions yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to Connections' })).toHaveAttribute('href', '/connections');
  });

  it('says nothing is synced yet when connections exist', async () => {
    renderApp('/transactions', { backend: { list_connections: () => CONNECTIONS } });
    expect(await screen.findByText('Nothing synced yet')).toBeInTheDocument();
  });

  it('detail page shows the id from the URL on a cold load', async () => {
    renderApp('/transactions/abc-123');
    const page = await screen.findByTestId('page-transaction-detail');
    expect(page).toHaveTextContent('Transaction abc-123 is not in the local cache yet');
    expect(within(page).getByRole('link', { name: 'Back to transactions' })).toHaveAttribute('href', '/transactions');
  });
});

describe('settings', () => {
  it('shows environment, paths, endpoints and the audit trail', async () => {
    renderApp('/settings');
    expect(await screen.findByTestId('data-dir')).toHaveTextContent(fixtures.appInfo.dataDir);
    expect(screen.getByTestId('log-dir')).toHaveTextContent(fixtures.appInfo.logDir);
    const endpoints = screen.getByRole('table', { name: 'Provider endpoints' });
    expect(within(endpoints).getAllByRole('row')).toHaveLength(7);
    const audit = await screen.findByRole('table', { name: 'Audit trail' });
    expect(within(audit).getAllByRole('row')).toHaveLength(4);
    expect(audit).toHaveTextContent('vault.key_created');
  });

  it('asks list_audit_events for 50 entries', async () => {
    const { fake } = renderApp('/settings');
    await screen.findByRole('table', { name: 'Audit trail' });
    expect(fake.calls.find((c) => c.cmd === 'list_audit_events')?.args).toEqual({ limit: 50 });
  });

  it('verifies the audit chain', async () => {
    const { user } = renderApp('/settings');
    await user.click(await screen.findByRole('button', { name: 'Verify audit chain' }));
    expect(await screen.findByText('Chain intact: 3 entries')).toBeInTheDocument();
  });

  it('shows why verification failed', async () => {
    const { user } = renderApp('/settings', {
      backend: {
        verify_audit_log: () => rejectWith({ code: 'internal', message: 'Audit entry 2 does not match its hash.' }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Verify audit chain' }));
    expect(await screen.findByText('Audit entry 2 does not match its hash.')).toBeInTheDocument();
  });

  it('shows the audit load error with Retry', async () => {
    renderApp('/settings', { backend: { list_audit_events: () => rejectWith(KEY_MISMATCH) } });
    await waitFor(() => expect(screen.getByText(KEY_MISMATCH.message)).toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
