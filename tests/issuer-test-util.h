/* issuer-test-util.h: the certificate chain of a test issuer (IACA root
 * and document signer), made fresh for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include <glib.h>

#include "idw-certificate.h"
#include "idw-key.h"
#include "idw-x509-issuer.h"

/* An issuer made fresh for a test: IACA root and DS, their keys parsed. */
typedef struct
{
  IdwIssuerFiles *files;
  IdwCertificate *iaca;
  IdwCertificate *ds;
  IdwKey         *ds_key;
} TestIssuer;

static inline void
test_issuer_free (TestIssuer *issuer)
{
  g_clear_pointer (&issuer->files, idw_issuer_files_free);
  g_clear_pointer (&issuer->iaca, idw_certificate_unref);
  g_clear_pointer (&issuer->ds, idw_certificate_unref);
  g_clear_pointer (&issuer->ds_key, idw_key_unref);
  g_free (issuer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestIssuer, test_issuer_free)

static inline TestIssuer *
test_issuer_new_full (const char *name,
                      IdwCoseAlg  alg,
                      GDateTime  *not_before)
{
  TestIssuer *issuer = g_new0 (TestIssuer, 1);
  g_autoptr(GError) error = NULL;

  issuer->files = idw_x509_create_issuer (name, "UT", alg, TRUE, not_before, &error);
  g_assert_no_error (error);
  issuer->iaca = idw_certificate_new_from_data ((const guint8 *) issuer->files->iaca_pem,
                                                strlen (issuer->files->iaca_pem), &error);
  g_assert_no_error (error);
  issuer->ds = idw_certificate_new_from_data ((const guint8 *) issuer->files->ds_pem,
                                              strlen (issuer->files->ds_pem), &error);
  g_assert_no_error (error);
  issuer->ds_key = idw_key_new_from_pem (issuer->files->ds_key_pem,
                                         strlen (issuer->files->ds_key_pem), &error);
  g_assert_no_error (error);
  return issuer;
}

/* An Ed25519 issuer: tests that build EdDSA signatures by hand rely on it. */
static inline TestIssuer *
test_issuer_new_at (const char *name,
                    GDateTime  *not_before)
{
  return test_issuer_new_full (name, IDW_COSE_ALG_EDDSA, not_before);
}

static inline TestIssuer *
test_issuer_new (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);

  return test_issuer_new_at ("Utopia", yesterday);
}
