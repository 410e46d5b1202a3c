import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Organisation } from '../../lib/bindings';
import { makeSession, organisationFor, rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const TOKEN = 'sandbox_live_9f8e7d6c5b4a';

async function gocardlessCard(...args: Parameters<typeof renderApp>) {
  const view = renderApp(...args);
  const card = await screen.findByTestId('provider-gocardless');
  return { ...view, card };
}

describe('GoCardless on the Connections page', () => {
  it('verifies the token, shows the creditor it belongs to and never the token', async () => {
    const { user, fake, card } = await gocardlessCard('/connections');
    const field = within(card).getByTestId('gocardless-token');
    expect(field).toHaveAttribute('type', 'password');
    expect(within(card).getByTestId('gocardless-submit'), 'nothing to verify yet').toBeDisabled();
    await user.type(field, `  ${TOKEN} `);
    await user.click(within(card).getByTestId('gocardless-submit'));
    expect(await within(card).findByTestId('gocardless-connected')).toHaveTextContent('Connected as Alpenrad Velo GmbH');
    expect(fake.calls.find((c) => c.cmd === 'connect_gocardless')?.args, 'sent trimmed').toEqual({ token: TOKEN });
    expect(field, 'the field is emptied once the vault has the token').toHaveValue('');
    expect(document.body.textContent).not.toContain(TOKEN);
  });

  it('shows what GoCardless answered when it refuses the token', async () => {
    const { user, card } = await gocardlessCard('/connections');
    await user.type(within(card).getByTestId('gocardless-token'), 'bad-token');
    await user.click(within(card).getByTestId('gocardless-submit'));
    const error = await within(card).findByTestId('gocardless-error');
    expect(error).toHaveTextContent('GoCardless refused the access token (HTTP 401)');
    expect(error).toHaveTextContent('reconnect_needed');
    expect(within(card).queryByTestId('gocardless-connected')).not.toBeInTheDocument();
  });

  it('names the creditor already kept', async () => {
    const creditor: Organisation = { ...organisationFor('CR0001', 'Alpenrad Velo GmbH'), provider: 'gocardless' };
    const xero = organisationFor('tenant-uk', 'Demo Company (UK)');
    const { card } = await gocardlessCard('/connections', { backend: { list_organisations: () => [xero, creditor] } });
    expect(await within(card).findByTestId('gocardless-creditor')).toHaveTextContent('Connected as Alpenrad Velo GmbH');
    expect(within(card).getByTestId('gocardless-creditor')).not.toHaveTextContent('Demo Company');
  });

  it('hides the token field from a role that may not manage credentials', async () => {
    const { card, fake } = await gocardlessCard('/connections', { session: makeSession({ role: 'viewer' }) });
    expect(await within(card).findByTestId('gocardless-owner-only')).toHaveTextContent('Only an owner can connect GoCardless');
    expect(within(card).queryByTestId('gocardless-token')).not.toBeInTheDocument();
    await waitFor(() => expect(fake.callsTo('list_connections')).toBeGreaterThan(0));
    expect(fake.callsTo('connect_gocardless')).toBe(0);
  });

  it('disconnects, keeping the records unless asked to erase them, and says why Rust refused', async () => {
    let creditors: Organisation[] = [{ ...organisationFor('CR0001', 'Alpenrad Velo GmbH'), provider: 'gocardless' }];
    let refuse = true;
    const { user, fake, card } = await gocardlessCard('/connections', {
      backend: {
        list_organisations: () => structuredClone(creditors),
        disconnect_gocardless: () => {
          if (refuse) {
            refuse = false;
            return rejectWith({ code: 'invalid_input', message: '1 GoCardless collection(s) are still on their way to the bank' });
          }
          creditors = [{ ...creditors[0]!, status: 'disconnected' }];
          return null;
        },
      },
    });
    const controls = await within(card).findByTestId('gocardless-disconnect');
    await user.click(within(controls).getByTestId('gocardless-disconnect-submit'));
    expect(await within(controls).findByRole('alert')).toHaveTextContent('still on their way to the bank');
    await user.click(within(controls).getByTestId('gocardless-disconnect-erase'));
    await user.click(within(controls).getByTestId('gocardless-disconnect-submit'));
    await waitFor(() => expect(within(card).queryByTestId('gocardless-creditor')).not.toBeInTheDocument());
    expect(fake.calls.filter((c) => c.cmd === 'disconnect_gocardless').map((c) => c.args)).toEqual([
      { eraseData: false },
      { eraseData: true },
    ]);
  });

  it('offers no disconnect to a role that may not manage connections', async () => {
    const creditor: Organisation = { ...organisationFor('CR0001', 'Alpenrad Velo GmbH'), provider: 'gocardless' };
    const { card } = await gocardlessCard('/connections', {
      backend: { list_organisations: () => [creditor] },
      session: makeSession({ role: 'viewer' }),
    });
    expect(await within(card).findByTestId('gocardless-creditor')).toBeInTheDocument();
    expect(within(card).queryByTestId('gocardless-disconnect')).not.toBeInTheDocument();
  });
});
