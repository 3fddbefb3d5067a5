// The biaccess provider construct. Besides declaring the provider, it installs it into each
// stack's synth output, so `cdktf deploy` works with no registry and no configuration.
import { TerraformProvider, TerraformStack, type ISynthesisSession } from 'cdktf';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { installProvider } from '../src/install';
import { PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../src/provider-identity';
import type { BiAccessProviderConfig } from './generated/provider-config';

export interface BiAccessProviderProps extends BiAccessProviderConfig {
  /** Name of this provider configuration when a stack uses several (`provider = biaccess.<alias>`). */
  readonly alias?: string;
  /**
   * Path of a provider entry script to run where it is, for development builds and tests. Default:
   * the package's provider bundle, copied into the stack's plugin folder (it needs only Node there).
   */
  readonly pluginEntry?: string;
}

export class BiAccessProvider extends TerraformProvider {
  static readonly tfResourceType = PROVIDER_TYPE;

  #alias: string | undefined;
  readonly #vendorBlocks: BiAccessProviderConfig;

  constructor(scope: Construct, id: string, props: BiAccessProviderProps = {}) {
    super(scope, id, {
      terraformResourceType: PROVIDER_TYPE,
      terraformGeneratorMetadata: { providerName: PROVIDER_TYPE, providerVersion: PROVIDER_VERSION },
      terraformProviderSource: PROVIDER_SOURCE,
    });
    const { alias, pluginEntry, ...vendorBlocks } = props;
    this.#alias = alias;
    this.#vendorBlocks = vendorBlocks;
    installProviderOnSynth(TerraformStack.of(this), pluginEntry);
  }

  get alias(): string | undefined {
    return this.#alias;
  }

  set alias(alias: string | undefined) {
    this.#alias = alias;
  }

  /** cdktf snake-cases provider attributes, nested ones included: `redash: { apiKey }` → `redash = { api_key }`. */
  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { ...this.#vendorBlocks };
  }

  /** In HCL the vendor blocks are nesting-mode single blocks (`redash { … }`), not object attributes. */
  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return Object.fromEntries(
      Object.entries(this.#vendorBlocks)
        .filter(([, block]) => block !== undefined)
        .map(([vendor, block]) => [vendor, { value: block, isBlock: true, type: 'struct', storageClassType: vendor }]),
    );
  }
}

/** Stack → the provider entry its installation uses; a stack installs once, whatever its aliases. */
const entryByStack = new WeakMap<TerraformStack, string | undefined>();

/**
 * Wraps the stack's synthesizer (a public, replaceable property of TerraformStack; App.synth calls
 * `stack.synthesizer.synthesize(session)` per stack) so that, after the stack's JSON is written, the
 * provider is installed into its working directory `cdktf.out/stacks/<stack>` together with a lock
 * entry. cdktf's first-deploy `terraform providers lock` (which ignores local mirrors and fails
 * offline) is skipped when the lock file already names the provider at the required version.
 */
function installProviderOnSynth(stack: TerraformStack, pluginEntry: string | undefined): void {
  if (entryByStack.has(stack)) {
    if (entryByStack.get(stack) !== pluginEntry) {
      throw new Error(`every BiAccessProvider in stack ${stack.node.path} must use the same pluginEntry`);
    }
    return;
  }
  entryByStack.set(stack, pluginEntry);
  const synthesizeStack = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      synthesizeStack.synthesize(session);
      const workingDir = join(session.outdir, session.manifest.forStack(stack).workingDirectory);
      installProvider({ workingDir, entry: pluginEntry });
    },
  };
}
