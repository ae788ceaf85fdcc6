// generate.mjs: writes interoperability vectors into vectors/, made with the
// independent @auth0/mdl implementation (issuing, DeviceResponse, device
// signature), @peculiar/x509 (certificates) and Node's WebCrypto (keys).
//
//   cd tests/interop && npm install && node generate.mjs
//
// Keys are fresh on every run, so every run rewrites all files; the outputs
// are committed. Dates are fixed so the vectors stay valid until 2035.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webcrypto } from 'node:crypto';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

import * as x509 from '@peculiar/x509';
import { Document, MDoc, DeviceResponse, DataItem, parse } from '@auth0/mdl';
import { cborEncode, cborDecode } from '@auth0/mdl/lib/cbor/index.js';
import { calculateDeviceAutenticationBytes } from '@auth0/mdl/lib/mdoc/utils.js';

import { Raw, encode, wrap24, unwrap24, parseOne, equalBytes, hex } from './mini-cbor.mjs';
import { base45Encode, base45Decode } from './base45.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'vectors');
const { subtle } = webcrypto;
x509.cryptoProvider.set(webcrypto);

const MDL_VERSION = require('@auth0/mdl/package.json').version;
const X509_VERSION = require('@peculiar/x509/package.json').version;

const DOCTYPE = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';

// Fixed times. Verification happens at AT, inside every validity window
// except where a vector says otherwise.
const CERT_FROM = new Date('2025-01-01T00:00:00Z');
const CERT_UNTIL = new Date('2035-01-01T00:00:00Z');
const SIGNED = new Date('2025-01-01T12:00:00Z');
const VALID_UNTIL = new Date('2035-01-01T00:00:00Z');
const AT = '2030-06-01T12:00:00Z';
const PRESENTED_AT = Math.floor(Date.parse(AT) / 1000); // 1906545600
const QR_NONCE = Uint8Array.from(Buffer.from('8d1e4f0a6b3c2d5e7f9a0b1c2d3e4f50', 'hex'));

// A 12x16 baseline JPEG (296 bytes), so that the portrait is a real image.
const PORTRAIT = Uint8Array.from(Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAQAAwDASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAQF/8QAFhAAAwAAAAAAAAAAAAAAAAAAABRh/8QAFAEBAAAAAAAAAAAAAAAAAAAABP/EABURAQEAAAAAAAAAAAAAAAAAAAAR/9oADAMBAAIRAxEAPwC1uhumE3Q3QcMr/9k=',
  'base64'));

// The holder's data. Strings for *_date become tag 1004 full-dates (the
// library does that for birth_date, issue_date and expiry_date).
const HOLDER = {
  family_name: 'Doe',
  given_name: 'Zoë Ann',
  birth_date: '2006-08-20',
  issue_date: '2025-01-01',
  expiry_date: '2034-12-31',
  document_number: 'UT-1234567',
  age_over_18: true,
  age_over_21: false,
  issuing_country: 'UT',
  portrait: PORTRAIT,
};

