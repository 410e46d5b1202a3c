const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return integer.format(value);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Formats an RFC 3339 timestamp in the user's locale and time zone; unparseable input is shown as is. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** Formats a calendar date (YYYY-MM-DD) without shifting it through the local time zone. */
export function formatDate(ymd: string | null): string {
  if (!ymd) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  if (!match) return ymd;
  const [, y, m, d] = match;
  return dateOnly.format(new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))));
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat | null {
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency, currencyDisplay: 'code' });
    } catch {
      return null;
    }
    moneyFormats.set(currency, format);
  }
  return format;
}

/**
 * Formats an exact decimal string with its ISO currency. The string goes to Intl as is (never through a float),
 * so amounts keep every digit Rust sent.
 */
export function formatMoney(amount: string, currency: string): string {
  const format = moneyFormat(currency);
  if (!format || !/^-?\d+(\.\d+)?$/.test(amount)) return `${amount} ${currency}`.trim();
  return format.format(amount as Intl.StringNumericLiteral);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const RELATIVE_STEPS: Array<[unit: Intl.RelativeTimeFormatUnit, seconds: number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "yesterday"; under a minute is "just now". */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** "about 2 min left"; null when the remaining time is unknown. */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}

/** "58/min · 4,912/day" from the provider's last rate-limit headers; "—" before the first call. */
export function formatBudget(minute: number | null, day: number | null): string {
  if (minute === null && day === null) return '—';
  const part = (value: number | null, unit: string) => `${value === null ? '—' : formatCount(value)}/${unit}`;
  return `${part(minute, 'min')} · ${part(day, 'day')}`;
}
