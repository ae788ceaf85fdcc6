/* test-cli-verifier-log.c: `id-wallet-cli verify --log` and
 * `id-wallet-cli verifier-log [--csv] | clear` (issue 16)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No keyring: the verifier's side works without one.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "idwallet.h"
#include "cli-test-util.h"

static char *presentation;   /* IDW1 text of the shared credential */

static void
ensure_presentation (void)
{
  g_autoptr(Run) present = NULL;

  ensure_credential ();
  if (presentation != NULL)
    return;
  present = run_cli (NULL, "present", credential, "--elements", "family_name,age_over_18", NULL);
  g_assert_cmpint (present->status, ==, 0);
  presentation = g_strstrip (g_strdup (present->out));
}

static char *
log_path (void)
{
  return g_build_filename (data_home, "id-wallet", "verifier-log.jsonl", NULL);
}

static guint
csv_rows (void)
{
  g_autoptr(Run) csv = run_cli (NULL, "verifier-log", "--csv", NULL);

  g_assert_cmpint (csv->status, ==, 0);
  g_assert_true (g_str_has_prefix (csv->out, "time,docType,issuer,country,valid,failedCheck,status,testIssuer\n"));
  return count_lines (csv->out) - 1;
}

static void
test_off_by_default (void)
{
  g_autoptr(Run) verify = NULL;
  g_autoptr(Run) list = NULL;
  g_autofree char *path = log_path ();

  ensure_presentation ();
  verify = run_cli (presentation, "verify", "--trust", iaca_pem, NULL);
  g_assert_cmpint (verify->status, ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  list = run_cli (NULL, "verifier-log", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpstr (list->out, ==, "");
  g_assert_nonnull (strstr (list->err, "The verification log is empty."));
  g_assert_nonnull (strstr (list->err, "Logging is off"));
}

static void
test_log_and_csv (void)
{
  g_autoptr(Run) valid = NULL;
  g_autoptr(Run) untrusted = NULL;
  g_autoptr(Run) garbage = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) csv = NULL;
  g_autofree char *path = log_path ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) rows = NULL;
  g_auto(GStrv) lines = NULL;

  ensure_presentation ();
  valid = run_cli (presentation, "verify", "--trust", iaca_pem, "--log", NULL);
  g_assert_cmpint (valid->status, ==, 0);
  /* No anchor at all (no --trust, no trust store): signatures fine,
   * issuer not trusted. */
  untrusted = run_cli (presentation, "verify", "--log", NULL);
  g_assert_cmpint (untrusted->status, ==, 1);
  garbage = run_cli ("IDW1:not a presentation", "verify", "--trust", iaca_pem, "--log", NULL);
  g_assert_cmpint (garbage->status, ==, 1);

  /* Never a shared value, nonce or key in the file. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "Mustermann"));
  g_assert_null (strstr (contents, "family_name"));
  g_assert_null (strstr (contents, "nonce"));
  g_assert_cmpuint (count_lines (contents), ==, 3);

  list = run_cli (NULL, "verifier-log", NULL);
  g_assert_cmpint (list->status, ==, 0);
  lines = g_strsplit (list->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  /* Newest first. */
  g_assert_nonnull (strstr (lines[0], "not valid (decode)"));
  g_assert_nonnull (strstr (lines[1], "not valid (issuer_trusted)"));
  g_assert_nonnull (strstr (lines[2], "\tvalid\t"));
  g_assert_nonnull (strstr (lines[2], "org.iso.18013.5.1.mDL"));
  g_assert_nonnull (strstr (lines[2], "test issuer"));
  g_assert_nonnull (strstr (list->err, "3 verdicts."));

  csv = run_cli (NULL, "verifier-log", "--csv", NULL);
  g_assert_cmpint (csv->status, ==, 0);
  rows = g_strsplit (csv->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 5);
  g_assert_cmpstr (rows[0], ==, "time,docType,issuer,country,valid,failedCheck,status,testIssuer");
  /* Oldest first. */
  g_assert_nonnull (strstr (rows[1], ",org.iso.18013.5.1.mDL,"));
  g_assert_true (g_str_has_suffix (rows[1], ",ZZ,true,,not_applicable,true"));
  g_assert_true (g_str_has_suffix (rows[2], ",ZZ,false,issuer_trusted,not_applicable,true"));
  g_assert_true (g_str_has_suffix (rows[3], ",,,,false,decode,not_applicable,false"));
  g_assert_cmpstr (rows[4], ==, "");
}

