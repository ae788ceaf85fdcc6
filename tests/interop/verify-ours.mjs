// verify-ours.mjs: verifies a presentation with the independent @auth0/mdl
// Verifier, so that what ID Wallet produces can be checked by someone else's
// code. Prints one line of JSON and exits 0 when valid, 1 when not, 2 on
// usage errors.
//
//   node verify-ours.mjs RESPONSE TRANSCRIPT ANCHOR.pem [ANCHOR.pem ...] [--at RFC3339]
//
// RESPONSE   a DeviceResponse (CBOR); or an ID Wallet envelope, as CBOR
//            {"v":1, "presentedAt", ?"nonce", "response"} or as "IDW1:" text.
// TRANSCRIPT SessionTranscript bytes, plain array or #6.24-wrapped (both are
//            accepted); "-" to build our QR transcript from the envelope:
//            [null, null, ["IdWalletQRHandoverV1", presentedAt, nonce / null]].
// ANCHOR     trust anchors (IACA roots or a pinned DS certificate), PEM or DER.
// --at       the verification time (default: now). The library has no such
//            option, so the process clock (Date) is replaced before it loads.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import fs from 'node:fs';
import zlib from 'node:zlib';
import { webcrypto } from 'node:crypto';

import { encode, wrap24, parseOne, equalBytes } from './mini-cbor.mjs';
import { base45Decode } from './base45.mjs';

const USAGE = 'usage: node verify-ours.mjs RESPONSE TRANSCRIPT|- ANCHOR.pem [ANCHOR.pem ...] [--at RFC3339]';

function usage(msg) {
  console.error(msg ? `${msg}\n${USAGE}` : USAGE);
  process.exit(2);
}

// ------------------------------------------------------------ arguments --

const args = process.argv.slice(2);
let at = null;
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--at') at = args[++i];
  else if (args[i].startsWith('--at=')) at = args[i].slice(5);
  else if (args[i] === '-h' || args[i] === '--help') usage();
  else pos.push(args[i]);
}
if (pos.length < 3) usage();
const [responsePath, transcriptPath, ...anchorPaths] = pos;
if (at !== null && Number.isNaN(Date.parse(at))) usage(`bad --at time: ${at}`);

// ------------------------------------------------------- fixed clock --

// @auth0/mdl compares MSO validity with `new Date()` and pkijs validates
// the chain at `new Date()`: both read the global Date at call time.
if (at !== null) {
  const RealDate = Date;
  const fixed = RealDate.parse(at);
  class FixedDate extends RealDate {
    constructor(...a) {
      if (a.length === 0) super(fixed);
      else super(...a);
    }
    static now() {
      return fixed;
    }
  }
  globalThis.Date = FixedDate;
}

const { Verifier, parse } = await import('@auth0/mdl');
const x509 = await import('@peculiar/x509');
x509.cryptoProvider.set(webcrypto);

// -------------------------------------------------------------- inputs --

// Returns the value node of text key @key in map @node, or undefined.
function mapGet(node, key) {
  if (node.major !== 5) return undefined;
  for (let i = 0; i < node.children.length; i += 2) {
    const k = node.children[i];
    if (k.major === 3 && new TextDecoder().decode(k.content) === key) return node.children[i + 1];
  }
  return undefined;
}

function readResponse(file) {
  let bytes = new Uint8Array(fs.readFileSync(file));
  const text = Buffer.from(bytes).toString('latin1').trim();
  const notes = [];
  if (text.startsWith('IDW1:')) {
    bytes = new Uint8Array(zlib.inflateSync(base45Decode(text.slice(5))));
    notes.push('input is IDW1: text (Base45, zlib)');
  }
  const root = parseOne(bytes);
  const inner = mapGet(root, 'response');
  if (mapGet(root, 'v') && inner) {
    const presentedAt = mapGet(root, 'presentedAt');
    const nonce = mapGet(root, 'nonce');
    if (!presentedAt || presentedAt.major !== 0) throw new Error('envelope without a uint presentedAt');
    if (nonce && nonce.major !== 2) throw new Error('envelope nonce is not a bstr');
    notes.push(`envelope: presentedAt ${presentedAt.arg}, ${nonce ? 'with' : 'without'} nonce; freshness is not checked here`);
    return {
      response: inner.bytes,
      qrTranscript: encode([null, null, ['IdWalletQRHandoverV1', presentedAt.arg, nonce ? nonce.content : null]]),
      notes,
    };
  }
  return { response: bytes, qrTranscript: null, notes };
}

