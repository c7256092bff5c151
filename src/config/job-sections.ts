// `[process:<designation>]` / `[job:<designation>]` and `[env:<designation>]`
// sections -> ConfiguredJob list in priority order. Every job key and its
// value parser is listed in JOB_KEYS; add a row there to support a new key.
import { normalizeJobConfig } from '../core/job-config.js';
import { isGafferError } from '../errors.js';
import { fullName, parseJobName } from '../util/names.js';
import {
  ExpectedValue, parseBooleanValue, parseByteSizeValue, parseFileModeValue, parseChoiceValue, parseDesignationList, parseExitCodeList,
  parseIntegerValue, parseLabelList, parseSecondsValue, parseSignalValue, parseTextValue, splitWords,
} from './config-values.js';
import { configuredJob, sortByPriority, type ConfiguredJob } from './configured-job.js';
import type { IniSection } from './ini-document.js';
import { SectionReader } from './section-reader.js';

/** Restart policies accepted by the `restart` key. */
export const RESTART_POLICIES = ['always', 'on-failure', 'never'] as const;

/**
 * Job keys -> parser of the written value. The parsed value is stored in the
 * job config under the same key (before core's normalizeJobConfig), except
 * `start`, which is a load-time flag. Inline `env:<VAR>` keys are handled
 * separately.
 */
export const JOB_KEYS: Readonly<Record<string, (text: string) => unknown>> = {
  cmd: (t) => parseTextValue(t, 'a non-empty command line'),
  args: (t) => t.trim(),
  cwd: (t) => parseTextValue(t, 'a directory path'),
  uid: parseIdentity,
  gid: parseIdentity,
  detach: parseBooleanValue,
  shell: parseBooleanValue,
  os_env: parseBooleanValue,
  numprocesses: (t) => parseIntegerValue(t, 0),
  port: (t) => parseIntegerValue(t, 1),
  start: parseBooleanValue,
  flapping: parseFlappingValue,
  redirect_output: (t) => parseLabelList(t, 2),
  redirect_input: parseBooleanValue,
  graceful_timeout: parseSecondsValue,
  priority: (t) => parseIntegerValue(t),
  custom_streams: (t) => parseLabelList(t),
  stop_signal: parseSignalValue,
  // Stored for later features (logging, readiness, health, dependencies, restart policy, limits).
  stdout_logfile: (t) => parseTextValue(t, 'a file path'),
  stderr_logfile: (t) => parseTextValue(t, 'a file path'),
  logfile_maxbytes: parseByteSizeValue,
  logfile_backups: (t) => parseIntegerValue(t, 0),
  logfile_mode: parseFileModeValue,
  log_overflow: (t) => parseChoiceValue(t, ['block', 'drop'] as const),
  // Checked by core (lines, optional size, or 0/off).
  output_history: (t) => t.trim(),
  ready: (t) => parseTextValue(t, 'a readiness check'),
  ready_timeout: parseSecondsValue,
  health: (t) => parseTextValue(t, 'a health check'),
  health_interval: parseSecondsValue,
  health_failures: (t) => parseIntegerValue(t, 1),
  depends_on: parseDesignationList,
  restart: (t) => parseChoiceValue(t, RESTART_POLICIES),
  success_exit_codes: parseExitCodeList,
  restart_delay: parseSecondsValue,
  max_memory: parseByteSizeValue,
  on_give_up: (t) => parseChoiceValue(t, ['stop', 'exit'] as const),
  reload_strategy: (t) => parseChoiceValue(t, ['all', 'rolling'] as const),
  rolling_batch: (t) => parseIntegerValue(t, 1),
  rolling_grace: parseSecondsValue,
};

const KNOWN_JOB_KEYS = [...Object.keys(JOB_KEYS), 'env:<VAR>'];
const JOB_PREFIXES = ['process:', 'job:'];

/** True for `[process:...]`, `[job:...]` and `[env:...]` section names. */
export function isJobSectionName(name: string): boolean {
  return [...JOB_PREFIXES, 'env:'].some((p) => name.startsWith(p));
}

/**
 * Build the jobs of all job sections, in ascending priority order (stable;
 * no priority = last). A job section without `cmd` is skipped with a
 * warning. `[env:<designation>]` keys are upper-cased and merged over the
 * inline `env:<VAR>` keys of the same job (the section wins).
 */
