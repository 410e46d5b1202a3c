import { useConnectivity, useOnlineStatus } from './useOnlineStatus';

export function OnlineIndicator() {
  const online = useOnlineStatus();
  const rust = useConnectivity();
  const hosts = rust?.unreachableHosts ?? [];
  return (
    <span
      role="status"
      data-testid="online-indicator"
      data-online={online}
      title={!online && hosts.length > 0 ? `No answer from ${hosts.join(', ')}` : undefined}
      className={`inline-flex items-center gap-1.5 text-xs font-medium ${
        online ? 'text-zinc-500 dark:text-zinc-400' : 'text-amber-700 dark:text-amber-400'
      }`}
    >
      <span
        aria-hidden="true"
        className={`size-2 rounded-full ${online ? 'bg-emerald-500' : 'bg-amber-500'}`}
      />
      {online ? 'Online' : 'Offline — showing cached data'}
    </span>
  );
}
