import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Organisation, Role } from '../../lib/bindings';
import { formatDateTime } from '../../lib/format';
import { makeSession, organisationFor, rejectWith, ROLE_GROUPS } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const SESSION_COMMANDS = new Set(['session_status', 'sign_in', 'cancel_sign_in', 'sign_out', 'lock_session']);

const signedOut = makeSession({ state: 'signed_out' });

describe('route guard', () => {
  it('sends a signed-out visitor of /dashboard to /login without reading the books', async () => {
    const { router, fake } = renderApp('/dashboard', { session: signedOut });
    expect(await screen.findByTestId('sign-in')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(screen.queryByTestId('page-dashboard')).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
    // The login page may ask about the session only: nothing from the store or the providers.
    expect(fake.calls.filter((c) => !SESSION_COMMANDS.has(c.cmd))).toEqual([]);
  });

  it('shows a quiet loading state while the session status is on its way', async () => {
    renderApp('/dashboard', { backend: { session_status: () => new Promise(() => {}) } });
    expect(await screen.findByTestId('session-loading')).toHaveTextContent('Checking your sign-in…');
    expect(screen.queryByTestId('page-dashboard')).not.toBeInTheDocument();
  });

  it('sends someone whose Okta groups give no role to /unauthorized, which lists the groups per role', async () => {
    const { router, fake } = renderApp('/dashboard', { session: makeSession({ role: null }) });
    const page = await screen.findByTestId('page-unauthorized');
    expect(router.state.location.pathname).toBe('/unauthorized');
    expect(fake.callsTo('db_info')).toBe(0);
    expect(within(page).getByTestId('unauthorized-user')).toHaveTextContent('Ada Lovelace (ada@example.com)');
    expect(within(page).getByTestId('no-role')).toHaveTextContent('Your Okta groups give you no role');
    expect(within(page).getByTestId('role-group-viewer')).toHaveTextContent(
      'Ask your Okta administrator to add you to xp-viewers to become viewer.',
    );
    expect(within(page).getByTestId('role-group-owner')).toHaveTextContent(
      'add you to xp-owners or finance-admins to become owner.',
    );
    expect(within(page).getByTestId('role-group-accountant')).toHaveTextContent('Export data');
    expect(within(page).getByTestId('sign-out-button')).toBeInTheDocument();
    expect(within(page).queryByRole('link', { name: 'Back to dashboard' })).not.toBeInTheDocument();
    expect(screen.getByTestId('session-role')).toHaveTextContent('No role');

    // Every other page stays out of reach.
    await router.navigate('/settings');
    await waitFor(() => expect(router.state.location.pathname).toBe('/unauthorized'));
  });

  it('offers the way back to the dashboard on /unauthorized to someone who may read', async () => {
    renderApp('/unauthorized', { session: makeSession({ role: 'viewer' }) });
    const page = await screen.findByTestId('page-unauthorized');
    expect(within(page).getByRole('link', { name: 'Back to dashboard' })).toHaveAttribute('href', '/dashboard');
    expect(within(page).getByTestId('session-role')).toHaveTextContent('Viewer');
  });

  it('refetches the session when a query fails with sign_in_required, and follows it to /login', async () => {
    let session = makeSession();
    const { router, fake } = renderApp('/dashboard', {
      backend: {
        session_status: () => session,
        db_info: () => {
          // Rust ended the session (grace over) between the session check and this read.
          session = makeSession({ state: 'grace_expired' });
          return rejectWith({ code: 'sign_in_required', message: 'Sign in to continue.' });
        },
      },
    });
    expect(await screen.findByTestId('grace-expired')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(fake.callsTo('session_status')).toBe(2);
  });

  it('drops cached data from the books once the session closes', async () => {
    const { user, queryClient } = renderApp('/dashboard', { session: makeSession() });
    await screen.findByTestId('store-info');
    await user.click(screen.getByTestId('lock-button'));
    expect(await screen.findByText('Xero Partner is locked')).toBeInTheDocument();
    await waitFor(() =>
      expect(queryClient.getQueryCache().findAll().map((q) => q.queryKey)).toEqual([['session']]),
    );
  });
});

describe('login page', () => {
  it('names the Okta issuer; Sign in calls sign_in and waits for the browser; Cancel calls cancel_sign_in', async () => {
    const { user, fake } = renderApp('/login', { session: signedOut });
    expect(await screen.findByTestId('okta-issuer')).toHaveTextContent(
      'Signs in with Okta at https://example.okta.com/oauth2/default',
    );
    await user.click(screen.getByTestId('sign-in'));
    expect(await screen.findByTestId('sign-in-waiting')).toHaveTextContent('Finish signing in in your browser…');
    expect(fake.callsTo('sign_in')).toBe(1);
    expect(screen.queryByTestId('sign-in')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('cancel-sign-in'));
    expect(await screen.findByTestId('sign-in')).toBeInTheDocument();
    expect(fake.callsTo('cancel_sign_in')).toBe(1);
    expect(screen.queryByTestId('sign-in-waiting')).not.toBeInTheDocument();
  });

  it('returns to the page first asked for when session-changed reports the sign-in done', async () => {
    const { user, router, fake } = renderApp('/settings', { session: signedOut });
    await user.click(await screen.findByTestId('sign-in'));
    await screen.findByTestId('sign-in-waiting');
    expect(router.state.location.pathname).toBe('/login');

    await fake.changeSession(makeSession({ role: 'accountant' }));
    expect(await screen.findByTestId('page-settings')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/settings');
    expect(screen.getByTestId('session-role')).toHaveTextContent('Accountant');
  });

  it('explains a locked app; the button still signs in', async () => {
    renderApp('/login', { session: makeSession({ state: 'locked' }) });
    expect(await screen.findByRole('heading', { name: 'Xero Partner is locked' })).toBeInTheDocument();
    expect(screen.getByText('Sign in again to see your data.')).toBeInTheDocument();
    expect(screen.getByTestId('sign-in')).toHaveTextContent('Sign in with Okta');
  });

  it('explains an expired offline grace period with the allowed number of days', async () => {
    renderApp('/login', { session: makeSession({ state: 'grace_expired', offlineGraceDays: 5 }) });
    const explanation = await screen.findByTestId('grace-expired');
    expect(explanation).toHaveTextContent('offline for longer than the allowed 5 days since the last online check');
    expect(explanation).toHaveTextContent('Connect to the internet');
    expect(screen.getByTestId('sign-in')).toBeInTheDocument();
  });

  it('announces why the last sign-in failed', async () => {
    const message = 'Okta refused the sign-in: the user is not assigned to this app.';
    renderApp('/login', { session: makeSession({ state: 'signed_out', message }) });
    const shown = await screen.findByTestId('login-message');
    expect(shown).toHaveTextContent(message);
    expect(shown).toHaveAttribute('role', 'alert');
  });

  it('shows a message that only explains a state as a status, not an alert', async () => {
    renderApp('/login', { session: makeSession({ state: 'locked', message: 'Locked after 15 minutes idle.' }) });
    const shown = await screen.findByTestId('login-message');
    expect(shown).toHaveAttribute('role', 'status');
  });

  it('shows the error when sign_in itself fails', async () => {
    const { user } = renderApp('/login', {
      session: signedOut,
      backend: { sign_in: () => rejectWith({ code: 'offline', message: 'Okta cannot be reached.' }) },
    });
    await user.click(await screen.findByTestId('sign-in'));
    expect(await screen.findByTestId('login-message')).toHaveTextContent('Okta cannot be reached.');
    expect(screen.getByRole('alert')).toBe(screen.getByTestId('login-message'));
  });

  it('says an owner must configure Okta when it is not configured', async () => {
    renderApp('/login', { session: makeSession({ state: 'signed_out', oktaConfigured: false, oktaIssuer: null }) });
    expect(await screen.findByText('Sign-in is not configured.')).toBeInTheDocument();
    expect(screen.getByText(/An owner must set the Okta issuer and client id in the config file/)).toBeInTheDocument();
    expect(screen.queryByTestId('sign-in')).not.toBeInTheDocument();
  });
});

describe('top bar', () => {
  it.each<[Role, string]>([
    ['owner', 'Owner'],
    ['accountant', 'Accountant'],
    ['viewer', 'Viewer'],
  ])('shows the %s role as "%s" next to the user', async (role, label) => {
    renderApp('/dashboard', { session: makeSession({ role }) });
    expect(await screen.findByTestId('session-role')).toHaveTextContent(label);
    const name = screen.getByTestId('session-user');
    expect(name).toHaveTextContent('Ada Lovelace');
    expect(name).toHaveAttribute('title', 'ada@example.com');
  });

  it('in single-user mode shows the badge and neither Lock nor Sign out', async () => {
    renderApp('/dashboard');
    const badge = await screen.findByTestId('single-user-badge');
    expect(badge).toHaveTextContent('Single-user mode');
    expect(badge).toHaveAttribute(
      'title',
      'No sign-in: anyone using this computer account acts as owner. Change in Settings.',
    );
    expect(screen.getByTestId('session-role')).toHaveTextContent('Owner');
    expect(screen.queryByTestId('lock-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('sign-out-button')).not.toBeInTheDocument();
  });

  it('in Okta mode offers Lock and Sign out and no single-user badge', async () => {
    renderApp('/dashboard', { session: makeSession() });
    expect(await screen.findByTestId('lock-button')).toHaveTextContent('Lock');
    expect(screen.getByTestId('sign-out-button')).toHaveTextContent('Sign out');
    expect(screen.queryByTestId('single-user-badge')).not.toBeInTheDocument();
    expect(screen.queryByTestId('offline-session-badge')).not.toBeInTheDocument();
  });

  it('shows until when an offline session stays open', async () => {
    const offlineUntil = '2026-11-30T09:00:00Z';
    renderApp('/dashboard', { session: makeSession({ offline: true, offlineUntil }) });
    expect(await screen.findByTestId('offline-session-badge')).toHaveTextContent(
      `Offline — signed in until ${formatDateTime(offlineUntil)}`,
    );
  });

  it('Lock locks and shows the login page; signing in again returns to the same page', async () => {
    const { user, router, fake } = renderApp('/settings', { session: makeSession() });
    await user.click(await screen.findByTestId('lock-button'));
    expect(await screen.findByText('Xero Partner is locked')).toBeInTheDocument();
    expect(fake.callsTo('lock_session')).toBe(1);
    expect(router.state.location.pathname).toBe('/login');

    await user.click(screen.getByTestId('sign-in'));
    await fake.changeSession(makeSession());
    expect(await screen.findByTestId('page-settings')).toBeInTheDocument();
  });

  it('Sign out signs out without asking and goes to /login', async () => {
    const { user, router, fake } = renderApp('/settings', { session: makeSession() });
    await user.click(await screen.findByTestId('sign-out-button'));
    expect(await screen.findByTestId('sign-in')).toBeInTheDocument();
    expect(fake.callsTo('sign_out')).toBe(1);
    expect(router.state.location.pathname).toBe('/login');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

const ORGS: Organisation[] = [organisationFor('tenant-uk', 'Demo Company (UK)')];

describe('what a role may do', () => {
  it('hides connecting and disconnecting from a viewer', async () => {
    renderApp('/connections', {
      session: makeSession({ role: 'viewer' }),
      backend: { list_organisations: () => ORGS },
    });
    await screen.findByTestId('org-row-org-tenant-uk');
    expect(await screen.findByTestId('provider-xero')).toBeInTheDocument();
    expect(screen.queryByTestId('connect-xero')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Connect / })).not.toBeInTheDocument();
    expect(screen.queryByTestId('disconnect-org-tenant-uk')).not.toBeInTheDocument();
    expect(screen.getByTestId('connections-owner-only')).toHaveTextContent(
      'Only an owner can connect or disconnect organisations.',
    );
  });

  it('shows connecting and disconnecting to an owner', async () => {
    renderApp('/connections', { session: makeSession({ role: 'owner' }), backend: { list_organisations: () => ORGS } });
    expect(await screen.findByTestId('connect-xero')).toHaveTextContent('Connect Xero');
    expect(await screen.findByTestId('disconnect-org-tenant-uk')).toBeInTheDocument();
    expect(screen.queryByTestId('connections-owner-only')).not.toBeInTheDocument();
  });

  it('follows the permissions Rust sends, not the role name', async () => {
    // A deployment where accountants may manage connections: the UI must not second-guess it.
    const session = makeSession({ role: 'accountant' });
    session.permissions = [...(ROLE_GROUPS[1]?.permissions ?? []), 'manage_connections'];
    renderApp('/connections', { session });
    expect(await screen.findByTestId('connect-xero')).toBeInTheDocument();
  });

  it('offers the way to /unauthorized when Rust answers forbidden', async () => {
    const { user, router } = renderApp('/connections', {
      session: makeSession({ role: 'viewer' }),
      backend: {
        list_organisations: () => ORGS,
        sync_now: () => rejectWith({ code: 'forbidden', message: 'Syncing needs the accountant or owner role.' }),
      },
    });
    await user.click(await screen.findByTestId('sync-now-org-tenant-uk'));
    const panel = await screen.findByTestId('error-panel');
    expect(panel).toHaveTextContent('Syncing needs the accountant or owner role.');
    await user.click(within(panel).getByTestId('forbidden-link'));
    expect(await screen.findByTestId('page-unauthorized')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/unauthorized');
  });
});
