import { compilePattern, matchPattern, type PathMatch, type PathPattern } from './path-pattern.js';

/** `*` registers a route for every method. */
export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | '*';

interface RouteEntry<H, M> {
  methods: ReadonlySet<string> | '*';
  pattern: PathPattern;
  handler: H;
  meta: M;
}

export interface RouteFound<H, M> extends PathMatch {
  found: true;
  handler: H;
  meta: M;
  pattern: string;
}

export interface RouteMissing {
  found: false;
  /** 404 when no route has this path, 405 when routes exist only for other methods. */
  status: 404 | 405;
  /** Methods accepted on this path (for the `Allow` header of a 405). */
  allow: string[];
}

/**
 * Method + path-pattern routing. Routes are tried in registration order and
 * the first one matching both path and method wins, so specific routes are
 * registered before catch-alls. Handlers and per-route metadata (such as the
 * permission a route needs) are opaque to the router.
 */
export class Router<H, M = undefined> {
  readonly #routes: Array<RouteEntry<H, M>> = [];

  /** Register `handler` for `methods` on `pattern` (see path-pattern.ts for the syntax). */
  add(methods: RouteMethod | readonly RouteMethod[], pattern: string, handler: H, meta: M): this {
    const list = typeof methods === 'string' ? [methods] : methods;
    this.#routes.push({
      methods: list.includes('*') ? '*' : new Set(list),
      pattern: compilePattern(pattern),
      handler,
      meta,
    });
    return this;
  }

  /** Find the route for a method and decoded path segments. */
  lookup(method: string, segments: readonly string[]): RouteFound<H, M> | RouteMissing {
    const allow = new Set<string>();
    for (const route of this.#routes) {
      const match = matchPattern(route.pattern, segments);
      if (!match) continue;
      if (route.methods === '*' || route.methods.has(method)) {
        return { found: true, handler: route.handler, meta: route.meta, pattern: route.pattern.source, ...match };
      }
      for (const m of route.methods) allow.add(m);
    }
    if (allow.size === 0) return { found: false, status: 404, allow: [] };
    allow.add('OPTIONS');
    return { found: false, status: 405, allow: [...allow] };
  }

  get size(): number {
    return this.#routes.length;
  }
}
