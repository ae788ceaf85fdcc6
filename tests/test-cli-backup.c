/* test-cli-backup.c: `id-wallet-cli backup` and `restore` with the real
 * keyring: the acceptance of issue 16 (a backup restored into a fresh
 * profile with a fresh keyring presents a valid ID; a wrong passphrase or
 * a changed byte leaves it empty), a restore killed with SIGKILL at every
 * step, TPM-bound keys, usage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The source wallet uses the session's keyring (build-aux/dev test starts
 * it); each fresh profile gets a keyring of its own: a private D-Bus
 * daemon with its own gnome-keyring-daemon, in a home of its own, stopped
 * by their process ids at the end. Argon2id runs at its test setting
 * (IDW_BACKUP_TEST_KDF=fast); the settings use GLib's keyfile backend,
 * with the schema of this build.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-test-util.h"
#include "tpm-test-util.h"

#define PASSWORD "id-wallet-test-password"

static char *person;

/* ---- A profile: data, config, and maybe a keyring of its own ---------- */

typedef struct
{
  char        *home;
  char        *data;
  char        *config;
  GSubprocess *bus;
  GSubprocess *keyring;
  char        *address;
} Profile;

static void
profile_free (Profile *p)
{
  /* Only the processes this test started, by their ids. */
  if (p->keyring != NULL)
    {
      g_subprocess_force_exit (p->keyring);
      g_subprocess_wait (p->keyring, NULL, NULL);
    }
  if (p->bus != NULL)
    {
      g_subprocess_force_exit (p->bus);
      g_subprocess_wait (p->bus, NULL, NULL);
    }
  g_clear_object (&p->keyring);
  g_clear_object (&p->bus);
  g_free (p->home);
  g_free (p->data);
  g_free (p->config);
  g_free (p->address);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Profile, profile_free)

static Profile *
profile_new (const char *name)
{
  Profile *p = g_new0 (Profile, 1);

  p->home = tmp_path (name);
  p->data = g_build_filename (p->home, "data", NULL);
  p->config = g_build_filename (p->home, "config", NULL);
  g_assert_cmpint (g_mkdir_with_parents (p->data, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (p->config, 0700), ==, 0);
  return p;
}

/* A D-Bus session of the profile's own with an unlocked gnome-keyring. */
static void
profile_start_keyring (Profile *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autofree char *runtime = g_build_filename (p->home, "run", NULL);
  g_autofree char *keyring_home = g_build_filename (p->home, "keyring-home", NULL);
  g_autoptr(GBytes) password = g_bytes_new_static (PASSWORD, strlen (PASSWORD));
  gboolean owned = FALSE;

  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (keyring_home, 0700), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  p->bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                        "--nopidfile", "--print-address=1", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->bus));
  p->address = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p->address);

  g_clear_object (&launcher);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", p->address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", keyring_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", keyring_home, TRUE);
  p->keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                            "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  g_output_stream_write_bytes (g_subprocess_get_stdin_pipe (p->keyring), password, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (p->keyring), NULL, NULL);

  /* Ready when the Secret Service has its name on the bus. */
  connection = g_dbus_connection_new_for_address_sync (p->address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                       | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 200 && !owned; i++)
    {
      g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                                               "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                                               "NameHasOwner",
                                                               g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                               G_VARIANT_TYPE ("(b)"), 0, -1, NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(b)", &owned);
      if (!owned)
        g_usleep (50 * 1000);
    }
  g_assert_true (owned);
}

/* No controlling terminal: a prompt must fail, never wait. */
static void
new_session (gpointer user_data)
{
  setsid ();
}

typedef struct
{
  int   status;     /* exit status, or -1 when killed */
  int   signal;     /* the signal that killed it, or 0 */
  char *out;
  char *err;
} Result;

