import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';

import { AppProviders } from '../AppProviders';
import type { SessionStatus } from '../lib/bindings';
import { installFakeBackend, type CommandHandlers } from '../lib/ipc/testing';
import { createQueryClient } from '../lib/queryClient';
import { routes } from '../routes';

interface RenderAppOptions {
  /** Override individual commands of the fake backend. */
  backend?: CommandHandlers;
  /** The session the fake core starts with; default single-user owner, so every page is reachable. */
  session?: SessionStatus;
}

/** Renders the whole app (frame, routes, providers) at `path` against the fake IPC backend. */
export function renderApp(path = '/dashboard', { backend = {}, session }: RenderAppOptions = {}) {
  const fake = installFakeBackend(backend, { session });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createQueryClient();
  const user = userEvent.setup();
  const view = render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, router, user, fake, queryClient };
}
