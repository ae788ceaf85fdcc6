/* test-cli-history.c: `id-wallet-cli history`, and what `present` records
 * in it (issue 16)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a real unlocked keyring (the history is encrypted under the
 * wallet key): build-aux/dev test and tools/mtest.sh run this inside a
 * private D-Bus session with a gnome-keyring-daemon; without one every
 * test is skipped. The spawned CLI gets an XDG_DATA_HOME of the test's
 * own, so its credentials and history are the test's.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-test-util.h"

#define MDL_NS "org.iso.18013.5.1"

static char *keyring_missing;   /* why the keyring cannot be used, or NULL */
static char *wallet_id;         /* the imported credential */
static char *other_id;          /* a second credential */

static gboolean
skip_without_keyring (void)
{
  if (keyring_missing == NULL)
    return FALSE;
  g_test_skip (keyring_missing);
  return TRUE;
}

static char *
import_credential (const char *path)
{
  g_autoptr(Run) import = run_cli (NULL, "import", path, NULL);

  g_assert_cmpint (import->status, ==, 0);
  return g_strstrip (g_strdup (import->out));
}

static void
ensure_wallet (void)
{
  ensure_credential ();
  if (wallet_id == NULL)
    wallet_id = import_credential (credential);
}

static JsonArray *
history_json (const char *first_arg,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;
  JsonNode *root;
  va_list ap;

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "history");
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  run = run_argv (NULL, args);

  g_assert_cmpint (run->status, ==, 0);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

/* The entry's elements, sorted, comma-separated. */
static char *
elements_of (JsonObject *entry)
{
  JsonArray *elements = json_object_get_array_member (entry, "elements");
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (elements); i++)
    g_ptr_array_add (sorted, (gpointer) json_array_get_string_element (elements, i));
  g_ptr_array_sort (sorted, test_compare_strings);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (",", (GStrv) sorted->pdata);
}

/* Exactly the fields of the issue and docs/store.md, in that order. */
static void
assert_fields (JsonObject *entry)
{
  static const char * const fields[] = {
    "id", "time", "credential", "credentialName", "docType", "elements", "channel", "verifier",
    "outcome", NULL
  };
  g_autoptr(GList) members = json_object_get_members (entry);
  guint i = 0;

  for (GList *l = members; l != NULL; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, fields[i]);
  g_assert_null (fields[i]);
}

static char *
expected_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) parsed = idw_credential_new_from_file (credential, &error);

  g_assert_no_error (error);
  return idw_history_name_for_credential (parsed, NULL);
}

static guint
history_length (void)
{
  g_autoptr(JsonArray) entries = history_json (NULL);

  return json_array_get_length (entries);
}

