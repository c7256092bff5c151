// A mistake in how a command was typed (a bad value for an argument or an
// option), found by the command itself rather than by commander: the program
// prints it like commander's own parse errors, with the command's usage line,
// and exits with the usage status (2).

/** Thrown by a command's run() for bad input; the CLI answers with the usage line and status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
