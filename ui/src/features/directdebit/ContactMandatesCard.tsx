import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { Card } from '../../components/ui/Card';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { Loading } from '../../components/ui/Loading';
import { buttonClass } from '../../components/ui/styles';
import type { MandateSetupRow } from '../../lib/bindings';
import { formatDate, formatDateTime } from '../../lib/format';
import {
  cancelGoCardlessMandateSetup,
  confirmGoCardlessCustomer,
  followGoCardlessMandateSetup,
  goCardlessContactMandates,
  startGoCardlessMandateSetup,
} from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';
import { useCan } from '../session/useSession';
import { bankOf, mandateStatus } from './status';

/** How often an open setup asks GoCardless whether the customer finished the page. */
const FOLLOW_EVERY_MS = 3000;

const contactKey = (organisationId: string, contactId: string) =>
  [...queryKeys.mandates, 'contact', organisationId, contactId] as const;

/**
 * A contact's GoCardless mandates, and a new one set up through GoCardless's own page: opened in the browser for the
 * customer to fill in here, or its link sent to them. The page is followed until the mandate exists; Rust keeps it
 * and links the contact to that customer, so "Collect by direct debit" uses it.
 */
export function ContactMandatesCard({ organisationId, contactId }: { organisationId: string; contactId: string }) {
  const canSetUp = useCan('collect_payments');
  const queryClient = useQueryClient();
  const key = contactKey(organisationId, contactId);
  const mandates = useQuery({ queryKey: key, queryFn: () => goCardlessContactMandates(organisationId, contactId) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.mandates });
  const start = useMutation({
    mutationFn: () => startGoCardlessMandateSetup(organisationId, contactId),
    onSuccess: refresh,
  });
  const confirm = useMutation({
    mutationFn: (mandateId: string) => confirmGoCardlessCustomer(organisationId, contactId, mandateId),
    onSuccess: refresh,
  });
  const open = mandates.data?.setups.find((s) => s.status === 'waiting' || s.status === 'starting') ?? null;
  const last = mandates.data?.setups[0] ?? null;
  // Found by email or name, not linked: a person says which customer this contact is.
  const proposed = mandates.data?.found === 'email' || mandates.data?.found === 'name';
  return (
    <Card
      title="Direct debit"
      description="SEPA mandates this customer gave through GoCardless."
      actions={
        canSetUp && mandates.data && !open ? (
          <button
            type="button"
            data-testid="mandate-setup-start"
            className={buttonClass('secondary')}
            disabled={start.isPending}
            onClick={() => start.mutate()}
          >
            {start.isPending ? 'Opening GoCardless…' : 'Set up a mandate'}
          </button>
        ) : null
      }
    >
      {mandates.isPending ? (
        <Loading label="Loading mandates…" />
      ) : mandates.error ? (
        <ErrorPanel
          error={mandates.error}
          title="Could not load this contact's mandates"
          retrying={mandates.isFetching}
          onRetry={() => void mandates.refetch()}
        />
      ) : (
        <div className="space-y-4" data-testid="contact-mandates" data-found={mandates.data.found}>
          {start.error ? <ErrorPanel error={start.error} title="The mandate page could not be opened" /> : null}
          {open ? <OpenSetup setup={open} onChange={refresh} canCancel={canSetUp} /> : null}
          {!open && last?.status === 'done' ? (
            <p className="text-sm text-emerald-700 dark:text-emerald-400" data-testid="mandate-setup-done">
              The customer finished GoCardless&rsquo;s page: mandate {last.mandateId} is set up and linked to this
              contact.
            </p>
          ) : null}
          {mandates.data.mandates.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="contact-mandates-empty">
              No GoCardless mandate for this contact yet.
            </p>
          ) : (
            <>
              {mandates.data.found === 'email' || mandates.data.found === 'name' ? (
                <div
                  className="space-y-2 text-sm text-zinc-500 dark:text-zinc-400"
                  data-testid={`contact-mandates-by-${mandates.data.found}`}
                >
                  {mandates.data.found === 'email' ? (
                    <p>
                      Found by the contact&rsquo;s email address: the GoCardless customer with the same email. Confirm it
                      is this contact to link them, so a changed email never points a collection elsewhere.
                    </p>
                  ) : (
                    <p>
                      Found by the contact&rsquo;s name: no GoCardless customer has its email, but{' '}
                      {mandates.data.mandates.length === 1 ? 'one has' : 'these have'} its name. A name can be shared;
                      confirm only the customer you know is this contact.
                    </p>
                  )}
                  {canSetUp && mandates.data.mandates.length === 1 && mandates.data.mandates[0] ? (
                    <button
                      type="button"
                      data-testid="contact-mandates-confirm"
                      className={buttonClass('secondary')}
                      disabled={confirm.isPending}
                      onClick={() => confirm.mutate(mandates.data.mandates[0]!.id)}
                    >
                      Yes, this customer is this contact
                    </button>
                  ) : null}
                  {confirm.error ? <ErrorPanel error={confirm.error} title="Nothing was linked" /> : null}
                </div>
              ) : mandates.data.found === 'linked' ? (
                <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="contact-mandates-linked">
                  Linked to this contact.
                </p>
              ) : null}
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {mandates.data.mandates.map((m) => {
                  const Status = mandateStatus.StatusBadge;
                  return (
                    <li
                      key={m.id}
                      data-testid={`contact-mandate-${m.id}`}
                      className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm"
                    >
                      <span className="font-mono text-xs">{m.id}</span>
                      <Status status={m.status} />
                      <span>{bankOf(m)}</span>
                      {m.nextPossibleChargeDate ? (
                        <span className="text-zinc-500 dark:text-zinc-400">
                          next charge from {formatDate(m.nextPossibleChargeDate)}
                        </span>
                      ) : null}
                      {m.reason ? <span className="text-red-700 dark:text-red-400">{m.reason}</span> : null}
                      {proposed ? (
                        <span className="text-zinc-500 dark:text-zinc-400">
                          {[m.customerName, m.customerEmail].filter(Boolean).join(' · ')}
                        </span>
                      ) : null}
                      {proposed && canSetUp && mandates.data.mandates.length > 1 ? (
                        <button
                          type="button"
                          data-testid={`contact-mandate-confirm-${m.id}`}
                          className={buttonClass('secondary', 'py-1 text-xs')}
                          disabled={confirm.isPending}
                          onClick={() => confirm.mutate(m.id)}
                        >
                          This customer is this contact
                        </button>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </div>
      )}
    </Card>
  );
}

/** A setup waiting for the customer: its link, followed every few seconds until GoCardless says how it ended. */
function OpenSetup({
  setup,
  onChange,
  canCancel,
}: {
  setup: MandateSetupRow;
  onChange: () => void;
  canCancel: boolean;
}) {
  const follow = useQuery({
    queryKey: [...queryKeys.mandates, 'setup', setup.id],
    queryFn: () => followGoCardlessMandateSetup(setup.id),
    refetchInterval: (q) => (q.state.data && !isOpen(q.state.data) ? false : FOLLOW_EVERY_MS),
  });
  const ended = follow.data && !isOpen(follow.data);
  useEffect(() => {
    if (ended) onChange();
  }, [ended, onChange]);
  const cancel = useMutation({ mutationFn: () => cancelGoCardlessMandateSetup(setup.id), onSuccess: onChange });
  const url = follow.data?.authorisationUrl ?? setup.authorisationUrl;
  return (
    <div
      data-testid="mandate-setup-waiting"
      className="space-y-2 rounded-md border border-accent-200 bg-accent-50 p-3 text-sm dark:border-accent-900/60 dark:bg-accent-950/40"
    >
      <p className="font-medium">Waiting for the customer to finish GoCardless&rsquo;s page</p>
      <p className="text-zinc-600 dark:text-zinc-300">
        It opened in your browser. If the customer is not with you, send them this link
        {setup.expiresAt ? ` (it works until ${formatDateTime(setup.expiresAt)})` : ''}:
      </p>
      {url ? (
        <input
          readOnly
          aria-label="Link to GoCardless's mandate page"
          data-testid="mandate-setup-link"
          value={url}
          onFocus={(e) => e.target.select()}
          className="block w-full rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        />
      ) : (
        <p className="text-zinc-500">GoCardless has not answered yet; trying again.</p>
      )}
      {follow.error ? <ErrorPanel error={follow.error} title="Could not ask GoCardless" /> : null}
      {cancel.error ? <ErrorPanel error={cancel.error} title="The page could not be cancelled" /> : null}
      {canCancel ? (
        <button
          type="button"
          data-testid="mandate-setup-cancel"
          className={buttonClass('ghost')}
          disabled={cancel.isPending}
          onClick={() => cancel.mutate()}
        >
          Cancel this page
        </button>
      ) : null}
    </div>
  );
}

function isOpen(s: MandateSetupRow): boolean {
  return s.status === 'waiting' || s.status === 'starting';
}
