// Writing shell words back as text that core's splitCommandLine reads as the
// same words (Procfile -> INI export, cmd words with spaces, systemd units).

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./$-]+$/;

/** A word as is when it is made of safe characters, else single-quoted (`'` written as `'\''`). */
export function quoteWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words joined by spaces, each quoted when needed. */
export function joinWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}
