// Measuring provider processes from outside: time from spawn to the go-plugin handshake line,
// resident memory from /proc, and a sampler that tracks the providers a terraform process starts.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { createServerCertificate } from '../../src/protocol/certificate';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../src/protocol/server';

export class BenchError extends Error {}

export interface HandshakeSample {
  /** Spawn to the complete handshake line on stdout. */
  handshakeMs: number;
  /** VmRSS right after the handshake line. */
  rssBytes: number;
}

const HANDSHAKE_TIMEOUT_MS = 15_000;

/** The environment Terraform gives a provider; the client certificate is any valid PEM. */
export function handshakeEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '6,5',
    PLUGIN_CLIENT_CERT: createServerCertificate().certificatePem,
  };
}

/**
 * Starts `node <entry>` as Terraform would and waits for the handshake line (with `anyLine`, for
 * the first line whatever it says), then kills it.
 * SIGKILL skips the provider's exit hook, so its socket folder is removed here.
 */
export function measureHandshake(entry: string, env: NodeJS.ProcessEnv, options: { anyLine?: boolean } = {}): Promise<HandshakeSample> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sample: HandshakeSample | undefined;
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new BenchError(`no handshake from ${entry} within ${HANDSHAKE_TIMEOUT_MS} ms\n--- stderr\n${stderr}`);
      child.kill('SIGKILL');
    }, HANDSHAKE_TIMEOUT_MS);

    child.stdout.on('data', (chunk: Buffer) => {
      if (sample || failure) return;
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const handshakeMs = performance.now() - startedAt;
      const line = stdout.slice(0, newline);
      const fields = line.split('|');
      if (options.anyLine) {
        sample = { handshakeMs, rssBytes: residentBytes(child.pid!) ?? 0 };
      } else if (fields.length !== 6 || fields[0] !== '1' || fields[1] !== '6' || fields[4] !== 'grpc') {
        failure = new BenchError(`unexpected handshake line from ${entry}: ${JSON.stringify(line)}\n--- stderr\n${stderr}`);
      } else {
        sample = { handshakeMs, rssBytes: residentBytes(child.pid!) ?? 0 };
        if (fields[2] === 'unix') removeSocketFolder(fields[3]);
      }
      child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (sample) resolve(sample);
      else reject(failure ?? new BenchError(`${entry} exited (code ${code}, signal ${signal}) before the handshake\n--- stderr\n${stderr}`));
    });
  });
}

/** Only the folder the provider made for its socket (biaccess-plugin-* in the temp dir). */
function removeSocketFolder(socketPath: string): void {
  const folder = dirname(socketPath);
  if (dirname(folder) === tmpdir() && basename(folder).startsWith('biaccess-plugin-')) rmSync(folder, { recursive: true, force: true });
}

/** VmRSS of a live process, undefined once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Linux reports utime and stime in USER_HZ ticks, 100 per second on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of a live process, undefined once it is gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of this process's terminated and reaped children (cutime + cstime): once terraform
 * has exited, the difference across its run is the CPU of terraform and every provider it started.
 */
export function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time all cores spent on anything but idling since boot (steal included: it is time we lost). */
export function machineBusyCpuSeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND;
}

export interface ProviderUsageReport {
  /** Distinct provider processes seen (a process that lived less than one interval may be missed). */
  processesSeen: number;
  /** Highest VmRSS seen of any one provider process. */
  peakRssBytes: number;
  /** Highest sum of VmRSS over provider processes alive at the same moment. */
  peakTotalRssBytes: number;
  samples: number;
  /** CPU time (user + system) of all provider processes, as last seen alive (up to one interval is missed). */
  cpuSeconds: number;
  /** Time the sampler itself spent reading /proc (it shares the machine with what it measures). */
  samplingMs: number;
}

/**
 * Polls /proc every intervalMs for children of one terraform process whose command line contains
 * the marker. Scanning by parent pid keeps providers started by other concurrent runs out.
 */
export class ProviderUsageSampler {
  private timer: NodeJS.Timeout | undefined;
  /** Provider pid → CPU seconds at its latest sample. */
  private readonly cpuSecondsByPid = new Map<number, number>();
  private peakRssBytes = 0;
  private peakTotalRssBytes = 0;
  private samples = 0;
  private samplingMs = 0;

  constructor(
    private readonly parentPid: number,
    private readonly commandLineMarker: string,
    private readonly intervalMs = 50,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): ProviderUsageReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return {
      processesSeen: this.cpuSecondsByPid.size,
      peakRssBytes: this.peakRssBytes,
      peakTotalRssBytes: this.peakTotalRssBytes,
      samples: this.samples,
      cpuSeconds: [...this.cpuSecondsByPid.values()].reduce((sum, value) => sum + value, 0),
      samplingMs: this.samplingMs,
    };
  }

  private sample(): void {
    const startedAt = performance.now();
    this.samples++;
    let total = 0;
    for (const pid of this.childPids()) {
      const rss = residentBytes(pid);
      if (rss === undefined || !this.isProvider(pid)) continue;
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.cpuSecondsByPid.set(pid, cpu);
      else if (!this.cpuSecondsByPid.has(pid)) this.cpuSecondsByPid.set(pid, 0);
      this.peakRssBytes = Math.max(this.peakRssBytes, rss);
      total += rss;
    }
    this.peakTotalRssBytes = Math.max(this.peakTotalRssBytes, total);
    this.samplingMs += performance.now() - startedAt;
  }

  /** Terraform's children, from /proc/<pid>/task/<tid>/children when the kernel has it, else a full scan. */
  private childPids(): number[] {
    try {
      const children: number[] = [];
      for (const task of readdirSync(`/proc/${this.parentPid}/task`)) {
        const listed = readFileSync(`/proc/${this.parentPid}/task/${task}/children`, 'utf8').trim();
        if (listed) children.push(...listed.split(/\s+/).map(Number));
      }
      return children;
    } catch {
      return this.scanForChildren();
    }
  }

  private scanForChildren(): number[] {
    const children: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // The command name in field 2 may contain spaces and parentheses; ppid follows the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (parentPid === this.parentPid) children.push(Number(entry));
      } catch {
        // The process exited between listing and reading.
      }
    }
    return children;
  }

  private isProvider(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.commandLineMarker);
    } catch {
      return false;
    }
  }
}
