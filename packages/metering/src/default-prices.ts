// The price book metering ships with: OpenAI's published list prices (USD per million tokens) and
// ILLUSTRATIVE per-request prices for address providers. Replace them with your contract's:
// copy DEFAULT_PRICES, edit, and pass the result to definePriceBook.

import { definePriceBook } from './price-book.js';
import type { PriceBook, PriceInput } from './types.js';

const SINCE = '2025-01-01';

/** Input, cached input and output prices of one OpenAI chat model, per million tokens. */
function openAIChat(model: string, input: string, cachedInput: string, output: string): PriceInput[] {
  const line = (unit: string, price: string): PriceInput => ({
    provider: 'openai',
    operation: 'chat',
    model,
    unit,
    price,
    per: 1_000_000,
    currency: 'USD',
    from: SINCE,
  });
  return [
    line('input_tokens', input),
    line('cached_input_tokens', cachedInput),
    line('output_tokens', output),
  ];
}

function openAIEmbedding(model: string, input: string): PriceInput {
  return {
    provider: 'openai',
    operation: 'embeddings',
    model,
    unit: 'input_tokens',
    price: input,
    per: 1_000_000,
    currency: 'USD',
    from: SINCE,
  };
}

/** One request to an address provider. The prices are placeholders, not anyone's list price. */
function perRequest(provider: string, price: string, currency: string): PriceInput {
  return {
    provider,
    operation: 'address-validation',
    unit: 'requests',
    price,
    per: 1,
    currency,
    from: SINCE,
  };
}

/**
 * The default entries. OpenAI: list prices (`input_tokens` is the non-cached input, as
 * `openAIUnits` reports it; Chat Completions and Responses calls are both operation 'chat').
 * Address providers: illustrative per-request prices; the host must put its contract's.
 */
export const DEFAULT_PRICES: readonly PriceInput[] = Object.freeze([
  ...openAIChat('gpt-4.1', '2.00', '0.50', '8.00'),
  ...openAIChat('gpt-4.1-mini', '0.40', '0.10', '1.60'),
  ...openAIChat('gpt-4.1-nano', '0.10', '0.025', '0.40'),
  ...openAIChat('gpt-4o', '2.50', '1.25', '10.00'),
  ...openAIChat('gpt-4o-mini', '0.15', '0.075', '0.60'),
  openAIEmbedding('text-embedding-3-small', '0.02'),
  openAIEmbedding('text-embedding-3-large', '0.13'),
  // Illustrative only: replace with the prices of your Geoscape / Smarty / Google agreements.
  perRequest('geoscape', '0.02', 'AUD'),
  perRequest('smartystreets', '0.01', 'USD'),
  perRequest('google', '0.017', 'USD'),
]);

/** The default price book (see DEFAULT_PRICES), with `extra` entries added after it. */
export function defaultPriceBook(extra: readonly PriceInput[] = []): PriceBook {
  return definePriceBook([...DEFAULT_PRICES, ...extra]);
}
