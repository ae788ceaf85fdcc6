#!/usr/bin/env bash
# check-ours.sh: what ID Wallet produces, checked by the independent verifier
#
#   tests/interop/check-ours.sh [-v] [PATH/TO/id-wallet-cli]
#
# Makes a test issuer and a credential with `id-wallet-cli`, presents it in
# several ways and verifies every presentation with @auth0/mdl through
# verify-ours.mjs (and, for comparison, with `id-wallet-cli verify`). Prints
# one line per case and exits 1 when any verifier disagrees with the
# expectation (2 when something could not be run). -v adds the library's
# notes and errors under each case.
#
# The CLI is $IDW_CLI, the argument, or the first one found in the usual
# build folders. Needs node and `npm install` done in tests/interop.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

verbose=0
if [ "${1:-}" = "-v" ]; then
  verbose=1
  shift
fi

cli=${1:-${IDW_CLI:-}}
if [ -z "$cli" ]; then
  for dir in build-interop build-cli build; do
    if [ -x "$root/$dir/src/cli/id-wallet-cli" ]; then
      cli="$root/$dir/src/cli/id-wallet-cli"
      break
    fi
  done
fi
if [ -z "$cli" ] || [ ! -x "$cli" ]; then
  echo "check-ours: no id-wallet-cli found; build it or pass its path" >&2
  exit 2
fi
cli="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"
if [ ! -d "$here/node_modules/@auth0/mdl" ]; then
  echo "check-ours: run 'npm install' in $here first" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The CLI must not touch the user's wallet or trust store.
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
export LC_ALL=C.UTF-8
mkdir -p "$HOME"

die () {
  echo "check-ours: $*" >&2
  exit 2
}

# ---- issuer and credential -------------------------------------------------

# The default algorithm, ES256: @auth0/mdl validates its chain itself.
issuer="$work/issuer"
"$cli" issuer init --out "$issuer" --name "Interop Test" --country UT --test \
  >"$work/issuer.log" 2>&1 || { cat "$work/issuer.log" >&2; die "issuer init failed"; }
grep -q 'ES256' "$work/issuer.log" || die "issuer init did not make an ES256 issuer"

# The portrait of the vectors (a 12x16 JPEG made by the generator).
node -e '
  const fs = require("fs");
  const cases = JSON.parse(fs.readFileSync(process.argv[1])).cases;
  const all = cases.find((c) => c.name === "es256-qr-all");
  fs.writeFileSync(process.argv[2], Buffer.from(all.disclosed["org.iso.18013.5.1"].portrait, "base64"));
' "$here/vectors/expected.json" "$work/face.jpg" || die "cannot write the portrait"

cat >"$work/person.json" <<'EOF'
{
  "org.iso.18013.5.1": {
    "family_name": "Doe",
    "given_name": "Zoë Ann",
    "birth_date": "2006-08-20",
    "issue_date": "2025-01-01",
    "expiry_date": "2034-12-31",
    "issuing_country": "UT",
    "issuing_authority": "Utopia Interop Office",
    "document_number": "UT-1234567",
    "age_over_18": true,
    "age_over_21": false,
    "portrait": { "file": "face.jpg" }
  }
}
EOF

(cd "$work" && "$cli" issue --issuer "$issuer" --data person.json --new-device-key \
   --out cred.idwcred) >"$work/issue.log" 2>&1 \
  || { cat "$work/issue.log" >&2; die "issue failed"; }

# ---- cases -----------------------------------------------------------------

passed=0
failed=0

