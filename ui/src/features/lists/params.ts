// URL helpers shared by the list filters (invoices, contacts, bank transactions).

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^-?\d+(\.\d+)?$/;

export const isValidDate = (text: string) => DATE.test(text);
export const isValidAmount = (text: string) => AMOUNT.test(text.trim());

/** A trimmed, non-empty search param that passes `valid`, else null. */
export function textParam(params: URLSearchParams, key: string, valid?: (value: string) => boolean): string | null {
  const value = params.get(key)?.trim();
  if (!value) return null;
  return valid && !valid(value) ? null : value;
}

/** The repeated values of `key` that are in `known`, in `known`'s order (so one choice is always one query). */
export function listParam<T extends string>(params: URLSearchParams, key: string, known: readonly T[]): T[] {
  const chosen = new Set(params.getAll(key));
  return known.filter((value) => chosen.has(value));
}

/** `yes` → true, `no` → false, anything else → null ("any"). */
export const fromYesNo = (value: string | null): boolean | null => (value === 'yes' ? true : value === 'no' ? false : null);

export const yesNoParam = (params: URLSearchParams, key: string): boolean | null => fromYesNo(params.get(key));

export const yesNo = (value: boolean | null): string | null => (value === null ? null : value ? 'yes' : 'no');

/** Sets `key` only when there is a value, so default filters keep the URL plain. */
export function setParam(params: URLSearchParams, key: string, value: string | null): void {
  if (value) params.set(key, value);
}

/** `sort` and `dir` as kept in the URL; both are left out while the sort is the default. */
export function parseSort<TSort extends string>(
  params: URLSearchParams,
  known: readonly TSort[],
  fallback: { sort: TSort; descending: boolean },
): { sort: TSort; descending: boolean } {
  const sort = params.get('sort');
  const found = known.find((k) => k === sort);
  return {
    sort: found ?? fallback.sort,
    descending: params.has('sort') ? params.get('dir') === 'desc' : fallback.descending,
  };
}

export function setSort<TSort extends string>(
  params: URLSearchParams,
  current: { sort: TSort; descending: boolean },
  fallback: { sort: TSort; descending: boolean },
): void {
  if (current.sort !== fallback.sort || current.descending !== fallback.descending) {
    params.set('sort', current.sort);
    params.set('dir', current.descending ? 'desc' : 'asc');
  }
}
