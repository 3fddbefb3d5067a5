// The resource framework on its own: schema served to Terraform, state upgrade, planning
// rules, definition checks and multi-attribute rules. (Its behaviour under the real Terraform
// binary is covered by test/e2e.)
import { AttributeError, VendorConfigError, type ResourceDefinition, type VendorDefinition } from '../../src/framework/definitions';
import { VendorApiError } from '../../src/framework/http';
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

// ---------------------------------------------------------------------------------------------
// The handler contract: explicit gone, warnings, partial and private state, plan hook, typed
// import IDs, cancellation.

const configured = async (vendor = demoVendor()) => {
  const p = provider(vendor);
  await p.configure({ demo: { url: 'http://127.0.0.1:1' } }, '1.11.4');
  return p;
};
const noPrivate = Buffer.alloc(0);
const stored: Widget = { id: 'w1', name: 'a', colour: 'blue', region: 'eu' };

test('read: null drops the object with a warning that the next apply recreates it; a thrown 404 is an error that keeps the state', async () => {
  const gone = await configured(demoVendor(widgetResource({ read: async () => null })));
  const dropped = await gone.readResource('biaccess_demo_widget', stored, noPrivate);
  expect(dropped.newState).toBeNull();
  expect(dropped.diagnostics).toEqual([
    expect.objectContaining({ severity: 'warning', summary: 'biaccess_demo_widget no longer exists', detail: expect.stringContaining('biaccess_demo_widget "w1" was not found in demo') }),
  ]);
  expect(dropped.diagnostics[0].detail).toContain('the next apply creates it again');

  const notFound = new VendorApiError('demo API: GET /widgets/w1 returned 404 Not Found', { method: 'GET', path: '/widgets/w1', status: 404 });
  const failing = await configured(demoVendor(widgetResource({ read: async () => Promise.reject(notFound) })));
  const kept = await failing.readResource('biaccess_demo_widget', stored, noPrivate);
  expect(kept.newState).toEqual(stored);
  expect(kept.diagnostics).toEqual([expect.objectContaining({ severity: 'error', summary: 'Reading biaccess_demo_widget failed', detail: notFound.message })]);
});

test('apply: a create that fails after recording what exists is stored (to be tainted), unknowns as null; without a record nothing is stored', async () => {
  const planned = { id: UNKNOWN, name: 'a', colour: 'blue', region: 'eu' };
  const halfway = await configured(
    demoVendor(
      widgetResource({
        create: async ({ recordPartial }) => {
          recordPartial({ id: 'w9', colour: 'red' });
          throw new Error('second step refused');
        },
      }),
    ),
  );
  const result = await halfway.applyResourceChange({ typeName: 'biaccess_demo_widget', priorState: null, plannedState: planned, config: planned, plannedPrivate: noPrivate });
  expect(result.newState).toEqual({ id: 'w9', name: 'a', colour: 'red', region: 'eu' });
  expect(result.diagnostics[0]).toMatchObject({ severity: 'error', summary: 'Creating biaccess_demo_widget failed' });
  expect(result.diagnostics[0].detail).toContain('second step refused');
  expect(result.diagnostics[0].detail).toContain('partly created in demo: Terraform keeps it in the state as tainted');

  const fromScratch = await configured(demoVendor(widgetResource({ create: async () => Promise.reject(new Error('refused')) })));
  const nothing = await fromScratch.applyResourceChange({ typeName: 'biaccess_demo_widget', priorState: null, plannedState: planned, config: planned, plannedPrivate: noPrivate });
  expect(nothing.newState).toBeNull();

  const noIdYet = await configured(demoVendor(widgetResource({ create: async ({ recordPartial }) => (recordPartial({ colour: 'red' }), Promise.reject(new Error('x'))) })));
  const withoutId = await noIdYet.applyResourceChange({ typeName: 'biaccess_demo_widget', priorState: null, plannedState: planned, config: planned, plannedPrivate: noPrivate });
  expect(withoutId.newState).toEqual({ id: null, name: 'a', colour: 'red', region: 'eu' });
});

