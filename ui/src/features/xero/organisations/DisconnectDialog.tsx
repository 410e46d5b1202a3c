import { Dialog } from '../../../components/ui/Dialog';
import { ErrorPanel } from '../../../components/ui/ErrorPanel';
import { buttonClass } from '../../../components/ui/styles';
import type { Organisation } from '../../../lib/bindings';
import { useDisconnectOrganisation } from './useOrganisations';

interface DisconnectDialogProps {
  organisation: Organisation;
  onClose: () => void;
}

/** Asks whether the cached invoices stay on this computer before disconnecting. */
export function DisconnectDialog({ organisation, onClose }: DisconnectDialogProps) {
  const disconnect = useDisconnectOrganisation();
  const run = (eraseData: boolean) =>
    disconnect.mutate({ organisationId: organisation.id, eraseData }, { onSuccess: onClose });
  return (
    <Dialog
      title={`Disconnect ${organisation.name}?`}
      testId="disconnect-dialog"
      onClose={onClose}
      actions={
        <>
          <button type="button" className={buttonClass('ghost')} onClick={onClose} disabled={disconnect.isPending}>
            Cancel
          </button>
          <button
            type="button"
            data-testid="disconnect-keep-data"
            className={buttonClass('secondary')}
            disabled={disconnect.isPending}
            onClick={() => run(false)}
          >
            Disconnect, keep data
          </button>
          <button
            type="button"
            data-testid="disconnect-erase-data"
            className={buttonClass('secondary', 'text-red-700 dark:text-red-400')}
            disabled={disconnect.isPending}
            onClick={() => run(true)}
          >
            Disconnect and erase data
          </button>
        </>
      }
    >
      <p>The app stops syncing this organisation and forgets its Xero access.</p>
      <p className="mt-2">
        <strong className="font-medium text-zinc-800 dark:text-zinc-200">Keep data</strong> leaves the invoices
        already synced readable on this computer. <strong className="font-medium text-zinc-800 dark:text-zinc-200">Erase data</strong>{' '}
        deletes them from the local store; nothing changes in Xero.
      </p>
      {disconnect.isError ? (
        <div className="mt-3">
          <ErrorPanel error={disconnect.error} title="Could not disconnect" />
        </div>
      ) : null}
    </Dialog>
  );
}
