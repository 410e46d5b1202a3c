// One factory for the status badges of every list: a provider's status codes map to a tone and words people use.
import { Badge, type BadgeTone } from './Badge';

export interface StatusStyle {
  tone: BadgeTone;
  label: string;
  /** A longer explanation, shown on hover. */
  title?: string;
}

interface StatusBadgeOptions {
  /** Show the provider's raw code on hover when a style has no title of its own (for codes like "AUTHORISED"). */
  codeAsTitle?: boolean;
}

/**
 * The badge and the label function of one status vocabulary. A status the map does not know (a newer API) is
 * shown as sent, in the neutral tone.
 */
export function statusBadge<TStatus extends string>(
  map: Partial<Record<TStatus, StatusStyle>>,
  { codeAsTitle = true }: StatusBadgeOptions = {},
) {
  const label = (status: TStatus): string => map[status]?.label ?? status;
  function StatusBadge({ status }: { status: TStatus }) {
    const known = map[status];
    return (
      <Badge tone={known?.tone ?? 'neutral'} title={known?.title ?? (codeAsTitle ? status : undefined)}>
        {label(status)}
      </Badge>
    );
  }
  return { StatusBadge, label };
}
