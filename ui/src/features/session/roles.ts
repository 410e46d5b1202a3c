import type { Permission, Role, SessionStatus } from '../../lib/bindings';

export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer',
  accountant: 'Accountant',
  owner: 'Owner',
};

export function roleLabel(role: Role | null): string {
  return role ? ROLE_LABELS[role] : 'No role';
}

/** What each permission lets a person do, in words; which role holds which permission comes from Rust. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  read: 'See the synced books, reports and connections',
  reconcile: 'Match and reconcile transactions',
  post_to_xero: 'Post changes to Xero',
  export: 'Export data',
  collect_payments: 'Collect payments',
  manage_connections: 'Connect and disconnect organisations and providers',
  manage_credentials: 'Manage provider credentials',
  manage_ai_settings: 'Manage AI settings',
  manage_sign_in: 'Change sign-in and security settings',
};

/** Signed in with a role that may at least read; anything less only reaches /unauthorized. */
export function mayRead(status: SessionStatus): boolean {
  return status.user?.role != null && status.permissions.includes('read');
}
