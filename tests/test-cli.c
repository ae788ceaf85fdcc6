/* test-cli.c: id-wallet-cli end to end, as a script would use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built CLI (IDW_CLI) and checks exit statuses, output and the
 * verdict JSON. The engine is linked only to make inputs the CLI does not
 * make (a COSE_Key file, an IDWR1 request of another verifier) and to read
 * back an envelope's or a request's nonce.
 *
 * Every spawned CLI gets XDG_DATA_HOME in the test's temporary folder, so
 * that the trust store and the request store are the test's own. The
 * commands that need the keyring are tested in test-cli-keyring.c.
 *
 * With IDW_BENCH set, runs the id-wallet-bench smoke test instead
 * (suite "bench"): each subcommand with a tiny count, checking the exit
 * status and the format of the last line, never a timing.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "test-util.h"
#include "hostile-cert-util.h"

static const char * const check_names[] = {
  "decode", "issuer_signature", "issuer_trusted", "mso",
  "validity", "digests", "device_signature", "freshness",
};

/* ---- Running the CLI ---------------------------------------------------- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static const char *
cli_path (void)
{
  const char *path = g_getenv ("IDW_CLI");

  if (path == NULL)
    g_error ("IDW_CLI is not set: run this test with meson test");

  return path;
}

/* XDG_DATA_HOME of the spawned CLI: the trust and request stores. */
static char *data_home;

/* Characters that must never reach a terminal raw, whatever the data: C0
 * controls but the newline (and the tab that separates `list` fields), DEL,
 * C1 controls and the bidirectional embeddings, overrides and isolates. */
static gboolean
is_forbidden_raw (gunichar c)
{
  return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* @what (the CLI's stdout or stderr) is UTF-8 without a forbidden
 * character. */
static void
assert_terminal_safe (const char *what,
                      GBytes     *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
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

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return g_strndup (data != NULL ? data : "", len);
}

static Run *
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
    assert_terminal_safe ("stdout", out);
    assert_terminal_safe ("stderr", err);
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
G_GNUC_NULL_TERMINATED static Run *
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

/* ---- Shared state: one issuer and one credential for the whole run ---- */

static char *tmp_dir;
static char *issuer_dir;
static char *iaca_pem;
static char *credential;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static void
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
                  "--name", "Test Republic", "--country", "zz", "--test", NULL);
  g_assert_cmpint (init->status, ==, 0);

  person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  credential = tmp_path ("erika.idwcred");
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--new-device-key", "--out", credential, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  g_assert_true (g_file_test (credential, G_FILE_TEST_IS_REGULAR));
}

static char *
present_text (const char *first_option,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  const char *arg;
  va_list ap;

  ensure_credential ();

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "present");
  g_ptr_array_add (args, credential);
  va_start (ap, first_option);
  for (arg = first_option; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "IDW1:"));
  g_assert_true (g_str_has_suffix (run->out, "\n"));

  return g_strstrip (g_steal_pointer (&run->out));
}

static char *
write_tmp (const char *name,
           const char *contents,
           gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = tmp_path (name);

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);

  return path;
}

/* ---- The verdict JSON ------------------------------------------------- */

static JsonObject *
parse_verdict (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *object;

  /* Exactly one JSON object on one line. */
  g_assert_nonnull (json);
  g_assert_true (g_str_has_suffix (json, "}\n"));
  g_assert_true (strchr (json, '\n') == json + strlen (json) - 1);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);

  g_assert_true (json_object_has_member (object, "valid"));
  g_assert_true (json_object_has_member (object, "checks"));
  g_assert_true (json_object_has_member (object, "docType"));
  g_assert_true (json_object_has_member (object, "issuer"));
  g_assert_true (json_object_has_member (object, "presentedAt"));
  g_assert_true (json_object_has_member (object, "disclosed"));

  return json_object_ref (object);
}

static const char *
check_status (JsonObject *verdict,
              const char *name)
{
  JsonArray *checks = json_object_get_array_member (verdict, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_strcmp0 (json_object_get_string_member (check, "name"), name) == 0)
        return json_object_get_string_member (check, "status");
    }

  g_assert_not_reached ();
}

static const char *
check_detail (JsonObject *verdict,
              const char *name)
{
  JsonArray *checks = json_object_get_array_member (verdict, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_strcmp0 (json_object_get_string_member (check, "name"), name) == 0)
        return json_object_get_string_member (check, "detail");
    }

  g_assert_not_reached ();
}

static void
assert_checks (JsonObject *verdict,
               const char *expected)
{
  /* @expected: one letter per check in order, p(assed), f(ailed),
   * n(ot applicable), ? (anything). */
  JsonArray *checks = json_object_get_array_member (verdict, "checks");

  g_assert_cmpuint (json_array_get_length (checks), ==, G_N_ELEMENTS (check_names));
  g_assert_cmpuint (strlen (expected), ==, G_N_ELEMENTS (check_names));

  for (guint i = 0; i < G_N_ELEMENTS (check_names); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);
      const char *status = json_object_get_string_member (check, "status");
      const char *detail = json_object_get_string_member (check, "detail");

      g_assert_cmpstr (json_object_get_string_member (check, "name"), ==, check_names[i]);
      g_assert_nonnull (detail);
      g_assert_cmpstr (detail, !=, "");

      switch (expected[i])
        {
        case 'p':
          g_assert_cmpstr (status, ==, "passed");
          break;
        case 'f':
          g_assert_cmpstr (status, ==, "failed");
          break;
        case 'n':
          g_assert_cmpstr (status, ==, "not_applicable");
          break;
        default:
          g_assert_true (g_str_equal (status, "passed") || g_str_equal (status, "failed")
                         || g_str_equal (status, "not_applicable"));
        }
    }
}

static JsonObject *
disclosed_namespace (JsonObject *verdict,
                     const char *name_space)
{
  JsonObject *disclosed = json_object_get_object_member (verdict, "disclosed");

  g_assert_nonnull (disclosed);
  g_assert_true (json_object_has_member (disclosed, name_space));

  return json_object_get_object_member (disclosed, name_space);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
assert_members (JsonObject *object,
                const char *expected_csv)
{
  g_auto(GStrv) members = NULL;
  g_auto(GStrv) expected = g_strsplit (expected_csv, ",", -1);
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  GList *list = json_object_get_members (object);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (GList *l = list; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  g_list_free (list);
  members = g_strv_builder_end (builder);

  qsort (members, g_strv_length (members), sizeof (char *), compare_strings);
  qsort (expected, g_strv_length (expected), sizeof (char *), compare_strings);
  got = g_strjoinv (",", members);
  want = g_strjoinv (",", expected);
  g_assert_cmpstr (got, ==, want);
}

static JsonObject *
verify_json (int         expected_status,
             const char *input,
             const char *first_arg,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "verify");
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  run = run_argv (input, args);
  g_assert_cmpint (run->status, ==, expected_status);

  return parse_verdict (run->out);
}

/* ---- Usage ------------------------------------------------------------ */

static void
test_usage_help (void)
{
  g_autoptr(Run) help = run_cli (NULL, "--help", NULL);
  g_autoptr(Run) version = run_cli (NULL, "--version", NULL);
  g_autoptr(Run) verify_help = run_cli (NULL, "verify", "--help", NULL);
  g_autoptr(Run) issue_help = run_cli (NULL, "issue", "--help", NULL);
  g_autoptr(Run) present_help = run_cli (NULL, "present", "--help", NULL);
  g_autoptr(Run) issuer_help = run_cli (NULL, "issuer", "init", "--help", NULL);
  g_autoptr(Run) request_help = run_cli (NULL, "request", "--help", NULL);
  g_autoptr(Run) import_help = run_cli (NULL, "import", "--help", NULL);
  g_autoptr(Run) list_help = run_cli (NULL, "list", "--help", NULL);
  g_autoptr(Run) trust_help = run_cli (NULL, "trust", "--help", NULL);
  g_autoptr(Run) trust_add_help = run_cli (NULL, "trust", "add", "--help", NULL);
  g_autoptr(Run) ask_help = run_cli (NULL, "ask", "--help", NULL);

  g_assert_cmpint (help->status, ==, 0);
  for (guint i = 0; i < 9; i++)
    {
      const char *command[] = { "issuer init", "request", "issue", "import", "list", "present", "verify",
                                "trust add", "ask" };
      g_assert_nonnull (strstr (help->out, command[i]));
    }

  g_assert_cmpint (version->status, ==, 0);
  g_assert_cmpstr (version->out, ==, "id-wallet-cli " PACKAGE_VERSION "\n");

  g_assert_cmpint (verify_help->status, ==, 0);
  g_assert_nonnull (strstr (verify_help->out, "--trust"));
  g_assert_nonnull (strstr (verify_help->out, "--session-transcript"));
  g_assert_nonnull (strstr (verify_help->out, "--reader-key"));
  g_assert_nonnull (strstr (verify_help->out, "--json"));

  g_assert_cmpint (issue_help->status, ==, 0);
  g_assert_nonnull (strstr (issue_help->out, "--new-device-key"));
  g_assert_cmpint (present_help->status, ==, 0);
  g_assert_nonnull (strstr (present_help->out, "--preset"));
  g_assert_cmpint (issuer_help->status, ==, 0);
  g_assert_nonnull (strstr (issuer_help->out, "--country"));
  g_assert_nonnull (strstr (issue_help->out, "--request"));

  g_assert_cmpint (request_help->status, ==, 0);
  g_assert_nonnull (strstr (request_help->out, "--out"));
  g_assert_cmpint (import_help->status, ==, 0);
  g_assert_nonnull (strstr (import_help->out, "FILE.idwcred"));
  g_assert_cmpint (list_help->status, ==, 0);
  g_assert_nonnull (strstr (list_help->out, "DAMAGED"));
  g_assert_cmpint (trust_help->status, ==, 0);
  g_assert_nonnull (strstr (trust_help->out, "remove FINGERPRINT"));
  g_assert_cmpint (trust_add_help->status, ==, 0);
  g_assert_cmpstr (trust_add_help->out, ==, trust_help->out);
  g_assert_cmpint (ask_help->status, ==, 0);
  g_assert_nonnull (strstr (ask_help->out, "--preset"));
  g_assert_nonnull (strstr (ask_help->out, "--elements"));
  g_assert_nonnull (strstr (ask_help->out, "--verifier"));
  g_assert_nonnull (strstr (ask_help->out, "--doctype"));
}

static void
test_usage_errors (void)
{
  struct
  {
    const char *args[12];
    const char *stderr_has;
  } cases[] = {
    { { NULL }, "Usage" },
    { { "frobnicate", NULL }, "frobnicate" },
    { { "trust", NULL }, "add CERT" },
    { { "trust", "frob", NULL }, "frob" },
    { { "trust", "remove", NULL }, "fingerprint" },
    { { "trust", "add", NULL }, "certificate" },
    { { "trust", "list", "extra", NULL }, "extra" },
    { { "trust", "list", "--bogus", NULL }, "--bogus" },
    { { "trust", "remove", "nothex!", NULL }, "nothex!" },
    { { "ask", "--preset", "bogus", NULL }, "bogus" },
    { { "ask", "--preset", "full", "--elements", "a/b", NULL }, "--preset" },
    { { "ask", "--elements", ",", NULL }, "no element" },
    { { "ask", "--doctype", "x.y", "--elements", "family_name", NULL }, "NAMESPACE/family_name" },
    { { "ask", "extra", NULL }, "extra" },
    { { "request", NULL }, "--out" },
    { { "import", NULL }, "credential file" },
    { { "list", "extra", NULL }, "extra" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", "--request", "r",
        "--new-device-key", NULL }, "--request" },
    { { "issuer", NULL }, "issuer init" },
    { { "issuer", "init", NULL }, "--out" },
    { { "issuer", "init", "--bogus", "x", NULL }, "--bogus" },
    { { "verify", "--bogus", NULL }, "--bogus" },
    { { "verify", "--at", "next tuesday", "-", NULL }, "next tuesday" },
    { { "verify", "a", "b", NULL }, "one input" },
    { { "issue", "--data", "x.json", NULL }, "--issuer" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", NULL }, "--new-device-key" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", "--new-device-key",
        "--device-key", "k", NULL }, "--new-device-key" },
    { { "present", NULL }, "credential file" },
    { { "present", "x.idwcred", "--text", "--png", "x.png", NULL }, "--png" },
    { { "present", "x.idwcred", "--preset", "full", "--elements", "a/b", NULL }, "--preset" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autoptr(Run) run = NULL;

      g_ptr_array_add (args, (gpointer) cli_path ());
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) cases[i].args[j]);

      run = run_argv (NULL, args);
      g_assert_cmpint (run->status, ==, 2);
      g_assert_cmpstr (run->out, ==, "");
      g_assert_nonnull (strstr (run->err, cases[i].stderr_has));
    }
}

