/* test-verifier-log.c: the verifier's log of verdicts (idw-verifier-log.h):
 * what it keeps and never keeps, order, clear, the size cap, damaged
 * lines, concurrent writers, and the CSV export against hostile text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idw-credential.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-present.h"
#include "idw-verifier.h"
#include "idw-text.h"
#include "idw-verifier-log.h"
#include "idw-x509.h"
#include "test-util.h"

typedef struct
{
  char           *dir;
  char           *path;
  IdwVerifierLog *log;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_tmp_dir_new ("idw-verifier-log-XXXXXX");
  /* In a folder the log makes itself. */
  f->path = g_build_filename (f->dir, "id-wallet", "verifier-log.jsonl", NULL);
  f->log = idw_verifier_log_new (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->log);
  g_free (f->path);
  test_tmp_dir_free (f->dir);
}

/* ---- Verdicts ------------------------------------------------------------ */

typedef struct
{
  IdwCredential  *credential;
  IdwKey         *device_key;
  IdwCertificate *iaca;
} Issued;

static void
issued_clear (Issued *issued)
{
  g_clear_object (&issued->credential);
  g_clear_pointer (&issued->device_key, idw_key_unref);
  g_clear_pointer (&issued->iaca, idw_certificate_unref);
}

static void
issue (Issued     *out,
       const char *doctype)
{
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  IdwIssueOptions options = { 0 };

  files = idw_x509_create_issuer ("Log Authority", "DE", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_assert_no_error (error);
  out->iaca = idw_certificate_new_from_data ((const guint8 *) files->iaca_pem,
                                             strlen (files->iaca_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) files->ds_pem, strlen (files->ds_pem), &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);
  out->device_key = idw_key_generate_ed25519 ();

  json_parser_load_from_data (parser,
                              "{\"org.iso.18013.5.1\": {\"family_name\": \"Mustermann\","
                              " \"given_name\": \"Erika\", \"birth_date\": \"1990-05-17\","
                              " \"age_over_18\": true}}",
                              -1, &error);
  g_assert_no_error (error);
  options.doctype = doctype;
  out->credential = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)),
                                          NULL, out->device_key, ds_key, ds, &options, &error);
  g_assert_no_error (error);
}

/* A verdict on a fresh presentation of @issued: trusted or not. */
static IdwVerdict *
verdict_for (Issued   *issued,
             gboolean  trusted)
{
  static const char * const paths[] = { "org.iso.18013.5.1/family_name", NULL };
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = idw_present_text (issued->credential, issued->device_key, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  if (trusted)
    idw_verifier_add_trust_anchor (verifier, issued->iaca);
  return idw_verifier_verify_text (verifier, text);
}

static IdwVerifierLogEntry *
make_entry (gint64      offset,
            const char *issuer)
{
  IdwVerifierLogEntry *entry = g_new0 (IdwVerifierLogEntry, 1);

  entry->time = g_date_time_new_from_unix_utc (G_GINT64_CONSTANT (1796551200) + offset);
  entry->doctype = g_strdup ("org.iso.18013.5.1.mDL");
  entry->issuer = g_strdup (issuer);
  entry->country = g_strdup ("DE");
  entry->valid = TRUE;
  entry->status = g_strdup ("not_applicable");
  return entry;
}

static GPtrArray *
list_ok (IdwVerifierLog *log)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = idw_verifier_log_list_sync (log, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static void
append_ok (IdwVerifierLog      *log,
           IdwVerifierLogEntry *entry)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (idw_verifier_log_append_sync (log, entry, NULL, &error));
  g_assert_no_error (error);
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_from_verdict (Fixture       *f,
                   gconstpointer  data)
{
  Issued issued = { 0 };
  g_autoptr(IdwVerdict) valid = NULL;
  g_autoptr(IdwVerdict) untrusted = NULL;
  g_autoptr(IdwVerdict) garbage = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *contents = NULL;
  IdwVerifierLogEntry *e;

  issue (&issued, NULL);
  valid = verdict_for (&issued, TRUE);
  g_assert_true (idw_verdict_is_valid (valid));
  untrusted = verdict_for (&issued, FALSE);
  garbage = idw_verifier_verify_text (verifier, "IDW1:not a presentation");

  {
    g_autoptr(IdwVerifierLogEntry) a = idw_verifier_log_entry_new_from_verdict (valid);
    g_autoptr(IdwVerifierLogEntry) b = idw_verifier_log_entry_new_from_verdict (untrusted);
    g_autoptr(IdwVerifierLogEntry) c = idw_verifier_log_entry_new_from_verdict (garbage);

    append_ok (f->log, a);
    append_ok (f->log, b);
    append_ok (f->log, c);
  }

  entries = list_ok (f->log);
  g_assert_cmpuint (entries->len, ==, 3);

  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->doctype, ==, "org.iso.18013.5.1.mDL");
  g_assert_nonnull (e->issuer);
  g_assert_cmpstr (e->issuer, ==, idw_verdict_get_issuer_organization (valid) != NULL
                                  ? idw_verdict_get_issuer_organization (valid)
                                  : idw_verdict_get_issuer_common_name (valid));
  g_assert_cmpstr (e->country, ==, "DE");
  g_assert_true (e->valid);
  g_assert_null (e->failed_check);
  g_assert_cmpstr (e->status, ==, "not_applicable");
  g_assert_true (e->test_issuer);
  g_assert_cmpint (g_date_time_to_unix (e->time), ==,
                   g_date_time_to_unix (idw_verdict_get_verified_at (valid)));

  e = g_ptr_array_index (entries, 1);
  g_assert_false (e->valid);
  g_assert_cmpstr (e->failed_check, ==, "issuer_trusted");

  e = g_ptr_array_index (entries, 2);
  g_assert_false (e->valid);
  g_assert_cmpstr (e->failed_check, ==, "decode");
  g_assert_null (e->doctype);
  g_assert_null (e->issuer);

  /* Never a disclosed value. */
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "Mustermann"));
  g_assert_null (strstr (contents, "family_name"));

  issued_clear (&issued);
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwVerifierLogEntry) entry = make_entry (0, "Issuer");
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *contents = NULL;
  GStatBuf st;

  g_assert_cmpstr (idw_verifier_log_get_path (f->log), ==, f->path);
  {
    g_autoptr(GPtrArray) none = list_ok (f->log);

    g_assert_cmpuint (none->len, ==, 0);
    g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  }

  append_ok (f->log, entry);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The documented line. */
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "{\"time\":\"2026-12-06T10:00:00Z\",\"docType\":\"org.iso.18013.5.1.mDL\","
                   "\"issuer\":\"Issuer\",\"country\":\"DE\",\"valid\":true,\"failedCheck\":null,"
                   "\"status\":\"not_applicable\",\"testIssuer\":false}\n");
}

