/* test-bench.c: the id-wallet-bench smoke test (suite "bench"): each
 * subcommand with a tiny count, checking the exit status and the format of
 * the last line, never a timing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the built bench (IDW_BENCH) on inputs the built CLI (IDW_CLI) makes,
 * and the corpus generator (IDW_DEGRADE) on a test QR image.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"
#include "tpm-test-util.h"

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

  /* Each kind of device key, the TPM one on a swtpm of this test's own,
   * then with no TPM at all (its line says why, the others stand). */
  {
    g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
    SwTpm tpm = { 0 };

    if (idw_tpm_is_supported () && swtpm_available ())
      {
        swtpm_start (&tpm);
        g_setenv ("IDW_TPM_TCTI", tpm.tcti, TRUE);
        BENCH ("device-keys", "-n", "2", person);
        g_assert_cmpint (run->status, ==, 0);
        g_assert_true (g_regex_match_simple ("^P-256 in the TPM \\(IDW_TPM_TCTI\\): +[0-9.]+ ms ", run->out,
                                             G_REGEX_MULTILINE, 0));
        swtpm_stop (&tpm);
      }
    g_setenv ("IDW_TPM_TCTI", "swtpm:host=127.0.0.1,port=1", TRUE);
    BENCH ("device-keys", "-n", "2", person);
    g_unsetenv ("IDW_TPM_TCTI");
    g_assert_cmpint (run->status, ==, 0);
    g_assert_true (g_regex_match_simple ("^Ed25519, software \\(keyring\\): +[0-9.]+ ms ", run->out,
                                         G_REGEX_MULTILINE, 0));
    g_assert_true (g_regex_match_simple ("^P-256, software \\(keyring\\): +[0-9.]+ ms ", run->out,
                                         G_REGEX_MULTILINE, 0));
    g_assert_nonnull (strstr (run->out, "not measured: No TPM is available"));
    g_assert_null (strstr (run->err, "WARNING"));
  }

  BENCH ("qr-decode", "-n", "2");
  assert_bench_line (run, "qr-decode");

  BENCH ("qr-decode", "-n", "2", text_file);
  assert_bench_line (run, "qr-decode");

  /* An animated full ID to a simulated webcam: rebuilt and valid both
   * times (never a timing). */
  BENCH ("stream", "-n", "2", "--trust", iaca_pem, credential);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "animated: K = "));
  g_assert_nonnull (strstr (run->out, "rebuilt:      2 of 2 runs (2 valid)"));
  g_assert_true (g_regex_match_simple ("^stream: [0-9]+\\.[0-9]{2} s from the first frame to the verdict \\(median\\)\n$",
                                       last_line (run->out), 0, 0));

  BENCH ("stream", "-n", "2", "--loss", "1", credential);
  g_assert_cmpint (run->status, ==, 2);

  BENCH ("verify", "-n", "2", "/nonexistent/input");
  g_assert_cmpint (run->status, ==, 2);

  BENCH ("frobnicate");
  g_assert_cmpint (run->status, ==, 2);

#undef BENCH
}
/* The "decoded" count of one cell of `decoders --json`. */
static gint64
decoded_frames (JsonNode   *root,
                const char *decoder,
                gint64      version,
                const char *condition)
{
  JsonArray *results = json_object_get_array_member (json_node_get_object (root), "results");

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *cell = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (cell, "decoder"), decoder) == 0
          && json_object_get_int_member (cell, "version") == version
          && g_strcmp0 (json_object_get_string_member (cell, "condition"), condition) == 0)
        return json_object_get_int_member (cell, "decoded");
    }

  g_assert_not_reached ();
}

/* `decoders` with a few frames: zbar must read every frame of a flat
 * version 10 code at 4 px per module, and most at 1 px must fail: a bench
 * whose frames were blank, or always perfect, would not pass. */
