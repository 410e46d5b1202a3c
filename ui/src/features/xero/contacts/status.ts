import type { BadgeTone } from '../../../components/ui/Badge';

export const CONTACT_STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  ACTIVE: { tone: 'success', label: 'Active' },
  ARCHIVED: { tone: 'neutral', label: 'Archived' },
  GDPRREQUEST: { tone: 'warning', label: 'GDPR request' },
};

export function contactStatusLabel(status: string): string {
  return CONTACT_STATUS[status]?.label ?? status;
}
