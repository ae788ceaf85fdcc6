#!/usr/bin/python3
# What a screen reader gets, read from outside through AT-SPI: the real app
# on a demo profile, walked view by view with the keyboard (xdotool) and
# AT-SPI actions. In every view, every interactive element that is showing
# has a real name (not empty, not a GTK type name), and after a
# verification the focused element is the verdict, with the reason in its
# description.
#
#   test-a11y.py SOURCE_ROOT BUILD_ROOT
#
# Needs DISPLAY (Xvfb), a session bus with an unlocked keyring (build-aux/dev
# test gives both), at-spi2-core, python3-pyatspi, xdotool and xclip. Speaks
# TAP.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

src, build = sys.argv[1], sys.argv[2]
cli = os.path.join(build, 'src', 'cli', 'id-wallet-cli')
app_bin = os.path.join(build, 'src', 'app', 'id-wallet')

# The app must talk to the accessibility bus, which the other UI tests turn off.
os.environ.pop('NO_AT_BRIDGE', None)
os.environ.pop('GTK_A11Y', None)
# The app keeps the tests' G_DEBUG (fatal-warnings); this process does not
# need it.
APP_G_DEBUG = os.environ.get('G_DEBUG', '')
os.environ['G_DEBUG'] = 'gc-friendly'

try:
    import pyatspi  # noqa: E402 (after the environment is set)
except ImportError:
    # Debian's python3-pyatspi is for Debian's python3.
    if sys.executable != '/usr/bin/python3' and os.path.exists('/usr/bin/python3'):
        os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
    raise

INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_MENU_ITEM, pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM, pyatspi.ROLE_LINK, pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_LIST,
    pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_PAGE_TAB,
}
if hasattr(pyatspi, 'ROLE_SWITCH'):
    INTERACTIVE.add(pyatspi.ROLE_SWITCH)
# GTK 4.8's fallback names: the widget's type name, alone or as a prefix
# ("GtkImage Back").
TYPE_NAME = re.compile(r'^(Gtk|Adw|Idw)[A-Z]\w*(\s|$)')

results = []
failures_by_view = {}


def tap(ok, what, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), what))
    if not ok and detail:
        for line in detail.splitlines():
            print('# ' + line)
    sys.stdout.flush()


