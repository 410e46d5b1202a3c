import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { emitConnectivityChanged, emitNavigate, makeSession } from '../lib/ipc/testing';
import { renderApp } from '../test/renderApp';

const PAGES: Array<[path: string, testId: string, heading: string]> = [
  ['/dashboard', 'page-dashboard', 'Dashboard'],
  ['/transactions', 'page-transactions', 'Transactions'],
  ['/transactions/abc', 'page-transaction-detail', 'Transaction'],
  ['/invoices', 'page-invoices', 'Invoices'],
  ['/invoices/org-1/inv-1', 'page-invoice-detail', 'Invoice'],
  ['/contacts', 'page-contacts', 'Contacts'],
  ['/contacts/org-1/contact-1', 'page-contact-detail', 'Contact'],
  ['/bank-transactions', 'page-bank-transactions', 'Bank transactions'],
  ['/bank-transactions/org-1/bt-1', 'page-bank-transaction-detail', 'Bank transaction'],
  ['/connections', 'page-connections', 'Connections'],
  ['/settings', 'page-settings', 'Settings'],
  ['/unauthorized', 'page-unauthorized', 'Not allowed'],
  ['/no/such/page', 'page-not-found', 'Page not found'],
];

describe('routes', () => {
  it.each(PAGES)('%s renders %s with an <h1>', async (path, testId, heading) => {
    renderApp(path);
    const page = await screen.findByTestId(testId);
    expect(within(page).getByRole('heading', { level: 1 })).toHaveTextContent(heading);
  });

  it('redirects / to /dashboard', async () => {
    const { router } = renderApp('/');
    expect(await screen.findByTestId('page-dashboard')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/dashboard');
  });

  it('wraps every page except login in the frame with real nav links', async () => {
    renderApp('/transactions');
    await screen.findByTestId('page-transactions');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Dashboard', '/dashboard'],
      ['Transactions', '/transactions'],
      ['Invoices', '/invoices'],
      ['Contacts', '/contacts'],
      ['Bank transactions', '/bank-transactions'],
      ['Direct debit', '/direct-debit'],
      ['Connections', '/connections'],
      ['Settings', '/settings'],
    ]);
    expect(within(nav).getByRole('link', { name: 'Transactions' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByText('Xero Partner')).toBeInTheDocument();
  });

  it('renders login with an <h1> and without the frame when nobody is signed in', async () => {
    renderApp('/login', { session: makeSession({ state: 'signed_out' }) });
    const page = await screen.findByTestId('page-login');
    expect(within(page).getByRole('heading', { level: 1 })).toHaveTextContent('Xero Partner');
    expect(await screen.findByTestId('sign-in')).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
  });

  it('sends a signed-in visitor of /login on to the dashboard', async () => {
    const { router } = renderApp('/login');
    expect(await screen.findByTestId('page-dashboard')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/dashboard');
  });

  it('navigates by sidebar link clicks', async () => {
    const { user } = renderApp('/dashboard');
    await screen.findByTestId('page-dashboard');
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    expect(await screen.findByTestId('page-settings')).toBeInTheDocument();
  });

  it('follows navigate events from Rust (deep links)', async () => {
    const { router } = renderApp('/dashboard');
    await screen.findByTestId('page-dashboard');
    // The frame subscribes in an effect, so the listener may not exist yet: emit until the route changes.
    await waitFor(async () => {
      await emitNavigate('/transactions/tx-42');
      expect(router.state.location.pathname).toBe('/transactions/tx-42');
    });
    expect(await screen.findByTestId('page-transaction-detail')).toBeInTheDocument();
    expect(screen.getByTestId('transaction-id')).toHaveTextContent('tx-42');
  });

  it('shows the profile badge and warnings from app_info', async () => {
    renderApp('/dashboard', {
      backend: {
        app_info: () => ({
          version: '2.0.0',
          profile: 'sandbox',
          dataDir: '/d',
          logDir: '/l',
          vault: 'plaintext_file',
          endpoints: [],
          warnings: ['Secrets are stored in plaintext at /d/secrets.json'],
        }),
      },
    });
    expect(await screen.findByTestId('profile-badge')).toHaveTextContent('SANDBOX');
    expect(await screen.findByTestId('warnings-banner')).toHaveTextContent(
      'Secrets are stored in plaintext at /d/secrets.json',
    );
    expect(await screen.findByTestId('secrets-warning')).toBeInTheDocument();
  });

  it('shows the offline indicator when the browser goes offline', async () => {
    renderApp('/dashboard');
    await screen.findByTestId('page-dashboard');
    expect(screen.getByTestId('online-indicator')).toHaveTextContent('Online');
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      window.dispatchEvent(new Event('offline'));
      expect(await screen.findByText('Offline — showing cached data')).toBeInTheDocument();
    } finally {
      // Remove the own-property override so the prototype getter applies again.
      delete (navigator as unknown as Record<string, unknown>).onLine;
    }
  });

  it('shows offline when Rust reports the providers stopped answering, and online again when they answer', async () => {
    renderApp('/dashboard');
    await screen.findByTestId('page-dashboard');
    const indicator = screen.getByTestId('online-indicator');
    await waitFor(() => expect(indicator).toHaveTextContent('Online'));
    await emitConnectivityChanged({ online: false, unreachableHosts: ['api.xero.com'], checkedAt: '2026-11-23T09:00:00Z' });
    await waitFor(() => expect(indicator).toHaveTextContent('Offline — showing cached data'));
    expect(indicator).toHaveAttribute('title', 'No answer from api.xero.com');
    await emitConnectivityChanged({ online: true, unreachableHosts: [], checkedAt: '2026-11-23T09:01:00Z' });
    await waitFor(() => expect(indicator).toHaveTextContent('Online'));
  });
});
