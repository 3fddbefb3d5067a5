// The resource framework on its own: schema served to Terraform, state upgrade, planning
// rules, definition checks and multi-attribute rules. (Its behaviour under the real Terraform
// binary is covered by test/e2e.)
import { VendorConfigError, type ResourceDefinition, type VendorDefinition } from '../../src/framework/definitions';
import { silentLogger } from '../../src/framework/log';
import { buildProvider } from '../../src/framework/provider';
import { exactlyOneOf, oneOf } from '../../src/framework/validators';
import { UNKNOWN } from '../../src/protocol/values';

interface Widget {
  id: string;
  name: string;
  colour: string;
  region: string;
}

function widgetResource(overrides: Partial<ResourceDefinition<Widget, object>> = {}): ResourceDefinition<Widget, object> {
  return {
    typeName: 'biaccess_demo_widget',
    description: 'A widget.',
    schemaVersion: 1,
    attributes: {
      id: { type: 'string', computed: true, description: 'Id.' },
      name: { type: 'string', required: true, description: 'Name.' },
      colour: { type: 'string', default: 'blue', validators: [oneOf(['blue', 'red'])], description: 'Colour.' },
      region: { type: 'string', required: true, forceNew: true, description: 'Region.' },
    },
    // Version 0 called the name "title".
    upgradeState: (version, raw) => (version === 0 ? { ...raw, name: raw.title, title: undefined } : raw),
    import: { format: 'region/id' },
    create: async (_context, planned) => ({ ...planned, id: 'w1' }),
    read: async (_context, current) => current,
    update: async (_context, _prior, planned) => planned,
    delete: async () => undefined,
    ...overrides,
  };
}

function demoVendor(resource = widgetResource()): VendorDefinition<object> {
  return {
    name: 'demo',
    description: 'Demo vendor.',
    config: { url: { type: 'string', optional: true, env: 'BIACCESS_DEMO_URL_FOR_TEST', description: 'URL.' } },
    connect: (settings) => {
      if (!settings.url) throw new VendorConfigError('url', 'demo.url is not set');
      return {};
    },
    resources: [resource],
    dataSources: [],
  };
}

const provider = (vendor = demoVendor()) => buildProvider({ typeName: 'biaccess', version: '0.0.0', vendors: [vendor], log: silentLogger });

test('the schema marks defaults optional+computed and documents force-new, allowed values and import IDs', () => {
  const schema = provider().schema().resources.biaccess_demo_widget;
  const byName = Object.fromEntries(schema.block.attributes.map((a) => [a.name, a]));
  expect(schema.version).toBe(1);
  expect(byName.colour).toMatchObject({ optional: true, computed: true, required: false });
  expect(byName.colour.description).toContain('Must be one of "blue", "red"');
  expect(byName.region.description).toContain('Changing it replaces the object');
  expect(byName.id).toMatchObject({ computed: true, optional: false, required: false });
  expect(schema.block.description).toContain('Import ID: `region/id`');
});

test('state from an older schema version is upgraded; unknown keys dropped, missing ones null', async () => {
  const result = await provider().upgradeResourceState('biaccess_demo_widget', 0, { id: 'w1', title: 'old', region: 'eu', leftover: 1 });
  expect(result.diagnostics).toEqual([]);
  expect(result.upgradedState).toEqual({ id: 'w1', name: 'old', colour: null, region: 'eu' });
});

test('state from a newer provider is refused with a clear message', async () => {
  const result = await provider().upgradeResourceState('biaccess_demo_widget', 5, { id: 'w1' });
  expect(result.diagnostics[0].detail).toContain('written by a newer biaccess provider');
});

test('planning: defaults fill unset attributes, computed values are unknown on create, force-new asks for replacement', async () => {
  const p = provider();
  await p.configure({ demo: { url: 'http://127.0.0.1:1' } }, '1.11.0');
  const config = { id: null, name: 'a', colour: null, region: 'eu' };
  const create = await p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: null, proposedNewState: config, config, priorPrivate: Buffer.alloc(0) });
  expect(create.plannedState).toEqual({ id: UNKNOWN, name: 'a', colour: 'blue', region: 'eu' });

  const prior = { id: 'w1', name: 'a', colour: 'blue', region: 'eu' };
  const moved = { ...config, region: 'us' };
  const replace = await p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: prior, proposedNewState: { ...moved, id: 'w1' }, config: moved, priorPrivate: Buffer.alloc(0) });
  expect(replace.requiresReplace).toEqual([[{ attribute: 'region' }]]);
  expect(replace.plannedState).toMatchObject({ id: UNKNOWN, region: 'us' });

  const renamed = { ...config, name: 'b' };
  const update = await p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: prior, proposedNewState: { ...renamed, id: 'w1' }, config: renamed, priorPrivate: Buffer.alloc(0) });
  expect(update.requiresReplace).toEqual([]);
  expect(update.plannedState).toEqual({ id: 'w1', name: 'b', colour: 'blue', region: 'eu' });
});

test('a vendor left unconfigured is reported when its resource is planned, not at configure', async () => {
  const p = provider();
  expect(await p.configure({ demo: null }, '1.11.0')).toEqual([]);
  const config = { id: null, name: 'a', colour: null, region: 'eu' };
  const plan = await p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: null, proposedNewState: config, config, priorPrivate: Buffer.alloc(0) });
  expect(plan.diagnostics[0]).toMatchObject({ summary: 'Missing demo configuration', attribute: [{ attribute: 'demo' }, { attribute: 'url' }] });
});

test('the default import ID parser maps parts to attributes and rejects the wrong shape', async () => {
  const p = provider();
  await p.configure({ demo: { url: 'http://127.0.0.1:1' } }, '1.11.0');
  const good = await p.importResourceState('biaccess_demo_widget', 'eu/w7');
  expect(good.imported[0].state).toEqual({ id: 'w7', name: null, colour: null, region: 'eu' });
  for (const bad of ['w7', 'eu/', '/w7', 'eu/w7/x']) {
    const result = await p.importResourceState('biaccess_demo_widget', bad);
    expect(result.diagnostics[0].summary).toBe('Invalid import ID');
    expect(result.diagnostics[0].detail).toContain('"region/id"');
  }
});

test('a resource without an update handler must make every configurable attribute force-new', () => {
  expect(() => provider(demoVendor(widgetResource({ update: undefined })))).toThrow(/no update handler, so name, colour must be forceNew/);
});

test('resource type names must carry the provider and vendor prefix', () => {
  expect(() => provider(demoVendor(widgetResource({ typeName: 'biaccess_other_widget' })))).toThrow(/must start with biaccess_demo_/);
});

test('exactlyOneOf names the attributes and what was set', async () => {
  const rule = exactlyOneOf(['user_id', 'team_id', 'role']);
  expect(rule({ user_id: '1', team_id: null, role: null })).toEqual([]);
  expect(rule({ user_id: null, team_id: null, role: null })[0].message).toBe('Exactly one of "user_id", "team_id", "role" must be set; none is set.');
  expect(rule({ user_id: '1', team_id: '2', role: null })[0]).toEqual({
    attribute: 'team_id',
    message: 'Exactly one of "user_id", "team_id", "role" must be set; "user_id", "team_id" are all set.',
  });
});
