// The billing address and, for a business, its ABN. Checked in the browser first (messages next
// to each field, focus on the first problem), then saved with PUT /billing-address; a field the
// server rejects gets the message too.

import type { BillingAddressJson } from '@billkit/server/contract';
import { type FormEvent, type ReactNode, useId, useMemo, useRef, useState } from 'react';
import { isBillingApiError } from '../client/billing-api-error.js';
import { describeError } from '../messages/describe-error.js';
import { type BillingContextValue, useBillingContext } from '../provider/billing-context.js';
import { LiveStatus } from '../ui/live-status.js';
import { QueryStatus } from '../ui/query-status.js';
import { sectionClass } from '../ui/section-class.js';
import { useAction } from '../ui/use-action.js';
import {
  type AddressErrors,
  type AddressField,
  type AddressFormValues,
  AU_STATES,
  fieldForParam,
  toUpdateRequest,
  validateAddress,
} from './address-validation.js';
import { countryOptions, DEFAULT_COUNTRIES } from './countries.js';
import { useBillingAddress } from './use-billing-address.js';

export interface BillingAddressFormProps {
  /**
   * The countries offered (ISO 3166-1 alpha-2), named in the provider's locale.
   * @default a list of about forty, Australia and New Zealand among them
   */
  countries?: readonly string[];
  /** After the address is saved. */
  onSaved?(billingAddress: BillingAddressJson): void;
  className?: string;
}

const FIELD_ORDER: AddressField[] = [
  'name',
  'line1',
  'line2',
  'city',
  'country',
  'state',
  'postalCode',
  'abn',
];

/** The billing address form, filled with what the server has. */
export function BillingAddressForm({ countries, onSaved, className }: BillingAddressFormProps): ReactNode {
  const context = useBillingContext();
  const m = context.messages.address;
  const headingId = useId();
  const query = useBillingAddress();
  return (
    <section className={sectionClass('billkit-address', className)} aria-labelledby={headingId}>
      <h2 id={headingId} className="billkit-heading">
        {m.heading}
      </h2>
      <QueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {query.billingAddress ? (
        <AddressForm
          context={context}
          headingId={headingId}
          initial={query.billingAddress}
          countries={countries ?? DEFAULT_COUNTRIES}
          update={query.update}
          onSaved={onSaved}
        />
      ) : null}
    </section>
  );
}

interface AddressFormProps {
  context: BillingContextValue;
  headingId: string;
  initial: BillingAddressJson;
  countries: readonly string[];
  update: ReturnType<typeof useBillingAddress>['update'];
  onSaved: ((billingAddress: BillingAddressJson) => void) | undefined;
}

