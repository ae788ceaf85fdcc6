/* bench-common.c: what the id-wallet-bench commands share: timing a
 * function, usage errors, reading the files they are given
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "bench-common.h"

double
bench_timing_us (const BenchTiming *timing)
{
  return timing->iterations > 0 ? timing->seconds * 1e6 / (double) timing->iterations : 0.0;
}

double
bench_timing_per_second (const BenchTiming *timing)
{
  return timing->seconds > 0 ? (double) timing->iterations / timing->seconds : 0.0;
}

BenchTiming
bench_measure (BenchFunc func,
               gpointer  user_data,
               gint64    n,
               double    target_seconds)
{
  BenchTiming timing = { 0, 0.0 };
  gint64 start;
  gint64 now;
  gint64 target_us = (gint64) (target_seconds * G_USEC_PER_SEC);

  func (user_data);

  start = g_get_monotonic_time ();
  now = start;
  if (n > 0)
    {
      for (gint64 i = 0; i < n; i++)
        func (user_data);
      now = g_get_monotonic_time ();
      timing.iterations = n;
    }
  else
    {
      do
        {
          func (user_data);
          timing.iterations++;
          now = g_get_monotonic_time ();
        }
      while (now - start < target_us);
    }

  timing.seconds = (double) (now - start) / G_USEC_PER_SEC;
  /* The clock's resolution must not turn a tiny run into a division by 0. */
  if (timing.seconds <= 0)
    timing.seconds = 1e-6;

  return timing;
}

int
bench_usage_error (const char *command,
                   const char *message)
{
  g_printerr ("id-wallet-bench: %s\n", message);
  g_printerr ("Run “id-wallet-bench %s--help” for usage.\n", command != NULL ? command : "");
  return BENCH_EXIT_USAGE;
}

GBytes *
bench_read_file (const char  *path,
                 gsize        max_len,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (strcmp (path, "-") == 0)
    {
      g_autoptr(GIOChannel) channel = g_io_channel_unix_new (STDIN_FILENO);

      if (isatty (STDIN_FILENO))
        g_printerr ("Reading from standard input; end with Ctrl+D.\n");
      /* Bytes, not text: an input may be binary CBOR. */
      if (g_io_channel_set_encoding (channel, NULL, error) != G_IO_STATUS_NORMAL
          || g_io_channel_read_to_end (channel, &contents, &len, error) != G_IO_STATUS_NORMAL)
        return NULL;
    }
  else if (!g_file_get_contents (path, &contents, &len, error))
    {
      return NULL;
    }

  if (len > max_len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "“%s” is larger than %zu bytes.",
                   strcmp (path, "-") == 0 ? "standard input" : path, max_len);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}
