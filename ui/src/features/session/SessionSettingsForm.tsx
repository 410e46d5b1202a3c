import { useId, useState, type ReactNode } from 'react';

import { Dialog } from '../../components/ui/Dialog';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { buttonClass, fieldInput, fieldLabel } from '../../components/ui/styles';
import type { SessionSettings, SessionStatus, SignInMode } from '../../lib/bindings';
import {
  draftOf,
  idleLockError,
  MAX_IDLE_LOCK_MINUTES,
  MAX_OFFLINE_GRACE_DAYS,
  MIN_OFFLINE_GRACE_DAYS,
  MODE_LABELS,
  offlineGraceError,
  settingsOf,
  type SessionSettingsDraft,
} from './sessionSettings';
import { useUpdateSessionSettings } from './useSession';

interface ModeOptionProps {
  mode: SignInMode;
  testId: string;
  checked: boolean;
  disabled?: boolean;
  onSelect: (mode: SignInMode) => void;
  children: ReactNode;
}

function ModeOption({ mode, testId, checked, disabled = false, onSelect, children }: ModeOptionProps) {
  const descriptionId = useId();
  return (
    <label
      className={`flex gap-3 rounded-md border border-zinc-200 p-3 text-sm has-checked:border-accent-500 has-checked:bg-accent-50/60 dark:border-zinc-800 dark:has-checked:border-accent-500 dark:has-checked:bg-accent-950/30 ${
        disabled ? 'cursor-not-allowed opacity-60' : 'cursor-pointer'
      }`}
    >
      <input
        type="radio"
        name="sign-in-mode"
        value={mode}
        data-testid={testId}
        checked={checked}
        disabled={disabled}
        aria-describedby={descriptionId}
        onChange={() => onSelect(mode)}
        className="mt-0.5 size-4 accent-accent-600"
      />
      <span>
        <span className="font-medium text-zinc-900 dark:text-zinc-100">{MODE_LABELS[mode]}</span>
        <span id={descriptionId} className="mt-0.5 block text-zinc-600 dark:text-zinc-400">
          {children}
        </span>
      </span>
    </label>
  );
}

interface NumberFieldProps {
  label: string;
  hint: string;
  testId: string;
  value: string;
  min: number;
  max: number;
  error: string | null;
  onChange: (value: string) => void;
}

function NumberField({ label, hint, testId, value, min, max, error, onChange }: NumberFieldProps) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className={fieldLabel}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        data-testid={testId}
        value={value}
        aria-invalid={error !== null || undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onChange={(e) => onChange(e.target.value)}
        className={`${fieldInput} max-w-40 text-right tabular-nums`}
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        {hint}
      </p>
      {error ? (
        <p id={`${id}-error`} data-testid={`${testId}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ConfirmSingleUserDialog({ onConfirm, onClose }: { onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog
      title="Switch to single-user mode?"
      testId="confirm-single-user-dialog"
      onClose={onClose}
      actions={
        <>
          <button type="button" className={buttonClass('ghost')} onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            data-testid="confirm-single-user"
            className={buttonClass('primary')}
            onClick={onConfirm}
          >
            Switch to single-user mode
          </button>
        </>
      }
    >
      <p>
        Nobody signs in any more: everyone using this computer account will act as owner without signing in, with
        full access to the books, connections and settings.
      </p>
    </Dialog>
  );
}

/** Sign-in mode, idle lock and offline grace for someone holding manage_sign_in; Rust validates again. */
export function SessionSettingsForm({ status }: { status: SessionStatus }) {
  const [draft, setDraft] = useState<SessionSettingsDraft>(() => draftOf(status));
  const [confirming, setConfirming] = useState<SessionSettings | null>(null);
  const update = useUpdateSessionSettings();

  const idleError = idleLockError(draft.idleLockMinutes);
  const graceError = offlineGraceError(draft.offlineGraceDays);
  const settings = settingsOf(draft);
  const changed =
    settings !== null &&
    (settings.mode !== status.mode ||
      settings.idleLockMinutes !== status.idleLockMinutes ||
      settings.offlineGraceDays !== status.offlineGraceDays);

  const edit = (patch: Partial<SessionSettingsDraft>) => {
    update.reset();
    setDraft((current) => ({ ...current, ...patch }));
  };
  const save = (next: SessionSettings) => {
    setConfirming(null);
    update.mutate(next, { onSuccess: (answer) => setDraft(draftOf(answer)) });
  };

  return (
    <form
      className="space-y-5"
      aria-label="Sign-in and security settings"
      onSubmit={(event) => {
        event.preventDefault();
        if (!settings || !changed) return;
        // Turning sign-in off hands owner rights to anyone at this computer account: ask first.
        if (settings.mode === 'single_user' && status.mode !== 'single_user') setConfirming(settings);
        else save(settings);
      }}
    >
      <fieldset className="space-y-2">
        <legend className="mb-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">Sign-in mode</legend>
        <ModeOption
          mode="okta"
          testId="mode-okta"
          checked={draft.mode === 'okta'}
          disabled={!status.oktaConfigured}
          onSelect={(mode) => edit({ mode })}
        >
          {status.oktaConfigured
            ? `Everyone signs in with Okta${status.oktaIssuer ? ` (${status.oktaIssuer})` : ''}; roles come from their Okta groups.${
                status.mode === 'single_user' ? ' After saving, you sign in with Okta too.' : ''
              }`
            : 'Not available: Okta is not configured. Set the Okta issuer and client id in the config file, then restart the app.'}
        </ModeOption>
        <ModeOption
          mode="single_user"
          testId="mode-single-user"
          checked={draft.mode === 'single_user'}
          onSelect={(mode) => edit({ mode })}
        >
          No sign-in: anyone using this computer account acts as owner.
        </ModeOption>
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <NumberField
          label="Lock after this many idle minutes"
          hint={`0 = never lock; at most ${MAX_IDLE_LOCK_MINUTES} (24 hours).`}
          testId="idle-lock-minutes"
          value={draft.idleLockMinutes}
          min={0}
          max={MAX_IDLE_LOCK_MINUTES}
          error={idleError}
          onChange={(idleLockMinutes) => edit({ idleLockMinutes })}
        />
        <NumberField
          label="Work offline for this many days"
          hint={`Days the app stays usable after the last online check of the sign-in: ${MIN_OFFLINE_GRACE_DAYS}–${MAX_OFFLINE_GRACE_DAYS}.`}
          testId="offline-grace-days"
          value={draft.offlineGraceDays}
          min={MIN_OFFLINE_GRACE_DAYS}
          max={MAX_OFFLINE_GRACE_DAYS}
          error={graceError}
          onChange={(offlineGraceDays) => edit({ offlineGraceDays })}
        />
      </div>

      {update.isError ? <ErrorPanel error={update.error} title="Could not save the sign-in settings" /> : null}

      <div className="flex items-center gap-3">
        <button
          type="submit"
          data-testid="save-session-settings"
          className={buttonClass('primary')}
          disabled={!changed || update.isPending}
        >
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {update.isSuccess ? 'Saved.' : ''}
        </span>
      </div>

      {confirming ? (
        <ConfirmSingleUserDialog onConfirm={() => save(confirming)} onClose={() => setConfirming(null)} />
      ) : null}
    </form>
  );
}