const ALGS = {
  ES256: { gen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } },
  EdDSA: { gen: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

const b64u = (s) => Uint8Array.from(Buffer.from(s, 'base64url'));

function write(name, data) {
  fs.writeFileSync(path.join(OUT, name), data);
  return name;
}

function assert(cond, msg) {
  if (!cond) throw new Error(`self-check failed: ${msg}`);
}

// ---------------------------------------------------------------- keys --

async function newKeys(alg) {
  return subtle.generateKey(ALGS[alg].gen, true, ['sign', 'verify']);
}

async function privateJwk(keys, alg) {
  const jwk = await subtle.exportKey('jwk', keys.privateKey);
  delete jwk.key_ops;
  delete jwk.ext;
  return { ...jwk, alg };
}

// COSE_Key built here (not by the library), in the form ISO 18013-5 uses:
// EC2 {1:2, -1:1, -2:x, -3:y}, OKP {1:1, -1:6, -2:x}. The private form adds
// -4:d, the COSE alg (3) that the library needs to import it, and a bstr kid
// (2) that the library copies into the deviceSignature header.
async function coseKeys(keys, alg, kid) {
  const jwk = await subtle.exportKey('jwk', keys.privateKey);
  const pub = new Map();
  if (jwk.kty === 'EC') {
    pub.set(1, 2).set(-1, 1).set(-2, b64u(jwk.x)).set(-3, b64u(jwk.y));
  } else {
    pub.set(1, 1).set(-1, 6).set(-2, b64u(jwk.x));
  }
  const priv = new Map(pub);
  priv.set(-4, b64u(jwk.d)).set(3, alg === 'ES256' ? -7 : -8);
  if (kid) priv.set(2, new TextEncoder().encode(kid));
  return { pub: encode(pub), priv: encode(priv), keys };
}

// --------------------------------------------------------- certificates --

async function makeIaca(alg, cn, serial) {
  const keys = await newKeys(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: `C=UT, O=ID Wallet interop, CN=${cn}`,
    notBefore: CERT_FROM,
    notAfter: CERT_UNTIL,
    signingAlgorithm: ALGS[alg].sign,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys, alg };
}

const MDL_DS_EKU = '1.0.18013.5.1.2';

async function makeDs(iaca, cn, serial) {
  const keys = await newKeys(iaca.alg);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `C=UT, O=ID Wallet interop, CN=${cn}`,
    issuer: iaca.cert.subject,
    notBefore: CERT_FROM,
    notAfter: CERT_UNTIL,
    signingAlgorithm: ALGS[iaca.alg].sign,
    publicKey: keys.publicKey,
    signingKey: iaca.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([MDL_DS_EKU], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(iaca.cert),
    ],
  });
  assert(await cert.verify({ publicKey: iaca.cert.publicKey, signatureOnly: true }), 'DS signed by IACA');
  return { cert, keys, alg: iaca.alg, chain: [cert.rawData] };
}