static void
test_missing_files (void)
{
  g_autofree char *missing = tmp_path ("does-not-exist.txt");
  g_autofree char *missing_cert = tmp_path ("no-such-cert.pem");
  g_autofree char *missing_issuer = tmp_path ("no-such-issuer");
  g_autofree char *out = tmp_path ("never-written.idwcred");
  g_autoptr(Run) verify = run_cli (NULL, "verify", missing, NULL);
  g_autoptr(Run) trust = run_cli ("IDW1:X", "verify", "--trust", missing_cert, "-", NULL);
  g_autoptr(Run) present = run_cli (NULL, "present", missing, NULL);
  g_autoptr(Run) transcript = run_cli ("IDW1:X", "verify", "--session-transcript", missing, NULL);
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) empty = run_cli ("", "verify", NULL);

  g_assert_cmpint (verify->status, ==, 2);
  g_assert_nonnull (strstr (verify->err, missing));
  g_assert_nonnull (strstr (verify->err, "No such file"));
  g_assert_cmpstr (verify->out, ==, "");

  g_assert_cmpint (trust->status, ==, 2);
  g_assert_nonnull (strstr (trust->err, missing_cert));

  g_assert_cmpint (present->status, ==, 2);
  g_assert_nonnull (strstr (present->err, missing));

  g_assert_cmpint (transcript->status, ==, 2);
  g_assert_nonnull (strstr (transcript->err, missing));

  g_assert_cmpint (empty->status, ==, 2);
  g_assert_nonnull (strstr (empty->err, "empty"));

  ensure_credential ();
  issue = run_cli (NULL, "issue", "--issuer", missing_issuer, "--data", missing,
                   "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 2);
  g_assert_nonnull (strstr (issue->err, missing_issuer));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* ---- Issuer and issuing ------------------------------------------------ */

static void
assert_mode (const char *path,
             int         mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, mode);
}

static void
test_issuer_init (void)
{
  const char *files[] = { "iaca.pem", "iaca.key", "ds.pem", "ds.key" };
  g_autofree char *dir = tmp_path ("issuer-init");
  g_autofree char *other = tmp_path ("issuer-bad-country");
  g_autofree char *iaca = g_build_filename (dir, "iaca.pem", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(Run) init = run_cli (NULL, "issuer", "init", "--out", dir, "--name", "Ruritania Transport Agency",
                                 "--country", "RU", NULL);
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) bad_country = NULL;
  g_autoptr(IdwCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *country = NULL;

  g_assert_cmpint (init->status, ==, 0);
  g_assert_null (strstr (init->out, "PRIVATE KEY"));
  g_assert_null (strstr (init->err, "PRIVATE KEY"));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      if (g_str_has_suffix (files[i], ".key"))
        {
          assert_mode (path, 0600);
          g_assert_true (g_str_has_prefix (contents, "-----BEGIN PRIVATE KEY-----"));
        }
      else
        {
          g_assert_true (g_str_has_prefix (contents, "-----BEGIN CERTIFICATE-----"));
        }
    }

  cert = idw_certificate_new_from_file (iaca, &error);
  g_assert_no_error (error);
  organization = idw_certificate_get_organization (cert);
  country = idw_certificate_get_country (cert);
  g_assert_cmpstr (organization, ==, "Ruritania Transport Agency");
  g_assert_cmpstr (country, ==, "RU");
  g_assert_false (idw_certificate_is_test_issuer (cert));

  /* A second run refuses and leaves the issuer as it was. */
  g_assert_true (g_file_get_contents (iaca, &before, NULL, NULL));
  again = run_cli (NULL, "issuer", "init", "--out", dir, NULL);
  g_assert_cmpint (again->status, ==, 2);
  g_assert_nonnull (strstr (again->err, "already exists"));
  g_assert_true (g_file_get_contents (iaca, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  bad_country = run_cli (NULL, "issuer", "init", "--out", other, "--country", "Germany", NULL);
  g_assert_cmpint (bad_country->status, ==, 1);
  g_assert_nonnull (strstr (bad_country->err, "country"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

static void
test_issue_new_device_key (void)
{
  g_autoptr(IdwCredential) cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) again = NULL;
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *holder = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  ensure_credential ();
  assert_mode (credential, 0600);

  cred = idw_credential_new_from_file (credential, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_credential_get_doctype (cred), ==, IDW_DOCTYPE_MDL);
  g_assert_nonnull (idw_credential_get_private_key (cred));
  g_assert_true (idw_credential_is_test_issuer (cred));
  holder = idw_credential_dup_holder_name (cred);
  g_assert_cmpstr (holder, ==, "Erika Zoë Mustermann");
  g_assert_true (idw_credential_has_element (cred, IDW_NAMESPACE_MDL, "portrait"));

  /* The private key is in the file, but never printed. */
  g_assert_true (g_file_get_contents (credential, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 1000);

  again = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--new-device-key", "--out", credential, NULL);
  g_assert_cmpint (again->status, ==, 2);
  g_assert_nonnull (strstr (again->err, "already exists"));
}

static void
test_issue_options (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *out = tmp_path ("dated.idwcred");
  g_autoptr(Run) issue = NULL;
  g_autoptr(IdwCredential) cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autoptr(Run) backwards = NULL;
  g_autoptr(Run) backdated = NULL;
  g_autofree char *out2 = tmp_path ("backwards.idwcred");
  g_autoptr(Run) outliving = NULL;
  /* Relative to today: the test issuer's DS certificate lives 3 years. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) next_year = g_date_time_add_years (now, 1);
  g_autoptr(GDateTime) in_two_years = g_date_time_add_years (now, 2);
  g_autoptr(GDateTime) in_four_years = g_date_time_add_years (now, 4);
  g_autofree char *from_arg = g_date_time_format (next_year, "%Y-%m-%d");
  g_autofree char *until_arg = g_date_time_format (in_two_years, "%Y-%m-%dT12:00:00Z");
  g_autofree char *beyond_arg = g_date_time_format (in_four_years, "%Y-%m-%d");
  g_autofree char *before_arg = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *from_expected = g_strconcat (from_arg, "T00:00:00Z", NULL);

  ensure_credential ();
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                   "--valid-from", from_arg, "--valid-until", until_arg,
                   "--doctype", IDW_DOCTYPE_MDL, "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 0);

  cred = idw_credential_new_from_file (out, &error);
  g_assert_no_error (error);
  from = g_date_time_format_iso8601 (idw_credential_get_valid_from (cred));
  until = g_date_time_format_iso8601 (idw_credential_get_valid_until (cred));
  g_assert_cmpstr (from, ==, from_expected);
  g_assert_cmpstr (until, ==, until_arg);

  /* An ID may not outlive the certificate verifiers check it with. */
  outliving = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                       "--valid-until", beyond_arg, "--out", out2, NULL);
  g_assert_cmpint (outliving->status, ==, 2);
  g_assert_nonnull (strstr (outliving->err, "document signer"));
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));

  backwards = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                       "--valid-from", from_arg, "--valid-until", before_arg, "--out", out2, NULL);
  g_assert_cmpint (backwards->status, ==, 1);
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));

  /* ISO 18013-5: validFrom ≥ signed, and signed is now. */
  backdated = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                       "--valid-from", "2020-01-01", "--out", out2, NULL);
  g_assert_cmpint (backdated->status, ==, 2);
  g_assert_nonnull (strstr (backdated->err, "--valid-from"));
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
}

