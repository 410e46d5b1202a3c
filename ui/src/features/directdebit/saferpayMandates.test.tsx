import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ContactDetail } from '../../lib/bindings';
import { makeSession } from '../../lib/ipc/fake/session';
import { makeContacts } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';

const DETAIL: ContactDetail = {
  row: { ...makeContacts(1, 'org-tenant-eu')[0]!, name: 'Velo Huber AG', contactId: 'contact-9' },
  organisationName: 'Alpenrad Velo GmbH',
  invoiceCount: 1,
  outstanding: [],
};
const page = '/contacts/org-tenant-eu/contact-9';

describe('Saferpay mandates of a contact', () => {
  it('records a signed mandate; the IBAN goes to Rust and only its ending comes back', async () => {
    const { fake, user } = renderApp(page, { backend: { get_contact: () => structuredClone(DETAIL) } });
    expect(await screen.findByText('No Saferpay mandate recorded for this contact.')).toBeInTheDocument();
    await user.click(screen.getByTestId('saferpay-mandate-new'));
    const form = screen.getByTestId('saferpay-mandate-form');
    expect(within(form).getByTestId('saferpay-mandate-holder')).toHaveValue('Velo Huber AG');
    await user.type(within(form).getByTestId('saferpay-mandate-iban'), 'DE89 3704 0044 0532 0130 00');
    expect(within(form).getByTestId('saferpay-mandate-save')).toBeDisabled();
    await user.click(within(form).getByTestId('saferpay-mandate-signed'));
    await user.click(within(form).getByTestId('saferpay-mandate-save'));
    const row = await screen.findByTestId('saferpay-mandate-XPM-FAKE0');
    expect(row).toHaveTextContent('••3000');
    expect(screen.queryByTestId('saferpay-mandate-form')).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain('0532');
    expect(fake.calls.find((c) => c.cmd === 'record_saferpay_mandate')?.args).toEqual({
      organisationId: 'org-tenant-eu',
      contactId: 'contact-9',
      holder: 'Velo Huber AG',
      iban: 'DE89 3704 0044 0532 0130 00',
      bank: null,
      customerSigned: true,
    });
  });

  it('shows why Rust refused a mandate and keeps what was typed', async () => {
    const { user } = renderApp(page, { backend: { get_contact: () => structuredClone(DETAIL) } });
    await user.click(await screen.findByTestId('saferpay-mandate-new'));
    const form = screen.getByTestId('saferpay-mandate-form');
    await user.type(within(form).getByTestId('saferpay-mandate-iban'), 'not an iban');
    await user.click(within(form).getByTestId('saferpay-mandate-signed'));
    await user.click(within(form).getByTestId('saferpay-mandate-save'));
    expect(await within(form).findByRole('alert')).toHaveTextContent('the IBAN is not valid');
    expect(within(form).getByTestId('saferpay-mandate-iban')).toHaveValue('not an iban');
  });

  it('offers no recording to a role that may not collect', async () => {
    renderApp(page, { backend: { get_contact: () => structuredClone(DETAIL) }, session: makeSession({ role: 'viewer' }) });
    await screen.findByTestId('saferpay-contact-mandates');
    expect(screen.queryByTestId('saferpay-mandate-new')).not.toBeInTheDocument();
  });
});
