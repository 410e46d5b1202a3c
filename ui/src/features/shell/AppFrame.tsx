import { Outlet } from 'react-router-dom';

import { SyncProgressProvider } from '../sync/SyncProgressProvider';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { WarningsBanner } from './WarningsBanner';

export function AppFrame() {
  return (
    <SyncProgressProvider>
      <div className="flex h-screen flex-col">
        <a
          href="#main"
          className="focus-ring sr-only rounded-md bg-white px-3 py-2 text-sm focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 dark:bg-zinc-900"
        >
          Skip to content
        </a>
        <TopBar />
        <WarningsBanner />
        <div className="flex min-h-0 flex-1">
          <Sidebar />
          <main id="main" tabIndex={-1} className="min-w-0 flex-1 overflow-y-auto focus:outline-none">
            <div className="mx-auto max-w-6xl px-8 py-8">
              <Outlet />
            </div>
          </main>
        </div>
      </div>
    </SyncProgressProvider>
  );
}
