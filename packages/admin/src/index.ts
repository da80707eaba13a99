// @billkit/admin: what operators and the finance person use instead of Stripe's dashboard.

export type { Admin, DateInput, RangeInput } from './admin.js';
export { type AdminOptions, adminActor, createAdmin } from './create-admin.js';
export { decimal, toCsv } from './csv.js';
export { DEFAULT_ACCOUNTS, type JournalAccounts } from './journal.js';
export type {
  ApiCostSource,
  CustomerDetail,
  CustomerProfit,
  Forecast,
  ForecastMonth,
  GstPeriod,
  GstReport,
  JournalLine,
  Metrics,
  MrrMonth,
  Profitability,
  RecognitionMonth,
  RecognitionReport,
} from './types.js';
