import { Link, useParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { Fact } from '../components/ui/Fact';
import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass } from '../components/ui/styles';
import { ContactMandatesCard } from '../features/directdebit/ContactMandatesCard';
import { DetailPage } from '../features/lists/DetailPage';
import { SaferpayMandatesCard } from '../features/directdebit/SaferpayMandatesCard';
import { DetailTable, type DetailColumn } from '../features/lists/DetailTable';
import { ContactRoleBadges, ContactStatusBadge } from '../features/xero/contacts/ContactBadges';
import { useContact } from '../features/xero/contacts/useContacts';
import { xeroSource } from '../features/xero/source';
import type { ContactDetail } from '../lib/bindings';
import { formatCount, formatMoney } from '../lib/format';

/** ACCREC: sales invoices not yet paid, the contact owes you; ACCPAY: bills not yet paid, you owe them. */
const direction = (invoiceType: string) =>
  invoiceType === 'ACCREC' ? 'Owes you' : invoiceType === 'ACCPAY' ? 'You owe' : invoiceType;

const OUTSTANDING: Array<DetailColumn<ContactDetail['outstanding'][number]>> = [
  { header: 'Direction', className: 'font-medium', cell: (o) => direction(o.invoiceType) },
  { header: 'Currency', cell: (o) => o.currency },
  { header: 'Invoices', numeric: true, cell: (o) => formatCount(o.invoices) },
  { header: 'Amount', numeric: true, cell: (o) => formatMoney(o.amount, o.currency) },
];

function Detail({ detail }: { detail: ContactDetail }) {
  const { row } = detail;
  const invoices = `/invoices?${new URLSearchParams({ contact: row.contactId, contactName: row.name }).toString()}`;
  return (
    <>
      <PageHeader
        title={row.name}
        description={`Contact · ${detail.organisationName}`}
        actions={
          <Link to={invoices} data-testid="show-invoices" className={buttonClass('secondary')}>
            Show invoices
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="Summary">
          <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-4">
            <Fact label="Organisation">{detail.organisationName}</Fact>
            <Fact label="Email" testId="contact-email">
              {row.email && isPlainAddress(row.email) ? (
                <a href={`mailto:${row.email}`} className="focus-ring rounded-sm hover:underline">
                  {row.email}
                </a>
              ) : (
                (row.email ?? '—')
              )}
            </Fact>
            <Fact label="Contact number" testId="contact-number">{row.contactNumber ?? '—'}</Fact>
            <Fact label="Status">
              <ContactStatusBadge status={row.status} />
            </Fact>
            <Fact label="Roles">
              <ContactRoleBadges contact={row} />
            </Fact>
            <Fact label="Default currency">{row.defaultCurrency ?? '—'}</Fact>
            <Fact label="Invoices and bills" testId="contact-invoice-count">
              {formatCount(detail.invoiceCount)}
            </Fact>
          </dl>
        </Card>
        <Card title="Outstanding">
          <DetailTable
            label="Outstanding"
            testId="outstanding"
            rows={detail.outstanding}
            columns={OUTSTANDING}
            rowKey={(o) => `${o.invoiceType}/${o.currency}`}
            rowTestId={(o) => `outstanding-${o.invoiceType}-${o.currency}`}
            emptyText="Nothing outstanding."
          />
        </Card>
        <ContactMandatesCard organisationId={row.organisationId} contactId={row.contactId} />
        <SaferpayMandatesCard organisationId={row.organisationId} contactId={row.contactId} contactName={row.name} />
      </div>
    </>
  );
}

export default function ContactDetailRoute() {
  const { organisationId = '', contactId = '' } = useParams();
  const contact = useContact(organisationId, contactId);
  return (
    <DetailPage
      source={xeroSource}
      testId="page-contact-detail"
      back={{ to: '/contacts', label: 'Contacts' }}
      noun="Contact"
      id={contactId}
      query={contact}
    >
      {(detail) => <Detail detail={detail} />}
    </DetailPage>
  );
}

/**
 * One address and nothing a mail link could carry besides (no list, no `?subject=`): synced data decides the link, so
 * anything else is shown as text. Rust's navigation guard applies the same rule to what the window opens.
 */
function isPlainAddress(email: string): boolean {
  return /^[\p{L}\p{N}._+'-]+@[\p{L}\p{N}.-]+\.[\p{L}\p{N}-]+$/u.test(email) && !email.startsWith('-');
}
