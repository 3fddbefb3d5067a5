// The example stack: where a platform team declares access to its BI tools next to its databases.
// The provider reads each vendor's connection from its block or from environment variables
// (REDASH_URL/REDASH_API_KEY, GRAFANA_URL/GRAFANA_AUTH, ...); resources arrive vendor by vendor.
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { BiAccessProvider } from './lib';

export class BiAccessStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new BiAccessProvider(this, 'biaccess');
  }
}

if (require.main === module) {
  const app = new App();
  new BiAccessStack(app, 'bi-access');
  app.synth();
}
