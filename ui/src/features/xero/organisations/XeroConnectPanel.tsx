import { Card } from '../../../components/ui/Card';
import { ErrorPanel } from '../../../components/ui/ErrorPanel';
import { buttonClass } from '../../../components/ui/styles';
import { OrganisationPicker } from './OrganisationPicker';
import type { useConnectXero } from './useOrganisations';

/** The steps after "Connect Xero": waiting for the browser sign-in, then the organisation picker. */
export function XeroConnectPanel({ connect }: { connect: ReturnType<typeof useConnectXero> }) {
  if (connect.isIdle) return null;
  return (
    <Card title="Connect Xero">
      {connect.isPending ? (
        <div role="status" aria-live="polite" data-testid="connect-waiting" className="flex items-center gap-3 text-sm">
          <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-accent-600 border-t-transparent" />
          <span>
            Waiting for you to sign in to Xero in your browser… This page continues by itself once Xero sends you back.
          </span>
        </div>
      ) : null}
      {connect.isError ? (
        <div className="space-y-3">
          <ErrorPanel
            error={connect.error}
            title="Could not connect Xero"
            onRetry={() => connect.mutate()}
            retrying={connect.isPending}
          />
          <button type="button" className={buttonClass('ghost')} onClick={() => connect.reset()}>
            Close
          </button>
        </div>
      ) : null}
      {connect.isSuccess ? (
        <OrganisationPicker result={connect.data} onDone={() => connect.reset()} onCancel={() => connect.reset()} />
      ) : null}
    </Card>
  );
}
