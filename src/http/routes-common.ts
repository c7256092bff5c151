import { json, text } from '../httpkit/respond.js';
import { VERSION } from '../protocol/version.js';
import { NO_AUTH } from './permissions.js';
import type { HttpRouter } from './route-support.js';

/** `GET /`, `GET /ping`, `GET /version`: served by both generations, never need a key. */
export function registerCommonRoutes(router: HttpRouter): void {
  router.add('GET', '/', () => json(200, { welcome: 'gaffer', version: VERSION }), NO_AUTH);
  router.add('GET', '/ping', () => text(200, 'OK'), NO_AUTH);
  router.add('GET', '/version', () => json(200, { name: 'gaffer', version: VERSION }), NO_AUTH);
}
