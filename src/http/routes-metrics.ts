// `GET /metrics`: Prometheus text format, or OpenMetrics when the scraper asks for it.
import { text } from '../httpkit/respond.js';
import {
  OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, renderMetrics, wantsOpenMetrics, type MetricFamily,
} from '../util/prometheus-text.js';
import { READ_ALL } from './permissions.js';
import type { HttpRouter } from './route-support.js';

/** Serve the families `collect` gathers at each scrape; needs the read right on every job. */
export function registerMetricsRoute(router: HttpRouter, collect: () => Promise<MetricFamily[]>): void {
  router.add('GET', '/metrics', async (ctx) => {
    const families = await collect();
    const openMetrics = wantsOpenMetrics(ctx.req.headers.accept);
    return text(200, renderMetrics(families, { openMetrics }), openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE);
  }, READ_ALL);
}
