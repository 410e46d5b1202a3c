import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Organisation, ProviderSettlement } from '../../lib/bindings';
import { makeSession, organisationFor, rejectWith } from '../../lib/ipc/testing';
import { renderApp } from '../../test/renderApp';
import { mappingError } from './settlementMapping';

const XERO = organisationFor('tenant-eu', 'Alpenrad Velo GmbH');
const CREDITOR: Organisation = { ...organisationFor('CR0001', 'Alpenrad (GoCardless creditor)'), provider: 'gocardless' };
const ACCOUNTS = { clearing: '1210', bank: '090', fees: '404', suspense: '9999' };

describe('direct debit accounts in Settings', () => {
  it('let an owner choose a Xero organisation (never a GoCardless creditor) and the four accounts, then save', async () => {
    const { user, fake } = renderApp('/settings', { backend: { list_organisations: () => [XERO, CREDITOR] } });
    const section = await screen.findByTestId('settlement-mapping-gocardless');
    const select = within(section).getByTestId('settlement-gocardless-organisation');
    const options = within(select).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['Choose an organisation…', 'Alpenrad Velo GmbH']);
    const save = within(section).getByTestId('settlement-gocardless-save');
    expect(save).toBeDisabled();
    expect(within(section).getByTestId('settlement-gocardless-problem')).toHaveTextContent('Choose the Xero organisation');

    await user.selectOptions(select, XERO.id);
    await user.type(within(section).getByTestId('settlement-gocardless-clearing'), ' 090');
    await user.type(within(section).getByTestId('settlement-gocardless-bank'), '090');
    await user.type(within(section).getByTestId('settlement-gocardless-fees'), ACCOUNTS.fees);
    await user.type(within(section).getByTestId('settlement-gocardless-suspense'), ACCOUNTS.suspense);
    expect(within(section).getByTestId('settlement-gocardless-problem')).toHaveTextContent('must not be the bank account');
    expect(save).toBeDisabled();

    await user.clear(within(section).getByTestId('settlement-gocardless-clearing'));
    await user.type(within(section).getByTestId('settlement-gocardless-clearing'), ` ${ACCOUNTS.clearing} `);
    await user.click(save);
    expect(await within(section).findByTestId('settlement-gocardless-saved')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'set_settlement_mapping')?.args).toEqual({
      provider: 'gocardless',
      mapping: { organisationId: XERO.id, accounts: ACCOUNTS },
    });
  });

  it('create the clearing account in Xero, fill its code in, and offer the chart’s accounts for each field', async () => {
    const { user, fake } = renderApp('/settings', { backend: { list_organisations: () => [XERO] } });
    const section = await screen.findByTestId('settlement-mapping-saferpay');
    const create = within(section).getByTestId('settlement-saferpay-create-clearing');
    expect(create, 'an organisation comes first').toBeDisabled();
    await user.selectOptions(within(section).getByTestId('settlement-saferpay-organisation'), XERO.id);
    // Bank accounts for the money that moves, the others for fees and suspense.
    const offered = async (key: string) =>
      within(await within(section).findByTestId(`settlement-saferpay-${key}-chart`))
        .queryAllByRole('option', { hidden: true })
        .map((o) => (o as HTMLOptionElement).value);
    await expect.poll(() => offered('bank')).toEqual(['090', '092']);
    expect(await offered('fees')).toEqual(['404', '429']);

    await user.click(create);
    expect(await within(section).findByTestId('settlement-saferpay-created')).toHaveTextContent(
      'Created bank account 091 “Saferpay Clearing” in Xero',
    );
    expect(within(section).getByTestId('settlement-saferpay-clearing')).toHaveValue('091');
    expect(await within(section).findByTestId('settlement-saferpay-clearing-name')).toHaveTextContent('Saferpay Clearing');
    expect(fake.calls.find((c) => c.cmd === 'create_clearing_account')?.args).toEqual({
      provider: 'saferpay',
      organisationId: XERO.id,
    });
    await expect.poll(() => offered('clearing')).toContain('091');

    // Asked again, Rust says the account is there already, and the code stays filled in.
    await user.click(create);
    expect(await within(section).findByRole('alert')).toHaveTextContent('already has an account named "Saferpay Clearing"');
    expect(within(section).getByTestId('settlement-saferpay-clearing')).toHaveValue('091');
  });

  it('show what Rust refused when saving fails', async () => {
    const saved: ProviderSettlement[] = [
      { provider: 'gocardless', mapping: null },
      { provider: 'saferpay', mapping: { organisationId: XERO.id, accounts: ACCOUNTS } },
    ];
    const { user } = renderApp('/settings', {
      backend: {
        list_organisations: () => [XERO],
        get_settlement_mappings: () => saved,
        set_settlement_mapping: () => rejectWith({ code: 'invalid_input', message: 'no Xero organisation org-x' }),
      },
    });
    const section = await screen.findByTestId('settlement-mapping-saferpay');
    expect(within(section).getByTestId('settlement-saferpay-clearing'), 'the saved mapping fills the form').toHaveValue('1210');
    await user.click(within(section).getByTestId('settlement-saferpay-save'));
    expect(await within(section).findByRole('alert')).toHaveTextContent('no Xero organisation org-x');
  });

  it('are read-only for a role that may not manage connections', async () => {
    const saved: ProviderSettlement[] = [
      { provider: 'gocardless', mapping: { organisationId: XERO.id, accounts: ACCOUNTS } },
      { provider: 'saferpay', mapping: null },
    ];
    renderApp('/settings', {
      session: makeSession({ role: 'viewer' }),
      backend: { list_organisations: () => [XERO], get_settlement_mappings: () => saved },
    });
    const gc = await screen.findByTestId('settlement-mapping-gocardless');
    expect(within(gc).getByTestId('settlement-gocardless-organisation')).toHaveTextContent('Alpenrad Velo GmbH');
    expect(within(gc).getByTestId('settlement-gocardless-clearing')).toHaveTextContent('1210');
    expect(within(gc).queryByRole('textbox')).not.toBeInTheDocument();
    expect(within(gc).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('settlement-mapping-saferpay')).toHaveTextContent('Not mapped yet');
    expect(screen.getByTestId('settlement-read-only')).toHaveTextContent('Only an owner can change these accounts');
  });

  it('send the owner to Connections while no Xero organisation is connected', async () => {
    renderApp('/settings', { backend: { list_organisations: () => [CREDITOR] } });
    const empty = await screen.findByText('No Xero organisation yet');
    expect(within(empty.parentElement!).getByRole('link', { name: 'Connections' })).toHaveAttribute('href', '/connections');
    expect(screen.queryByTestId('settlement-mapping-gocardless')).not.toBeInTheDocument();
  });

  it('check a draft the way Rust will', () => {
    const ok = { organisationId: 'org-1', accounts: ACCOUNTS };
    expect(mappingError(ok)).toBeNull();
    expect(mappingError({ ...ok, accounts: { ...ACCOUNTS, fees: '  ' } })).toBe('Enter the fees account code.');
    expect(mappingError({ ...ok, accounts: { ...ACCOUNTS, bank: ' 1210 ' } })).toMatch(/clearing account must not be/);
  });
});
