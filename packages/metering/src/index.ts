// @billkit/metering: what the host's external APIs cost, per provider, feature and customer. This
// file is the public API and nothing else.

export { createMetering } from './create-metering.js';
export { DEFAULT_PRICES, defaultPriceBook } from './default-prices.js';
export {
  type InputIssue,
  MeteringClosedError,
  MeteringInputError,
  MeteringWriteError,
  MissingExchangeRateError,
} from './errors.js';
export { definePriceBook } from './price-book.js';
export type {
  BudgetAlert,
  BudgetInput,
  BudgetStatus,
  CostDimension,
  CostQuery,
  CostRow,
  FxTable,
  Metering,
  MeteringOptions,
  MeteringStats,
  PriceBook,
  PriceInput,
  ProviderRoute,
  ProviderRoutes,
  QuotaLimit,
  QuotaOptions,
  QuotaStatus,
  TimeseriesQuery,
  TimeseriesRow,
  Units,
  UsageInput,
  WrapDescription,
} from './types.js';
export { openAIUnits } from './wrap.js';
