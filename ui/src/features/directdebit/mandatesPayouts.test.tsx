import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { GOCARDLESS_MANDATE, PAYOUT, SAFERPAY_MANDATE } from '../../lib/ipc/fake/directdebit';
import { rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

describe('direct debit mandates', () => {
  it('lists both providers’ mandates with customer, scheme, bank ending, status and the reason a mandate ended', async () => {
    renderApp('/direct-debit');
    const table = await screen.findByTestId('mandates-table');
    const gc = within(table).getByTestId(`mandate-row-${GOCARDLESS_MANDATE.id}`);
    expect(gc).toHaveTextContent('Muster GmbH');
    expect(gc).toHaveTextContent('buchhaltung@muster.de');
    expect(gc).toHaveTextContent('SEPA Core');
    expect(gc).toHaveTextContent('Commerzbank ••00');
    expect(within(gc).getByText('Cancelled')).toBeInTheDocument();
    expect(gc).toHaveTextContent('bank_account_closed');
    const sp = within(table).getByTestId(`mandate-row-${SAFERPAY_MANDATE.id}`);
    expect(sp).toHaveTextContent('Velo Huber AG');
    expect(sp).toHaveTextContent('Saferpay');
    expect(sp).toHaveTextContent('••3000');
    expect(within(sp).getByText('Active')).toBeInTheDocument();
  });

  it('shows the next possible charge date of a mandate that can be charged', async () => {
    const active = { ...GOCARDLESS_MANDATE, status: 'active', reason: null, nextPossibleChargeDate: '2026-12-10' };
    renderApp('/direct-debit', { backend: { list_gocardless_mandates: () => [active], list_saferpay_mandates: () => [] } });
    const row = await screen.findByTestId(`mandate-row-${active.id}`);
    expect(row).toHaveTextContent(/Dec(ember)? 10, 2026|10 Dec(ember)? 2026/);
  });

  it('still shows one provider’s mandates when the other cannot be read', async () => {
    renderApp('/direct-debit', {
      backend: { list_saferpay_mandates: () => rejectWith({ code: 'internal', message: 'the store is busy' }) },
    });
    expect(await screen.findByTestId(`mandate-row-${GOCARDLESS_MANDATE.id}`)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load the Saferpay mandates');
  });

  it('says how mandates arrive when there are none', async () => {
    renderApp('/direct-debit', { backend: { list_gocardless_mandates: () => [], list_saferpay_mandates: () => [] } });
    const empty = await screen.findByText('No mandates yet');
    expect(empty.parentElement).toHaveTextContent('Connect GoCardless or Saferpay under Connections');
    expect(screen.queryByTestId('mandates-table')).not.toBeInTheDocument();
  });
});

describe('GoCardless payouts', () => {
  it('show the exact amount, the fees, status and arrival date, with each line on request', async () => {
    const { user } = renderApp('/direct-debit');
    const table = await screen.findByTestId('payouts-table');
    const row = within(table).getByTestId(`payout-row-${PAYOUT.id}`);
    expect(row).toHaveTextContent(/1,198\.60/);
    expect(row).toHaveTextContent(/1\.50/);
    expect(within(row).getByText('Paid')).toBeInTheDocument();
    expect(row).toHaveTextContent(/Dec(ember)? 15, 2026|15 Dec(ember)? 2026/);
    const items = within(row).getByTestId(`payout-items-${PAYOUT.id}`);
    expect(items).not.toHaveAttribute('open');
    await user.click(within(items).getByText('2 lines'));
    expect(items).toHaveAttribute('open');
    const lines = within(items).getAllByRole('listitem');
    expect(lines[0]).toHaveTextContent(/Payment collected.*PM0001.*1,200\.10/);
    expect(lines[1]).toHaveTextContent(/GoCardless fee.*-(EUR\s?)?1\.50/);
  });

  it('say when payouts arrive when there are none', async () => {
    renderApp('/direct-debit', { backend: { list_gocardless_payouts: () => [] } });
    expect(await screen.findByText('No payouts yet')).toBeInTheDocument();
    expect(screen.queryByTestId('payouts-table')).not.toBeInTheDocument();
  });
});
