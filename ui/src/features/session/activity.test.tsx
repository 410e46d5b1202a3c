import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { makeSession } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const START = new Date('2026-11-23T10:00:00Z');

afterEach(() => {
  vi.useRealTimers();
});

/** Lets pending IPC promises settle, so a call that should not happen would have been recorded. */
const settle = () => new Promise((resolve) => window.setTimeout(resolve, 20));

describe('activity reporter', () => {
  it('reports input to Rust at most once per 30 seconds', async () => {
    // Only the clock is faked: the throttle reads Date.now(), while Testing Library keeps its real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START);
    const { fake } = renderApp('/dashboard', { session: makeSession({ idleLockMinutes: 15 }) });
    await screen.findByTestId('page-dashboard');
    expect(fake.callsTo('session_activity')).toBe(0);

    fireEvent.keyDown(document.body, { key: 'a' });
    await waitFor(() => expect(fake.callsTo('session_activity')).toBe(1));

    vi.setSystemTime(START.getTime() + 10_000);
    fireEvent.pointerDown(document.body);
    fireEvent.wheel(document.body);
    vi.setSystemTime(START.getTime() + 29_999);
    fireEvent.keyDown(document.body, { key: 'b' });
    await settle();
    expect(fake.callsTo('session_activity')).toBe(1);

    vi.setSystemTime(START.getTime() + 30_000);
    fireEvent.wheel(document.body);
    fireEvent.keyDown(document.body, { key: 'c' });
    await waitFor(() => expect(fake.callsTo('session_activity')).toBe(2));
    await settle();
    expect(fake.callsTo('session_activity')).toBe(2);
  });

  it('reports nothing when the idle lock is off', async () => {
    const { fake } = renderApp('/dashboard', { session: makeSession({ idleLockMinutes: 0 }) });
    await screen.findByTestId('page-dashboard');
    fireEvent.keyDown(document.body, { key: 'a' });
    fireEvent.pointerDown(document.body);
    await settle();
    expect(fake.callsTo('session_activity')).toBe(0);
  });

  it('reports nothing while nobody is signed in', async () => {
    const { fake } = renderApp('/login', { session: makeSession({ state: 'signed_out' }) });
    await screen.findByTestId('sign-in');
    fireEvent.keyDown(document.body, { key: 'a' });
    await settle();
    expect(fake.callsTo('session_activity')).toBe(0);
  });
});