function AddressForm({
  context,
  headingId,
  initial,
  countries,
  update,
  onSaved,
}: AddressFormProps): ReactNode {
  const { messages, format } = context;
  const m = messages.address;
  const id = useId();
  const status = useAction();
  const [values, setValues] = useState<AddressFormValues>(() => initialValues(initial, format.locale));
  const [errors, setErrors] = useState<AddressErrors>({});
  const fields = useRef<Partial<Record<AddressField, HTMLInputElement | HTMLSelectElement | null>>>({});
  const options = useMemo(
    () => countryOptions(countries, format.locale, values.country),
    [countries, format.locale, values.country],
  );
  const australian = values.country === 'AU';

  const set = (field: keyof AddressFormValues, value: string | boolean) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (field !== 'business') setErrors((current) => ({ ...current, [field]: undefined }));
    else if (!value) setErrors((current) => ({ ...current, abn: undefined }));
  };

  const focusFirst = (found: AddressErrors) => {
    const first = FIELD_ORDER.find((field) => found[field]);
    if (first) fields.current[first]?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateAddress(values, messages);
    setErrors(found);
    const count = Object.values(found).filter(Boolean).length;
    if (count > 0) {
      status.announce({ tone: 'error', text: m.fixErrors(count) });
      focusFirst(found);
      return;
    }
    let saved: BillingAddressJson | null = null;
    await status.run('save', async () => {
      try {
        saved = await update(toUpdateRequest(values, Boolean(initial.abn)));
      } catch (error) {
        const field = isBillingApiError(error) ? fieldForParam(error.param) : null;
        if (field) {
          const rejected = { [field]: describeError(error, messages) };
          setErrors(rejected);
          focusFirst(rejected);
        }
        throw error;
      }
      return m.saved;
    });
    if (saved) onSaved?.(saved);
  };

  const fieldProps = (field: AddressField, hint?: boolean) => {
    const described = [hint ? `${id}-${field}-hint` : null, errors[field] ? `${id}-${field}-error` : null]
      .filter(Boolean)
      .join(' ');
    return {
      id: `${id}-${field}`,
      ref: (element: HTMLInputElement | HTMLSelectElement | null) => {
        fields.current[field] = element;
      },
      'aria-invalid': errors[field] ? true : undefined,
      'aria-describedby': described || undefined,
    };
  };

  return (
    <form className="billkit-form" aria-labelledby={headingId} noValidate onSubmit={submit}>
      <Field id={`${id}-name`} label={m.name} error={errors.name}>
        <input
          {...fieldProps('name')}
          className="billkit-input"
          autoComplete="name"
          required
          value={values.name}
          onChange={(e) => set('name', e.target.value)}
        />
      </Field>
      <Field id={`${id}-line1`} label={m.line1} error={errors.line1}>
        <input
          {...fieldProps('line1')}
          className="billkit-input"
          autoComplete="billing address-line1"
          required
          value={values.line1}
          onChange={(e) => set('line1', e.target.value)}
        />
      </Field>
      <Field id={`${id}-line2`} label={m.line2} error={errors.line2}>
        <input
          {...fieldProps('line2')}
          className="billkit-input"
          autoComplete="billing address-line2"
          value={values.line2}
          onChange={(e) => set('line2', e.target.value)}
        />
      </Field>
      <Field id={`${id}-city`} label={m.city} error={errors.city}>
        <input
          {...fieldProps('city')}
          className="billkit-input"
          autoComplete="billing address-level2"
          required
          value={values.city}
          onChange={(e) => set('city', e.target.value)}
        />
      </Field>
      <Field id={`${id}-country`} label={m.country} error={errors.country}>
        <select
          {...fieldProps('country')}
          className="billkit-input billkit-select"
          autoComplete="billing country"
          required
          value={values.country}
          onChange={(e) => set('country', e.target.value)}
        >
          <option value="">{m.chooseCountry}</option>
          {options.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </Field>
      <div className="billkit-field-row">
        {australian ? (
          <Field id={`${id}-state`} label={m.state} error={errors.state}>
            <select
              {...fieldProps('state')}
              className="billkit-input billkit-select"
              autoComplete="billing address-level1"
              required
              value={values.state}
              onChange={(e) => set('state', e.target.value)}
            >
              <option value="">{m.chooseState}</option>
              {AU_STATES.map((code) => (
                <option key={code} value={code}>
                  {m.auStates[code]}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field id={`${id}-state`} label={m.region} error={errors.state}>
            <input
              {...fieldProps('state')}
              className="billkit-input"
              autoComplete="billing address-level1"
              value={values.state}
              onChange={(e) => set('state', e.target.value)}
            />
          </Field>
        )}
        <Field id={`${id}-postalCode`} label={m.postalCode} error={errors.postalCode}>
          <input
            {...fieldProps('postalCode')}
            className="billkit-input billkit-input--short"
            autoComplete="billing postal-code"
            inputMode={australian ? 'numeric' : undefined}
            required
            value={values.postalCode}
            onChange={(e) => set('postalCode', e.target.value)}
          />
        </Field>
      </div>
      <div className="billkit-field billkit-field--checkbox">
        <input
          id={`${id}-business`}
          type="checkbox"
          className="billkit-checkbox"
          checked={values.business}
          onChange={(e) => set('business', e.target.checked)}
        />
        <label htmlFor={`${id}-business`} className="billkit-label">
          {m.business}
        </label>
      </div>
      {values.business ? (
        <Field id={`${id}-abn`} label={m.abn} error={errors.abn} hint={m.abnHint}>
          <input
            {...fieldProps('abn', true)}
            className="billkit-input"
            inputMode="numeric"
            autoComplete="off"
            required
            value={values.abn}
            onChange={(e) => set('abn', e.target.value)}
          />
        </Field>
      ) : null}
      <div className="billkit-actions">
        <button
          type="submit"
          className="billkit-button billkit-button--primary"
          disabled={status.pending !== null}
        >
          {status.pending === 'save' ? m.saving : m.save}
        </button>
      </div>
      <LiveStatus outcome={status.outcome} />
    </form>
  );
}

interface FieldProps {
  id: string;
  label: string;
  error: string | undefined;
  hint?: string;
  children: ReactNode;
}

/** A label, the control, an optional hint and the field's error; ids match the control's aria. */
function Field({ id, label, error, hint, children }: FieldProps): ReactNode {
  return (
    <div className={error ? 'billkit-field billkit-field--invalid' : 'billkit-field'}>
      <label htmlFor={id} className="billkit-label">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="billkit-hint">
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p id={`${id}-error`} className="billkit-field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function initialValues(saved: BillingAddressJson, locale: string): AddressFormValues {
  const address = saved.address;
  return {
    name: saved.name ?? '',
    line1: address?.line1 ?? '',
    line2: address?.line2 ?? '',
    city: address?.city ?? '',
    state: address?.state ?? '',
    postalCode: address?.postalCode ?? '',
    country: address?.country ?? regionOf(locale),
    business: Boolean(saved.abn),
    abn: saved.abn ?? '',
  };
}

/** 'en-AU' → 'AU': an empty form starts in the reader's country. */
function regionOf(locale: string): string {
  try {
    return new Intl.Locale(locale).maximize().region ?? '';
  } catch {
    return '';
  }
}
