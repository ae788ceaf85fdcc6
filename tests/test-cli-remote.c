/* test-cli-remote.c: remote checks with id-wallet-cli: `ask`, the
 * holder's answer, verify's nonce bookkeeping, replays (also as a raw
 * DeviceResponse) and many verify processes racing for one nonce
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built CLI (IDW_CLI); each test has an XDG_DATA_HOME of its
 * own in the test's temporary folder, so the request store is its own.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"


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
  assert_checks (valid, "pppppppnp");
  disclosed = json_object_get_object_member (valid, "disclosed");
  g_assert_cmpuint (json_object_get_size (disclosed), ==, 1);
  mdl = disclosed_namespace (valid, IDW_NAMESPACE_MDL);
  assert_members (mdl, "age_over_18");

  /* The same response again: a replay, not fresh. */
  replay = verify_json (1, response, NULL);
  assert_checks (replay, "pppppppnf");
  human = run_cli (response, "verify", NULL);
  g_assert_cmpint (human->status, ==, 1);
  g_assert_nonnull (strstr (human->out, "replay"));
  replay_human = verify_json (1, NULL, response_file, NULL);
  assert_checks (replay_human, "pppppppnf");

  /* A response to a request this verifier did not make. */
  foreign = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Someone else", &error);
  g_assert_no_error (error);
  foreign_text = idw_remote_request_to_text (foreign);
  other_response = present_text ("--nonce-request", foreign_text, NULL);
  other = verify_json (1, other_response, NULL);
  assert_checks (other, "pppppppnf");

  /* A presentation without a nonce is judged by presentedAt alone. */
  plain = present_text ("--preset", "age-over-18", NULL);
  no_nonce = verify_json (0, plain, NULL);
  assert_checks (no_nonce, "pppppppnp");

  /* The nonce is read from a QR code image too, and used up once. */
  {
    g_autoptr(Run) png_ask = run_cli (NULL, "ask", "--preset", "age-over-18", NULL);

    g_assert_cmpint (png_ask->status, ==, 0);
    png_request = g_strstrip (g_steal_pointer (&png_ask->out));
  }
  present_png = run_cli (NULL, "present", credential, "--nonce-request", png_request, "--png", png, NULL);
  g_assert_cmpint (present_png->status, ==, 0);
  png_verdict = verify_json (0, NULL, png, NULL);
  assert_checks (png_verdict, "pppppppnp");
  png_replay = verify_json (1, NULL, png, NULL);
  assert_checks (png_replay, "pppppppnf");

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
  assert_checks (valid, "pppppppnp");

  split_presentation (reply, "replay", &response_path, &transcript_path);
  replay = verify_json (1, NULL, "--session-transcript", transcript_path, response_path, NULL);
  assert_checks (replay, "pppppppnf");
  g_assert_cmpstr (json_object_get_string_member (replay, "handover"), ==, "idwallet-qr");
  g_assert_nonnull (strstr (check_detail (replay, "freshness"), "already used"));

  replay_later = verify_json (1, NULL, "--at", later_text, "--session-transcript", transcript_path,
                              response_path, NULL);
  assert_checks (replay_later, "pppppppnf");

  /* An in-person code shown two hours ago, split the same way. */
  old_code = present_text ("--at", earlier_text, "--preset", "age-over-18", NULL);
  split_presentation (old_code, "stale", &old_response_path, &old_transcript_path);
  stale = verify_json (1, NULL, "--session-transcript", old_transcript_path, old_response_path, NULL);
  assert_checks (stale, "pppppppnf");
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

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "test-cli-remote-XXXXXX");

  g_test_add_func ("/cli/ask/request", test_ask);
  g_test_add_func ("/cli/ask/remote-check", test_remote_check);
  g_test_add_func ("/cli/ask/raw-replay", test_raw_replay);
  g_test_add_func ("/cli/ask/verify-race", test_verify_race);

  return cli_test_finish (g_test_run ());
}
