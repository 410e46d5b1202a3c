import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';

import { ContactFiltersBar } from '../features/contacts/ContactFiltersBar';
import { ContactTable } from '../features/contacts/ContactTable';
import {
  filtersToParams,
  hasActiveFilters,
  parseFilters,
  toContactQuery,
  withoutFilters,
  type ContactFilters,
} from '../features/contacts/filters';
import { useContactPages } from '../features/contacts/useContacts';
import { ListPage } from '../features/lists/ListPage';
import { PagedResults } from '../features/lists/PagedResults';
import type { ContactRow, ContactSort } from '../lib/bindings';

function ContactList({ filters, onChange }: { filters: ContactFilters; onChange: (next: ContactFilters) => void }) {
  const navigate = useNavigate();
  const pages = useContactPages(filters);
  const tableKey = useMemo(() => JSON.stringify(toContactQuery(filters, 0, 0)), [filters]);
  const onSort = useCallback(
    (sort: ContactSort, descending: boolean) => onChange({ ...filters, sort, descending }),
    [filters, onChange],
  );
  const onOpen = useCallback(
    (row: ContactRow) =>
      void navigate(`/contacts/${encodeURIComponent(row.organisationId)}/${encodeURIComponent(row.contactId)}`),
    [navigate],
  );

  return (
    <PagedResults
      pages={pages}
      noun={['contact', 'contacts']}
      countTestId="contact-count"
      filtered={hasActiveFilters(filters)}
      onClearFilters={() => onChange(withoutFilters(filters))}
      noMatchHint="Try a shorter search, or include archived contacts."
      emptyTitle="No contacts synced yet"
      emptyHint="Contacts appear here after an organisation has synced. Start a sync on the Connections page."
    >
      {(paged) => (
        <ContactTable
          key={tableKey}
          {...paged}
          sort={filters.sort}
          descending={filters.descending}
          onSort={onSort}
          onOpen={onOpen}
        />
      )}
    </PagedResults>
  );
}

export default function ContactsRoute() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const onChange = useCallback(
    (next: ContactFilters) => setParams(filtersToParams(next), { replace: true }),
    [setParams],
  );

  return (
    <ListPage
      testId="page-contacts"
      title="Contacts"
      description="Customers and suppliers of every connected Xero organisation."
      offlineTestId="contacts-offline"
      noOrganisationsHint="Contacts appear here once a Xero organisation is connected and synced."
    >
      {(organisations) => (
        <>
          <ContactFiltersBar filters={filters} organisations={organisations} onChange={onChange} />
          <ContactList filters={filters} onChange={onChange} />
        </>
      )}
    </ListPage>
  );
}