function readAnchor(file) {
  const data = fs.readFileSync(file);
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    return text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g).map((p) => `${p}\n`);
  }
  return [new x509.X509Certificate(data).toString('pem')];
}

// --------------------------------------------------------------- mapping --

// @auth0/mdl check ids -> our check names (DESIGN.md §4). Two library-only
// rules about the certificate's country keep a "library:" name.
const CHECK = {
  DEVICE_RESPONSE_VERSION_PRESENCE: 'decode',
  DEVICE_RESPONSE_VERSION_SUPPORTED: 'decode',
  DEVICE_RESPONSE_DOCUMENT_PRESENCE: 'decode',
  ISSUER_CERTIFICATE_VALIDITY: 'issuer_trusted',
  ISSUER_SIGNATURE_VALIDITY: 'issuer_signature',
  MSO_SIGNED_DATE_WITHIN_CERTIFICATE_VALIDITY: 'issuer_trusted',
  MSO_VALIDITY_AT_VERIFICATION_TIME: 'validity',
  ISSUER_SUBJECT_COUNTRY_NAME_PRESENCE: 'library:country_name',
  DOCUMENT_DEVICE_SIGNATURE_PRESENCE: 'device_signature',
  DEVICE_AUTH_SIGNATURE_OR_MAC_PRESENCE: 'device_signature',
  SESSION_TRANSCRIPT_PROVIDED: 'device_signature',
  DEVICE_KEY_AVAILABLE_IN_ISSUERAUTH: 'device_signature',
  DEVICE_SIGNATURE_VALIDITY: 'device_signature',
  DEVICE_MAC_PRESENCE: 'device_signature',
  DEVICE_MAC_ALGORITHM_CORRECTNESS: 'device_signature',
  EPHEMERAL_KEY_PRESENCE: 'device_signature',
  DEVICE_MAC_VALIDITY: 'device_signature',
  ISSUER_AUTH_DIGEST_ALGORITHM_SUPPORTED: 'mso',
  ISSUER_AUTH_NAMESPACE_DIGEST_PRESENCE: 'digests',
  ATTRIBUTE_DIGEST_MATCH: 'digests',
  ISSUING_COUNTRY_MATCHES_CERTIFICATE: 'library:issuing_country',
  ISSUING_JURISDICTION_MATCHES_CERTIFICATE: 'library:issuing_jurisdiction',
};

// ----------------------------------------------------- Ed25519 chains --

const ED25519_OID_DER = Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x70);
const mentionsEd25519 = (der) => {
  const b = new Uint8Array(der);
  for (let i = 0; i + ED25519_OID_DER.length <= b.length; i++) {
    if (ED25519_OID_DER.every((x, j) => b[i + j] === x)) return true;
  }
  return false;
};

// pkijs (used by the library for the chain) has no Ed25519 and refuses a
// pinned certificate that is not a CA (a self-signed DS). In those two cases
// only, the chain is walked here with @peculiar/x509 instead: every link's
// signature and every certificate's validity at the verification time,
// ending at an anchor (a root that signed the last link, or a pinned
// certificate equal to a chain member).
async function ownChain(x5chain, anchorPems, now) {
  const chain = x5chain.map((d) => new x509.X509Certificate(d));
  const anchors = anchorPems.map((p) => new x509.X509Certificate(p));
  const inTime = (c) => now >= c.notBefore && now <= c.notAfter;
  const signedBy = async (c, issuer) => c.issuer === issuer.subject &&
    await c.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
  let cur = chain[0];
  const pool = chain.slice(1);
  for (let depth = 0; depth < 5; depth++) {
    if (!inTime(cur)) return `certificate "${cur.subject}" is not valid at ${now.toISOString()}`;
    if (anchors.some((a) => equalBytes(new Uint8Array(a.rawData), new Uint8Array(cur.rawData)))) return null;
    for (const a of anchors) {
      if (await signedBy(cur, a)) return inTime(a) ? null : `trust anchor "${a.subject}" is not valid at ${now.toISOString()}`;
    }
    const next = [];
    for (const c of pool) if (await signedBy(cur, c)) next.push(c);
    if (next.length === 0) return `no path from "${chain[0].subject}" to a trust anchor`;
    cur = next[0];
  }
  return 'chain too long';
}

