import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { Permission, SessionSettings, SessionStatus } from '../../lib/bindings';
import {
  adoptProposedSignIn,
  cancelSignIn,
  lockSession,
  sessionActivity,
  sessionStatus,
  signIn,
  signOut,
  updateSessionSettings,
} from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';

/** How often the session is re-read, so an idle lock or grace expiry decided by Rust shows without an event. */
export const SESSION_POLL_MS = 30_000;

/** Rust's view of who is signed in and what they may do; `session-changed` events keep it current in between. */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: sessionStatus,
    refetchInterval: SESSION_POLL_MS,
    // Coming back to the window after a break is when an idle lock most likely happened.
    refetchOnWindowFocus: true,
  });
}

/** Whether the signed-in user holds `permission`, from the list Rust sends; false while unknown. */
export function useCan(permission: Permission): boolean {
  return useSession().data?.permissions.includes(permission) ?? false;
}

/** A command answering the new session status, which replaces the cached one. */
function useSessionCommand<TArgs = void>(command: (args: TArgs) => Promise<SessionStatus>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: command,
    onSuccess: (status) => queryClient.setQueryData(queryKeys.session, status),
  });
}

export function useSignIn() {
  return useSessionCommand(signIn);
}

export function useCancelSignIn() {
  return useSessionCommand(cancelSignIn);
}

export function useSignOut() {
  return useSessionCommand(signOut);
}

export function useLockSession() {
  return useSessionCommand(lockSession);
}

export function useUpdateSessionSettings() {
  return useSessionCommand((settings: SessionSettings) => updateSessionSettings(settings));
}

export function useAdoptProposedSignIn() {
  return useSessionCommand(() => adoptProposedSignIn());
}

/** Reports activity; a failure with sign_in_required or locked refreshes the session through the MutationCache. */
export function useReportActivity() {
  return useMutation({ mutationFn: sessionActivity });
}
