import { statusBadge } from '../../../components/ui/statusBadge';

export const contactStatus = statusBadge<string>({
  ACTIVE: { tone: 'success', label: 'Active' },
  ARCHIVED: { tone: 'neutral', label: 'Archived' },
  GDPRREQUEST: { tone: 'warning', label: 'GDPR request' },
});

export const contactStatusLabel = contactStatus.label;
