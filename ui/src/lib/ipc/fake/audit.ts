// The fake audit log.
import { fixtures } from './fixtures';
import type { CommandHandlers } from './handlers';

export function auditHandlers(): CommandHandlers {
  return {
    list_audit_events: () => structuredClone(fixtures.auditEvents),
    verify_audit_log: () => structuredClone(fixtures.auditVerification),
  };
}