async function makeSelfSignedDs(alg, cn, serial) {
  const keys = await newKeys(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: `C=UT, O=ID Wallet interop, CN=${cn}`,
    notBefore: CERT_FROM,
    notAfter: CERT_UNTIL,
    signingAlgorithm: ALGS[alg].sign,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([MDL_DS_EKU], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys, alg, chain: [cert.rawData] };
}

const pem = (cert) => `${cert.toString('pem').trim()}\n`;

// -------------------------------------------------------------- issuing --

// Issues a credential with the library and returns the encoded MDoc
// ({version, documents: [{docType, issuerSigned}], status}).
async function issue({ ds, device, validity, kid = true, chainArray = false }) {
  const signParams = {
    issuerPrivateKey: await privateJwk(ds.keys, ds.alg),
    // An array of DER certificates becomes an x5chain array; one DER a bstr.
    issuerCertificate: chainArray ? ds.chain : new Uint8Array(ds.chain[0]),
    alg: ds.alg,
  };
  // Without a kid the library writes {4: undefined} into the unprotected
  // header; the 'nokid' vector keeps that on purpose.
  if (kid) signParams.kid = `${ds.cert.subject}`.replace(/.*CN=/, '');
  const doc = await new Document(DOCTYPE)
    .addIssuerNameSpace(NS, { ...HOLDER })
    .useDigestAlgorithm('SHA-256')
    .addValidityInfo(validity ?? { signed: SIGNED, validFrom: SIGNED, validUntil: VALID_UNTIL })
    .addDeviceKeyInfo({ deviceKey: device.pub })
    .sign(signParams);
  const bytes = new MDoc([doc]).encode();
  await checkIssuerAuth(bytes, ds);
  return bytes;
}

// Independent check of issuerAuth: Sig_structure built here, verified
// with WebCrypto against the DS public key.
async function checkIssuerAuth(bytes, ds) {
  const dr = cborDecode(bytes);
  const [prot, , payload, sig] = dr.get('documents')[0].get('issuerSigned').get('issuerAuth');
  const tbs = encode(['Signature1', prot, new Uint8Array(0), payload]);
  const ok = await subtle.verify(ALGS[ds.alg].sign, ds.keys.publicKey, sig, tbs);
  assert(ok, 'issuerAuth verifies with WebCrypto');
  assert(unwrap24(payload) !== null, 'MSO payload is #6.24(bstr)');
}

// ---------------------------------------------------------- transcripts --

// Ours: SessionTranscript = [null, null, ["IdWalletQRHandoverV1", presentedAt, nonce / null]]
function qrTranscript(nonce) {
  return encode([null, null, ['IdWalletQRHandoverV1', PRESENTED_AT, nonce]]);
}

const OID4VP = {
  mdocGeneratedNonce: 'mdoc-nonce-3f2a9c51',
  clientId: 'verifier.interop.example',
  responseUri: 'https://verifier.interop.example/response',
  verifierGeneratedNonce: 'verifier-nonce-7b41e0d2',
};

async function webApiParts() {
  const eDevice = await coseKeys(await newKeys('ES256'), 'ES256');
  const eReader = await coseKeys(await newKeys('ES256'), 'ES256');
  // DeviceEngagement = {0: "1.0", 1: [1, #6.24(bstr .cbor EDeviceKey)]}
  const deviceEngagement = encode(new Map([[0, '1.0'], [1, [1, new Raw(wrap24(eDevice.pub))]]]));
  const readerEngagement = encode(new Map([[0, '1.0']]));
  return { deviceEngagement, readerEngagement, eReaderKey: eReader.pub };
}

// Our text form: "IDW1:" + Base45(zlib(CBOR Envelope)), with
// Envelope = {"v": 1, "presentedAt": uint, ? "nonce": bstr, "response": DeviceResponse}
function envelopeText(response, nonce) {
  const env = new Map([['v', 1], ['presentedAt', PRESENTED_AT]]);
  if (nonce) env.set('nonce', nonce);
  env.set('response', new Raw(response));
  const cbor = encode(env);
  const text = `IDW1:${base45Encode(zlib.deflateSync(cbor, { level: 9 }))}`;
  assert(equalBytes(zlib.inflateSync(base45Decode(text.slice(5))), cbor), 'envelope text round trip');
  return `${text}\n`;
}

// ------------------------------------------------------------ presenting --

function presentationDefinition(docType, elements) {
  return {
    id: 'interop',
    input_descriptors: [{
      id: docType,
      format: { mso_mdoc: { alg: ['ES256', 'EdDSA'] } },
      constraints: {
        limit_disclosure: 'required',
        fields: elements.map((e) => ({ path: [`$['${NS}']['${e}']`], intent_to_retain: false })),
      },
    }],
  };
}

// Builds a DeviceResponse with the library. @transcript is one of
//   {kind: 'bytes', plain}  our transcript, given as raw bytes
//   {kind: 'oid4vp'}        the library's OID4VP handover
//   {kind: 'webapi', ...}   the library's Web API transcript
// Returns the response and the SessionTranscript exactly as embedded in
// what the device signed (plain CBOR array, not tag-24 wrapped).
async function present({ mdoc, elements, transcript, device, alg, docTypeOverride }) {
  let source = mdoc;
  let docType = DOCTYPE;
  if (docTypeOverride) {
    source = parse(mdoc);
    source.documents[0].docType = docTypeOverride;
    docType = docTypeOverride;
  }
  const b = DeviceResponse.from(source).usingPresentationDefinition(presentationDefinition(docType, elements));
  if (transcript.kind === 'bytes') {
    // usingSessionTranscriptBytes() wants SessionTranscriptBytes, i.e.
    // #6.24(bstr .cbor SessionTranscript); it decodes that and embeds the
    // array in DeviceAuthentication.
    b.usingSessionTranscriptBytes(Buffer.from(wrap24(transcript.plain)));
  } else if (transcript.kind === 'oid4vp') {
    b.usingSessionTranscriptForOID4VP(OID4VP.mdocGeneratedNonce, OID4VP.clientId, OID4VP.responseUri, OID4VP.verifierGeneratedNonce);
  } else if (transcript.kind === 'webapi') {
    b.usingSessionTranscriptForWebAPI(Buffer.from(transcript.deviceEngagement), Buffer.from(transcript.readerEngagement), Buffer.from(transcript.eReaderKey));
  }
  const tagged = new Uint8Array(b.sessionTranscriptBytes);
  const plain = unwrap24(tagged);
  assert(plain, 'library SessionTranscriptBytes are #6.24(bstr)');

  const mdocOut = await b.authenticateWithSignature(Buffer.from(device.priv), alg).sign();
  const response = mdocOut.encode();

  // What the library signs: DeviceAuthenticationBytes from its own helper.
  const libDab = calculateDeviceAutenticationBytes(Buffer.from(tagged), docType, {});
  // What ISO 18013-5 and our design say it must be, built here:
  // #6.24(bstr .cbor ["DeviceAuthentication", SessionTranscript, DocType, #6.24(bstr .cbor {})])
  const ourDab = wrap24(encode(['DeviceAuthentication', new Raw(plain), docType, new Raw(wrap24(encode(new Map())))]));
  assert(equalBytes(libDab, ourDab), `DeviceAuthenticationBytes agree (${hex(libDab)} vs ${hex(ourDab)})`);
  // The SessionTranscript inside is byte for byte the plain transcript.
  const inner = parseOne(unwrap24(libDab));
  assert(equalBytes(inner.children[1].bytes, plain), 'embedded SessionTranscript equals the plain transcript');

  // The device signature verifies (WebCrypto, Sig_structure built here)
  // over our DeviceAuthenticationBytes; the payload is detached (null).
  const doc = cborDecode(response).get('documents')[0];
  const ds = doc.get('deviceSigned');
  const [prot, , payload, sig] = ds.get('deviceAuth').get('deviceSignature');
  assert(payload === null, 'deviceSignature payload is detached');
  const tbs = encode(['Signature1', prot, new Uint8Array(0), ourDab]);
  assert(await subtle.verify(ALGS[alg].sign, device.keys.publicKey, sig, tbs), 'deviceSignature verifies with WebCrypto');
  assert(equalBytes(cborEncode(cborDecode(response)), response), 'response re-encodes byte for byte');
  return { response, plain };
}

// ------------------------------------------------------------- tampering --

// Decode with the library's CBOR settings (tag-24 items keep their bytes),
// make one edit, encode again.
function tamper(bytes, edit) {
  const dr = cborDecode(bytes);
  assert(equalBytes(cborEncode(dr), bytes), 'round trip before tampering');
  edit(dr.get('documents')[0]);
  const out = cborEncode(dr);
  assert(!equalBytes(out, bytes), 'tampering changed something');
  return out;
}

function disclosedDigestIds(doc) {
  return new Set(doc.get('issuerSigned').get('nameSpaces').get(NS).map((di) => di.data.get('digestID')));
}

const tampers = {
  // An element value changed; its digest no longer matches the MSO.
  value: (elem, newValue) => (doc) => {
    const items = doc.get('issuerSigned').get('nameSpaces').get(NS);
    const i = items.findIndex((di) => di.data.get('elementIdentifier') === elem);
    assert(i >= 0, `${elem} disclosed`);
    const m = new Map(items[i].data);
    m.set('elementValue', newValue);
    items[i] = DataItem.fromData(m);
  },
  // One byte of the digest of an undisclosed element flipped inside the
  // MSO: the MSO still decodes and disclosed digests still match, but the
  // issuer signature no longer verifies.
  mso: () => (doc) => {
    const ia = doc.get('issuerSigned').get('issuerAuth');
    const mso = cborDecode(ia[2]);
    assert(equalBytes(cborEncode(mso), ia[2]), 'MSO round trip');
    const digests = mso.data.get('valueDigests').get(NS);
    const shown = disclosedDigestIds(doc);
    const id = [...digests.keys()].find((k) => !shown.has(k));
    const d = Uint8Array.from(digests.get(id));
    d[0] ^= 0x01;
    digests.set(id, d);
    ia[2] = cborEncode(DataItem.fromData(mso.data));
  },
  // Last byte of the device signature flipped.
  deviceSignature: () => (doc) => {
    const sig1 = doc.get('deviceSigned').get('deviceAuth').get('deviceSignature');
    const s = Uint8Array.from(sig1[3]);
    s[s.length - 1] ^= 0x01;
    sig1[3] = s;
  },
  // Document.docType changed; MSO (and what the device signed) unchanged.
  docType: (t) => (doc) => {
    doc.set('docType', t);
  },
};

// ------------------------------------------------------------- disclosed --

function jsonValue(v) {
  if (v instanceof Date) {
    return v.constructor.name === 'DateOnly' ? v.toISOString() : `${v.toISOString().split('.')[0]}Z`;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, jsonValue(x)]));
  if (Array.isArray(v)) return v.map(jsonValue);
  return v;
}

