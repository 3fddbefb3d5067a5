// The test vendor's checked-in constructs are exactly what the generator makes from its definitions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTKIT_CONSTRUCTS_DIR, testkitConstructFiles } from '../support/testkit/generate-constructs';

test('test/support/testkit/constructs is up to date with the test vendor definitions', () => {
  for (const [file, content] of testkitConstructFiles()) {
    expect({ file, content: readFileSync(join(TESTKIT_CONSTRUCTS_DIR, file), 'utf8') }).toEqual({ file, content });
  }
});
