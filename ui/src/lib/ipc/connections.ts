// The providers the user connected, whatever the provider.
import type { ConnectionSummary } from '../bindings';
import { call } from './call';

export function listConnections(): Promise<ConnectionSummary[]> {
  return call<ConnectionSummary[]>('list_connections');
}