test('apply: an update that fails part-way stores the prior state with what it recorded', async () => {
  const p = await configured(
    demoVendor(
      widgetResource({
        update: async ({ recordPartial }, _prior, planned) => {
          recordPartial({ name: planned.name });
          throw new Error('colour refused');
        },
      }),
    ),
  );
  const planned = { ...stored, name: 'b', colour: 'red' };
  const result = await p.applyResourceChange({ typeName: 'biaccess_demo_widget', priorState: stored, plannedState: planned, config: planned, plannedPrivate: noPrivate });
  expect(result.newState).toEqual({ ...stored, name: 'b' });
  expect(result.diagnostics[0].detail).toBe('colour refused');
});

test('warnings from any handler travel with the response; private state goes round through create and read', async () => {
  const p = await configured(
    demoVendor(
      widgetResource({
        create: async ({ warn, private: privateState }, planned) => {
          warn('Heads up', 'the widget is blue', 'colour');
          privateState.set('createdIn', 'org 7');
          return { ...planned, id: 'w1' };
        },
        read: async ({ private: privateState, warn }, current) => {
          warn('Seen', `made in ${privateState.get<string>('createdIn')}`);
          return current;
        },
      }),
    ),
  );
  const planned = { id: UNKNOWN, name: 'a', colour: 'blue', region: 'eu' };
  const created = await p.applyResourceChange({ typeName: 'biaccess_demo_widget', priorState: null, plannedState: planned, config: planned, plannedPrivate: noPrivate });
  expect(created.diagnostics).toEqual([{ severity: 'warning', summary: 'Heads up', detail: 'the widget is blue', attribute: [{ attribute: 'colour' }] }]);
  expect(JSON.parse(created.private!.toString())).toEqual({ createdIn: 'org 7' });
  const read = await p.readResource('biaccess_demo_widget', created.newState, created.private!);
  expect(read.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', detail: 'made in org 7' })]);
  expect(read.private).toEqual(created.private);
});

test('the plan hook runs for changes only, can fail the plan naming the attribute, and can ask for replacement', async () => {
  const calls: string[] = [];
  const p = await configured(
    demoVendor(
      widgetResource({
        plan: async ({ requireReplace, typeName }, { prior, planned }) => {
          calls.push(`${typeName}: ${prior?.name ?? 'none'} -> ${planned === null ? 'destroy' : String(planned.name)}`);
          if (planned?.name === 'taken') throw new AttributeError('name', 'The name "taken" belongs to another widget.');
          if (planned?.colour === 'red') requireReplace('colour');
        },
      }),
    ),
  );
  const plan = (prior: Widget | null, config: Record<string, unknown> | null) =>
    p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: prior as never, proposedNewState: config === null ? null : ({ ...config, id: prior?.id ?? null } as never), config: config as never, priorPrivate: noPrivate });

  await plan(stored, { name: 'a', colour: 'blue', region: 'eu' }); // no change: no call
  expect(calls).toEqual([]);
  const refused = await plan(null, { name: 'taken', colour: null, region: 'eu' });
  expect(refused.diagnostics).toEqual([{ severity: 'error', summary: 'Planning biaccess_demo_widget failed', detail: 'The name "taken" belongs to another widget.', attribute: [{ attribute: 'name' }] }]);
  const replaced = await plan(stored, { name: 'a', colour: 'red', region: 'eu' });
  expect(replaced.requiresReplace).toEqual([[{ attribute: 'colour' }]]);
  expect(replaced.plannedState).toMatchObject({ id: UNKNOWN, colour: 'red' });
  await plan(stored, null);
  expect(calls).toEqual(['biaccess_demo_widget: none -> taken', 'biaccess_demo_widget: a -> a', 'biaccess_demo_widget: a -> destroy']);
});

