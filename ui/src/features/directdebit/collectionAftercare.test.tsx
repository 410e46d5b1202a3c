import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { CollectionDetail } from '../../lib/bindings';
import { COLLECTION } from '../../lib/ipc/fake/collections';
import { makeSession } from '../../lib/ipc/fake/session';
import { renderApp } from '../../test/renderApp';

const page = `/direct-debit/${COLLECTION.collection.id}`;
const withStatus = (status: CollectionDetail['collection']['status'], provider: 'gocardless' | 'saferpay' = 'gocardless') => ({
  get_collection: (): CollectionDetail => ({ ...structuredClone(COLLECTION), collection: { ...COLLECTION.collection, status, provider } }),
});

describe('after a collection', () => {
  it('tries a failed GoCardless payment again', async () => {
    const { fake, user } = renderApp(page);
    await user.click(await screen.findByTestId('retry-collection-submit'));
    expect(await screen.findByTestId('retry-collection-sent')).toBeInTheDocument();
    expect(fake.calls.filter((c) => c.cmd === 'retry_collection').map((c) => c.args)).toEqual([
      { collectionId: COLLECTION.collection.id },
    ]);
    expect(screen.queryByTestId('refund-collection')).not.toBeInTheDocument();
  });

  it('refunds everything not refunded yet, or the amount typed, and says why Rust refused one', async () => {
    const { fake, user } = renderApp(page, { backend: withStatus('paid_out') });
    const form = await screen.findByTestId('refund-collection');
    expect(screen.queryByTestId('retry-collection')).not.toBeInTheDocument();
    await user.type(within(form).getByTestId('refund-amount'), '5000');
    await user.click(within(form).getByTestId('refund-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('at most what is not refunded yet');
    await user.clear(within(form).getByTestId('refund-amount'));
    await user.type(within(form).getByTestId('refund-amount'), '20.50');
    await user.click(within(form).getByTestId('refund-submit'));
    expect(await screen.findByTestId('refund-collection-sent')).toBeInTheDocument();
    expect(fake.calls.filter((c) => c.cmd === 'refund_collection').map((c) => c.args)).toEqual([
      { collectionId: COLLECTION.collection.id, amount: '5000' },
      { collectionId: COLLECTION.collection.id, amount: '20.50' },
    ]);
  });

  it('sends a full refund when no amount is typed', async () => {
    const { fake, user } = renderApp(page, { backend: withStatus('confirmed') });
    await user.click(await screen.findByTestId('refund-submit'));
    expect(await screen.findByTestId('refund-collection-sent')).toBeInTheDocument();
    expect(fake.calls.find((c) => c.cmd === 'refund_collection')?.args).toEqual({
      collectionId: COLLECTION.collection.id,
      amount: null,
    });
  });

  it('refunds a collected Saferpay debit, and says the outbox sends it', async () => {
    const { fake, user } = renderApp(page, { backend: withStatus('confirmed', 'saferpay') });
    await user.type(await screen.findByTestId('refund-amount'), '20.50');
    await user.click(screen.getByTestId('refund-submit'));
    expect(await screen.findByTestId('refund-collection-sent')).toHaveTextContent('Refund queued for Saferpay');
    expect(fake.calls.find((c) => c.cmd === 'refund_collection')?.args).toEqual({
      collectionId: COLLECTION.collection.id,
      amount: '20.50',
    });
  });

  it('offers nothing to a viewer, for a payment still on its way, a fully refunded or failed Saferpay debit', async () => {
    for (const [backend, session] of [
      [{}, makeSession({ role: 'viewer' })],
      [withStatus('submitted'), undefined],
      [withStatus('refunded', 'saferpay'), undefined],
      [withStatus('failed', 'saferpay'), undefined],
    ] as const) {
      const { unmount } = renderApp(page, { backend, ...(session ? { session } : {}) });
      await screen.findByText(/Collection of/);
      expect(screen.queryByTestId('retry-collection')).not.toBeInTheDocument();
      expect(screen.queryByTestId('refund-collection')).not.toBeInTheDocument();
      unmount();
    }
  });
});
