import { Card } from '../components/ui/Card';
import { PageHeader } from '../components/ui/PageHeader';
import { CollectionsTable } from '../features/directdebit/CollectionsTable';

export default function DirectDebitRoute() {
  return (
    <div data-testid="page-direct-debit" className="space-y-6">
      <PageHeader
        title="Direct debit"
        description="Invoices collected by SEPA direct debit through GoCardless or Saferpay, each followed to the bank."
      />
      <Card title="Collections">
        <CollectionsTable />
      </Card>
    </div>
  );
}
