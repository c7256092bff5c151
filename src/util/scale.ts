import { BadRequestError } from '../errors.js';

/** A parsed scale expression: add/remove `n` processes, or set the target to `n`. */
export type ScaleOperation = { op: 'add' | 'sub' | 'set'; n: number };

/**
 * Parse a scale value: an integer (n > 0 adds n, n <= 0 removes |n|), or a
 * string `N`, `+N`, `-N`, `=N`. Anything else is a `bad_operation` error.
 */
export function parseScale(value: unknown): ScaleOperation {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value > 0 ? { op: 'add', n: value } : { op: 'sub', n: Math.abs(value) };
  }
  if (typeof value === 'string') {
    const m = /^\s*([+\-=]?)(\d+)\s*$/.exec(value);
    if (m) {
      const n = Number(m[2]);
      if (m[1] === '-') return { op: 'sub', n };
      if (m[1] === '=') return { op: 'set', n };
      return { op: 'add', n };
    }
  }
  throw new BadRequestError('bad_operation',
    `bad scale value ${JSON.stringify(value)}: expected an integer or "N", "+N", "-N", "=N"`);
}

/** Apply a scale operation to a current target, clamping at 0. */
export function applyScale(current: number, operation: ScaleOperation): number {
  switch (operation.op) {
    case 'add': return current + operation.n;
    case 'sub': return Math.max(0, current - operation.n);
    case 'set': return operation.n;
  }
}
