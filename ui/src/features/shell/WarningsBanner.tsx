import { useAppInfo } from '../app/useAppInfo';

export function WarningsBanner() {
  const warnings = useAppInfo().data?.warnings ?? [];
  if (warnings.length === 0) return null;
  return (
    <div
      role="region"
      aria-label="Warnings"
      data-testid="warnings-banner"
      className="border-b border-amber-200 bg-amber-50 px-5 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/50 dark:text-amber-200"
    >
      <ul className="space-y-1">
        {warnings.map((warning) => (
          <li key={warning} className="flex gap-2">
            <span aria-hidden="true">⚠</span>
            <span>{warning}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