def run(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def find_app(name='id-wallet', timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for a in desktop:
            if a is not None and a.name == name:
                return a
        time.sleep(0.3)
    raise RuntimeError('the app never appeared on the accessibility bus')


def walk(acc, path=()):
    try:
        state = acc.getState()
    except Exception:
        return
    # GTK 4.8 sets "showing" only on windows (and warns, fatally under the
    # tests' G_DEBUG, when asked for screen coordinates): "visible" prunes hidden
    # widgets, on_screen() below the pages a stack is not showing.
    if not state.contains(pyatspi.STATE_VISIBLE) and acc.getRole() != pyatspi.ROLE_APPLICATION:
        return
    yield acc, path
    for i in range(acc.childCount):
        c = acc.getChildAtIndex(i)
        if c is not None:
            step = acc.getRoleName() + (' "%s"' % acc.name if acc.name and not TYPE_NAME.match(acc.name) else '')
            yield from walk(c, path + (step,))


def on_screen(acc):
    try:
        e = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    except Exception:
        return False
    return e.width > 0 and e.height > 0


def bad_name(name):
    """Why NAME is no real name, or None."""
    name = (name or '').strip()
    if not name:
        return 'no name'
    if TYPE_NAME.match(name):
        return 'a type name'
    if re.search(r'(^|\s)_\w', name):
        return 'a mnemonic underscore'
    words = name.split()
    if len(words) % 2 == 0 and words and words[:len(words) // 2] == words[len(words) // 2:]:
        return 'the name twice'
    return None


def describe(acc):
    return '%s "%s" (description "%s")' % (acc.getRoleName(), acc.name, acc.description)


def interactive(acc):
    role = acc.getRole()
    if role not in INTERACTIVE or not on_screen(acc):
        return False
    if role == pyatspi.ROLE_LIST_ITEM:
        # Only rows a person can activate; rows that only hold text are read with their list.
        st = acc.getState()
        return st.contains(pyatspi.STATE_FOCUSABLE)
    return True


def unnamed(app):
    bad = []
    for acc, path in walk(app):
        if not interactive(acc):
            continue
        name = (acc.name or '').strip()
        if os.environ.get('IDW_A11Y_DUMP'):
            print('#   ' + describe(acc))
        why = bad_name(name)
        if why:
            bad.append('%s: %s, in %s' % (describe(acc), why, ' > '.join(path[-4:])))
    return bad


def check_view(app, view):
    time.sleep(1.0)
    bad = unnamed(app)
    tap(not bad, 'every interactive element of %s has a real name' % view, '\n'.join(bad))
    if bad:
        failures_by_view[view] = bad
        if os.environ.get('IDW_A11Y_TREE'):
            for acc, path in walk(app):
                st = acc.getState()
                print('#T %s%s%s%s' % ('  ' * len(path), describe(acc),
                                       ' focusable' if st.contains(pyatspi.STATE_FOCUSABLE) else '',
                                       ' FOCUSED' if st.contains(pyatspi.STATE_FOCUSED) else ''))


def focused(app):
    for acc, _ in walk(app):
        if acc.getState().contains(pyatspi.STATE_FOCUSED):
            return acc
    return None


def click(app, name, role=pyatspi.ROLE_PUSH_BUTTON, timeout=5):
    end = time.time() + timeout
    while time.time() < end:
        for acc, _ in walk(app):
            if acc.getRole() == role and acc.name == name and on_screen(acc):
                action = acc.queryAction()
                action.doAction(0)
                return
        time.sleep(0.3)
    raise RuntimeError('no %s named "%s"' % (role, name))


def key(*keys):
    win = run('xdotool', 'search', '--sync', '--onlyvisible', '--name', '^ID Wallet$').split()[0]
    run('xdotool', 'windowfocus', '--sync', win)
    for k in keys:
        run('xdotool', 'key', '--clearmodifiers', k)
        time.sleep(0.3)


def key_focused_window(*keys):
    for k in keys:
        run('xdotool', 'key', '--clearmodifiers', k)
        time.sleep(0.3)


def fresh_profile(root):
    env = dict(os.environ)
    env['G_DEBUG'] = APP_G_DEBUG
    env['HOME'] = os.path.join(root, 'home')
    env['XDG_DATA_HOME'] = os.path.join(root, 'home', '.local', 'share')
    env['XDG_CONFIG_HOME'] = os.path.join(root, 'home', '.config')
    env['XDG_CACHE_HOME'] = os.path.join(root, 'home', '.cache')
    for d in ('XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME'):
        os.makedirs(env[d], exist_ok=True)
    return env


def start_app(env):
    p = subprocess.Popen([app_bin], env=env, cwd=env['HOME'], stdout=subprocess.DEVNULL)
    time.sleep(2)
    return p, find_app()


def stop_app(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def verdict_check(app, text, expected, what, said):
    # xclip stays behind to serve the clipboard: it must not hold meson's pipes.
    subprocess.Popen(['xclip', '-selection', 'clipboard', '-i'], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, text=True).communicate(text)
    key('alt+2')
    time.sleep(0.5)
    key('Tab', 'ctrl+v')
    name = desc = ''
    end = time.time() + 15
    acc = None
    while time.time() < end:
        acc = focused(app)
        if acc is not None and acc.name == expected:
            break
        time.sleep(0.5)
    if os.environ.get('IDW_A11Y_SHOTS'):
        subprocess.run(['import', '-window', 'root', os.path.join(os.environ['IDW_A11Y_SHOTS'], expected + '.png')])
    if acc is not None:
        name, desc = acc.name, acc.description
        # What a screen reader says as the focus enters: the names of the
        # containers around the focused element, none of them a type name.
        typed = []
        parent = acc.parent
        while parent is not None and parent.getRole() != pyatspi.ROLE_APPLICATION:
            # Orca passes fillers by; it says panels, lists, headings.
            if parent.getRole() != pyatspi.ROLE_FILLER and parent.name and TYPE_NAME.match(parent.name):
                typed.append(describe(parent))
            parent = parent.parent
        tap(not typed, 'around the verdict of %s, no container is called by a type name' % what, '\n'.join(typed))
    print('# focused after verifying %s: %s' % (what, describe(acc) if acc is not None else 'nothing'))
    tap(name == expected and all(s in desc for s in said),
        'after verifying %s, the focused element is "%s" with the reason in its description' % (what, expected),
        'focused: %s; on screen: %s' % (describe(acc) if acc is not None else 'nothing',
                                        ', '.join(describe(a) for a, _ in walk(app) if a.name == expected) or 'no verdict'))
    check_view(app, 'the verdict (%s)' % what)
    # Tab leaves the headline for the details; Shift+Tab comes back to it.
    key('Tab')
    after_tab = focused(app)
    print('# Tab from the verdict of %s: %s' % (what, describe(after_tab) if after_tab else 'nothing'))
    if os.environ.get('IDW_A11Y_TREE'):
        for a, pth in walk(app):
            if a.getState().contains(pyatspi.STATE_FOCUSED):
                print('#F %s in %s' % (describe(a), ' > '.join(pth[-5:])))
    key('shift+Tab')
    back = focused(app)
    tap(after_tab is not None and after_tab.name != expected and back is not None and back.name == expected,
        'Tab leaves the verdict of %s, Shift+Tab comes back to it' % what,
        'after Tab: %s; after Shift+Tab: %s' % (describe(after_tab) if after_tab else 'nothing',
                                                describe(back) if back else 'nothing'))


def main():
    root = tempfile.mkdtemp(prefix='id-wallet-a11y.')
    try:
        # An empty wallet, with no camera, then with one.
        env = fresh_profile(os.path.join(root, 'empty'))
        env.pop('IDW_CAMERA_PIPELINE', None)
        p, app = start_app(env)
        try:
            check_view(app, 'the empty wallet')
            key('alt+2')
            check_view(app, 'the Verify view without a camera')
        finally:
            stop_app(p)
        env['IDW_CAMERA_PIPELINE'] = 'videotestsrc is-live=true ! video/x-raw,width=640,height=480 ! videoconvert'
        p, app = start_app(env)
        try:
            key('alt+2')
            check_view(app, 'the Verify view with a camera')
        finally:
            stop_app(p)

        # The demo profile: a trusted test issuer and two IDs.
        demo_root = os.path.join(root, 'demo')
        env = fresh_profile(demo_root)
        env.pop('IDW_CAMERA_PIPELINE', None)
        subprocess.run([os.path.join(src, 'build-aux', 'make-demo-profile'), build, demo_root],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        ids = [line.split('\t')[0] for line in run(cli, 'list', env=env).splitlines() if line]
        valid = run(cli, 'present', ids[0], '--preset', 'age-over-18', '--text', env=env).strip()
        # Not valid: an ID from an issuer this profile does not trust.
        run(cli, 'issuer', 'init', '--out', os.path.join(demo_root, 'other'), '--name', 'Other', '--country', 'CN',
            '--test', env=env)
        run(cli, 'issue', '--issuer', os.path.join(demo_root, 'other'), '--data',
            os.path.join(demo_root, 'demo', 'zhang-wei.json'), '--new-device-key', '--out',
            os.path.join(demo_root, 'other.idwcred'), env=env)
        invalid = run(cli, 'present', os.path.join(demo_root, 'other.idwcred'), '--preset', 'age-over-18', '--text',
                      env=env).strip()

        p, app = start_app(env)
        try:
            check_view(app, 'the wallet list')
            rows = [a for a, _ in walk(app) if a.getRole() == pyatspi.ROLE_LIST_ITEM and interactive(a)]
            tap(rows and all('Test issuer' in a.description for a in rows),
                'each wallet row from a test issuer says so in its description',
                '\n'.join(describe(a) for a in rows))
            # Open the first ID: its row is the first activatable list item.
            for acc, _ in walk(app):
                if acc.getRole() == pyatspi.ROLE_LIST_ITEM and acc.getState().contains(pyatspi.STATE_FOCUSABLE):
                    e = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
                    win = run('xdotool', 'search', '--onlyvisible', '--name', '^ID Wallet$').split()[0]
                    run('xdotool', 'mousemove', '--window', win, str(e.x + e.width // 2), str(e.y + e.height // 2),
                        'click', '1')
                    break
            check_view(app, 'the card page')
            key_focused_window('Return')
            check_view(app, 'the Present page')
            key_focused_window('alt+s')
            check_view(app, 'the QR view')
            # A toast reaches a screen reader as the focused element's
            # description (GTK 4.8 has no announcements).
            before = focused(app)
            click(app, 'Copy as Text')
            time.sleep(1)
            after = focused(app)
            tap(after is not None and after.description == 'Copied',
                'a toast ("Copied") is said as the focused element\'s new description',
                'focused before: %s; after: %s' % (describe(before) if before else 'nothing',
                                                   describe(after) if after else 'nothing'))
            check_view(app, 'the QR view with a toast')
            key('alt+Left', 'alt+Left', 'alt+Left')
            verdict_check(app, valid, 'Valid ID', 'a valid presentation',
                          ['Test issuer — not a real ID.', 'This person is 18 or older.'])
            key('alt+2')
            verdict_check(app, invalid, 'Not Valid', 'a presentation from an untrusted issuer',
                          ['The issuer of this ID is not one you trust.', 'Test issuer — not a real ID.'])
            key('ctrl+comma')
            time.sleep(1)
            check_view(app, 'Preferences')
            try:
                click(app, 'Trusted Issuers', pyatspi.ROLE_PAGE_TAB)
            except RuntimeError:
                key_focused_window('ctrl+Page_Down')
            check_view(app, 'Trusted Issuers')
            removes = [a for a, _ in walk(app)
                       if a.getRole() == pyatspi.ROLE_PUSH_BUTTON and a.name.startswith('Remove') and interactive(a)]
            tap(removes and all(a.name.startswith('Remove ') and len(a.name) > len('Remove ') for a in removes),
                'each trusted issuer\'s Remove button says which issuer it removes',
                '\n'.join(describe(a) for a in removes) or 'no Remove button')
            rows = [a for a, _ in walk(app) if a.getRole() == pyatspi.ROLE_LIST_ITEM and on_screen(a)
                    and any(r.name.startswith('Remove') for r, _ in walk(a))]
            tap(rows and not any(re.search(r'[0-9A-Fa-f]{64}', a.description or '') for a in rows)
                and all('Test issuer' in a.description or 'test issuer' in a.description for a in rows),
                'trusted issuers\' rows are described without the 64-digit fingerprint, and say they are test issuers',
                '\n'.join(describe(a) for a in rows) or 'no issuer row')
            # The History window (Ctrl+H): the QR code shown and the text
            # copied above are in it; each entry's delete button is named.
            key_focused_window('Escape')
            key('ctrl+h')
            time.sleep(1)
            check_view(app, 'the History window')
            deletes = [a for a, _ in walk(app)
                       if a.getRole() == pyatspi.ROLE_PUSH_BUTTON and a.name == 'Delete Entry' and on_screen(a)]
            tap(len(deletes) >= 2 and all(a.description for a in deletes),
                'each history entry\'s delete button is named and says which entry it deletes',
                '\n'.join(describe(a) for a in deletes) or 'no delete button')
        finally:
            stop_app(p)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print('1..%d' % len(results))
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
