// Password hashes in the format of auth.md: `PBKDF2-256$<salt>:<iterations>$<hex>`.
// New hashes use HMAC-SHA256 with a 32-byte derived key (64 hex chars) and
// 600 000 iterations; 0.5-era hashes (HMAC-SHA1, 24 bytes = 48 hex chars,
// any iteration count) still verify. Verification recomputes with the stored
// salt and count and compares in constant time.
// node:crypto (and OpenSSL with it, about 2 MiB of RSS) is loaded on first use, not by every
// gafferd that imports this module.
function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

function derive(password: string, salt: string, iterations: number, length: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto().pbkdf2(password, salt, iterations, length, digest, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Iterations of new hashes (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
export const DEFAULT_HASH_ITERATIONS = 600_000;
/** Fewer iterations than this are refused when hashing (0.5 hashes with 1000 still verify). */
export const MIN_HASH_ITERATIONS = 1000;
/** Longest password accepted; bounds the work one request can ask for. */
export const MAX_PASSWORD_LENGTH = 4096;

const PREFIX = 'PBKDF2-256';
const FORMAT = /^PBKDF2-256\$([0-9a-f]{32}):(\d{1,9})\$([0-9a-f]{48}|[0-9a-f]{64})$/;

// Each digest length names its algorithm: 24 bytes = the 0.5 HMAC-SHA1 variant, 32 bytes = SHA-256.
const DIGESTS: Record<number, string> = { 24: 'sha1', 32: 'sha256' };

/** Hash a password with a fresh 128-bit salt (32 hex chars). */
export async function hashPassword(password: string, iterations = DEFAULT_HASH_ITERATIONS): Promise<string> {
  if (!Number.isInteger(iterations) || iterations < MIN_HASH_ITERATIONS) {
    throw new RangeError(`password hash iterations must be an integer ≥ ${MIN_HASH_ITERATIONS} (got ${iterations})`);
  }
  const salt = crypto().randomBytes(16).toString('hex');
  const key = await derive(password, salt, iterations, 32, 'sha256');
  return `${PREFIX}$${salt}:${iterations}$${key.toString('hex')}`;
}

/** True when `password` matches `stored`; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = FORMAT.exec(stored);
  if (!parsed) return false;
  const [, salt, iterationText, hex] = parsed as unknown as [string, string, string, string];
  const expected = Buffer.from(hex, 'hex');
  const digest = DIGESTS[expected.length];
  const iterations = Number(iterationText);
  if (digest === undefined || iterations < 1) return false;
  const actual = await derive(password, salt, iterations, expected.length, digest);
  return crypto().timingSafeEqual(actual, expected);
}

/** True when `text` has the shape of a stored hash (never a clear password). */
export function isPasswordHash(text: string): boolean {
  return FORMAT.test(text);
}
