/* cli-test-util.h: id-wallet-cli from a test: the runner (spawn, capture,
 * terminal-safety checks), the test's folder and the CLI's XDG_DATA_HOME,
 * the issuer and credential most tests start from, main()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CLI tests (test-cli*.c, test-bench.c) spawn the built CLI (IDW_CLI)
 * with an XDG_DATA_HOME in the test's temporary folder, so that its stores
 * are the test's own.
 */
#pragma once

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "idwallet.h"
#include "test-util.h"

/* ---- Running the CLI ---------------------------------------------------- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static inline void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static inline const char *
cli_path (void)
{
  const char *path = g_getenv ("IDW_CLI");

  if (path == NULL)
    g_error ("IDW_CLI is not set: run this test with meson test");

  return path;
}

/* The test program's folder: removed at the end, kept when a test failed. */
static char *tmp_dir;
/* XDG_DATA_HOME of the spawned CLI: its stores (trust, requests,
 * credentials). */
static char *data_home;

/* Characters that must never reach a terminal raw, whatever the data: C0
 * controls but the newline (and the tab that separates `list` fields), DEL,
 * C1 controls and the bidirectional embeddings, overrides and isolates. */
static inline gboolean
is_forbidden_raw (gunichar c)
{
  return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* @len bytes of @what (the CLI's stdout or stderr) are UTF-8 without a
 * forbidden character. */
static inline void
assert_terminal_safe_len (const char *what,
                          const char *data,
                          gsize       len)
{
  const char *end;

  if (data == NULL)
    return;
  if (!g_utf8_validate_len (data, len, &end))
    g_error ("%s: not UTF-8 at byte %zu (0x%02x)", what, (gsize) (end - data), (guchar) *end);

  for (const char *p = data; p < data + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_forbidden_raw (c))
        g_error ("%s: raw U+%04X at byte %zu", what, c, (gsize) (p - data));
    }
}

static inline void
assert_bytes_terminal_safe (const char *what,
                            GBytes     *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  assert_terminal_safe_len (what, data, len);
}

/* The same for a string the CLI printed. */
static inline void
assert_terminal_safe (const char *text)
{
  assert_terminal_safe_len ("output", text, strlen (text));
}

static inline char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data != NULL ? data : "", len);
}

static inline Run *
run_argv (const char  *input,
          GPtrArray   *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) command = g_string_new (NULL);
  /* stdin is always a pipe (empty when no input), never the test's own. */
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                           | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  Run *run = g_new0 (Run, 1);

  g_ptr_array_add (args, NULL);
  for (guint i = 0; args->pdata[i] != NULL; i++)
    g_string_append_printf (command, "%s%s", i > 0 ? " " : "", (const char *) args->pdata[i]);
  g_test_message ("$ %s", command->str);

  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GBytes) stdin_bytes = g_bytes_new (input, input != NULL ? strlen (input) : 0);
    g_autoptr(GBytes) out = NULL;
    g_autoptr(GBytes) err = NULL;

    /* As bytes: whatever the CLI writes is checked, not refused. */
    g_subprocess_communicate (process, stdin_bytes, NULL, &out, &err, &error);
    g_assert_no_error (error);
    /* Every command, on every input: no output can drive the terminal. */
    assert_bytes_terminal_safe ("stdout", out);
    assert_bytes_terminal_safe ("stderr", err);
    run->out = bytes_to_string (out);
    run->err = bytes_to_string (err);
  }

  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);

  /* In the sanitizer build a report may share an exit status with a
   * verdict; the report itself must never appear. */
  g_assert_null (strstr (run->err, "Sanitizer"));
  g_assert_null (strstr (run->err, "runtime error:"));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING"));

  return run;
}

/* run_cli (stdin or NULL, arg, …, NULL) */
G_GNUC_NULL_TERMINATED static inline Run *
run_cli (const char *input,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) cli_path ());
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  return run_argv (input, args);
}

/* ---- The test's folder ---------------------------------------------- */

static inline char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static inline char *
write_tmp (const char *name,
           const void *contents,
           gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = tmp_path (name);

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);

  return path;
}

/* Switches the spawned CLI to a fresh XDG_DATA_HOME; returns the old one
 * to restore. */
static inline char *
use_data_home (const char *name)
{
  char *old = data_home;

  data_home = tmp_path (name);
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);

  return old;
}

static inline void
restore_data_home (char *old)
{
  g_free (data_home);
  data_home = old;
}

static inline guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';

  return n;
}

/* ---- The issuer and credential most tests start from ----------------- */

/* The issuer's name: set it before the first ensure_credential(). */
static const char *issuer_name = "Test Republic";
static char *issuer_dir;
static char *iaca_pem;
/* Issued with --new-device-key. */
static char *credential;

/* Makes, once per test program, an issuer with `issuer init --test` (its
 * IACA root and DS) and a credential it issues for person.json. */
static inline void
ensure_credential (void)
{
  g_autoptr(Run) init = NULL;
  g_autoptr(Run) issue = NULL;
  g_autofree char *person = NULL;

  if (credential != NULL)
    return;

  issuer_dir = tmp_path ("issuer");
  iaca_pem = g_build_filename (issuer_dir, "iaca.pem", NULL);
  init = run_cli (NULL, "issuer", "init", "--out", issuer_dir,
                  "--name", issuer_name, "--country", "zz", "--test", NULL);
  g_assert_cmpint (init->status, ==, 0);

  person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  credential = tmp_path ("erika.idwcred");
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--new-device-key", "--out", credential, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  g_assert_true (g_file_test (credential, G_FILE_TEST_IS_REGULAR));
}

/* ---- main() ------------------------------------------------------------ */

/* GTest, and the program's folder named after @tmpl. */
static inline void
cli_test_init (int         *argc,
               char      ***argv,
               const char  *tmpl)
{
  g_test_init (argc, argv, NULL);

  tmp_dir = test_tmp_dir_new (tmpl);
  data_home = g_build_filename (tmp_dir, "data", NULL);
}

/* Removes the folder unless a test failed; returns @status. */
static inline int
cli_test_finish (int status)
{
  if (status == 0)
    remove_tree (tmp_dir);
  else
    g_printerr ("# test files kept in %s\n", tmp_dir);

  g_clear_pointer (&tmp_dir, g_free);
  g_clear_pointer (&data_home, g_free);
  g_clear_pointer (&issuer_dir, g_free);
  g_clear_pointer (&iaca_pem, g_free);
  g_clear_pointer (&credential, g_free);

  return status;
}