test('a recomputed attribute is unknown in the plan of an in-place update, and takes what the update returns', async () => {
  const attributes = { ...widgetResource().attributes, version: { type: 'number' as const, computed: true, recomputed: true, description: 'Changes on every update.' } };
  const p = await configured(demoVendor(widgetResource({ attributes, update: async (_context, prior, planned) => ({ ...planned, id: prior.id, version: 2 }) as Widget })));
  const prior = { ...stored, version: 1 };
  const config = { id: null, name: 'b', colour: null, region: 'eu', version: null };
  const plan = await p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: prior, proposedNewState: { ...config, id: 'w1', version: 1 }, config, priorPrivate: noPrivate });
  expect(plan.plannedState).toMatchObject({ name: 'b', version: UNKNOWN });
  const unchanged = await p.planResourceChange({ typeName: 'biaccess_demo_widget', priorState: prior, proposedNewState: prior, config: { ...config, name: 'a' }, priorPrivate: noPrivate });
  expect(unchanged.plannedState).toMatchObject({ version: 1 });
  const applied = await p.applyResourceChange({ typeName: 'biaccess_demo_widget', priorState: prior, plannedState: plan.plannedState, config, plannedPrivate: noPrivate });
  expect(applied.newState).toMatchObject({ name: 'b', version: 2 });
});

test('import IDs are typed: a part for a number attribute becomes a number; one that is no number is an invalid ID', async () => {
  const attributes = {
    id: { type: 'string' as const, computed: true, description: 'Id.' },
    region: { type: 'string' as const, required: true, forceNew: true, description: 'Region.' },
    size: { type: 'number' as const, required: true, forceNew: true, description: 'Size.' },
  };
  const gadget: ResourceDefinition = { ...widgetResource(), typeName: 'biaccess_demo_gadget', attributes, upgradeState: undefined, schemaVersion: 0, import: { format: 'region/size' } };
  const vendor = { ...demoVendor(), resources: [gadget] };
  const p = await configured(vendor);
  expect((await p.importResourceState('biaccess_demo_gadget', 'eu/42')).imported[0].state).toEqual({ id: null, region: 'eu', size: 42 });
  const custom = await configured({ ...vendor, resources: [{ ...gadget, import: { format: 'size', parse: (id: string) => ({ size: id, id: `x-${id}` }) } }] });
  expect((await custom.importResourceState('biaccess_demo_gadget', '7')).imported[0].state).toEqual({ id: 'x-7', region: null, size: 7 });
  const bad = await p.importResourceState('biaccess_demo_gadget', 'eu/big');
  expect(bad.diagnostics[0]).toMatchObject({ summary: 'Invalid import ID', detail: expect.stringContaining('invalid number "big"') });
});

test('handlers get the type name, an import command and a signal that StopProvider aborts (a new one per configure); vendors get the User-Agent', async () => {
  let seen: { typeName: string; importCommand: string; signal: AbortSignal } | undefined;
  let userAgent = '';
  const vendor = {
    ...demoVendor(
      widgetResource({
        read: async ({ typeName, importCommand, signal }, current) => {
          seen = { typeName, importCommand: importCommand("eu/it's"), signal };
          return current;
        },
      }),
    ),
    connect: (_settings: unknown, runtime: { userAgent: string }) => ((userAgent = runtime.userAgent), {}),
  };
  const p = await configured(vendor);
  await p.readResource('biaccess_demo_widget', stored, noPrivate);
  expect(seen!.typeName).toBe('biaccess_demo_widget');
  expect(seen!.importCommand).toBe(`terraform import biaccess_demo_widget.<name> 'eu/it'\\''s'`);
  expect(userAgent).toBe('terraform-provider-biaccess/0.0.0 terraform/1.11.4');
  expect(seen!.signal.aborted).toBe(false);
  await p.stop();
  expect(seen!.signal.aborted).toBe(true);
  await p.configure({ demo: { url: 'http://127.0.0.1:1' } }, '1.11.4');
  await p.readResource('biaccess_demo_widget', stored, noPrivate);
  expect(seen!.signal.aborted).toBe(false);
});
