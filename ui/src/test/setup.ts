import '@testing-library/jest-dom/vitest';

import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';

import { resetFakeBackend } from '../lib/ipc/testing';

// jsdom has no matchMedia; the theme code asks it for prefers-color-scheme. Tests start in a light system theme.
function installMatchMedia(matches = false): void {
  window.matchMedia = (query: string): MediaQueryList =>
    ({
      matches,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

beforeEach(() => {
  installMatchMedia(false);
  window.localStorage.clear();
  document.documentElement.className = '';
});

afterEach(async () => {
  cleanup();
  // A listener whose component unmounted while it was still subscribing unsubscribes as soon as the subscription
  // resolves; let that happen while the fake event bus still exists, or it throws into the next test.
  await new Promise((resolve) => setTimeout(resolve, 0));
  resetFakeBackend();
});
