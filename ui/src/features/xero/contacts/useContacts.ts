import { useQuery } from '@tanstack/react-query';

import { getContact, listContacts } from '../../../lib/ipc';
import { queryKeys } from '../../../lib/queryKeys';
import { PAGE_SIZE, usePages } from '../../lists/usePages';
import { toContactQuery, type ContactFilters } from './filters';

/** Pages of 200 contacts, loaded on demand as the table scrolls. */
export function useContactPages(filters: ContactFilters) {
  return usePages([...queryKeys.contacts, 'list', toContactQuery(filters, 0, PAGE_SIZE)], (offset, limit) =>
    listContacts(toContactQuery(filters, offset, limit)),
  );
}

export function useContact(organisationId: string, contactId: string) {
  return useQuery({
    queryKey: [...queryKeys.contacts, 'detail', organisationId, contactId],
    queryFn: () => getContact(organisationId, contactId),
  });
}
