import { EmptyState } from '../../components/ui/EmptyState';
import { ForbiddenLink } from '../../components/ui/ForbiddenLink';
import { QueryView } from '../../components/ui/QueryView';
import { buttonClass, numericCell } from '../../components/ui/styles';
import { formatCount, formatDateTime } from '../../lib/format';
import { AUDIT_PAGE_SIZE, useAuditEvents, useVerifyAuditLog } from './useAudit';

const th = 'px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400';
const td = 'px-3 py-2 text-sm';

export function VerifyAuditButton() {
  const verify = useVerifyAuditLog();
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        className={buttonClass('secondary')}
        disabled={verify.isPending}
        onClick={() => verify.mutate()}
      >
        {verify.isPending ? 'Verifying…' : 'Verify audit chain'}
      </button>
      <span role="status" aria-live="polite" className="text-sm">
        {verify.isSuccess ? (
          <span className="font-medium text-emerald-700 dark:text-emerald-400">
            Chain intact: {formatCount(verify.data.entries)} entries
          </span>
        ) : null}
        {verify.isError ? (
          <span className="font-medium text-red-700 dark:text-red-400">{verify.error.message}</span>
        ) : null}
      </span>
      {verify.isError ? <ForbiddenLink error={verify.error} className="text-sm" /> : null}
    </div>
  );
}

export function AuditTrail() {
  const events = useAuditEvents();
  return (
    <QueryView query={events} loadingLabel="Loading audit trail…" errorTitle="Could not load the audit trail">
      {(rows) =>
        rows.length === 0 ? (
          <EmptyState title="No audit entries yet">
            Changes such as connecting a provider or rotating a key are recorded here.
          </EmptyState>
        ) : (
          <div className="-mx-5 overflow-x-auto">
            <table className="w-full" aria-label="Audit trail">
              <caption className="sr-only">Latest {AUDIT_PAGE_SIZE} audit entries, newest first</caption>
              <thead className="border-b border-zinc-200 dark:border-zinc-800">
                <tr>
                  <th scope="col" className={`${th} pl-5 text-right`}>#</th>
                  <th scope="col" className={th}>Time</th>
                  <th scope="col" className={th}>Actor</th>
                  <th scope="col" className={th}>Action</th>
                  <th scope="col" className={`${th} pr-5`}>Subject</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((e) => (
                  <tr key={e.seq}>
                    <td className={`${td} ${numericCell} pl-5 text-zinc-500`}>{e.seq}</td>
                    <td className={`${td} whitespace-nowrap`}>
                      <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                    </td>
                    <td className={td}>{e.actor}</td>
                    <td className={`${td} font-mono text-xs`}>{e.action}</td>
                    <td className={`${td} pr-5`}>{e.subject}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryView>
  );
}
