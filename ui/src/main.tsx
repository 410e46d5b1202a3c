import './index.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';

import { AppProviders } from './AppProviders';
import { applyInitialTheme } from './features/theme/theme';
import { createQueryClient } from './lib/queryClient';
import { routes } from './routes';

applyInitialTheme();

const router = createBrowserRouter(routes);
const queryClient = createQueryClient();

const container = document.getElementById('root');
if (!container) throw new Error('index.html is missing <div id="root">');

createRoot(container).render(
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
);
