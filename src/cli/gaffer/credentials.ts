// The questions of `login` and the `user*` commands. A required value
// (username, password, key) is asked again while empty and is undefined when
// the input ends: the command then stops. An optional value (`api key: `,
// `type [1]: ` of user:add) takes its default on an empty answer or at end of
// input, like a confirmation. With --no-input nothing is asked: a missing
// required value is an error, an optional one takes its default. Passwords
// are never echoed, printed or logged.
import { BadRequestError } from '../../errors.js';
import type { GafferContext } from './context.js';

/** `--no-input` was given. */
export function isNoInput(ctx: GafferContext): boolean {
  return ctx.options.input === false;
}

/** Ask `question` until the answer is not empty; undefined at end of input. `what`: "a username", "an API key". */
export async function askRequired(ctx: GafferContext, question: string, what: string, options: { hidden?: boolean; option?: string } = {}): Promise<string | undefined> {
  const name = what.replace(/^an? /, '');
  if (isNoInput(ctx)) throw new BadRequestError('bad_value', `${name} is required with --no-input${options.option ? ` (${options.option})` : ''}`);
  for (;;) {
    const answer = await ctx.ask(question, { hidden: options.hidden });
    if (answer === undefined) return undefined;
    const value = options.hidden ? answer : answer.trim();
    if (value !== '') return value;
    ctx.out(`${name} is empty. Please enter ${what}.`);
  }
}

/** A new password: `password: ` then `confirm password: ` until both match; undefined at end of input. */
export async function askNewPassword(ctx: GafferContext): Promise<string | undefined> {
  for (;;) {
    const password = await askRequired(ctx, 'password: ', 'a password', { hidden: true, option: '-p PASSWORD' });
    if (password === undefined) return undefined;
    const confirmation = await ctx.ask('confirm password: ', { hidden: true });
    if (confirmation === undefined) return undefined;
    if (confirmation === password) return password;
    ctx.out('Passwords are different.');
  }
}

/** An optional value: the trimmed answer, or `fallback` for an empty answer, end of input or --no-input. */
export async function askOptional(ctx: GafferContext, question: string, fallback: string): Promise<string> {
  if (isNoInput(ctx)) return fallback;
  const answer = (await ctx.ask(question))?.trim();
  return answer === undefined || answer === '' ? fallback : answer;
}

/** A password given on the command line: it may not be empty. */
export function givenPassword(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new BadRequestError('bad_value', 'password is empty: give a password with -p PASSWORD, or leave -p out to be asked');
  return value;
}
