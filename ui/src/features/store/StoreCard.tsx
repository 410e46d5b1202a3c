import { Badge } from '../../components/ui/Badge';
import { Card } from '../../components/ui/Card';
import { QueryView } from '../../components/ui/QueryView';
import { numericCell } from '../../components/ui/styles';
import { formatBytes, formatCount } from '../../lib/format';
import { useDbInfo } from './useDbInfo';

export function StoreCard({ className }: { className?: string }) {
  const db = useDbInfo();
  return (
    <Card
      title="Local store"
      description="Everything synced is kept in an encrypted database on this computer."
      actions={db.data ? <Badge tone="success">Encrypted</Badge> : null}
      className={className}
    >
      <QueryView query={db} loadingLabel="Loading store information…" errorTitle="Could not open the local store">
        {(info) => (
          <div data-testid="store-info" className="space-y-4">
            <dl className="grid grid-cols-3 gap-4 text-sm">
              <div>
                <dt className="text-zinc-500 dark:text-zinc-400">Encryption</dt>
                <dd className="mt-0.5 font-medium">SQLCipher {info.cipherVersion}</dd>
              </div>
              <div>
                <dt className="text-zinc-500 dark:text-zinc-400">Schema version</dt>
                <dd className="mt-0.5 font-medium tabular-nums" data-testid="schema-version">
                  {info.schemaVersion}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500 dark:text-zinc-400">File size</dt>
                <dd className="mt-0.5 font-medium tabular-nums">{formatBytes(info.fileBytes)}</dd>
              </div>
            </dl>
            <table className="w-full text-sm" aria-label="Table row counts">
              <thead>
                <tr className="border-b border-zinc-200 text-xs tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
                  <th scope="col" className="py-1.5 text-left font-medium">Table</th>
                  <th scope="col" className="py-1.5 text-right font-medium">Rows</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {info.tables.map((t) => (
                  <tr key={t.name}>
                    <td className="py-1.5 font-mono text-xs">{t.name}</td>
                    <td className={`py-1.5 ${numericCell}`}>{formatCount(t.rows)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </Card>
  );
}
