/* test-x509-util.h: helpers the test-x509*.c programs share (the
 * certificates they build with GnuTLS come from x509-test-util.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "idw-cbor.h"
#include "idw-der.h"
#include "idw-error.h"
#include "idw-x509.h"
#include "x509-test-util.h"

/* Helpers */

static inline GDateTime *
utc (const char *iso8601)
{
  GDateTime *datetime = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (datetime);
  return datetime;
}

static inline char *
iso (GDateTime *datetime)
{
  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%SZ");
}

static inline IdwCertificate *
load_annexd_ds (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "annexd",
                                                 "annexd-issuer-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert = idw_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static inline IdwCertificate *
cert_from_pem (const char *pem)
{
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert = idw_certificate_new_from_data ((const guint8 *) pem, strlen (pem), &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

/* Trust rules: certificates under a test IACA, each breaking one rule */

#define RULES_FROM  "2024-01-01T00:00:00Z"
#define RULES_UNTIL "2034-01-01T00:00:00Z"
#define RULES_NOW   "2025-05-05T05:05:05Z"

static const TestCertOptions rules_ca = { .ca = TRUE, .basic_constraints = TRUE };
static const TestCertOptions rules_ds = { .ds_usage = TRUE };

static inline IdwCertificate *
rules_cert (gnutls_x509_privkey_t  key,
            const char            *dn,
            IdwCertificate        *issuer,
            gnutls_x509_privkey_t  issuer_key,
            const TestCertOptions *options)
{
  g_autoptr(GDateTime) from = test_utc (RULES_FROM);
  g_autoptr(GDateTime) until = test_utc (RULES_UNTIL);

  return make_test_cert (key, dn, issuer, issuer_key, from, until, options);
}

/* @chain is trusted through @anchors at RULES_NOW. */
static inline IdwTrustPath *
expect_trusted (GPtrArray *chain,
                GPtrArray *anchors,
                gboolean   ds_pinned,
                guint      path_length)
{
  g_autoptr(GDateTime) now = test_utc (RULES_NOW);
  g_autoptr(GError) error = NULL;
  IdwTrustPath *path = NULL;

  g_assert_true (idw_x509_validate_chain_full (chain, anchors, now, now, &path, &error));
  g_assert_no_error (error);
  g_assert_nonnull (path);
  g_assert_cmpint (path->ds_pinned, ==, ds_pinned);
  g_assert_cmpuint (path->path->len, ==, path_length);
  g_assert_true (path->anchor == g_ptr_array_index (path->path, path_length - 1));
  return path;
}

/* @chain is refused with exactly @code and @message. */
static inline void
expect_refused (GPtrArray  *chain,
                GPtrArray  *anchors,
                gint        code,
                const char *message)
{
  g_autoptr(GDateTime) now = test_utc (RULES_NOW);
  g_autoptr(GError) error = NULL;
  IdwTrustPath *path = NULL;

  g_assert_false (idw_x509_validate_chain_full (chain, anchors, now, now, &path, &error));
  g_assert_null (path);
  g_assert_error (error, IDW_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static inline guint
strv_length (const char * const *strv)
{
  g_assert_nonnull (strv);
  return g_strv_length ((char **) strv);
}
