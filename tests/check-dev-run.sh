#!/bin/sh
# `build-aux/dev run` as a Chinese user starts it, checked from outside:
#
#   check-dev-run.sh SOURCE_ROOT BUILD_ROOT LOCPATH
#
# Starts `LANGUAGE=zh_CN LANG=zh_CN.UTF-8 build-aux/dev run` (the zh_CN.UTF-8
# locale from LOCPATH) on the display it is given, then checks that the
# window is titled "证件钱包", that the app runs as an installed app does
# (the binary installed into the demo profile, started from the profile's
# home, reading the installed catalogue and the zh_CN locale), and that the
# Chinese help, the compiled GSettings schema, the icon and the desktop file
# are where XDG_DATA_DIRS points. The dates of that interface are checked by
# test-ui-zh_CN. Needs a display (build-aux/dev test provides Xvfb) and
# xdotool.
set -u

src=${1:?usage: check-dev-run.sh SOURCE_ROOT BUILD_ROOT LOCPATH}
build=${2:?}
locpath=${3:?}
status=0

fail () {
  echo "FAIL: $*" >&2
  status=1
}

if [ -z "${DISPLAY:-}" ]; then
  echo "FAIL: no display (run it through build-aux/dev test)" >&2
  exit 1
fi
if ! command -v xdotool >/dev/null 2>&1; then
  echo "FAIL: xdotool is not installed (Debian package: xdotool)" >&2
  exit 1
fi

log=$(mktemp) || exit 2
# A session of its own, so that everything `dev run` starts can be ended.
LOCPATH=$locpath LANGUAGE=zh_CN LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 IDW_BUILDDIR=$build \
  setsid "$src/build-aux/dev" run >"$log" 2>&1 &
session=$!

stop () {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null
  sleep 1
  kill -- "-$session" 2>/dev/null
  wait "$session" 2>/dev/null
}

wid=$(timeout 120 xdotool search --sync --name '^证件钱包$' 2>/dev/null | head -n 1)
if [ -z "$wid" ]; then
  fail "no window titled 证件钱包 within 120 s; build-aux/dev run said:"
  cat "$log" >&2
  stop
  rm -f "$log"
  exit 1
fi
echo "window $wid: $(xdotool getwindowname "$wid")"

app_pid=$(xdotool getwindowpid "$wid")
env_of () {
  tr '\0' '\n' <"/proc/$app_pid/environ" | sed -n "s/^$1=//p"
}
home=$(env_of HOME)
root=${home%/home}
exe=$(readlink "/proc/$app_pid/exe")
cwd=$(readlink "/proc/$app_pid/cwd")
data_dirs=$(env_of XDG_DATA_DIRS)
share=$(dirname "$(dirname "$exe")")/share
echo "app $app_pid: $exe, in $cwd; XDG_DATA_DIRS=$data_dirs"

case $exe in
  "$root/install/"*/bin/id-wallet) ;;
  *) fail "the app is $exe, not the one installed into the profile $root/install" ;;
esac
[ "$cwd" = "$home" ] || fail "the app runs in $cwd, not in the profile's home $home"
case $data_dirs in
  "$share":*) ;;
  *) fail "XDG_DATA_DIRS does not start with the installed share $share" ;;
esac
[ -z "$(env_of GSETTINGS_SCHEMA_DIR)" ] || fail "GSETTINGS_SCHEMA_DIR is set: the installed schema is not what the app reads"

# What the app has open: the installed catalogue and the locale's dates.
grep -q "$share/locale/zh_CN/LC_MESSAGES/id-wallet.mo" "/proc/$app_pid/maps" \
  || fail "the app did not load the installed catalogue $share/locale/zh_CN/LC_MESSAGES/id-wallet.mo"
grep -q "$locpath/zh_CN.UTF-8/LC_TIME" "/proc/$app_pid/maps" \
  || fail "the app does not use the zh_CN.UTF-8 locale's LC_TIME"

# What yelp, GSettings, the icon theme and the desktop find through XDG_DATA_DIRS.
grep -q '证件钱包帮助' "$share/help/zh_CN/id-wallet/index.page" \
  || fail "no Chinese help at $share/help/zh_CN/id-wallet/index.page"
[ -f "$share/help/C/id-wallet/index.page" ] || fail "no help at $share/help/C/id-wallet"
[ -f "$share/glib-2.0/schemas/gschemas.compiled" ] || fail "no compiled schema in $share/glib-2.0/schemas"
[ -f "$share/icons/hicolor/scalable/apps/io.github.idwallet.IdWallet.svg" ] || fail "no icon in $share/icons"
[ -f "$share/applications/io.github.idwallet.IdWallet.desktop" ] || fail "no desktop file in $share/applications"

stop
rm -f "$log"
[ $status -eq 0 ] && echo "build-aux/dev run: 证件钱包, installed into $root/install, started in $home"
exit $status