static char *
history_dir (void)
{
  return g_build_filename (data_home, "id-wallet", "history", NULL);
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_empty (void)
{
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonArray) entries = NULL;

  if (skip_without_keyring ())
    return;

  list = run_cli (NULL, "history", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpstr (list->out, ==, "");
  g_assert_nonnull (strstr (list->err, "The history is empty."));
  entries = history_json (NULL);
  g_assert_cmpuint (json_array_get_length (entries), ==, 0);
}

/* The acceptance case of issue 16: two presentations, one a reply to
 * "Lotus Hotel"'s request, with their elements and the verifier's name. */
static void
test_acceptance (void)
{
  g_autoptr(Run) shown = NULL;
  g_autoptr(Run) ask = NULL;
  g_autoptr(Run) reply = NULL;
  g_autoptr(Run) verify = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *first, *second;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();
  name = expected_name ();

  shown = run_cli (NULL, "present", wallet_id, "--preset", "age-over-18", NULL);
  g_assert_cmpint (shown->status, ==, 0);
  g_assert_true (g_str_has_prefix (shown->out, "IDW1:"));

  ask = run_cli (NULL, "ask", "--verifier", "Lotus Hotel",
                 "--elements", "family_name,given_name", NULL);
  g_assert_cmpint (ask->status, ==, 0);
  g_strstrip (ask->out);
  reply = run_cli (NULL, "present", wallet_id, "--nonce-request", ask->out, NULL);
  g_assert_cmpint (reply->status, ==, 0);
  g_assert_nonnull (strstr (reply->err, "Lotus Hotel"));
  /* The reply is a real one: the verifier takes it. */
  verify = run_cli (reply->out, "verify", "--trust", iaca_pem, NULL);
  g_assert_cmpint (verify->status, ==, 0);

  entries = history_json (NULL);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);

  /* Newest first: the reply (made in the same second or later). */
  first = json_array_get_object_element (entries, 0);
  second = json_array_get_object_element (entries, 1);
  assert_fields (first);
  assert_fields (second);

  g_assert_cmpstr (json_object_get_string_member (first, "channel"), ==, "reply");
  g_assert_cmpstr (json_object_get_string_member (first, "verifier"), ==, "Lotus Hotel");
  g_assert_cmpstr (json_object_get_string_member (first, "outcome"), ==, "shared");
  {
    g_autofree char *elements = elements_of (first);

    g_assert_cmpstr (elements, ==, MDL_NS "/family_name," MDL_NS "/given_name");
  }

  g_assert_cmpstr (json_object_get_string_member (second, "channel"), ==, "text");
  g_assert_true (json_object_get_null_member (second, "verifier"));
  g_assert_cmpstr (json_object_get_string_member (second, "outcome"), ==, "shared");
  {
    g_autofree char *elements = elements_of (second);

    g_assert_cmpstr (elements, ==, MDL_NS "/age_over_18");
  }

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *time = json_object_get_string_member (entry, "time");
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (time, NULL);

      g_assert_cmpstr (json_object_get_string_member (entry, "credential"), ==, wallet_id);
      g_assert_cmpstr (json_object_get_string_member (entry, "credentialName"), ==, name);
      g_assert_cmpstr (json_object_get_string_member (entry, "docType"), ==, IDW_DOCTYPE_MDL);
      g_assert_cmpuint (strlen (json_object_get_string_member (entry, "id")), ==, 32);
      /* RFC 3339, UTC, whole seconds, about now. */
      g_assert_nonnull (parsed);
      g_assert_true (g_str_has_suffix (time, "Z"));
      g_assert_cmpuint (strlen (time), ==, strlen ("2026-12-06T10:00:00Z"));
      g_assert_cmpint (ABS (g_date_time_difference (parsed, now)), <, 3600 * G_TIME_SPAN_SECOND);
    }

  /* No shared value is in the history's file. */
  {
    g_autofree char *dir = history_dir ();
    g_autofree char *path = g_build_filename (dir, "history.idwhist", NULL);
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_null (g_strstr_len (contents, len, "Mustermann"));
    g_assert_null (g_strstr_len (contents, len, "Lotus"));
  }
}

/* --png and --animate are QR codes; the text lines of `history`. */
static void
test_qr_and_text_list (void)
{
  g_autofree char *png = tmp_path ("shown.png");
  g_autofree char *frames = tmp_path ("frames");
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) animate = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  JsonObject *newest;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();

  present = run_cli (NULL, "present", wallet_id, "--png", png, "--preset", "name-photo", NULL);
  g_assert_cmpint (present->status, ==, 0);
  entries = history_json (NULL);
  newest = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (newest, "channel"), ==, "qr");
  {
    g_autofree char *elements = elements_of (newest);

    /* What the code holds: without the portrait when it was left out. */
    if (strstr (present->err, "portrait was left out") != NULL)
      g_assert_null (strstr (elements, "portrait"));
    else
      g_assert_nonnull (strstr (elements, MDL_NS "/portrait"));
    g_assert_nonnull (strstr (elements, MDL_NS "/family_name"));
  }

  animate = run_cli (NULL, "present", wallet_id, "--animate", frames, "--frames", "2", NULL);
  g_assert_cmpint (animate->status, ==, 0);
  g_clear_pointer (&entries, json_array_unref);
  entries = history_json (NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                  "channel"), ==, "qr");

  list = run_cli (NULL, "history", NULL);
  g_assert_cmpint (list->status, ==, 0);
  lines = g_strsplit (list->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, json_array_get_length (entries) + 1);
  g_assert_nonnull (strstr (list->err, "entries."));
  /* ID, time, how, credential, elements. */
  for (guint i = 0; i + 1 < g_strv_length (lines); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_clear_pointer (&fields, g_strfreev);
      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      g_assert_cmpstr (fields[0], ==, json_object_get_string_member (entry, "id"));
      g_assert_cmpstr (fields[1], ==, json_object_get_string_member (entry, "time"));
    }
  g_assert_nonnull (strstr (list->out, "\treply to “Lotus Hotel”\t"));
  g_assert_nonnull (strstr (list->out, "\tQR code\t"));
  g_assert_nonnull (strstr (list->out, "\ttext\t"));
}

/* Not recorded: --no-history, a credential file from outside the wallet. */
static void
test_not_recorded (void)
{
  g_autoptr(Run) quiet = NULL;
  g_autoptr(Run) from_file = NULL;
  guint before;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();

  before = history_length ();
  quiet = run_cli (NULL, "present", wallet_id, "--no-history", NULL);
  g_assert_cmpint (quiet->status, ==, 0);
  from_file = run_cli (NULL, "present", credential, NULL);
  g_assert_cmpint (from_file->status, ==, 0);
  g_assert_cmpuint (history_length (), ==, before);
}