static void
test_issue_bad_data (void)
{
  g_autofree char *bad_date = write_tmp ("bad-date.json",
                                         "{\"org.iso.18013.5.1\": {\"family_name\": \"X\", \"birth_date\": \"17 May 1990\"}}",
                                         -1);
  g_autofree char *not_json = write_tmp ("not-json.json", "{\"org.iso.18013.5.1\": ", -1);
  g_autofree char *out = tmp_path ("bad.idwcred");
  g_autoptr(Run) date = NULL;
  g_autoptr(Run) json = NULL;

  ensure_credential ();
  date = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", bad_date,
                  "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (date->status, ==, 1);
  g_assert_nonnull (strstr (date->err, "birth_date"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  json = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", not_json,
                  "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (json->status, !=, 0);
  g_assert_cmpstr (json->err, !=, "");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* Issuing to a holder's public key: the credential cannot be presented
 * from the file, which the CLI says plainly. */
static void
test_issue_device_key (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(cbor_item_t) cose = idw_cose_key_encode (key, FALSE);
  g_autoptr(GBytes) cose_bytes = idw_cbor_encode (cose);
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  g_autoptr(GByteArray) spki = g_byte_array_new ();
  static const guint8 prefix[] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
  g_autofree char *spki_b64 = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *cose_file = NULL;
  g_autofree char *pem_file = NULL;
  g_autofree char *out_cose = tmp_path ("public-cose.idwcred");
  g_autofree char *out_pem = tmp_path ("public-pem.idwcred");
  g_autoptr(Run) issue_cose = NULL;
  g_autoptr(Run) issue_pem = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) private_key = NULL;
  g_autofree char *ds_key = NULL;
  g_autofree char *out_private = tmp_path ("never.idwcred");

  ensure_credential ();

  cose_file = write_tmp ("device.cose", g_bytes_get_data (cose_bytes, NULL), g_bytes_get_size (cose_bytes));
  g_byte_array_append (spki, prefix, sizeof prefix);
  g_byte_array_append (spki, g_bytes_get_data (public_bytes, NULL), 32);
  spki_b64 = g_base64_encode (spki->data, spki->len);
  pem = g_strdup_printf ("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", spki_b64);
  pem_file = write_tmp ("device.pub.pem", pem, -1);

  issue_cose = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                        "--device-key", cose_file, "--out", out_cose, NULL);
  g_assert_cmpint (issue_cose->status, ==, 0);
  issue_pem = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                       "--device-key", pem_file, "--out", out_pem, NULL);
  g_assert_cmpint (issue_pem->status, ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(IdwCredential) cred = NULL;
      g_autoptr(GError) error = NULL;

      cred = idw_credential_new_from_file (i == 0 ? out_cose : out_pem, &error);
      g_assert_no_error (error);
      g_assert_null (idw_credential_get_private_key (cred));
      g_assert_true (idw_key_equal (idw_credential_get_device_key (cred), key));
    }

  present = run_cli (NULL, "present", out_cose, NULL);
  g_assert_cmpint (present->status, ==, 2);
  g_assert_nonnull (strstr (present->err, "private"));
  g_assert_cmpstr (present->out, ==, "");

  /* A private key file is refused as --device-key. */
  ds_key = g_build_filename (issuer_dir, "ds.key", NULL);
  private_key = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                         "--device-key", ds_key, "--out", out_private, NULL);
  g_assert_cmpint (private_key->status, ==, 2);
  g_assert_null (strstr (private_key->err, "BEGIN"));
}

/* ---- Round trips ------------------------------------------------------ */

static void
test_roundtrip_text (void)
{
  g_autofree char *text = present_text ("--text", NULL);
  g_autofree char *text_file = write_tmp ("full.txt", text, -1);
  g_autoptr(JsonObject) verdict = verify_json (0, NULL, "--trust", iaca_pem, text_file, NULL);
  g_autofree char *portrait_path = g_test_build_filename (G_TEST_DIST, "data", "cli", "portrait.jpg", NULL);
  g_autofree char *portrait = NULL;
  g_autofree char *portrait_b64 = NULL;
  JsonObject *issuer;
  JsonObject *mdl;
  gsize portrait_len;

  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
  assert_checks (verdict, "pppppppp");
  g_assert_cmpstr (json_object_get_string_member (verdict, "docType"), ==, IDW_DOCTYPE_MDL);
  g_assert_nonnull (json_object_get_string_member (verdict, "presentedAt"));

  issuer = json_object_get_object_member (verdict, "issuer");
  g_assert_nonnull (issuer);
  g_assert_true (json_object_get_boolean_member (issuer, "testIssuer"));
  g_assert_cmpstr (json_object_get_string_member (issuer, "country"), ==, "ZZ");
  g_assert_cmpstr (json_object_get_string_member (issuer, "organization"), ==, "Test Republic");

  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  assert_members (mdl, "family_name,given_name,birth_date,age_over_18,document_number,portrait");
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Mustermann");
  g_assert_cmpstr (json_object_get_string_member (mdl, "given_name"), ==, "Erika Zoë");
  g_assert_cmpstr (json_object_get_string_member (mdl, "birth_date"), ==, "1990-05-17");
  g_assert_true (json_object_get_boolean_member (mdl, "age_over_18"));
  g_assert_cmpstr (json_object_get_string_member (mdl, "document_number"), ==, "ZZ1234567");

  g_assert_true (g_file_get_contents (portrait_path, &portrait, &portrait_len, NULL));
  portrait_b64 = g_base64_encode ((const guchar *) portrait, portrait_len);
  g_assert_cmpstr (json_object_get_string_member (mdl, "portrait"), ==, portrait_b64);
}

static void
test_roundtrip_human (void)
{
  /* Fixed times, so that the two outputs compare equal byte for byte. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 5);
  g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *verify_at = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = present_text ("--at", at, NULL);
  g_autoptr(Run) run = run_cli (text, "verify", "--trust", iaca_pem, "--at", verify_at, NULL);
  g_autoptr(Run) dash = run_cli (text, "verify", "--trust", iaca_pem, "--at", verify_at, "-", NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "Valid\n"));
  g_assert_nonnull (strstr (run->out, "Test issuer"));
  g_assert_nonnull (strstr (run->out, "Family name"));
  g_assert_nonnull (strstr (run->out, "Mustermann"));
  g_assert_nonnull (strstr (run->out, "Erika Zoë"));
  g_assert_nonnull (strstr (run->out, "Test Republic"));
  g_assert_nonnull (strstr (run->out, "Image (934 bytes)"));
  g_assert_null (strstr (run->out, "FAILED"));
  g_assert_cmpstr (run->err, ==, "");

  g_assert_cmpint (dash->status, ==, 0);
  g_assert_cmpstr (dash->out, ==, run->out);
}

static void
test_present_age_over_18 (void)
{
  g_autofree char *text = present_text ("--preset", "age-over-18", NULL);
  g_autoptr(JsonObject) verdict = verify_json (0, text, "--trust", iaca_pem, NULL);
  JsonObject *disclosed = json_object_get_object_member (verdict, "disclosed");
  JsonObject *mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);

  assert_checks (verdict, "pppppppp");
  g_assert_cmpuint (json_object_get_size (disclosed), ==, 1);
  assert_members (mdl, "age_over_18");
  g_assert_true (json_object_get_boolean_member (mdl, "age_over_18"));
}

static void
test_present_elements (void)
{
  g_autofree char *text = present_text ("--elements", "org.iso.18013.5.1/family_name,given_name",
                                        "-e", "birth_date", NULL);
  g_autoptr(JsonObject) verdict = verify_json (0, text, "--trust", iaca_pem, NULL);
  JsonObject *mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  g_autoptr(Run) unknown = NULL;

  assert_members (mdl, "family_name,given_name,birth_date");

  unknown = run_cli (NULL, "present", credential, "--elements", "org.iso.18013.5.1/height", NULL);
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_nonnull (strstr (unknown->err, "height"));
  g_assert_cmpstr (unknown->out, ==, "");
}

static void
test_present_png (void)
{
  g_autofree char *png = tmp_path ("qr.png");
  g_autoptr(Run) present = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  JsonObject *mdl;

  ensure_credential ();
  present = run_cli (NULL, "present", credential, "--png", png, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_assert_cmpstr (present->out, ==, "");

  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  verdict = verify_json (0, NULL, "--trust", iaca_pem, png, NULL);
  assert_checks (verdict, "pppppppp");
  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Mustermann");
  /* Whatever fitted: the portrait is in only if the CLI did not say it
   * left it out. */
  g_assert_true (json_object_has_member (mdl, "portrait")
                 == (strstr (present->err, "portrait") == NULL));
}

