import { createContext, useContext } from 'react';

import type { SyncProgress, SyncState } from '../../lib/bindings';
import { formatCount } from '../../lib/format';

/** The latest event of each resource of one organisation, in the order the resources first reported. */
export interface OrganisationSync {
  organisationId: string;
  organisationName: string;
  resources: SyncProgress[];
}

const TERMINAL: ReadonlySet<SyncState> = new Set(['done', 'failed', 'cancelled']);

export function isActive(sync: OrganisationSync): boolean {
  return sync.resources.some((r) => !TERMINAL.has(r.state));
}

export function isAllDone(sync: OrganisationSync): boolean {
  return sync.resources.length > 0 && sync.resources.every((r) => r.state === 'done');
}

/** Folds one `sync-progress` event into the per-organisation state. Pure, so it is tested without React. */
export function applyProgress(state: OrganisationSync[], event: SyncProgress): OrganisationSync[] {
  const index = state.findIndex((s) => s.organisationId === event.organisationId);
  const current = state[index];
  if (!current) {
    return [
      ...state,
      { organisationId: event.organisationId, organisationName: event.organisationName, resources: [event] },
    ];
  }
  const previous = current.resources.find((r) => r.resource === event.resource);
  // A resource that finished reporting again while nothing else runs is the start of the next sync.
  const newRun = previous !== undefined && TERMINAL.has(previous.state) && !TERMINAL.has(event.state) && !isActive(current);
  const resources = newRun
    ? [event]
    : previous
      ? current.resources.map((r) => (r.resource === event.resource ? event : r))
      : [...current.resources, event];
  const next = { organisationId: event.organisationId, organisationName: event.organisationName, resources };
  return state.map((s, i) => (i === index ? next : s));
}

export interface SyncProgressValue {
  organisations: OrganisationSync[];
  /** True while any organisation has a resource running or paused. */
  active: boolean;
  /** Forget organisations whose sync has finished. */
  clearFinished: () => void;
}

export const SyncProgressContext = createContext<SyncProgressValue | null>(null);

export function useSyncProgress(): SyncProgressValue {
  const value = useContext(SyncProgressContext);
  if (!value) throw new Error('useSyncProgress must be used inside <SyncProgressProvider>');
  return value;
}

/** Pages when the total is known, else items, else nothing (indeterminate). */
export function progressOf(p: SyncProgress): { value: number; max: number; text: string } | null {
  if (p.pageCount !== null && p.pageCount > 0) {
    return { value: p.pagesDone, max: p.pageCount, text: `page ${formatCount(p.pagesDone)} of ${formatCount(p.pageCount)}` };
  }
  if (p.itemCount !== null && p.itemCount > 0) {
    return { value: p.itemsDone, max: p.itemCount, text: `${formatCount(p.itemsDone)} of ${formatCount(p.itemCount)}` };
  }
  return null;
}

