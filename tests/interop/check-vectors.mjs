// check-vectors.mjs: runs verify-ours.mjs (the @auth0/mdl Verifier) on every
// case of vectors/expected.json and compares the verdicts.
//
//   node check-vectors.mjs            (or: npm run check)
//
// A case passes when the library's valid/invalid agrees with "valid" and,
// for invalid cases, at least one of the expected failing checks is among
// those the library reports (the library stops early in some cases, e.g. it
// refuses a docType mismatch while parsing, so it may report fewer).
//
// SPDX-License-Identifier: GPL-3.0-or-later

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const V = path.join(HERE, 'vectors');
const { cases } = JSON.parse(fs.readFileSync(path.join(V, 'expected.json'), 'utf8'));

// Cases with an "envelope" (IDW1: text) are checked a second time from
// that text, with the transcript built from the envelope ("-").
const runs = cases.flatMap((c) => [
  { ...c, input: c.response, transcriptArg: path.join(V, c.transcript) },
  ...(c.envelope ? [{ ...c, name: `${c.name} (IDW1)`, input: c.envelope, transcriptArg: '-' }] : []),
]);

let passed = 0;
let failed = 0;
for (const c of runs) {
  const args = [path.join(HERE, 'verify-ours.mjs'), path.join(V, c.input), c.transcriptArg,
    ...c.trust.map((t) => path.join(V, t)), '--at', c.at];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    out = { valid: null, failed: [], errors: [r.stderr.trim()] };
  }
  const exitOk = r.status === (out.valid ? 0 : 1);
  const overlap = c.valid || c.failing.some((f) => out.failed.includes(f));
  const ok = out.valid === c.valid && exitOk && overlap;
  if (ok) passed++;
  else failed++;
  const got = out.valid ? 'valid' : `invalid [${out.failed.join(', ')}]`;
  const want = c.valid ? 'valid' : `invalid [${c.failing.join(', ')}]`;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(38)} expected ${want.padEnd(38)} library ${got}`);
  if (!ok) console.log(`     ${r.stdout.trim() || r.stderr.trim()}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