// ------------------------------------------------------------------ main --

async function main() {
  const notes = [];
  const { response, qrTranscript, notes: inNotes } = readResponse(responsePath);
  notes.push(...inNotes);

  let transcript;
  if (transcriptPath === '-') {
    if (!qrTranscript) throw new Error('TRANSCRIPT "-" needs an envelope or IDW1: input');
    transcript = qrTranscript;
  } else {
    transcript = new Uint8Array(fs.readFileSync(transcriptPath));
  }
  // The library wants SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript).
  const t = parseOne(transcript);
  const tagged = t.major === 6 && t.arg === 24 ? transcript : wrap24(transcript);

  const anchors = anchorPaths.flatMap(readAnchor);
  const checks = [];
  const errors = [];
  const failed = new Set();
  const fail = (name, msg) => {
    failed.add(name);
    errors.push(`${name}: ${msg}`);
  };

  let x5chain = [];
  try {
    const parsed = parse(Buffer.from(response));
    x5chain = parsed.documents.map((d) => d.issuerSigned.issuerAuth.x5chain ?? []).flat();
  } catch (err) {
    // The library refuses a Document whose docType differs from the MSO's
    // (and an MSO version other than 1.0) while parsing.
    const name = /docType|version must be/.test(err.message) ? 'mso' : 'decode';
    fail(name, err.message);
    return { valid: false, failed: [...failed], errors, notes };
  }

  try {
    await new Verifier(anchors).verify(Buffer.from(response), {
      encodedSessionTranscript: Buffer.from(tagged),
      onCheck: (check) => checks.push(check),
    });
  } catch (err) {
    fail('decode', `library error: ${err.message}`);
  }

  const anchorDers = anchors.map((p) => new Uint8Array(new x509.X509Certificate(p).rawData));
  const ed = [...x5chain, ...anchorDers].some(mentionsEd25519);
  const pinned = x5chain.some((d) => anchorDers.some((a) => equalBytes(a, new Uint8Array(d))));
  for (const c of checks) {
    if (c.status !== 'FAILED') continue;
    if (c.id === 'ISSUER_CERTIFICATE_VALIDITY' && (ed || pinned)) {
      const why = await ownChain(x5chain, anchors, new Date());
      const what = ed ? 'an Ed25519 chain' : 'a pinned non-CA certificate';
      notes.push(`@auth0/mdl (pkijs) cannot validate ${what} (${c.reason}); validated with @peculiar/x509 instead: ${why ?? 'ok'}`);
      if (why === null) continue;
      fail('issuer_trusted', why);
      continue;
    }
    fail(CHECK[c.id] ?? `library:${c.id}`, c.reason ? `${c.check} (${c.reason})` : c.check);
  }
  return { valid: failed.size === 0, failed: [...failed], errors, notes };
}

for (const f of [responsePath, ...(transcriptPath === '-' ? [] : [transcriptPath]), ...anchorPaths]) {
  if (!fs.existsSync(f)) usage(`no such file: ${f}`);
}

let result;
try {
  result = await main();
} catch (err) {
  result = { valid: false, failed: ['decode'], errors: [`decode: ${err.message}`], notes: [] };
}
if (at !== null) result.at = at;
console.log(JSON.stringify(result));
process.exit(result.valid ? 0 : 1);
