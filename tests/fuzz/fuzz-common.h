/* fuzz-common.h: what the libFuzzer harnesses share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every harness is one LLVMFuzzerTestOneInput() over an engine decoder. Bad
 * input must give a clear GError, never a crash, a leak, a g_warning() or a
 * g_critical(): all of those abort here, and libFuzzer keeps the input.
 */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "idw-error.h"
#include "idw-x509.h"

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* The verification time of every harness; the corpus presentations were
 * made for it (tests/fuzz/README.md). */
#define FUZZ_NOW "2026-12-06T12:00:00Z"

/* The IACA of the test issuer "ID Wallet Fuzzing" (UT) that signed the
 * corpus presentations (`id-wallet-cli issuer init --test`; its keys were
 * not kept). */
#define FUZZ_ANCHOR_PEM \
  "-----BEGIN CERTIFICATE-----\n" \
  "MIIB+DCCAaqgAwIBAgIQY9ATCjpC74LBdkGEv1QA6zAFBgMrZXAwajELMAkGA1UE\n" \
  "BhMCVVQxGjAYBgNVBAoTEUlEIFdhbGxldCBGdXp6aW5nMR4wHAYDVQQLExVJRCBX\n" \
  "YWxsZXQgVGVzdCBJc3N1ZXIxHzAdBgNVBAMTFklEIFdhbGxldCBGdXp6aW5nIElB\n" \
  "Q0EwHhcNMjYxMjA2MDA1NzM5WhcNMzYxMjA2MDA1NzM5WjBqMQswCQYDVQQGEwJV\n" \
  "VDEaMBgGA1UEChMRSUQgV2FsbGV0IEZ1enppbmcxHjAcBgNVBAsTFUlEIFdhbGxl\n" \
  "dCBUZXN0IElzc3VlcjEfMB0GA1UEAxMWSUQgV2FsbGV0IEZ1enppbmcgSUFDQTAq\n" \
  "MAUGAytlcAMhAMUb6zi4dwkk0RWGWQCJ3M4uhC/NZ/BNTrAlinXFfEbso2YwZDAS\n" \
  "BgNVHRMBAf8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUJAyg\n" \
  "ytGgykM8ONtCeBPUgez590EwHwYDVR0jBBgwFoAUJAygytGgykM8ONtCeBPUgez5\n" \
  "90EwBQYDK2VwA0EAwk7I0IBkKfXJMBC8O2Gfwu8bnPDKIUrQ8b1BhPHfWSJxREMJ\n" \
  "aDCfGqgHNm6D2RsRGIw7oLZl6T/4ZtuHXK+EBg==\n" \
  "-----END CERTIFICATE-----\n"

/* Call first in LLVMFuzzerInitialize(). */
static inline void
fuzz_init (char ***argv)
{
  /* GLib 2.74's slice allocator (GBytes, hash tables, lists) would hide
   * use-after-free and leaks of its memory from AddressSanitizer, and it
   * reads G_SLICE before main(): start again with it set. (meson test sets
   * it, so this is for runs by hand.) */
  if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", *argv);
      g_printerr ("Could not restart with G_SLICE=always-malloc: %s\n", g_strerror (errno));
    }
  g_setenv ("TZ", "UTC", TRUE);
  /* The engine warns only about its own bugs and uses g_return_if_fail()
   * only for programmer errors: from any input, both are bugs. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

static inline GDateTime *
fuzz_now (void)
{
  return g_date_time_new_from_iso8601 (FUZZ_NOW, NULL);
}

static inline IdwCertificate *
fuzz_anchor_new (void)
{
  g_autoptr(GError) error = NULL;
  IdwCertificate *anchor;

  anchor = idw_certificate_new_from_data ((const guint8 *) FUZZ_ANCHOR_PEM,
                                          strlen (FUZZ_ANCHOR_PEM), &error);
  g_assert_no_error (error);
  return anchor;
}

/* A decoder answers with a result and no error, or with no result and an
 * error of ours whose message a person can read. */
static inline void
fuzz_check_result (gconstpointer  result,
                   const GError  *error)
{
  if (result != NULL)
    {
      g_assert_no_error (error);
      return;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == IDW_ERROR);
  g_assert_nonnull (error->message);
  g_assert_true (error->message[0] != '\0');
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* Readable text for people: valid UTF-8, never NULL. */
static inline void
fuzz_check_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

/* A NUL-terminated copy of the input, as text read from a paste or a QR
 * code arrives (up to the first NUL). */
static inline char *
fuzz_text (const uint8_t *data,
           size_t         size)
{
  return g_strndup ((const char *) data, size);
}
