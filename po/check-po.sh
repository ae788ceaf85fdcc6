#!/bin/sh
# Checks the gettext catalogues of ID Wallet.
#
#   check-po.sh catalogues SOURCE_ROOT   every language in LINGUAS has a .po file that compiles
#                                        (msgfmt --check) and has no fuzzy or untranslated message
#   check-po.sh potfiles SOURCE_ROOT     po/POTFILES names every source file with translatable
#                                        strings, and every file it names exists
#   check-po.sh up-to-date SOURCE_ROOT   the catalogues translate every string the sources have
#                                        now (extracts a template with xgettext, merges each .po)
#
# Needs gettext (msgfmt, xgettext, msgmerge) and grep.
set -u

mode=${1:-}
root=${2:-}
if [ -z "$mode" ] || [ -z "$root" ] || [ ! -d "$root/po" ]; then
  echo "usage: $0 catalogues|potfiles|up-to-date SOURCE_ROOT" >&2
  exit 2
fi
podir=$root/po
status=0

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "FAIL: $1 is not installed (Debian package: gettext)" >&2
    exit 1
  fi
}

languages() {
  sed -e 's/#.*//' "$podir/LINGUAS" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

potfiles() {
  sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' -e '/^$/d' "$podir/POTFILES"
}

# check_stats LABEL PO: msgfmt --check, then fail on fuzzy or untranslated messages.
check_stats() {
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$2" 2>&1)
  rc=$?
  echo "$1: $stats"
  if [ $rc -ne 0 ]; then
    echo "FAIL: $1 does not compile" >&2
    status=1
  elif printf '%s\n' "$stats" | grep -qE 'fuzzy|untranslated'; then
    echo "FAIL: $1 has fuzzy or untranslated messages" >&2
    status=1
  fi
}

case $mode in
catalogues)
  need msgfmt
  for lang in $(languages); do
    if [ ! -f "$podir/$lang.po" ]; then
      echo "FAIL: po/$lang.po is listed in LINGUAS but missing" >&2
      status=1
      continue
    fi
    check_stats "$lang.po" "$podir/$lang.po"
  done
  ;;

potfiles)
  cd "$root" || exit 2
  listed=$(potfiles)
  for f in $listed; do
    if [ ! -f "$f" ]; then
      echo "FAIL: po/POTFILES lists $f, which does not exist" >&2
      status=1
    fi
  done
  # Source files that use gettext, plus the data files that carry translatable text.
  wanted=$( (grep -rlE '(^|[^[:alnum:]_])(N?C?_|g_dngettext|g_dpgettext2?|ngettext)\(|translatable="yes"' src data
             ls data/*.in data/*.gschema.xml data/*.mime.xml 2>/dev/null) | LC_ALL=C sort -u)
  for f in $wanted; do
    if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
      echo "FAIL: $f has translatable strings but is missing from po/POTFILES" >&2
      status=1
    fi
  done
  [ $status -eq 0 ] && echo "po/POTFILES lists all $(printf '%s\n' "$wanted" | wc -l) files with translatable strings"
  ;;

up-to-date)
  need xgettext
  need msgmerge
  need msgfmt
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  # The same options as meson's i18n.gettext(preset: 'glib').
  if ! xgettext --package-name=id-wallet -D "$root" -f "$podir/POTFILES" -o "$tmp/id-wallet.pot" \
      --from-code=UTF-8 --add-comments \
      --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
      --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
      --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
      --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
      --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
      --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
      --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
      --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
      --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format; then
    echo "FAIL: xgettext could not extract the strings" >&2
    exit 1
  fi
  for lang in $(languages); do
    [ -f "$podir/$lang.po" ] || continue
    if ! msgmerge --quiet -o "$tmp/$lang.po" "$podir/$lang.po" "$tmp/id-wallet.pot"; then
      echo "FAIL: msgmerge failed for $lang.po" >&2
      status=1
      continue
    fi
    check_stats "$lang.po merged with the current sources" "$tmp/$lang.po"
    if [ $status -ne 0 ]; then
      echo "Update it: meson compile -C BUILDDIR id-wallet-update-po, then translate the new messages." >&2
    fi
  done
  ;;

*)
  echo "unknown mode: $mode" >&2
  exit 2
  ;;
esac

exit $status