function disclosedOf(response) {
  const doc = cborDecode(response).get('documents')[0];
  const out = {};
  for (const [ns, items] of doc.get('issuerSigned').get('nameSpaces')) {
    out[ns] = {};
    for (const di of items) out[ns][di.data.get('elementIdentifier')] = jsonValue(di.data.get('elementValue'));
  }
  return out;
}

// ------------------------------------------------------------------ main --

async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });

  // Issuers.
  const es256Iaca = await makeIaca('ES256', 'Interop IACA ES256', '1001');
  const es256Ds = await makeDs(es256Iaca, 'Interop DS ES256', '1002');
  const eddsaIaca = await makeIaca('EdDSA', 'Interop IACA EdDSA', '2001');
  const eddsaDs = await makeDs(eddsaIaca, 'Interop DS EdDSA', '2002');
  const selfDs = await makeSelfSignedDs('ES256', 'Interop self-signed DS ES256', '3001');
  const otherIaca = await makeIaca('ES256', 'Unrelated IACA ES256', '4001');
  // x5chain as an array [DS, IACA] instead of one bstr.
  const es256DsChain = { ...es256Ds, chain: [es256Ds.cert.rawData, es256Iaca.cert.rawData] };

  const anchors = {
    es256: write('es256-iaca.pem', pem(es256Iaca.cert)),
    eddsa: write('eddsa-iaca.pem', pem(eddsaIaca.cert)),
    self: write('selfsigned-ds.pem', pem(selfDs.cert)),
    other: write('other-iaca.pem', pem(otherIaca.cert)),
  };
  write('es256-ds.pem', pem(es256Ds.cert));
  write('eddsa-ds.pem', pem(eddsaDs.cert));

  // Device keys.
  const devP256 = await coseKeys(await newKeys('ES256'), 'ES256', 'device-p256');
  const devEd = await coseKeys(await newKeys('EdDSA'), 'EdDSA', 'device-ed25519');
  const devP256NoKid = await coseKeys(await newKeys('ES256'), 'ES256');

  // Credentials.
  const creds = {
    es256: await issue({ ds: es256Ds, device: devP256 }),
    eddsa: await issue({ ds: eddsaDs, device: devEd }),
    self: await issue({ ds: selfDs, device: devEd }),
    chain: await issue({ ds: es256DsChain, device: devP256, chainArray: true }),
    nokid: await issue({ ds: es256Ds, device: devP256NoKid, kid: false }),
    expired: await issue({ ds: es256Ds, device: devP256, validity: { signed: SIGNED, validFrom: SIGNED, validUntil: new Date('2026-01-01T00:00:00Z') } }),
    notyet: await issue({ ds: es256Ds, device: devP256, validity: { signed: SIGNED, validFrom: new Date('2031-01-01T00:00:00Z'), validUntil: VALID_UNTIL } }),
  };
  write('cred-es256.mdoc.cbor', creds.es256);
  write('cred-eddsa.mdoc.cbor', creds.eddsa);

  // Transcripts.
  const web = await webApiParts();
  const T = {
    qr: { kind: 'bytes', plain: qrTranscript(QR_NONCE), envelopeNonce: QR_NONCE, file: 'qr-nonce.transcript.cbor', form: 'IdWalletQRHandoverV1 with nonce' },
    qrNoNonce: { kind: 'bytes', plain: qrTranscript(null), envelopeNonce: null, file: 'qr-nononce.transcript.cbor', form: 'IdWalletQRHandoverV1, nonce null' },
    oid4vp: { kind: 'oid4vp', file: 'oid4vp.transcript.cbor', form: '@auth0/mdl OID4VP handover [null, null, [mdocGeneratedNonce, clientId, responseUri, verifierGeneratedNonce]] (ISO 18013-7 draft 2023 Annex B)' },
    webapi: { kind: 'webapi', ...web, file: 'webapi.transcript.cbor', form: '@auth0/mdl Web API transcript [#6.24(DeviceEngagement), #6.24(EReaderKey), bstr ReaderEngagement] (ISO 18013-7 draft 2023 Annex A as the library builds it)' },
  };
  const writtenTranscripts = new Map();
  function transcriptFile(t, plain) {
    const prev = writtenTranscripts.get(t.file);
    if (prev) assert(equalBytes(prev, plain), `transcript ${t.file} stable`);
    else {
      write(t.file, plain);
      writtenTranscripts.set(t.file, plain);
    }
    return t.file;
  }

  const cases = [];
  const responses = {};
  async function add({ name, cred, elements, t, device, alg, devAlg, trust, valid, failing = [], notes, docTypeOverride, x5chain = 'bstr', envelope = false }) {
    const { response, plain } = await present({ mdoc: cred, elements, transcript: t, device, alg: devAlg, docTypeOverride });
    responses[name] = { response, t };
    const extra = {};
    if (envelope) {
      assert(t.envelopeNonce !== undefined, 'envelopes only for QR transcripts');
      extra.envelope = write(`${name}.idw1.txt`, envelopeText(response, t.envelopeNonce));
    }
    cases.push({
      name,
      response: write(`${name}.cbor`, response),
      transcript: transcriptFile(t, plain),
      trust: [trust],
      at: AT,
      valid,
      failing,
      disclosed: disclosedOf(response),
      alg,
      device_alg: devAlg,
      x5chain,
      transcript_form: t.form,
      ...extra,
      notes,
    });
  }
  function addDerived({ name, from, bytes, trust, transcriptFile: tf, valid, failing, notes }) {
    // Derived cases never carry the envelope of the case they come from.
    const { envelope, ...base } = cases.find((c) => c.name === from);
    cases.push({
      ...base,
      name,
      response: bytes ? write(`${name}.cbor`, bytes) : base.response,
      transcript: tf ?? base.transcript,
      trust: trust ? [trust] : base.trust,
      valid,
      failing,
      disclosed: bytes ? disclosedOf(bytes) : base.disclosed,
      notes,
    });
  }

  // ---- valid ----
  await add({ name: 'es256-qr-family-age18', cred: creds.es256, elements: ['family_name', 'age_over_18'], t: T.qr, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true, envelope: true,
    notes: 'ES256 IACA -> DS chain (x5chain = DS as one bstr); P-256 device key; our QR transcript with a 16-byte nonce. Also as IDW1: text (envelope with that nonce).' });
  await add({ name: 'es256-qr-age18-nononce', cred: creds.es256, elements: ['age_over_18'], t: T.qrNoNonce, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true, envelope: true,
    notes: 'Only age_over_18; QR transcript with nonce null. Also as IDW1: text (envelope without nonce).' });
  await add({ name: 'es256-qr-all', cred: creds.es256, elements: Object.keys(HOLDER), t: T.qr, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true,
    notes: 'All ten elements, including the 296-byte JPEG portrait and three tag-1004 full-dates.' });
  await add({ name: 'es256-oid4vp', cred: creds.es256, elements: ['family_name', 'birth_date'], t: T.oid4vp, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true,
    notes: 'Transcript made by the library itself (usingSessionTranscriptForOID4VP), not designed by us.' });
  await add({ name: 'es256-webapi', cred: creds.es256, elements: ['age_over_21', 'issuing_country'], t: T.webapi, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true,
    notes: 'Transcript made by the library (usingSessionTranscriptForWebAPI): its first two elements are tag-24 items, so a verifier must embed the transcript bytes as given. age_over_21 is false.' });
  await add({ name: 'eddsa-qr-family-age18', cred: creds.eddsa, elements: ['family_name', 'age_over_18'], t: T.qr, device: devEd, alg: 'EdDSA', devAlg: 'EdDSA', trust: anchors.eddsa, valid: true,
    notes: 'Ed25519 IACA -> Ed25519 DS; issuerAuth alg -8 (EdDSA); Ed25519 device key {1:1,-1:6,-2:x}; EdDSA device signature.' });
  await add({ name: 'eddsa-qr-age18', cred: creds.eddsa, elements: ['age_over_18'], t: T.qrNoNonce, device: devEd, alg: 'EdDSA', devAlg: 'EdDSA', trust: anchors.eddsa, valid: true, envelope: true,
    notes: 'EdDSA, only age_over_18, QR transcript with nonce null. Also as IDW1: text (envelope without nonce).' });
  await add({ name: 'eddsa-oid4vp', cred: creds.eddsa, elements: ['given_name', 'portrait'], t: T.oid4vp, device: devEd, alg: 'EdDSA', devAlg: 'EdDSA', trust: anchors.eddsa, valid: true,
    notes: 'EdDSA with the library OID4VP transcript; given_name is non-ASCII UTF-8.' });
  await add({ name: 'selfsigned-qr', cred: creds.self, elements: ['family_name', 'age_over_18'], t: T.qr, device: devEd, alg: 'ES256', devAlg: 'EdDSA', trust: anchors.self, valid: true,
    notes: 'Self-signed ES256 DS certificate, trusted by pinning itself (no IACA); Ed25519 device key with an ES256 issuer.' });
  await add({ name: 'es256-chain-array', cred: creds.chain, elements: ['family_name', 'age_over_18'], t: T.qr, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true, x5chain: 'array [DS, IACA]',
    notes: 'x5chain is an array [DS, IACA] rather than one bstr.' });
  await add({ name: 'es256-nokid', cred: creds.nokid, elements: ['family_name', 'age_over_18'], t: T.qr, device: devP256NoKid, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: true,
    notes: 'Library defaults without a kid: the unprotected headers of issuerAuth and deviceSignature both hold {4: undefined} (CBOR simple value 23). Every signature is correct; the kid is not used for verification. A verifier that rejects an undefined header value would fail this at decode; we expect it to be tolerated since real @auth0/mdl issuers emit it.' });

  // ---- invalid ----
  const base = responses['es256-qr-family-age18'].response;
  addDerived({ name: 'tampered-value', from: 'es256-qr-family-age18', bytes: tamper(base, tampers.value('family_name', 'Roe')), valid: false, failing: ['digests'],
    notes: 'family_name changed from "Doe" to "Roe" in its IssuerSignedItem (re-encoded); its digest no longer matches. Signatures are untouched.' });
  addDerived({ name: 'tampered-mso', from: 'es256-qr-family-age18', bytes: tamper(base, tampers.mso()), valid: false, failing: ['issuer_signature'],
    notes: 'One bit of the digest of an undisclosed element flipped inside the MSO (re-encoded as #6.24); the MSO is well formed and disclosed digests match, but issuerAuth no longer verifies.' });
  addDerived({ name: 'tampered-device-signature', from: 'es256-qr-family-age18', bytes: tamper(base, tampers.deviceSignature()), valid: false, failing: ['device_signature'],
    notes: 'Last byte of the deviceSignature (r||s) flipped.' });
  addDerived({ name: 'tampered-doctype', from: 'es256-qr-family-age18', bytes: tamper(base, tampers.docType('org.iso.18013.5.1.mDL.tampered')), valid: false, failing: ['mso', 'device_signature'],
    notes: 'Document docType changed to "org.iso.18013.5.1.mDL.tampered"; the MSO says org.iso.18013.5.1.mDL. The device signed DeviceAuthentication with the original docType, so device_signature fails too when DeviceAuthentication is built from the Document docType.' });
  await add({ name: 'doctype-mismatch-device-signed', cred: creds.es256, elements: ['family_name', 'age_over_18'], t: T.qr, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: false, failing: ['mso'],
    docTypeOverride: 'org.iso.18013.5.1.mDL.tampered',
    notes: 'Document docType "org.iso.18013.5.1.mDL.tampered" differs from the MSO docType; the holder device signed DeviceAuthentication with that Document docType, so only mso fails (device_signature passes when DeviceAuthentication uses the Document docType).' });
  addDerived({ name: 'wrong-trust-anchor', from: 'es256-qr-family-age18', trust: anchors.other, valid: false, failing: ['issuer_trusted'],
    notes: 'The valid es256-qr-family-age18 response verified against an unrelated IACA: all signatures are correct, the issuer is not trusted.' });
  addDerived({ name: 'selfsigned-untrusted', from: 'selfsigned-qr', trust: anchors.es256, valid: false, failing: ['issuer_trusted'],
    notes: 'The self-signed DS response verified against the ES256 IACA, which did not sign it.' });
  addDerived({ name: 'wrong-transcript', from: 'es256-qr-family-age18', transcriptFile: T.qrNoNonce.file, valid: false, failing: ['device_signature'],
    notes: 'The valid es256-qr-family-age18 response (signed with the nonce transcript) verified with the nonce-null transcript.' });
  addDerived({ name: 'eddsa-tampered-device-signature', from: 'eddsa-qr-family-age18', bytes: tamper(responses['eddsa-qr-family-age18'].response, tampers.deviceSignature()), valid: false, failing: ['device_signature'],
    notes: 'Last byte of the Ed25519 deviceSignature flipped.' });
  await add({ name: 'expired', cred: creds.expired, elements: ['family_name', 'age_over_18'], t: T.qr, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: false, failing: ['validity'],
    notes: 'MSO validUntil 2026-01-01T00:00:00Z, before the verification time; certificates are still valid.' });
  await add({ name: 'not-yet-valid', cred: creds.notyet, elements: ['family_name', 'age_over_18'], t: T.qr, device: devP256, alg: 'ES256', devAlg: 'ES256', trust: anchors.es256, valid: false, failing: ['validity'],
    notes: 'MSO validFrom 2031-01-01T00:00:00Z, after the verification time.' });

  const expected = {
    generator: `tests/interop/generate.mjs with @auth0/mdl ${MDL_VERSION}, @peculiar/x509 ${X509_VERSION}, Node ${process.versions.node} WebCrypto`,
    transcript_encoding: 'Each *.transcript.cbor holds the plain SessionTranscript array, byte for byte as embedded in DeviceAuthentication (not #6.24 wrapped). @auth0/mdl takes SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript); wrap before passing it to that library.',
    checks: ['decode', 'issuer_signature', 'issuer_trusted', 'mso', 'validity', 'digests', 'device_signature', 'status', 'freshness'],
    failing_semantics: 'failing lists the checks that fail when every check is evaluated; all others pass, except freshness, which is not applicable to a raw DeviceResponse verified with a supplied transcript, and status, which is not applicable: no vector refers to a status list.',
    cases,
  };
  write('expected.json', `${JSON.stringify(expected, null, 2)}\n`);

  let total = 0;
  for (const f of fs.readdirSync(OUT)) total += fs.statSync(path.join(OUT, f)).size;
  console.log(`wrote ${cases.length} cases, ${fs.readdirSync(OUT).length} files, ${total} bytes into ${path.relative(process.cwd(), OUT) || '.'}`);
}

await main();
