// Base classes of the generated constructs: each generated class only passes its Terraform type,
// its config and the names of its arguments.
import {
  TerraformDataSource,
  TerraformResource,
  type TerraformMetaArguments,
  type TerraformProviderGeneratorMetadata,
} from 'cdktf';
import type { Construct } from 'constructs';
import { PROVIDER_TYPE, PROVIDER_VERSION } from '../src/provider-identity';

/** Construct property (camelCase) → Terraform attribute (snake_case), for every argument. */
export type AttributeNames = Readonly<Record<string, string>>;

const generatorMetadata: TerraformProviderGeneratorMetadata = {
  providerName: PROVIDER_TYPE,
  providerVersion: PROVIDER_VERSION,
};

/**
 * The arguments keyed by Terraform name. Values go out as given: cdktf's mappers for our types
 * (stringToTerraform, hashMapper(…), …) are identities, tokens resolve later, unset (undefined)
 * arguments are dropped from the output, and resource attributes are not snake-cased by cdktf,
 * so map keys stay as written.
 */
function terraformArguments(config: object, attributeNames: AttributeNames): Record<string, unknown> {
  const values = config as Record<string, unknown>;
  return Object.fromEntries(Object.entries(attributeNames).map(([property, attribute]) => [attribute, values[property]]));
}

export class BiAccessResource extends TerraformResource {
  readonly #config: object;
  readonly #attributeNames: AttributeNames;

  constructor(
    scope: Construct,
    id: string,
    terraformResourceType: string,
    config: TerraformMetaArguments,
    attributeNames: AttributeNames,
  ) {
    // TerraformResource reads only the meta-arguments (count, dependsOn, provider, …) from config.
    super(scope, id, { ...config, terraformResourceType, terraformGeneratorMetadata: generatorMetadata });
    this.#config = config;
    this.#attributeNames = attributeNames;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return terraformArguments(this.#config, this.#attributeNames);
  }

  /** `cdktf synth --hcl`: the HCL renderer formats untyped values by their JavaScript type. */
  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return terraformArguments(this.#config, this.#attributeNames);
  }
}

export class BiAccessDataSource extends TerraformDataSource {
  readonly #config: object;
  readonly #attributeNames: AttributeNames;

  constructor(
    scope: Construct,
    id: string,
    terraformResourceType: string,
    config: TerraformMetaArguments,
    attributeNames: AttributeNames,
  ) {
    super(scope, id, { ...config, terraformResourceType, terraformGeneratorMetadata: generatorMetadata });
    this.#config = config;
    this.#attributeNames = attributeNames;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return terraformArguments(this.#config, this.#attributeNames);
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return terraformArguments(this.#config, this.#attributeNames);
  }
}