/* An issuer whose name would run a formula, through the whole way. */
static void
test_hostile_issuer (void)
{
  g_autofree char *issuer_out = tmp_path ("formula-issuer");
  g_autofree char *cred = tmp_path ("formula.idwcred");
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *anchor = g_build_filename (issuer_out, "iaca.pem", NULL);
  g_autoptr(Run) init = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) verify = NULL;
  g_autoptr(Run) csv = NULL;
  g_autoptr(Run) clear = NULL;

  clear = run_cli (NULL, "verifier-log", "clear", NULL);
  g_assert_cmpint (clear->status, ==, 0);

  init = run_cli (NULL, "issuer", "init", "--out", issuer_out, "--name", "=cmd|' /C calc'!A0",
                  "--country", "zz", "--test", NULL);
  g_assert_cmpint (init->status, ==, 0);
  issue = run_cli (NULL, "issue", "--issuer", issuer_out, "--data", person, "--new-device-key",
                   "--out", cred, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  present = run_cli (NULL, "present", cred, "--elements", "age_over_18", NULL);
  g_assert_cmpint (present->status, ==, 0);
  verify = run_cli (present->out, "verify", "--trust", anchor, "--log", NULL);
  g_assert_cmpint (verify->status, ==, 0);

  csv = run_cli (NULL, "verifier-log", "--csv", NULL);
  g_assert_cmpint (csv->status, ==, 0);
  g_test_message ("%s", csv->out);
  /* The name is in, neutralised by a leading "'"; no cell starts with
   * "=". */
  g_assert_nonnull (strstr (csv->out, ",'=cmd|' /C calc'!A0,"));
  g_assert_null (strstr (csv->out, ",=cmd"));
}

/* The verifier-log setting, read from the app's schema when it is
 * installed (here: compiled in the build, a keyfile backend). */
static void
test_setting_on (void)
{
  const char *schema_dir = g_getenv ("IDW_SCHEMA_DIR");
  g_autofree char *config = tmp_path ("config");
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autoptr(Run) verify = NULL;
  g_autoptr(Run) list = NULL;
  guint before;

  if (schema_dir == NULL)
    {
      g_test_skip ("the settings schema is not compiled in this build (engine_only)");
      return;
    }
  ensure_presentation ();
  before = csv_rows ();

  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keyfile, "[io/github/idwallet/IdWallet]\nverifier-log=true\n", -1, NULL));
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  verify = run_cli (presentation, "verify", "--trust", iaca_pem, NULL);
  g_assert_cmpint (verify->status, ==, 0);
  g_assert_cmpuint (csv_rows (), ==, before + 1);
  list = run_cli (NULL, "verifier-log", NULL);
  g_assert_null (strstr (list->err, "Logging is off"));

  g_unsetenv ("XDG_CONFIG_HOME");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("GSETTINGS_SCHEMA_DIR");
}

/* A log that cannot be written: the verdict and its exit status stand. */
static void
test_log_fails (void)
{
  g_autofree char *old = use_data_home ("blocked-home");
  g_autofree char *blocker = g_build_filename (data_home, "id-wallet", NULL);
  g_autoptr(Run) verify = NULL;

  ensure_presentation ();
  g_assert_true (g_file_set_contents (blocker, "in the way", -1, NULL));
  verify = run_cli (presentation, "verify", "--trust", iaca_pem, "--log", NULL);
  g_assert_cmpint (verify->status, ==, 0);
  g_assert_nonnull (strstr (verify->out, "Valid"));
  g_assert_nonnull (strstr (verify->err, "not added to the verification log"));
  restore_data_home (g_steal_pointer (&old));
}

static void
test_clear (void)
{
  g_autoptr(Run) verify = NULL;
  g_autoptr(Run) clear = NULL;
  g_autoptr(Run) bad = NULL;
  g_autoptr(Run) bad_csv = NULL;

  ensure_presentation ();
  verify = run_cli (presentation, "verify", "--trust", iaca_pem, "--log", NULL);
  g_assert_cmpint (verify->status, ==, 0);
  g_assert_cmpuint (csv_rows (), >, 0);

  clear = run_cli (NULL, "verifier-log", "clear", NULL);
  g_assert_cmpint (clear->status, ==, 0);
  g_assert_cmpuint (csv_rows (), ==, 0);

  bad = run_cli (NULL, "verifier-log", "delete", NULL);
  g_assert_cmpint (bad->status, ==, 2);
  bad_csv = run_cli (NULL, "verifier-log", "clear", "--csv", NULL);
  g_assert_cmpint (bad_csv->status, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  int status;

  cli_test_init (&argc, &argv, "test-cli-verifier-log-XXXXXX");

  g_test_add_func ("/cli-verifier-log/off-by-default", test_off_by_default);
  g_test_add_func ("/cli-verifier-log/log-and-csv", test_log_and_csv);
  g_test_add_func ("/cli-verifier-log/hostile-issuer", test_hostile_issuer);
  g_test_add_func ("/cli-verifier-log/setting-on", test_setting_on);
  g_test_add_func ("/cli-verifier-log/log-fails", test_log_fails);
  g_test_add_func ("/cli-verifier-log/clear", test_clear);

  status = cli_test_finish (g_test_run ());
  g_free (presentation);
  return status;
}