static void
test_present_at (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_seconds (now, 3600);
  g_autofree char *at_text = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = present_text ("--at", at_text, "--preset", "name-photo", NULL);
  g_autoptr(JsonObject) verdict = verify_json (0, text, "--trust", iaca_pem, "--at", at_text, NULL);
  g_autoptr(JsonObject) stale = verify_json (1, text, "--trust", iaca_pem, NULL);
  g_autoptr(GDateTime) presented = NULL;
  JsonObject *mdl;

  presented = g_date_time_new_from_iso8601 (json_object_get_string_member (verdict, "presentedAt"), NULL);
  g_assert_nonnull (presented);
  g_assert_cmpint (g_date_time_to_unix (presented), ==, g_date_time_to_unix (at));

  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  assert_members (mdl, "family_name,given_name,portrait");

  /* An hour away from the verifier's clock is not fresh. */
  assert_checks (stale, "pppppppf");
}

static void
test_present_nonce_request (void)
{
  g_autoptr(GError) error = NULL;
  const char * const paths[] = { "org.iso.18013.5.1/age_over_18", "org.iso.18013.5.1/height", NULL };
  g_autoptr(IdwRemoteRequest) request = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Bar Zero", &error);
  g_autofree char *request_text = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(Run) bad = NULL;
  JsonObject *mdl;

  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);
  g_assert_true (g_str_has_prefix (request_text, "IDWR1:"));

  text = present_text ("--nonce-request", request_text, NULL);
  envelope = idw_envelope_parse_text (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (envelope->nonce);
  g_assert_true (g_bytes_equal (envelope->nonce, request->nonce));

  /* Only what was asked for and held; but this verifier never made that
   * request (`ask` did not), so the nonce is unknown: not fresh. */
  verdict = verify_json (1, text, "--trust", iaca_pem, NULL);
  assert_checks (verdict, "pppppppf");
  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  assert_members (mdl, "age_over_18");

  bad = run_cli (NULL, "present", credential, "--nonce-request", "IDWR1:NOT BASE45!", NULL);
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "--nonce-request"));
}

/* ---- Trust store and remote checks (XDG_DATA_HOME of their own) ------- */

/* Switches the spawned CLI to a fresh XDG_DATA_HOME; returns the old one
 * to restore. */
static char *
use_data_home (const char *name)
{
  char *old = data_home;

  data_home = tmp_path (name);
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);

  return old;
}

static void
restore_data_home (char *old)
{
  g_free (data_home);
  data_home = old;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';

  return n;
}

static void
test_trust_store (void)
{
  g_autofree char *old_home = use_data_home ("trust-home");
  g_autofree char *ds_pem = NULL;
  g_autofree char *iaca_fingerprint = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *trust_dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *missing = tmp_path ("no-such-cert.pem");
  g_autofree char *annexd_cert = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-issuer-cert.pem", NULL);
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) empty = NULL;
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) add_ds = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) remove_again = NULL;
  g_autoptr(Run) ambiguous = NULL;
  g_autoptr(Run) list_after = NULL;
  g_autoptr(Run) not_a_cert = NULL;
  g_autoptr(Run) no_file = NULL;
  g_autoptr(JsonObject) untrusted = NULL;
  g_autoptr(JsonObject) trusted = NULL;
  g_autoptr(JsonObject) explicit_trust = NULL;
  g_autoptr(JsonObject) removed = NULL;

  text = present_text ("--preset", "age-over-18", NULL);
  ds_pem = g_build_filename (issuer_dir, "ds.pem", NULL);
  iaca = idw_certificate_new_from_file (iaca_pem, &error);
  g_assert_no_error (error);
  iaca_fingerprint = idw_certificate_get_fingerprint (iaca);
  trust_dir = g_build_filename (data_home, "id-wallet", "trust", NULL);

  /* An empty store: every issuer is untrusted, and the CLI says why. */
  empty = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_cmpstr (empty->out, ==, "");
  g_assert_nonnull (strstr (empty->err, "trust add"));
  untrusted = verify_json (1, text, NULL);
  assert_checks (untrusted, "ppfppppp");

  /* Add: the root, twice (the second changes nothing), and the DS. */
  add = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (add->status, ==, 0);
  g_assert_true (g_str_has_prefix (add->out, "Trusted "));
  g_assert_nonnull (strstr (add->out, iaca_fingerprint));
  g_assert_nonnull (strstr (add->out, "Test Republic"));
  g_assert_nonnull (strstr (add->out, "test issuer"));
  g_assert_true (g_file_test (trust_dir, G_FILE_TEST_IS_DIR));

  again = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_true (g_str_has_prefix (again->out, "Already trusted "));

  add_ds = run_cli (NULL, "trust", "add", ds_pem, NULL);
  g_assert_cmpint (add_ds->status, ==, 0);

  list = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpuint (count_lines (list->out), ==, 2);
  g_assert_nonnull (strstr (list->out, iaca_fingerprint));
  g_assert_cmpstr (list->err, ==, "");

  /* verify without --trust uses the store; --trust replaces it. */
  trusted = verify_json (0, text, NULL);
  assert_checks (trusted, "pppppppp");
  explicit_trust = verify_json (1, text, "--trust", annexd_cert, NULL);
  assert_checks (explicit_trust, "ppfppppp");

  /* Remove by a prefix of the fingerprint. */
  prefix = g_strndup (iaca_fingerprint, 12);
  remove = run_cli (NULL, "trust", "remove", prefix, NULL);
  g_assert_cmpint (remove->status, ==, 0);
  g_assert_true (g_str_has_prefix (remove->out, "No longer trusted "));
  g_assert_nonnull (strstr (remove->out, iaca_fingerprint));

  list_after = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpuint (count_lines (list_after->out), ==, 1);
  g_assert_null (strstr (list_after->out, iaca_fingerprint));

  remove_again = run_cli (NULL, "trust", "remove", iaca_fingerprint, NULL);
  g_assert_cmpint (remove_again->status, ==, 2);
  g_assert_cmpstr (remove_again->out, ==, "");

  /* Too short to be a prefix. */
  ambiguous = run_cli (NULL, "trust", "remove", "ab", NULL);
  g_assert_cmpint (ambiguous->status, ==, 2);

  /* The DS certificate is still pinned: valid. Without it: untrusted. */
  {
    g_autoptr(JsonObject) pinned = verify_json (0, text, NULL);
    g_autoptr(IdwCertificate) ds = idw_certificate_new_from_file (ds_pem, NULL);
    g_autofree char *ds_fingerprint = idw_certificate_get_fingerprint (ds);
    g_autoptr(Run) remove_ds = run_cli (NULL, "trust", "remove", ds_fingerprint, NULL);

    assert_checks (pinned, "pppppppp");
    g_assert_cmpint (remove_ds->status, ==, 0);
  }
  removed = verify_json (1, text, NULL);
  assert_checks (removed, "ppfppppp");

  /* Not a certificate; no file at all. */
  not_a_cert = run_cli (NULL, "trust", "add", person, NULL);
  g_assert_cmpint (not_a_cert->status, ==, 1);
  g_assert_cmpstr (not_a_cert->out, ==, "");
  no_file = run_cli (NULL, "trust", "add", missing, NULL);
  g_assert_cmpint (no_file->status, ==, 2);
  g_assert_nonnull (strstr (no_file->err, missing));

  restore_data_home (g_steal_pointer (&old_home));
}

static IdwRemoteRequest *
ask (const char *first_arg,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  g_autoptr(GError) error = NULL;
  IdwRemoteRequest *request;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "ask");
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "IDWR1:"));
  g_assert_true (g_str_has_suffix (run->out, "\n"));
  g_assert_cmpuint (count_lines (run->out), ==, 1);

  request = idw_remote_request_parse (run->out, &error);
  g_assert_no_error (error);

  return request;
}

