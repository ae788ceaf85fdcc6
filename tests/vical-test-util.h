/* vical-test-util.h: VICALs (ISO/IEC 18013-5 Annex C) made for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list provider of our own (a root CA and a VICAL signer under it, both
 * Ed25519) signs lists of IACAs made with GnuTLS or the issuer code, so
 * that the hostile cases do not depend on anyone's real list.
 */
#pragma once

#include <string.h>

#include <glib.h>

#include "idwallet.h"
#include "x509-test-util.h"

#define TEST_OID_VICAL_SIGNER "1.0.18013.5.1.8"

typedef struct
{
  gnutls_x509_privkey_t root_key;
  gnutls_x509_privkey_t signer_key;
  IdwCertificate       *root;
  IdwCertificate       *signer;
  IdwKey               *key;       /* the signer's, for COSE */
} TestProvider;

static inline void
test_provider_free (TestProvider *provider)
{
  gnutls_x509_privkey_deinit (provider->root_key);
  gnutls_x509_privkey_deinit (provider->signer_key);
  g_clear_pointer (&provider->root, idw_certificate_unref);
  g_clear_pointer (&provider->signer, idw_certificate_unref);
  g_clear_pointer (&provider->key, idw_key_unref);
  g_free (provider);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestProvider, test_provider_free)

static inline IdwKey *
idw_key_from_gnutls (gnutls_x509_privkey_t key)
{
  g_autoptr(GError) error = NULL;
  gnutls_datum_t pem = { NULL, 0 };
  IdwKey *idw_key;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &pem), ==, 0);
  idw_key = idw_key_new_from_pem ((const char *) pem.data, pem.size, &error);
  gnutls_free (pem.data);
  g_assert_no_error (error);
  return idw_key;
}

/* A provider whose signer has @signer_options (NULL: a proper VICAL
 * signer: digitalSignature, extendedKeyUsage 1.0.18013.5.1.8). */
static inline TestProvider *
test_provider_new_full (const char            *name,
                        const TestCertOptions *signer_options)
{
  static const TestCertOptions root_options = { .ca = TRUE, .basic_constraints = TRUE };
  static const TestCertOptions vical_signer = {
    .key_usage = GNUTLS_KEY_DIGITAL_SIGNATURE,
    .purpose = TEST_OID_VICAL_SIGNER,
  };
  TestProvider *provider = g_new0 (TestProvider, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -400);
  g_autoptr(GDateTime) until = g_date_time_add_years (now, 5);
  g_autofree char *root_dn = g_strdup_printf ("C=UT,O=%s,CN=%s Root", name, name);
  g_autofree char *signer_dn = g_strdup_printf ("C=UT,O=%s,CN=%s VICAL signer", name, name);

  provider->root_key = make_ed25519_key ();
  provider->signer_key = make_ed25519_key ();
  provider->root = make_test_cert (provider->root_key, root_dn, NULL, NULL, from, until,
                                   &root_options);
  provider->signer = make_test_cert (provider->signer_key, signer_dn, provider->root,
                                     provider->root_key, from, until,
                                     signer_options != NULL ? signer_options : &vical_signer);
  provider->key = idw_key_from_gnutls (provider->signer_key);
  return provider;
}

static inline TestProvider *
test_provider_new (const char *name)
{
  return test_provider_new_full (name, NULL);
}

/* An IACA (a self-signed CA) named @name. */
static inline IdwCertificate *
test_vical_iaca (const char *name)
{
  static const TestCertOptions options = { .ca = TRUE, .basic_constraints = TRUE,
                                           .has_pathlen = TRUE, .pathlen = 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -10);
  g_autoptr(GDateTime) until = g_date_time_add_years (now, 5);
  g_autofree char *dn = g_strdup_printf ("C=UT,O=%s,CN=%s IACA", name, name);
  gnutls_x509_privkey_t key = make_ed25519_key ();
  IdwCertificate *cert = make_test_cert (key, dn, NULL, NULL, from, until, &options);

  gnutls_x509_privkey_deinit (key);
  return cert;
}

