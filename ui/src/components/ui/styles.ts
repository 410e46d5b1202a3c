export type ButtonVariant = 'primary' | 'secondary' | 'ghost';

const base =
  'focus-ring inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-50';

const variants: Record<ButtonVariant, string> = {
  primary: 'bg-accent-600 text-white shadow-sm hover:bg-accent-700 disabled:hover:bg-accent-600',
  secondary:
    'border border-zinc-300 bg-white text-zinc-800 shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
  ghost: 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800',
};

/** Class names for a button, or a link that should look like one. */
export function buttonClass(variant: ButtonVariant = 'secondary', extra = ''): string {
  return `${base} ${variants[variant]} ${extra}`.trim();
}

export const linkClass =
  'focus-ring rounded-sm font-medium text-accent-700 underline-offset-2 hover:underline dark:text-accent-400';

export const numericCell = 'text-right tabular-nums';

/** Label and control of a filter field. */
export const fieldLabel = 'block text-xs font-medium text-zinc-600 dark:text-zinc-400';
export const fieldInput =
  'mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-xs aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900';
