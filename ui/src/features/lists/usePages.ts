import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export const PAGE_SIZE = 200;

export interface Page<TRow> {
  rows: TRow[];
  total: number;
}

/**
 * Pages of PAGE_SIZE rows, loaded on demand as a table scrolls. `queryKey` must hold everything that shapes the
 * query (the query at offset 0 does); `fetchPage` asks Rust for the page starting at `offset`.
 */
export function usePages<TRow>(queryKey: QueryKey, fetchPage: (offset: number, limit: number) => Promise<Page<TRow>>) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam, PAGE_SIZE),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.rows.length, 0);
      return last.rows.length > 0 && loaded < last.total ? loaded : undefined;
    },
    // Keep the old rows on screen while a new filter loads instead of flashing a skeleton.
    placeholderData: keepPreviousData,
  });
}

export type PagesResult<TRow> = ReturnType<typeof usePages<TRow>>;
