// "Last 3 / 6 / 12 months" as a radio group: one tab stop, arrow keys move between the choices.

import { type ReactNode, useId } from 'react';
import { useAdminContext } from '../provider/admin-context.js';
import { RANGE_MONTHS, type RangeMonths } from './metrics-range.js';

export interface RangePickerProps {
  value: RangeMonths;
  onChange(months: RangeMonths): void;
}

export function RangePicker({ value, onChange }: RangePickerProps): ReactNode {
  const { messages } = useAdminContext();
  const name = useId();
  return (
    <fieldset className="billkit-interval-toggle billkit-range-picker">
      <legend>{messages.range.legend}</legend>
      {RANGE_MONTHS.map((months) => (
        <label key={months} className="billkit-toggle-option">
          <input
            type="radio"
            name={name}
            value={months}
            checked={value === months}
            onChange={() => onChange(months)}
          />
          {messages.range.months(months)}
        </label>
      ))}
    </fieldset>
  );
}
