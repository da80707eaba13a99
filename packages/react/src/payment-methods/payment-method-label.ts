// How a saved payment method is named to the customer: "Visa ending in 4242", from the messages.

import type { PaymentMethodJson } from '@billkit/server/contract';
import type { BillingMessages } from '../messages/default-messages.js';

export function paymentMethodLabel(method: PaymentMethodJson, messages: BillingMessages): string {
  const m = messages.paymentMethods;
  const kind = method.brand
    ? (m.brands[method.brand] ?? capitalise(method.brand))
    : (m.types[method.type] ?? capitalise(method.type.replaceAll('_', ' ')));
  return m.label(kind, method.last4);
}

export function walletLabel(method: PaymentMethodJson, messages: BillingMessages): string | null {
  if (!method.wallet) return null;
  const m = messages.paymentMethods;
  return m.viaWallet(m.wallets[method.wallet] ?? capitalise(method.wallet.replaceAll('_', ' ')));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
