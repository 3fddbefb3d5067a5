// Serves a PluginProvider to Terraform over plugin protocol 6: go-plugin handshake on stdout,
// mutual TLS with Terraform's client certificate, gRPC on a unix socket. Or, for tests and
// debugging, inside a running process that Terraform reattaches to (TF_REATTACH_PROVIDERS).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerCertificate } from './certificate';
import { decodeValue, encodeValue, impliedType, typeToJson } from './codec';
import { GrpcServer, ProtocolDescriptor, type UnaryHandler } from './grpc';
import type { AttributePath, Diagnostic, PluginProvider, Schema, SchemaBlock } from './provider';
import type { CtyType, CtyValue } from './values';

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const PLUGIN_PROTOCOL_VERSION = 6;

export class HandshakeError extends Error {}

/** Checks that Terraform (not a person) started us, and with a protocol we speak. */
export function checkHandshakeEnvironment(env: NodeJS.ProcessEnv): { clientCertificatePem: string } {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError(
      'This is a Terraform provider plugin: Terraform starts it. To use bi-access, declare the ' +
        'provider "bi-access/biaccess" in your configuration and run terraform (see the README).',
    );
  }
  const versions = new Set((env.PLUGIN_PROTOCOL_VERSIONS ?? '').split(',').map((v) => v.trim()));
  if (!versions.has(String(PLUGIN_PROTOCOL_VERSION))) {
    throw new HandshakeError(
      `Terraform offered plugin protocol versions "${env.PLUGIN_PROTOCOL_VERSIONS ?? ''}"; this provider speaks only 6 (Terraform >= 1.0).`,
    );
  }
  const clientCertificatePem = env.PLUGIN_CLIENT_CERT;
  if (!clientCertificatePem) {
    throw new HandshakeError('PLUGIN_CLIENT_CERT is not set: this Terraform does not use mutual TLS, which this provider requires.');
  }
  return { clientCertificatePem };
}

/**
 * src/protocol/proto/*.proto as protobufjs JSON, written by the build (parsed with keepCase: true,
 * so fields keep their snake_case names): the bundled provider carries it inline, and no .proto
 * is parsed at start-up.
 */
function loadDescriptor(): ProtocolDescriptor {
  return new ProtocolDescriptor(require('./protocol-descriptor.json'));
}

export interface ServeOptions {
  /** Called when Terraform shuts the plugin down; defaults to exiting the process. */
  onShutdown?: () => void;
  log?: (message: string) => void;
}

/** Starts the gRPC server and prints the handshake line. Resolves once the line is printed. */
export async function serve(provider: PluginProvider, options: ServeOptions = {}): Promise<void> {
  const { clientCertificatePem } = checkHandshakeEnvironment(process.env);
  const log = options.log ?? ((message: string) => process.stderr.write(message + '\n'));

  // Ctrl-C reaches the whole process group. Terraform then calls StopProvider and waits for
  // in-flight applies; dying here would lose objects already created.
  process.on('SIGINT', () => log('SIGINT ignored: Terraform stops the provider through StopProvider'));
  // Only the handshake line may reach stdout; anything a library prints goes to stderr.
  console.log = console.info = (...args: unknown[]) => log(args.map(String).join(' '));

  const certificate = createServerCertificate();
  const { socketDir, socketPath } = newSocketPath();
  process.on('exit', () => rmSync(socketDir, { recursive: true, force: true }));
  const tls = { keyPem: certificate.privateKeyPem, certificatePem: certificate.certificatePem, clientCertificatePem };
  const server = createServer(
    provider,
    log,
    () => {
      if (options.onShutdown) return options.onShutdown();
      server.destroySessions();
      process.exit(0);
    },
    tls,
  );
  await server.listen(socketPath);
  process.stdout.write(
    `${CORE_PROTOCOL_VERSION}|${PLUGIN_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${certificate.handshakeField}\n`,
  );
}

export interface ReattachOptions {
  /**
   * The provider's full source address, e.g. `registry.terraform.io/<namespace>/<type>`:
   * Terraform uses the reattached server for this provider instead of installing one.
   */
  address: string;
  /** Where failures of provider calls are reported; default stderr. */
  log?: (message: string) => void;
}

