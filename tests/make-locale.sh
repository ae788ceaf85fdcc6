#!/bin/sh
# Compiles a locale into a folder of the build, for tests that need one the
# machine may not have generated (a fresh Debian has only C.UTF-8):
#
#   make-locale.sh DIR LOCALE CHARSET STAMP   DIR/LOCALE.CHARSET, then touches STAMP
#
# Use it with LOCPATH=DIR. Needs localedef (libc-bin) and the locale sources
# (Debian package: locales).
set -u

dir=${1:?usage: make-locale.sh DIR LOCALE CHARSET STAMP}
locale=${2:?}
charset=${3:?}
stamp=${4:?}

if [ ! -f "/usr/share/i18n/locales/$locale" ]; then
  echo "make-locale.sh: no sources for $locale (Debian package: locales)" >&2
  exit 1
fi
mkdir -p "$dir"
# localedef exits 1 for mere warnings about the sources; the compiled
# locale is what counts.
localedef -i "$locale" -f "$charset" "$dir/$locale.$charset" || true
if [ ! -f "$dir/$locale.$charset/LC_CTYPE" ]; then
  echo "make-locale.sh: localedef did not make $dir/$locale.$charset" >&2
  exit 1
fi
touch "$stamp"
