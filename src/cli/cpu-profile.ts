// Diagnostics: with BIACCESS_CPU_PROFILE_DIR set, the provider process records a V8 CPU profile
// from here on and writes it to that folder when it exits (<dir>/provider-<pid>.cpuprofile, the
// format of `node --cpu-prof`, which Node 20 does not accept in NODE_OPTIONS). Terraform passes
// its environment on to the provider, so `BIACCESS_CPU_PROFILE_DIR=/tmp/p terraform plan`
// profiles every provider process of the command. Imported first by the provider's entry, so
// what follows (loading the dependencies included) is in the profile.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CPU_PROFILE_DIR_VARIABLE = 'BIACCESS_CPU_PROFILE_DIR';
/** Microseconds between samples, as `node --cpu-prof` takes by default. */
const SAMPLING_INTERVAL_US = 1000;

function startFromEnvironment(): void {
  const dir = process.env[CPU_PROFILE_DIR_VARIABLE];
  if (!dir) return;
  // Loaded only when asked for: a provider start pays nothing for this otherwise.
  const { Session } = require('node:inspector') as typeof import('node:inspector');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  session.post('Profiler.start');
  // The in-process session answers synchronously, so the profile is written before the exit completes.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `provider-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

startFromEnvironment();
