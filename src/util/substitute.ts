const VARIABLE = /\$(\$|\{([_A-Za-z][_A-Za-z0-9]*)\}|([_A-Za-z][_A-Za-z0-9]*))/g;

/**
 * Replace `$NAME` and `${NAME}` with values from `env`; `$$` yields `$`.
 * Unknown names and a `$` not followed by a valid name are left unchanged.
 */
export function substituteEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(VARIABLE, (whole: string, token: string, braced?: string, bare?: string) => {
    if (token === '$') return '$';
    const name = braced ?? bare ?? '';
    const value = env[name];
    return value === undefined ? whole : value;
  });
}
