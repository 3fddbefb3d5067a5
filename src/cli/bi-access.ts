// The `bi-access` command line: installing the provider and regenerating the constructs.
// A command is one entry in `commands`; its options are parsed with node:util's parseArgs.
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { installProvider, terraformPlatform } from '../install';
import { PACKAGE_ROOT, PROVIDER_TYPE, PROVIDER_VERSION } from '../provider-identity';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface ParsedArguments {
  options: ReturnType<typeof parseArgs>['values'];
  positionals: string[];
}

interface Command {
  /** Arguments after the command name, e.g. `[--dir DIR]` or `<vendor>`. */
  synopsis: string;
  summary: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Names of the required positional arguments, in order. */
  positionals?: string[];
  run(args: ParsedArguments, output: CliOutput): number | Promise<number>;
}

const commands: Record<string, Command> = {
  install: {
    synopsis: '[--dir DIR]',
    summary:
      'Install the provider where Terraform finds it offline: in DIR/terraform.d/plugins with a lock entry in DIR/.terraform.lock.hcl, or without --dir in ~/.terraform.d/plugins.',
    options: { dir: { type: 'string' } },
    run({ options }, output) {
      const workingDir = typeof options.dir === 'string' ? resolve(options.dir) : undefined;
      const installed = installProvider({ workingDir });
      output.stdout(`Installed ${PROVIDER_TYPE} ${PROVIDER_VERSION} (${terraformPlatform()}) at ${installed.executable}\n`);
      if (installed.lockFile) output.stdout(`Wrote the lock entry (${installed.hash}) to ${installed.lockFile}\n`);
      return 0;
    },
  },
  generate: {
    synopsis: '[--out DIR]',
    summary: "Regenerate the CDKTF constructs from the provider's definitions (default into lib/generated).",
    options: { out: { type: 'string' } },
    async run({ options }, output) {
      // Loaded on demand: only this command needs the vendor definitions.
      const { vendors } = await import('../vendors');
      const { generateConstructs, writeGeneratedConstructs } = await import('../codegen/constructs');
      const outDir = typeof options.out === 'string' ? resolve(options.out) : join(PACKAGE_ROOT, 'lib', 'generated');
      const files = generateConstructs({ vendors, libBaseImport: '../base', includeProvider: true });
      const { written, deleted } = writeGeneratedConstructs(outDir, files);
      output.stdout(
        `Generated ${files.size} files in ${outDir}: ${written.length} written, ${deleted.length} deleted, ${files.size - written.length} unchanged\n`,
      );
      return 0;
    },
  },
  emulate: {
    synopsis: '<vendor> [--state FILE] [--port N]',
    summary: "Run a vendor API emulator on 127.0.0.1 until interrupted; prints its URL and the provider's environment variables.",
    options: { state: { type: 'string' }, port: { type: 'string' } },
    positionals: ['vendor'],
    async run({ options, positionals }, output) {
      const { vendors, findVendor } = await import('../vendors');
      const [vendor] = positionals;
      const loadEmulator = findVendor(vendor)?.emulator;
      if (!loadEmulator) {
        const available = vendors.filter((candidate) => candidate.emulator).map((candidate) => candidate.name);
        output.stderr(`bi-access emulate: no emulator for "${vendor}"; available: ${available.join(', ') || 'none'}\n`);
        return 2;
      }
      const port = typeof options.port === 'string' ? Number(options.port) : 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        output.stderr(`bi-access emulate: --port must be a whole number from 0 to 65535\n`);
        return 2;
      }
      const emulator = (await loadEmulator()).create({ stateFile: typeof options.state === 'string' ? resolve(options.state) : undefined });
      const url = await emulator.start(port);
      const environment = Object.entries(emulator.connectionEnvironment()).map(([name, value]) => `export ${name}=${value}`);
      output.stdout(`${vendor} emulator listening on ${url} (Ctrl-C stops it)\n${environment.join('\n')}\n`);
      await new Promise<void>((stopped) => process.once('SIGINT', () => void emulator.stop().then(stopped)));
      return 0;
    },
  },
  help: {
    synopsis: '',
    summary: 'Show this help.',
    run(_args, output) {
      output.stdout(usage());
      return 0;
    },
  },
  '--version': {
    synopsis: '',
    summary: "Print bi-access's version (the provider's version, as Terraform sees it).",
    run(_args, output) {
      output.stdout(`bi-access ${PROVIDER_VERSION}\n`);
      return 0;
    },
  },
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) =>
    [`  bi-access ${name}${command.synopsis ? ` ${command.synopsis}` : ''}`, `      ${command.summary}`].join('\n'),
  );
  return `Usage:\n${lines.join('\n')}\n`;
}

/** Runs one command line; returns the exit code (2 for usage errors). */
export async function main(argv: string[], output: CliOutput = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') return commands.help.run({ options: {}, positionals: [] }, output);
  const command = name === undefined ? undefined : Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    output.stderr(`${name === undefined ? 'No command given.' : `Unknown command: ${name}`}\n${usage()}`);
    return 2;
  }
  const expected = command.positionals ?? [];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: expected.length > 0, strict: true });
    if (parsed.positionals.length !== expected.length) {
      throw new Error(`expected ${expected.map((positional) => `<${positional}>`).join(' ') || 'no arguments'}`);
    }
  } catch (error) {
    output.stderr(`bi-access ${name}: ${(error as Error).message}\n${usage()}`);
    return 2;
  }
  return command.run({ options: parsed.values, positionals: parsed.positionals }, output);
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Entry of bin/bi-access: runs process.argv and sets the exit code. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bi-access: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) run();