static void
result_free (Result *r)
{
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

/* Runs the CLI in @p (its data, its config, its keyring when it has
 * one), with "NAME=VALUE" pairs of @env on top. */
static Result *
run_in (Profile             *p,
        const char * const  *env,
        const char          *first,
        ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) command = g_string_new (NULL);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  Result *r = g_new0 (Result, 1);
  va_list ap;

  g_ptr_array_add (args, (gpointer) cli_path ());
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  for (guint i = 0; args->pdata[i] != NULL; i++)
    g_string_append_printf (command, " %s", (const char *) args->pdata[i]);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, new_session, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", p->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", p->config, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "IDW_BACKUP_TEST_KDF", "fast", TRUE);
  if (p->address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", p->address, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, empty, NULL, &out, &err, &error);
  g_assert_no_error (error);
  r->out = bytes_to_string (out);
  r->err = bytes_to_string (err);
  if (g_subprocess_get_if_exited (process))
    {
      r->status = g_subprocess_get_exit_status (process);
      g_assert_null (strstr (r->err, "CRITICAL"));
      g_assert_null (strstr (r->err, "WARNING"));
      g_assert_null (strstr (r->err, "Sanitizer"));
    }
  else
    {
      r->status = -1;
      r->signal = g_subprocess_get_term_sig (process);
    }
  g_test_message ("$%s\nexit %d (signal %d)\nstdout: %s\nstderr: %s", command->str, r->status, r->signal,
                  r->out, r->err);
  return r;
}

static char *
write_passphrase (const char *name,
                  const char *text)
{
  return write_tmp (name, text, -1);
}

/* The credentials `list` shows in @p (one line each). */
static guint
count_credentials (Profile *p)
{
  g_autoptr(Result) list = run_in (p, NULL, "list", NULL);

  g_assert_cmpint (list->status, ==, 0);
  return count_lines (list->out);
}

static guint
count_anchors (Profile *p)
{
  g_autoptr(Result) list = run_in (p, NULL, "trust", "list", NULL);

  g_assert_cmpint (list->status, ==, 0);
  return count_lines (list->out);
}

/* refresh-interval as the keyfile backend keeps it, 0 when unset. */
static guint
refresh_interval (Profile *p)
{
  g_autofree char *path = g_build_filename (p->config, "glib-2.0", "settings", "keyfile", NULL);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *value = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL))
    return 0;
  value = g_key_file_get_value (keyfile, "io/github/idwallet/IdWallet", "refresh-interval", NULL);
  if (value == NULL)
    return 0;
  return (guint) g_ascii_strtoull (g_str_has_prefix (value, "uint32 ") ? value + 7 : value, NULL, 10);
}

