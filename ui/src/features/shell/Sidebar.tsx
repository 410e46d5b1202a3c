import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';

import { useAppInfo } from '../app/useAppInfo';
import { useCan } from '../session/useSession';

interface Item {
  to: string;
  label: string;
  icon: ReactNode;
}

const icon = (d: string) => (
  <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4">
    <path strokeLinecap="round" strokeLinejoin="round" d={d} />
  </svg>
);

const ITEMS: Item[] = [
  { to: '/dashboard', label: 'Dashboard', icon: icon('M3 3h6v6H3zM11 3h6v4h-6zM11 9h6v8h-6zM3 11h6v6H3z') },
  { to: '/transactions', label: 'Transactions', icon: icon('M4 6h12M4 10h12M4 14h8') },
  { to: '/invoices', label: 'Invoices', icon: icon('M6 2h6l4 4v12H6zM12 2v4h4M9 10h4M9 13h4') },
  { to: '/contacts', label: 'Contacts', icon: icon('M7 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2 17a5 5 0 0 1 10 0M13 4a3 3 0 0 1 0 6M15 12a4 4 0 0 1 3 5') },
  { to: '/bank-transactions', label: 'Bank transactions', icon: icon('M3 8l7-5 7 5M4 8v7M8 8v7M12 8v7M16 8v7M2 17h16') },
  { to: '/direct-debit', label: 'Direct debit', icon: icon('M3 6h14v9H3zM3 9h14M6 13h3M13 3l2 3M7 3L5 6') },
  { to: '/connections', label: 'Connections', icon: icon('M8 12l4-4M7 9l-2 2a3 3 0 0 0 4 4l2-2M13 11l2-2a3 3 0 0 0-4-4L9 7') },
  {
    to: '/settings',
    label: 'Settings',
    icon: icon('M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6ZM10 2v2M10 16v2M2 10h2M16 10h2M4.3 4.3l1.4 1.4M14.3 14.3l1.4 1.4M4.3 15.7l1.4-1.4M14.3 5.7l1.4-1.4'),
  },
];

export function Sidebar() {
  const info = useAppInfo();
  // Without read every page but /unauthorized redirects there, so links would only mislead.
  const items = useCan('read') ? ITEMS : [];
  return (
    <aside className="flex w-56 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/40">
      <nav aria-label="Main" className="flex-1 p-3">
        <ul className="space-y-0.5">
          {items.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                className={({ isActive }) =>
                  `focus-ring flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium transition-colors ${
                    isActive
                      ? 'bg-white text-accent-700 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-accent-300 dark:ring-zinc-700'
                      : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100'
                  }`
                }
              >
                {item.icon}
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <p className="px-6 py-4 text-xs text-zinc-400 dark:text-zinc-500">
        {info.data ? `Version ${info.data.version}` : '\u00a0'}
      </p>
    </aside>
  );
}