/* The record-history setting, read from the app's schema when it is
 * installed (here: compiled in the build, a keyfile backend). */
static void
test_setting_off (void)
{
  const char *schema_dir = g_getenv ("IDW_SCHEMA_DIR");
  g_autofree char *config = tmp_path ("config");
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) list = NULL;
  guint before;

  if (skip_without_keyring ())
    return;
  if (schema_dir == NULL)
    {
      g_test_skip ("the settings schema is not compiled in this build (engine_only)");
      return;
    }
  ensure_wallet ();
  before = history_length ();

  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keyfile, "[io/github/idwallet/IdWallet]\nrecord-history=false\n",
                                      -1, NULL));
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  present = run_cli (NULL, "present", wallet_id, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_assert_true (g_str_has_prefix (present->out, "IDW1:"));
  list = run_cli (NULL, "history", NULL);
  g_assert_nonnull (strstr (list->err, "Recording is off"));
  g_assert_cmpuint (history_length (), ==, before);

  /* Back on: recorded again. */
  g_assert_true (g_file_set_contents (keyfile, "[io/github/idwallet/IdWallet]\nrecord-history=true\n",
                                      -1, NULL));
  g_clear_pointer (&present, run_free);
  present = run_cli (NULL, "present", wallet_id, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_assert_cmpuint (history_length (), ==, before + 1);

  g_unsetenv ("XDG_CONFIG_HOME");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("GSETTINGS_SCHEMA_DIR");
}

static void
test_credential_filter (void)
{
  g_autofree char *second = tmp_path ("second.idwcred");
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *prefix = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) bad = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) mine = NULL;
  g_autoptr(JsonArray) theirs = NULL;
  g_autoptr(JsonArray) none = NULL;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();

  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--new-device-key", "--out", second, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  other_id = import_credential (second);
  present = run_cli (NULL, "present", other_id, "--elements", "birth_date", NULL);
  g_assert_cmpint (present->status, ==, 0);

  all = history_json (NULL);
  prefix = g_strndup (other_id, 6);
  theirs = history_json ("--credential", prefix, NULL);
  mine = history_json ("--credential", wallet_id, NULL);
  none = history_json ("--credential", "ffffffff", NULL);

  g_assert_cmpuint (json_array_get_length (theirs), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (theirs, 0),
                                                  "credential"), ==, other_id);
  {
    g_autofree char *elements = elements_of (json_array_get_object_element (theirs, 0));

    g_assert_cmpstr (elements, ==, MDL_NS "/birth_date");
  }
  g_assert_cmpuint (json_array_get_length (mine), ==, json_array_get_length (all) - 1);
  for (guint i = 0; i < json_array_get_length (mine); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (mine, i),
                                                    "credential"), ==, wallet_id);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);

  bad = run_cli (NULL, "history", "--credential", "not-an-id", NULL);
  g_assert_cmpint (bad->status, ==, 2);
}

static void
test_delete (void)
{
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(Run) deleted = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) bad = NULL;
  g_autoptr(Run) missing = NULL;
  g_autofree char *victim = NULL;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();
  {
    g_autoptr(Run) present = run_cli (NULL, "present", wallet_id, NULL);

    g_assert_cmpint (present->status, ==, 0);
  }

  before = history_json (NULL);
  g_assert_cmpuint (json_array_get_length (before), >=, 2);
  victim = g_strdup (json_object_get_string_member (json_array_get_object_element (before, 1), "id"));

  deleted = run_cli (NULL, "history", "delete", victim, NULL);
  g_assert_cmpint (deleted->status, ==, 0);
  after = history_json (NULL);
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (before) - 1);
  for (guint i = 0; i < json_array_get_length (after); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, i), "id"),
                     !=, victim);
  /* The others as they were, in order. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, 0), "id"), ==,
                   json_object_get_string_member (json_array_get_object_element (before, 0), "id"));

  again = run_cli (NULL, "history", "delete", victim, NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, victim));
  bad = run_cli (NULL, "history", "delete", "nope", NULL);
  g_assert_cmpint (bad->status, ==, 2);
  missing = run_cli (NULL, "history", "delete", NULL);
  g_assert_cmpint (missing->status, ==, 2);
}

/* A hostile verifier name reaches the terminal escaped, and the JSON
 * keeps it exactly. */
