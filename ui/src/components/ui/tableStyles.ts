/** Header and body cells of the small, non-virtualized tables on detail pages. */
export const th = 'px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400';
export const td = 'px-3 py-2.5 text-sm';
