import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { AvailableProviders } from './AvailableProviders';
import { providerRegistry } from './providers';

describe('available providers', () => {
  it('gives every provider with a connector a working button that reports which provider to connect', async () => {
    const onConnect = vi.fn();
    const providers = providerRegistry({ xero: { connecting: false }, gocardless: { connecting: false } });
    render(<AvailableProviders endpoints={[]} connections={[]} providers={providers} onConnect={onConnect} canConnect />);

    expect(
      screen.getByText(/^Xero and GoCardless can be connected now\. Saferpay, OKX and OpenAI arrive with their integrations in a later release\./),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('connect-gocardless'));
    await userEvent.click(screen.getByTestId('connect-xero'));
    expect(onConnect.mock.calls, 'the button says which provider it connects').toEqual([['gocardless'], ['xero']]);
    // A provider without a connector keeps the disabled placeholder and no connect-<provider> id.
    expect(within(screen.getByTestId('provider-okx')).getByRole('button', { name: 'Connect OKX' })).toBeDisabled();
    expect(screen.queryByTestId('connect-okx')).not.toBeInTheDocument();
  });

  it('waits on the provider whose sign-in is under way and only on that one', () => {
    const providers = providerRegistry({ xero: { connecting: false }, saferpay: { connecting: true } });
    render(<AvailableProviders endpoints={[]} connections={[]} providers={providers} onConnect={vi.fn()} canConnect />);
    expect(screen.getByTestId('connect-saferpay')).toHaveTextContent('Waiting for Saferpay…');
    expect(screen.getByTestId('connect-saferpay')).toBeDisabled();
    expect(screen.getByTestId('connect-xero')).toBeEnabled();
  });

  it('shows no connect button at all to a role that may not connect', () => {
    const providers = providerRegistry({ xero: { connecting: false } });
    render(<AvailableProviders endpoints={[]} connections={[]} providers={providers} onConnect={vi.fn()} canConnect={false} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(6);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows a provider’s own panel inside its card, and sends Okta to the settings instead of a connect button', () => {
    const providers = providerRegistry(
      { xero: { connecting: false } },
      { gocardless: <p>token form</p>, saferpay: <p>credentials form</p> },
    );
    render(<AvailableProviders endpoints={[]} connections={[]} providers={providers} onConnect={vi.fn()} canConnect />);
    expect(within(screen.getByTestId('provider-gocardless')).getByText('token form')).toBeInTheDocument();
    expect(within(screen.getByTestId('provider-saferpay')).getByText('credentials form')).toBeInTheDocument();
    expect(screen.queryByTestId('connect-gocardless'), 'a panel replaces the connect button').not.toBeInTheDocument();
    expect(within(screen.getByTestId('provider-okta')).getByText(/Settings → Sign-in and security/)).toBeInTheDocument();
    expect(within(screen.getByTestId('provider-okta')).queryByRole('button')).not.toBeInTheDocument();
    expect(
      screen.getByText(/^Xero, GoCardless and Saferpay can be connected now\. OKX and OpenAI arrive with their integrations/),
      'the note names what can be connected and what is still to come',
    ).toBeInTheDocument();
  });
});