export interface ReattachedProvider {
  /** The value of TF_REATTACH_PROVIDERS that points Terraform at this server. */
  readonly reattachProviders: string;
  /** Stops the server (closing Terraform's connections) and removes the socket directory. */
  close(): Promise<void>;
}

/**
 * Serves a PluginProvider from this process for Terraform to reattach to, so that no provider
 * process starts per Terraform command. go-plugin's reattach path sets up no TLS, so this is
 * plaintext gRPC on a unix socket in a fresh private directory. Nothing is printed and no signal
 * is handled: the process is not Terraform's. With "Test": true Terraform never kills it, and a
 * Shutdown call is answered without stopping anything; every Terraform provider instance opens
 * its own connection to the same server.
 */
export async function serveForReattach(provider: PluginProvider, options: ReattachOptions): Promise<ReattachedProvider> {
  const log = options.log ?? ((message: string) => process.stderr.write(message + '\n'));
  const { socketDir, socketPath } = newSocketPath();
  const removeSocketDir = () => rmSync(socketDir, { recursive: true, force: true });
  const server = createServer(provider, log, () => {});
  try {
    await server.listen(socketPath);
  } catch (error) {
    removeSocketDir();
    throw error;
  }
  const reattachProviders = JSON.stringify({
    [options.address]: {
      Protocol: 'grpc',
      ProtocolVersion: PLUGIN_PROTOCOL_VERSION,
      Pid: process.pid,
      Test: true,
      Addr: { Network: 'unix', String: socketPath },
    },
  });
  let closed: Promise<void> | undefined;
  const close = () =>
    new Promise<void>((resolve) => {
      // Graceful first, so a call still running can answer; a connection held open past the
      // grace time (a Terraform process that is still running) is cut.
      const force = setTimeout(() => server.destroySessions(), CLOSE_GRACE_MS);
      void server.close().then(() => {
        clearTimeout(force);
        removeSocketDir();
        resolve();
      });
    });
  return { reattachProviders, close: () => (closed ??= close()) };
}

const CLOSE_GRACE_MS = 1000;

/** A private directory for the socket, so no other user can connect to it. */
function newSocketPath(): { socketDir: string; socketPath: string } {
  const socketDir = mkdtempSync(join(tmpdir(), 'biaccess-plugin-'));
  return { socketDir, socketPath: join(socketDir, 'plugin.sock') };
}

