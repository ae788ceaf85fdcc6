/* test-verifier-tamper.c: presentations altered after they were signed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Values, digests and digest IDs changed, in one namespace or two,
 * elements disclosed twice, signatures a byte too long or too short, and
 * items digested as the issuer encoded them.
 */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "verifier-test-util.h"

static void
test_tampered_value (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "given_name", NULL);
  IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, 0);
  IdwIssuerSignedItem *orig = g_ptr_array_index (ns->items, 0);
  g_autoptr(cbor_item_t) value = idw_cbor_new_string ("Musterfrau");
  IdwIssuerSignedItem *forged = idw_issuer_signed_item_new (orig->digest_id, orig->random,
                                                            orig->element_identifier, value);
  g_autoptr(IdwVerdict) verdict = NULL;

  g_ptr_array_index (ns->items, 0) = forged;
  idw_issuer_signed_item_unref (orig);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The value of org.iso.18013.5.1/family_name is not the one the issuer signed.");
}

static void
test_tampered_mso_digest (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCoseSign1) sign1 = idw_cose_sign1_parse (is->issuer_auth, &error);
  g_autoptr(IdwMso) mso = NULL;
  IdwIssuerSignedItem *birth = idw_issuer_signed_lookup (idw_credential_get_issuer_signed (f->credential),
                                                         IDW_NAMESPACE_MDL, "birth_date");
  GHashTable *digests;
  guint8 zero[32] = { 0 };
  g_autoptr(GBytes) payload = NULL;
  cbor_item_t *forged;
  g_autoptr(IdwVerdict) verdict = NULL;

  g_assert_no_error (error);
  mso = idw_mso_parse_payload (sign1->payload, &error);
  g_assert_no_error (error);
  /* Change an undisclosed element's digest: only the signature can tell. */
  digests = g_hash_table_lookup (mso->value_digests, IDW_NAMESPACE_MDL);
  g_hash_table_insert (digests, g_memdup2 (&birth->digest_id, sizeof (guint64)), g_bytes_new (zero, 32));
  payload = idw_mso_encode_payload (mso);

  forged = idw_cbor_new_array ();
  for (guint i = 0; i < 4; i++)
    {
      cbor_item_t *orig = cbor_array_handle (is->issuer_auth)[i];

      idw_cbor_array_add (forged, i == 2 ? idw_cbor_new_gbytes (payload) : cbor_incref (orig));
    }
  replace_issuer_auth (is, forged);

  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                       "The issuer’s signature does not verify: the signed data was altered or forged.");
  g_assert_false (idw_verdict_is_untrusted_only (verdict));
}

static void
test_wrong_digest_id (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, 0);
  IdwIssuerSignedItem *orig = g_ptr_array_index (ns->items, 0);
  IdwIssuerSignedItem *other = idw_issuer_signed_lookup (idw_credential_get_issuer_signed (f->credential),
                                                         IDW_NAMESPACE_MDL, "given_name");
  g_autoptr(IdwVerdict) verdict = NULL;

  g_ptr_array_index (ns->items, 0) = idw_issuer_signed_item_new (other->digest_id, orig->random,
                                                                 orig->element_identifier,
                                                                 orig->element_value);
  idw_issuer_signed_item_unref (orig);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The value of org.iso.18013.5.1/family_name is not the one the issuer signed.");

  /* A digest ID the MSO does not have at all. */
  {
    IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, 0);
    g_autoptr(IdwVerdict) again = NULL;

    g_ptr_array_index (ns->items, 0) = idw_issuer_signed_item_new (999999, item->random,
                                                                   item->element_identifier,
                                                                   item->element_value);
    idw_issuer_signed_item_unref (item);
    again = verify_is (f, is);
    test_assert_failure (again, IDW_CHECK_DIGESTS,
                         "The issuer signed no digest for org.iso.18013.5.1/family_name (digest ID 999999).");
  }
}

