// Reading V8 CPU profiles (`node --cpu-prof`) of provider processes: self time per function and
// per kind of work, with positions in a bundle mapped back to their modules through its source map.
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: a module path (mapped through the bundle's source map), a node: builtin or V8. */
interface Frame {
  name: string;
  source: string;
  line: number;
}

export interface ProfileSummary {
  processes: number;
  /** Sampled wall time of all processes, and the part that was not idle. */
  totalMs: number;
  busyMs: number;
  /** Busy self time by kind of work, largest first. */
  categories: Array<{ category: string; ms: number }>;
  /** Busy self time by function, largest first. */
  functions: Array<{ name: string; where: string; category: string; ms: number }>;
}

/**
 * Kinds of work, tried in order on a sample's stack: module loading wins wherever it appears
 * (everything that runs while a module is being required is start-up), the others are decided by
 * the innermost frame that has a kind.
 */
const MODULE_LOADING = 'module loading (require, compile, top-level code)';
/** Starting the profiler (src/cli/cpu-profile) costs the profiled process, not the provider. */
const PROFILER = /\/cli\/cpu-profile\.[jt]s$/;
const PROFILER_START = 'starting the profiler (not the provider\'s own work)';
const KINDS: Array<[kind: string, test: (frame: Frame) => boolean]> = [
  ['garbage collection', (f) => f.name === '(garbage collector)'],
  ['TLS and crypto (handshake, certificate, record layer)', (f) => /^node:(internal\/)?(tls|_tls|crypto|internal\/crypto)|_tls_wrap|_tls_common/.test(f.source) || /\/protocol\/certificate\.[jt]s$/.test(f.source)],
  ['gRPC framing (node:http2, protocol/grpc)', (f) => /@grpc\/grpc-js\//.test(f.source) || /^node:(internal\/)?http2/.test(f.source) || /\/protocol\/grpc\.[jt]s$/.test(f.source)],
  // protobufjs generates each message type's encoder and decoder (Type$encode, Request$decode…) without a source.
  ['protobuf (messages)', (f) => /protobufjs|@protobufjs|@grpc\/proto-loader/.test(f.source) || (f.source === '' && /\$(encode|decode|fromObject|toObject|verify)$/.test(f.name))],
  ['msgpack (library)', (f) => /@msgpack\//.test(f.source)],
  ['cty value codec (protocol/codec)', (f) => /\/protocol\/(codec|values)\.[jt]s$/.test(f.source)],
  ['schema (building, types)', (f) => /schema|impliedType|toProtoBlock|typeToJson/i.test(f.name) || /\/framework\/definitions\.[jt]s$/.test(f.source)],
  ['protocol server (protocol/server)', (f) => /\/protocol\/server\.[jt]s$/.test(f.source)],
  ['planning and framework (framework/*)', (f) => /\/framework\/[^/]+\.[jt]s$/.test(f.source)],
  ['vendor code (vendors, testkit)', (f) => /\/vendors\/|\/testkit\//.test(f.source)],
  ['HTTP client (axios, node:http)', (f) => /\/axios\/|follow-redirects/.test(f.source) || /^node:(_http|http|internal\/http)/.test(f.source)],
  ['sockets and streams (node:net, streams)', (f) => /^node:(net|internal\/stream|internal\/streams|stream|internal\/net)/.test(f.source)],
  ['other dependencies', (f) => /node_modules\//.test(f.source)],
];

function isModuleLoading(frame: Frame): boolean {
  return (
    /^node:internal\/modules\//.test(frame.source) ||
    // esbuild's CommonJS wrapper: every bundled module's body runs inside __require.
    frame.name === '__require' ||
    /^(compileFunction|wrapSafe|Module\._compile|Module\._load|Module\.require|require)$/.test(frame.name)
  );
}

/** Reads every *.cpuprofile in a folder and sums them. `bundleMaps` maps a bundle's path to its source map file. */
export function summarizeProfiles(dir: string, bundleMaps: Record<string, string> = {}): ProfileSummary {
  const maps = new Map<string, SourceMap>();
  for (const [bundle, mapFile] of Object.entries(bundleMaps)) {
    try {
      maps.set(bundle, new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))));
    } catch {
      // Without the map, frames in the bundle are named by the bundle itself.
    }
  }
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; category: string; ms: number }>();
  let totalMs = 0;
  let idleMs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map<number, Frame>();
    const parents = new Map<number, number>();
    for (const node of profile.nodes) {
      frames.set(node.id, resolveFrame(node.callFrame, maps));
      for (const child of node.children ?? []) parents.set(child, node.id);
    }
    const categoryOfNode = new Map<number, string>();
    const categoryOf = (id: number): string => {
      let category = categoryOfNode.get(id);
      if (category !== undefined) return category;
      let innermost: string | undefined;
      let loading = false;
      let profiler = false;
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const frame = frames.get(at)!;
        if (PROFILER.test(frame.source)) profiler = true;
        if (isModuleLoading(frame)) loading = true;
        if (!loading) innermost ??= KINDS.find(([, test]) => test(frame))?.[0];
      }
      category = profiler ? PROFILER_START : loading ? MODULE_LOADING : (innermost ?? otherKind(frames.get(id)!));
      categoryOfNode.set(id, category);
      return category;
    };
    // timeDeltas[i] is the time between sample i-1 and sample i: it is charged to sample i.
    for (let i = 0; i < profile.samples.length; i++) {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const id = profile.samples[i];
      const frame = frames.get(id)!;
      totalMs += ms;
      if (frame.name === '(idle)') {
        idleMs += ms;
        continue;
      }
      const category = categoryOf(id);
      byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
      const where = frame.source ? `${frame.source}:${frame.line + 1}` : '';
      const key = `${frame.name} ${where}`;
      const entry = byFunction.get(key) ?? { name: frame.name || '(anonymous)', where, category, ms: 0 };
      entry.ms += ms;
      byFunction.set(key, entry);
    }
  }
  return {
    processes: files.length,
    totalMs,
    busyMs: totalMs - idleMs,
    categories: [...byCategory].map(([category, ms]) => ({ category, ms })).sort((a, b) => b.ms - a.ms),
    functions: [...byFunction.values()].sort((a, b) => b.ms - a.ms),
  };
}

function otherKind(frame: Frame): string {
  if (frame.name === '(program)') return 'V8 and native code outside JavaScript (program)';
  if (frame.source.startsWith('node:')) return 'Node built-ins (other)';
  if (frame.source === '') return 'native functions (other)';
  return 'other';
}

function resolveFrame(callFrame: CallFrame, maps: Map<string, SourceMap>): Frame {
  const { functionName, url, lineNumber, columnNumber } = callFrame;
  let source = url.startsWith('file://') ? fileURLToPath(url) : url;
  let line = lineNumber;
  const map = maps.get(source);
  if (map && lineNumber >= 0) {
    const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource) {
      source = entry.originalSource;
      line = entry.originalLine ?? line;
    }
  }
  return { name: functionName, source: shortPath(source), line };
}

/** node_modules/…, src/… or test/… rather than an absolute path into a temporary copy or one relative to the bundle. */
function shortPath(path: string): string {
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules);
  const project = /(?:^|\/)(?:dist\/)?((?:src|test|lib)\/.*)$/.exec(path);
  return project ? project[1] : path;
}
