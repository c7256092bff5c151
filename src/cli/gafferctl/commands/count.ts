import { InvalidArgumentError } from 'commander';

/** A positive integer argument (`add`/`sub` increments). */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}
