import type { ThemePreference } from './theme';
import { useTheme } from './themeContext';

const OPTIONS: Array<{ value: ThemePreference; label: string }> = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

export function ThemeSelector() {
  const { preference, setPreference } = useTheme();
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">Theme</legend>
      <div className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
        {OPTIONS.map((option) => (
          <label
            key={option.value}
            className="cursor-pointer rounded px-3 py-1.5 text-sm text-zinc-700 has-checked:bg-accent-600 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:outline-accent-500 dark:text-zinc-300"
          >
            <input
              type="radio"
              name="theme"
              value={option.value}
              checked={preference === option.value}
              onChange={() => setPreference(option.value)}
              className="sr-only"
            />
            {option.label}
          </label>
        ))}
      </div>
      <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">System follows your operating system setting.</p>
    </fieldset>
  );
}
