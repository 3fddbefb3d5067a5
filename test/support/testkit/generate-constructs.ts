// Generates the test vendor's constructs into test/support/testkit/constructs (checked in, kept
// in sync by test/unit/testkit-constructs.test.ts). Run: node dist/test/support/testkit/generate-constructs.js
import { join } from 'node:path';
import { generateConstructs, writeGeneratedConstructs } from '../../../src/codegen/constructs';
import { PACKAGE_ROOT } from '../../../src/provider-identity';
import { testkit } from './vendor';

export const TESTKIT_CONSTRUCTS_DIR = join(PACKAGE_ROOT, 'test', 'support', 'testkit', 'constructs');

/** The files as the generator produces them now; base import relative to the output folder. */
export function testkitConstructFiles(): Map<string, string> {
  return generateConstructs({ vendors: [testkit], libBaseImport: '../../../../lib/base', includeProvider: false });
}

if (require.main === module) {
  const { written, deleted } = writeGeneratedConstructs(TESTKIT_CONSTRUCTS_DIR, testkitConstructFiles());
  process.stdout.write(`testkit constructs: ${written.length} written, ${deleted.length} deleted\n`);
}
