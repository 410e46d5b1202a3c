import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { buttonClass } from '../../components/ui/styles';
import type { ProposedSignIn, RoleGroups, SessionStatus } from '../../lib/bindings';
import { useAdoptProposedSignIn } from './useSession';

const ROLE_LABELS: Record<RoleGroups['role'], string> = { owner: 'Owner', accountant: 'Accountant', viewer: 'Viewer' };

function groupsOf(list: RoleGroups[], role: RoleGroups['role']): string {
  const groups = list.find((g) => g.role === role)?.groups ?? [];
  return groups.length > 0 ? groups.join(', ') : 'no group';
}

/** The lines where the file's proposal differs from the settings in force. */
function differences(status: SessionStatus, proposal: ProposedSignIn): { what: string; now: string; proposed: string }[] {
  const rows: { what: string; now: string; proposed: string }[] = [];
  if (proposal.oktaIssuer !== status.oktaIssuer) {
    rows.push({ what: 'Okta issuer', now: status.oktaIssuer ?? 'none', proposed: proposal.oktaIssuer ?? 'none' });
  }
  for (const role of ['owner', 'accountant', 'viewer'] as const) {
    const now = groupsOf(status.roleGroups, role);
    const proposed = groupsOf(proposal.roleGroups, role);
    if (now !== proposed) rows.push({ what: `${ROLE_LABELS[role]} groups`, now, proposed });
  }
  return rows;
}

/**
 * The configuration file names other sign-in settings than those pinned at setup. Rust keeps the pinned ones in force;
 * everyone sees that a change is waiting, and an owner may adopt it (a new issuer signs everyone out).
 */
export function ProposedSignInNotice({ status, canManage }: { status: SessionStatus; canManage: boolean }) {
  const adopt = useAdoptProposedSignIn();
  const proposal = status.proposedSignIn;
  if (!proposal) return null;
  const rows = differences(status, proposal);
  return (
    <div
      data-testid="proposed-sign-in"
      className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40"
    >
      <p className="font-medium text-amber-900 dark:text-amber-100">The configuration file proposes other sign-in settings</p>
      <p className="mt-1 text-amber-800 dark:text-amber-200">
        The settings chosen at setup stay in force until an owner adopts the change.
      </p>
      {rows.length > 0 ? (
        <table className="mt-3 w-full text-left">
          <thead className="text-amber-900/80 dark:text-amber-100/80">
            <tr>
              <th className="py-1 pr-3 font-medium">Setting</th>
              <th className="py-1 pr-3 font-medium">In force</th>
              <th className="py-1 font-medium">Proposed</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.what} data-testid="proposed-sign-in-row">
                <td className="py-1 pr-3">{r.what}</td>
                <td className="py-1 pr-3 font-mono">{r.now}</td>
                <td className="py-1 font-mono">{r.proposed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-2 text-amber-800 dark:text-amber-200">The Okta client id differs.</p>
      )}
      {canManage ? (
        <div className="mt-3 space-y-3">
          {proposal.oktaIssuer !== status.oktaIssuer ? (
            <p className="text-amber-800 dark:text-amber-200">Adopting a new issuer signs everyone out.</p>
          ) : null}
          <button
            type="button"
            data-testid="adopt-proposed-sign-in"
            className={buttonClass('primary')}
            disabled={adopt.isPending}
            onClick={() => adopt.mutate()}
          >
            {adopt.isPending ? 'Adopting…' : 'Adopt these settings'}
          </button>
          {adopt.isError ? <ErrorPanel error={adopt.error} title="Could not adopt the sign-in settings" /> : null}
        </div>
      ) : (
        <p className="mt-3 text-amber-800 dark:text-amber-200">Only an owner can adopt it.</p>
      )}
    </div>
  );
}
