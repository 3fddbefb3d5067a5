// Provider log lines: written only at the level Terraform shows (TF_LOG_PROVIDER, else TF_LOG).
import { providerLogLevel, stderrLogger } from '../../src/framework/log';

test('the level comes from TF_LOG_PROVIDER, else TF_LOG; unset or OFF keeps warnings and errors; JSON and unknown values keep everything', () => {
  expect(providerLogLevel({})).toBe('warn');
  expect(providerLogLevel({ TF_LOG: 'off' })).toBe('warn');
  expect(providerLogLevel({ TF_LOG: 'DEBUG' })).toBe('debug');
  expect(providerLogLevel({ TF_LOG: 'info', TF_LOG_PROVIDER: 'TRACE' })).toBe('trace');
  expect(providerLogLevel({ TF_LOG: 'json' })).toBe('trace');
  expect(providerLogLevel({ TF_LOG: '1' })).toBe('trace');
});

test('lines below the level are not written; the others are hclog JSON on stderr', () => {
  const written: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const log = stderrLogger('biaccess', 'warn');
    log.debug('a request', { path: '/x' });
    log.warn('a warning');
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0])).toMatchObject({ '@level': 'warn', '@message': 'a warning', '@module': 'biaccess' });
  } finally {
    write.mockRestore();
  }
});
