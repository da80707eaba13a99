// The billing address form's checks, run before anything is sent: required fields, an Australian
// state and 4-digit postcode for AU, and an ABN of 11 digits that passes the ATO's checksum.

import type { UpdateBillingAddressRequest } from '@billkit/server/contract';
import type { BillingMessages } from '../messages/default-messages.js';

export interface AddressFormValues {
  name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  business: boolean;
  abn: string;
}

export type AddressField = Exclude<keyof AddressFormValues, 'business'>;
export type AddressErrors = Partial<Record<AddressField, string>>;

export const AU_STATES = ['ACT', 'NSW', 'NT', 'QLD', 'SA', 'TAS', 'VIC', 'WA'] as const;

const ABN_WEIGHTS = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

/** The ATO's check: subtract 1 from the first digit, weight the digits, the sum divides by 89. */
export function isValidAbn(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const sum = [...digits].reduce((total, digit, index) => {
    const value = Number(digit) - (index === 0 ? 1 : 0);
    return total + value * (ABN_WEIGHTS[index] ?? 0);
  }, 0);
  return sum % 89 === 0;
}

/** The problems with `values`, one message per field, in the form's order. */
export function validateAddress(values: AddressFormValues, messages: BillingMessages): AddressErrors {
  const m = messages.address.errors;
  const errors: AddressErrors = {};
  const australian = values.country === 'AU';
  if (!values.name.trim()) errors.name = m.name;
  if (!values.line1.trim()) errors.line1 = m.line1;
  if (!values.city.trim()) errors.city = m.city;
  if (australian && !(AU_STATES as readonly string[]).includes(values.state)) errors.state = m.state;
  if (!values.postalCode.trim()) errors.postalCode = m.postalCode;
  else if (australian && !/^\d{4}$/.test(values.postalCode.trim())) errors.postalCode = m.postalCodeAu;
  if (!/^[A-Z]{2}$/.test(values.country)) errors.country = m.country;
  if (values.business) {
    const digits = values.abn.replace(/\s/g, '');
    if (!digits) errors.abn = m.abnRequired;
    else if (!/^\d{11}$/.test(digits)) errors.abn = m.abnDigits;
    else if (!isValidAbn(digits)) errors.abn = m.abnChecksum;
  }
  return errors;
}

/**
 * The request body for valid `values`. A private customer sends no ABN; one who had an ABN and
 * unticked "business" sends it empty, asking the server to remove it.
 */
export function toUpdateRequest(values: AddressFormValues, hadAbn: boolean): UpdateBillingAddressRequest {
  const abn = values.business ? values.abn.replace(/\s/g, '') : hadAbn ? '' : undefined;
  return {
    name: values.name.trim(),
    address: {
      line1: values.line1.trim(),
      line2: values.line2.trim() || null,
      city: values.city.trim(),
      state: values.state.trim() || null,
      postalCode: values.postalCode.trim(),
      country: values.country,
    },
    ...(abn === undefined ? {} : { abn }),
  };
}

/** Which form field a server error's `param` names (`address.postalCode` → `postalCode`). */
export function fieldForParam(param: string | undefined): AddressField | null {
  if (!param) return null;
  const field = param.replace(/^address\./, '');
  const fields: AddressField[] = ['name', 'line1', 'line2', 'city', 'state', 'postalCode', 'country', 'abn'];
  return (fields as string[]).includes(field) ? (field as AddressField) : null;
}
