#!/bin/sh
# The app, the CLI and the benchmarks give what people hand them to the
# engine's pipeline (IdwInput, IdwVerifier): none of them may sniff input,
# read QR codes or open transports and envelopes on its own (issue: one
# verification pipeline). The one exception is the decoder benchmark, which
# compares the engine's decoders one by one through idw_qr_decoder_read_gray()
# (a name this pattern does not match).
# Usage: check-one-pipeline.sh SOURCE_ROOT
set -u
root=${1:?usage: check-one-pipeline.sh SOURCE_ROOT}
pattern='idw_qr_decode_[a-z]*|idw_transport_(detect|unwrap)|idw_envelope_parse|idw_inflate|idw_base45_decode|idw_cbor_decode[a-z_]* *\(.*(envelope|response)|looks_like_(credential|image|picture)|detect_input'
found=$(grep -rnE "$pattern" "$root/src/app" "$root/src/cli" "$root/bench" --include='*.c' --include='*.h')
if [ -n "$found" ]; then
  echo "Outside the engine's pipeline:" >&2
  echo "$found" >&2
  exit 1
fi
echo "The app, the CLI and the benchmarks read input only through the engine's pipeline."
