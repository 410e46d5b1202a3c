// Shared by VirtualTable and the feature tables that define its columns.
import { createColumnHelper, rowSortingFeature, tableFeatures, type RowData } from '@tanstack/react-table';

export const listFeatures = tableFeatures({ rowSortingFeature });
export type ListFeatures = typeof listFeatures;

/** Column helper for a VirtualTable over `TData`; column ids of sortable columns are the sort values Rust knows. */
export const listColumnHelper = <TData extends RowData>() => createColumnHelper<ListFeatures, TData>();

export const ROW_HEIGHT = 40;

/** What a list route hands its table: the loaded rows and the paging state of the query behind them. */
export interface PagedRows<TRow> {
  rows: TRow[];
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
}

/** The props every feature table (invoices, contacts, bank transactions) takes. */
export interface PagedTableProps<TRow, TSort extends string> extends PagedRows<TRow> {
  sort: TSort;
  descending: boolean;
  onSort: (sort: TSort, descending: boolean) => void;
  onOpen: (row: TRow) => void;
}

