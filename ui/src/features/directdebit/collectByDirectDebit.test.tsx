import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { InvoiceDetail } from '../../lib/bindings';
import { COLLECTION } from '../../lib/ipc/fake/collections';
import { GOCARDLESS_MANDATE } from '../../lib/ipc/fake/directdebit';
import { makeSession } from '../../lib/ipc/fake/session';
import { makeInvoices, rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const row = { ...makeInvoices(1, 'org-tenant-eu')[0]!, number: 'INV-0099', status: 'AUTHORISED', currency: 'EUR', amountDue: '350.40' };
const detail = (changes: Partial<InvoiceDetail['row']> = {}): InvoiceDetail => ({
  row: { ...row, ...changes },
  reference: null,
  organisationName: 'Alpenrad Velo GmbH',
  lineItems: [],
  payments: [],
  xeroUrl: 'https://go.xero.com/',
});
const path = `/invoices/org-tenant-eu/${row.invoiceId}`;

describe('collect by direct debit', () => {
  it('collects the amount due through the chosen provider and follows the new collection', async () => {
    const { fake, user } = renderApp(path, {
      backend: { get_invoice: () => detail(), collect_invoice: () => structuredClone(COLLECTION) },
    });
    const form = await screen.findByTestId('collect-direct-debit');
    await user.click(within(form).getByTestId('collect-via-saferpay'));
    await user.click(within(form).getByRole('button', { name: /Collect .*350\.40/ }));
    expect(await screen.findByTestId('page-collection-detail')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'collect_invoice')?.args).toEqual({
      organisationId: 'org-tenant-eu',
      invoiceId: row.invoiceId,
      via: 'saferpay',
      chargeDate: null,
      confirmMatch: false,
    });
  });

  it('debits a GoCardless customer found by the contact’s email only once a person confirms it is the same customer', async () => {
    const matched = { ...GOCARDLESS_MANDATE, status: 'active', reason: null };
    const { fake, user } = renderApp(path, {
      backend: {
        get_invoice: () => detail(),
        gocardless_contact_mandates: () => ({ found: 'email', mandates: [matched], setups: [] }),
        collect_invoice: () => structuredClone(COLLECTION),
      },
    });
    const confirm = await screen.findByTestId('collect-confirm-match');
    expect(screen.getByTestId('collect-confirm-match-label')).toHaveTextContent(`${matched.customerName ?? ''}`);
    expect(screen.getByTestId('collect-submit')).toBeDisabled();
    await user.click(confirm);
    await user.click(screen.getByTestId('collect-submit'));
    expect(await screen.findByTestId('page-collection-detail')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'collect_invoice')?.args).toMatchObject({ via: 'gocardless', confirmMatch: true });
  });

  it('asks the same confirmation for a customer found by name, and none when two customers share the name', async () => {
    const matched = { ...GOCARDLESS_MANDATE, status: 'active', reason: null };
    let mandates = [matched];
    const { unmount } = renderApp(path, {
      backend: { get_invoice: () => detail(), gocardless_contact_mandates: () => ({ found: 'name', mandates, setups: [] }) },
    });
    expect(await screen.findByTestId('collect-confirm-match-label')).toHaveTextContent('was found by');
    expect(screen.getByTestId('collect-confirm-match-label')).toHaveTextContent('’s name');
    expect(screen.getByTestId('collect-submit')).toBeDisabled();
    unmount();
    mandates = [matched, { ...matched, id: 'MD000999' }];
    renderApp(path, {
      backend: { get_invoice: () => detail(), gocardless_contact_mandates: () => ({ found: 'name', mandates, setups: [] }) },
    });
    await screen.findByTestId('collect-direct-debit');
    // Rust refuses two as ambiguous and says so; there is no single customer to confirm here.
    expect(screen.queryByTestId('collect-confirm-match')).not.toBeInTheDocument();
  });

  it('says why Rust refused, and stays on the invoice', async () => {
    const { user } = renderApp(path, {
      backend: {
        get_invoice: () => detail(),
        collect_invoice: () => rejectWith({ code: 'invalid_input', message: 'invoice INV-0099 already has a collection c-1' }),
      },
    });
    await user.click(await screen.findByTestId('collect-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('already has a collection c-1');
    expect(screen.getByTestId('page-invoice-detail')).toBeInTheDocument();
  });

  it('is offered only for an unpaid sales invoice, and only to a role that may collect', async () => {
    for (const changes of [{ status: 'PAID' }, { amountDue: '0.00' }, { invoiceType: 'ACCPAY' }]) {
      const { unmount } = renderApp(path, { backend: { get_invoice: () => detail(changes) } });
      await screen.findByTestId('invoice-number');
      expect(screen.queryByTestId('collect-direct-debit'), JSON.stringify(changes)).not.toBeInTheDocument();
      unmount();
    }
    renderApp(path, { backend: { get_invoice: () => detail() }, session: makeSession({ role: 'viewer' }) });
    await screen.findByTestId('invoice-number');
    expect(screen.queryByTestId('collect-direct-debit')).not.toBeInTheDocument();
  });
});

describe('cancel a collection', () => {
  const waiting = { ...COLLECTION, collection: { ...COLLECTION.collection, status: 'pending_submission' as const } };
  const page = `/direct-debit/${COLLECTION.collection.id}`;

  it('sends the cancellation of a GoCardless payment that has not gone to the bank', async () => {
    const { fake, user } = renderApp(page, {
      backend: { get_collection: () => structuredClone(waiting), cancel_collection: () => null },
    });
    await user.click(await screen.findByTestId('cancel-collection-submit'));
    expect(await screen.findByTestId('cancel-collection-sent')).toHaveTextContent('Cancellation sent to GoCardless');
    expect(fake.calls.find((c) => c.cmd === 'cancel_collection')?.args).toEqual({ collectionId: COLLECTION.collection.id });
  });

  it('says why GoCardless can no longer cancel it', async () => {
    const { user } = renderApp(page, {
      backend: {
        get_collection: () => structuredClone(waiting),
        cancel_collection: () => rejectWith({ code: 'invalid_input', message: 'this one is submitted' }),
      },
    });
    await user.click(await screen.findByTestId('cancel-collection-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('this one is submitted');
  });

  it('is not offered once the payment went to the bank, nor to a viewer', async () => {
    const { unmount } = renderApp(page);
    expect(await screen.findByTestId('page-collection-detail')).toBeInTheDocument();
    await screen.findByText(/Collection of/);
    expect(screen.queryByTestId('cancel-collection')).not.toBeInTheDocument();
    unmount();
    renderApp(page, { backend: { get_collection: () => structuredClone(waiting) }, session: makeSession({ role: 'viewer' }) });
    await screen.findByText(/Collection of/);
    expect(screen.queryByTestId('cancel-collection')).not.toBeInTheDocument();
  });
});