static void
test_hostile_verifier (void)
{
  const char *name = "Evil\t\u202eCorp\x1b[31m";
  g_autoptr(Run) ask = NULL;
  g_autoptr(Run) reply = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonArray) entries = NULL;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();

  ask = run_cli (NULL, "ask", "--verifier", name, "--elements", "age_over_18", NULL);
  g_assert_cmpint (ask->status, ==, 0);
  g_strstrip (ask->out);
  reply = run_cli (NULL, "present", wallet_id, "--nonce-request", ask->out, NULL);
  g_assert_cmpint (reply->status, ==, 0);

  /* run_cli() refuses raw controls and bidi overrides in any output. */
  list = run_cli (NULL, "history", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpuint (count_lines (list->out), ==, history_length ());
  entries = history_json (NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                  "verifier"), ==, name);
}

/* A damaged history: the list says so; a presentation still works and
 * starts a new history, keeping the damaged file. */
static void
test_damaged (void)
{
  g_autofree char *dir = history_dir ();
  g_autofree char *path = g_build_filename (dir, "history.idwhist", NULL);
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(GDir) folder = NULL;
  guint n_aside = 0;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();

  g_assert_true (g_file_set_contents (path, "IDWH1\nnot really a history at all", -1, NULL));
  list = run_cli (NULL, "history", NULL);
  g_assert_cmpint (list->status, ==, 1);
  g_assert_nonnull (strstr (list->err, "history"));
  g_assert_nonnull (strstr (list->err, "history clear"));

  present = run_cli (NULL, "present", wallet_id, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_assert_cmpuint (history_length (), ==, 1);
  folder = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (folder)) != NULL;)
    n_aside += g_str_has_prefix (name, "history.idwhist.damaged-");
  g_assert_cmpuint (n_aside, ==, 1);
}

/* A history that cannot be written: the presentation is still made and
 * printed, with a word that it was not recorded. */
static void
test_record_fails (void)
{
  g_autofree char *dir = history_dir ();
  g_autoptr(Run) present = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();

  /* A file where the folder should be (a mode would not stop root). */
  remove_tree (dir);
  g_assert_true (g_file_set_contents (dir, "in the way", -1, &error));

  present = run_cli (NULL, "present", wallet_id, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_assert_true (g_str_has_prefix (present->out, "IDW1:"));
  g_assert_nonnull (strstr (present->err, "not recorded in your history"));

  g_assert_cmpint (g_unlink (dir), ==, 0);
}

static void
test_clear (void)
{
  g_autoptr(Run) clear = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) bad = NULL;

  if (skip_without_keyring ())
    return;
  ensure_wallet ();
  {
    g_autoptr(Run) present = run_cli (NULL, "present", wallet_id, NULL);

    g_assert_cmpint (present->status, ==, 0);
  }
  g_assert_cmpuint (history_length (), >, 0);

  clear = run_cli (NULL, "history", "clear", NULL);
  g_assert_cmpint (clear->status, ==, 0);
  g_assert_cmpuint (history_length (), ==, 0);
  list = run_cli (NULL, "history", NULL);
  g_assert_nonnull (strstr (list->err, "empty"));

  bad = run_cli (NULL, "history", "clear", "--json", NULL);
  g_assert_cmpint (bad->status, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(IdwWalletKey) key = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  cli_test_init (&argc, &argv, "test-cli-history-XXXXXX");
  issuer_name = "History Republic";

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    keyring_missing = g_strdup ("no D-Bus session: run with build-aux/dev test or tools/mtest.sh");
  else if ((key = idw_keystore_get_wallet_key_sync (NULL, &error)) == NULL)
    keyring_missing = g_strdup_printf ("no usable keyring: %s", error->message);

  /* In order: later tests build on what earlier ones recorded. */
  g_test_add_func ("/cli-history/empty", test_empty);
  g_test_add_func ("/cli-history/acceptance", test_acceptance);
  g_test_add_func ("/cli-history/qr-and-text-list", test_qr_and_text_list);
  g_test_add_func ("/cli-history/not-recorded", test_not_recorded);
  g_test_add_func ("/cli-history/setting-off", test_setting_off);
  g_test_add_func ("/cli-history/credential-filter", test_credential_filter);
  g_test_add_func ("/cli-history/delete", test_delete);
  g_test_add_func ("/cli-history/hostile-verifier", test_hostile_verifier);
  g_test_add_func ("/cli-history/damaged", test_damaged);
  g_test_add_func ("/cli-history/record-fails", test_record_fails);
  g_test_add_func ("/cli-history/clear", test_clear);

  status = cli_test_finish (g_test_run ());

  g_free (keyring_missing);
  g_free (wallet_id);
  g_free (other_id);

  return status;
}
