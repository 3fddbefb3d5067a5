// The provider served from the test process for Terraform to reattach to: what
// TF_REATTACH_PROVIDERS says, plaintext gRPC for every connection, a Shutdown call that stops
// nothing (the process is not Terraform's), and a close() that leaves nothing behind.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { silentLogger } from '../../src/framework/log';
import { buildProvider } from '../../src/framework/provider';
import { serveForReattach } from '../../src/protocol/server';
import { PACKAGE_ROOT } from '../../src/provider-identity';
import { testkit } from '../support/testkit/vendor';

const ADDRESS = 'registry.terraform.io/example/biaccess';

const proto = grpc.loadPackageDefinition(
  protoLoader.loadSync(['tfplugin6.proto', 'grpc_controller.proto'].map((file) => join(PACKAGE_ROOT, 'src', 'protocol', 'proto', file)), {
    keepCase: true,
    defaults: true,
  }),
) as any;

function call(client: grpc.Client, method: string): Promise<any> {
  return new Promise((resolve, reject) => (client as any)[method]({}, (error: Error | null, response: unknown) => (error ? reject(error) : resolve(response))));
}

test('Terraform is pointed at a unix socket that serves every connection in plaintext, survives Shutdown and is gone after close()', async () => {
  const provider = buildProvider({ typeName: 'biaccess', version: '1.2.3', vendors: [testkit], log: silentLogger });
  const reattached = await serveForReattach(provider, { address: ADDRESS, log: () => {} });
  const clients: grpc.Client[] = [];
  try {
    const config = JSON.parse(reattached.reattachProviders);
    expect(config).toEqual({
      [ADDRESS]: { Protocol: 'grpc', ProtocolVersion: 6, Pid: process.pid, Test: true, Addr: { Network: 'unix', String: expect.any(String) } },
    });
    const socketPath: string = config[ADDRESS].Addr.String;
    expect(existsSync(socketPath)).toBe(true);

    const connect = (service: any) => {
      const client = new service(`unix://${socketPath}`, grpc.credentials.createInsecure());
      clients.push(client);
      return client;
    };
    // Each Terraform provider instance opens its own connection.
    const first = connect(proto.tfplugin6.Provider);
    const second = connect(proto.tfplugin6.Provider);
    for (const client of [first, second]) {
      const metadata = await call(client, 'GetMetadata');
      expect(metadata.resources.map((resource: { type_name: string }) => resource.type_name)).toContain('biaccess_testkit_item');
    }

    await call(connect(proto.plugin.GRPCController), 'Shutdown');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the serve() executable exits here
    await expect(call(first, 'GetMetadata')).resolves.toHaveProperty('resources');

    for (const client of clients) client.close();
    await reattached.close();
    expect(existsSync(dirname(socketPath))).toBe(false);
  } finally {
    for (const client of clients) client.close();
    await reattached.close();
  }
});