# check NAME LIBRARY OURS FILE ANCHOR [--at TIME]
#   LIBRARY, OURS: what verify-ours.mjs and `id-wallet-cli verify` must say:
#   "valid", or "invalid:CHECK" (invalid, with CHECK among the failed).
check () {
  local name=$1 want_lib=$2 want_ours=$3 file=$4 anchor=$5
  shift 5
  local lib_json ours_json verdict status
  local ours_args=()

  if [ "${1:-}" = "--at" ]; then
    ours_args=(--at "$2")
  fi

  lib_json=$(cd "$here" && node verify-ours.mjs "$file" - "$anchor" "$@" 2>"$work/node.err")
  if [ -z "$lib_json" ]; then
    lib_json='{"valid":false,"failed":["(no output)"],"errors":[],"notes":[]}'
    cat "$work/node.err" >&2
  fi
  ours_json=$("$cli" verify --json --trust "$anchor" "${ours_args[@]}" "$file" 2>"$work/ours.err")
  if [ -z "$ours_json" ]; then
    ours_json='{"valid":false,"checks":[{"name":"(no output)","status":"failed"}]}'
    cat "$work/ours.err" >&2
  fi

  verdict=$(node -e '
    const [name, wantLib, wantOurs, lib, ours, verbose] = process.argv.slice(1);
    const l = JSON.parse(lib);
    const o = JSON.parse(ours);
    const oFailed = (o.checks || []).filter((c) => c.status === "failed").map((c) => c.name);
    const agrees = (want, valid, failed) =>
      want === "valid" ? valid === true : (valid === false && failed.includes(want.replace(/^invalid:/, "")));
    const ok = agrees(wantLib, l.valid, l.failed || []) && agrees(wantOurs, o.valid, oFailed);
    const show = (valid, failed) => valid ? "valid" : `invalid [${failed.join(", ")}]`;
    const want = wantLib === wantOurs ? wantLib : `${wantLib} / ours ${wantOurs}`;
    const lines = [[
      ok ? "ok  " : "FAIL",
      name.padEnd(20),
      ("expected " + want).padEnd(34),
      ("library " + show(l.valid, l.failed || [])).padEnd(40),
      "ours " + show(o.valid, oFailed),
    ].join(" ")];
    if (verbose === "1") {
      for (const n of l.notes || []) lines.push(`#   library note: ${n}`);
      for (const e of l.errors || []) lines.push(`#   library error: ${e}`);
      for (const c of o.checks || []) {
        if (c.status === "failed") lines.push(`#   ours ${c.name}: ${c.detail}`);
      }
    }
    console.log(lines.join("\n"));
    process.exit(ok ? 0 : 1);
  ' "$name" "$want_lib" "$want_ours" "$lib_json" "$ours_json" "$verbose")
  status=$?
  echo "$verdict"
  if [ $status -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}

# present NAME [ARGS...]: writes $work/NAME.txt
present () {
  local name=$1
  shift
  "$cli" present "$work/cred.idwcred" "$@" >"$work/$name.txt" 2>"$work/$name.err" \
    || { cat "$work/$name.err" >&2; die "present $* failed"; }
  grep -q '^IDW1:' "$work/$name.txt" || die "present $* printed no IDW1: text"
}

# A remote request made by our verifier, so that it remembers the nonce
# (`verify` accepts one response carrying it).
request=$("$cli" ask --elements org.iso.18013.5.1/given_name,org.iso.18013.5.1/portrait,org.iso.18013.5.1/age_over_18 \
  --verifier "Interop check" 2>"$work/ask.err") || { cat "$work/ask.err" >&2; die "ask failed"; }
printf '%s\n' "$request" >"$work/request.txt"

# A remote request made here, not by ID Wallet, so our verifier never issued
# its nonce: our own CBOR, Base45 and zlib around an ISO 18013-5
# DeviceRequest, with a fresh 16-byte nonce.
foreign_request=$(node --input-type=module -e '
  import { randomBytes } from "node:crypto";
  import fs from "node:fs";
  import zlib from "node:zlib";
  const { encode, wrap24, Raw } = await import(process.argv[1] + "/mini-cbor.mjs");
  const { base45Encode } = await import(process.argv[1] + "/base45.mjs");
  const nonce = new Uint8Array(randomBytes(16));
  const items = encode(new Map([
    ["docType", "org.iso.18013.5.1.mDL"],
    ["nameSpaces", new Map([["org.iso.18013.5.1", new Map([
      ["given_name", false], ["portrait", false], ["age_over_18", false]])]])],
  ]));
  const deviceRequest = new Map([
    ["version", "1.0"],
    ["docRequests", [new Map([["itemsRequest", new Raw(wrap24(items))]])]],
  ]);
  const envelope = encode(new Map([
    ["v", 1], ["nonce", nonce], ["request", deviceRequest], ["verifier", "Interop check"],
  ]));
  fs.writeFileSync(process.argv[2], Buffer.from(nonce).toString("hex") + "\n");
  console.log("IDWR1:" + base45Encode(new Uint8Array(zlib.deflateSync(envelope))));
' "$here" "$work/foreign-nonce.hex") || die "cannot make a request"

# The nonce of an IDW1: envelope or an IDWR1: request, in hex ("none"
# without one).
envelope_nonce () {
  node --input-type=module -e '
    import fs from "node:fs";
    import zlib from "node:zlib";
    const { parseOne } = await import(process.argv[1] + "/mini-cbor.mjs");
    const { base45Decode } = await import(process.argv[1] + "/base45.mjs");
    const text = fs.readFileSync(process.argv[2], "latin1").trim();
    const root = parseOne(new Uint8Array(zlib.inflateSync(base45Decode(text.slice(text.indexOf(":") + 1)))));
    let nonce = "none";
    for (let i = 0; i < root.children.length; i += 2) {
      const key = new TextDecoder().decode(root.children[i].content);
      if (key === "nonce") nonce = Buffer.from(root.children[i + 1].content).toString("hex");
    }
    console.log(nonce);
  ' "$here" "$1"
}

present text-full --text
present text-age18 --text --preset age-over-18
present text-name-photo --text --preset name-photo
present text-elements --text --elements org.iso.18013.5.1/family_name,org.iso.18013.5.1/birth_date
present text-nonce --text --nonce-request "$request"
present text-foreign-nonce --text --nonce-request "$foreign_request"

iaca="$issuer/iaca.pem"
check text-full        valid valid "$work/text-full.txt"       "$iaca"
check text-age18       valid valid "$work/text-age18.txt"      "$iaca"
check text-name-photo  valid valid "$work/text-name-photo.txt" "$iaca"
check text-elements    valid valid "$work/text-elements.txt"   "$iaca"
# The DS certificate pinned instead of the IACA root.
check text-full-ds     valid valid "$work/text-full.txt"       "$issuer/ds.pem"
# Answering a request made with `ask`: the transcript carries its nonce,
# which our verifier issued and accepts once (DESIGN §3.3, §7).
check text-nonce       valid valid "$work/text-nonce.txt" "$iaca"
want=$(envelope_nonce "$work/request.txt")
got=$(envelope_nonce "$work/text-nonce.txt")
if [ "$want" = "$got" ]; then
  printf '%s %-20s %s\n' "ok  " "nonce-echoed" "the envelope carries the request's nonce $got"
  passed=$((passed + 1))
else
  printf '%s %-20s %s\n' "FAIL" "nonce-echoed" "asked for nonce $want, the envelope carries $got"
  failed=$((failed + 1))
fi

# The same response again is a replay, and a response to a request our
# verifier never made is not fresh either; the library keeps no nonces.
check text-nonce-again valid invalid:freshness "$work/text-nonce.txt" "$iaca"
check text-foreign-nonce valid invalid:freshness "$work/text-foreign-nonce.txt" "$iaca"

# Controls: both verifiers must also say no when they should.
check wrong-anchor     invalid:issuer_trusted invalid:issuer_trusted \
  "$work/text-age18.txt" "$here/vectors/other-iaca.pem"
check after-expiry     invalid:validity invalid:validity \
  "$work/text-age18.txt" "$iaca" --at 2099-01-01T00:00:00Z

# The chain of the default (ES256) issuer is validated by the library
# itself, not by the Ed25519 fallback of verify-ours.mjs.
notes=$(cd "$here" && node verify-ours.mjs "$work/text-full.txt" - "$iaca" 2>/dev/null)
if node -e '
  const r = JSON.parse(process.argv[1]);
  process.exit(r.valid && !(r.notes || []).some((n) => n.includes("cannot validate")) ? 0 : 1);
' "$notes"; then
  printf '%s %-20s %s\n' "ok  " "es256-library-chain" "@auth0/mdl validated the ES256 chain itself"
  passed=$((passed + 1))
else
  printf '%s %-20s %s\n' "FAIL" "es256-library-chain" "the ES256 chain was not validated by @auth0/mdl: $notes"
  failed=$((failed + 1))
fi

# Issuers of the other algorithms: the same data, issued, presented and
# verified by both (the library's chain check of an Ed25519 issuer goes
# through the fallback above).
for alg in ES384 EdDSA; do
  "$cli" issuer init --out "$work/issuer-$alg" --name "Interop Test" --country UT --test --alg "$alg" \
    >"$work/issuer-$alg.log" 2>&1 || { cat "$work/issuer-$alg.log" >&2; die "issuer init --alg $alg failed"; }
  (cd "$work" && "$cli" issue --issuer "issuer-$alg" --data person.json --new-device-key \
     --out "cred-$alg.idwcred") >"$work/issue-$alg.log" 2>&1 \
    || { cat "$work/issue-$alg.log" >&2; die "issue with the $alg issuer failed"; }
  "$cli" present "$work/cred-$alg.idwcred" --text >"$work/text-$alg.txt" 2>"$work/present-$alg.err" \
    || { cat "$work/present-$alg.err" >&2; die "present with the $alg issuer failed"; }
  check "text-full-$alg" valid valid "$work/text-$alg.txt" "$work/issuer-$alg/iaca.pem"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
