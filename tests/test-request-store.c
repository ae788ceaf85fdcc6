/* test-request-store.c: the verifier's pending remote requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sodium.h>

#include "idw-credential.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-present.h"
#include "idw-request-store.h"
#include "idw-verifier.h"
#include "idw-x509.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("idw-requests-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static GBytes *
random_nonce (gsize len)
{
  guint8 *data = g_malloc (len);

  randombytes_buf (data, len);

  return g_bytes_new_take (data, len);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;

  return n;
}

static void
test_lifecycle (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
  g_autoptr(IdwRequestStore) restarted = NULL;
  g_autoptr(GBytes) nonce = random_nonce (16);
  g_autoptr(GBytes) other = random_nonce (16);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (idw_request_store_lookup (store, nonce), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 0);

  g_assert_true (idw_request_store_add (store, nonce, "IDWR1:EXAMPLE", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_assert_cmpint (idw_request_store_lookup (store, nonce), ==, IDW_NONCE_UNUSED);
  g_assert_cmpint (idw_request_store_lookup (store, other), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 1);

  /* Each nonce is issued once. */
  g_assert_false (idw_request_store_add (store, nonce, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Consuming reports the state before, and only the first time. */
  g_assert_cmpint (idw_request_store_consume (store, nonce, &error), ==, IDW_NONCE_UNUSED);
  g_assert_no_error (error);
  g_assert_cmpint (idw_request_store_lookup (store, nonce), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_consume (store, nonce, &error), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_consume (store, other, &error), ==, IDW_NONCE_UNKNOWN);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 0);

  /* The use survives a restart. */
  restarted = idw_request_store_new (fixture->dir);
  g_assert_cmpint (idw_request_store_lookup (restarted, nonce), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_nonce_func (nonce, TRUE, restarted), ==, IDW_NONCE_USED);
}

static void
test_bad_nonces (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
  g_autoptr(GBytes) shorter = random_nonce (8);
  g_autoptr(GBytes) longer = random_nonce (65);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) nonce = random_nonce (16);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GDateTime) far = NULL;
  const char *name;

  g_assert_false (idw_request_store_add (store, shorter, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NONCE);
  g_clear_error (&error);
  g_assert_false (idw_request_store_add (store, longer, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NONCE);
  g_clear_error (&error);

  g_assert_cmpint (idw_request_store_lookup (store, shorter), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_lookup (store, empty), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_consume (store, empty, NULL), ==, IDW_NONCE_UNKNOWN);

  /* A damaged record is not a pending request. */
  g_assert_true (idw_request_store_add (store, nonce, NULL, &error));
  dir = g_dir_open (fixture->dir, 0, NULL);
  name = g_dir_read_name (dir);
  g_assert_nonnull (name);
  path = g_build_filename (fixture->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, "[Request]\nCreated=soon\n", -1, NULL));
  g_assert_cmpint (idw_request_store_lookup (store, nonce), ==, IDW_NONCE_UNKNOWN);

  /* A mangled use mark never turns back into "unused". */
  g_assert_true (g_file_set_contents (path, "[Request]\nCreated=9999999999\nUsed=x\n", -1, NULL));
  far = g_date_time_new_from_unix_utc (9999999999);
  idw_request_store_set_time (store, far);
  g_assert_cmpint (idw_request_store_lookup (store, nonce), ==, IDW_NONCE_USED);
}

static void
test_expiry (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
  g_autoptr(GDateTime) t0 = g_date_time_new_utc (2026, 3, 1, 12, 0, 0);
  g_autoptr(GDateTime) t1 = g_date_time_add_hours (t0, 23);
  g_autoptr(GDateTime) t2 = g_date_time_add_hours (t0, 25);
  g_autoptr(GBytes) old_nonce = random_nonce (16);
  g_autoptr(GBytes) new_nonce = random_nonce (16);
  g_autoptr(GError) error = NULL;

  idw_request_store_set_time (store, t0);
  g_assert_true (idw_request_store_add (store, old_nonce, NULL, &error));

  idw_request_store_set_time (store, t1);
  g_assert_cmpint (idw_request_store_lookup (store, old_nonce), ==, IDW_NONCE_UNUSED);
  g_assert_true (idw_request_store_add (store, new_nonce, NULL, &error));
  g_assert_cmpuint (idw_request_store_expire (store), ==, 0);

  /* After a day the old request is forgotten, and its file goes. */
  idw_request_store_set_time (store, t2);
  g_assert_cmpint (idw_request_store_lookup (store, old_nonce), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_consume (store, old_nonce, NULL), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_lookup (store, new_nonce), ==, IDW_NONCE_UNUSED);
  g_assert_cmpuint (count_files (fixture->dir), ==, 2);
  g_assert_cmpuint (idw_request_store_expire (store), ==, 1);
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 1);
}

