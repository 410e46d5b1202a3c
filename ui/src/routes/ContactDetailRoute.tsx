import { Link, useParams } from 'react-router-dom';

import { Card } from '../components/ui/Card';
import { Fact } from '../components/ui/Fact';
import { PageHeader } from '../components/ui/PageHeader';
import { buttonClass, numericCell } from '../components/ui/styles';
import { td, th } from '../components/ui/tableStyles';
import { DetailPage } from '../features/lists/DetailPage';
import { ContactRoleBadges, ContactStatusBadge } from '../features/xero/contacts/ContactBadges';
import { useContact } from '../features/xero/contacts/useContacts';
import { xeroSource } from '../features/xero/source';
import type { ContactDetail } from '../lib/bindings';
import { formatCount, formatMoney } from '../lib/format';

/** ACCREC: sales invoices not yet paid, the contact owes you; ACCPAY: bills not yet paid, you owe them. */
const direction = (invoiceType: string) =>
  invoiceType === 'ACCREC' ? 'Owes you' : invoiceType === 'ACCPAY' ? 'You owe' : invoiceType;

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
              {row.email ? (
                <a href={`mailto:${row.email}`} className="focus-ring rounded-sm hover:underline">
                  {row.email}
                </a>
              ) : (
                '—'
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
          {detail.outstanding.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="outstanding">
              Nothing outstanding.
            </p>
          ) : (
            <div className="-mx-5 -my-4 overflow-x-auto">
              <table className="w-full" aria-label="Outstanding" data-testid="outstanding">
                <thead className="border-b border-zinc-200 dark:border-zinc-800">
                  <tr>
                    <th scope="col" className={`${th} pl-5`}>Direction</th>
                    <th scope="col" className={th}>Currency</th>
                    <th scope="col" className={`${th} text-right`}>Invoices</th>
                    <th scope="col" className={`${th} pr-5 text-right`}>Amount</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {detail.outstanding.map((o) => (
                    <tr key={`${o.invoiceType}/${o.currency}`} data-testid={`outstanding-${o.invoiceType}-${o.currency}`}>
                      <td className={`${td} pl-5 font-medium`}>{direction(o.invoiceType)}</td>
                      <td className={td}>{o.currency}</td>
                      <td className={`${td} ${numericCell}`}>{formatCount(o.invoices)}</td>
                      <td className={`${td} ${numericCell} pr-5`}>{formatMoney(o.amount, o.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
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
