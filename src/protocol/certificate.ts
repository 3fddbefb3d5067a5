// A throwaway self-signed TLS server certificate for go-plugin's mandatory mutual TLS.
//
// Written by hand with node:crypto and a few lines of DER rather than a certificate library:
// the provider starts 3–5 times per Terraform command, and the libraries measured add 180–370 ms
// to each start (@peculiar/x509 180 ms, selfsigned 300 ms, node-forge 370 ms, measured on 2 vCPUs),
// while this costs a few milliseconds.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface ServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** DER of the certificate, base64 without padding: the last field of the handshake line. */
  handshakeField: string;
}

/** ECDSA P-256 certificate for `localhost` (Terraform's client checks the SAN, not the CN). */
export function createServerCertificate(now = new Date()): ServerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subjectPublicKeyInfo = publicKey.export({ type: 'spki', format: 'der' });
  const ecdsaWithSha256 = sequence(objectId('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(objectId('2.5.4.3'), utf8String('localhost'))));
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000); // tolerate clock skew
  const notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  const subjectAltName = sequence(
    objectId('2.5.29.17'),
    octetString(sequence(tlv(0x82, Buffer.from('localhost', 'ascii')))), // [2] dNSName
  );
  const tbsCertificate = sequence(
    tlv(0xa0, integer(Buffer.from([2]))), // [0] version: v3
    integer(positiveSerial()),
    ecdsaWithSha256,
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    subjectPublicKeyInfo,
    tlv(0xa3, sequence(subjectAltName)), // [3] extensions
  );
  const signature = sign('sha256', tbsCertificate, privateKey); // DER-encoded ECDSA signature
  const der = sequence(tbsCertificate, ecdsaWithSha256, bitString(signature));
  return {
    certificatePem: toPem('CERTIFICATE', der),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    handshakeField: der.toString('base64').replace(/=+$/, ''),
  };
}

function positiveSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a set top bit would make the INTEGER negative
  if (serial[0] === 0) serial[0] = 1; // and a leading zero byte would not be minimal DER
  return serial;
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const integer = (bigEndian: Buffer) => tlv(0x02, bigEndian);
const octetString = (content: Buffer) => tlv(0x04, content);
const bitString = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ → YYMMDDHHMMSSZ
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function objectId(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
