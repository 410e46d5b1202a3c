import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ATTENTION } from '../../lib/ipc/fake/collections';
import { renderApp } from '../../test/renderApp';

describe('what the direct-debit bookings leave for a person', () => {
  it('shows a charge-back with what to do and a link to its invoice', async () => {
    renderApp('/direct-debit');
    const list = await screen.findByTestId('attention-list');
    const item = within(list).getByTestId('attention-charged_back');
    expect(item).toHaveTextContent('Charged back by the payer');
    expect(item).toHaveTextContent('Ask the customer how they will pay');
    expect(item).toHaveTextContent('GoCardless');
    const link = within(item).getByRole('link', { name: 'Invoice INV-0042' });
    expect(link).toHaveAttribute('href', `/invoices/${ATTENTION.organisationId}/${ATTENTION.invoiceId}`);
  });

  it('says so when nothing needs attention', async () => {
    renderApp('/direct-debit', { backend: { list_settlement_attention: () => [] } });
    expect(await screen.findByText('Nothing needs attention')).toBeInTheDocument();
    expect(screen.queryByTestId('attention-list')).not.toBeInTheDocument();
  });

  it('names a note without an invoice by its provider only', async () => {
    const refund = { ...ATTENTION, provider: 'saferpay', kind: 'refunded', invoiceId: null, invoiceNumber: null, message: '20.50 EUR was refunded to the payer: record a credit note for the invoice in Xero.' };
    renderApp('/direct-debit', { backend: { list_settlement_attention: () => [refund] } });
    const item = await screen.findByTestId('attention-refunded');
    expect(item).toHaveTextContent('record a credit note');
    expect(item).toHaveTextContent('Saferpay');
    expect(within(item).queryByRole('link')).not.toBeInTheDocument();
  });

  it('shows the newest five and the rest on request, so the page’s other cards stay in reach', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ ...ATTENTION, kind: 'no_invoice', invoiceId: null, invoiceNumber: null, message: `note ${i}` }));
    renderApp('/direct-debit', { backend: { list_settlement_attention: () => many } });
    const list = await screen.findByTestId('attention-list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(5);
    await userEvent.click(screen.getByRole('button', { name: 'Show all 8' }));
    expect(within(screen.getByTestId('attention-list')).getAllByRole('listitem')).toHaveLength(8);
    expect(screen.getByRole('button', { name: 'Show fewer' })).toBeInTheDocument();
  });
});
