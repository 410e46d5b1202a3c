// The list kit names no provider itself: the wording of its empty and not-found states comes from the source.
import { useQuery } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { AppProviders } from '../../AppProviders';
import type { IpcError } from '../../lib/bindings';
import { installFakeBackend } from '../../lib/ipc/testing';
import { createQueryClient } from '../../lib/queryClient';
import { DetailPage } from './DetailPage';
import { ListPage } from './ListPage';
import type { RecordSource } from './source';

const gocardless: RecordSource = {
  name: 'GoCardless',
  useOrganisations: () => useQuery({ queryKey: ['gocardless-organisations'], queryFn: () => Promise.resolve([]) }),
};

function renderAt(element: ReactNode) {
  installFakeBackend();
  const router = createMemoryRouter([{ path: '/', element }]);
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
}

function NotFound() {
  const query = useQuery<never, IpcError>({
    queryKey: ['missing'],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the IPC error shape, as Tauri rejects
    queryFn: () => Promise.reject({ code: 'not_found', message: 'gone' }),
  });
  return (
    <DetailPage source={gocardless} testId="detail" back={{ to: '/', label: 'Payments' }} noun="Payment" id="p-1" query={query}>
      {() => null}
    </DetailPage>
  );
}

describe('list kit wording', () => {
  it('asks to connect the source’s provider when it has no organisations', async () => {
    renderAt(
      <ListPage source={gocardless} testId="list" title="Payments" description="" offlineTestId="offline" noOrganisationsHint="">
        {() => null}
      </ListPage>,
    );
    expect(await screen.findByText('Connect GoCardless on the Connections page')).toBeInTheDocument();
    expect(screen.queryByText(/Xero/)).not.toBeInTheDocument();
  });

  it('says a missing record may have been deleted at the source’s provider', async () => {
    renderAt(<NotFound />);
    expect(await screen.findByText(/It may have been deleted in GoCardless, or its organisation/)).toBeInTheDocument();
    expect(screen.queryByText(/Xero/)).not.toBeInTheDocument();
  });
});
