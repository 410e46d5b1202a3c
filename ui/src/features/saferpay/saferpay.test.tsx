import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { makeSession } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const PASSWORD = 'hunter2-saferpay-pass';

async function saferpayCard(...args: Parameters<typeof renderApp>) {
  const view = renderApp(...args);
  const card = await screen.findByTestId('provider-saferpay');
  const fill = async (terminalId: string) => {
    await view.user.type(within(card).getByTestId('saferpay-api-user'), ' API_401860_80003225 ');
    await view.user.type(within(card).getByTestId('saferpay-password'), PASSWORD);
    await view.user.type(within(card).getByTestId('saferpay-customer-id'), '401860');
    await view.user.type(within(card).getByTestId('saferpay-terminal-id'), terminalId);
  };
  return { ...view, card, fill };
}

describe('Saferpay on the Connections page', () => {
  it('sends the four fields once all are filled and shows the account, never the password', async () => {
    const { user, fake, card, fill } = await saferpayCard('/connections');
    expect(within(card).getByTestId('saferpay-password')).toHaveAttribute('type', 'password');
    const submit = within(card).getByTestId('saferpay-submit');
    expect(submit).toBeDisabled();
    await fill('17795278');
    expect(submit).toBeEnabled();
    await user.click(submit);
    expect(await within(card).findByTestId('saferpay-connected')).toHaveTextContent(
      'Connected as customer 401860, terminal 17795278',
    );
    expect(fake.calls.find((c) => c.cmd === 'connect_saferpay')?.args).toEqual({
      credentials: { apiUser: 'API_401860_80003225', password: PASSWORD, customerId: '401860', terminalId: '17795278' },
    });
    expect(within(card).getByTestId('saferpay-password'), 'emptied once kept').toHaveValue('');
    expect(document.body.textContent).not.toContain(PASSWORD);
  });

  it('shows the reason Rust gives when the credentials are refused', async () => {
    const { user, card, fill } = await saferpayCard('/connections');
    await fill('1779');
    await user.click(within(card).getByTestId('saferpay-submit'));
    const error = await within(card).findByTestId('saferpay-error');
    expect(error).toHaveTextContent('the Saferpay terminal id has 8 digits');
    expect(error).toHaveTextContent('invalid_input');
  });

  it('says when credentials are already saved', async () => {
    const { card } = await saferpayCard('/connections', { backend: { saferpay_status: () => ({ configured: true }) } });
    expect(await within(card).findByTestId('saferpay-configured')).toHaveTextContent('Credentials saved');
  });

  it('hides the fields from a role that may not manage credentials', async () => {
    const { card } = await saferpayCard('/connections', { session: makeSession({ role: 'viewer' }) });
    expect(await within(card).findByTestId('saferpay-owner-only')).toHaveTextContent('Only an owner can connect Saferpay');
    expect(within(card).queryByTestId('saferpay-api-user')).not.toBeInTheDocument();
    expect(within(card).queryByTestId('saferpay-password')).not.toBeInTheDocument();
  });
});
