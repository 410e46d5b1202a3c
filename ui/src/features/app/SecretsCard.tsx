import { Badge } from '../../components/ui/Badge';
import { Card } from '../../components/ui/Card';
import { QueryView } from '../../components/ui/QueryView';
import type { VaultStatus } from '../../lib/bindings';
import { useAppInfo } from './useAppInfo';

function VaultDescription({ vault }: { vault: VaultStatus }) {
  switch (vault) {
    case 'keychain':
      return (
        <div className="space-y-2">
          <Badge tone="success">Secure</Badge>
          <p className="text-sm">Stored in the OS keychain</p>
        </div>
      );
    case 'plaintext_file':
      return (
        <div className="space-y-2" data-testid="secrets-warning">
          <Badge tone="warning">Warning</Badge>
          <p className="text-sm text-amber-800 dark:text-amber-300">
            Stored in a plaintext file because no OS keychain is available. Anyone who can read your home folder can
            read them; install or unlock a keychain and restart the app.
          </p>
        </div>
      );
    case 'memory':
      return (
        <div className="space-y-2">
          <Badge>Test mode</Badge>
          <p className="text-sm">In memory (test mode)</p>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">Secrets are forgotten when the app closes.</p>
        </div>
      );
  }
}

export function SecretsCard() {
  const info = useAppInfo();
  return (
    <Card title="Secrets" description="Where tokens and the store key are kept.">
      <QueryView query={info} loadingLabel="Loading vault status…" errorTitle="Could not read the vault status">
        {(data) => <VaultDescription vault={data.vault} />}
      </QueryView>
    </Card>
  );
}