static void
test_duplicate_item (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  IdwIssuerSignedItem *item = idw_issuer_signed_lookup (is, IDW_NAMESPACE_MDL, "family_name");
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(cbor_item_t) encoded = NULL;
  g_autoptr(IdwIssuerSigned) strict = NULL;
  g_autoptr(GError) error = NULL;

  idw_issuer_signed_add_item (is, IDW_NAMESPACE_MDL, item);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The element org.iso.18013.5.1/family_name is disclosed twice.");

  /* The strict parser (for credentials) refuses it outright. */
  encoded = idw_issuer_signed_to_cbor (is);
  strict = idw_issuer_signed_parse (encoded, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "appears twice"));

  /* A second family_name under another genuine digest ID (given_name's,
   * with its random and value): refused as a duplicate element, before
   * its digest is looked at. */
  {
    g_autoptr(IdwIssuerSigned) two = select_items (f->credential, "family_name", NULL);
    IdwIssuerSigned *all = idw_credential_get_issuer_signed (f->credential);
    IdwIssuerSignedItem *given = idw_issuer_signed_lookup (all, IDW_NAMESPACE_MDL, "given_name");
    g_autoptr(IdwIssuerSignedItem) renamed =
      idw_issuer_signed_item_new (given->digest_id, given->random, "family_name",
                                  given->element_value);
    g_autoptr(IdwVerdict) again = NULL;

    idw_issuer_signed_add_item (two, IDW_NAMESPACE_MDL, renamed);
    again = verify_is (f, two);
    test_assert_failure (again, IDW_CHECK_DIGESTS,
                         "The element org.iso.18013.5.1/family_name is disclosed twice.");
  }
}

/* ---- Regressions the checks must catch ---------------------------------------- */

#define NAMESPACE_AAMVA "org.iso.18013.5.1.aamva"

/* The items of @credential named by the paths "ns/element". */
static IdwIssuerSigned *
select_paths (IdwCredential *credential,
              const char    *first,
              ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  IdwIssuerSigned *is;
  va_list args;

  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (paths, (gpointer) p);
  va_end (args);
  g_ptr_array_add (paths, NULL);
  is = idw_issuer_signed_select (idw_credential_get_issuer_signed (credential),
                                 (const char * const *) paths->pdata, &error);
  g_assert_no_error (error);
  return is;
}

/* Replaces @element of @name_space in @is by an item with @digest_id and
 * @value (NULL: the item's own), keeping its random. Other presentations
 * sharing the item keep the original. */
static void
replace_item (IdwIssuerSigned *is,
              const char      *name_space,
              const char      *element,
              guint64          digest_id,
              cbor_item_t     *value)
{
  IdwIssuerNameSpace *ns = idw_issuer_signed_get_name_space (is, name_space);

  g_assert_nonnull (ns);
  for (guint i = 0; i < ns->items->len; i++)
    {
      IdwIssuerSignedItem *orig = g_ptr_array_index (ns->items, i);

      if (!g_str_equal (orig->element_identifier, element))
        continue;
      g_ptr_array_index (ns->items, i) =
        idw_issuer_signed_item_new (digest_id, orig->random, orig->element_identifier,
                                    value != NULL ? value : orig->element_value);
      idw_issuer_signed_item_unref (orig);
      return;
    }
  g_error ("no %s/%s", name_space, element);
}

static guint64
digest_id_of (IdwIssuerSigned *is,
              const char      *name_space,
              const char      *element)
{
  IdwIssuerSignedItem *item = idw_issuer_signed_lookup (is, name_space, element);

  g_assert_nonnull (item);
  return item->digest_id;
}

/* A credential holding the mDL namespace and AAMVA's. */
static IdwCredential *
issue_two_namespaces (Fixture *f)
{
  g_autoptr(JsonObject) person = test_person ();
  JsonObject *aamva = json_object_new ();
  IdwIssueOptions options = { .doctype = IDW_DOCTYPE_MDL };
  g_autoptr(GError) error = NULL;
  IdwCredential *credential;

  json_object_set_string_member (aamva, "DHS_compliance", "F");
  json_object_set_int_member (aamva, "organ_donor", 1);
  json_object_set_int_member (aamva, "veteran", 1);
  json_object_set_object_member (person, NAMESPACE_AAMVA, aamva);
  credential = idw_issue_credential (person, NULL, f->device_key, f->issuer->ds_key, f->issuer->ds,
                                     &options, &error);
  g_assert_no_error (error);
  return credential;
}

