import { statusBadge } from '../../components/ui/statusBadge';
import type { ConnectionStatus } from '../../lib/bindings';

const connectionStatus = statusBadge<ConnectionStatus>(
  {
    active: { tone: 'success', label: 'Active' },
    reconnect_needed: { tone: 'warning', label: 'Reconnect needed' },
    disconnected: { tone: 'neutral', label: 'Disconnected' },
  },
  { codeAsTitle: false },
);

export const ConnectionStatusBadge = connectionStatus.StatusBadge;
