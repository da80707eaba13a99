// A stand-in for Stripe.js in tests and Storybook, where the real script cannot be fetched. It
// answers what @stripe/react-stripe-js 7 and the portal call: `elements()` and its elements (the
// Payment Element renders a plain labelled field into its mount node), `confirmSetup`,
// `confirmCardPayment` / `confirmPayment`, and the wrapper registration. A 3D Secure challenge is a
// small dialog with "Complete" and "Fail" buttons. Stripe's test card numbers typed into the field
// behave as they do with Stripe (4000 0000 0000 0002 declines, 4000 0027 6000 3184 asks for 3DS).

import type { Stripe } from '@stripe/stripe-js';

export interface StripeStandInOptions {
  /**
   * The payment method a confirmed SetupIntent carries.
   * @default 'pm_card_visa'
   */
  paymentMethodId?: string;
  /** Every confirmation first shows a 3D Secure challenge to complete (or fail). */
  requireAction?: boolean;
  /** Every confirmation fails with this Stripe error. */
  failWith?: { code: string; message: string; declineCode?: string; type?: string };
}

/** One call the portal (or react-stripe-js) made, for tests to assert on. */
export interface StripeStandInCall {
  method: string;
  args: unknown[];
}

/** The stand-in: usable wherever a `Stripe` instance is, plus the calls it received. */
export type StripeStandIn = Stripe & {
  readonly calls: StripeStandInCall[];
  readonly isStandIn: true;
};

type Handler = (event: unknown) => void;

interface StandInElement {
  type: string;
  mounted: boolean;
  cardNumber(): string;
}

