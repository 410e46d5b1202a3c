import type { RoleGroups } from '../../lib/bindings';
import { PERMISSION_LABELS, roleLabel } from './roles';

function groupList(groups: string[]) {
  return groups.map((group, i) => (
    <span key={group}>
      {i > 0 ? (i === groups.length - 1 ? ' or ' : ', ') : null}
      <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
        {group}
      </code>
    </span>
  ));
}

function RoleGroupItem({ entry }: { entry: RoleGroups }) {
  const role = roleLabel(entry.role);
  return (
    <li
      data-testid={`role-group-${entry.role}`}
      className="rounded-md border border-zinc-200 p-4 dark:border-zinc-800"
    >
      <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{role}</h3>
      <ul className="mt-2 list-disc space-y-0.5 pl-5 text-sm text-zinc-600 dark:text-zinc-400">
        {entry.permissions.map((permission) => (
          <li key={permission}>{PERMISSION_LABELS[permission]}</li>
        ))}
      </ul>
      <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">
        {entry.groups.length > 0 ? (
          <>
            Ask your Okta administrator to add you to {groupList(entry.groups)} to become {role.toLowerCase()}.
          </>
        ) : (
          <>No Okta group gives this role yet; an owner maps groups to roles in the config file.</>
        )}
      </p>
    </li>
  );
}

/** Each role, what it may do (as Rust lists it) and which Okta groups give it. */
export function RoleGuide({ roleGroups }: { roleGroups: RoleGroups[] }) {
  return (
    <ul aria-label="Roles" className="grid gap-3 md:grid-cols-3">
      {roleGroups.map((entry) => (
        <RoleGroupItem key={entry.role} entry={entry} />
      ))}
    </ul>
  );
}
