import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Organisation, XeroConnectResult } from '../../../lib/bindings';
import { fixtures, organisationFor, rejectWith } from '../../../lib/ipc/testing';
import { renderApp } from '../../../test/renderApp';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const ORGS: Organisation[] = [
  {
    ...organisationFor('tenant-uk', 'Demo Company (UK)'),
    lastSyncedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    budgetMinute: 58,
    budgetDay: 4912,
  },
  { ...organisationFor('tenant-nz', 'Demo Company (NZ)'), status: 'paused', baseCurrency: 'NZD' },
  { ...organisationFor('tenant-au', 'Demo Company (AU)'), status: 'reconnect_needed' },
  { ...organisationFor('tenant-us', 'Demo Company (US)'), status: 'disconnected' },
];

describe('connect Xero', () => {
  it('waits for the browser sign-in, offers a picker with nothing chosen, keeps the choice and lists it', async () => {
    const signIn = deferred<XeroConnectResult>();
    let organisations: Organisation[] = [];
    const { user, fake } = renderApp('/connections', {
      backend: {
        connect_xero: () => signIn.promise,
        list_organisations: () => organisations,
      },
    });
    expect(await screen.findByText('No Xero organisations yet')).toBeInTheDocument();

    await user.click(await screen.findByTestId('connect-xero'));
    expect(await screen.findByText(/Waiting for you to sign in to Xero in your browser…/)).toBeInTheDocument();
    expect(screen.getByTestId('connect-xero')).toBeDisabled();
    expect(fake.callsTo('connect_xero')).toBe(1);

    signIn.resolve(structuredClone(fixtures.xeroConnect));
    const picker = await screen.findByTestId('org-picker');
    expect(screen.queryByText(/Waiting for you to sign in/)).not.toBeInTheDocument();
    const options = within(picker).getAllByRole('checkbox');
    expect(options).toHaveLength(3);
    // Never default to the first (or any) organisation.
    for (const option of options) expect(option).not.toBeChecked();
    expect(within(picker).getByTestId('org-option-tenant-nz').closest('label')).toHaveTextContent('Already connected');
    expect(within(picker).getByTestId('org-option-tenant-uk').closest('label')).not.toHaveTextContent('Already connected');

    const keep = within(picker).getByTestId('keep-organisations');
    expect(keep).toBeDisabled();
    await user.click(within(picker).getByTestId('org-option-tenant-us'));
    await user.click(within(picker).getByTestId('org-option-tenant-uk'));
    expect(keep).toBeEnabled();

    organisations = [organisationFor('tenant-uk', 'Demo Company (UK)'), organisationFor('tenant-us', 'Demo Company (US)')];
    await user.click(keep);

    expect(fake.calls.find((c) => c.cmd === 'keep_organisations')?.args).toEqual({
      connectionId: 'conn-1',
      tenantIds: ['tenant-uk', 'tenant-us'],
    });
    const table = await screen.findByRole('table', { name: 'Xero organisations' });
    expect(within(table).getByTestId('org-row-org-tenant-uk')).toHaveTextContent('Demo Company (UK)');
    expect(within(table).getByTestId('org-row-org-tenant-us')).toHaveTextContent('Demo Company (US)');
    expect(screen.queryByTestId('org-picker')).not.toBeInTheDocument();
  });

  it('unchecking the last choice disables Keep selected again', async () => {
    const { user } = renderApp('/connections');
    await user.click(await screen.findByTestId('connect-xero'));
    const option = await screen.findByTestId('org-option-tenant-uk');
    await user.click(option);
    expect(screen.getByTestId('keep-organisations')).toBeEnabled();
    await user.click(option);
    expect(screen.getByTestId('keep-organisations')).toBeDisabled();
  });

  it('says what happened and what to do when sign-in fails, and Retry signs in again', async () => {
    let fail = true;
    const { user, fake } = renderApp('/connections', {
      backend: {
        connect_xero: () =>
          fail
            ? rejectWith({ code: 'offline', message: 'Could not reach login.xero.com.' })
            : structuredClone(fixtures.xeroConnect),
      },
    });
    await user.click(await screen.findByTestId('connect-xero'));
    const panel = await screen.findByTestId('error-panel');
    expect(panel).toHaveTextContent('Could not connect Xero');
    expect(panel).toHaveTextContent('Could not reach login.xero.com.');
    expect(panel).toHaveTextContent('You are offline.');
    expect(panel).toHaveAttribute('data-error-code', 'offline');

    fail = false;
    await user.click(within(panel).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('org-picker')).toBeInTheDocument();
    expect(fake.callsTo('connect_xero')).toBe(2);
  });
});