/* Every namespace is checked, with its own digest IDs. */
static void
test_two_namespaces (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwCredential) c = issue_two_namespaces (f);
  IdwIssuerSigned *all = idw_credential_get_issuer_signed (c);
  IdwIssuerNameSpace *mdl = idw_issuer_signed_get_name_space (all, IDW_NAMESPACE_MDL);
  IdwIssuerNameSpace *aamva = idw_issuer_signed_get_name_space (all, NAMESPACE_AAMVA);
  guint count = idw_issuer_signed_count_items (all);
  g_autofree char *words = g_strdup_printf ("All %u disclosed elements", count);
  g_autoptr(IdwVerdict) verdict = verify_is (f, all);
  GPtrArray *disclosed = idw_verdict_get_disclosed (verdict);
  IdwDisclosedElement *last;
  gboolean shared_id = FALSE;

  /* Digest IDs are per namespace: with every element of both, some ID
   * is in both, and that is no duplicate. */
  for (guint i = 0; i < mdl->items->len; i++)
    for (guint j = 0; j < aamva->items->len; j++)
      if (((IdwIssuerSignedItem *) g_ptr_array_index (mdl->items, i))->digest_id
          == ((IdwIssuerSignedItem *) g_ptr_array_index (aamva->items, j))->digest_id)
        shared_id = TRUE;
  g_assert_true (shared_id);

  test_assert_valid (verdict);
  test_assert_detail (verdict, IDW_CHECK_DIGESTS, words);
  g_assert_cmpuint (disclosed->len, ==, count);
  last = g_ptr_array_index (disclosed, disclosed->len - 1);
  g_assert_cmpstr (last->name_space, ==, NAMESPACE_AAMVA);
}

/* A value changed in the second namespace is caught as well as in the
 * first. */
static void
test_tampered_second_namespace (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IdwCredential) c = issue_two_namespaces (f);
  g_autoptr(IdwIssuerSigned) is = select_paths (c, IDW_NAMESPACE_MDL "/family_name",
                                                NAMESPACE_AAMVA "/organ_donor",
                                                NAMESPACE_AAMVA "/veteran", NULL);
  g_autoptr(cbor_item_t) zero = idw_cbor_new_int (0);
  g_autoptr(IdwVerdict) verdict = NULL;
  GPtrArray *disclosed;

  /* The altered namespace is not the first one presented. */
  g_assert_cmpuint (is->name_spaces->len, ==, 2);
  replace_item (is, NAMESPACE_AAMVA, "veteran", digest_id_of (is, NAMESPACE_AAMVA, "veteran"),
                zero);
  verdict = verify_is (f, is);
  disclosed = idw_verdict_get_disclosed (verdict);
  g_assert_cmpstr (((IdwDisclosedElement *) g_ptr_array_index (disclosed, 0))->name_space, ==,
                   IDW_NAMESPACE_MDL);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The value of " NAMESPACE_AAMVA "/veteran is not the one the issuer signed.");
}

/* A digest ID is looked up in the item's own namespace: one that only
 * the other namespace has is no digest. */
static void
test_digest_id_of_other_namespace (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(IdwCredential) c = issue_two_namespaces (f);
  g_autoptr(IdwIssuerSigned) is = select_paths (c, IDW_NAMESPACE_MDL "/family_name",
                                                NAMESPACE_AAMVA "/veteran", NULL);
  IdwMso *mso = idw_credential_get_mso (c);
  g_autofree char *words = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  guint64 id;

  /* IDs count from 0 in each namespace: the mDL has more of them. */
  g_assert_cmpuint (idw_mso_count_digests (mso, NAMESPACE_AAMVA), ==, 3);
  g_assert_cmpuint (idw_mso_count_digests (mso, IDW_NAMESPACE_MDL), >, 10);
  id = 10;
  g_assert_nonnull (idw_mso_lookup_digest (mso, IDW_NAMESPACE_MDL, id));
  g_assert_null (idw_mso_lookup_digest (mso, NAMESPACE_AAMVA, id));

  replace_item (is, NAMESPACE_AAMVA, "veteran", id, NULL);
  verdict = verify_is (f, is);
  words = g_strdup_printf ("The issuer signed no digest for " NAMESPACE_AAMVA "/veteran (digest ID %"
                           G_GUINT64_FORMAT ").", id);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS, words);
}

/* Two elements claiming one digest ID: the second is refused for that,
 * before any digest is compared. */
