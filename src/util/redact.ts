// Credentials never reach a log line: user:password in URLs (webhooks, lookupd
// addresses, health checks) and secret-looking query parameters are masked.

/** What replaces a secret. */
export const REDACTED = '***';

// scheme://userinfo@ — userinfo holds no '/', '?', '#', '@' or whitespace.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
// ?token=..., &password=... (the value up to the next '&', '#', quote or whitespace).
const SECRET_PARAM = /([?&](?:access_token|token|api_?key|key|password|passwd|pass|pwd|secret|client_secret|sig|signature|auth)=)[^&#\s'"]*/gi;

/**
 * Mask credentials in every URL inside `text`: `https://user:pw@host/?token=x`
 * becomes `https://***@host/?token=***`. Text without URLs is returned unchanged.
 */
export function redactCredentials(text: string): string {
  if (!text.includes('://') && !text.includes('=')) return text;
  return text.replace(USERINFO, `$1${REDACTED}@`).replace(SECRET_PARAM, `$1${REDACTED}`);
}
