// The error registry: every stable code of the project with its HTTP status,
// its default wire reason and its default message (in the spirit of fastify's
// lib/errors.js). docs/errors.md lists exactly these codes (test/errors.test.ts).
// Codes are GAFFER_ERR_<NOUN>_<PROBLEM>; a few wire reasons are the original
// gaffer's (`EPERM`, lookupd's sentences), kept byte for byte.

/** What the registry says of one code. */
export interface ErrorSpec {
  /** HTTP status (the `errno` of websocket and channel replies). */
  readonly status: number;
  /** Default wire reason; an error may carry another one (renamed reasons keep their code). */
  readonly reason: string;
  /** Default message, for a construction that gives none. */
  readonly message: string;
  /**
   * The error's message goes into the HTTP body (`message`) even without a `field`: it says what an
   * operator needs to act on (why a rolling reload stopped).
   */
  readonly explained?: boolean;
}

function spec(status: number, reason: string, message: string, options: { explained?: boolean } = {}): ErrorSpec {
  return { status, reason, message, ...options };
}

export const ERROR_CODES = {
  // 400
  GAFFER_ERR_BAD_REQUEST: spec(400, 'bad_request', 'bad request'),
  GAFFER_ERR_BAD_VALUE: spec(400, 'bad_value', 'invalid value'),
  GAFFER_ERR_BAD_SIGNAL: spec(400, 'bad_signal', 'invalid signal: expected a signal number or name (HUP, SIGHUP, 1)'),
  GAFFER_ERR_NO_SIGNAL_NUMBER: spec(400, 'no_signal_number', 'no signal given'),
  GAFFER_ERR_BAD_OPERATION: spec(400, 'bad_operation', 'invalid scale: expected N, +N, -N or =N'),
  GAFFER_ERR_BAD_COMMAND: spec(400, 'bad_command', 'invalid command arguments'),
  GAFFER_ERR_INVALID_JSON: spec(400, 'invalid_json', 'the request body is not valid JSON'),
  GAFFER_ERR_JSON_TOO_DEEP: spec(400, 'json_too_deep', 'the JSON document nests too deeply'),
  GAFFER_ERR_INVALID_PROCESS_INFO: spec(400, 'invalid_process_info', 'invalid job config'),
  GAFFER_ERR_INVALID_CONFIG: spec(400, 'invalid_config', 'the job config must be a JSON object'),
  GAFFER_ERR_CONFIG_MISSING: spec(400, 'config_missing', 'no job config given'),
  GAFFER_ERR_CONFIG_INVALID: spec(400, 'invalid_config', 'invalid configuration'),
  GAFFER_ERR_DEPENDENCY_CYCLE: spec(400, 'dependency_cycle', 'the depends_on dependencies form a cycle'),
  GAFFER_ERR_IO_NOT_REDIRECTED: spec(400, 'io_not_redirected', 'the process output is not redirected'),
  GAFFER_ERR_INVALID_FRAME: spec(400, 'invalid_frame', 'invalid channel frame'),
  GAFFER_ERR_USERNAME_EMPTY: spec(400, 'username_empty', 'the username is empty'),
  GAFFER_ERR_PASSWORD_EMPTY: spec(400, 'password_empty', 'the password is empty'),
  GAFFER_ERR_MISSING_NAME: spec(400, 'missing_name', 'the query parameter "name" is missing'),
  GAFFER_ERR_MISSING_SESSIONID: spec(400, 'missing_sessionid', 'the query parameter "sessionid" is missing'),
  GAFFER_ERR_MISSING_LOOKUPD: spec(400, 'missing_lookupd', 'no lookupd address given'),
  GAFFER_ERR_LOOKUPD_INVALID_JSON: spec(400, 'invalid_json', 'registration message is not JSON'),
  GAFFER_ERR_LOOKUPD_INVALID_MESSAGE: spec(400, 'invalid_message', 'invalid registration message'),
  GAFFER_ERR_LOOKUPD_INVALID_MESSAGE_TYPE: spec(400, 'invalid_message_type', 'unknown registration message type'),
  // 401, 403
  GAFFER_ERR_UNAUTHORIZED: spec(401, 'unauthorized', 'an API key is required'),
  GAFFER_ERR_FORBIDDEN: spec(403, 'forbidden', 'not permitted'),
  GAFFER_ERR_PERMISSION_ESCALATION: spec(403, 'permission_escalation', 'the key lacks the rights it would grant'),
  GAFFER_ERR_FORBIDDEN_WRITE: spec(403, 'forbidden_write', 'the process does not take input (redirect_input = false)'),
  GAFFER_ERR_ORIGIN_NOT_ALLOWED: spec(403, 'origin_not_allowed', 'this Origin is not allowed'),
  GAFFER_ERR_HOST_NOT_ALLOWED: spec(403, 'host_not_allowed', 'this Host is not allowed'),
  GAFFER_ERR_EPERM: spec(403, 'EPERM', 'operation not permitted on this stream'),
  GAFFER_ERR_CHANNEL_REFUSED: spec(403, 'subscription_error', 'the channel refused the subscription'),
  // 404
  GAFFER_ERR_NOT_FOUND: spec(404, 'not_found', 'not found'),
  GAFFER_ERR_RESOURCE_NOT_FOUND: spec(404, 'resource_not_found', 'no such resource'),
  GAFFER_ERR_STREAM_NOT_FOUND: spec(404, 'stream_not_found', 'the process has no such stream'),
  GAFFER_ERR_IO_NOT_FOUND: spec(404, 'io_not_found', 'the process has no such output label'),
  GAFFER_ERR_ENOENT: spec(404, 'ENOENT', 'no such stream'),
  GAFFER_ERR_COMMAND_NOT_FOUND: spec(404, 'command_not_found', 'unknown command'),
  GAFFER_ERR_NO_LOGFILE: spec(404, 'no_logfile', 'the job writes no such log file'),
  GAFFER_ERR_NO_HISTORY: spec(404, 'no_history', 'the job keeps no output history'),
  GAFFER_ERR_LOOKUPD_NOT_IDENTIFIED: spec(404, 'need to send IDENTIFY message first', 'the node must send IDENTIFY first'),
  GAFFER_ERR_LOOKUPD_JOB_NOT_FOUND: spec(404, 'job not found', 'the node has not registered this job'),
  // 405, 409, 410, 413, 426, 429
  GAFFER_ERR_METHOD_NOT_ALLOWED: spec(405, 'method_not_allowed', 'method not allowed'),
  GAFFER_ERR_CONFLICT: spec(409, 'conflict', 'conflict'),
  GAFFER_ERR_ALREADY_RUNNING: spec(409, 'already_running', 'another gafferd is running'),
  GAFFER_ERR_RELOAD_IN_PROGRESS: spec(409, 'reload_in_progress', 'a rolling reload of this job is in progress', { explained: true }),
  GAFFER_ERR_RELOAD_FAILED: spec(409, 'reload_failed', 'the rolling reload failed', { explained: true }),
  GAFFER_ERR_LOOKUPD_ALREADY_IDENTIFIED: spec(409, 'already identified', 'this connection is already identified'),
  GAFFER_ERR_LOOKUPD_IDENTITY_EXISTS: spec(409, 'identity exists', 'another node has this name and origin'),
  GAFFER_ERR_LOOKUPD_JOB_ALREADY_REGISTERED: spec(409, 'job already registered', 'the node already registered this job'),
  GAFFER_ERR_PROCESS_EXITED: spec(410, 'process_exited', 'the process has exited'),
  GAFFER_ERR_BODY_TOO_LARGE: spec(413, 'body_too_large', 'request body too large'),
  GAFFER_ERR_UPGRADE_REQUIRED: spec(426, 'upgrade_required', 'this endpoint needs a websocket'),
  GAFFER_ERR_LOOKUPD_TOO_MANY_JOBS: spec(429, 'too_many_jobs', 'the node registered the most jobs lookupd accepts'),
  GAFFER_ERR_LOOKUPD_TOO_MANY_PIDS: spec(429, 'too_many_pids', 'the node registered the most pids lookupd accepts'),
  // 5xx
  GAFFER_ERR_INTERNAL: spec(500, 'internal_error', 'internal error'),
  GAFFER_ERR_PROCESS_SPAWN: spec(500, 'spawn_failed', 'the process could not be spawned'),
  GAFFER_ERR_WRITE_FAILED: spec(500, 'EIO', 'writing to the process failed'),
  GAFFER_ERR_LISTEN_FAILED: spec(500, 'listen_failed', 'cannot listen'),
  GAFFER_ERR_PIDFILE_WRITE: spec(500, 'pidfile_error', 'cannot write the pid file'),
  GAFFER_ERR_AUTH_STORE: spec(500, 'auth_store_error', 'the keys or users database is unusable'),
  GAFFER_ERR_LOGFILE_UNREADABLE: spec(500, 'logfile_unreadable', 'cannot read the log file'),
  GAFFER_ERR_LOOKUPD_HTTP: spec(500, 'http_error', 'lookupd answered an error'),
  GAFFER_ERR_LOOKUPD_UNREACHABLE: spec(502, 'lookupd_unreachable', 'no lookupd answered'),
  GAFFER_ERR_MANAGER_STOPPED: spec(503, 'manager_stopped', 'the manager is stopping; no new work is accepted'),
  GAFFER_ERR_NOT_STARTED: spec(503, 'not_started', 'gafferd is not started yet'),
  GAFFER_ERR_STDIN_FULL: spec(503, 'stdin_full', 'the process has not read its pending input'),
  GAFFER_ERR_DAEMON_UNREACHABLE: spec(503, 'unreachable', 'cannot reach gafferd'),
  GAFFER_ERR_CHANNEL_CLOSED: spec(503, 'closed', 'the channel closed'),
  GAFFER_ERR_CHANNEL: spec(500, 'channel_error', 'the PID channel answered an error'),
} as const satisfies Record<`GAFFER_ERR_${string}`, ErrorSpec>;

/** A registered code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Families of codes made from a value known only at run time, as docs/errors.md writes them:
 * a client's error for an HTTP status without its own class, and the PID channel's error frames.
 */
export const ERROR_CODE_FAMILIES = {
  'GAFFER_ERR_HTTP_<status>': 'GAFFER_ERR_HTTP_',
  'GAFFER_ERR_CHANNEL_<REASON>': 'GAFFER_ERR_CHANNEL_',
} as const;

/** Is `code` a registered code? */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The registered code of a wire reason (`not_found` → GAFFER_ERR_NOT_FOUND), if one is registered under that name. */
export function codeOfReason(reason: string): ErrorCode | undefined {
  const code = `GAFFER_ERR_${reason.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
  return isErrorCode(code) ? code : undefined;
}
