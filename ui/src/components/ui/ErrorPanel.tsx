import type { IpcError } from '../../lib/bindings';
import { ERROR_HINTS } from './errorHints';
import { ForbiddenLink } from './ForbiddenLink';
import { buttonClass } from './styles';

interface ErrorPanelProps {
  error: IpcError;
  title?: string;
  onRetry?: () => void;
  retrying?: boolean;
}

export function ErrorPanel({ error, title = 'Something went wrong', onRetry, retrying = false }: ErrorPanelProps) {
  const hint = ERROR_HINTS[error.code];
  return (
    <div
      role="alert"
      data-testid="error-panel"
      data-error-code={error.code}
      className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm dark:border-red-900/60 dark:bg-red-950/40"
    >
      <p className="font-semibold text-red-800 dark:text-red-200">{title}</p>
      <p className="mt-1 text-red-700 dark:text-red-300">{error.message}</p>
      {hint ? <p className="mt-2 text-red-700/90 dark:text-red-300/90">{hint}</p> : null}
      {error.code === 'forbidden' ? (
        <p className="mt-2">
          <ForbiddenLink error={error} />
        </p>
      ) : null}
      <div className="mt-3 flex items-center gap-3">
        {onRetry ? (
          <button type="button" className={buttonClass('secondary')} onClick={onRetry} disabled={retrying}>
            {retrying ? 'Retrying…' : 'Retry'}
          </button>
        ) : null}
        <code className="font-mono text-xs text-red-600/80 dark:text-red-400/80">{error.code}</code>
      </div>
    </div>
  );
}