static void
test_order_and_clear (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Issuer %u", i);
      g_autoptr(IdwVerifierLogEntry) entry = make_entry (i, name);

      append_ok (f->log, entry);
    }
  entries = list_ok (f->log);
  g_assert_cmpuint (entries->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Issuer %u", i);

      g_assert_cmpstr (((IdwVerifierLogEntry *) g_ptr_array_index (entries, i))->issuer, ==, name);
    }

  g_assert_true (idw_verifier_log_clear_sync (f->log, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = list_ok (f->log);
  g_assert_cmpuint (entries->len, ==, 0);
  /* Again, with nothing there. */
  g_assert_true (idw_verifier_log_clear_sync (f->log, NULL, &error));
  g_assert_no_error (error);
}

/* The file stays under the limit; the newest entries stay. */
static void
test_size_cap (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *fill = g_strnfill (IDW_VERIFIER_LOG_MAX_TEXT - 8, 'x');
  g_autoptr(GPtrArray) entries = NULL;
  IdwVerifierLogEntry *last;
  GStatBuf st;
  guint n = 0;

  /* Well past the limit (each line is over 300 bytes). */
  for (n = 0; n < IDW_VERIFIER_LOG_MAX_FILE / 300 + 500; n++)
    {
      g_autofree char *name = g_strdup_printf ("%06u%s", n, fill);
      g_autoptr(IdwVerifierLogEntry) entry = make_entry (n, name);

      append_ok (f->log, entry);
      g_assert_cmpint (g_stat (f->path, &st), ==, 0);
      g_assert_cmpint (st.st_size, <=, IDW_VERIFIER_LOG_MAX_FILE);
    }

  entries = list_ok (f->log);
  g_assert_cmpuint (entries->len, <, n);
  last = g_ptr_array_index (entries, entries->len - 1);
  /* The oldest went. */
  g_assert_false (g_str_has_prefix (((IdwVerifierLogEntry *) g_ptr_array_index (entries, 0))->issuer,
                                    "000000"));
  {
    g_autofree char *newest = g_strdup_printf ("%06u", n - 1);

    g_assert_true (g_str_has_prefix (last->issuer, newest));
  }
  /* Consecutive, up to the newest: only the oldest went. */
  g_assert_cmpuint (entries->len, >, 1000);
  for (guint i = 1; i < entries->len; i++)
    {
      IdwVerifierLogEntry *a = g_ptr_array_index (entries, i - 1);
      IdwVerifierLogEntry *b = g_ptr_array_index (entries, i);

      g_assert_cmpint (g_date_time_to_unix (b->time) - g_date_time_to_unix (a->time), ==, 1);
    }
}

/* Texts from a presentation are cut to the limit, on a character
 * boundary. */
static void
test_text_limit (Fixture       *f,
                 gconstpointer  data)
{
  /* 255 ASCII bytes and a 2-byte character across the limit. */
  g_autofree char *head = g_strnfill (IDW_VERIFIER_LOG_MAX_TEXT - 1, 'a');
  g_autofree char *long_name = g_strconcat (head, "é and more", NULL);
  g_autofree char *exact = g_strnfill (IDW_VERIFIER_LOG_MAX_TEXT, 'b');
  g_autoptr(IdwVerifierLogEntry) cut = make_entry (0, long_name);
  g_autoptr(IdwVerifierLogEntry) kept = make_entry (1, exact);
  g_autoptr(GPtrArray) entries = NULL;

  append_ok (f->log, cut);
  append_ok (f->log, kept);
  entries = list_ok (f->log);
  g_assert_cmpstr (((IdwVerifierLogEntry *) g_ptr_array_index (entries, 0))->issuer, ==, head);
  g_assert_cmpstr (((IdwVerifierLogEntry *) g_ptr_array_index (entries, 1))->issuer, ==, exact);

  /* The same through a verdict: a docType longer than the limit. */
  {
    g_autofree char *doctype = g_strconcat ("org.example.", long_name, NULL);
    g_autofree char *want = g_strndup (doctype, IDW_VERIFIER_LOG_MAX_TEXT);
    Issued issued = { 0 };
    g_autoptr(IdwVerdict) verdict = NULL;
    g_autoptr(IdwVerifierLogEntry) entry = NULL;

    issue (&issued, doctype);
    verdict = verdict_for (&issued, TRUE);
    g_assert_cmpstr (idw_verdict_get_doctype (verdict), ==, doctype);
    entry = idw_verifier_log_entry_new_from_verdict (verdict);
    g_assert_cmpuint (strlen (entry->doctype), <=, IDW_VERIFIER_LOG_MAX_TEXT);
    g_assert_true (g_str_has_prefix (doctype, entry->doctype));
    g_assert_true (g_utf8_validate (entry->doctype, -1, NULL));
    issued_clear (&issued);
  }
}

/* Lines that are not entries are skipped; a line cut short stays apart
 * from the next one. */
static void
test_damaged_lines (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(IdwVerifierLogEntry) entry = make_entry (5, "After");
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  const char *contents =
    "{\"time\":\"2026-12-06T10:00:00Z\",\"docType\":null,\"issuer\":\"Good\",\"country\":null,"
    "\"valid\":false,\"failedCheck\":\"decode\",\"status\":\"not_applicable\",\"testIssuer\":false}\n"
    "not json at all\n"
    "{\"time\":\"yesterday\",\"valid\":true,\"status\":\"passed\",\"testIssuer\":false}\n"
    "{\"time\":\"2026-12-06T10:00:01Z\",\"valid\":\"yes\",\"status\":\"passed\",\"testIssuer\":false}\n"
    "{\"time\":\"2026-12-06T10:00:02Z\",\"valid\":true,\"status\":\"great\",\"testIssuer\":false}\n"
    "[1, 2, 3]\n"
    "\xff\xfe\n"
    "\n"
    "{\"time\":\"2026-12-06T10:00:03Z\",\"docType\":\"x\",\"issuer\":\"Cut";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, contents, -1, NULL));
  append_ok (f->log, entry);

  entries = list_ok (f->log);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((IdwVerifierLogEntry *) g_ptr_array_index (entries, 0))->issuer, ==, "Good");
  g_assert_cmpstr (((IdwVerifierLogEntry *) g_ptr_array_index (entries, 1))->issuer, ==, "After");
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *big = g_strnfill (2 * IDW_VERIFIER_LOG_MAX_FILE + 1, '\n');
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, big, -1, NULL));
  g_assert_null (idw_verifier_log_list_sync (f->log, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static void
test_io_error (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *blocked = g_build_filename (f->dir, "blocked", NULL);
  g_autofree char *path = g_build_filename (blocked, "log.jsonl", NULL);
  g_autoptr(IdwVerifierLog) log = idw_verifier_log_new (path);
  g_autoptr(IdwVerifierLogEntry) entry = make_entry (0, "x");
  g_autoptr(GError) error = NULL;

  /* A file where the folder should be. */
  g_assert_true (g_file_set_contents (blocked, "", -1, NULL));
  g_assert_false (idw_verifier_log_append_sync (log, entry, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
}

static void
test_csv (void)
{
  static const char * const hostile[] = {
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+2",
    "-2",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturn",
    "a,b",
    "line\nbreak",
    "esc\x1b[31mred",
    "bidi\u202eevil",
    "plain",
    NULL,
  };
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_verifier_log_entry_free);
  g_autofree char *csv = NULL;

  for (guint i = 0; hostile[i] != NULL; i++)
    {
      IdwVerifierLogEntry *entry = make_entry (i, hostile[i]);

      if (i == 0)
        {
          g_free (entry->doctype);
          entry->doctype = NULL;
          entry->valid = FALSE;
          entry->failed_check = g_strdup ("issuer_signature");
          entry->test_issuer = TRUE;
          g_free (entry->status);
          entry->status = g_strdup ("undetermined");
        }
      g_ptr_array_add (entries, entry);
    }

  csv = idw_verifier_log_to_csv (entries);
  g_assert_cmpstr (csv, ==,
                   "time,docType,issuer,country,valid,failedCheck,status,testIssuer\r\n"
                   "2026-12-06T10:00:00Z,,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",DE,false,issuer_signature,undetermined,true\r\n"
                   "2026-12-06T10:00:01Z,org.iso.18013.5.1.mDL,'+1+2,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:02Z,org.iso.18013.5.1.mDL,'-2,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:03Z,org.iso.18013.5.1.mDL,'@SUM(A1),DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:04Z,org.iso.18013.5.1.mDL,\\tTabbed,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:05Z,org.iso.18013.5.1.mDL,\\rReturn,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:06Z,org.iso.18013.5.1.mDL,\"a,b\",DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:07Z,org.iso.18013.5.1.mDL,line\\nbreak,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:08Z,org.iso.18013.5.1.mDL,esc\\x1b[31mred,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:09Z,org.iso.18013.5.1.mDL,bidi\\u202eevil,DE,true,,not_applicable,false\r\n"
                   "2026-12-06T10:00:10Z,org.iso.18013.5.1.mDL,plain,DE,true,,not_applicable,false\r\n");

  /* Nothing raw that a spreadsheet or a terminal would act on. */
  for (const char *p = csv; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r' || c == '\n')
        continue;
      g_assert_false (idw_text_must_escape (c));
    }

  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autofree char *header = idw_verifier_log_to_csv (none);

    g_assert_cmpstr (header, ==, "time,docType,issuer,country,valid,failedCheck,status,testIssuer\r\n");
  }
}

typedef struct
{
  IdwVerifierLog *log;
  guint           writer;
} Job;

static gpointer
writer_thread (gpointer user_data)
{
  Job *job = user_data;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("w%u-%u", job->writer, i);
      g_autoptr(IdwVerifierLogEntry) entry = make_entry (i, name);
      g_autoptr(GError) error = NULL;

      if (!idw_verifier_log_append_sync (job->log, entry, NULL, &error))
        g_error ("append: %s", error->message);
    }
  return NULL;
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  GThread *threads[4];
  Job jobs[4];
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      /* Each with its own object, as separate processes would be. */
      jobs[i].log = idw_verifier_log_new (f->path);
      jobs[i].writer = i;
      threads[i] = g_thread_new ("log", writer_thread, &jobs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_object_unref (jobs[i].log);
    }

  entries = list_ok (f->log);
  g_assert_cmpuint (entries->len, ==, 200);
  for (guint i = 0; i < entries->len; i++)
    g_assert_true (g_hash_table_add (names, ((IdwVerifierLogEntry *) g_ptr_array_index (entries, i))->issuer));
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(IdwVerifierLogEntry) entry = make_entry (0, "Async");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { loop, NULL };

  idw_verifier_log_append (f->log, entry, NULL, got_result, &wait);
  g_main_loop_run (loop);
  g_assert_true (idw_verifier_log_append_finish (f->log, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  idw_verifier_log_list (f->log, NULL, got_result, &wait);
  g_main_loop_run (loop);
  entries = idw_verifier_log_list_finish (f->log, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_clear_object (&wait.result);

  idw_verifier_log_clear (f->log, NULL, got_result, &wait);
  g_main_loop_run (loop);
  g_assert_true (idw_verifier_log_clear_finish (f->log, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

  ADD ("/verifier-log/from-verdict", test_from_verdict);
  ADD ("/verifier-log/files", test_files);
  ADD ("/verifier-log/order-and-clear", test_order_and_clear);
  ADD ("/verifier-log/size-cap", test_size_cap);
  ADD ("/verifier-log/text-limit", test_text_limit);
  ADD ("/verifier-log/damaged-lines", test_damaged_lines);
  ADD ("/verifier-log/too-large", test_too_large);
  ADD ("/verifier-log/io-error", test_io_error);
  ADD ("/verifier-log/concurrent", test_concurrent);
  ADD ("/verifier-log/async", test_async);
  g_test_add_func ("/verifier-log/csv", test_csv);

  return g_test_run ();
}
