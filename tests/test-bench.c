/* test-bench.c: the id-wallet-bench smoke test (suite "bench"): each
 * subcommand with a tiny count, checking the exit status and the format of
 * the last line, never a timing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the built bench (IDW_BENCH) on inputs the built CLI (IDW_CLI) makes.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "idwallet.h"
#include "cli-verdict-util.h"

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
  cli_test_init (&argc, &argv, "test-bench-XXXXXX");

  g_test_add_func ("/bench/smoke", test_bench_smoke);

  return cli_test_finish (g_test_run ());
}
