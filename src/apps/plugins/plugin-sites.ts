// `GET /_plugin/<name>/<path>`: the static sites of plugins (plugins-webhooks.md
// → Site plugins). The site directory is looked up on every request, so
// sites added while gafferd runs are served without a restart.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from '../../util/logger.js';
import { NotFoundError, gafferError } from '../../errors.js';
import { sendError } from '../../httpkit/respond.js';
import { findSiteDir } from './plugin-folders.js';
import { decodePathSegments, resolveInside, sendFile } from './static-files.js';

/** The URL prefix of plugin sites. */
export const PLUGIN_SITE_PREFIX = '/_plugin';

/** A site shipped with gaffer: its directory, plus single files served from elsewhere (vendor bundles). */
export interface BuiltinSite {
  root: string;
  /** Site path (`vendor/sockjs.min.js`) -> absolute file path. */
  files?: Readonly<Record<string, string>>;
}

export interface PluginSitesOptions {
  /** The current plugin directory (it may change on reload). */
  pluginDir: () => string | undefined;
  builtins?: ReadonlyMap<string, BuiltinSite>;
  logger: Logger;
}

/**
 * The request handler of `/_plugin/...`. A folder of the plugin directory
 * wins over a built-in site of the same name. Unknown sites, missing files
 * and paths that would leave the site directory are 404.
 */
export class PluginSites {
  readonly #options: PluginSitesOptions;

  constructor(options: PluginSitesOptions) {
    this.#options = options;
  }

  /** Handle one request below `/_plugin` (a mount handler of the HTTP server). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      await this.#serve(req, res, url);
    } catch (err) {
      sendError(res, err, this.#options.logger, `${req.method} ${url.pathname}`);
    }
  }

  /** The directory served for `name` right now, if any. */
  async siteDir(name: string): Promise<{ root: string; files: Readonly<Record<string, string>> } | undefined> {
    const dir = this.#options.pluginDir();
    if (dir !== undefined) {
      const root = await findSiteDir(join(dir, name)).catch(() => undefined);
      if (root !== undefined) return { root, files: {} };
    }
    const builtin = this.#options.builtins?.get(name);
    return builtin && { root: builtin.root, files: builtin.files ?? {} };
  }

  async #serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      throw gafferError('GAFFER_ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on plugin sites; use GET or HEAD`);
    }
    // The raw path keeps %2f and %2e encoded, so each segment is decoded and checked on its own.
    const raw = url.pathname.slice(PLUGIN_SITE_PREFIX.length).split('/').slice(1);
    const [encodedName, ...rest] = raw;
    const decoded = decodePathSegments([encodedName ?? '', ...rest]);
    const name = decoded === undefined ? undefined : safeName(encodedName ?? '');
    if (decoded === undefined || name === undefined) throw notFound(url, 'the path is not allowed');
    const segments = decoded.slice(1);
    const site = await this.siteDir(name);
    if (!site) throw notFound(url, `no plugin site '${name}'`);
    // `/_plugin/<name>` without the slash: relative links of index.html need the directory URL.
    if (rest.length === 0) {
      redirect(res, `${url.pathname}/${url.search}`);
      return;
    }
    const extra = site.files[segments.join('/')];
    if (extra !== undefined) {
      const target = await resolveInside('/', extra.split('/').filter(Boolean));
      if (target.kind !== 'file') throw notFound(url, `the bundled file '${segments.join('/')}' is not installed`);
      sendFile(req, res, target);
      return;
    }
    let target = await resolveInside(site.root, segments);
    if (target.kind === 'directory') {
      if (!url.pathname.endsWith('/')) {
        redirect(res, `${url.pathname}/${url.search}`);
        return;
      }
      target = await resolveInside(site.root, [...segments, 'index.html']);
    }
    if (target.kind !== 'file') throw notFound(url, 'no such file');
    sendFile(req, res, target);
  }
}

function safeName(encoded: string): string | undefined {
  const decoded = decodePathSegments([encoded]);
  return decoded?.length === 1 ? decoded[0] : undefined;
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(301, { Location: location, 'Content-Length': 0 });
  res.end();
}

function notFound(url: URL, why: string): NotFoundError {
  return new NotFoundError('not_found', `${url.pathname}: ${why}`);
}