static void
test_duplicate_digest_id (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "given_name", NULL);
  guint64 id = digest_id_of (is, IDW_NAMESPACE_MDL, "family_name");
  g_autofree char *words = g_strdup_printf ("Two disclosed elements in " IDW_NAMESPACE_MDL
                                            " use the digest ID %" G_GUINT64_FORMAT ".", id);
  g_autoptr(IdwVerdict) verdict = NULL;

  replace_item (is, IDW_NAMESPACE_MDL, "given_name", id, NULL);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS, words);
}

/* An EdDSA signature is exactly 64 bytes: a valid issuer signature with a
 * byte added, or one short, is refused. */
static void
test_issuer_signature_length (Fixture       *f,
                              gconstpointer  data)
{
  static const int resizes[] = { 1, 2, -1, -64 };

  for (guint i = 0; i < G_N_ELEMENTS (resizes); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      /* A deep copy: the credential shares issuerAuth. */
      cbor_item_t *auth = cbor_copy (is->issuer_auth);
      g_autoptr(IdwVerdict) verdict = NULL;

      g_test_message ("signature resized by %d bytes", resizes[i]);
      test_cose_resize_tag (auth, resizes[i]);
      replace_issuer_auth (is, auth);
      verdict = verify_is (f, is);
      test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                           "The issuer’s signature does not verify: the signed data was altered or forged.");
    }
}

static void
resize_device_signature (cbor_item_t *envelope,
                         gssize       delta)
{
  cbor_item_t *document = first_document (envelope);

  test_cose_resize_tag (document_device_auth (document, "deviceSignature"), delta);
}

static void mut_device_signature_plus_one (cbor_item_t *e) { resize_device_signature (e, 1); }
static void mut_device_signature_minus_one (cbor_item_t *e) { resize_device_signature (e, -1); }
static void mut_device_signature_empty (cbor_item_t *e) { resize_device_signature (e, -64); }

/* The same for the holder's EdDSA device signature. */
static void
test_device_signature_length (Fixture       *f,
                              gconstpointer  data)
{
  static const Mutation mutations[] = {
    mut_device_signature_plus_one, mut_device_signature_minus_one, mut_device_signature_empty,
  };
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      g_autofree char *bad = mutate_text (text, mutations[i]);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, bad);

      g_test_message ("case %u", i);
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                           DEVICE_SIGNATURE_DOES_NOT_VERIFY);
    }
}

/* A P-256 device key made with GnuTLS (the engine signs with Ed25519
 * only), for ES256 device signatures. */
typedef struct
{
  gnutls_privkey_t  priv;
  IdwKey           *key;
} P256Device;

static void
p256_device_free (P256Device *device)
{
  gnutls_privkey_deinit (device->priv);
  g_clear_pointer (&device->key, idw_key_unref);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P256Device, p256_device_free)

/* @d as exactly @len bytes: GnuTLS may add a sign byte or drop zeros. */
static GBytes *
datum_fixed (const gnutls_datum_t *d,
             gsize                 len)
{
  guint8 *buf = g_malloc0 (len);
  const guint8 *p = d->data;
  gsize n = d->size;

  while (n > len && *p == 0)
    {
      p++;
      n--;
    }
  g_assert_cmpuint (n, <=, len);
  memcpy (buf + len - n, p, n);
  return g_bytes_new_take (buf, len);
}

static P256Device *
p256_device_new (void)
{
  P256Device *device = g_new0 (P256Device, 1);
  gnutls_ecc_curve_t curve;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
  g_autoptr(GBytes) xb = NULL;
  g_autoptr(GBytes) yb = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gnutls_privkey_init (&device->priv), ==, 0);
  g_assert_cmpint (gnutls_privkey_generate (device->priv, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                   ==, 0);
  g_assert_cmpint (gnutls_privkey_export_ecc_raw2 (device->priv, &curve, &x, &y, NULL, 0), ==, 0);
  xb = datum_fixed (&x, 32);
  yb = datum_fixed (&y, 32);
  gnutls_free (x.data);
  gnutls_free (y.data);
  device->key = idw_key_new_ec_public (IDW_CURVE_P256, g_bytes_get_data (xb, NULL), 32,
                                       g_bytes_get_data (yb, NULL), 32, &error);
  g_assert_no_error (error);
  return device;
}

/* DeviceSigned with an ES256 deviceSignature (detached) over the QR
 * transcript of @presented_at, its signature resized by @delta bytes. */
