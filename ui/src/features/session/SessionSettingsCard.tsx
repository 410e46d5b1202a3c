import { Card } from '../../components/ui/Card';
import { Fact } from '../../components/ui/Fact';
import { Loading } from '../../components/ui/Loading';
import type { SessionStatus } from '../../lib/bindings';
import { describeGraceDays, describeIdleLock, MODE_LABELS } from './sessionSettings';
import { ProposedSignInNotice } from './ProposedSignInNotice';
import { SessionSettingsForm } from './SessionSettingsForm';
import { useCan, useSession } from './useSession';

/** What everyone may see: the current settings, as facts. */
function SessionSettingsFacts({ status }: { status: SessionStatus }) {
  return (
    <dl className="grid gap-4 sm:grid-cols-2">
      <Fact label="Idle lock" testId="idle-lock-summary">
        {describeIdleLock(status.idleLockMinutes)}
      </Fact>
      <Fact label="Works offline for" testId="offline-grace-summary">
        {describeGraceDays(status.offlineGraceDays)} after the last online check
      </Fact>
    </dl>
  );
}

export function SessionSettingsCard() {
  const status = useSession().data;
  const canManage = useCan('manage_sign_in');
  return (
    <div data-testid="session-settings">
      <Card
        title="Sign-in and security"
        description="How people sign in to this installation, when it locks, and how long it works offline."
      >
        {status ? (
          <div className="space-y-5">
            <p className="text-sm text-zinc-700 dark:text-zinc-300">
              Current mode:{' '}
              <strong data-testid="session-mode" className="font-medium text-zinc-900 dark:text-zinc-100">
                {MODE_LABELS[status.mode]}
              </strong>
            </p>
            <ProposedSignInNotice status={status} canManage={canManage} />
            {canManage ? (
              <SessionSettingsForm status={status} />
            ) : (
              <>
                <SessionSettingsFacts status={status} />
                <p data-testid="session-settings-read-only" className="text-sm text-zinc-500 dark:text-zinc-400">
                  Your role cannot change these settings.
                </p>
              </>
            )}
          </div>
        ) : (
          <Loading label="Loading sign-in settings…" lines={2} />
        )}
      </Card>
    </div>
  );
}
