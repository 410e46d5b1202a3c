import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';

import { Card } from '../../components/ui/Card';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { Loading } from '../../components/ui/Loading';
import { buttonClass, fieldInput, fieldLabel } from '../../components/ui/styles';
import { formatDateTime } from '../../lib/format';
import { recordSaferpayMandate, saferpayContactMandates } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';
import { bankOf } from './status';
import { useCan } from '../session/useSession';

/**
 * A contact's SEPA mandates for Saferpay debits. Saferpay keeps no mandates: the customer signs the business's own
 * mandate text and the app records it, with a MandateId it makes. The IBAN goes to Rust and stays in the vault; the
 * window gets back its last four characters.
 */
export function SaferpayMandatesCard(props: { organisationId: string; contactId: string; contactName: string }) {
  const { organisationId, contactId } = props;
  const canRecord = useCan('collect_payments');
  const queryClient = useQueryClient();
  const key = [...queryKeys.mandates, 'saferpay-contact', organisationId, contactId];
  const mandates = useQuery({ queryKey: key, queryFn: () => saferpayContactMandates(organisationId, contactId) });
  const [open, setOpen] = useState(false);
  return (
    <Card
      title="Saferpay SEPA mandates"
      description="Mandates this customer signed for debits through Saferpay."
      actions={
        canRecord && !open ? (
          <button type="button" data-testid="saferpay-mandate-new" className={buttonClass('secondary')} onClick={() => setOpen(true)}>
            Record a signed mandate
          </button>
        ) : null
      }
    >
      <div className="space-y-4" data-testid="saferpay-contact-mandates">
        {open ? (
          <RecordMandate
            {...props}
            onDone={() => {
              setOpen(false);
              void queryClient.invalidateQueries({ queryKey: queryKeys.mandates });
            }}
            onCancel={() => setOpen(false)}
          />
        ) : null}
        {mandates.isPending ? (
          <Loading label="Loading mandates…" />
        ) : mandates.error ? (
          <ErrorPanel error={mandates.error} title="Could not load the Saferpay mandates" />
        ) : mandates.data.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">No Saferpay mandate recorded for this contact.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {mandates.data.map((m) => (
              <li key={m.id} data-testid={`saferpay-mandate-${m.id}`} className="flex flex-wrap gap-x-4 py-2 text-sm">
                <span className="font-mono text-xs">{m.id}</span>
                <span>{m.customerName}</span>
                <span>{bankOf(m)}</span>
                {m.createdAt ? <span className="text-zinc-500 dark:text-zinc-400">signed {formatDateTime(m.createdAt)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

function RecordMandate({
  organisationId,
  contactId,
  contactName,
  onDone,
  onCancel,
}: {
  organisationId: string;
  contactId: string;
  contactName: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [holder, setHolder] = useState(contactName);
  const [iban, setIban] = useState('');
  const [bank, setBank] = useState('');
  const [signed, setSigned] = useState(false);
  const ids = { holder: useId(), iban: useId(), bank: useId(), signed: useId() };
  const record = useMutation({
    mutationFn: () =>
      recordSaferpayMandate({
        organisationId,
        contactId,
        holder,
        iban,
        bank: bank.trim() === '' ? null : bank,
        customerSigned: signed,
      }),
    onSuccess: () => {
      setIban('');
      onDone();
    },
  });
  return (
    <form
      data-testid="saferpay-mandate-form"
      className="grid gap-3 rounded-md border border-zinc-200 p-3 sm:grid-cols-3 dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        record.mutate();
      }}
    >
      <div>
        <label htmlFor={ids.holder} className={fieldLabel}>Account holder</label>
        <input id={ids.holder} data-testid="saferpay-mandate-holder" value={holder} maxLength={50} onChange={(e) => setHolder(e.target.value)} className={fieldInput} />
      </div>
      <div>
        <label htmlFor={ids.iban} className={fieldLabel}>IBAN</label>
        <input id={ids.iban} data-testid="saferpay-mandate-iban" value={iban} autoComplete="off" spellCheck={false} onChange={(e) => setIban(e.target.value)} className={fieldInput} />
      </div>
      <div>
        <label htmlFor={ids.bank} className={fieldLabel}>Bank (optional)</label>
        <input id={ids.bank} data-testid="saferpay-mandate-bank" value={bank} onChange={(e) => setBank(e.target.value)} className={fieldInput} />
      </div>
      <label htmlFor={ids.signed} className="flex items-center gap-2 text-sm sm:col-span-3">
        <input id={ids.signed} type="checkbox" data-testid="saferpay-mandate-signed" checked={signed} onChange={(e) => setSigned(e.target.checked)} />
        The customer signed the SEPA mandate text for this account.
      </label>
      {record.error ? (
        <div className="sm:col-span-3">
          <ErrorPanel error={record.error} title="The mandate was not recorded" />
        </div>
      ) : null}
      <div className="flex gap-2 sm:col-span-3">
        <button type="submit" data-testid="saferpay-mandate-save" disabled={record.isPending || !signed} className={buttonClass('primary')}>
          {record.isPending ? 'Recording…' : 'Record mandate'}
        </button>
        <button type="button" className={buttonClass('ghost')} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
