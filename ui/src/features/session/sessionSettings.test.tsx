import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { makeSession, rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

async function openSettings(...args: Parameters<typeof renderApp>) {
  const view = renderApp(...args);
  const section = await screen.findByTestId('session-settings');
  return { ...view, section };
}

describe('sign-in and security settings', () => {
  it('are read-only for a role without manage_sign_in', async () => {
    const { section } = await openSettings('/settings', { session: makeSession({ role: 'viewer' }) });
    expect(within(section).getByTestId('session-mode')).toHaveTextContent('Okta sign-in');
    expect(within(section).getByTestId('idle-lock-summary')).toHaveTextContent('After 15 minutes without activity');
    expect(within(section).getByTestId('offline-grace-summary')).toHaveTextContent('7 days');
    expect(within(section).getByTestId('session-settings-read-only')).toBeInTheDocument();
    expect(within(section).queryByTestId('mode-okta')).not.toBeInTheDocument();
    expect(within(section).queryByTestId('idle-lock-minutes')).not.toBeInTheDocument();
    expect(within(section).queryByTestId('save-session-settings')).not.toBeInTheDocument();
    expect(within(section).queryAllByRole('textbox')).toHaveLength(0);
  });

  it('show single-user mode by its name and keep Okta unavailable while it is not configured', async () => {
    const { section } = await openSettings('/settings');
    expect(within(section).getByTestId('session-mode')).toHaveTextContent('Single-user mode (no sign-in)');
    expect(within(section).getByTestId('mode-single-user')).toBeChecked();
    const okta = within(section).getByTestId('mode-okta');
    expect(okta).toBeDisabled();
    expect(okta).toHaveAccessibleDescription(/Okta is not configured/);
  });

  it('validate the numbers before saving, then send them', async () => {
    const { user, fake, section } = await openSettings('/settings', { session: makeSession() });
    const idle = within(section).getByTestId('idle-lock-minutes');
    const grace = within(section).getByTestId('offline-grace-days');
    const save = within(section).getByTestId('save-session-settings');
    expect(within(section).getByTestId('mode-okta')).toBeChecked();
    expect(idle).toHaveValue(15);
    expect(save).toBeDisabled();

    await user.clear(idle);
    await user.type(idle, '1441');
    expect(within(section).getByTestId('idle-lock-minutes-error')).toHaveTextContent(
      'Enter whole minutes from 0 (never lock) to 1440 (24 hours).',
    );
    expect(idle).toHaveAttribute('aria-invalid', 'true');
    await user.clear(grace);
    await user.type(grace, '0');
    expect(within(section).getByTestId('offline-grace-days-error')).toHaveTextContent('Enter whole days from 1 to 30.');
    expect(save).toBeDisabled();
    await user.clear(grace);
    await user.type(grace, '31');
    expect(within(section).getByTestId('offline-grace-days-error')).toBeInTheDocument();

    await user.clear(idle);
    await user.type(idle, '0');
    await user.clear(grace);
    await user.type(grace, '30');
    expect(within(section).queryByTestId('idle-lock-minutes-error')).not.toBeInTheDocument();
    expect(within(section).queryByTestId('offline-grace-days-error')).not.toBeInTheDocument();
    await user.click(save);

    await waitFor(() => expect(fake.callsTo('update_session_settings')).toBe(1));
    expect(fake.calls.find((c) => c.cmd === 'update_session_settings')?.args).toEqual({
      settings: { mode: 'okta', idleLockMinutes: 0, offlineGraceDays: 30 },
    });
    expect(await within(section).findByText('Saved.')).toBeInTheDocument();
    expect(save).toBeDisabled();
  });

  it('ask before switching to single-user mode and send the switch only once confirmed', async () => {
    const { user, fake, section } = await openSettings('/settings', { session: makeSession() });
    await user.click(within(section).getByTestId('mode-single-user'));
    await user.click(within(section).getByTestId('save-session-settings'));
    const dialog = await screen.findByRole('dialog', { name: 'Switch to single-user mode?' });
    expect(dialog).toHaveTextContent('everyone using this computer account will act as owner without signing in');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.callsTo('update_session_settings')).toBe(0);

    await user.click(within(section).getByTestId('save-session-settings'));
    await user.click(await screen.findByTestId('confirm-single-user'));
    await waitFor(() => expect(fake.callsTo('update_session_settings')).toBe(1));
    expect(fake.calls.find((c) => c.cmd === 'update_session_settings')?.args).toEqual({
      settings: { mode: 'single_user', idleLockMinutes: 15, offlineGraceDays: 7 },
    });
    expect(await within(section).findByTestId('session-mode')).toHaveTextContent('Single-user mode (no sign-in)');
    expect(screen.getByTestId('single-user-badge')).toBeInTheDocument();
  });

  it('save other changes in Okta mode without asking', async () => {
    const { user, fake, section } = await openSettings('/settings', { session: makeSession() });
    const idle = within(section).getByTestId('idle-lock-minutes');
    await user.clear(idle);
    await user.type(idle, '30');
    await user.click(within(section).getByTestId('save-session-settings'));
    await waitFor(() => expect(fake.callsTo('update_session_settings')).toBe(1));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('show what Rust answers when it refuses the settings', async () => {
    const { user, section } = await openSettings('/settings', {
      session: makeSession(),
      backend: {
        update_session_settings: () =>
          rejectWith({ code: 'invalid_input', message: 'The idle lock must be at most 24 hours.' }),
      },
    });
    const grace = within(section).getByTestId('offline-grace-days');
    await user.clear(grace);
    await user.type(grace, '3');
    await user.click(within(section).getByTestId('save-session-settings'));
    expect(await within(section).findByTestId('error-panel')).toHaveTextContent(
      'The idle lock must be at most 24 hours.',
    );
  });
});

describe('sign-in settings the configuration file proposes', () => {
  const proposal = (issuer: string | null) => ({
    oktaIssuer: issuer,
    clientId: '0oa-new',
    roleGroups: [
      { role: 'owner' as const, groups: ['Everyone'], permissions: [] },
      { role: 'accountant' as const, groups: ['xp-accountants'], permissions: [] },
      { role: 'viewer' as const, groups: ['xp-viewers'], permissions: [] },
    ],
  });

  it('are shown to everyone as a waiting change that only an owner can adopt', async () => {
    const session = makeSession({ role: 'viewer', proposedSignIn: proposal('https://example.okta.com/oauth2/default') });
    const { section } = await openSettings('/settings', { session });
    const notice = within(section).getByTestId('proposed-sign-in');
    const rows = within(notice).getAllByTestId('proposed-sign-in-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('Owner groups');
    expect(rows[0]).toHaveTextContent('xp-owners, finance-admins');
    expect(rows[0]).toHaveTextContent('Everyone');
    expect(within(notice).queryByTestId('adopt-proposed-sign-in')).not.toBeInTheDocument();
    expect(notice).toHaveTextContent('Only an owner can adopt it.');
  });

  it('are adopted by an owner, who is told a new issuer signs everyone out', async () => {
    const session = makeSession({ proposedSignIn: proposal('https://other.okta.com/oauth2/default') });
    const { user, fake, section } = await openSettings('/settings', { session });
    const notice = within(section).getByTestId('proposed-sign-in');
    expect(within(notice).getAllByTestId('proposed-sign-in-row')[0]).toHaveTextContent('Okta issuer');
    expect(notice).toHaveTextContent('Adopting a new issuer signs everyone out.');
    await user.click(within(notice).getByTestId('adopt-proposed-sign-in'));
    await waitFor(() => expect(fake.callsTo('adopt_proposed_sign_in')).toBe(1));
    expect(await screen.findByRole('button', { name: /sign in/i })).toBeInTheDocument();
  });
});