/** The provider and go-plugin controller services; `onShutdown` runs after Shutdown is answered. */
function createServer(
  provider: PluginProvider,
  log: (message: string) => void,
  onShutdown: () => void,
  tls?: ConstructorParameters<typeof GrpcServer>[2],
): GrpcServer {
  const descriptor = loadDescriptor();
  const methods = new Map([
    ...descriptor.bind('tfplugin6.Provider', providerHandlers(provider, log)),
    ...descriptor.bind('plugin.GRPCController', {
      Shutdown: () => {
        setImmediate(onShutdown);
        return {};
      },
    }),
  ]);
  return new GrpcServer(methods, (method, error) => log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`), tls);
}

type Handlers = Record<string, UnaryHandler>;

/** The tfplugin6 methods: decode, call the provider, encode. Failures become diagnostics. */
function providerHandlers(provider: PluginProvider, log: (message: string) => void): Handlers {
  let cachedSchema: { response: object; types: SchemaTypes } | undefined;
  const schemaAndTypes = () => (cachedSchema ??= buildSchemaResponse(provider));
  const types = () => schemaAndTypes().types;

  const resourceType = (typeName: string): CtyType => {
    const type = types().resources.get(typeName);
    if (!type) throw new UnknownTypeError(`unknown resource type "${typeName}"`);
    return type;
  };
  const dataSourceType = (typeName: string): CtyType => {
    const type = types().dataSources.get(typeName);
    if (!type) throw new UnknownTypeError(`unknown data source type "${typeName}"`);
    return type;
  };

  const unary =
    (name: string, handle: (request: any) => Promise<object> | object): UnaryHandler =>
    (request) =>
      Promise.resolve()
        .then(() => handle(request))
        .catch((error: unknown) => {
          log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          return { diagnostics: [toProtoDiagnostic(internalError(name, error))] };
        });

  return {
    GetMetadata: unary('GetMetadata', () => {
      const schema = provider.schema();
      return {
        server_capabilities: SERVER_CAPABILITIES,
        resources: Object.keys(schema.resources).map((type_name) => ({ type_name })),
        data_sources: Object.keys(schema.dataSources).map((type_name) => ({ type_name })),
      };
    }),
    GetProviderSchema: unary('GetProviderSchema', () => schemaAndTypes().response),
    GetResourceIdentitySchemas: unary('GetResourceIdentitySchemas', () => ({ identity_schemas: {} })),
    GetFunctions: unary('GetFunctions', () => ({})),
    ValidateProviderConfig: unary('ValidateProviderConfig', async (request) => ({
      diagnostics: diagnosticsOut(await provider.validateProviderConfig(decode(request.config, types().provider))),
    })),
    ConfigureProvider: unary('ConfigureProvider', async (request) => ({
      diagnostics: diagnosticsOut(
        await provider.configure(decode(request.config, types().provider), request.terraform_version),
      ),
    })),
    ValidateResourceConfig: unary('ValidateResourceConfig', async (request) => ({
      diagnostics: diagnosticsOut(
        await provider.validateResourceConfig(request.type_name, decode(request.config, resourceType(request.type_name))),
      ),
    })),
    ValidateDataResourceConfig: unary('ValidateDataResourceConfig', async (request) => ({
      diagnostics: diagnosticsOut(
        await provider.validateDataSourceConfig(request.type_name, decode(request.config, dataSourceType(request.type_name))),
      ),
    })),
    UpgradeResourceState: unary('UpgradeResourceState', async (request) => {
      const type = resourceType(request.type_name);
      const json: Buffer | undefined = request.raw_state?.json;
      if (!json || json.length === 0) {
        return { diagnostics: diagnosticsOut([{ severity: 'error', summary: 'Unsupported state format', detail: `The state of ${request.type_name} has no JSON form (legacy flatmap state is not supported).` }]) };
      }
      const result = await provider.upgradeResourceState(request.type_name, request.version, JSON.parse(json.toString('utf8')));
      return { upgraded_state: encode(result.upgradedState, type), diagnostics: diagnosticsOut(result.diagnostics) };
    }),
    ReadResource: unary('ReadResource', async (request) => {
      const type = resourceType(request.type_name);
      const result = await provider.readResource(request.type_name, decode(request.current_state, type), request.private);
      return { new_state: encode(result.newState, type), private: result.private ?? request.private, diagnostics: diagnosticsOut(result.diagnostics) };
    }),
    PlanResourceChange: unary('PlanResourceChange', async (request) => {
      const type = resourceType(request.type_name);
      const result = await provider.planResourceChange({
        typeName: request.type_name,
        priorState: decode(request.prior_state, type),
        proposedNewState: decode(request.proposed_new_state, type),
        config: decode(request.config, type),
        priorPrivate: request.prior_private,
      });
      return {
        planned_state: encode(result.plannedState, type),
        requires_replace: result.requiresReplace.map(toProtoPath),
        planned_private: result.plannedPrivate ?? request.prior_private,
        diagnostics: diagnosticsOut(result.diagnostics),
      };
    }),
    ApplyResourceChange: unary('ApplyResourceChange', async (request) => {
      const type = resourceType(request.type_name);
      const result = await provider.applyResourceChange({
        typeName: request.type_name,
        priorState: decode(request.prior_state, type),
        plannedState: decode(request.planned_state, type),
        config: decode(request.config, type),
        plannedPrivate: request.planned_private,
      });
      return { new_state: encode(result.newState, type), private: result.private ?? request.planned_private, diagnostics: diagnosticsOut(result.diagnostics) };
    }),
    ImportResourceState: unary('ImportResourceState', async (request) => {
      const result = await provider.importResourceState(request.type_name, request.id);
      return {
        imported_resources: result.imported.map((item) => ({
          type_name: item.typeName,
          state: encode(item.state, resourceType(item.typeName)),
          private: item.private ?? Buffer.alloc(0),
        })),
        diagnostics: diagnosticsOut(result.diagnostics),
      };
    }),
    ReadDataSource: unary('ReadDataSource', async (request) => {
      const type = dataSourceType(request.type_name);
      const result = await provider.readDataSource(request.type_name, decode(request.config, type));
      return { state: encode(result.state, type), diagnostics: diagnosticsOut(result.diagnostics) };
    }),
    StopProvider: unary('StopProvider', async () => {
      await provider.stop();
      return { Error: '' };
    }),
  };
}

class UnknownTypeError extends Error {}

/**
 * get_provider_schema_optional: Terraform may skip GetProviderSchema in the provider processes
 * it starts after the first one of a command (it keeps the schema it got), and call GetMetadata
 * instead: each of those starts then builds and sends no schema.
 */
const SERVER_CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false };

interface SchemaTypes {
  provider: CtyType;
  resources: Map<string, CtyType>;
  dataSources: Map<string, CtyType>;
}

function buildSchemaResponse(provider: PluginProvider): { response: object; types: SchemaTypes } {
  const schema = provider.schema();
  const types: SchemaTypes = {
    provider: impliedType(schema.provider.block),
    resources: new Map(Object.entries(schema.resources).map(([name, s]) => [name, impliedType(s.block)])),
    dataSources: new Map(Object.entries(schema.dataSources).map(([name, s]) => [name, impliedType(s.block)])),
  };
  const mapSchemas = (schemas: Record<string, Schema>) =>
    Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, toProtoSchema(s)]));
  return {
    types,
    response: {
      provider: toProtoSchema(schema.provider),
      resource_schemas: mapSchemas(schema.resources),
      data_source_schemas: mapSchemas(schema.dataSources),
      server_capabilities: SERVER_CAPABILITIES,
      diagnostics: [],
    },
  };
}

function toProtoSchema(schema: Schema): object {
  return { version: schema.version, block: toProtoBlock(schema.block, schema.version) };
}

function toProtoBlock(block: SchemaBlock, version = 0): object {
  return {
    version,
    description: block.description ?? '',
    description_kind: 'MARKDOWN',
    attributes: block.attributes.map((attribute) => ({
      name: attribute.name,
      type: typeToJson(attribute.type),
      description: attribute.description ?? '',
      description_kind: 'MARKDOWN',
      required: !!attribute.required,
      optional: !!attribute.optional,
      computed: !!attribute.computed,
      sensitive: !!attribute.sensitive,
      write_only: !!attribute.writeOnly,
    })),
    block_types: block.blockTypes.map((nested) => ({
      type_name: nested.typeName,
      nesting: nested.nesting.toUpperCase(),
      block: toProtoBlock(nested.block),
      min_items: nested.minItems ?? 0,
      max_items: nested.maxItems ?? 0,
    })),
  };
}

function decode(dynamicValue: { msgpack?: Buffer; json?: Buffer } | null | undefined, type: CtyType): CtyValue {
  if (dynamicValue?.json && dynamicValue.json.length > 0 && !(dynamicValue.msgpack && dynamicValue.msgpack.length > 0)) {
    throw new Error('received a JSON DynamicValue; this provider expects msgpack');
  }
  return decodeValue(dynamicValue?.msgpack, type);
}

function encode(value: CtyValue, type: CtyType): { msgpack: Uint8Array } {
  return { msgpack: encodeValue(value, type) };
}

function diagnosticsOut(diagnostics: Diagnostic[]): object[] {
  return diagnostics.map(toProtoDiagnostic);
}

function toProtoDiagnostic(diagnostic: Diagnostic): object {
  return {
    severity: diagnostic.severity === 'error' ? 'ERROR' : 'WARNING',
    summary: diagnostic.summary,
    detail: diagnostic.detail ?? '',
    attribute: diagnostic.attribute ? toProtoPath(diagnostic.attribute) : undefined,
  };
}

function toProtoPath(path: AttributePath): object {
  return {
    steps: path.map((step) =>
      'attribute' in step
        ? { attribute_name: step.attribute }
        : 'key' in step
          ? { element_key_string: step.key }
          : { element_key_int: step.index },
    ),
  };
}

function internalError(method: string, error: unknown): Diagnostic {
  if (error instanceof UnknownTypeError) {
    return { severity: 'error', summary: 'Unknown type', detail: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    severity: 'error',
    summary: `Provider error in ${method}`,
    detail: `${message}\n\nThis is a bug in the biaccess provider; please report it with the TF_LOG=debug output.`,
  };
}
