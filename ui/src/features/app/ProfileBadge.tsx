import { Badge } from '../../components/ui/Badge';
import type { Profile } from '../../lib/bindings';

export function ProfileBadge({ profile }: { profile: Profile }) {
  return profile === 'sandbox' ? (
    <Badge tone="warning" title="Talking to sandbox endpoints; no real money moves">
      SANDBOX
    </Badge>
  ) : (
    <Badge tone="accent" title="Talking to live provider endpoints">
      PRODUCTION
    </Badge>
  );
}
