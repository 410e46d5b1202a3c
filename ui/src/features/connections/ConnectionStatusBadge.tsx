import { Badge, type BadgeTone } from '../../components/ui/Badge';
import type { ConnectionStatus } from '../../lib/bindings';

const STATUS: Record<ConnectionStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  reconnect_needed: { tone: 'warning', label: 'Reconnect needed' },
  disconnected: { tone: 'neutral', label: 'Disconnected' },
};

export function ConnectionStatusBadge({ status }: { status: ConnectionStatus }) {
  const { tone, label } = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