static void
test_ask (void)
{
  g_autofree char *old_home = use_data_home ("ask-home");
  g_autofree char *requests_dir = NULL;
  g_autoptr(IdwRemoteRequest) age = NULL;
  g_autoptr(IdwRemoteRequest) elements = NULL;
  g_autoptr(IdwRemoteRequest) full = NULL;
  g_autoptr(IdwRemoteRequest) eu = NULL;
  g_auto(GStrv) age_paths = NULL;
  g_auto(GStrv) element_paths = NULL;
  g_auto(GStrv) full_paths = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  guint n_files = 0;

  age = ask ("--preset", "age-over-18", "--verifier", "Bar Zero", NULL);
  g_assert_cmpstr (age->verifier, ==, "Bar Zero");
  g_assert_cmpuint (g_bytes_get_size (age->nonce), ==, IDW_REQUEST_NONCE_LENGTH);
  g_assert_cmpstr (idw_remote_request_get_doctype (age), ==, IDW_DOCTYPE_MDL);
  age_paths = idw_remote_request_get_paths (age);
  g_assert_cmpuint (g_strv_length (age_paths), ==, 1);
  g_assert_cmpstr (age_paths[0], ==, "org.iso.18013.5.1/age_over_18");

  /* Bare names are in the document type's namespace. */
  elements = ask ("--elements", "family_name,org.iso.18013.5.1/portrait", "-e", "birth_date", NULL);
  g_assert_null (elements->verifier);
  element_paths = idw_remote_request_get_paths (elements);
  g_assert_cmpuint (g_strv_length (element_paths), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) element_paths, "org.iso.18013.5.1/family_name"));
  g_assert_true (g_strv_contains ((const char * const *) element_paths, "org.iso.18013.5.1/portrait"));
  g_assert_true (g_strv_contains ((const char * const *) element_paths, "org.iso.18013.5.1/birth_date"));
  g_assert_false (g_bytes_equal (age->nonce, elements->nonce));

  full = ask (NULL, NULL);
  full_paths = idw_remote_request_get_paths (full);
  g_assert_cmpuint (g_strv_length (full_paths), >, 3);

  eu = ask ("--doctype", "eu.europa.ec.eudi.pid.1", "--preset", "name-photo", NULL);
  g_assert_cmpstr (idw_remote_request_get_doctype (eu), ==, "eu.europa.ec.eudi.pid.1");

  /* Each is remembered. */
  requests_dir = g_build_filename (data_home, "id-wallet", "requests", NULL);
  dir = g_dir_open (requests_dir, 0, &error);
  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 4);

  restore_data_home (g_steal_pointer (&old_home));
}

static void
test_remote_check (void)
{
  g_autofree char *old_home = use_data_home ("remote-home");
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) foreign = NULL;
  g_autoptr(Run) trust = NULL;
  g_autoptr(Run) ask_run = NULL;
  g_autoptr(JsonObject) valid = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autoptr(JsonObject) replay_human = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) no_nonce = NULL;
  g_autoptr(JsonObject) png_verdict = NULL;
  g_autoptr(JsonObject) png_replay = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(Run) present_png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *foreign_text = NULL;
  g_autofree char *response = NULL;
  g_autofree char *response_file = NULL;
  g_autofree char *other_response = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *png = tmp_path ("remote.png");
  g_autofree char *png_request = NULL;
  const char * const paths[] = { "org.iso.18013.5.1/age_over_18", NULL };
  JsonObject *mdl;
  JsonObject *disclosed;

  ensure_credential ();
  trust = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (trust->status, ==, 0);

  /* ask → the holder answers → verify: valid, only what was asked. */
  ask_run = run_cli (NULL, "ask", "--preset", "age-over-18", "--verifier", "Bar Zero", NULL);
  g_assert_cmpint (ask_run->status, ==, 0);
  request_text = g_strstrip (g_steal_pointer (&ask_run->out));
  request = idw_remote_request_parse (request_text, &error);
  g_assert_no_error (error);

  response = present_text ("--nonce-request", request_text, NULL);
  response_file = write_tmp ("remote-response.txt", response, -1);
  valid = verify_json (0, NULL, response_file, NULL);
  assert_checks (valid, "pppppppp");
  disclosed = json_object_get_object_member (valid, "disclosed");
  g_assert_cmpuint (json_object_get_size (disclosed), ==, 1);
  mdl = disclosed_namespace (valid, IDW_NAMESPACE_MDL);
  assert_members (mdl, "age_over_18");

  /* The same response again: a replay, not fresh. */
  replay = verify_json (1, response, NULL);
  assert_checks (replay, "pppppppf");
  human = run_cli (response, "verify", NULL);
  g_assert_cmpint (human->status, ==, 1);
  g_assert_nonnull (strstr (human->out, "replay"));
  replay_human = verify_json (1, NULL, response_file, NULL);
  assert_checks (replay_human, "pppppppf");

  /* A response to a request this verifier did not make. */
  foreign = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Someone else", &error);
  g_assert_no_error (error);
  foreign_text = idw_remote_request_to_text (foreign);
  other_response = present_text ("--nonce-request", foreign_text, NULL);
  other = verify_json (1, other_response, NULL);
  assert_checks (other, "pppppppf");

  /* A presentation without a nonce is judged by presentedAt alone. */
  plain = present_text ("--preset", "age-over-18", NULL);
  no_nonce = verify_json (0, plain, NULL);
  assert_checks (no_nonce, "pppppppp");

  /* The nonce is read from a QR code image too, and used up once. */
  {
    g_autoptr(Run) png_ask = run_cli (NULL, "ask", "--preset", "age-over-18", NULL);

    g_assert_cmpint (png_ask->status, ==, 0);
    png_request = g_strstrip (g_steal_pointer (&png_ask->out));
  }
  present_png = run_cli (NULL, "present", credential, "--nonce-request", png_request, "--png", png, NULL);
  g_assert_cmpint (present_png->status, ==, 0);
  png_verdict = verify_json (0, NULL, png, NULL);
  assert_checks (png_verdict, "pppppppp");
  png_replay = verify_json (1, NULL, png, NULL);
  assert_checks (png_replay, "pppppppf");

  restore_data_home (g_steal_pointer (&old_home));
}

/* Takes an IDW1 text apart as an attacker would: the raw DeviceResponse
 * and the QR transcript rebuilt from its presentedAt and nonce, as files. */
static void
split_presentation (const char  *text,
                    const char  *name,
                    char       **out_response_path,
                    char       **out_transcript_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) transcript = NULL;
  g_autofree char *response_name = g_strconcat (name, "-response.cbor", NULL);
  g_autofree char *transcript_name = g_strconcat (name, "-transcript.cbor", NULL);

  g_assert_no_error (error);
  response = idw_cbor_encode (envelope->response);
  transcript = idw_envelope_get_session_transcript (envelope);
  *out_response_path = write_tmp (response_name, g_bytes_get_data (response, NULL),
                                  (gssize) g_bytes_get_size (response));
  *out_transcript_path = write_tmp (transcript_name, g_bytes_get_data (transcript, NULL),
                                    (gssize) g_bytes_get_size (transcript));
}

/* A reply accepted once, replayed as a raw DeviceResponse with
 * --session-transcript, now and hours later: the nonce is used up, and
 * the raw path knows it. So does an in-person code hours old. */
static void
test_raw_replay (void)
{
  g_autofree char *old_home = use_data_home ("raw-replay-home");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 5);
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -2);
  g_autofree char *later_text = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *earlier_text = g_date_time_format (earlier, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(Run) trust = NULL;
  g_autoptr(Run) ask_run = NULL;
  g_autoptr(JsonObject) valid = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autoptr(JsonObject) replay_later = NULL;
  g_autoptr(JsonObject) stale = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *old_code = NULL;
  g_autofree char *response_path = NULL;
  g_autofree char *transcript_path = NULL;
  g_autofree char *old_response_path = NULL;
  g_autofree char *old_transcript_path = NULL;

  ensure_credential ();
  trust = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (trust->status, ==, 0);
  ask_run = run_cli (NULL, "ask", "--preset", "age-over-18", NULL);
  g_assert_cmpint (ask_run->status, ==, 0);
  request_text = g_strstrip (g_steal_pointer (&ask_run->out));

  reply = present_text ("--nonce-request", request_text, NULL);
  valid = verify_json (0, reply, NULL);
  assert_checks (valid, "pppppppp");

  split_presentation (reply, "replay", &response_path, &transcript_path);
  replay = verify_json (1, NULL, "--session-transcript", transcript_path, response_path, NULL);
  assert_checks (replay, "pppppppf");
  g_assert_cmpstr (json_object_get_string_member (replay, "handover"), ==, "idwallet-qr");
  g_assert_nonnull (strstr (check_detail (replay, "freshness"), "already used"));

  replay_later = verify_json (1, NULL, "--at", later_text, "--session-transcript", transcript_path,
                              response_path, NULL);
  assert_checks (replay_later, "pppppppf");

  /* An in-person code shown two hours ago, split the same way. */
  old_code = present_text ("--at", earlier_text, "--preset", "age-over-18", NULL);
  split_presentation (old_code, "stale", &old_response_path, &old_transcript_path);
  stale = verify_json (1, NULL, "--session-transcript", old_transcript_path, old_response_path, NULL);
  assert_checks (stale, "pppppppf");
  g_assert_nonnull (strstr (check_detail (stale, "freshness"), "stale"));

  restore_data_home (g_steal_pointer (&old_home));
}

/* Many `verify` processes started together on one nonce-bound reply:
 * exactly one of them accepts it. */
