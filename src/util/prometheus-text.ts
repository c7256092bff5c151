// The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0, written
// by hand: the format is small and a client library would cost more memory
// than the rest of the endpoint.

export type MetricType = 'gauge' | 'counter';

export type Labels = Readonly<Record<string, string | number>>;

export interface Sample {
  labels?: Labels;
  value: number;
}

/** One metric family: a name, its help text, its type and its samples. */
export interface MetricFamily {
  /** The family name; a counter's name ends in `_total` (the OpenMetrics family drops it). */
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Does an `Accept` header ask for OpenMetrics (as Prometheus's scraper does when enabled)? */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

/** Render families in the text format, or in OpenMetrics (with `# EOF`) when `openMetrics` is set. */
export function renderMetrics(families: readonly MetricFamily[], options: { openMetrics?: boolean } = {}): string {
  const open = options.openMetrics === true;
  const out: string[] = [];
  for (const family of families) {
    const familyName = open && family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
    out.push(`# HELP ${familyName} ${escapeHelp(family.help)}`);
    out.push(`# TYPE ${familyName} ${family.type}`);
    for (const sample of family.samples) {
      out.push(`${family.name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  if (open) out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Anything that adds families to `/metrics` (the applications of gafferd implement it). */
export interface MetricsSource {
  collectMetrics(): MetricFamily[] | Promise<MetricFamily[]>;
}

export function isMetricsSource(value: unknown): value is MetricsSource {
  return typeof value === 'object' && value !== null && typeof (value as MetricsSource).collectMetrics === 'function';
}
