// The gRPC a provider needs, on node:http2: unary calls whose messages are protobufjs types from
// the protocol's precompiled descriptor. Every other method (go-plugin's stdio and broker streams
// among them) is answered UNIMPLEMENTED, which Terraform ignores for those.
//
// Hand-written instead of @grpc/grpc-js with @grpc/proto-loader. Measured with `npm run bench`
// (its CPU profile of the providers during a 1000-resource plan): grpc-js's framing, metadata and
// call objects took 29% of the providers' busy CPU, and loading grpc-js and proto-loader (which
// also encodes file descriptors and the common Google protos nobody here asks for) was the
// larger part of each start's module loading. A unary call is one length-prefixed message each
// way, then the status in the trailers (the gRPC over HTTP/2 wire format).
import http2 from 'node:http2';
import { Root, type Type } from 'protobufjs/light';

/** Status codes used here (google.rpc.Code). */
export const GRPC_STATUS = { OK: 0, INTERNAL: 13, UNIMPLEMENTED: 12 } as const;

/** How requests become plain objects: what @grpc/proto-loader did with these options. */
const TO_OBJECT = { longs: Number, enums: String, defaults: true, oneofs: true };

export type UnaryHandler = (request: any) => Promise<object> | object;

/** A protobuf message type as a plain-object codec. */
interface MessageCodec {
  decode(bytes: Uint8Array): any;
  encode(message: object): Uint8Array;
}

function messageCodec(type: Type): MessageCodec {
  return {
    decode: (bytes) => type.toObject(type.decode(bytes), TO_OBJECT),
    encode: (message) => type.encode(type.fromObject(message)).finish(),
  };
}

interface Method {
  request: MessageCodec;
  response: MessageCodec;
  handle: UnaryHandler;
}

/** The services of a protobufjs JSON descriptor (the build's protocol-descriptor.json). */
export class ProtocolDescriptor {
  private readonly root: Root;

  constructor(json: object) {
    this.root = Root.fromJSON(json as Parameters<typeof Root.fromJSON>[0]);
  }

  /**
   * The unary methods of a service (`package.Service`) bound to their handlers, keyed by the
   * HTTP/2 path gRPC calls them by. A method without a handler is left out (UNIMPLEMENTED).
   */
  bind(serviceName: string, handlers: Record<string, UnaryHandler>): Map<string, Method> {
    const service = this.root.lookupService(serviceName);
    const methods = new Map<string, Method>();
    for (const method of service.methodsArray) {
      const handle = handlers[method.name];
      if (!handle || method.requestStream || method.responseStream) continue;
      method.resolve();
      methods.set(`/${serviceName}/${method.name}`, {
        request: messageCodec(method.resolvedRequestType!),
        response: messageCodec(method.resolvedResponseType!),
        handle,
      });
    }
    return methods;
  }
}

export interface TlsOptions {
  keyPem: string;
  certificatePem: string;
  /** The only client certificate accepted: the client must present it (mutual TLS). */
  clientCertificatePem: string;
}

/** Unary gRPC over HTTP/2 on a unix socket; with TLS options, mutual TLS, else plaintext (h2c). */
export class GrpcServer {
  private readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(
    private readonly methods: Map<string, Method>,
    private readonly onError: (method: string, error: unknown) => void,
    tls?: TlsOptions,
  ) {
    // No limit on the memory a connection's buffers may take: Terraform is the only client.
    const settings = { maxSessionMemory: Number.MAX_SAFE_INTEGER };
    this.server = tls
      ? http2.createSecureServer({
          ...settings,
          key: tls.keyPem,
          cert: tls.certificatePem,
          ca: [tls.clientCertificatePem],
          requestCert: true,
          rejectUnauthorized: true,
        })
      : http2.createServer(settings);
    this.server.on('session', (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('error', () => {}); // a connection Terraform dropped; its streams see it too
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting connections; open ones may finish their calls. `force` cuts them instead. */
  close(options: { force?: boolean } = {}): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const session of this.sessions) {
        if (options.force) session.destroy();
        else session.close();
      }
    });
  }

  /** Cuts every open connection (those a graceful close is still waiting for). */
  destroySessions(): void {
    for (const session of this.sessions) session.destroy();
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => {}); // the client cancelled or went away: nobody reads an answer
    const path = String(headers[':path'] ?? '');
    const method = this.methods.get(path);
    if (!method) {
      stream.resume();
      trailersOnly(stream, GRPC_STATUS.UNIMPLEMENTED, `unknown method ${path}`);
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      let request: unknown;
      try {
        request = method.request.decode(unframe(Buffer.concat(chunks), headers['grpc-encoding']));
      } catch (error) {
        trailersOnly(stream, GRPC_STATUS.INTERNAL, `cannot read the request: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      Promise.resolve()
        .then(() => method.handle(request))
        .then((response) => respond(stream, frame(method.response.encode(response))))
        .catch((error: unknown) => {
          this.onError(path, error);
          trailersOnly(stream, GRPC_STATUS.INTERNAL, error instanceof Error ? error.message : String(error));
        });
    });
  }
}

/** The message of a request body: one message with its 5-byte prefix (compressed flag, length). */
function unframe(body: Buffer, encoding: string | string[] | undefined): Buffer {
  if (body.length < 5) throw new Error(`a request of ${body.length} bytes has no message`);
  const length = body.readUInt32BE(1);
  if (body[0] !== 0) throw new Error(`compressed messages (grpc-encoding ${String(encoding)}) are not supported`);
  if (body.length !== 5 + length) throw new Error(`expected one message of ${length} bytes, got ${body.length - 5} bytes`);
  return body.subarray(5);
}

function frame(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(5 + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}

function respond(stream: http2.ServerHttp2Stream, body: Buffer): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC_STATUS.OK) }));
  stream.end(body);
}

/** A call that ends with its status and no message. */
function trailersOnly(stream: http2.ServerHttp2Stream, status: number, message: string): void {
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeURIComponent(message) },
    { endStream: true },
  );
}