/* A CertificateInfo for @cert with the fields every entry needs. */
static inline cbor_item_t *
test_vical_entry (IdwCertificate *cert)
{
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  cbor_item_t *entry = idw_cbor_new_map ();
  cbor_item_t *doc_types = idw_cbor_new_array ();
  cbor_item_t *serial = cbor_new_tag (2);
  static const guint8 serial_bytes[] = { 0x42, 0x01 };
  static const guint8 ski[] = { 0x01, 0x02, 0x03, 0x04 };

  cbor_tag_set_item (serial, cbor_move (idw_cbor_new_bytes (serial_bytes, sizeof serial_bytes)));
  idw_cbor_array_add (doc_types, idw_cbor_new_string ("org.iso.18013.5.1.mDL"));
  idw_cbor_map_add_str (entry, "certificate", idw_cbor_new_gbytes (der));
  idw_cbor_map_add_str (entry, "serialNumber", serial);
  idw_cbor_map_add_str (entry, "ski", idw_cbor_new_bytes (ski, sizeof ski));
  idw_cbor_map_add_str (entry, "docType", doc_types);
  idw_cbor_map_add_str (entry, "issuingCountry", idw_cbor_new_string ("UT"));
  idw_cbor_map_add_str (entry, "issuingAuthority", idw_cbor_new_string ("Utopia"));
  return entry;
}

/* A VICAL map; @entries_steal (an array) may be NULL for an empty list,
 * @issue_id < 0 for none, @next_update NULL for none. */
static inline cbor_item_t *
test_vical_payload (const char  *provider,
                    GDateTime   *date,
                    gint64       issue_id,
                    GDateTime   *next_update,
                    cbor_item_t *entries_steal)
{
  cbor_item_t *map = idw_cbor_new_map ();

  idw_cbor_map_add_str (map, "version", idw_cbor_new_string ("1.0"));
  idw_cbor_map_add_str (map, "vicalProvider", idw_cbor_new_string (provider));
  idw_cbor_map_add_str (map, "date", idw_cbor_new_tdate (date));
  if (issue_id >= 0)
    idw_cbor_map_add_str (map, "vicalIssueID", idw_cbor_new_int (issue_id));
  if (next_update != NULL)
    idw_cbor_map_add_str (map, "nextUpdate", idw_cbor_new_tdate (next_update));
  idw_cbor_map_add_str (map, "certificateInfos",
                        entries_steal != NULL ? entries_steal : idw_cbor_new_array ());
  return map;
}

/* The payload for @certs (IdwCertificate*, NULL-terminated). */
G_GNUC_NULL_TERMINATED static inline cbor_item_t *
test_vical_payload_for (const char     *provider,
                        GDateTime      *date,
                        gint64          issue_id,
                        IdwCertificate *first,
                        ...)
{
  g_autoptr(GDateTime) next_update = g_date_time_add_days (date, 30);
  cbor_item_t *entries = idw_cbor_new_array ();
  va_list args;

  va_start (args, first);
  for (IdwCertificate *cert = first; cert != NULL; cert = va_arg (args, IdwCertificate *))
    idw_cbor_array_add (entries, test_vical_entry (cert));
  va_end (args);

  return test_vical_payload (provider, date, issue_id, next_update, entries);
}

/* A COSE_Sign1 over @payload_bytes by @provider's signer, its x5chain
 * [signer] in the unprotected header, tagged 18 when @tagged. */
static inline GBytes *
test_vical_sign_bytes (TestProvider *provider,
                       GBytes       *payload_bytes,
                       gboolean      tagged)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signer_der = idw_certificate_get_der (provider->signer);
  g_autoptr(cbor_item_t) sign1 = NULL;
  cbor_item_t *unprotected = idw_cbor_new_map ();
  cbor_item_t *chain = idw_cbor_new_array ();
  gsize len;
  const guint8 *data = g_bytes_get_data (payload_bytes, &len);

  idw_cbor_array_add (chain, idw_cbor_new_gbytes (signer_der));
  idw_cbor_map_add_int (unprotected, 33, chain);
  sign1 = idw_cose_sign1_create (provider->key, data, len, FALSE, unprotected, &error);
  g_assert_no_error (error);

  if (tagged)
    {
      g_autoptr(cbor_item_t) tag = cbor_new_tag (18);

      cbor_tag_set_item (tag, sign1);
      return idw_cbor_encode (tag);
    }

  return idw_cbor_encode (sign1);
}

/* @payload_steal signed by @provider, tagged 18. */
static inline GBytes *
test_vical_sign (TestProvider *provider,
                 cbor_item_t  *payload_steal)
{
  g_autoptr(cbor_item_t) payload = payload_steal;
  g_autoptr(GBytes) bytes = idw_cbor_encode (payload);

  return test_vical_sign_bytes (provider, bytes, TRUE);
}
