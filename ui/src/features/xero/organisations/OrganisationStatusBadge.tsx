import { statusBadge } from '../../../components/ui/statusBadge';
import type { OrganisationStatus } from '../../../lib/bindings';

const organisationStatus = statusBadge<OrganisationStatus>(
  {
    active: { tone: 'success', label: 'Active' },
    paused: {
      tone: 'warning',
      label: 'Daily API limit reached',
      title: 'Xero allows a fixed number of calls per day; syncing resumes automatically tomorrow.',
    },
    reconnect_needed: { tone: 'warning', label: 'Reconnect needed', title: 'Connect Xero again to renew access.' },
    disconnected: { tone: 'neutral', label: 'Disconnected' },
  },
  // Our own status words, not a provider's code: nothing to reveal on hover.
  { codeAsTitle: false },
);

export const OrganisationStatusBadge = organisationStatus.StatusBadge;
