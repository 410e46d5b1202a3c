import { Card } from '../components/ui/Card';
import { PageHeader } from '../components/ui/PageHeader';
import { QueryView } from '../components/ui/QueryView';
import { ProfileBadge } from '../features/app/ProfileBadge';
import { useAppInfo } from '../features/app/useAppInfo';
import { AuditTrail, VerifyAuditButton } from '../features/audit/AuditTrail';
import { providerLabel } from '../features/connections/providers';
import { SettlementMappingCard } from '../features/directdebit/SettlementMappingCard';
import { SessionSettingsCard } from '../features/session/SessionSettingsCard';
import { ThemeSelector } from '../features/theme/ThemeSelector';
import { useOrganisations } from '../features/xero/organisations/useOrganisations';

const th = 'py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400';

export default function SettingsRoute() {
  const info = useAppInfo();
  const organisations = useOrganisations();
  return (
    <div data-testid="page-settings" className="space-y-6">
      <PageHeader title="Settings" description="Appearance, sign-in, environment and the audit trail of this installation." />

      <Card title="Appearance">
        <ThemeSelector />
      </Card>

      <SessionSettingsCard />

      <SettlementMappingCard organisations={organisations} />

      <Card title="Environment">
        <QueryView query={info} loadingLabel="Loading environment…" errorTitle="Could not load the environment">
          {(data) => (
            <div className="space-y-5">
              <dl className="grid gap-4 text-sm sm:grid-cols-2">
                <div>
                  <dt className="text-zinc-500 dark:text-zinc-400">Profile</dt>
                  <dd className="mt-1">
                    <ProfileBadge profile={data.profile} />
                  </dd>
                </div>
                <div>
                  <dt className="text-zinc-500 dark:text-zinc-400">Version</dt>
                  <dd className="mt-1 font-medium tabular-nums">{data.version}</dd>
                </div>
                <div>
                  <dt className="text-zinc-500 dark:text-zinc-400">Data folder</dt>
                  <dd className="mt-1 font-mono text-xs break-all" data-testid="data-dir">{data.dataDir}</dd>
                </div>
                <div>
                  <dt className="text-zinc-500 dark:text-zinc-400">Log folder</dt>
                  <dd className="mt-1 font-mono text-xs break-all" data-testid="log-dir">{data.logDir}</dd>
                </div>
              </dl>
              <table className="w-full text-sm" aria-label="Provider endpoints">
                <thead className="border-b border-zinc-200 dark:border-zinc-800">
                  <tr>
                    <th scope="col" className={th}>Provider</th>
                    <th scope="col" className={th}>Base URL</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {data.endpoints.map((e) => (
                    <tr key={e.provider}>
                      <td className="py-2 font-medium">{providerLabel(e.provider)}</td>
                      <td className="py-2 font-mono text-xs break-all">{e.baseUrl}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </Card>

      <Card
        title="Audit trail"
        description="Every change is appended to a hash chain; verifying recomputes it end to end."
        actions={<VerifyAuditButton />}
      >
        <AuditTrail />
      </Card>
    </div>
  );
}
