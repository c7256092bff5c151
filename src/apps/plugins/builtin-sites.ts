// Sites shipped inside the gaffer package: the dashboard (`plugins/dashboard/_site`
// at the package root) and the sockjs-client browser bundle it loads, served
// from node_modules where npm installed it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltinSite } from './plugin-sites.js';

const PACKAGE_NAME = 'gaffer-node';

/** The gaffer package root: the nearest parent directory whose package.json is ours. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch { /* an unreadable package.json is not ours */ }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The sockjs-client browser bundle, if the package is installed. */
export function sockjsClientBundle(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('sockjs-client/dist/sockjs.min.js');
  } catch {
    return undefined;
  }
}

/** `dashboard` → the dashboard site with `vendor/sockjs.min.js`. */
export function defaultBuiltinSites(): Map<string, BuiltinSite> {
  const sites = new Map<string, BuiltinSite>();
  const root = packageRoot();
  if (root === undefined) return sites;
  const bundle = sockjsClientBundle();
  sites.set('dashboard', {
    root: join(root, 'plugins', 'dashboard', '_site'),
    files: bundle === undefined ? {} : { 'vendor/sockjs.min.js': bundle },
  });
  return sites;
}
