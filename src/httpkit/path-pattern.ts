import { BadRequestError } from '../errors.js';

/**
 * A compiled path pattern. Syntax, one item per `/`-separated segment:
 * - `literal`: equal to the (decoded) segment;
 * - `:name`: any non-empty segment, captured as `params.name`;
 * - `:name<regex>`: a non-empty segment matching the whole regex (`:pid<\d+>`);
 * - `*name` (last item only): zero or more remaining segments, captured as `rest`.
 */
export interface PathPattern {
  readonly source: string;
  readonly segments: readonly PatternSegment[];
}

type PatternSegment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string; test: RegExp | undefined }
  | { kind: 'rest'; name: string };

export interface PathMatch {
  params: Record<string, string>;
  /** The segments captured by a trailing `*name` item (empty when none). */
  rest: string[];
}

// Parse the pattern once so matching a request is a plain loop over segments.
export function compilePattern(source: string): PathPattern {
  const items = source.split('/').filter((s) => s !== '');
  const segments = items.map((item, i): PatternSegment => {
    if (item.startsWith('*')) {
      if (i !== items.length - 1) throw new Error(`path pattern ${source}: '*${item.slice(1)}' must be the last segment`);
      return { kind: 'rest', name: item.slice(1) };
    }
    if (item.startsWith(':')) {
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)(?:<(.+)>)?$/.exec(item);
      if (!m) throw new Error(`path pattern ${source}: invalid parameter '${item}'`);
      return { kind: 'param', name: m[1]!, test: m[2] === undefined ? undefined : new RegExp(`^(?:${m[2]})$`) };
    }
    return { kind: 'literal', value: item };
  });
  return { source, segments };
}

/** Match decoded path segments against a pattern; undefined when they don't match. */
export function matchPattern(pattern: PathPattern, segments: readonly string[]): PathMatch | undefined {
  const params: Record<string, string> = {};
  const items = pattern.segments;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind === 'rest') return { params, rest: segments.slice(i) };
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (item.kind === 'literal') {
      if (segment !== item.value) return undefined;
    } else {
      if (segment === '' || (item.test && !item.test.test(segment))) return undefined;
      params[item.name] = segment;
    }
  }
  return segments.length === items.length ? { params, rest: [] } : undefined;
}

/**
 * Split a URL pathname into decoded segments. A trailing `/` is ignored
 * (`/processes/` = `/processes`); `%2F` inside a segment stays in it, so a
 * job designation `app/web` can be sent as one segment.
 */
export function splitPath(pathname: string): string[] {
  const raw = pathname.split('/').slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new BadRequestError('bad_request', `invalid URL path segment ${JSON.stringify(segment)}: bad percent-encoding`);
    }
  });
}
