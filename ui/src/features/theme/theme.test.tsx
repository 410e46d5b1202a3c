import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderApp } from '../../test/renderApp';
import { resolveTheme, THEME_STORAGE_KEY } from './theme';

describe('theme', () => {
  it('the top-bar toggle adds and removes the dark class and persists the choice', async () => {
    const { user } = renderApp('/dashboard');
    const root = document.documentElement;
    expect(root).not.toHaveClass('dark');

    await user.click(await screen.findByRole('button', { name: 'Switch to dark theme' }));
    expect(root).toHaveClass('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');

    await user.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(root).not.toHaveClass('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });

  it('restores a stored choice on start', async () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    renderApp('/dashboard');
    await screen.findByTestId('page-dashboard');
    expect(document.documentElement).toHaveClass('dark');
  });

  it('the settings selector offers light, dark and system', async () => {
    const { user } = renderApp('/settings');
    await user.click(await screen.findByRole('radio', { name: 'Dark' }));
    expect(document.documentElement).toHaveClass('dark');
    await user.click(screen.getByRole('radio', { name: 'System' }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('system');
    // The test setup reports a light system theme.
    expect(document.documentElement).not.toHaveClass('dark');
  });

  it('system follows prefers-color-scheme', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });
});
