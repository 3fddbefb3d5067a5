// The reference docs in docs/ are exactly what the generator makes from the definitions, and say
// what a user needs for each type: arguments with their flags, allowed values and defaults, the
// attributes, and the import ID.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDocs } from '../../src/codegen/docs';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { vendors } from '../../src/vendors';

const docsDir = join(PACKAGE_ROOT, 'docs');

function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesBelow(dir, path) : [path];
  });
}

test('docs/ is exactly what the generator produces from src/vendors (run `npx bi-access generate` when this fails)', () => {
  const generated = generateDocs(vendors);
  expect(filesBelow(docsDir).sort()).toEqual([...generated.keys()].sort());
  for (const [path, content] of generated) expect({ path, content: readFileSync(join(docsDir, path), 'utf8') }).toEqual({ path, content });
});

test('every type has a page in the Registry layout, with its arguments, attributes and, for resources, its import ID', () => {
  const generated = generateDocs(vendors);
  for (const vendor of vendors) {
    for (const resource of vendor.resources) {
      const page = generated.get(`resources/${resource.typeName.replace(/^biaccess_/, '')}.md`)!;
      expect(page).toContain(`# ${resource.typeName} (Resource)`);
      expect(page).toContain(`Import ID: \`${resource.import.format}\`.`);
      for (const [name, spec] of Object.entries(resource.attributes)) {
        expect(page).toContain(`- \`${name}\` (`);
        if (spec.forceNew) expect(page).toMatch(new RegExp(`- \`${name}\` \\([^)]*Forces replacement`));
        if (spec.sensitive) expect(page).toMatch(new RegExp(`- \`${name}\` \\([^)]*Sensitive`));
      }
    }
    for (const dataSource of vendor.dataSources) {
      const page = generated.get(`data-sources/${dataSource.typeName.replace(/^biaccess_/, '')}.md`)!;
      expect(page).toContain(`# ${dataSource.typeName} (Data Source)`);
    }
  }
  const share = generated.get('resources/sisense_dashboard_share.md')!;
  expect(share).toContain("- `rule` (String, Optional) `view` (Viewer), `edit` (Designer) or `co-owner`. Changes in place. Allowed values: `view`, `edit`, `co-owner`. Default: `\"view\"`.");
  expect(generated.get('index.md')).toContain('Environment variable: `SISENSE_TOKEN`.');
});
