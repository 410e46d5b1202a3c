import { useCallback, useMemo, type ComponentType } from 'react';
import { useNavigate } from 'react-router-dom';

import type { PagedTableProps } from '../../components/ui/listTable';
import { withoutFilters, type FilterCodec, type SortOrder } from './filters';
import type { FiltersBarProps } from './ListFiltersBar';
import { ListPage, type ListPageProps } from './ListPage';
import { PagedResults, type ResultsWording } from './PagedResults';
import { useUrlFilters } from './useUrlFilters';
import type { PagesResult } from './usePages';

/** Everything one list page has of its own; the wiring between the pieces is the same for all. */
export interface ListRouteProps<TFilters extends SortOrder<TSort>, TRow, TSort extends string> {
  page: Omit<ListPageProps, 'children'>;
  codec: FilterCodec<TFilters, unknown>;
  FiltersBar: ComponentType<FiltersBarProps<TFilters>>;
  /** The paged query for the filters; only called once an organisation is connected. */
  usePages: (filters: TFilters) => PagesResult<TRow>;
  results: ResultsWording;
  Table: ComponentType<PagedTableProps<TRow, TSort>>;
  /** Where opening a row leads, e.g. its detail page. */
  rowPath: (row: TRow) => string;
}

/**
 * A list of synced records: filters in the URL ↔ filter bar ↔ paged query ↔ sortable table whose rows open.
 * `usePages`, `FiltersBar` and `Table` must be module-level (the same on every render).
 */
export function ListRoute<TFilters extends SortOrder<TSort>, TRow, TSort extends string>({
  page,
  FiltersBar,
  ...list
}: ListRouteProps<TFilters, TRow, TSort>) {
  const [filters, onChange] = useUrlFilters(list.codec);
  return (
    <ListPage {...page}>
      {(organisations) => (
        <>
          <FiltersBar filters={filters} organisations={organisations} onChange={onChange} />
          <ListResults {...list} filters={filters} onChange={onChange} />
        </>
      )}
    </ListPage>
  );
}

interface ListResultsProps<TFilters extends SortOrder<TSort>, TRow, TSort extends string>
  extends Omit<ListRouteProps<TFilters, TRow, TSort>, 'page' | 'FiltersBar'> {
  filters: TFilters;
  onChange: (next: TFilters) => void;
}

function ListResults<TFilters extends SortOrder<TSort>, TRow, TSort extends string>({
  codec,
  usePages,
  results,
  Table,
  rowPath,
  filters,
  onChange,
}: ListResultsProps<TFilters, TRow, TSort>) {
  const navigate = useNavigate();
  const pages = usePages(filters);
  const tableKey = useMemo(() => JSON.stringify(codec.toQuery(filters, 0, 0)), [codec, filters]);
  const onSort = useCallback(
    (sort: TSort, descending: boolean) => onChange({ ...filters, sort, descending }),
    [filters, onChange],
  );
  const onOpen = useCallback((row: TRow) => void navigate(rowPath(row)), [navigate, rowPath]);

  return (
    <PagedResults
      pages={pages}
      {...results}
      filtered={codec.isActive(filters)}
      onClearFilters={() => onChange(withoutFilters(codec, filters))}
    >
      {(paged) => (
        <Table
          // A new query starts at the top of the list with the first row focusable.
          key={tableKey}
          {...paged}
          sort={filters.sort}
          descending={filters.descending}
          onSort={onSort}
          onOpen={onOpen}
        />
      )}
    </PagedResults>
  );
}
