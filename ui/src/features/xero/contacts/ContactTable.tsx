import { listColumnHelper, type PagedTableProps } from '../../../components/ui/listTable';
import { VirtualTable } from '../../../components/ui/VirtualTable';
import type { ContactRow, ContactSort } from '../../../lib/bindings';
import { ContactRoleBadges, ContactStatusBadge } from './ContactBadges';

const helper = listColumnHelper<ContactRow>();
const dash = (value: string | null) => value ?? '—';

// Only `name` is a column Rust sorts by; "recently updated" is chosen in the filter bar.
const columns = helper.columns([
  helper.accessor('name', { id: 'name', header: 'Name' }),
  helper.accessor('email', { id: 'email', header: 'Email', enableSorting: false, cell: (c) => dash(c.getValue()) }),
  helper.accessor('contactNumber', {
    id: 'number',
    header: 'Number',
    enableSorting: false,
    cell: (c) => dash(c.getValue()),
  }),
  helper.display({ id: 'roles', header: 'Roles', cell: (c) => <ContactRoleBadges contact={c.row.original} /> }),
  helper.accessor('status', {
    id: 'status',
    header: 'Status',
    enableSorting: false,
    cell: (c) => <ContactStatusBadge status={c.getValue()} />,
  }),
  helper.accessor('defaultCurrency', {
    id: 'currency',
    header: 'Currency',
    enableSorting: false,
    cell: (c) => dash(c.getValue()),
  }),
]);

const GRID = 'grid grid-cols-[minmax(12rem,1.4fr)_minmax(12rem,1fr)_8rem_11rem_7rem_6rem]';

const rowId = (row: ContactRow) => `${row.organisationId}/${row.contactId}`;
const rowTestId = (row: ContactRow) => row.contactId;

export function ContactTable(props: PagedTableProps<ContactRow, ContactSort>) {
  return (
    <VirtualTable
      {...props}
      label="Contacts"
      noun="contacts"
      testIdPrefix="contact"
      columns={columns}
      grid={GRID}
      minWidth="min-w-[58rem]"
      emphasis="name"
      getRowId={rowId}
      rowTestId={rowTestId}
    />
  );
}