typedef struct
{
  IdwRequestStore *store;
  GBytes          *nonce;
  IdwNonceState    result;
} ConsumeJob;

static gpointer
consume_thread (gpointer data)
{
  ConsumeJob *job = data;

  job->result = idw_request_store_consume (job->store, job->nonce, NULL);

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
  g_autoptr(GBytes) nonce = random_nonce (16);
  ConsumeJob jobs[4];
  GThread *threads[4];
  guint unused = 0;

  g_assert_true (idw_request_store_add (store, nonce, NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      jobs[i] = (ConsumeJob) { store, nonce, IDW_NONCE_UNKNOWN };
      threads[i] = g_thread_new ("consume", consume_thread, &jobs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_thread_join (threads[i]);
      if (jobs[i].result == IDW_NONCE_UNUSED)
        unused++;
      else
        g_assert_cmpint (jobs[i].result, ==, IDW_NONCE_USED);
    }

  /* Exactly one of the racing verifications got to use it. */
  g_assert_cmpuint (unused, ==, 1);
}

static IdwCredential *
make_credential (IdwKey         **out_device_key,
                 IdwCertificate **out_iaca)
{
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  IdwCredential *credential;

  files = idw_x509_create_issuer ("Request Authority", "DE", TRUE, NULL, &error);
  g_assert_no_error (error);
  *out_iaca = idw_certificate_new_from_data ((const guint8 *) files->iaca_pem,
                                             strlen (files->iaca_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) files->ds_pem, strlen (files->ds_pem), &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);
  *out_device_key = idw_key_generate_ed25519 ();

  json_parser_load_from_data (parser,
                              "{\"org.iso.18013.5.1\": {\"family_name\": \"Mustermann\","
                              " \"given_name\": \"Erika\", \"birth_date\": \"1990-05-17\","
                              " \"age_over_18\": true}}",
                              -1, &error);
  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)),
                                     NULL, *out_device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);

  return credential;
}

static IdwVerdict *
verify_with_store (IdwRequestStore *store,
                   IdwCertificate  *iaca,
                   const char      *text)
{
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();

  idw_verifier_add_trust_anchor (verifier, iaca);
  idw_request_store_attach (store, verifier);

  return idw_verifier_verify_text (verifier, text);
}

/* Request, response, verify; then a replay and a response to a request
 * this verifier never made. */
static void
test_verifier (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
  g_autoptr(IdwKey) device_key = NULL;
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(IdwCredential) credential = make_credential (&device_key, &iaca);
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) foreign = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *response = NULL;
  g_autofree char *foreign_response = NULL;

  request = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_AGE_OVER_18, "Hotel", &error);
  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);
  g_assert_true (idw_request_store_add (store, request->nonce, request_text, &error));
  g_assert_no_error (error);

  response = idw_remote_request_respond (request, credential, device_key, NULL, &error);
  g_assert_no_error (error);

  verdict = verify_with_store (store, iaca, response);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "age_over_18"));
  g_assert_cmpint (idw_request_store_lookup (store, request->nonce), ==, IDW_NONCE_USED);
  g_clear_object (&verdict);

  /* The same response again, even from a new store (a restart). */
  {
    g_autoptr(IdwRequestStore) restarted = idw_request_store_new (fixture->dir);

    verdict = verify_with_store (restarted, iaca, response);
    g_assert_false (idw_verdict_is_valid (verdict));
    g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_FAILED);
    g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, IDW_CHECK_FRESHNESS);
    g_clear_object (&verdict);
  }

  /* A response to someone else's request. */
  foreign = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_AGE_OVER_18, NULL, &error);
  g_assert_no_error (error);
  foreign_response = idw_remote_request_respond (foreign, credential, device_key, NULL, &error);
  g_assert_no_error (error);
  verdict = verify_with_store (store, iaca, foreign_response);
  g_assert_false (idw_verdict_is_valid (verdict));
  g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, IDW_CHECK_FRESHNESS);
  g_assert_cmpint (idw_request_store_lookup (store, foreign->nonce), ==, IDW_NONCE_UNKNOWN);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int ret;

  data_home = g_dir_make_tmp ("idw-requests-home-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/request-store/lifecycle", Fixture, NULL,
              fixture_set_up, test_lifecycle, fixture_tear_down);
  g_test_add ("/request-store/bad-nonces", Fixture, NULL,
              fixture_set_up, test_bad_nonces, fixture_tear_down);
  g_test_add ("/request-store/expiry", Fixture, NULL,
              fixture_set_up, test_expiry, fixture_tear_down);
  g_test_add ("/request-store/threads", Fixture, NULL,
              fixture_set_up, test_threads, fixture_tear_down);
  g_test_add ("/request-store/verifier", Fixture, NULL,
              fixture_set_up, test_verifier, fixture_tear_down);

  ret = g_test_run ();
  g_rmdir (data_home);

  return ret;
}