static void
test_bench_decoders (void)
{
  const char *bench = g_getenv ("IDW_BENCH");
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *json_argv[] = {
    bench, "decoders", "--frames", "4", "--version", "10",
    "--condition", "flat-4px", "--condition", "flat-1px", "--json", NULL
  };
  JsonNode *root;

  for (guint i = 0; json_argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) json_argv[i]);
  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);

  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "frames"), ==, 4);
  g_assert_cmpint (decoded_frames (root, "zbar", 10, "flat-4px"), ==, 4);
  g_assert_cmpint (decoded_frames (root, "zbar", 10, "flat-1px"), <=, 1);

  /* The table, with its "NAME: N per second" last line. */
  g_ptr_array_set_size (args, 0);
  g_ptr_array_add (args, (gpointer) bench);
  g_ptr_array_add (args, "decoders");
  g_ptr_array_add (args, "-n");
  g_ptr_array_add (args, "1");
  g_ptr_array_add (args, "--version");
  g_ptr_array_add (args, "15");
  g_ptr_array_add (args, "--condition");
  g_ptr_array_add (args, "hand-held");
  g_clear_pointer (&run, run_free);
  run = run_argv (NULL, args);
  assert_bench_line (run, "decoders");
  g_assert_nonnull (strstr (run->out, "hand-held"));

  g_ptr_array_set_size (args, 0);
  g_ptr_array_add (args, (gpointer) bench);
  g_ptr_array_add (args, "decoders");
  g_ptr_array_add (args, "--condition");
  g_ptr_array_add (args, "no-such-condition");
  g_clear_pointer (&run, run_free);
  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 2);
}

/* idw-degrade: one 1280×720 frame per input, the same for the same seed,
 * and a mildly degraded frame still reads. */
static void
test_degrade (void)
{
  const char *degrade = g_getenv ("IDW_DEGRADE");
  g_autofree char *code = g_test_build_filename (G_TEST_DIST, "data", "qr", "presentation-transparent.png", NULL);
  g_autofree char *expected_path = g_test_build_filename (G_TEST_DIST, "data", "qr", "presentation.txt", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *out_a = tmp_path ("degrade-a");
  g_autofree char *out_b = tmp_path ("degrade-b");
  g_autofree char *frame_a0 = g_build_filename (out_a, "frame-000.png", NULL);
  g_autofree char *frame_a1 = g_build_filename (out_a, "frame-001.png", NULL);
  g_autofree char *frame_b0 = g_build_filename (out_b, "frame-000.png", NULL);
  g_autofree char *bytes_a = NULL;
  g_autofree char *bytes_b = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  g_autoptr(GError) error = NULL;
  gsize len_a = 0;
  gsize len_b = 0;
  const char *argv_a[] = {
    degrade, "--seed", "7", "--module", "4", "--tilt", "5", "--blur", "1", "--noise", "3",
    "--jpeg", "80", code, code, "--out", out_a, NULL
  };
  const char *argv_b[] = {
    degrade, "--seed", "8", "--module", "4", "--tilt", "5", "--blur", "1", "--noise", "3",
    "--jpeg", "80", code, "--out", out_b, NULL
  };

  for (guint i = 0; argv_a[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv_a[i]);
  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "seed=8 module=4.00"));

  pixbuf = gdk_pixbuf_new_from_file (frame_a0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1280);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 720);

  g_file_get_contents (expected_path, &expected, NULL, &error);
  g_assert_no_error (error);
  text = idw_qr_decode_file (frame_a0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, g_strstrip (expected));

  /* Frame 1 of the same seed, alone in a run that starts one seed later. */
  g_ptr_array_set_size (args, 0);
  for (guint i = 0; argv_b[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv_b[i]);
  g_clear_pointer (&run, run_free);
  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);
  g_file_get_contents (frame_a1, &bytes_a, &len_a, &error);
  g_assert_no_error (error);
  g_file_get_contents (frame_b0, &bytes_b, &len_b, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (bytes_a, len_a, bytes_b, len_b);

  g_ptr_array_set_size (args, 0);
  g_ptr_array_add (args, (gpointer) degrade);
  g_ptr_array_add (args, (gpointer) code);
  g_clear_pointer (&run, run_free);
  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 2);
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "test-bench-XXXXXX");

  g_test_add_func ("/bench/smoke", test_bench_smoke);
  g_test_add_func ("/bench/decoders", test_bench_decoders);
  g_test_add_func ("/bench/degrade", test_degrade);

  return cli_test_finish (g_test_run ());
}
