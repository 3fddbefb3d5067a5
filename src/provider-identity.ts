// Who this provider is to Terraform: one place for the name, source address and version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROVIDER_TYPE = 'biaccess';
export const PROVIDER_NAMESPACE = 'bi-access';
export const PROVIDER_HOST = 'registry.terraform.io';
/** The source address users write in required_providers. */
export const PROVIDER_SOURCE = `${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
/** Repository root (this file compiles to dist/src/; the bundles are in dist/bundle/). */
export const PACKAGE_ROOT = join(__dirname, '..', '..');

/** Defined by the bundler: a bundled provider runs with no package.json near it. */
declare const BUNDLED_PACKAGE_VERSION: string | undefined;

export const PROVIDER_VERSION: string =
  typeof BUNDLED_PACKAGE_VERSION === 'string'
    ? BUNDLED_PACKAGE_VERSION
    : JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
