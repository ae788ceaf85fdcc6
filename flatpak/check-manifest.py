#!/usr/bin/env python3
"""Checks the Flatpak manifest of ID Wallet.

Fails when:
  * the JSON does not parse;
  * the app ID, command, runtime or SDK are not the expected ones, or the runtime
    version is not a GNOME release of 47 or later;
  * finish-args holds anything beyond the allowed sandbox holes (the camera and
    the keyring are reached through portals, so no device or D-Bus access is needed;
    the network is needed for one thing, the issuers' revocation status lists);
  * a module's downloaded source is not pinned: every archive or file source needs
    a sha256 and an https URL, every git source a commit;
  * the last module is not the app itself, built with meson from the source tree.

Usage: check-manifest.py MANIFEST.json
"""

import json
import os
import sys

APP_ID = "io.github.idwallet.IdWallet"
COMMAND = "id-wallet"
ALLOWED_FINISH_ARGS = {
    "--share=ipc",
    # Revocation: the verifier and the wallet fetch issuers' status lists.
    "--share=network",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}
DOWNLOADED = {"archive", "file", "extra-data"}
LOCAL_ONLY = {"dir", "script", "shell", "patch", "inline"}

errors = []


def fail(message):
    errors.append(message)


def load_module(entry, base_dir):
    """A module is an object or the name of a JSON file beside the manifest."""
    if isinstance(entry, str):
        path = os.path.join(base_dir, entry)
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f), os.path.dirname(path)
        except (OSError, ValueError) as e:
            fail(f"module file {entry}: {e}")
            return None, base_dir
    return entry, base_dir


def check_source(module_name, source):
    if isinstance(source, str):
        # A JSON file with more sources; only local files are allowed to be unpinned.
        fail(f"{module_name}: external source file {source!r} is not checked; inline it")
        return
    kind = source.get("type")
    where = f"{module_name}: {kind} source"
    if kind in DOWNLOADED:
        if "url" in source or kind == "extra-data":
            url = source.get("url", "")
            if not url.startswith("https://"):
                fail(f"{where} {url!r} is not fetched over https")
            sha = source.get("sha256", "")
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                fail(f"{where} {url!r} has no valid sha256")
        elif "path" not in source:
            fail(f"{where} has neither url nor path")
    elif kind == "git":
        if "path" in source and "url" not in source:
            return
        commit = source.get("commit", "")
        if len(commit) != 40 or any(c not in "0123456789abcdef" for c in commit):
            fail(f"{where} {source.get('url')!r} is not pinned to a commit")
        if not source.get("url", "").startswith("https://"):
            fail(f"{where} {source.get('url')!r} is not fetched over https")
    elif kind in ("bzr", "svn"):
        if not source.get("revision"):
            fail(f"{where} is not pinned to a revision")
    elif kind not in LOCAL_ONLY:
        fail(f"{where}: unknown source type")


def walk_modules(modules, base_dir, out):
    for entry in modules:
        module, mod_dir = load_module(entry, base_dir)
        if module is None:
            continue
        name = module.get("name", "<unnamed>")
        out.append(module)
        sources = module.get("sources")
        if not sources:
            fail(f"{name}: module has no sources")
        for source in sources or []:
            check_source(name, source)
        walk_modules(module.get("modules", []), mod_dir, out)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: {path}: {e}", file=sys.stderr)
        return 1

    app_id = manifest.get("id", manifest.get("app-id"))
    if app_id != APP_ID:
        fail(f"app ID is {app_id!r}, expected {APP_ID!r}")
    if os.path.basename(path) != APP_ID + ".json":
        fail(f"manifest file is {os.path.basename(path)!r}, expected {APP_ID}.json")
    if manifest.get("command") != COMMAND:
        fail(f"command is {manifest.get('command')!r}, expected {COMMAND!r}")
    if manifest.get("runtime") != "org.gnome.Platform":
        fail(f"runtime is {manifest.get('runtime')!r}, expected 'org.gnome.Platform'")
    if manifest.get("sdk") != "org.gnome.Sdk":
        fail(f"sdk is {manifest.get('sdk')!r}, expected 'org.gnome.Sdk'")
    version = str(manifest.get("runtime-version", ""))
    if not version.isdigit() or int(version) < 47:
        fail(f"runtime-version {version!r} is not a GNOME release >= 47")

    finish_args = manifest.get("finish-args", [])
    for arg in finish_args:
        if arg not in ALLOWED_FINISH_ARGS:
            fail(f"finish-args: {arg!r} is not allowed (only {sorted(ALLOWED_FINISH_ARGS)})")
    if len(set(finish_args)) != len(finish_args):
        fail("finish-args lists an argument twice")

    modules = []
    walk_modules(manifest.get("modules", []), os.path.dirname(os.path.abspath(path)), modules)
    top = manifest.get("modules", [])
    app = top[-1] if top and isinstance(top[-1], dict) else None
    if app is None:
        fail("the last module is not an inline module for the app")
    else:
        if app.get("buildsystem") != "meson":
            fail(f"app module {app.get('name')!r} is not built with meson")
        if {"type": "dir", "path": ".."} not in app.get("sources", []):
            fail(f"app module {app.get('name')!r} does not build the source tree (dir '..')")

    for e in errors:
        print(f"FAIL: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"{path}: {len(modules)} modules, every download pinned, "
          f"finish-args {', '.join(finish_args)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
