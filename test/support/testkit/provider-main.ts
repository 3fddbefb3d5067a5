// The provider as Terraform runs it in end-to-end tests: the real vendors plus the test vendor.
import '../../../src/cli/cpu-profile'; // first: it may start a CPU profile of everything that follows
import { runProvider } from '../../../src/cli/provider-main';
import { vendors } from '../../../src/vendors';
import { testkit } from './vendor';

runProvider([...vendors, testkit]);
