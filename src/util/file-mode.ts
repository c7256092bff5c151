// File permission modes written as octal text (`0640`, `640`, `0o600`), as in chmod(1).

/** The mode of job log files created by gafferd unless `logfile_mode` says otherwise (owner rw, group r). */
export const DEFAULT_LOGFILE_MODE = 0o640;

/**
 * Parse an octal permission mode (`0640`, `640`, `0o600`; at most 0777: no
 * setuid/setgid/sticky bits). Returns undefined when the text is not one.
 */
export function parseFileMode(text: string): number | undefined {
  const m = /^(?:0o?)?([0-7]{1,3})$/i.exec(text.trim());
  return m ? Number.parseInt(m[1]!, 8) : undefined;
}

/** `0640` for 0o640. */
export function formatFileMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
