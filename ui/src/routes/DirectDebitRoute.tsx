import { Card } from '../components/ui/Card';
import { PageHeader } from '../components/ui/PageHeader';
import { CollectionsTable } from '../features/directdebit/CollectionsTable';
import { MandatesTable } from '../features/directdebit/MandatesTable';
import { NeedsAttention } from '../features/directdebit/NeedsAttention';
import { PayoutsTable } from '../features/directdebit/PayoutsTable';
import { SyncGoCardless } from '../features/gocardless/SyncGoCardless';
import { SyncSaferpay } from '../features/saferpay/SyncSaferpay';

export default function DirectDebitRoute() {
  return (
    <div data-testid="page-direct-debit" className="space-y-6">
      <PageHeader
        title="Direct debit"
        description="Invoices collected by SEPA direct debit through GoCardless or Saferpay, each followed to the bank."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <SyncGoCardless />
            <SyncSaferpay />
          </div>
        }
      />
      <NeedsAttention />
      <Card title="Collections">
        <CollectionsTable />
      </Card>
      <Card title="Mandates" description="The authorisations customers gave to debit their bank account.">
        <MandatesTable />
      </Card>
      <Card title="Payouts" description="What GoCardless paid into your bank account, with the fees it kept.">
        <PayoutsTable />
      </Card>
    </div>
  );
}
