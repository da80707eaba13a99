// The finance reports over a range: GST for the BAS (`GET /reports/gst`), revenue recognition
// (`GET /revenue/recognition`), profitability, and the forecast (`GET /forecast?months=`).

import type { QueryResult } from '../../provider/use-query.js';
import { adminPaths } from '../client/admin-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import type {
  DateRangeQuery,
  ForecastJson,
  GstReportJson,
  GstReportQuery,
  ProfitabilityJson,
  RecognitionReportJson,
} from '../wire.js';

/** GST collected and refunded per quarter or month, cash basis, with the BAS labels (G1, G2, 1A). */
export function useGstReport(query: GstReportQuery): QueryResult<GstReportJson> {
  const { client } = useAdminContext();
  return useAdminQuery(adminPaths.gstReport(query), () => client.getGstReport(query));
}

/** Revenue billed, earned and deferred per month. */
export function useRevenueRecognition(range: DateRangeQuery): QueryResult<RecognitionReportJson> {
  const { client } = useAdminContext();
  return useAdminQuery(adminPaths.revenueRecognition(range), () => client.getRecognition(range));
}

/** Revenue, refunds, fees and API costs, in all and per customer. */
export function useProfitability(range: DateRangeQuery): QueryResult<ProfitabilityJson> {
  const { client } = useAdminContext();
  return useAdminQuery(adminPaths.profitability(range), () => client.getProfitability(range));
}

/** Expected MRR, cash and subscribers for the next `months` months. */
export function useForecast(months = 12): QueryResult<ForecastJson> {
  const { client } = useAdminContext();
  return useAdminQuery(adminPaths.forecast(months), () => client.getForecast(months));
}
