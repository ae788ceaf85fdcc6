/* test-request-store.c: the verifier's pending remote requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "idw-credential.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-present.h"
#include "idw-request-store.h"
#include "idw-verifier.h"
#include "idw-x509.h"
#include "test-util.h"

/* The child mode of this program (see race_child_main()). */
#define RACE_CHILD_ARG   "--race-consume-child"
#define RACE_READY_FD    3
#define RACE_START_FD    4
#define RACE_EXIT_BASE   64   /* exit status: RACE_EXIT_BASE + IdwNonceState */
#define RACE_PROCESSES   16
#define RACE_ROUNDS      20

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = test_tmp_dir_new ("idw-requests-XXXXXX");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_tmp_dir_free (fixture->dir);
}

static GBytes *
random_nonce (gsize len)
{
  guint8 *data = g_malloc (len);

  randombytes_buf (data, len);

  return g_bytes_new_take (data, len);
}

static char *
bytes_to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *hex = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);

  return g_string_free (hex, FALSE);
}

/* DIR/NONCE-HEX.SUFFIX */
static char *
nonce_file (const char *dir,
            GBytes     *nonce,
            const char *suffix)
{
  g_autofree char *hex = bytes_to_hex (nonce);
  g_autofree char *name = g_strconcat (hex, suffix, NULL);

  return g_build_filename (dir, name, NULL);
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

  g_autofree char *old_used = nonce_file (fixture->dir, old_nonce, ".used");

  idw_request_store_set_time (store, t0);
  g_assert_true (idw_request_store_add (store, old_nonce, NULL, &error));

  idw_request_store_set_time (store, t1);
  g_assert_cmpint (idw_request_store_lookup (store, old_nonce), ==, IDW_NONCE_UNUSED);
  g_assert_true (idw_request_store_add (store, new_nonce, NULL, &error));
  g_assert_cmpuint (idw_request_store_expire (store), ==, 0);
  g_assert_cmpint (idw_request_store_consume (store, old_nonce, &error), ==, IDW_NONCE_UNUSED);
  g_assert_no_error (error);
  g_assert_true (g_file_test (old_used, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->dir), ==, 3);

  /* After a day the old request is forgotten, and its files go, the use
   * marker with the request. */
  idw_request_store_set_time (store, t2);
  g_assert_cmpint (idw_request_store_lookup (store, old_nonce), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_consume (store, old_nonce, NULL), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_lookup (store, new_nonce), ==, IDW_NONCE_UNUSED);
  g_assert_cmpuint (count_files (fixture->dir), ==, 3);
  g_assert_cmpuint (idw_request_store_expire (store), ==, 1);
  g_assert_false (g_file_test (old_used, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 1);

  /* A marker left without its request (a crash during an expiry) goes at
   * the next one; the pending request stays. */
  g_assert_true (g_file_set_contents (old_used, "", 0, NULL));
  g_assert_cmpuint (idw_request_store_expire (store), ==, 0);
  g_assert_false (g_file_test (old_used, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_assert_cmpint (idw_request_store_lookup (store, new_nonce), ==, IDW_NONCE_UNUSED);
}

/* The use marker is the state: it survives the store object, it alone does
 * not make a nonce usable, and any form of it refuses. */
static void
test_markers (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
  g_autoptr(IdwRequestStore) restarted = NULL;
  g_autoptr(GBytes) nonce = random_nonce (32);
  g_autoptr(GBytes) stray = random_nonce (16);
  g_autoptr(GBytes) empty = random_nonce (16);
  g_autoptr(GBytes) folder = random_nonce (16);
  g_autoptr(GBytes) link = random_nonce (16);
  g_autofree char *request_path = nonce_file (fixture->dir, nonce, ".request");
  g_autofree char *used_path = nonce_file (fixture->dir, nonce, ".used");
  g_autofree char *stray_used = nonce_file (fixture->dir, stray, ".used");
  g_autofree char *stray_request = nonce_file (fixture->dir, stray, ".request");
  g_autofree char *empty_used = nonce_file (fixture->dir, empty, ".used");
  g_autofree char *folder_used = nonce_file (fixture->dir, folder, ".used");
  g_autofree char *link_used = nonce_file (fixture->dir, link, ".used");
  g_autoptr(GError) error = NULL;

  /* Consuming makes NONCE.used next to NONCE.request; a new store object
   * on the folder (a restart) sees it used. */
  g_assert_true (idw_request_store_add (store, nonce, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (request_path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (used_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (idw_request_store_consume (store, nonce, &error), ==, IDW_NONCE_UNUSED);
  g_assert_no_error (error);
  g_assert_true (g_file_test (used_path, G_FILE_TEST_IS_REGULAR));

  restarted = idw_request_store_new (fixture->dir);
  g_assert_cmpint (idw_request_store_lookup (restarted, nonce), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_consume (restarted, nonce, &error), ==, IDW_NONCE_USED);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_request_store_count_pending (restarted), ==, 0);

  /* Removing the marker by hand brings the request back: the marker is
   * the whole use state, the request file was left as it was. */
  g_assert_cmpint (g_unlink (used_path), ==, 0);
  g_assert_cmpint (idw_request_store_lookup (restarted, nonce), ==, IDW_NONCE_UNUSED);

  /* A marker without its request is no request. */
  g_assert_true (g_file_set_contents (stray_used, "", 0, NULL));
  g_assert_cmpint (idw_request_store_lookup (store, stray), ==, IDW_NONCE_UNKNOWN);
  g_assert_cmpint (idw_request_store_consume (store, stray, &error), ==, IDW_NONCE_UNKNOWN);
  g_assert_no_error (error);
  g_assert_false (g_file_test (stray_request, G_FILE_TEST_EXISTS));

  /* An empty marker (a crash before its content reached the disk), a
   * folder or a dangling link where the marker goes: used, all. */
  g_assert_true (idw_request_store_add (store, empty, NULL, &error));
  g_assert_true (idw_request_store_add (store, folder, NULL, &error));
  g_assert_true (idw_request_store_add (store, link, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 4);
  g_assert_true (g_file_set_contents (empty_used, "", 0, NULL));
  g_assert_cmpint (g_mkdir (folder_used, 0700), ==, 0);
  g_assert_cmpint (symlink ("nowhere", link_used), ==, 0);
  g_assert_cmpuint (idw_request_store_count_pending (store), ==, 1);
  g_assert_cmpint (idw_request_store_lookup (store, empty), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_lookup (store, folder), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_lookup (store, link), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_consume (store, empty, &error), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_consume (store, folder, &error), ==, IDW_NONCE_USED);
  g_assert_cmpint (idw_request_store_consume (store, link, &error), ==, IDW_NONCE_USED);
  g_assert_no_error (error);

  /* Nothing was written through the link. */
  {
    g_autofree char *target = g_build_filename (fixture->dir, "nowhere", NULL);

    g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  }
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

/* One racer: a separate process with its own store object on the shared
 * folder, as two `id-wallet-cli verify` runs would be. It says it is ready
 * on RACE_READY_FD, waits for RACE_START_FD to reach end of file (the parent
 * closing its end releases every racer at once), consumes, and reports the
 * state it got as its exit status. */
static int
race_child_main (const char *dir,
                 const char *nonce_hex)
{
  g_autoptr(IdwRequestStore) store = NULL;
  g_autoptr(GBytes) nonce = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = strlen (nonce_hex) / 2;
  guint8 *data = g_malloc (len);
  IdwNonceState state;
  char byte = 'r';
  ssize_t n;

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (nonce_hex[2 * i]) << 4 |
                        g_ascii_xdigit_value (nonce_hex[2 * i + 1]));
  nonce = g_bytes_new_take (data, len);
  store = idw_request_store_new (dir);

  if (write (RACE_READY_FD, &byte, 1) != 1)
    return 2;
  close (RACE_READY_FD);
  do
    n = read (RACE_START_FD, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 0)
    return 3;

  state = idw_request_store_consume (store, nonce, &error);
  if (error != NULL)
    {
      g_printerr ("racer: %s\n", error->message);
      return 4;
    }

  return RACE_EXIT_BASE + (int) state;
}

static char *
self_executable (void)
{
  /* Under valgrind, the link names the test program, not valgrind. */
  char *path = g_file_read_link ("/proc/self/exe", NULL);

  g_assert_nonnull (path);
  return path;
}

/* Races RACE_PROCESSES processes for @nonce; returns how many got each
 * state in @counts (indexed by IdwNonceState). */
static void
race_round (const char *exe,
            const char *dir,
            GBytes     *nonce,
            guint       counts[3])
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) racers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce_hex = bytes_to_hex (nonce);
  int ready[2], start[2];
  guint n_ready = 0;

  g_assert_true (g_unix_open_pipe (ready, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  g_assert_true (g_unix_open_pipe (start, FD_CLOEXEC, &error));
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (launcher, ready[1], RACE_READY_FD);
  g_subprocess_launcher_take_fd (launcher, start[0], RACE_START_FD);

  for (guint i = 0; i < RACE_PROCESSES; i++)
    {
      GSubprocess *racer;

      racer = g_subprocess_launcher_spawn (launcher, &error, exe, RACE_CHILD_ARG,
                                           dir, nonce_hex, NULL);
      g_assert_no_error (error);
      g_ptr_array_add (racers, racer);
    }
  /* Drops this process's copies of the racers' ends. */
  g_clear_object (&launcher);

  /* Every racer is waiting at the barrier before it opens. */
  while (n_ready < RACE_PROCESSES)
    {
      char buf[RACE_PROCESSES];
      ssize_t n = read (ready[0], buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      n_ready += (guint) n;
    }
  close (ready[0]);
  close (start[1]);

  for (guint i = 0; i < racers->len; i++)
    {
      GSubprocess *racer = g_ptr_array_index (racers, i);
      int status;

      g_subprocess_wait (racer, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (racer));
      status = g_subprocess_get_exit_status (racer);
      g_assert_cmpint (status, >=, RACE_EXIT_BASE + IDW_NONCE_UNKNOWN);
      g_assert_cmpint (status, <=, RACE_EXIT_BASE + IDW_NONCE_USED);
      counts[status - RACE_EXIT_BASE]++;
    }
}

/* Processes (not threads of one) racing to consume one nonce, each with its
 * own store object: exactly one may win, in every round. */
static void
test_processes (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *exe = self_executable ();
  guint bad_rounds = 0;

  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      g_autoptr(IdwRequestStore) store = idw_request_store_new (fixture->dir);
      g_autoptr(GBytes) nonce = random_nonce (16);
      guint counts[3] = { 0, 0, 0 };

      g_assert_true (idw_request_store_add (store, nonce, NULL, NULL));
      race_round (exe, fixture->dir, nonce, counts);

      g_test_message ("round %u: %u unused, %u used, %u unknown", round,
                      counts[IDW_NONCE_UNUSED], counts[IDW_NONCE_USED],
                      counts[IDW_NONCE_UNKNOWN]);
      if (counts[IDW_NONCE_UNUSED] != 1 || counts[IDW_NONCE_USED] != RACE_PROCESSES - 1)
        bad_rounds++;

      g_assert_cmpint (idw_request_store_lookup (store, nonce), ==, IDW_NONCE_USED);
    }

  if (bad_rounds > 0)
    g_test_message ("%u of %u rounds did not have exactly one winner", bad_rounds, RACE_ROUNDS);
  g_assert_cmpuint (bad_rounds, ==, 0);
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

  files = idw_x509_create_issuer ("Request Authority", "DE", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
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
  char *data_home;
  int ret;

  if (argc == 4 && g_str_equal (argv[1], RACE_CHILD_ARG))
    return race_child_main (argv[2], argv[3]);

  data_home = test_tmp_dir_new ("idw-requests-home-XXXXXX");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/request-store/lifecycle", Fixture, NULL,
              fixture_set_up, test_lifecycle, fixture_tear_down);
  g_test_add ("/request-store/bad-nonces", Fixture, NULL,
              fixture_set_up, test_bad_nonces, fixture_tear_down);
  g_test_add ("/request-store/expiry", Fixture, NULL,
              fixture_set_up, test_expiry, fixture_tear_down);
  g_test_add ("/request-store/markers", Fixture, NULL,
              fixture_set_up, test_markers, fixture_tear_down);
  g_test_add ("/request-store/threads", Fixture, NULL,
              fixture_set_up, test_threads, fixture_tear_down);
  g_test_add ("/request-store/processes", Fixture, NULL,
              fixture_set_up, test_processes, fixture_tear_down);
  g_test_add ("/request-store/verifier", Fixture, NULL,
              fixture_set_up, test_verifier, fixture_tear_down);

  ret = g_test_run ();
  test_tmp_dir_free (data_home);

  return ret;
}
