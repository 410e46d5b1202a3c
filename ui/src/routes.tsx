import { Navigate, type RouteObject } from 'react-router-dom';

import { RequireSession } from './features/session/RequireSession';
import { AppFrame } from './features/shell/AppFrame';
import { SessionRoot } from './features/shell/SessionRoot';
import BankTransactionDetailRoute from './routes/BankTransactionDetailRoute';
import BankTransactionsRoute from './routes/BankTransactionsRoute';
import ConnectionsRoute from './routes/ConnectionsRoute';
import ContactDetailRoute from './routes/ContactDetailRoute';
import CollectionDetailRoute from './routes/CollectionDetailRoute';
import ContactsRoute from './routes/ContactsRoute';
import DashboardRoute from './routes/DashboardRoute';
import DirectDebitRoute from './routes/DirectDebitRoute';
import InvoiceDetailRoute from './routes/InvoiceDetailRoute';
import InvoicesRoute from './routes/InvoicesRoute';
import LoginRoute from './routes/LoginRoute';
import NotFoundRoute from './routes/NotFoundRoute';
import RouteError from './routes/RouteError';
import SettingsRoute from './routes/SettingsRoute';
import TransactionDetailRoute from './routes/TransactionDetailRoute';
import TransactionsRoute from './routes/TransactionsRoute';
import UnauthorizedRoute from './routes/UnauthorizedRoute';

/**
 * Shared by the browser router (main.tsx) and the memory routers in tests. SessionRoot follows the session for
 * every route; RequireSession lets only an open session into the frame.
 */
export const routes: RouteObject[] = [
  {
    element: <SessionRoot />,
    errorElement: <RouteError />,
    children: [
      { path: '/login', element: <LoginRoute />, errorElement: <RouteError /> },
      {
        path: '/',
        element: (
          <RequireSession>
            <AppFrame />
          </RequireSession>
        ),
        errorElement: <RouteError />,
        children: [
          { index: true, element: <Navigate to="/dashboard" replace /> },
          { path: 'dashboard', element: <DashboardRoute /> },
          { path: 'transactions', element: <TransactionsRoute /> },
          { path: 'transactions/:id', element: <TransactionDetailRoute /> },
          { path: 'invoices', element: <InvoicesRoute /> },
          { path: 'invoices/:organisationId/:invoiceId', element: <InvoiceDetailRoute /> },
          { path: 'contacts', element: <ContactsRoute /> },
          { path: 'contacts/:organisationId/:contactId', element: <ContactDetailRoute /> },
          { path: 'bank-transactions', element: <BankTransactionsRoute /> },
          { path: 'bank-transactions/:organisationId/:bankTransactionId', element: <BankTransactionDetailRoute /> },
          { path: 'direct-debit', element: <DirectDebitRoute /> },
          { path: 'direct-debit/:collectionId', element: <CollectionDetailRoute /> },
          { path: 'connections', element: <ConnectionsRoute /> },
          { path: 'settings', element: <SettingsRoute /> },
          { path: 'unauthorized', element: <UnauthorizedRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];
