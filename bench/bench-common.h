/* bench-common.h: what the id-wallet-bench commands share: timing a
 * function, usage errors, reading the files they are given
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The benchmarks link the engine (libidwallet) and nothing else. Developer
 * output, not translated.
 */
#pragma once

#include <glib.h>

#include "idwallet.h"

/* How long a measurement runs without -n. */
#define BENCH_TARGET_SECONDS 2.0

/* The exit statuses of id-wallet-cli. */
typedef enum
{
  BENCH_EXIT_OK = 0,
  BENCH_EXIT_FAILED = 1,
  BENCH_EXIT_USAGE = 2,
} BenchExit;

typedef void (*BenchFunc) (gpointer user_data);

typedef struct
{
  gint64 iterations;
  double seconds;
} BenchTiming;

/* Microseconds per call. */
double      bench_timing_us         (const BenchTiming *timing);
double      bench_timing_per_second (const BenchTiming *timing);
/* Runs @func @n times, or for @target_seconds when @n is 0, after one
 * warm-up call. */
BenchTiming bench_measure           (BenchFunc          func,
                                     gpointer           user_data,
                                     gint64             n,
                                     double             target_seconds);

/* Prints "id-wallet-bench: MESSAGE" and how to get help for @command
 * ("verify ", or NULL); returns BENCH_EXIT_USAGE. */
int         bench_usage_error       (const char        *command,
                                     const char        *message);

/* A whole file of at most @max_len bytes; "-" reads stdin. Errors:
 * G_FILE_ERROR, G_IO_CHANNEL_ERROR. */
GBytes     *bench_read_file         (const char        *path,
                                     gsize              max_len,
                                     GError           **error);

/* The commands (bench-verify.c, bench-present.c, bench-qr.c,
 * bench-decoders.c). */
int         bench_verify            (int                argc,
                                     char             **argv);
int         bench_device_keys       (int                argc,
                                     char             **argv);
int         bench_present           (int                argc,
                                     char             **argv);
int         bench_qr_decode         (int                argc,
                                     char             **argv);
int         bench_stream            (int                argc,
                                     char             **argv);
int         bench_decoders          (int                argc,
                                     char             **argv);