static void
test_verify_race (void)
{
  enum { N_ROUNDS = 3, N_PROCESSES = 8 };
  g_autofree char *old_home = use_data_home ("race-home");
  g_autoptr(Run) trust = NULL;

  ensure_credential ();
  trust = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (trust->status, ==, 0);

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(Run) ask_run = run_cli (NULL, "ask", "--preset", "age-over-18", NULL);
      g_autofree char *request_text = NULL;
      g_autofree char *reply = NULL;
      g_autofree char *reply_path = NULL;
      GSubprocess *processes[N_PROCESSES];
      guint accepted = 0, refused = 0;

      g_assert_cmpint (ask_run->status, ==, 0);
      request_text = g_strstrip (g_steal_pointer (&ask_run->out));
      reply = present_text ("--nonce-request", request_text, NULL);
      reply_path = write_tmp ("race-reply.txt", reply, -1);

      for (guint i = 0; i < N_PROCESSES; i++)
        {
          g_autoptr(GSubprocessLauncher) launcher =
            g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
          g_autoptr(GError) error = NULL;

          g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
          processes[i] = g_subprocess_launcher_spawn (launcher, &error, cli_path (), "verify", reply_path, NULL);
          g_assert_no_error (error);
        }
      for (guint i = 0; i < N_PROCESSES; i++)
        {
          g_autoptr(GError) error = NULL;

          g_subprocess_wait (processes[i], NULL, &error);
          g_assert_no_error (error);
          g_assert_true (g_subprocess_get_if_exited (processes[i]));
          if (g_subprocess_get_exit_status (processes[i]) == 0)
            accepted++;
          else if (g_subprocess_get_exit_status (processes[i]) == 1)
            refused++;
          g_object_unref (processes[i]);
        }
      g_test_message ("round %u: %u accepted, %u refused", round, accepted, refused);
      g_assert_cmpuint (accepted, ==, 1);
      g_assert_cmpuint (refused, ==, N_PROCESSES - 1);
    }

  restore_data_home (g_steal_pointer (&old_home));
}

/* ---- Negative verdicts ------------------------------------------------ */

static void
test_verify_untrusted (void)
{
  g_autofree char *text = present_text (NULL, NULL);
  g_autoptr(JsonObject) verdict = verify_json (1, text, NULL);
  g_autoptr(Run) human = run_cli (text, "verify", NULL);
  g_autofree char *other_dir = tmp_path ("other-issuer");
  g_autofree char *other_iaca = g_build_filename (other_dir, "iaca.pem", NULL);
  g_autoptr(Run) init = run_cli (NULL, "issuer", "init", "--out", other_dir, "--test", NULL);
  g_autoptr(JsonObject) wrong_anchor = NULL;

  g_assert_false (json_object_get_boolean_member (verdict, "valid"));
  assert_checks (verdict, "ppfppppp");

  g_assert_cmpint (human->status, ==, 1);
  g_assert_true (g_str_has_prefix (human->out, "Not valid"));
  g_assert_nonnull (strstr (human->out, "not trusted"));

  g_assert_cmpint (init->status, ==, 0);
  wrong_anchor = verify_json (1, text, "--trust", other_iaca, NULL);
  assert_checks (wrong_anchor, "ppfppppp");
}

static void
test_verify_expired (void)
{
  g_autofree char *text = present_text ("--at", "2099-12-31T23:59:00Z", NULL);
  g_autoptr(JsonObject) verdict = verify_json (1, text, "--trust", iaca_pem, "--at", "2100-01-01T00:00:00Z", NULL);

  g_assert_false (json_object_get_boolean_member (verdict, "valid"));
  g_assert_cmpstr (check_status (verdict, "validity"), ==, "failed");
  g_assert_cmpstr (check_status (verdict, "issuer_signature"), ==, "passed");
  g_assert_cmpstr (check_status (verdict, "digests"), ==, "passed");
  g_assert_cmpstr (check_status (verdict, "device_signature"), ==, "passed");
  /* The DS certificate (3 years) has expired too. */
  g_assert_cmpstr (check_status (verdict, "issuer_trusted"), ==, "failed");
}

static void
test_verify_tampered (void)
{
  g_autofree char *text = present_text (NULL, NULL);
  static const char * const signature_checks[] = {
    "decode", "issuer_signature", "mso", "digests", "device_signature", NULL
  };

  /* Three places in the middle of the Base45 text. */
  for (guint k = 1; k <= 3; k++)
    {
      g_autofree char *tampered = g_strdup (text);
      gsize pos = strlen ("IDW1:") + (strlen (text) - strlen ("IDW1:")) * k / 4;
      g_autoptr(Run) run = NULL;
      g_autoptr(JsonObject) verdict = NULL;
      gboolean named = FALSE;
      JsonArray *checks;

      tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
      run = run_cli (tampered, "verify", "--json", "--trust", iaca_pem, NULL);
      g_assert_true (run->status == 1 || run->status == 2);
      if (run->status == 2)
        continue;

      verdict = parse_verdict (run->out);
      g_assert_false (json_object_get_boolean_member (verdict, "valid"));
      checks = json_object_get_array_member (verdict, "checks");
      for (guint i = 0; i < json_array_get_length (checks); i++)
        {
          JsonObject *check = json_array_get_object_element (checks, i);

          if (g_str_equal (json_object_get_string_member (check, "status"), "failed"))
            {
              g_assert_true (g_strv_contains (signature_checks, json_object_get_string_member (check, "name")));
              named = TRUE;
            }
        }
      g_assert_true (named);
    }
}

static void
test_verify_garbage (void)
{
  g_autofree char *portrait = g_test_build_filename (G_TEST_DIST, "data", "cli", "portrait.jpg", NULL);
  g_autoptr(JsonObject) text = verify_json (1, "hello, world\n", NULL);
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) image = verify_json (1, NULL, portrait, NULL);
  g_autofree char *cbor_file = write_tmp ("not-a-response.cbor", "\xa1\x61\x61\x01", 4);
  g_autoptr(JsonObject) cbor = verify_json (1, NULL, "--session-transcript", portrait, cbor_file, NULL);
  const char * const paths[] = { "org.iso.18013.5.1/age_over_18", NULL };
  g_autoptr(IdwRemoteRequest) remote = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, NULL, NULL);
  g_autofree char *request_text = idw_remote_request_to_text (remote);

  assert_checks (text, "fnnnnnnn");
  assert_checks (image, "fnnnnnnn");
  assert_checks (cbor, "fnnnnnnn");
  g_assert_false (json_object_get_boolean_member (text, "valid"));

  /* A request is not a presentation. */
  request = verify_json (1, request_text, NULL);
  assert_checks (request, "fnnnnnnn");
}

/* ---- ISO 18013-5 Annex D ----------------------------------------------- */

static char *
annexd_binary (const char *name)
{
  g_autofree char *hex_path = g_test_build_filename (G_TEST_DIST, "data", "annexd", name, NULL);
  g_autofree char *hex = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *out_name = g_strconcat (name, ".bin", NULL);
  gsize len;

  g_assert_true (g_file_get_contents (hex_path, &hex, &len, NULL));
  g_strstrip (hex);
  len = strlen (hex);
  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len; i += 2)
    {
      guint8 byte = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));

      g_byte_array_append (bytes, &byte, 1);
    }

  return write_tmp (out_name, (const char *) bytes->data, bytes->len);
}

static void
test_annexd (void)
{
  g_autofree char *response = annexd_binary ("annexd-device-response.hex");
  g_autofree char *transcript = annexd_binary ("annexd-session-transcript-bytes.hex");
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-issuer-cert.pem", NULL);
  g_autofree char *reader_key = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-ereader-key-d.hex", NULL);
  g_autofree char *response_hex = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-device-response.hex", NULL);
  g_autoptr(JsonObject) valid = verify_json (0, NULL, "--session-transcript", transcript, "--trust", cert,
                                             "--at", "2021-01-01T00:00:00Z", "--reader-key", reader_key,
                                             response, NULL);
  g_autoptr(JsonObject) from_hex = verify_json (0, NULL, "--session-transcript", transcript, "--trust", cert,
                                                "--at", "2021-01-01T00:00:00Z", "--reader-key", reader_key,
                                                response_hex, NULL);
  g_autoptr(JsonObject) no_mac_key = verify_json (1, NULL, "--session-transcript", transcript, "--trust", cert,
                                                  "--at", "2021-01-01T00:00:00Z", response, NULL);
  g_autoptr(JsonObject) today = verify_json (1, NULL, "--session-transcript", transcript, "--trust", cert,
                                             "--reader-key", reader_key, response, NULL);
  g_autoptr(Run) no_transcript = run_cli (NULL, "verify", "--json", "--trust", cert,
                                          "--at", "2021-01-01T00:00:00Z", response, NULL);
  g_autoptr(JsonObject) untranscribed = NULL;
  JsonObject *mdl;
  JsonArray *privileges;

  g_assert_true (json_object_get_boolean_member (valid, "valid"));
  assert_checks (valid, "pppppppn");
  g_assert_cmpstr (json_object_get_string_member (valid, "docType"), ==, IDW_DOCTYPE_MDL);
  g_assert_true (json_object_get_null_member (valid, "presentedAt"));

  mdl = disclosed_namespace (valid, IDW_NAMESPACE_MDL);
  assert_members (mdl, "family_name,issue_date,expiry_date,document_number,portrait,driving_privileges");
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Doe");
  g_assert_cmpstr (json_object_get_string_member (mdl, "issue_date"), ==, "2019-10-20");
  g_assert_cmpstr (json_object_get_string_member (mdl, "expiry_date"), ==, "2024-10-20");
  g_assert_cmpstr (json_object_get_string_member (mdl, "document_number"), ==, "123456789");
  privileges = json_object_get_array_member (mdl, "driving_privileges");
  g_assert_cmpuint (json_array_get_length (privileges), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (privileges, 0),
                                                  "vehicle_category_code"), ==, "A");

  g_assert_true (json_object_get_boolean_member (from_hex, "valid"));

  /* deviceMac cannot be checked without the reader's key. */
  assert_checks (no_mac_key, "ppppppfn");

  /* Today the DS certificate and the MSO have expired; nothing else fails. */
  assert_checks (today, "ppfpfppn");

  g_assert_cmpint (no_transcript->status, ==, 1);
  g_assert_nonnull (strstr (no_transcript->err, "--session-transcript"));
  untranscribed = parse_verdict (no_transcript->out);
  g_assert_cmpstr (check_status (untranscribed, "device_signature"), ==, "failed");
  g_assert_cmpstr (check_status (untranscribed, "issuer_signature"), ==, "passed");
}

