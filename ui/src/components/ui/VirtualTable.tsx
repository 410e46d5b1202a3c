import { useTable, type ColumnDef, type RowData, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';

import { listFeatures as features, ROW_HEIGHT, type ListFeatures, type PagedTableProps } from './listTable';


interface VirtualTableProps<TRow extends RowData, TSort extends string> extends PagedTableProps<TRow, TSort> {
  /** Accessible name of the table, e.g. "Invoices". */
  label: string;
  /** Plural noun for "Loading more …". */
  noun: string;
  /** Test ids: `<prefix>-scroll`, `<prefix>-row-<rowTestId(row)>`. */
  testIdPrefix: string;
  // The column values differ per column; `any` is what TanStack's own `columns()` helper returns.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: Array<ColumnDef<ListFeatures, TRow, any>>;
  /** Tailwind grid template of the header and every row (one track per column). */
  grid: string;
  /** Tailwind min-width of the table, so narrow windows scroll sideways instead of squashing. */
  minWidth: string;
  /** Column ids shown right-aligned with tabular digits. */
  numeric?: ReadonlySet<string>;
  /** Column id shown in medium weight (the row's "name"). */
  emphasis?: string;
  getRowId: (row: TRow) => string;
  rowTestId: (row: TRow) => string;
}

const NONE: ReadonlySet<string> = new Set();
/** Start loading the next page this many rows before the loaded ones run out. */
const PREFETCH_ROWS = 50;

/**
 * Only the rows in view (plus a few) exist in the DOM, so 100k rows scroll like 100. Sorting happens in
 * Rust (manualSorting); Table supplies the header state and the toggles. Columns with `enableSorting: false`
 * get a plain header.
 */
export function VirtualTable<TRow extends RowData, TSort extends string>(props: VirtualTableProps<TRow, TSort>) {
  const { rows, total, sort, descending, onSort, hasNextPage, isFetchingNextPage, fetchNextPage, onOpen } = props;
  const { label, noun, testIdPrefix, columns, grid, minWidth, numeric = NONE, emphasis, getRowId, rowTestId } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = rows.length + (hasNextPage ? 1 : 0);
  // TanStack Virtual keeps its own state outside React; the compiler must not memoise around it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? -1;
  // Table builds row models for the rendered window only: appending page 500 must not rebuild 100k rows.
  const windowRows = useMemo(
    () => rows.slice(firstIndex, Math.min(rows.length, lastIndex + 1)),
    [rows, firstIndex, lastIndex],
  );
  const sorting: SortingState = [{ id: sort, desc: descending }];
  const table = useTable({
    features,
    columns,
    data: windowRows,
    getRowId,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first) onSort(first.id as TSort, first.desc);
    },
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
  });
  const windowed = table.getRowModel().rows;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - PREFETCH_ROWS) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastIndex, rows.length, fetchNextPage]);

  // Roving focus: one row is tabbable; arrows move it, Enter opens it.
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  useEffect(() => {
    if (!focusPending.current) return;
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
    if (element) {
      focusPending.current = false;
      element.focus();
    }
  });

  function moveTo(index: number) {
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    focusPending.current = true;
    setActive(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  }

  function onRowKeyDown(event: KeyboardEvent, index: number, row: TRow) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      moveTo(target);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(row);
    }
  }

  return (
    <div
      ref={scrollRef}
      data-testid={`${testIdPrefix}-scroll`}
      className="h-[min(70vh,44rem)] overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800"
    >
      <table aria-label={label} aria-rowcount={total + 1} className={`grid w-full ${minWidth}`}>
        <thead className="sticky top-0 z-10 grid border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1} className={grid}>
              {group.headers.map((header) => {
                const isNumeric = numeric.has(header.column.id);
                const align = isNumeric ? 'text-right' : 'text-left';
                const thClass = `px-3 py-2 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400 ${align}`;
                if (!header.column.getCanSort()) {
                  return (
                    <th key={header.id} scope="col" className={thClass}>
                      <table.FlexRender header={header} />
                    </th>
                  );
                }
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    className={thClass}
                  >
                    <button
                      type="button"
                      data-testid={`sort-${header.column.id}`}
                      onClick={header.column.getToggleSortingHandler()}
                      className={`focus-ring inline-flex items-center gap-1 rounded-sm uppercase ${isNumeric ? 'flex-row-reverse' : ''}`}
                    >
                      <table.FlexRender header={header} />
                      <span aria-hidden="true" className="w-3 text-zinc-400">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="relative grid" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = windowed[item.index - firstIndex];
            if (!row) {
              return (
                <tr
                  key="loading"
                  className="absolute flex w-full items-center px-3 text-sm text-zinc-500"
                  style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                >
                  <td role="status">Loading more {noun}…</td>
                </tr>
              );
            }
            const record = row.original;
            return (
              <tr
                key={row.id}
                data-index={item.index}
                data-testid={`${testIdPrefix}-row-${rowTestId(record)}`}
                aria-rowindex={item.index + 2}
                tabIndex={item.index === activeIndex ? 0 : -1}
                onClick={() => onOpen(record)}
                onFocus={() => setActive(item.index)}
                onKeyDown={(e) => onRowKeyDown(e, item.index, record)}
                className={`${grid} absolute w-full cursor-pointer items-center border-b border-zinc-100 text-sm outline-none hover:bg-zinc-50 focus-visible:bg-accent-50 focus-visible:ring-2 focus-visible:ring-accent-500 focus-visible:ring-inset dark:border-zinc-800 dark:hover:bg-zinc-800/50 dark:focus-visible:bg-accent-950/40`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                {row.getAllCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={`truncate px-3 ${numeric.has(cell.column.id) ? 'text-right tabular-nums' : ''} ${cell.column.id === emphasis ? 'font-medium' : ''}`}
                  >
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
