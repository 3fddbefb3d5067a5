// Provider logs go to stderr (stdout carries the handshake line only). go-plugin parses JSON
// lines in hclog's shape, so they appear under TF_LOG with their level.
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function stderrLogger(module = 'biaccess'): Logger {
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
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
