// The billing address printed on tax invoices, with the name and the ABN of a business customer.
// A changed address goes through the engine's address update, which re-taxes a live subscription
// (a customer who moves abroad stops paying GST from the next invoice).

import type { AddressInput, CustomerRecord } from '@billkit/core';
import { type AddressJson, portalRoutes, updateBillingAddressRequestSchema } from '../contract/index.js';
import { json } from '../http/responses.js';
import type { PortalDeps, PortalRoute } from './portal-context.js';
import { billingAddressJson } from './records-to-json.js';

export function billingAddressRoutes({ billing }: PortalDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      path: portalRoutes.billingAddress,
      value: async ({ user }) => {
        const customer = await billing.customers.get(user.userId);
        return json({ billingAddress: billingAddressJson(customer, user.email) });
      },
    },
    {
      method: 'PUT',
      path: portalRoutes.billingAddress,
      value: async ({ user, body }) => {
        const input = body(updateBillingAddressRequestSchema);
        const existing = await billing.customers.get(user.userId);
        const abn = input.abn === undefined ? undefined : input.abn.replace(/\s+/g, '');
        const details = {
          userId: user.userId,
          email: user.email,
          ...(input.name ? { name: input.name } : {}),
          // An empty ABN takes a saved one off (a customer who no longer buys as a business).
          ...(abn
            ? { taxId: { type: 'au_abn', value: abn } }
            : abn === '' && existing?.taxId
              ? { taxId: null }
              : {}),
        };
        const address = toEngineAddress(input.address);
        if (!existing) {
          const created = await billing.customers.ensure({ ...details, address });
          return json({ billingAddress: billingAddressJson(created, user.email) });
        }
        let customer = await billing.customers.ensure(details);
        if (!sameAddress(customer.address, address)) {
          customer = await billing.customers.updateBillingAddress(user.userId, address);
        }
        return json({ billingAddress: billingAddressJson(customer, user.email) });
      },
    },
  ];
}

function toEngineAddress(address: AddressJson): AddressInput {
  return {
    line1: address.line1,
    line2: address.line2 || null,
    city: address.city,
    state: address.state || null,
    postalCode: address.postalCode,
    country: address.country,
  };
}

function sameAddress(stored: CustomerRecord['address'], next: AddressInput): boolean {
  if (!stored) return false;
  return (
    stored.line1 === next.line1 &&
    stored.line2 === next.line2 &&
    stored.city === next.city &&
    stored.state === next.state &&
    stored.postalCode === next.postalCode &&
    stored.country === next.country
  );
}
