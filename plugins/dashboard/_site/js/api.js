// The gafferd HTTP API as the dashboard uses it: JSON in and out, the API key
// as X-Api-Key, errors carrying the API's status and reason.

/** A refused or failed request: `status` and the API's `reason`. */
export class ApiError extends Error {
  constructor(status, reason, message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  /** 401 (no key) or 403 (unknown key or not allowed). */
  get isAuth() {
    return this.status === 401 || this.status === 403;
  }
}

export class Api {
  #base;
  #keys;

  /** `base` is the gafferd URL (the page's origin by default); `keys` the key store. */
  constructor(base, keys) {
    this.#base = base.replace(/\/+$/, '');
    this.#keys = keys;
  }

  get base() {
    return this.#base;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  delete(path) {
    return this.request('DELETE', path);
  }

  /** One request; a string body is sent as text, anything else as JSON. Resolves with the decoded body. */
  async request(method, path, body) {
    const headers = { Accept: 'application/json' };
    const key = this.#keys.get();
    if (key) headers['X-Api-Key'] = key;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['Content-Type'] = typeof body === 'string' ? 'text/plain' : 'application/json';
    }
    let res;
    try {
      res = await fetch(`${this.#base}${path}`, { method, headers, body: payload, cache: 'no-store' });
    } catch (err) {
      throw new ApiError(0, 'unreachable', `gafferd is unreachable (${err.message})`);
    }
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch { /* a text answer (state, ping) */ }
    if (!res.ok) {
      const reason = (data && typeof data === 'object' && (data.reason ?? data.error)) || res.statusText;
      throw new ApiError(res.status, String(reason), `${method} ${path}: ${res.status} ${reason}`);
    }
    return data;
  }
}

/** Path segment of a job: `/jobs/<sid>/<name>`. */
export function jobPath(fullName) {
  const at = fullName.indexOf('.');
  return `/jobs/${encodeURIComponent(fullName.slice(0, at))}/${encodeURIComponent(fullName.slice(at + 1))}`;
}
