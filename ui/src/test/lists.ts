// Helpers for the tests of the list pages (invoices, contacts, bank transactions): the fake backend they page
// through, the queries they sent, and the steps every list test takes.
import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, expect, vi } from 'vitest';

import type { Organisation } from '../lib/bindings';
import { organisationFor, pageOf, type CommandHandler, type CommandHandlers, type CommandName, type FakeBackend } from '../lib/ipc/testing';
import type { renderApp } from './renderApp';

export type User = ReturnType<typeof renderApp>['user'];
/** One user action in a table of filter cases. */
export type Act = (user: User) => Promise<void>;

/** Two connected organisations, so the lists show and the organisation filter has a choice. */
export const ORGS: Organisation[] = [organisationFor('tenant-uk', 'Demo Company (UK)'), organisationFor('tenant-nz', 'Demo Company (NZ)')];

interface Paging {
  offset: number;
  limit: number;
}

/**
 * A backend with ORGS connected whose `command` pages through `rows` the way Rust does; a query that `noMatch`
 * accepts gets an empty page instead.
 */
export function pagedBackend<TQuery extends Paging>(
  command: CommandName,
  rows: unknown[],
  noMatch: (query: TQuery) => boolean = () => false,
): CommandHandlers {
  const page: CommandHandler = (args) => {
    const { query } = args as { query: TQuery };
    return noMatch(query) ? { rows: [], total: 0 } : pageOf(rows, query);
  };
  return { list_organisations: () => ORGS, [command]: page };
}

/**
 * One list command under test: `backend(count)` pages through `count` made-up rows, `queries` are the queries the
 * command was sent (oldest first) and `lastQuery` the latest of them.
 */
export function listCommand<TQuery extends Paging>(command: CommandName, makeRows: (count: number) => unknown[]) {
  const queries = (fake: FakeBackend) =>
    fake.calls.filter((c) => c.cmd === command).map((c) => (c.args as { query: TQuery }).query);
  return {
    backend: (count: number) => pagedBackend(command, makeRows(count)),
    queries,
    lastQuery: (fake: FakeBackend) => queries(fake).at(-1),
  };
}

/** Gives every element a viewport for each test, so the virtualizer has rows to fill; jsdom lays nothing out. */
export function stubTableViewport(height = 600): void {
  beforeEach(() => {
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(height);
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1200);
  });
}

/** Sets an input's value in one go (a date input cannot be typed into in jsdom). */
export const change =
  (testId: string, value: string): Act =>
  () =>
    Promise.resolve(void fireEvent.change(screen.getByTestId(testId), { target: { value } }));

export const typeInSearch = (user: User, text: string) => user.type(screen.getByTestId('filter-search'), text);

/** Waits for the row count of a list and checks it, e.g. expectCount('invoice-count', '1,234'). */
export async function expectCount(testId: string, text: string): Promise<void> {
  expect(await screen.findByTestId(testId)).toHaveTextContent(text);
}

/** The aria-sort of the column whose sort button has `testId`. */
export function expectAriaSort(testId: string, sort: 'ascending' | 'descending' | 'none'): void {
  expect(screen.getByTestId(testId).closest('th')).toHaveAttribute('aria-sort', sort);
}

/** The table announces all `total` rows but renders only those in view (600 px / 40 px rows plus overscan). */
export function expectOnlyRowsInView(tableName: string, total: number): HTMLElement {
  const table = screen.getByRole('table', { name: tableName });
  expect(table).toHaveAttribute('aria-rowcount', String(total + 1));
  const rendered = within(table).getAllByRole('row').length - 1;
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(40);
  return table;
}

/** Scrolls the list's table (`<prefix>-scroll`) to put row `row` (40 px each) at the top. */
export function scrollToRow(prefix: string, row: number): void {
  const scroller = screen.getByTestId(`${prefix}-scroll`);
  scroller.scrollTop = row * 40;
  fireEvent.scroll(scroller);
}

/** Checks the "No … match these filters" state and presses its Clear filters button. */
export async function clearFiltersWhenNothingMatches(user: User, title: string): Promise<void> {
  const empty = await screen.findByTestId('empty-state');
  expect(empty).toHaveTextContent(title);
  await user.click(within(empty).getByRole('button', { name: 'Clear filters' }));
}

/** Runs `body` with the browser offline, then puts navigator.onLine back. */
export async function whileOffline(body: () => Promise<void>): Promise<void> {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  try {
    await body();
  } finally {
    delete (navigator as unknown as Record<string, unknown>).onLine;
  }
}