static void
set_refresh_interval (Profile *p,
                      guint    seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (p->config, "glib-2.0", "settings", NULL);
  g_autofree char *path = g_build_filename (dir, "keyfile", NULL);
  g_autofree char *contents = g_strdup_printf ("[io/github/idwallet/IdWallet]\nrefresh-interval=uint32 %u\n",
                                               seconds);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* Nothing of the wallet in @p: no folder with a credential in it. */
static void
assert_empty (Profile *p)
{
  g_autofree char *folder = g_build_filename (p->data, "id-wallet", "credentials", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);

  g_assert_true (dir == NULL || g_dir_read_name (dir) == NULL);
}

/* Nothing a restore leaves beside the wallet's folder. */
static void
assert_no_leftovers (Profile *p)
{
  g_autoptr(GDir) dir = g_dir_open (p->data, 0, NULL);
  g_autofree char *journal = g_build_filename (p->data, "id-wallet", ".restore-journal", NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (g_str_has_prefix (name, ".id-wallet.restore-"));
      g_assert_false (g_str_has_prefix (name, ".id-wallet.old-"));
    }
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

/* Issues a credential with its device key and imports it into @p;
 * returns its wallet ID. */
static char *
import_new (Profile    *p,
            const char *name)
{
  static guint serial;
  g_autofree char *file_name = g_strdup_printf ("issued-%u.idwcred", serial++);
  g_autofree char *path = tmp_path (file_name);
  g_autoptr(Result) issue = NULL;
  g_autoptr(Result) import = NULL;

  issue = run_in (p, NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                  "--out", path, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  import = run_in (p, NULL, "import", "--name", name, path, NULL);
  g_assert_cmpint (import->status, ==, 0);
  return g_strstrip (g_strdup (import->out));
}

static void
ensure_person (void)
{
  ensure_credential ();
  if (person == NULL)
    person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
}

/* ---- The acceptance ------------------------------------------------------ */

static void
test_fresh_keyring (void)
{
  g_autoptr(Profile) source = profile_new ("source");
  g_autoptr(Profile) fresh = profile_new ("fresh");
  g_autofree char *pass = write_passphrase ("pass", "Tr0ub4dor & 3 horses\n");
  g_autofree char *wrong = write_passphrase ("wrong", "Tr0ub4dor & 3 horse\n");
  g_autofree char *backup = tmp_path ("wallet.idwbackup");
  g_autofree char *flipped = tmp_path ("flipped.idwbackup");
  g_autofree char *cut = tmp_path ("cut.idwbackup");
  g_autofree char *id = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  ensure_person ();
  id = import_new (source, "Erika's licence");
  {
    g_autoptr(Result) trust = run_in (source, NULL, "trust", "add", iaca_pem, NULL);

    g_assert_cmpint (trust->status, ==, 0);
  }
  set_refresh_interval (source, 45);

  {
    g_autoptr(Result) made = run_in (source, NULL, "backup", "--out", backup, "--passphrase-file", pass, NULL);
    g_autoptr(Result) again = NULL;

    g_assert_cmpint (made->status, ==, 0);
    g_assert_nonnull (strstr (made->out, "Backed up 1 ID, 1 trusted issuer"));
    g_assert_nonnull (strstr (made->err, "cannot be opened"));
    /* Never over an existing file. */
    again = run_in (source, NULL, "backup", "--out", backup, "--passphrase-file", pass, NULL);
    g_assert_cmpint (again->status, ==, 2);
    g_assert_nonnull (strstr (again->err, "exists already"));
  }

  /* A fresh profile with a fresh keyring. */
  profile_start_keyring (fresh);

  /* A wrong passphrase, a changed byte and a cut-short file: a clear
   * error, and the profile stays empty. */
  {
    g_autoptr(Result) r = run_in (fresh, NULL, "restore", backup, "--passphrase-file", wrong, NULL);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "passphrase is not the one"));
    g_assert_nonnull (strstr (r->err, "Nothing was changed."));
    assert_empty (fresh);
  }
  g_assert_true (g_file_get_contents (backup, &contents, &len, NULL));
  contents[len / 2] ^= 0x10;
  g_assert_true (g_file_set_contents (flipped, contents, len, NULL));
  contents[len / 2] ^= 0x10;
  {
    g_autoptr(Result) r = run_in (fresh, NULL, "restore", flipped, "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "altered"));
    assert_empty (fresh);
  }
  g_assert_true (g_file_set_contents (cut, contents, len - 100, NULL));
  {
    g_autoptr(Result) r = run_in (fresh, NULL, "restore", cut, "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "incomplete"));
    assert_empty (fresh);
  }
  g_assert_cmpuint (count_credentials (fresh), ==, 0);
  g_assert_cmpuint (refresh_interval (fresh), ==, 0);

  /* The right one: restored, and it presents a valid ID from the fresh
   * keyring. */
  {
    g_autoptr(Result) r = run_in (fresh, NULL, "restore", backup, "--passphrase-file", pass, NULL);
    g_autoptr(Result) list = NULL;
    g_autoptr(Result) present = NULL;
    g_autoptr(Run) verify = NULL;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "Restored 1 ID:"));
    g_assert_nonnull (strstr (r->out, id));
    g_assert_nonnull (strstr (r->out, "Erika's licence"));
    g_assert_nonnull (strstr (r->out, "Trusted issuers: 1 added"));
    g_assert_nonnull (strstr (r->out, "Settings: 5 restored"));
    g_assert_nonnull (strstr (r->err, "The backup was made on"));

    list = run_in (fresh, NULL, "list", NULL);
    g_assert_cmpint (list->status, ==, 0);
    g_assert_true (g_str_has_prefix (list->out, id));
    g_assert_cmpuint (count_lines (list->out), ==, 1);
    g_assert_null (strstr (list->out, "re-issue"));

    present = run_in (fresh, NULL, "present", id, NULL);
    g_assert_cmpint (present->status, ==, 0);
    g_assert_true (g_str_has_prefix (present->out, "IDW1:"));
    verify = run_cli (present->out, "verify", "--trust", iaca_pem, NULL);
    g_assert_cmpint (verify->status, ==, 0);

    g_assert_cmpuint (count_anchors (fresh), ==, 1);
    g_assert_cmpuint (refresh_interval (fresh), ==, 45);
    assert_no_leftovers (fresh);
  }

  /* Again: skipped, and said so. */
  {
    g_autoptr(Result) r = run_in (fresh, NULL, "restore", backup, "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "Skipped 1 ID the wallet holds already:"));
    g_assert_null (strstr (r->out, "Restored 1"));
    g_assert_cmpuint (count_credentials (fresh), ==, 1);
  }
}

/* ---- Killed at every step --------------------------------------------- */

static void
test_kill (void)
{
  static const struct { const char *step; gboolean new_state; } steps[] = {
    { "stage", FALSE },
    { "copy", FALSE },
    { "key", FALSE },
    { "credential", FALSE },
    { "key:1", FALSE },
    { "credential:1", FALSE },
    { "trust", FALSE },
    { "history", FALSE },
    { "journal", FALSE },
    { "switch", FALSE },
    { "settings", TRUE },
    { "cleanup", TRUE },
    { "done", TRUE },
  };
  g_autoptr(Profile) source = profile_new ("kill-source");
  g_autofree char *pass = write_passphrase ("kill-pass", "kill nine\n");
  g_autofree char *backup = tmp_path ("kill.idwbackup");

  ensure_person ();
  g_free (import_new (source, "First"));
  g_free (import_new (source, "Second"));
  {
    g_autoptr(Result) trust = run_in (source, NULL, "trust", "add", iaca_pem, NULL);
    g_autoptr(Result) made = NULL;

    g_assert_cmpint (trust->status, ==, 0);
    set_refresh_interval (source, 45);
    made = run_in (source, NULL, "backup", "--out", backup, "--passphrase-file", pass, NULL);
    g_assert_cmpint (made->status, ==, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *name = g_strdup_printf ("kill-%s", steps[i].step);
      g_autoptr(Profile) target = NULL;
      g_autofree char *at = g_strdup_printf ("IDW_BACKUP_TEST_KILL_AT=%s", steps[i].step);
      const char *env[] = { at, NULL };
      g_autoptr(Result) r = NULL;
      guint n;

      /* The old state: one credential of its own, no anchor, the default
       * refresh interval. */
      for (char *c = name; *c != '\0'; c++)
        if (*c == ':')
          *c = '-';
      target = profile_new (name);
      g_free (import_new (target, "Own"));
      set_refresh_interval (target, 30);

      r = run_in (target, env, "restore", backup, "--passphrase-file", pass, NULL);
      g_assert_cmpint (r->signal, ==, SIGKILL);

      /* The next command that opens the wallet recovers; then it is the
       * old wallet or the whole new one, as the step says. */
      n = count_credentials (target);
      if (steps[i].new_state)
        {
          g_assert_cmpuint (n, ==, 3);
          g_assert_cmpuint (count_anchors (target), ==, 1);
          g_assert_cmpuint (refresh_interval (target), ==, 45);
        }
      else
        {
          g_assert_cmpuint (n, ==, 1);
          g_assert_cmpuint (count_anchors (target), ==, 0);
          g_assert_cmpuint (refresh_interval (target), ==, 30);
        }
      assert_no_leftovers (target);

      /* And a restore after it does the rest. */
      {
        g_autoptr(Result) again = run_in (target, NULL, "restore", backup, "--passphrase-file", pass, NULL);

        g_assert_cmpint (again->status, ==, 0);
        g_assert_cmpuint (count_credentials (target), ==, 3);
        g_assert_cmpuint (refresh_interval (target), ==, 45);
        assert_no_leftovers (target);
      }
    }
}

/* ---- TPM-bound keys ------------------------------------------------------ */

static void
test_tpm_bound (void)
{
  g_autoptr(Profile) source = profile_new ("tpm-source");
  g_autoptr(Profile) same = profile_new ("tpm-same");
  g_autoptr(Profile) other = profile_new ("tpm-other");
  g_autofree char *pass = write_passphrase ("tpm-pass", "hardware stays\n");
  g_autofree char *backup = tmp_path ("tpm.idwbackup");
  g_autofree char *request = tmp_path ("tpm-request.cbor");
  g_autofree char *bound = tmp_path ("tpm.idwcred");
  g_autofree char *id = NULL;
  g_autofree char *tcti = NULL;
  SwTpm tpm = { 0 };

  if (!idw_tpm_is_supported () || !swtpm_available ())
    {
      g_test_skip (idw_tpm_is_supported () ? "swtpm is not installed (Debian: swtpm)"
                                           : "built without TPM support");
      return;
    }

  ensure_person ();
  swtpm_start (&tpm);
  tcti = g_strdup_printf ("IDW_TPM_TCTI=%s", tpm.tcti);
  {
    const char *env[] = { tcti, NULL };
    g_autoptr(Result) req = run_in (source, env, "request", "--hardware", "--out", request, NULL);
    g_autoptr(Result) issue = NULL;
    g_autoptr(Result) import = NULL;
    g_autoptr(Result) made = NULL;

    g_assert_cmpint (req->status, ==, 0);
    issue = run_in (source, env, "issue", "--issuer", issuer_dir, "--data", person, "--request", request,
                    "--out", bound, NULL);
    g_assert_cmpint (issue->status, ==, 0);
    import = run_in (source, env, "import", bound, NULL);
    g_assert_cmpint (import->status, ==, 0);
    id = g_strstrip (g_strdup (import->out));
    made = run_in (source, env, "backup", "--out", backup, "--passphrase-file", pass, NULL);
    g_assert_cmpint (made->status, ==, 0);
    g_assert_nonnull (strstr (made->err, "in this computer’s TPM"));
  }

  /* Another computer: a fresh keyring, no TPM. The credential comes back
   * without its key, and says it must be re-issued. */
  profile_start_keyring (other);
  {
    const char *env[] = { "IDW_TPM_TCTI=swtpm:host=127.0.0.1,port=1", NULL };
    g_autoptr(Result) r = run_in (other, env, "restore", backup, "--passphrase-file", pass, NULL);
    g_autoptr(Result) list = NULL;
    g_autoptr(Result) present = NULL;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "Re-issue needed on this device"));
    g_assert_nonnull (strstr (r->out, id));
    list = run_in (other, env, "list", NULL);
    g_assert_nonnull (strstr (list->out, "re-issue needed on this device"));
    present = run_in (other, env, "present", id, NULL);
    g_assert_cmpint (present->status, ==, 1);
    g_assert_cmpstr (present->out, ==, "");
    g_assert_nonnull (strstr (present->err, "Re-issue needed on this device"));
  }

  /* The same computer (its keyring and TPM), a fresh folder: the key is
   * here, so it presents. */
  {
    const char *env[] = { tcti, NULL };
    g_autoptr(Result) r = run_in (same, env, "restore", backup, "--passphrase-file", pass, NULL);
    g_autoptr(Result) present = NULL;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "Restored 1 ID:"));
    present = run_in (same, env, "present", id, NULL);
    g_assert_cmpint (present->status, ==, 0);
  }

  swtpm_stop (&tpm);
}


