// The labelled fields of the admin dialogs: a text (or number, date) input, a text area, a select
// and a radio group; each ties its hint and error to the control (aria-describedby, aria-invalid).

import { type ReactNode, useId } from 'react';

interface FieldBase {
  label: string;
  hint?: string;
  error?: string | null;
}

export interface TextFieldProps extends FieldBase {
  value: string;
  onChange(value: string): void;
  /** @default 'text' */
  type?: 'text' | 'number' | 'date';
  inputMode?: 'decimal' | 'numeric' | 'text';
  min?: string | number;
  max?: string | number;
  multiline?: boolean;
  short?: boolean;
  required?: boolean;
}

export function TextField(props: TextFieldProps): ReactNode {
  const id = useId();
  const hintId = useId();
  const errorId = useId();
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ');
  const common = {
    id,
    value: props.value,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-required': props.required || undefined,
  };
  return (
    <div className="billkit-field">
      <label htmlFor={id} className="billkit-label">
        {props.label}
      </label>
      {props.hint ? (
        <p id={hintId} className="billkit-hint">
          {props.hint}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea
          {...common}
          className="billkit-input billkit-textarea"
          rows={3}
          onChange={(event) => props.onChange(event.target.value)}
        />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          inputMode={props.inputMode}
          min={props.min}
          max={props.max}
          className={`billkit-input${props.short ? ' billkit-input--short' : ''}`}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
      {props.error ? (
        <p id={errorId} className="billkit-field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export interface SelectFieldProps extends FieldBase {
  value: string;
  onChange(value: string): void;
  options: Array<{ value: string; label: string }>;
}

export function SelectField(props: SelectFieldProps): ReactNode {
  const id = useId();
  const errorId = useId();
  return (
    <div className="billkit-field">
      <label htmlFor={id} className="billkit-label">
        {props.label}
      </label>
      <select
        id={id}
        className="billkit-input"
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error ? (
        <p id={errorId} className="billkit-field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export interface RadioGroupProps<T extends string> {
  legend: string;
  value: T;
  onChange: (value: NoInfer<T>) => void;
  options: Array<{ value: NoInfer<T>; label: string }>;
}

export function RadioGroup<T extends string>(props: RadioGroupProps<T>): ReactNode {
  const name = useId();
  return (
    <fieldset className="billkit-fieldset">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option.value} className="billkit-choice">
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={props.value === option.value}
            onChange={() => props.onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
