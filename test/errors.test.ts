// The error registry (src/error-codes.ts): docs/errors.md lists exactly its codes, every code the
// sources raise is registered, and toWireError is the one translation of a thrown value for the wire.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import {
  BadRequestError, ConflictError, ERROR_CODES, ERROR_CODE_FAMILIES, ForbiddenError, GafferError, NotFoundError,
  errorBody, fieldError, gafferError, isErrorCode, toWireError,
} from '../src/errors.js';
import { codeOfReason } from '../src/error-codes.js';
import { ROOT } from './helpers/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : entry.endsWith('.ts') ? [path] : [];
  });
}

test('docs/errors.md lists exactly the registered codes and families', () => {
  const text = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set(text.match(/GAFFER_ERR_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_<])/g));
  const families = new Set(text.match(/GAFFER_ERR_[A-Z0-9_]*<[A-Za-z]+>/g));
  const registered = Object.keys(ERROR_CODES);
  assert.deepEqual(registered.filter((c) => !documented.has(c)), [], 'registered codes missing from docs/errors.md');
  assert.deepEqual([...documented].filter((c) => !isErrorCode(c)).sort(), [], 'codes of docs/errors.md missing from src/error-codes.ts');
  assert.deepEqual([...families].sort(), Object.keys(ERROR_CODE_FAMILIES).sort());
});

test('every reason and code written in the sources is registered, with the registered status', () => {
  const problems: string[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    for (const m of text.matchAll(/new (?:BadRequest|Unauthorized|Forbidden|NotFound|Conflict)Error\(\s*'([^']+)'|fieldError\(\s*'([^']+)'/g)) {
      const reason = m[1] ?? m[2]!;
      if (codeOfReason(reason) === undefined) problems.push(`${where}: reason '${reason}' has no registered code`);
    }
    for (const m of text.matchAll(/'(GAFFER_ERR_[A-Z0-9_]*[A-Z0-9])'/g)) {
      if (!isErrorCode(m[1]!)) problems.push(`${where}: ${m[1]} is not registered`);
    }
    // A construction that spells status and reason out must agree with the table.
    for (const m of text.matchAll(/(?:new GafferError|super)\(\s*'(GAFFER_ERR_[A-Z0-9_]+)',\s*(\d+),\s*'([^']+)'/g)) {
      const spec = isErrorCode(m[1]!) ? ERROR_CODES[m[1]!] : undefined;
      if (spec && (spec.status !== Number(m[2]) || spec.reason !== m[3])) {
        problems.push(`${where}: ${m[1]} raised as ${m[2]} '${m[3]}', registered as ${spec.status} '${spec.reason}'`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the error classes take the code named after their reason, or their own', () => {
  assert.equal(new NotFoundError('not_found', 'x').code, 'GAFFER_ERR_NOT_FOUND');
  assert.equal(new ForbiddenError('EPERM', 'x').code, 'GAFFER_ERR_EPERM');
  assert.equal(new BadRequestError('invalid_process_info', 'x').code, 'GAFFER_ERR_INVALID_PROCESS_INFO');
  // A reason this version does not know (a newer server's): the class's own code, the reason kept.
  const unknown = new ConflictError('some_new_reason', 'x');
  assert.equal(unknown.code, 'GAFFER_ERR_CONFLICT');
  assert.equal(unknown.reason, 'some_new_reason');
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^GAFFER_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/);
    assert.ok(spec.status >= 400 && spec.status < 600, `${code}: status ${spec.status}`);
    assert.ok(spec.reason !== '' && spec.message !== '', `${code}: reason and message`);
  }
});

test('gafferError builds an error from the registry', () => {
  const err = gafferError('GAFFER_ERR_STDIN_FULL');
  assert.ok(err instanceof GafferError);
  assert.deepEqual([err.code, err.status, err.reason, err.message],
    ['GAFFER_ERR_STDIN_FULL', 503, 'stdin_full', ERROR_CODES.GAFFER_ERR_STDIN_FULL.message]);
  const renamed = gafferError('GAFFER_ERR_CONFLICT', 'job web exists', { reason: 'process_conflict' });
  assert.deepEqual([renamed.status, renamed.reason, renamed.message], [409, 'process_conflict', 'job web exists']);
});

test('toWireError keeps a GafferError and turns anything else into an internal error', () => {
  const field = toWireError(fieldError('bad_value', 'numprocesses', 'an integer >= 0', -4));
  assert.deepEqual(field, {
    status: 400, reason: 'bad_value', code: 'GAFFER_ERR_BAD_VALUE',
    message: 'numprocesses must be an integer >= 0 (got -4)', field: 'numprocesses', isInternal: false,
  });
  assert.deepEqual(errorBody(field), { error: 'bad_value', errno: 400, reason: 'bad_value', field: 'numprocesses', message: field.message });
  const bug = toWireError(new TypeError('x is undefined'));
  assert.deepEqual([bug.status, bug.reason, bug.code, bug.isInternal], [500, 'internal_error', 'GAFFER_ERR_INTERNAL', true]);
  assert.deepEqual(errorBody(bug), { error: 'internal_error', errno: 500, reason: 'internal_error' });
  const write = toWireError('pipe closed', 'GAFFER_ERR_WRITE_FAILED');
  assert.deepEqual([write.status, write.reason, write.isInternal], [500, 'EIO', true]);
});
