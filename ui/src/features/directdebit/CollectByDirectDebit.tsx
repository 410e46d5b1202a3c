import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { Card } from '../../components/ui/Card';
import { ErrorPanel } from '../../components/ui/ErrorPanel';
import { buttonClass, fieldInput, fieldLabel, linkClass } from '../../components/ui/styles';
import type { InvoiceRow } from '../../lib/bindings';
import { formatMoney } from '../../lib/format';
import { collectInvoice, goCardlessContactMandates } from '../../lib/ipc';
import { queryKeys } from '../../lib/queryKeys';
import { useCan } from '../session/useSession';
import { isCollectable } from './collectable';

/** The GoCardless mandate statuses a payment can be created on (Rust's `mandate_usable`). */
const USABLE = ['pending_submission', 'submitted', 'active'];

type Via = 'gocardless' | 'saferpay';

/**
 * "Collect by direct debit" on an unpaid invoice: the amount due, from the mandate of its contact, through the chosen
 * provider. Rust finds the mandate, refuses a second collection of the invoice and writes the collection with its
 * outbox item; the collection's page then follows it to the bank.
 */
export function CollectByDirectDebit({ row }: { row: InvoiceRow }) {
  const canCollect = useCan('collect_payments');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [via, setVia] = useState<Via>('gocardless');
  const [chargeDate, setChargeDate] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const dateId = useId();
  // A GoCardless customer found only by the contact's email or name is debited once a person says it is this contact.
  const contactMandates = useQuery({
    queryKey: [...queryKeys.mandates, 'contact', row.organisationId, row.contactId ?? ''],
    queryFn: () => goCardlessContactMandates(row.organisationId, row.contactId ?? ''),
    enabled: canCollect && via === 'gocardless' && !!row.contactId,
  });
  const found = contactMandates.data?.found;
  const usable = contactMandates.data?.mandates.filter((m) => USABLE.includes(m.status)) ?? [];
  // Rust collects from the one usable mandate of a customer found by email or name; several are refused as ambiguous.
  const matched = via === 'gocardless' && (found === 'email' || found === 'name') && usable.length === 1 ? usable[0] : undefined;
  const collect = useMutation({
    mutationFn: () =>
      collectInvoice(row.organisationId, row.invoiceId, via, chargeDate === '' ? null : chargeDate, confirmed),
    onSuccess: (detail) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.collections });
      void queryClient.invalidateQueries({ queryKey: queryKeys.mandates });
      void navigate(`/direct-debit/${detail.collection.id}`);
    },
  });
  if (!canCollect || !isCollectable(row)) return null;
  return (
    <Card
      title="Collect by direct debit"
      description="The amount due is collected from the SEPA mandate of this contact, once; the collection's page follows it to the bank."
    >
      <form
        data-testid="collect-direct-debit"
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          collect.mutate();
        }}
      >
        <fieldset className="flex flex-wrap gap-4">
          <legend className={fieldLabel}>Through</legend>
          {(
            [
              ['gocardless', 'GoCardless'],
              ['saferpay', 'Saferpay'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="via"
                value={value}
                data-testid={`collect-via-${value}`}
                checked={via === value}
                onChange={() => {
                  collect.reset();
                  setVia(value);
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div className="max-w-xs">
          <label htmlFor={dateId} className={fieldLabel}>
            Charge date (optional)
          </label>
          <input
            id={dateId}
            type="date"
            data-testid="collect-charge-date"
            value={chargeDate}
            onChange={(e) => {
              collect.reset();
              setChargeDate(e.target.value);
            }}
            className={fieldInput}
          />
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">Empty: the earliest day the scheme allows.</p>
        </div>
        {matched ? (
          <label className="flex items-start gap-2 text-sm" data-testid="collect-confirm-match-label">
            <input
              type="checkbox"
              data-testid="collect-confirm-match"
              checked={confirmed}
              onChange={(e) => {
                collect.reset();
                setConfirmed(e.target.checked);
              }}
              className="mt-0.5"
            />
            <span>
              GoCardless customer {matched.customerName ?? matched.customerEmail ?? matched.id} was found by{' '}
              {row.contactName}&rsquo;s {found === 'name' ? 'name' : 'email address'}. They are the same customer: link
              them and collect from mandate {matched.id}.
            </span>
          </label>
        ) : null}
        {collect.error ? <ErrorPanel error={collect.error} title="This invoice cannot be collected" /> : null}
        {row.contactId ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">
            No mandate yet?{' '}
            <Link
              to={`/contacts/${row.organisationId}/${row.contactId}`}
              data-testid="collect-contact-mandates"
              className={linkClass}
            >
              Set one up on {row.contactName}&rsquo;s page
            </Link>
            .
          </p>
        ) : null}
        <button
          type="submit"
          data-testid="collect-submit"
          disabled={collect.isPending || (!!matched && !confirmed)}
          className={buttonClass('primary')}
        >
          {collect.isPending ? 'Collecting…' : `Collect ${formatMoney(row.amountDue, row.currency)}`}
        </button>
      </form>
    </Card>
  );
}
