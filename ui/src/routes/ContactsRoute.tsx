import { ListRoute } from '../features/lists/ListRoute';
import { ContactFiltersBar } from '../features/xero/contacts/ContactFiltersBar';
import { ContactTable } from '../features/xero/contacts/ContactTable';
import { contactFilterCodec } from '../features/xero/contacts/filters';
import { useContactPages } from '../features/xero/contacts/useContacts';
import { xeroSource } from '../features/xero/source';
import type { ContactRow } from '../lib/bindings';

const contactPath = (row: ContactRow) =>
  `/contacts/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.contactId)}`;

export default function ContactsRoute() {
  return (
    <ListRoute
      page={{
        source: xeroSource,
        testId: 'page-contacts',
        title: 'Contacts',
        description: 'Customers and suppliers of every connected Xero organisation.',
        offlineTestId: 'contacts-offline',
        noOrganisationsHint: 'Contacts appear here once a Xero organisation is connected and synced.',
      }}
      codec={contactFilterCodec}
      FiltersBar={ContactFiltersBar}
      usePages={useContactPages}
      results={{
        noun: ['contact', 'contacts'],
        countTestId: 'contact-count',
        noMatchHint: 'Try a shorter search, or include archived contacts.',
        emptyTitle: 'No contacts synced yet',
        emptyHint: 'Contacts appear here after an organisation has synced. Start a sync on the Connections page.',
      }}
      Table={ContactTable}
      rowPath={contactPath}
    />
  );
}