/* ---- Typing the passphrase on a terminal --------------------------------- */

/* Reads what @process prints until @text shows (or it ends); returns
 * whether it showed. */
static gboolean
read_until (GInputStream *out,
            GString      *seen,
            const char   *text)
{
  while (strstr (seen->str, text) == NULL)
    {
      char buffer[256];
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (out, buffer, sizeof buffer, NULL, &error);

      if (n <= 0)
        return FALSE;
      g_string_append_len (seen, buffer, n);
    }
  return TRUE;
}

/* Runs the CLI in @p on a pseudo-terminal of script(1), answering each
 * prompt of @prompts with the line of @answers; returns what the terminal
 * showed, and the exit status in @out_status. */
static char *
run_on_terminal (Profile             *p,
                 const char          *command,
                 const char * const  *prompts,
                 const char * const  *answers,
                 int                 *out_status)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strdup_printf ("%s %s", cli_path (), command);
  GString *seen = g_string_new (NULL);
  GOutputStream *in;
  GInputStream *out;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (launcher, new_session, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", p->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", p->config, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "IDW_BACKUP_TEST_KDF", "fast", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, "script", "-qec", line, "/dev/null", NULL);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (process);
  out = g_subprocess_get_stdout_pipe (process);

  for (guint i = 0; prompts[i] != NULL && answers[i] != NULL; i++)
    {
      g_autofree char *answer = g_strconcat (answers[i], "\n", NULL);

      /* The CLI turns the echo off before it prompts. */
      g_assert_true (read_until (out, seen, prompts[i]));
      g_output_stream_write_all (in, answer, strlen (answer), NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_flush (in, NULL, NULL);
    }
  read_until (out, seen, "\x01never\x01");
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  *out_status = g_subprocess_get_exit_status (process);
  g_test_message ("$ %s\nexit %d\n%s", line, *out_status, seen->str);
  return g_string_free (seen, FALSE);
}

