// Every HCL example in the reference docs is a valid configuration: `terraform validate` accepts
// them all, with the provider's own schemas and attribute checks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

test('terraform validate accepts every resource and data source example of docs/', async () => {
  const blocks: string[] = [];
  for (const folder of ['resources', 'data-sources']) {
    for (const file of readdirSync(join(PACKAGE_ROOT, 'docs', folder)).sort()) {
      const page = readFileSync(join(PACKAGE_ROOT, 'docs', folder, file), 'utf8');
      const example = /## Example Usage\n\n```hcl\n([\s\S]*?)```/.exec(page)?.[1];
      expect({ file, example: example !== undefined }).toEqual({ file, example: true });
      // One configuration holds them all: the examples are all named "example", so each gets the page's name.
      blocks.push(example!.replace(/"example" \{/, `"${file.replace(/\.md$/, '')}" {`));
    }
  }
  const workspace = await TerraformWorkspace.create({ inProcess: true });
  try {
    workspace.write('main.tf', `terraform {\n  required_providers {\n    biaccess = { source = "bi-access/biaccess" }\n  }\n}\n\n${blocks.join('\n')}`);
    await workspace.terraform(['init']);
    const validate = await workspace.terraform(['validate'], { allowFailure: true });
    expect({ code: validate.code, output: validate.stdout + validate.stderr }).toEqual({ code: 0, output: expect.stringContaining('Success! The configuration is valid.') });
  } finally {
    await workspace.remove();
  }
});
