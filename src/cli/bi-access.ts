// The `bi-access` command line: installing the provider, regenerating the constructs, running
// emulators, and operating access (drift, audit, adopt; their logic lives in src/ops).
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

/** Where a command runs: its environment (vendor settings, Terraform's variables) and directory. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface Command {
  /** Arguments after the command name, e.g. `[--dir DIR]` or `<vendor>`. */
  synopsis: string;
  summary: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Names of the required positional arguments, in order. */
  positionals?: string[];
  /** Exit code of a usage error; 2 unless the command gives 2 a meaning of its own. */
  usageExitCode?: number;
  /** Shown by `bi-access <command> --help` after the synopsis. */
  help?: string;
  run(args: ParsedArguments, output: CliOutput, context: CliContext): number | Promise<number>;
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
    summary: "Regenerate the CDKTF constructs (default into lib/generated) and the reference docs (docs/) from the provider's definitions.",
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
      const { generateDocs, DOCS_MARKER } = await import('../codegen/docs');
      const { writeGeneratedFiles } = await import('../codegen/constructs');
      const docsDir = join(PACKAGE_ROOT, 'docs');
      const docs = generateDocs(vendors);
      const docsResult = writeGeneratedFiles(docsDir, docs, (path, content) => path.endsWith('.md') && content.startsWith(DOCS_MARKER));
      output.stdout(
        `Generated ${docs.size} files in ${docsDir}: ${docsResult.written.length} written, ${docsResult.deleted.length} deleted, ${docs.size - docsResult.written.length} unchanged\n`,
      );
      return 0;
    },
  },
  emulate: {
    synopsis: '<vendor> [--example] [--enterprise] [--state FILE] [--port N]',
    summary:
      "Run a vendor API emulator on 127.0.0.1 until interrupted; prints its URL and the provider's environment variables. " +
      '--example starts it with the example content the README and the demo use (dashboards, folders, data sources); --enterprise serves Grafana Enterprise (data source permissions).',
    options: { state: { type: 'string' }, port: { type: 'string' }, example: { type: 'boolean' }, enterprise: { type: 'boolean' } },
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
      const module = await loadEmulator();
      if (options.enterprise === true && !module.enterprise) {
        output.stderr(`bi-access emulate: --enterprise is for emulators with editions (grafana), not ${vendor}\n`);
        return 2;
      }
      if (options.example === true && !module.demo) {
        output.stderr(`bi-access emulate: the ${vendor} emulator has no example content\n`);
        return 2;
      }
      const launch = { stateFile: typeof options.state === 'string' ? resolve(options.state) : undefined, enterprise: options.enterprise === true || undefined };
      // The example content is the demo's: what exists before any access is declared.
      const emulator = options.example === true ? module.demo!.create(launch) : module.create(launch);
      const url = await emulator.start(port);
      if (options.example === true) await module.demo!.seed(emulator);
      const environment = Object.entries(emulator.connectionEnvironment()).map(([name, value]) => `export ${name}=${value}`);
      output.stdout(`${vendor} emulator listening on ${url} (Ctrl-C stops it)\n${environment.join('\n')}\n`);
      await new Promise<void>((stopped) => process.once('SIGINT', () => void emulator.stop().then(stopped)));
      return 0;
    },
  },
  drift: {
    synopsis: '[--dir DIR | --stack NAME] [--json] [--ignore FILE]',
    summary: 'Report access changed outside Terraform (deleted, changed, added), without changing anything. Exit 0: none; 2: drift; 1: error.',
    usageExitCode: 1,
    help: `Runs a refresh-only plan in DIR (default: the current directory) or in the synthesized cdktf stack
cdktf.out/stacks/NAME, saved to a temporary file and never applied, and classifies what drifted:
  deleted   gone outside Terraform
  changed   an attribute differs: stored → live (secrets masked)
  added     access nobody declared: a member of a group a resource manages, or a grant on an
            object with a declared grant (found through the vendors' APIs, whose environment
            variables must be set: REDASH_*, GRAFANA_*, SISENSE_*, PERISCOPE_*)
Not drift: what a vendor makes itself (Grafana's team creator, Redash's default link on a new data
source, a Sisense dashboard owner, Periscope's Everyone) and grants inherited from folders.

  --json         print {"drift": [{"address", "vendor", "class", "changes"}], "ignored": N}
  --ignore FILE  one address or * glob per line, optionally followed by "# reason"; ignored items
                 are counted, never shown`,
    options: { dir: { type: 'string' }, stack: { type: 'string' }, json: { type: 'boolean' }, ignore: { type: 'string' } },
    async run({ options }, output, context) {
      const { detectDrift, driftTable } = await import('../ops/drift');
      return operation('drift', output, async (ops) => {
        const report = await detectDrift({ dir: text(options.dir), stack: text(options.stack), ignore: text(options.ignore) }, { ...context, ...ops });
        output.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : driftTable(report));
        return report.drift.length > 0 ? 2 : 0;
      });
    },
  },
  audit: {
    synopsis: '[--vendor V] [--object KIND:ID] [--person EMAIL] [--state DIR] [--format table|csv|json|html]',
    summary: "Who can access what, read live through the vendors' APIs: one entry per person, object and path (direct, team/group/role, folder, default role).",
    help: `Reads every vendor whose environment variables are set (REDASH_*, GRAFANA_*, SISENSE_*, PERISCOPE_*), or
only --vendor V, and follows each grant to the people it reaches: directly, through a group (a Redash
or Sisense group, a Grafana team, a Periscope role) and its members, through a Grafana basic role and
the org users holding it (Admin includes Editor includes Viewer), from a Grafana folder to its
dashboards, through Redash's default group and Periscope's Everyone role.

  --object KIND:ID   only this object (KIND: dashboard, folder, data_source, data_model)
  --person EMAIL     only this person
  --state DIR        a Terraform directory: "managed" is true when its state declares the grant and,
                     for a team or group, the membership (without --state it is false)
  --format F         table (default), csv (with a header row), json (one document), html (one
                     self-contained page with a sortable, filterable table)
Each entry: vendor, object (kind, id, name), person (email), level (view, query, edit, admin), via
(how the access arises: folder:<uid>, then direct, team:X, group:X or role:X), managed.
Progress goes to stderr; stdout carries the result only.`,
    options: { vendor: { type: 'string' }, object: { type: 'string' }, person: { type: 'string' }, state: { type: 'string' }, format: { type: 'string' } },
    async run({ options }, output, context) {
      const { audit } = await import('../ops/audit');
      const { AUDIT_FORMATS, formatAudit } = await import('../ops/audit-format');
      const format = text(options.format) ?? 'table';
      if (!(AUDIT_FORMATS as readonly string[]).includes(format)) {
        output.stderr(`bi-access audit: --format must be one of ${AUDIT_FORMATS.join(', ')}; got "${format}"\n`);
        return 2;
      }
      return operation('audit', output, async (ops) => {
        const entries = await audit({ vendor: text(options.vendor), object: text(options.object), person: text(options.person), state: text(options.state) }, { ...context, ...ops });
        output.stdout(formatAudit(entries, format as (typeof AUDIT_FORMATS)[number]));
        return 0;
      });
    },
  },
  adopt: {
    synopsis: '--vendor V [--out DIR] [--only user|group|membership|grant]',
    summary: 'Take over the access that exists: import blocks for the users, groups, memberships and grants of a live instance, and their configuration generated by Terraform.',
    help: `Writes DIR/imports-V.tf (DIR, default the current directory, is created when missing) with one
import {} block per existing user, group, membership and grant, each with its resource type's
documented import ID; in a directory without configuration also providers.tf and the provider itself
(as bi-access install --dir does). Then runs terraform init (if needed) and
terraform plan -generate-config-out=DIR/generated-V.tf, so that a plan right after shows no change;
terraform apply then records the imports in the state.

Left out: built-in groups (their members and grants are adopted), members of all-users groups
(Redash's default, Periscope's Everyone, Sisense's Everyone), grants inherited from folders. Grafana
users are adopted as their org membership (biaccess_grafana_org_member): the user resource holds a
password Grafana never returns.

  --only KIND   only users, groups, memberships or grants`,
    options: { vendor: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } },
    async run({ options }, output, context) {
      const { adopt } = await import('../ops/adopt');
      const vendor = text(options.vendor);
      if (vendor === undefined) {
        output.stderr('bi-access adopt: --vendor is required\n');
        return 2;
      }
      return operation('adopt', output, async (ops) => {
        const result = await adopt({ vendor, out: text(options.out), only: text(options.only) }, { ...context, ...ops });
        const counts = new Map<string, number>();
        for (const block of result.blocks) counts.set(block.kind, (counts.get(block.kind) ?? 0) + 1);
        const summary = [...counts].map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`).join(', ') || 'nothing';
        output.stdout(`Adopted ${summary} of ${vendor}: import blocks in ${result.importsFile}\n`);
        if (result.planSummary) output.stdout(`Configuration generated in ${result.generatedFile}\n${result.planSummary}\n`);
        for (const line of result.skipped) output.stderr(`bi-access adopt: not adopted: ${line}\n`);
        return 0;
      });
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

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Runs an operations command: progress on stderr, an error the user can act on as its message and exit 1. */
async function operation(name: string, output: CliOutput, run: (ops: { progress(line: string): void }) => Promise<number>): Promise<number> {
  const { OpsError } = await import('../ops/context');
  try {
    return await run({ progress: (line) => output.stderr(`bi-access ${name}: ${line}\n`) });
  } catch (error) {
    if (!(error instanceof OpsError)) throw error;
    output.stderr(`bi-access ${name}: ${error.message}\n`);
    return 1;
  }
}

function commandHelp(name: string, command: Command): string {
  return `Usage: bi-access ${name}${command.synopsis ? ` ${command.synopsis}` : ''}\n\n${command.summary}\n${command.help ? `\n${command.help}\n` : ''}`;
}

export function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) =>
    [`  bi-access ${name}${command.synopsis ? ` ${command.synopsis}` : ''}`, `      ${command.summary}`].join('\n'),
  );
  return `Usage:\n${lines.join('\n')}\n`;
}

/** Runs one command line; returns the exit code (2 for usage errors). */
export async function main(argv: string[], output: CliOutput = processOutput, context: CliContext = { env: process.env, cwd: process.cwd() }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') return commands.help.run({ options: {}, positionals: [] }, output, context);
  const command = name === undefined ? undefined : Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    output.stderr(`${name === undefined ? 'No command given.' : `Unknown command: ${name}`}\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    output.stdout(commandHelp(name, command));
    return 0;
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
    return command.usageExitCode ?? 2;
  }
  return command.run({ options: parsed.values, positionals: parsed.positionals }, output, context);
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
