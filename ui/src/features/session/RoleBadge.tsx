import { Badge, type BadgeTone } from '../../components/ui/Badge';
import type { Role } from '../../lib/bindings';
import { roleLabel } from './roles';

const TONES: Record<Role, BadgeTone> = { owner: 'accent', accountant: 'success', viewer: 'neutral' };

export function RoleBadge({ role }: { role: Role | null }) {
  return (
    <span data-testid="session-role">
      <Badge tone={role ? TONES[role] : 'warning'} title={role ? undefined : 'Your Okta groups give you no role'}>
        {roleLabel(role)}
      </Badge>
    </span>
  );
}
