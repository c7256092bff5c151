// Serving files of a plugin site safely: URL path segments decoded one by
// one, anything that could leave the site directory refused, symlinks
// resolved before the containment check, content types from the extension.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
};

/** The content type of a file name (`application/octet-stream` when unknown). */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Decode the segments of a URL path (still percent-encoded). Returns
 * undefined when a segment is malformed or could escape a directory: `.`,
 * `..`, or one containing `/`, `\` or NUL once decoded (`..%2f`, `%2e%2e`,
 * `%5c`, `%00`...), and for dot files (`.env`, `.git`), which are never
 * published. Empty segments (`a//b`, a trailing `/`) are dropped.
 */
export function decodePathSegments(encoded: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const raw of encoded) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '') continue;
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return undefined;
    out.push(segment);
  }
  return out;
}

export type ResolvedFile = { kind: 'file'; path: string; size: number; mtime: Date } | { kind: 'directory' } | { kind: 'missing' };

/**
 * Find `segments` below `root`: a file, a directory (the caller serves its
 * index.html), or missing. A path whose real location (symlinks resolved)
 * is outside the real root counts as missing.
 */
export async function resolveInside(root: string, segments: readonly string[]): Promise<ResolvedFile> {
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments));
    const rel = relative(realRoot, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { kind: 'missing' };
    const info = await stat(real);
    if (info.isDirectory()) return { kind: 'directory' };
    if (!info.isFile()) return { kind: 'missing' };
    return { kind: 'file', path: real, size: info.size, mtime: info.mtime };
  } catch {
    return { kind: 'missing' };
  }
}

/** Send a file (GET) or only its headers (HEAD). Sites change at run time, so caches must revalidate. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: { path: string; size: number; mtime: Date }): void {
  const lastModified = file.mtime.toUTCString();
  const since = req.headers['if-modified-since'];
  const headers = {
    'Content-Type': contentTypeOf(file.path),
    'Last-Modified': lastModified,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (since !== undefined && Date.parse(since) >= Math.floor(file.mtime.getTime() / 1000) * 1000) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': file.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
