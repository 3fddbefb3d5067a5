// A cdktf app as a user writes one: the provider construct and generated resource constructs,
// one resource referencing another. The test vendor is configured from TESTKIT_URL/TESTKIT_API_KEY.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { BiAccessProvider } from '../../../lib';
import { TESTKIT_PROVIDER_ENTRY } from '../terraform';
import { testkit } from './constructs';

const app = new App();
const stack = new TerraformStack(app, 'items');
new BiAccessProvider(stack, 'biaccess', { pluginEntry: TESTKIT_PROVIDER_ENTRY });
const parent = new testkit.Item(stack, 'parent', { name: 'parent', tags: { team: 'data' } });
const child = new testkit.Item(stack, 'child', { name: `${parent.name}-child`, size: 2 });
new TerraformOutput(stack, 'child_id', { value: child.id });
app.synth();