/* ---- Hostile text -------------------------------------------------------- */

/* What a presentation, a credential, a certificate or a request may carry:
 * ESC sequences that clear the screen, home the cursor and ask the terminal
 * to answer; CR, BS, DEL; the C1 CSI (U+009B) and NEL (U+0085); a
 * right-to-left override and an isolate; a newline. And how the CLI must
 * print each of them. */
#define HOSTILE_VALUE "\x1b[2J\x1b[HValid\r\b\x7f\xc2\x9b" "31m\xe2\x80\xae" "dilav\xe2\x81\xa6" "x\xe2\x81\xa9\nline\tend"
#define HOSTILE_VALUE_SHOWN "\\x1b[2J\\x1b[HValid\\r\\x08\\x7f\\u009b31m\\u202edilav\\u2066x\\u2069\\nline\\tend"
#define HOSTILE_DOCTYPE "org.example.doc\x1b]0;pwned\x07\xe2\x80\xae"
#define HOSTILE_DOCTYPE_SHOWN "org.example.doc\\x1b]0;pwned\\x07\\u202e"
#define HOSTILE_NS "org.example.ns\x1b[31m"
#define HOSTILE_NS_SHOWN "org.example.ns\\x1b[31m"
#define HOSTILE_ELEMENT "note\x1b[6n"
#define HOSTILE_ELEMENT_SHOWN "note\\x1b[6n"
#define HOSTILE_ORG "Evil\x1b[2J Org\xc2\x85\xe2\x80\xae"
#define HOSTILE_ORG_SHOWN "Evil\\x1b[2J Org\\u0085\\u202e"
#define HOSTILE_CN "DS\x1b[H\x7f"
/* Not UTF-8: a raw C1 byte, then 0xff. GnuTLS writes it into the subject
 * string as it is. */
#define HOSTILE_LOCALITY "Town\x9b\xff"
#define HOSTILE_LOCALITY_SHOWN "L=Town\\x9b\\xff"
#define HOSTILE_VERIFIER "Bank\x1b[8m\x1b]8;;http://x\x07\r\xc2\x9b" "2K\xe2\x80\xae"
#define HOSTILE_VERIFIER_SHOWN "Bank\\x1b[8m\\x1b]8;;http://x\\x07\\r\\u009b2K\\u202e"
#define HOSTILE_MISSING "absent\x1b[6n"
#define HOSTILE_MISSING_SHOWN IDW_NAMESPACE_MDL "/absent\\x1b[6n"

/* An issuer folder whose self-signed document signer has a hostile
 * subject, made with GnuTLS (`issuer init` refuses such names). */
static char *
make_hostile_issuer (void)
{
  g_autofree char *dir = tmp_path ("hostile-issuer");
  g_autofree char *cert_path = g_build_filename (dir, "ds.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "ds.key", NULL);
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autoptr(GError) error = NULL;

  test_make_hostile_ds ("ZZ", HOSTILE_ORG, HOSTILE_LOCALITY, HOSTILE_CN, &cert_pem, &key_pem);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (cert_path, cert_pem, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (key_path, key_pem, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&dir);
}

/* The holder's data with hostile values, as PERSON.json. */
static char *
write_hostile_person (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "family_name");
  json_builder_add_string_value (builder, HOSTILE_VALUE);
  json_builder_set_member_name (builder, "given_name");
  json_builder_add_string_value (builder, "Eve");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, HOSTILE_NS);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, HOSTILE_ELEMENT);
  json_builder_add_string_value (builder, HOSTILE_VALUE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  return write_tmp ("hostile-person.json", json, -1);
}

/* Every escape in @shown is there, and no raw piece of the hostile text. */
static void
assert_shows (const char *output,
              const char *shown)
{
  if (strstr (output, shown) == NULL)
    g_error ("“%s” is not in the output:\n%s", shown, output);
}

static void
test_hostile_text (void)
{
  g_autofree char *saved_data_home = g_steal_pointer (&data_home);
  g_autofree char *issuer = NULL;
  g_autofree char *ds_pem = NULL;
  g_autofree char *person = write_hostile_person ();
  g_autofree char *cred = tmp_path ("hostile.idwcred");
  g_autofree char *text = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *other_request_text = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(Run) answer = NULL;
  g_autoptr(Run) refused = NULL;
  g_autoptr(Run) trust_add = NULL;
  g_autoptr(Run) trust_list = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) other_request = NULL;
  g_autoptr(GError) error = NULL;
  const char * const paths[] = {
    IDW_NAMESPACE_MDL "/family_name", IDW_NAMESPACE_MDL "/" HOSTILE_MISSING, NULL
  };
  JsonObject *issuer_json;

  /* A store of its own: the trusted issuer below is this test's. */
  data_home = tmp_path ("hostile-data");

  issuer = make_hostile_issuer ();
  ds_pem = g_build_filename (issuer, "ds.pem", NULL);

  /* Issuing prints the holder's name and the document type. */
  issue = run_cli (NULL, "issue", "--issuer", issuer, "--data", person, "--doctype", HOSTILE_DOCTYPE,
                   "--new-device-key", "--out", cred, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  assert_shows (issue->out, HOSTILE_DOCTYPE_SHOWN);
  assert_shows (issue->out, HOSTILE_VALUE_SHOWN);

  present = run_cli (NULL, "present", cred, NULL);
  g_assert_cmpint (present->status, ==, 0);
  text = g_strstrip (g_steal_pointer (&present->out));

  /* The human verdict: value, element, namespace, document type, the
   * certificate's organisation, common name and subject, all escaped. The
   * DS is pinned: the signatures are right, the verdict is valid, and
   * still no value may draw on the terminal. */
  human = run_cli (text, "verify", "--trust", ds_pem, NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_true (g_str_has_prefix (human->out, "Valid\n"));
  assert_shows (human->out, "Family name (family_name): " HOSTILE_VALUE_SHOWN "\n");
  assert_shows (human->out, "  " HOSTILE_NS_SHOWN "\n");
  assert_shows (human->out, " (" HOSTILE_ELEMENT_SHOWN "): " HOSTILE_VALUE_SHOWN "\n");
  assert_shows (human->out, "(" HOSTILE_DOCTYPE_SHOWN ")\n");
  assert_shows (human->out, "Issuer:        " HOSTILE_ORG_SHOWN " (ZZ)  [");
  assert_shows (human->out, "CN=DS\\x1b[H\\x7f");
  assert_shows (human->out, HOSTILE_LOCALITY_SHOWN);
  /* The only lines are the CLI's own: a value's newline is "\n". */
  g_assert_null (strstr (human->out, "\nline"));

  /* JSON: valid, one line, the real values. */
  json = run_cli (text, "verify", "--json", "--trust", ds_pem, NULL);
  g_assert_cmpint (json->status, ==, 0);
  verdict = parse_verdict (json->out);
  g_assert_cmpstr (json_object_get_string_member (verdict, "docType"), ==, HOSTILE_DOCTYPE);
  g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (verdict, IDW_NAMESPACE_MDL),
                                                  "family_name"), ==, HOSTILE_VALUE);
  g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (verdict, HOSTILE_NS),
                                                  HOSTILE_ELEMENT), ==, HOSTILE_VALUE);
  issuer_json = json_object_get_object_member (verdict, "issuer");
  g_assert_cmpstr (json_object_get_string_member (issuer_json, "organization"), ==, HOSTILE_ORG);
  g_assert_cmpstr (json_object_get_string_member (issuer_json, "commonName"), ==, HOSTILE_CN);
  /* JSON cannot carry bytes that are not UTF-8: the engine names them. */
  g_assert_nonnull (strstr (json_object_get_string_member (issuer_json, "subject"), "L=Town\\x9b\\xff,"));
  g_assert_nonnull (strstr (json->out, "\\u009b"));
  g_assert_nonnull (strstr (json->out, "\\u202e"));

  /* Who asks, for what, and what is left out, as the request says. */
  request = idw_remote_request_new (HOSTILE_DOCTYPE, paths, HOSTILE_VERIFIER, &error);
  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);
  answer = run_cli (NULL, "present", cred, "--nonce-request", request_text, NULL);
  g_assert_cmpint (answer->status, ==, 0);
  assert_shows (answer->err, "“" HOSTILE_VERIFIER_SHOWN "” asks for " HOSTILE_DOCTYPE_SHOWN ".\n");
  assert_shows (answer->err, "left out: " HOSTILE_MISSING_SHOWN "\n");

  /* An error that quotes the request and the credential. */
  other_request = idw_remote_request_new ("org.example.other\x1b[2J", paths, NULL, &error);
  g_assert_no_error (error);
  other_request_text = idw_remote_request_to_text (other_request);
  refused = run_cli (NULL, "present", cred, "--nonce-request", other_request_text, NULL);
  g_assert_cmpint (refused->status, !=, 0);
  assert_shows (refused->err, "org.example.other\\x1b[2J");

  /* The trust store describes the certificate by its subject. */
  trust_add = run_cli (NULL, "trust", "add", ds_pem, NULL);
  g_assert_cmpint (trust_add->status, ==, 0);
  assert_shows (trust_add->out, "O=" HOSTILE_ORG_SHOWN);
  trust_list = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpint (trust_list->status, ==, 0);
  assert_shows (trust_list->out, "O=" HOSTILE_ORG_SHOWN);
  assert_shows (trust_list->out, HOSTILE_LOCALITY_SHOWN);

  g_free (data_home);
  data_home = g_steal_pointer (&saved_data_home);
}

