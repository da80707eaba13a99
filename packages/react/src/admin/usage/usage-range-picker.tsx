// "This month / Last 3 months / Last 12 months" as a radio group, like the admin dashboard's picker:
// one tab stop, arrow keys move between the choices.

import { type ReactNode, useId } from 'react';
import { useAdminContext } from '../provider/admin-context.js';
import { USAGE_RANGE_MONTHS, type UsageRangeMonths } from './usage-range.js';

export interface UsageRangePickerProps {
  value: UsageRangeMonths;
  onChange(months: UsageRangeMonths): void;
}

export function UsageRangePicker({ value, onChange }: UsageRangePickerProps): ReactNode {
  const { messages } = useAdminContext();
  const name = useId();
  return (
    <fieldset className="billkit-interval-toggle billkit-range-picker">
      <legend>{messages.range.legend}</legend>
      {USAGE_RANGE_MONTHS.map((months) => (
        <label key={months} className="billkit-toggle-option">
          <input
            type="radio"
            name={name}
            value={months}
            checked={value === months}
            onChange={() => onChange(months)}
          />
          {months === 1 ? messages.usage.thisMonth : messages.range.months(months)}
        </label>
      ))}
    </fieldset>
  );
}