static IdwDeviceSigned *
p256_device_signed (P256Device *device,
                    const char *doctype,
                    gint64      presented_at,
                    gssize      delta)
{
  IdwDeviceSigned *ds = g_new0 (IdwDeviceSigned, 1);
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (presented_at, NULL);
  g_autoptr(GBytes) auth = NULL;
  g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
  g_autoptr(GBytes) protected_bytes = NULL;
  g_autoptr(cbor_item_t) tbs_item = idw_cbor_new_array ();
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GBytes) r_bytes = NULL;
  g_autoptr(GBytes) s_bytes = NULL;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  gnutls_datum_t in, der = { NULL, 0 }, r = { NULL, 0 }, s = { NULL, 0 };
  cbor_item_t *sign1;

  ds->name_spaces = idw_cbor_new_map ();
  ds->name_spaces_bytes = idw_cbor_encode (ds->name_spaces);
  auth = idw_device_authentication_bytes (transcript, doctype, ds->name_spaces_bytes);

  idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (IDW_COSE_ALG_ES256));
  protected_bytes = idw_cbor_encode (protected_map);
  idw_cbor_array_add (tbs_item, idw_cbor_new_string ("Signature1"));
  idw_cbor_array_add (tbs_item, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (tbs_item, idw_cbor_new_bytes (NULL, 0));
  idw_cbor_array_add (tbs_item, idw_cbor_new_gbytes (auth));
  tbs = idw_cbor_encode (tbs_item);

  in.data = (unsigned char *) g_bytes_get_data (tbs, NULL);
  in.size = (unsigned int) g_bytes_get_size (tbs);
  g_assert_cmpint (gnutls_privkey_sign_data (device->priv, GNUTLS_DIG_SHA256, 0, &in, &der), ==, 0);
  g_assert_cmpint (gnutls_decode_rs_value (&der, &r, &s), ==, 0);
  r_bytes = datum_fixed (&r, 32);
  s_bytes = datum_fixed (&s, 32);
  gnutls_free (der.data);
  gnutls_free (r.data);
  gnutls_free (s.data);
  g_byte_array_append (raw, g_bytes_get_data (r_bytes, NULL), 32);
  g_byte_array_append (raw, g_bytes_get_data (s_bytes, NULL), 32);

  sign1 = idw_cbor_new_array ();
  idw_cbor_array_add (sign1, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (sign1, idw_cbor_new_map ());
  idw_cbor_array_add (sign1, idw_cbor_new_null ());
  idw_cbor_array_add (sign1, idw_cbor_new_bytes (raw->data, raw->len));
  if (delta != 0)
    test_cose_resize_tag (sign1, delta);
  ds->device_signature = sign1;
  return ds;
}

/* ES256 device signatures: a valid one passes; with a byte added, or one
 * short, it is refused. */
static void
test_es256_device_signature_length (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(P256Device) device = p256_device_new ();
  g_autoptr(IdwCredential) c = test_issue (f->issuer, device->key, NULL);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  static const int resizes[] = { 0, 1, 2, -1, -32 };

  for (guint i = 0; i < G_N_ELEMENTS (resizes); i++)
    {
      gint64 at = now_unix ();
      IdwDeviceSigned *ds = p256_device_signed (device, IDW_DOCTYPE_MDL, at, resizes[i]);
      g_autofree char *text = make_text_with (is, IDW_DOCTYPE_MDL, ds, at, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      g_test_message ("signature resized by %d bytes", resizes[i]);
      if (resizes[i] == 0)
        {
          test_assert_valid (verdict);
          continue;
        }
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                           DEVICE_SIGNATURE_DOES_NOT_VERIFY);
    }
}

/* Items are digested as received: an issuer's non-minimal CBOR (which
 * DESIGN §4 accepts) must not be normalised before hashing. */
static void
test_non_minimal_item (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = NULL;
  g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
  guint64 id = digest_id_of (idw_credential_get_issuer_signed (f->credential), IDW_NAMESPACE_MDL,
                             "family_name");
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  g_autoptr(GBytes) inner_bytes = NULL;
  g_autoptr(cbor_item_t) bstr = NULL;
  g_autoptr(cbor_item_t) tagged = NULL;
  g_autoptr(IdwIssuerSignedItem) item = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  guint8 random[16];
  guint8 id_be[8];

  /* {"digestID": 1b <8 bytes>, "random": h'…', "elementIdentifier":
   * "family_name", "elementValue": 78 0a "Mustermann"}: an 8-byte uint and
   * a one-byte text length where neither is needed. */
  for (guint i = 0; i < 8; i++)
    id_be[i] = (guint8) (id >> (8 * (7 - i)));
  memset (random, 0x5a, sizeof random);
  g_byte_array_append (inner, (const guint8 *) "\xa4\x68" "digestID\x1b", 11);
  g_byte_array_append (inner, id_be, 8);
  g_byte_array_append (inner, (const guint8 *) "\x66" "random\x50", 8);
  g_byte_array_append (inner, random, sizeof random);
  g_byte_array_append (inner, (const guint8 *) "\x71" "elementIdentifier\x6b" "family_name", 30);
  g_byte_array_append (inner, (const guint8 *) "\x6c" "elementValue\x78\x0a" "Mustermann", 25);
  inner_bytes = g_bytes_new (inner->data, inner->len);
  bstr = idw_cbor_new_gbytes (inner_bytes);
  tagged = cbor_build_tag (IDW_CBOR_TAG_ENCODED_CBOR, bstr);
  item = idw_issuer_signed_item_parse (tagged, IDW_NAMESPACE_MDL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (item->digest_id, ==, id);
  g_assert_true (idw_cbor_string_equal (item->element_value, "Mustermann"));

  /* The issuer's digest: of `d8 18 58 <len> <inner as received>`. */
  {
    g_autoptr(GByteArray) whole = g_byte_array_new ();
    guint8 head[] = { 0xd8, 0x18, 0x58, (guint8) inner->len };
    g_autoptr(GBytes) expected = NULL;

    g_assert_cmpuint (inner->len, <, 256);
    g_byte_array_append (whole, head, sizeof head);
    g_byte_array_append (whole, inner->data, inner->len);
    expected = g_bytes_new (whole->data, whole->len);
    g_assert_true (g_bytes_equal (item->encoded, expected));
    digest = idw_mdoc_digest ("SHA-256", whole->data, whole->len, &error);
    g_assert_no_error (error);
  }
  {
    cbor_item_t *value_digests = idw_cbor_map_get (mso, "valueDigests");
    cbor_item_t *digests = idw_cbor_map_get (value_digests, IDW_NAMESPACE_MDL);
    struct cbor_pair *pairs = cbor_map_handle (digests);
    gboolean found = FALSE;

    for (gsize i = 0; i < cbor_map_size (digests); i++)
      {
        guint64 key;

        if (idw_cbor_get_uint (pairs[i].key, &key) && key == id)
          {
            cbor_decref (&pairs[i].value);
            pairs[i].value = idw_cbor_new_gbytes (digest);
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  is = idw_issuer_signed_new (NULL);
  is->issuer_auth = sign_mso_item (f->issuer, mso);
  idw_issuer_signed_add_item (is, IDW_NAMESPACE_MDL, item);
  verdict = verify_is (f, is);
  test_assert_valid (verdict);
  test_assert_detail (verdict, IDW_CHECK_DIGESTS,
                      "The 1 disclosed element is the one the issuer signed.");
  g_assert_true (idw_cbor_string_equal (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"),
                                        "Mustermann"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define FIXTURE(path, func) \
  g_test_add ("/verifier/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("tampered-value", test_tampered_value);
  FIXTURE ("tampered-mso-digest", test_tampered_mso_digest);
  FIXTURE ("wrong-digest-id", test_wrong_digest_id);
  FIXTURE ("duplicate-item", test_duplicate_item);
  FIXTURE ("two-namespaces", test_two_namespaces);
  FIXTURE ("tampered-second-namespace", test_tampered_second_namespace);
  FIXTURE ("digest-id-of-other-namespace", test_digest_id_of_other_namespace);
  FIXTURE ("duplicate-digest-id", test_duplicate_digest_id);
  FIXTURE ("issuer-signature-length", test_issuer_signature_length);
  FIXTURE ("device-signature-length", test_device_signature_length);
  FIXTURE ("es256-device-signature-length", test_es256_device_signature_length);
  FIXTURE ("non-minimal-item", test_non_minimal_item);

  return g_test_run ();
}
