import { fireEvent, render, screen, within } from '@testing-library/react';
import { expect, it, vi } from 'vitest';

import { makeInvoices } from '../../../lib/ipc/testing';
import { InvoiceTable, ROW_HEIGHT } from './InvoiceTable';

it('keeps only the rows in view in the DOM with 100,000 loaded, anywhere in the list', () => {
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
  const rows = makeInvoices(100_000);
  render(
    <InvoiceTable
      rows={rows}
      total={rows.length}
      sort="date"
      descending
      onSort={() => {}}
      hasNextPage={false}
      isFetchingNextPage={false}
      fetchNextPage={() => {}}
      onOpen={() => {}}
    />,
  );
  const table = screen.getByRole('table', { name: 'Invoices' });
  expect(within(table).getAllByRole('row').length).toBeLessThan(40);
  expect(screen.getByTestId('invoice-row-inv-1')).toBeInTheDocument();

  const scroller = screen.getByTestId('invoice-scroll');
  scroller.scrollTop = 99_990 * ROW_HEIGHT;
  fireEvent.scroll(scroller);
  expect(screen.getByTestId('invoice-row-inv-99991')).toHaveAttribute('aria-rowindex', '99992');
  expect(screen.queryByTestId('invoice-row-inv-1')).not.toBeInTheDocument();
  expect(within(table).getAllByRole('row').length).toBeLessThan(40);
});
