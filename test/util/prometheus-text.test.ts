// The hand-written exposition format, read back by a real Prometheus text parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { renderMetrics, wantsOpenMetrics, type MetricFamily } from '../../src/util/prometheus-text.js';

const FAMILIES: MetricFamily[] = [
  { name: 'x_up', help: 'Up.\nSecond line with a \\ backslash.', type: 'gauge', samples: [{ value: 1 }] },
  {
    name: 'x_restarts_total', help: 'Restarts.', type: 'counter', samples: [
      { labels: { job: 'default.web', note: 'quote " and \\ and\nnewline' }, value: 3 },
      { labels: { job: 'app.web' }, value: 0 },
    ],
  },
  { name: 'x_ratio', help: 'Odd values.', type: 'gauge', samples: [{ labels: { k: 'nan' }, value: NaN }, { labels: { k: 'inf' }, value: Infinity }] },
];

test('the text format parses back with its help, types, labels (escaped) and values', () => {
  const parsed = parsePrometheusTextFormat(renderMetrics(FAMILIES));
  assert.deepEqual(parsed.map((f) => [f.name, f.type]), [['x_up', 'GAUGE'], ['x_restarts_total', 'COUNTER'], ['x_ratio', 'GAUGE']]);
  assert.equal(parsed[0]!.help, 'Up.\nSecond line with a \\ backslash.');
  assert.deepEqual(parsed[1]!.metrics, [
    { value: '3', labels: { job: 'default.web', note: 'quote " and \\ and\nnewline' } },
    { value: '0', labels: { job: 'app.web' } },
  ]);
  assert.deepEqual(parsed[2]!.metrics.map((m) => m.value), ['NaN', '+Inf']);
});

test('OpenMetrics: counter families drop _total, samples keep it, and the text ends with # EOF', () => {
  const text = renderMetrics(FAMILIES, { openMetrics: true });
  assert.match(text, /^# TYPE x_restarts counter$/m);
  assert.match(text, /^x_restarts_total\{job="app.web"\} 0$/m);
  assert.ok(text.endsWith('# EOF\n'));
  assert.equal(wantsOpenMetrics('application/openmetrics-text; version=1.0.0,text/plain;q=0.5'), true);
  assert.equal(wantsOpenMetrics('text/plain'), false);
  assert.equal(wantsOpenMetrics(undefined), false);
});
