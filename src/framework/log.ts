// Provider logs go to stderr (stdout carries the handshake line only). go-plugin parses JSON
// lines in hclog's shape, so they appear under TF_LOG with their level.
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/**
 * The lowest level Terraform shows from a provider: TF_LOG_PROVIDER, else TF_LOG (Terraform passes
 * its environment on). Unset or OFF shows nothing, but warnings and errors are written anyway
 * (they are rare); JSON is trace. Lines below the level are not written at all: Terraform would
 * read and drop them, and in a 1000-resource apply a debug line per vendor request was a share of
 * the provider's CPU (measured with BIACCESS_CPU_PROFILE_DIR: JSON and stderr writes in `log`).
 */
export function providerLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const setting = (env.TF_LOG_PROVIDER || env.TF_LOG || '').trim().toLowerCase();
  if (setting === 'json') return 'trace';
  if ((LEVELS as readonly string[]).includes(setting)) return setting as LogLevel;
  // Unset or off: nothing is shown. Anything else Terraform reads as trace: keep everything.
  return setting === '' || setting === 'off' ? 'warn' : 'trace';
}

export function stderrLogger(module = 'biaccess', minimum: LogLevel = providerLogLevel()): Logger {
  const lowest = LEVELS.indexOf(minimum);
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS.indexOf(level) < lowest) return;
    const line = JSON.stringify({
      '@level': level,
      '@message': message,
      '@module': module,
      '@timestamp': new Date().toISOString(),
      ...fields,
    });
    process.stderr.write(line + '\n');
  };
  return {
    log,
    debug: (m, f) => log('debug', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}

/** For tests and tools that want no output. */
export const silentLogger: Logger = {
  log() {},
  debug() {},
  warn() {},
  error() {},
};