const DEFAULT_CARD = '4242 4242 4242 4242';
const DECLINES: Record<string, { code: string; declineCode: string; message: string }> = {
  '4000000000000002': {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  '4000000000009995': {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};
const NEEDS_AUTHENTICATION = new Set(['4000002760003184', '4000002500003155', '4000000000003220']);

/** Creates a fresh stand-in; give one to <BillingProvider stripe={...}>. */
export function createStripeStandIn(options: StripeStandInOptions = {}): StripeStandIn {
  const paymentMethodId = options.paymentMethodId ?? 'pm_card_visa';
  const calls: StripeStandInCall[] = [];
  // Each `elements()` group: its options (the client secret) and the elements created from it.
  const groups = new WeakMap<
    object,
    { options: Record<string, unknown>; elements: Map<string, StandInElement> }
  >();
  let sequence = 0;

  function record(method: string, args: unknown[]): void {
    calls.push({ method, args });
  }

  /** What the confirmation does: from the options first, then from the test card typed in. */
  async function outcome(card: string | null): Promise<{ error: Record<string, unknown> } | null> {
    if (options.failWith) {
      const { code, message, declineCode, type } = options.failWith;
      return { error: { type: type ?? 'card_error', code, message, decline_code: declineCode } };
    }
    const digits = (card ?? '').replace(/\D/g, '');
    const decline = DECLINES[digits];
    if (decline) {
      return {
        error: {
          type: 'card_error',
          code: decline.code,
          decline_code: decline.declineCode,
          message: decline.message,
        },
      };
    }
    if (options.requireAction || NEEDS_AUTHENTICATION.has(digits)) {
      const passed = await showChallenge();
      if (!passed) {
        return {
          error: {
            type: 'card_error',
            code: 'authentication_failure',
            message: 'We are unable to authenticate your payment method. Please choose a different one.',
          },
        };
      }
    }
    return null;
  }

  function cardIn(elementsGroup: unknown): string | null {
    const group = groups.get(elementsGroup as object);
    const payment = group?.elements.get('payment') ?? group?.elements.get('card');
    if (!payment) throw new Error('Stripe stand-in: confirm called without a Payment Element.');
    if (!payment.mounted)
      throw new Error('Stripe stand-in: confirm called before the Payment Element was mounted.');
    return payment.cardNumber();
  }

  function intentId(clientSecret: string | undefined, prefix: string): string {
    return clientSecret?.split('_secret_')[0] ?? `${prefix}_standin_${++sequence}`;
  }

  function elements(elementsOptions: Record<string, unknown> = {}) {
    record('elements', [elementsOptions]);
    const group = { options: { ...elementsOptions }, elements: new Map<string, StandInElement>() };
    const created = new Map<string, unknown>();
    const api = {
      create(type: string, elementOptions: Record<string, unknown> = {}) {
        record('elements.create', [type, elementOptions]);
        const element = createElement(type, `billkit-stripe-stand-in-${++sequence}`, () => {
          group.elements.delete(type);
          created.delete(type);
        });
        group.elements.set(type, element.state);
        created.set(type, element.api);
        return element.api;
      },
      getElement: (type: string) => created.get(type) ?? null,
      update(updates: Record<string, unknown>) {
        record('elements.update', [updates]);
        Object.assign(group.options, updates);
        return Promise.resolve();
      },
      fetchUpdates: () => Promise.resolve({}),
      submit: () => Promise.resolve({}),
      on: () => undefined,
    };
    groups.set(api, group);
    return api;
  }

  const standIn = {
    isStandIn: true as const,
    calls,
    elements,
    registerAppInfo: (info: unknown) => record('registerAppInfo', [info]),
    _registerWrapper: (wrapper: unknown) => record('_registerWrapper', [wrapper]),
    async confirmSetup(params: { elements?: unknown; clientSecret?: string; redirect?: string }) {
      record('confirmSetup', [params]);
      const clientSecret = params.clientSecret ?? clientSecretOf(params.elements);
      const failed = await outcome(params.elements ? cardIn(params.elements) : DEFAULT_CARD);
      if (failed) return failed;
      return {
        setupIntent: {
          id: intentId(clientSecret, 'seti'),
          object: 'setup_intent',
          client_secret: clientSecret ?? null,
          status: 'succeeded',
          payment_method: paymentMethodId,
          usage: 'off_session',
        },
      };
    },
    async confirmPayment(params: { elements?: unknown; clientSecret?: string; redirect?: string }) {
      record('confirmPayment', [params]);
      const clientSecret = params.clientSecret ?? clientSecretOf(params.elements);
      const failed = await outcome(params.elements ? cardIn(params.elements) : DEFAULT_CARD);
      if (failed) return failed;
      return { paymentIntent: paymentIntent(intentId(clientSecret, 'pi'), clientSecret) };
    },
    async confirmCardPayment(clientSecret: string, data?: unknown) {
      record('confirmCardPayment', [clientSecret, data]);
      const failed = await outcome(DEFAULT_CARD);
      if (failed) return failed;
      return { paymentIntent: paymentIntent(intentId(clientSecret, 'pi'), clientSecret) };
    },
    async confirmCardSetup(clientSecret: string, data?: unknown) {
      record('confirmCardSetup', [clientSecret, data]);
      const failed = await outcome(DEFAULT_CARD);
      if (failed) return failed;
      return {
        setupIntent: {
          id: intentId(clientSecret, 'seti'),
          object: 'setup_intent',
          status: 'succeeded',
          payment_method: paymentMethodId,
        },
      };
    },
    async handleNextAction(params: { clientSecret: string }) {
      record('handleNextAction', [params]);
      const failed = await outcome(DEFAULT_CARD);
      if (failed) return failed;
      return { paymentIntent: paymentIntent(intentId(params.clientSecret, 'pi'), params.clientSecret) };
    },
    async createPaymentMethod(params: unknown) {
      record('createPaymentMethod', [params]);
      return { paymentMethod: { id: paymentMethodId, object: 'payment_method', type: 'card' } };
    },
    async createToken(...args: unknown[]) {
      record('createToken', args);
      return {
        error: { type: 'invalid_request_error', message: 'The Stripe stand-in does not create tokens.' },
      };
    },
  };

  function clientSecretOf(elementsGroup: unknown): string | undefined {
    const secret = groups.get(elementsGroup as object)?.options.clientSecret;
    return typeof secret === 'string' ? secret : undefined;
  }

  // One cast, here: the stand-in implements the part of Stripe's large interface the portal and
  // @stripe/react-stripe-js use, which is all a test or a story reaches.
  return standIn as unknown as StripeStandIn;
}

function paymentIntent(id: string, clientSecret: string | undefined) {
  return { id, object: 'payment_intent', client_secret: clientSecret ?? null, status: 'succeeded' };
}

/** A Stripe element whose UI is a plain labelled field (for `payment` / `card`) or an empty box. */
function createElement(type: string, fieldId: string, onDestroy: () => void) {
  const listeners = new Map<string, Set<Handler>>();
  let node: HTMLElement | null = null;
  let input: HTMLInputElement | null = null;
  const state: StandInElement = {
    type,
    mounted: false,
    cardNumber: () => input?.value ?? DEFAULT_CARD,
  };

  function emit(event: string, payload: unknown): void {
    for (const handler of [...(listeners.get(event) ?? [])]) handler(payload);
  }

  const api = {
    mount(target: string | HTMLElement) {
      node = typeof target === 'string' ? document.querySelector<HTMLElement>(target) : target;
      if (!node) throw new Error(`Stripe stand-in: no element matches ${String(target)}.`);
      input = renderField(node, type, fieldId);
      input?.addEventListener('input', () =>
        emit('change', { elementType: type, empty: input?.value === '', complete: Boolean(input?.value) }),
      );
      input?.addEventListener('focus', () => emit('focus', { elementType: type }));
      input?.addEventListener('blur', () => emit('blur', { elementType: type }));
      state.mounted = true;
      // Stripe's elements report ready once their iframe has loaded; here, on the next tick.
      queueMicrotask(() => emit('ready', { elementType: type }));
    },
    unmount() {
      node?.replaceChildren();
      node = null;
      input = null;
      state.mounted = false;
    },
    destroy() {
      api.unmount();
      listeners.clear();
      onDestroy();
    },
    on(event: string, handler: Handler) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(handler);
      return api;
    },
    once(event: string, handler: Handler) {
      const wrapped: Handler = (payload) => {
        api.off(event, wrapped);
        handler(payload);
      };
      return api.on(event, wrapped);
    },
    off(event: string, handler?: Handler) {
      if (handler) listeners.get(event)?.delete(handler);
      else listeners.delete(event);
      return api;
    },
    update: () => undefined,
    focus: () => input?.focus(),
    blur: () => input?.blur(),
    clear() {
      if (input) input.value = '';
    },
    collapse: () => api,
  };
  return { api, state };
}

function renderField(node: HTMLElement, type: string, id: string): HTMLInputElement | null {
  const wrapper = document.createElement('div');
  wrapper.className = 'billkit-stripe-stand-in';
  node.replaceChildren(wrapper);
  if (type !== 'payment' && type !== 'card') return null;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = 'Card number (Stripe test stand-in)';
  const input = document.createElement('input');
  input.id = id;
  input.name = 'cardnumber';
  input.inputMode = 'numeric';
  input.autocomplete = 'off';
  input.value = DEFAULT_CARD;
  const note = document.createElement('p');
  note.textContent = 'A stand-in for Stripe’s Payment Element: no real card details are collected.';
  wrapper.append(label, input, note);
  return input;
}

/** The bank's 3D Secure page, reduced to a dialog with two buttons. Resolves true when completed. */
function showChallenge(): Promise<boolean> {
  return new Promise((resolve) => {
    const returnTo = document.activeElement as HTMLElement | null;
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-labelledby', 'billkit-stripe-stand-in-challenge');
    dialog.className = 'billkit-stripe-stand-in-challenge';
    const heading = document.createElement('h2');
    heading.id = 'billkit-stripe-stand-in-challenge';
    heading.textContent = '3D Secure test challenge';
    const complete = document.createElement('button');
    complete.type = 'button';
    complete.textContent = 'Complete authentication';
    const fail = document.createElement('button');
    fail.type = 'button';
    fail.textContent = 'Fail authentication';
    const finish = (passed: boolean) => {
      dialog.remove();
      returnTo?.focus();
      resolve(passed);
    };
    complete.addEventListener('click', () => finish(true));
    fail.addEventListener('click', () => finish(false));
    dialog.append(heading, complete, fail);
    document.body.append(dialog);
    complete.focus();
  });
}
