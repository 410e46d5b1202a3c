import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

import type { FilterCodec } from './filters';

/**
 * A list's filters, kept in the URL's search params so Back and deep links restore them. Changes replace the
 * history entry: filtering is not navigation.
 */
export function useUrlFilters<TFilters>(codec: FilterCodec<TFilters, unknown>): [TFilters, (next: TFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => codec.parse(params), [codec, params]);
  const onChange = useCallback((next: TFilters) => setParams(codec.toParams(next), { replace: true }), [codec, setParams]);
  return [filters, onChange];
}
