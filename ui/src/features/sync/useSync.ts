import { useMutation } from '@tanstack/react-query';

import { cancelSync, syncNow } from '../../lib/ipc';

/** Starts a background sync of one organisation, or of all of them with `null`. */
export function useSyncNow() {
  return useMutation({ mutationFn: (organisationId: string | null) => syncNow(organisationId) });
}

export function useCancelSync() {
  return useMutation({ mutationFn: cancelSync });
}
