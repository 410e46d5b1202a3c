import { Link, useParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { Fact } from '../components/ui/Fact';
import { PageHeader } from '../components/ui/PageHeader';
import { QueryView } from '../components/ui/QueryView';
import { CancelCollection } from '../features/directdebit/CancelCollection';
import { CollectionAftercare } from '../features/directdebit/CollectionAftercare';
import { CollectionTimeline } from '../features/directdebit/CollectionTimeline';
import { collectionStatus, providerName } from '../features/directdebit/status';
import { useCollection } from '../features/directdebit/useCollections';
import { formatDate, formatMoney } from '../lib/format';

export default function CollectionDetailRoute() {
  const { collectionId = '' } = useParams();
  const detail = useCollection(collectionId);
  const StatusBadge = collectionStatus.StatusBadge;
  return (
    <div data-testid="page-collection-detail" className="space-y-6">
      <Link to="/direct-debit" className="focus-ring rounded-sm text-sm text-zinc-600 hover:underline dark:text-zinc-400">
        ← Direct debit
      </Link>
      <QueryView query={detail} loadingLabel="Loading the collection…" errorTitle="Could not load the collection">
        {({ collection: c, timeline }) => (
          <>
            <PageHeader
              title={`Collection of ${c.invoiceNumber ?? c.invoiceId}`}
              description={`${providerName(c.provider)} · mandate ${c.mandateId}`}
            />
            <Card title="Summary">
              <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-4">
                <Fact label="Amount" testId="collection-amount">
                  {formatMoney(c.amount, c.currency)}
                </Fact>
                <Fact label="Status">
                  <StatusBadge status={c.status} />
                </Fact>
                <Fact label="Charge date">{c.chargeDate ? formatDate(c.chargeDate) : 'Earliest possible'}</Fact>
                <Fact label="Provider payment">{c.providerPaymentId ?? 'Not sent yet'}</Fact>
              </dl>
              <div className="mt-4">
                <CancelCollection collection={c} />
                <CollectionAftercare collection={c} />
              </div>
            </Card>
            <Card title="Timeline">
              <CollectionTimeline events={timeline} />
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}