describe('organisations table', () => {
  it('lists Xero organisations only, not other providers\' accounts kept beside them', async () => {
    const creditor = { ...ORGS[0]!, id: 'org-gc-creditor', provider: 'gocardless' as const, name: 'GoCardless creditor' };
    renderApp('/connections', { backend: { list_organisations: () => [creditor, ...ORGS] } });
    expect(await screen.findByTestId('org-row-org-tenant-uk')).toBeInTheDocument();
    expect(screen.queryByTestId('org-row-org-gc-creditor')).not.toBeInTheDocument();
  });

  it('shows currency, status, last sync and API budget', async () => {
    renderApp('/connections', { backend: { list_organisations: () => ORGS } });
    const uk = await screen.findByTestId('org-row-org-tenant-uk');
    expect(uk).toHaveTextContent('GBP');
    expect(within(uk).getByText('Active')).toHaveAttribute('data-tone', 'success');
    expect(uk).toHaveTextContent('58/min · 4,912/day');
    const synced = within(uk).getByText('5 minutes ago');
    expect(synced.tagName).toBe('TIME');
    expect(synced).toHaveAttribute('title', expect.stringMatching(/\d/) as string);

    const nz = screen.getByTestId('org-row-org-tenant-nz');
    expect(within(nz).getByText('Daily API limit reached')).toHaveAttribute('data-tone', 'warning');
    expect(nz).toHaveTextContent('—');
    expect(nz).toHaveTextContent('Never');
    expect(within(screen.getByTestId('org-row-org-tenant-au')).getByText('Reconnect needed')).toBeInTheDocument();
    const us = screen.getByTestId('org-row-org-tenant-us');
    expect(within(us).getByText('Disconnected')).toHaveAttribute('data-tone', 'neutral');
    expect(within(us).getByTestId('sync-now-org-tenant-us')).toBeDisabled();
  });

  it('Sync now syncs one organisation and Sync all passes null', async () => {
    const { user, fake } = renderApp('/connections', { backend: { list_organisations: () => ORGS } });
    await user.click(await screen.findByTestId('sync-now-org-tenant-nz'));
    await user.click(screen.getByTestId('sync-all'));
    await waitFor(() => expect(fake.callsTo('sync_now')).toBe(2));
    expect(fake.calls.filter((c) => c.cmd === 'sync_now').map((c) => c.args)).toEqual([
      { organisationId: 'org-tenant-nz' },
      { organisationId: null },
    ]);
  });

  it('shows why a sync could not start', async () => {
    const { user } = renderApp('/connections', {
      backend: {
        list_organisations: () => ORGS,
        sync_now: () => rejectWith({ code: 'reconnect_needed', message: 'The Xero grant has expired.' }),
      },
    });
    await user.click(await screen.findByTestId('sync-now-org-tenant-au'));
    const panel = await screen.findByTestId('error-panel');
    expect(panel).toHaveTextContent('The Xero grant has expired.');
    expect(panel).toHaveTextContent('Reconnect it on the Connections page.');
  });

  it.each([
    ['keep', 'disconnect-keep-data', false],
    ['erase', 'disconnect-erase-data', true],
  ])('Disconnect asks first and sends eraseData for %s', async (_label, button, eraseData) => {
    const { user, fake } = renderApp('/connections', { backend: { list_organisations: () => ORGS } });
    await user.click(await screen.findByRole('button', { name: 'Disconnect Demo Company (UK)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disconnect Demo Company (UK)?' });
    expect(dialog).toHaveTextContent(/Keep data.*Erase data/);
    expect(fake.callsTo('disconnect_organisation')).toBe(0);

    await user.click(within(dialog).getByTestId(button));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(fake.calls.filter((c) => c.cmd === 'disconnect_organisation').map((c) => c.args)).toEqual([
      { organisationId: 'org-tenant-uk', eraseData },
    ]);
  });

  it('Cancel and Escape close the disconnect dialog without disconnecting', async () => {
    const { user, fake } = renderApp('/connections', { backend: { list_organisations: () => ORGS } });
    const open = await screen.findByRole('button', { name: 'Disconnect Demo Company (UK)' });
    await user.click(open);
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(open).toHaveFocus();

    await user.click(open);
    await screen.findByRole('dialog');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.callsTo('disconnect_organisation')).toBe(0);
  });
});
