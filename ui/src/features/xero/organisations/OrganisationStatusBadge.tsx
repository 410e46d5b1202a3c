import { Badge, type BadgeTone } from '../../../components/ui/Badge';
import type { OrganisationStatus } from '../../../lib/bindings';

const STATUS: Record<OrganisationStatus, { tone: BadgeTone; label: string; title?: string }> = {
  active: { tone: 'success', label: 'Active' },
  paused: {
    tone: 'warning',
    label: 'Daily API limit reached',
    title: 'Xero allows a fixed number of calls per day; syncing resumes automatically tomorrow.',
  },
  reconnect_needed: { tone: 'warning', label: 'Reconnect needed', title: 'Connect Xero again to renew access.' },
  disconnected: { tone: 'neutral', label: 'Disconnected' },
};

export function OrganisationStatusBadge({ status }: { status: OrganisationStatus }) {
  const { tone, label, title } = STATUS[status];
  return (
    <Badge tone={tone} title={title}>
      {label}
    </Badge>
  );
}
