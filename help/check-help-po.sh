#!/bin/sh
# Checks the translations of the user help.
#
#   check-help-po.sh HELP_DIR   every language in HELP_DIR/LINGUAS has HELP_DIR/LANG/LANG.po,
#                               which compiles and translates every message the pages in
#                               HELP_DIR/C have now (extracts a template with itstool, as
#                               `meson compile help-id-wallet-pot` does, and merges the .po),
#                               and whose translations itstool can put into the pages (one
#                               that is not well-formed Mallard is left in English)
#
# Needs itstool and gettext (msgmerge, msgfmt).
set -u

help=${1:-}
if [ -z "$help" ] || [ ! -f "$help/LINGUAS" ]; then
  echo "usage: $0 HELP_DIR" >&2
  exit 2
fi
for tool in itstool:itstool msgmerge:gettext msgfmt:gettext; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    echo "FAIL: ${tool%%:*} is not installed (Debian package: ${tool#*:})" >&2
    exit 1
  fi
done

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0

# The pages and included files the help is made of, as help/meson.build lists them.
sources=$(cd "$help/C" && ls ./*.page ./*.xml 2>/dev/null)
if ! (cd "$help/C" && itstool -o "$tmp/help.pot" $sources); then
  echo "FAIL: itstool could not extract the messages of the help" >&2
  exit 1
fi

for lang in $(sed -e 's/#.*//' "$help/LINGUAS"); do
  po=$help/$lang/$lang.po
  if [ ! -f "$po" ]; then
    echo "FAIL: help/$lang/$lang.po is listed in help/LINGUAS but missing" >&2
    status=1
    continue
  fi
  if ! msgmerge --quiet -o "$tmp/$lang.po" "$po" "$tmp/help.pot"; then
    echo "FAIL: msgmerge failed for help/$lang/$lang.po" >&2
    status=1
    continue
  fi
  stats=$(LC_ALL=C msgfmt --check --statistics -o "$tmp/$lang.mo" "$tmp/$lang.po" 2>&1)
  rc=$?
  echo "help/$lang/$lang.po merged with the current pages: $stats"
  if [ $rc -ne 0 ]; then
    echo "FAIL: help/$lang/$lang.po does not compile" >&2
    status=1
  elif printf '%s\n' "$stats" | grep -qE 'fuzzy|untranslated'; then
    echo "FAIL: help/$lang/$lang.po has fuzzy or untranslated messages." >&2
    echo "Update it: meson compile -C BUILDDIR help-id-wallet-update-po, then translate the new messages." >&2
    status=1
  else
    mkdir -p "$tmp/$lang"
    warnings=$(cd "$help/C" && itstool -m "$tmp/$lang.mo" -o "$tmp/$lang" $sources 2>&1)
    if [ -n "$warnings" ]; then
      echo "$warnings" >&2
      echo "FAIL: itstool could not put every translation of help/$lang/$lang.po into the pages" >&2
      status=1
    fi
  fi
done

exit $status
