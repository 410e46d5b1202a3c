import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { statusBadge } from './statusBadge';

const payment = statusBadge<string>({
  PAID: { tone: 'success', label: 'Paid' },
  LATE: { tone: 'warning', label: 'Late', title: 'Past its due date' },
});

describe('statusBadge', () => {
  it('shows a known status in words and tone, with the provider code or its own title on hover', () => {
    render(
      <>
        <payment.StatusBadge status="PAID" />
        <payment.StatusBadge status="LATE" />
      </>,
    );
    expect(screen.getByText('Paid')).toHaveAttribute('data-tone', 'success');
    expect(screen.getByText('Paid')).toHaveAttribute('title', 'PAID');
    expect(screen.getByText('Late')).toHaveAttribute('title', 'Past its due date');
    expect(payment.label('LATE')).toBe('Late');
  });

  it('shows a status a newer API sends as sent, in the neutral tone, so nothing is hidden', () => {
    render(<payment.StatusBadge status="REFUNDED" />);
    expect(screen.getByText('REFUNDED')).toHaveAttribute('data-tone', 'neutral');
    expect(payment.label('REFUNDED')).toBe('REFUNDED');
  });

  it('keeps the hover empty for the app’s own status words when asked', () => {
    const own = statusBadge<'active'>({ active: { tone: 'success', label: 'Active' } }, { codeAsTitle: false });
    render(<own.StatusBadge status="active" />);
    expect(screen.getByText('Active')).not.toHaveAttribute('title');
  });
});
