// The tamper-evident audit log.
import type { AuditEvent, AuditVerification } from '../bindings';
import { call } from './call';

export function listAuditEvents(limit: number): Promise<AuditEvent[]> {
  return call<AuditEvent[]>('list_audit_events', { limit });
}

export function verifyAuditLog(): Promise<AuditVerification> {
  return call<AuditVerification>('verify_audit_log');
}
