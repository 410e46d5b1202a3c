import { useMutation, useQuery } from '@tanstack/react-query';

import { listAuditEvents, verifyAuditLog } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

export const AUDIT_PAGE_SIZE = 50;

export function useAuditEvents(limit = AUDIT_PAGE_SIZE) {
  return useQuery({ queryKey: [...queryKeys.auditEvents, limit], queryFn: () => listAuditEvents(limit) });
}

export function useVerifyAuditLog() {
  return useMutation({ mutationFn: verifyAuditLog });
}