static void
test_prompt (void)
{
  g_autoptr(Profile) p = profile_new ("prompt");
  g_autofree char *backup = tmp_path ("prompt.idwbackup");
  g_autofree char *command = g_strdup_printf ("backup --out %s", backup);
  g_autofree char *restore = g_strdup_printf ("restore %s", backup);
  g_autofree char *script = g_find_program_in_path ("script");
  const char *twice[] = { "Passphrase for the backup: ", "The same passphrase again: ", NULL };
  const char *once[] = { "Passphrase of the backup: ", NULL };
  int status = -1;

  if (script == NULL)
    {
      g_test_skip ("script(1) is not installed (Debian: bsdutils)");
      return;
    }

  /* Typed twice differently: nothing written. */
  {
    const char *answers[] = { "seven hidden violins", "seven hidden violin", NULL };
    g_autofree char *shown = run_on_terminal (p, command, twice, answers, &status);

    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (shown, "differ"));
    g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));
  }
  /* Empty: refused. */
  {
    const char *answers[] = { "", NULL };
    g_autofree char *shown = run_on_terminal (p, command, twice, answers, &status);

    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (shown, "empty"));
  }
  /* Twice alike: written, and the terminal never showed it. */
  {
    const char *answers[] = { "seven hidden violins", "seven hidden violins", NULL };
    g_autofree char *shown = run_on_terminal (p, command, twice, answers, &status);

    g_assert_cmpint (status, ==, 0);
    g_assert_null (strstr (shown, "violins"));
    g_assert_nonnull (strstr (shown, "Backed up 0 IDs"));
    g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  }
  /* Restore asks once. */
  {
    const char *wrong[] = { "seven hidden cellos", NULL };
    const char *right[] = { "seven hidden violins", NULL };
    g_autofree char *refused = run_on_terminal (p, restore, once, wrong, &status);
    g_autofree char *shown = NULL;

    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (refused, "passphrase is not the one"));
    shown = run_on_terminal (p, restore, once, right, &status);
    g_assert_cmpint (status, ==, 0);
    g_assert_null (strstr (shown, "violins"));
  }
}

