import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ContactDetail, MandateSetupRow } from '../../lib/bindings';
import { GOCARDLESS_MANDATE, SET_UP_MANDATE, waitingSetup } from '../../lib/ipc/fake/directdebit';
import { makeSession } from '../../lib/ipc/fake/session';
import { makeContacts, rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const DETAIL: ContactDetail = {
  row: { ...makeContacts(1, 'org-tenant-eu')[0]!, name: 'Muster GmbH', contactId: 'contact-7' },
  organisationName: 'Alpenrad Velo GmbH',
  invoiceCount: 3,
  outstanding: [],
};
const page = '/contacts/org-tenant-eu/contact-7';
const contact = { get_contact: () => structuredClone(DETAIL) };

describe('a contact’s direct-debit mandates', () => {
  it('sets up a mandate through GoCardless’s page and shows it once the customer finished', async () => {
    const { fake, user } = renderApp(page, { backend: contact });
    const card = await screen.findByTestId('contact-mandates');
    expect(card).toHaveTextContent('No GoCardless mandate for this contact yet.');
    await user.click(screen.getByTestId('mandate-setup-start'));
    expect(fake.calls.find((c) => c.cmd === 'start_gocardless_mandate_setup')?.args).toEqual({
      organisationId: 'org-tenant-eu',
      contactId: 'contact-7',
    });
    // The fake's customer finishes at the first follow; the card then lists the mandate Rust linked.
    expect(await screen.findByTestId('mandate-setup-done')).toHaveTextContent(SET_UP_MANDATE.id);
    const row = await screen.findByTestId(`contact-mandate-${SET_UP_MANDATE.id}`);
    expect(within(row).getByText('Pending submission')).toBeInTheDocument();
    expect(row).toHaveTextContent('Commerzbank ••00');
    expect(screen.getByTestId('contact-mandates')).toHaveAttribute('data-found', 'linked');
    expect(fake.calls.some((c) => c.cmd === 'follow_gocardless_mandate_setup')).toBe(true);
  });

  it('shows the link to send while the customer has not finished, and cancels it', async () => {
    let setup: MandateSetupRow | null = null;
    const { fake, user } = renderApp(page, {
      backend: {
        ...contact,
        gocardless_contact_mandates: () => ({ found: 'none', mandates: [], setups: setup ? [structuredClone(setup)] : [] }),
        start_gocardless_mandate_setup: () => {
          setup = waitingSetup('org-tenant-eu', 'contact-7');
          return structuredClone(setup);
        },
        follow_gocardless_mandate_setup: () => structuredClone(setup),
        cancel_gocardless_mandate_setup: () => {
          setup = { ...setup!, status: 'cancelled' };
          return structuredClone(setup);
        },
      },
    });
    await user.click(await screen.findByTestId('mandate-setup-start'));
    const waiting = await screen.findByTestId('mandate-setup-waiting');
    expect(within(waiting).getByTestId('mandate-setup-link')).toHaveValue(
      'https://pay.gocardless.com/billing/static/flow?id=BRF0001',
    );
    expect(screen.queryByTestId('mandate-setup-start')).not.toBeInTheDocument();
    await user.click(within(waiting).getByTestId('mandate-setup-cancel'));
    await waitFor(() => expect(screen.queryByTestId('mandate-setup-waiting')).not.toBeInTheDocument());
    expect(fake.calls.filter((c) => c.cmd === 'cancel_gocardless_mandate_setup')).toHaveLength(1);
    expect(await screen.findByTestId('mandate-setup-start')).toBeInTheDocument();
  });

  it('links the customer found by email once a person confirms it', async () => {
    let found: 'email' | 'linked' = 'email';
    const { fake, user } = renderApp(page, {
      backend: {
        ...contact,
        gocardless_contact_mandates: () => ({ found, mandates: [structuredClone(GOCARDLESS_MANDATE)], setups: [] }),
        confirm_gocardless_customer: () => {
          found = 'linked';
          return null;
        },
      },
    });
    await user.click(await screen.findByTestId('contact-mandates-confirm'));
    expect(await screen.findByTestId('contact-mandates-linked')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'confirm_gocardless_customer')?.args).toEqual({
      organisationId: 'org-tenant-eu',
      contactId: 'contact-7',
      mandateId: GOCARDLESS_MANDATE.id,
    });
  });

  it('says when the mandates were found by email only, and says why GoCardless refused a page', async () => {
    const { user } = renderApp(page, {
      backend: {
        ...contact,
        gocardless_contact_mandates: () => ({ found: 'email', mandates: [structuredClone(GOCARDLESS_MANDATE)], setups: [] }),
        start_gocardless_mandate_setup: () =>
          rejectWith({ code: 'invalid_input', message: 'GoCardless is not connected: enter its access token' }),
      },
    });
    const card = await screen.findByTestId('contact-mandates');
    expect(card).toHaveTextContent('Found by the contact’s email address');
    expect(within(card).getByTestId(`contact-mandate-${GOCARDLESS_MANDATE.id}`)).toHaveTextContent('bank_account_closed');
    await user.click(screen.getByTestId('mandate-setup-start'));
    expect(await screen.findByRole('alert')).toHaveTextContent('GoCardless is not connected');
  });

  it('proposes customers found by the contact’s name, each with who they are, and links the one a person chooses', async () => {
    const first = { ...structuredClone(GOCARDLESS_MANDATE), id: 'MD000201', status: 'active', reason: null };
    const second = { ...first, id: 'MD000202', customerEmail: 'anna@elsewhere.example' };
    const { fake, user } = renderApp(page, {
      backend: {
        ...contact,
        gocardless_contact_mandates: () => ({ found: 'name', mandates: [first, second], setups: [] }),
        confirm_gocardless_customer: () => null,
      },
    });
    const card = await screen.findByTestId('contact-mandates-by-name');
    expect(card).toHaveTextContent('Found by the contact’s name');
    // Two customers share the name: no single "yes", a choice per customer, each showing its email.
    expect(screen.queryByTestId('contact-mandates-confirm')).not.toBeInTheDocument();
    expect(screen.getByTestId('contact-mandate-MD000202')).toHaveTextContent('anna@elsewhere.example');
    await user.click(screen.getByTestId('contact-mandate-confirm-MD000202'));
    await waitFor(() =>
      expect(fake.calls.find((c) => c.cmd === 'confirm_gocardless_customer')?.args).toEqual({
        organisationId: 'org-tenant-eu',
        contactId: 'contact-7',
        mandateId: 'MD000202',
      }),
    );
  });

  it('offers no setup to a role that may not collect', async () => {
    renderApp(page, { backend: contact, session: makeSession({ role: 'viewer' }) });
    await screen.findByTestId('contact-mandates');
    expect(screen.queryByTestId('mandate-setup-start')).not.toBeInTheDocument();
  });
});