/* The escaping rules on their own, through verify's human output of an
 * element value: each class of character, one at a time. */
static void
test_hostile_each_character (void)
{
  const struct
  {
    const char *raw;
    const char *shown;
  } cases[] = {
    { "a\x01z", "a\\x01z" },
    { "a\x1b" "z", "a\\x1bz" },
    { "a\x1f" "z", "a\\x1fz" },
    { "a\nz", "a\\nz" },
    { "a\tz", "a\\tz" },
    { "a\rz", "a\\rz" },
    { "a\x7f" "z", "a\\x7fz" },
    { "a\xc2\x80" "z", "a\\u0080z" },
    { "a\xc2\x9f" "z", "a\\u009fz" },
    { "a\xe2\x80\xaa" "z", "a\\u202az" },
    { "a\xe2\x80\xae" "z", "a\\u202ez" },
    { "a\xe2\x81\xa6" "z", "a\\u2066z" },
    { "a\xe2\x81\xa9" "z", "a\\u2069z" },
    { "a\xe2\x80\xa8" "z", "a\\u2028z" },
    /* Left alone: printable text, backslashes, other scripts. */
    { "Zoë \\ 张伟 שלום", "Zoë \\ 张伟 שלום" },
  };
  g_autofree char *issuer = make_hostile_issuer ();
  g_autofree char *ds_pem = g_build_filename (issuer, "ds.pem", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;
      g_autofree char *person = NULL;
      g_autofree char *name = g_strdup_printf ("char-%u.idwcred", i);
      g_autofree char *cred = tmp_path (name);
      g_autofree char *expected = g_strdup_printf ("(family_name): %s\n", cases[i].shown);
      g_autofree char *text = NULL;
      g_autoptr(Run) issue = NULL;
      g_autoptr(Run) present = NULL;
      g_autoptr(Run) human = NULL;
      g_autoptr(Run) as_json = NULL;
      g_autoptr(JsonObject) verdict = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "family_name");
      json_builder_add_string_value (builder, cases[i].raw);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json = json_generator_to_data (generator, NULL);
      person = write_tmp ("char-person.json", json, -1);

      issue = run_cli (NULL, "issue", "--issuer", issuer, "--data", person, "--new-device-key",
                       "--out", cred, NULL);
      g_assert_cmpint (issue->status, ==, 0);
      present = run_cli (NULL, "present", cred, NULL);
      g_assert_cmpint (present->status, ==, 0);
      text = g_strstrip (g_steal_pointer (&present->out));

      human = run_cli (text, "verify", "--trust", ds_pem, NULL);
      assert_shows (human->out, expected);

      as_json = run_cli (text, "verify", "--json", "--trust", ds_pem, NULL);
      verdict = parse_verdict (as_json->out);
      g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (verdict, IDW_NAMESPACE_MDL),
                                                      "family_name"), ==, cases[i].raw);
    }
}

/* ---- id-wallet-bench smoke test --------------------------------------- */

static const char *
last_line (const char *out)
{
  const char *end;
  const char *start;

  g_assert_true (g_str_has_suffix (out, "\n"));
  end = out + strlen (out) - 1;
  start = end;
  while (start > out && start[-1] != '\n')
    start--;

  return start;
}

static void
assert_bench_line (Run        *run,
                   const char *name)
{
  g_autofree char *pattern = g_strdup_printf ("^%s: [0-9]+ per second\n$", name);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_regex_match_simple (pattern, last_line (run->out), 0, 0));
}

static void
test_bench_smoke (void)
{
  const char *bench = g_getenv ("IDW_BENCH");
  g_autofree char *text = present_text ("--preset", "age-over-18", NULL);
  g_autofree char *text_file = write_tmp ("bench.txt", text, -1);
  g_autofree char *png = tmp_path ("bench.png");
  g_autofree char *response = annexd_binary ("annexd-device-response.hex");
  g_autofree char *transcript = annexd_binary ("annexd-session-transcript-bytes.hex");
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-issuer-cert.pem", NULL);
  g_autofree char *reader_key = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-ereader-key-d.hex", NULL);
  g_autoptr(Run) present_png = run_cli (NULL, "present", credential, "--png", png, NULL);
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(Run) run = NULL;

  g_assert_cmpint (present_png->status, ==, 0);

#define BENCH(...) G_STMT_START { \
    const char *argv_[] = { bench, __VA_ARGS__, NULL }; \
    g_clear_pointer (&args, g_ptr_array_unref); \
    g_clear_pointer (&run, run_free); \
    args = g_ptr_array_new (); \
    for (guint i_ = 0; argv_[i_] != NULL; i_++) \
      g_ptr_array_add (args, (gpointer) argv_[i_]); \
    run = run_argv (NULL, args); \
  } G_STMT_END

  BENCH ("verify", "-n", "3", "--trust", iaca_pem, text_file);
  assert_bench_line (run, "verify");
  g_assert_nonnull (strstr (run->out, "issuerAuth"));
  g_assert_nonnull (strstr (run->out, "deviceSignature"));

  BENCH ("verify", "-n", "2", "--trust", iaca_pem, png);
  assert_bench_line (run, "verify");

  BENCH ("verify", "-n", "2", "--session-transcript", transcript, "--trust", cert,
         "--at", "2021-01-01T00:00:00Z", "--reader-key", reader_key, response);
  assert_bench_line (run, "verify");

  BENCH ("present", "-n", "3", credential);
  assert_bench_line (run, "present");

  BENCH ("qr-decode", "-n", "2");
  assert_bench_line (run, "qr-decode");

  BENCH ("qr-decode", "-n", "2", text_file);
  assert_bench_line (run, "qr-decode");

  BENCH ("verify", "-n", "2", "/nonexistent/input");
  g_assert_cmpint (run->status, ==, 2);

  BENCH ("frobnicate");
  g_assert_cmpint (run->status, ==, 2);

#undef BENCH
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_build_filename (tmp_dir, "data", NULL);

  if (g_getenv ("IDW_BENCH") != NULL)
    {
      g_test_add_func ("/bench/smoke", test_bench_smoke);
    }
  else
    {
      g_test_add_func ("/cli/usage/help", test_usage_help);
      g_test_add_func ("/cli/usage/errors", test_usage_errors);
      g_test_add_func ("/cli/usage/missing-files", test_missing_files);
      g_test_add_func ("/cli/issuer/init", test_issuer_init);
      g_test_add_func ("/cli/issue/new-device-key", test_issue_new_device_key);
      g_test_add_func ("/cli/issue/options", test_issue_options);
      g_test_add_func ("/cli/issue/bad-data", test_issue_bad_data);
      g_test_add_func ("/cli/issue/device-key", test_issue_device_key);
      g_test_add_func ("/cli/roundtrip/text-json", test_roundtrip_text);
      g_test_add_func ("/cli/roundtrip/human", test_roundtrip_human);
      g_test_add_func ("/cli/present/age-over-18", test_present_age_over_18);
      g_test_add_func ("/cli/present/elements", test_present_elements);
      g_test_add_func ("/cli/present/png", test_present_png);
      g_test_add_func ("/cli/present/at", test_present_at);
      g_test_add_func ("/cli/present/nonce-request", test_present_nonce_request);
      g_test_add_func ("/cli/verify/untrusted", test_verify_untrusted);
      g_test_add_func ("/cli/verify/expired", test_verify_expired);
      g_test_add_func ("/cli/verify/tampered", test_verify_tampered);
      g_test_add_func ("/cli/verify/garbage", test_verify_garbage);
      g_test_add_func ("/cli/verify/annexd", test_annexd);
      g_test_add_func ("/cli/trust/add-list-remove", test_trust_store);
      g_test_add_func ("/cli/ask/request", test_ask);
      g_test_add_func ("/cli/ask/remote-check", test_remote_check);
      g_test_add_func ("/cli/ask/raw-replay", test_raw_replay);
      g_test_add_func ("/cli/ask/verify-race", test_verify_race);
      g_test_add_func ("/cli/hostile/text", test_hostile_text);
      g_test_add_func ("/cli/hostile/each-character", test_hostile_each_character);
    }

  status = g_test_run ();

  if (status == 0)
    remove_tree (tmp_dir);
  else
    g_printerr ("# test files kept in %s\n", tmp_dir);

  g_free (tmp_dir);
  g_free (data_home);
  g_free (issuer_dir);
  g_free (iaca_pem);
  g_free (credential);

  return status;
}