/* ---- Usage --------------------------------------------------------------- */

static void
test_usage (void)
{
  g_autoptr(Profile) p = profile_new ("usage");
  g_autofree char *empty = write_passphrase ("empty-pass", "\n");
  g_autofree char *pass = write_passphrase ("usage-pass", "words\n");
  g_autofree char *not_backup = write_tmp ("not-a-backup", "hello, world", -1);
  g_autofree char *out = tmp_path ("usage.idwbackup");

  {
    g_autoptr(Result) r = run_in (p, NULL, "backup", "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 2);
    g_assert_nonnull (strstr (r->err, "--out"));
  }
  {
    g_autoptr(Result) r = run_in (p, NULL, "backup", "--out", out, "--passphrase-file", empty, NULL);

    g_assert_cmpint (r->status, ==, 2);
    g_assert_nonnull (strstr (r->err, "empty"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    g_autoptr(Result) r = run_in (p, NULL, "restore", "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 2);
  }
  {
    g_autoptr(Result) r = run_in (p, NULL, "restore", "no-such.idwbackup", "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 2);
  }
  {
    g_autoptr(Result) r = run_in (p, NULL, "restore", not_backup, "--passphrase-file", pass, NULL);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "not an ID Wallet backup"));
  }
  /* No terminal and no file: said, not waited for. */
  {
    g_autoptr(Result) r = run_in (p, (const char *[]) { "IDW_UNUSED=1", NULL }, "restore", not_backup, NULL);

    g_assert_cmpint (r->status, ==, 2);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  cli_test_init (&argc, &argv, "test-cli-backup-XXXXXX");
  issuer_name = "Backup Republic";

  g_test_add_func ("/cli-backup/fresh-keyring", test_fresh_keyring);
  g_test_add_func ("/cli-backup/kill", test_kill);
  g_test_add_func ("/cli-backup/tpm-bound", test_tpm_bound);
  g_test_add_func ("/cli-backup/prompt", test_prompt);
  g_test_add_func ("/cli-backup/usage", test_usage);

  status = cli_test_finish (g_test_run ());
  g_free (person);
  return status;
}