export function buildJobs(sections: readonly IniSection[], warnings: string[]): ConfiguredJob[] {
  const envSections = new Map<string, { env: Record<string, string>; reader: SectionReader }>();
  for (const section of sections.filter((s) => s.name.startsWith('env:'))) {
    const reader = new SectionReader(section, (key) => key.toUpperCase());
    const id = designation(reader, 'env:');
    const existing = envSections.get(id.full);
    const env = existing?.env ?? {};
    for (const key of reader.keys()) env[key] = reader.text(key) ?? '';
    envSections.set(id.full, { env, reader: existing?.reader ?? reader });
  }

  const jobs: ConfiguredJob[] = [];
  const declaredIn = new Map<string, string>();
  for (const section of sections) {
    const prefix = JOB_PREFIXES.find((p) => section.name.startsWith(p));
    if (!prefix) continue;
    const reader = new SectionReader(section);
    const id = designation(reader, prefix);
    reader.rejectUnknownKeys((key) => key in JOB_KEYS || isInlineEnvKey(key), KNOWN_JOB_KEYS);
    const previous = declaredIn.get(id.full);
    if (previous) throw reader.error(`job '${id.full}' is already declared by [${previous}]`);
    declaredIn.set(id.full, section.name);
    if (!reader.has('cmd')) {
      warnings.push(`${section.file} [${section.name}] has no cmd; section ignored`);
      continue;
    }

    const raw: Record<string, unknown> = {};
    const inlineEnv: Record<string, string> = {};
    for (const key of reader.keys()) {
      if (isInlineEnvKey(key)) inlineEnv[key.slice(4).toUpperCase()] = reader.text(key) ?? '';
      else raw[key] = reader.read(key, JOB_KEYS[key]!);
    }
    const start = raw.start === undefined ? true : Boolean(raw.start);
    delete raw.start;
    raw.name = id.name;
    raw.env = { ...inlineEnv, ...envSections.get(id.full)?.env };
    try {
      jobs.push(configuredJob(id.sessionid, normalizeJobConfig(raw), start));
    } catch (err) {
      if (isGafferError(err)) throw reader.error(err.message, err);
      throw err;
    }
  }
  for (const [full, { reader }] of envSections) {
    if (!declaredIn.has(full)) warnings.push(`${reader.file} [${reader.name}] names no job section; ignored`);
  }
  return sortByPriority(jobs);
}

function isInlineEnvKey(key: string): boolean {
  return key.startsWith('env:') && key.length > 4;
}

// Parse and validate the designation part of a section name.
function designation(reader: SectionReader, prefix: string): { sessionid: string; name: string; full: string } {
  const text = reader.name.slice(prefix.length);
  const { sessionid, name } = parseJobName(text);
  const validId = (s: string): boolean => s.length > 0 && !/[./:]/.test(s);
  if (!validId(sessionid) || !validId(name) || /^\d+$/.test(name)) {
    throw reader.error(`invalid job designation ${JSON.stringify(text)}: expected name, session:name, session.name or session/name ` +
      '(non-empty parts without ".", "/" or ":"; a name not made only of digits)');
  }
  return { sessionid, name, full: fullName(sessionid, name) };
}

// uid/gid: empty = not set; a name or a numeric id, one word.
function parseIdentity(text: string): string {
  const value = text.trim();
  if (/\s/.test(value)) throw new ExpectedValue('a user/group name or a numeric id');
  return value;
}

// Flapping: up to 4 non-negative numbers (attempts window retry_in max_retry)
// separated by commas and/or spaces; empty/off/false/no/none disables it.
function parseFlappingValue(text: string): string | null {
  const value = text.trim();
  if (value === '' || ['off', 'false', 'no', 'none'].includes(value.toLowerCase())) return null;
  const numbers = splitWords(value);
  if (numbers.length > 4 || numbers.some((n) => !/^(\d+\.?\d*|\.\d+)$/.test(n))) {
    throw new ExpectedValue('up to 4 numbers "attempts window retry_in max_retry", e.g. "2, 1., 7., 5" (or off)');
  }
  return numbers.join(' ');
}
