/** A URL with its user name and password replaced by `***`, for logs and metric labels. */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return String(url).replace(/\/\/[^/@]*@/, '//***@');
  }
  if (parsed.username === '' && parsed.password === '') return parsed.href;
  parsed.username = '***';
  parsed.password = '';
  return parsed.href;
}
