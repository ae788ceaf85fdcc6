/* test-status-token.c: the Status List Token (CWT)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-status-token.h"
#include "issuer-test-util.h"
#include "status-list-test-util.h"

/* The draft's example signing key (its src/util.py, "kid": "12"): the
 * public part, P-256. */
static const guint8 example_x[] = {
  0x23, 0x71, 0xd6, 0x9b, 0xfd, 0x03, 0xb3, 0x57, 0x4f, 0x30, 0x8f, 0x88, 0x5a, 0x67, 0xf8, 0x98,
  0x19, 0x87, 0xf9, 0x86, 0x9e, 0x01, 0x56, 0xcf, 0x56, 0xee, 0xef, 0x07, 0x6e, 0xc2, 0xc5, 0x7a,
};
static const guint8 example_y[] = {
  0xe8, 0xdf, 0xdd, 0xe4, 0x49, 0x63, 0xf5, 0xbb, 0x35, 0x86, 0xd8, 0x15, 0xde, 0x89, 0x09, 0x28,
  0x87, 0x5b, 0x1c, 0x4a, 0x64, 0x81, 0x39, 0x80, 0x96, 0xe6, 0x0a, 0x25, 0xe9, 0xb3, 0x9f, 0x53,
};

#define EXAMPLE_URI "https://example.com/statuslists/1"

static void
test_draft_example (void)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  g_autoptr(TestIssuer) issuer = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  static const guint8 statuses[] = { 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1 };

  if (!status_vector_load ("status_list_cwt.md", NULL, &data))
    return;

  token = idw_status_token_parse (data, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->uri, ==, EXAMPLE_URI);
  g_assert_cmpint (g_date_time_to_unix (token->issued_at), ==, 1686920170);
  g_assert_nonnull (token->expires_at);
  g_assert_cmpint (g_date_time_to_unix (token->expires_at), ==, 2291720170);
  g_assert_cmpuint (token->ttl, ==, 43200);
  g_assert_cmpint (token->sign1->alg, ==, -7);
  g_assert_null (token->x5chain);
  g_assert_cmpuint (idw_status_list_get_bits (token->list), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      guint status;

      g_assert_true (idw_status_list_get (token->list, i, &status, &error));
      g_assert_cmpuint (status, ==, statuses[i]);
    }

  /* ES256 with the draft's key, and not with another. */
  key = idw_key_new_ec_public (IDW_CURVE_P256, example_x, sizeof example_x, example_y, sizeof example_y, &error);
  g_assert_no_error (error);
  g_assert_true (idw_status_token_verify_signature (token, key, &error));
  g_assert_no_error (error);
  g_assert_false (idw_status_token_verify_signature (token, other, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* It cannot chain to anything this verifier trusts. */
  issuer = test_issuer_new ();
  g_ptr_array_add (anchors, idw_certificate_ref (issuer->iaca));
  g_assert_false (idw_status_token_validate (token, anchors, EXAMPLE_URI, now, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
}

/* A tampered example: one byte of the signature flipped. */
static void
test_draft_example_tampered (void)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *copy;
  gsize len;

  if (!status_vector_load ("status_list_cwt.md", NULL, &data))
    return;
  len = g_bytes_get_size (data);
  copy = g_memdup2 (g_bytes_get_data (data, NULL), len);
  copy[len - 1] ^= 0x01;
  tampered = g_bytes_new_take (copy, len);
  token = idw_status_token_parse (tampered, &error);
  g_assert_no_error (error);
  key = idw_key_new_ec_public (IDW_CURVE_P256, example_x, sizeof example_x, example_y, sizeof example_y, &error);
  g_assert_false (idw_status_token_verify_signature (token, key, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
}

typedef struct
{
  TestIssuer    *issuer;
  GPtrArray     *anchors;
  IdwStatusList *list;
  GDateTime     *now;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->issuer = test_issuer_new ();
  f->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  g_ptr_array_add (f->anchors, idw_certificate_ref (f->issuer->iaca));
  f->list = idw_status_list_new (2, 1024, NULL);
  g_assert_true (idw_status_list_set (f->list, 3, IDW_TOKEN_STATUS_INVALID, NULL));
  g_assert_true (idw_status_list_set (f->list, 5, IDW_TOKEN_STATUS_SUSPENDED, NULL));
  f->now = g_date_time_new_now_utc ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->issuer, test_issuer_free);
  g_clear_pointer (&f->anchors, g_ptr_array_unref);
  g_clear_pointer (&f->list, idw_status_list_free);
  g_clear_pointer (&f->now, g_date_time_unref);
}

static GBytes *
sign (Fixture   *f,
      GDateTime *issued_at,
      GDateTime *expires_at)
{
  g_autoptr(GError) error = NULL;
  GBytes *data = idw_status_token_sign (f->list, EXAMPLE_URI, issued_at, expires_at, 3600,
                                        f->issuer->ds_key, f->issuer->ds, &error);

  g_assert_no_error (error);
  return data;
}

static void
test_sign_validate (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GDateTime) exp = g_date_time_add_days (f->now, 1);
  g_autoptr(GBytes) bytes = sign (f, f->now, exp);
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  guint status;

  /* Tag 18 and typ, as the draft's example. */
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (bytes, NULL))[0], ==, 0xd2);
  token = idw_status_token_parse (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->uri, ==, EXAMPLE_URI);
  g_assert_cmpuint (token->ttl, ==, 3600);
  g_assert_nonnull (token->x5chain);
  g_assert_true (idw_status_list_get (token->list, 3, &status, NULL));
  g_assert_cmpuint (status, ==, IDW_TOKEN_STATUS_INVALID);
  g_assert_true (idw_status_list_get (token->list, 5, &status, NULL));
  g_assert_cmpuint (status, ==, IDW_TOKEN_STATUS_SUSPENDED);
  g_assert_true (idw_status_token_validate (token, f->anchors, EXAMPLE_URI, f->now, &error));
  g_assert_no_error (error);

  /* sub must be the URI the credential names. */
  g_assert_false (idw_status_token_validate (token, f->anchors, "https://example.com/statuslists/2",
                                             f->now, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Another issuer's anchor. */
  {
    g_autoptr(TestIssuer) stranger = test_issuer_new ();
    g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);

    g_ptr_array_add (others, idw_certificate_ref (stranger->iaca));
    g_assert_false (idw_status_token_validate (token, others, EXAMPLE_URI, f->now, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_clear_error (&error);
  }

  /* After exp. */
  {
    g_autoptr(GDateTime) later = g_date_time_add_days (f->now, 2);

    g_assert_false (idw_status_token_validate (token, f->anchors, EXAMPLE_URI, later, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
    g_clear_error (&error);
  }

  /* The protected header names the type. */
  item = idw_cbor_decode_bytes (bytes, &error);
  sign1 = idw_cose_sign1_parse (item, &error);
  g_assert_no_error (error);
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get_int (sign1->protected_map, IDW_COSE_HEADER_TYP),
                                        IDW_STATUS_LIST_CWT_TYPE));
}

static void
test_tampered_claims (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) bytes = sign (f, f->now, NULL);
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(GBytes) forged = NULL;
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStatusList) clean = idw_status_list_new (2, 1024, NULL);
  g_autoptr(cbor_item_t) claims = idw_cbor_new_map ();
  g_autoptr(GBytes) payload = NULL;
  cbor_item_t *array;

  /* The same token with an all-valid list in its payload. */
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_SUB, idw_cbor_new_string (EXAMPLE_URI));
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_IAT, idw_cbor_new_int (g_date_time_to_unix (f->now)));
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_TTL, idw_cbor_new_int (3600));
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_STATUS_LIST, idw_status_list_to_cbor (clean));
  payload = idw_cbor_encode (claims);
  item = idw_cbor_decode_bytes (bytes, &error);
  g_assert_no_error (error);
  array = cbor_tag_item (item);
  {
    g_autoptr(cbor_item_t) new_payload = idw_cbor_new_gbytes (payload);

    /* cbor_array_replace() takes its own reference. */
    cbor_array_replace (array, 2, new_payload);
  }
  cbor_decref (&array);
  forged = idw_cbor_encode (item);

  token = idw_status_token_parse (forged, &error);
  g_assert_no_error (error);
  g_assert_false (idw_status_token_validate (token, f->anchors, EXAMPLE_URI, f->now, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
}

static void
test_not_a_token (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) list_only = idw_status_list_encode (f->list);
  g_autofree guint8 *huge = g_malloc0 (IDW_MAX_STATUS_LIST_TOKEN + 1);
  g_autoptr(GBytes) too_large = g_bytes_new_take (g_steal_pointer (&huge), IDW_MAX_STATUS_LIST_TOKEN + 1);
  g_autoptr(cbor_item_t) sign1 = NULL;
  g_autoptr(GBytes) untyped = NULL;

  g_assert_null (idw_status_token_parse (junk, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (idw_status_token_parse (list_only, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (idw_status_token_parse (too_large, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_clear_error (&error);

  /* A COSE_Sign1 without the type: some other signed thing. */
  sign1 = idw_cose_sign1_create (f->issuer->ds_key, (const guint8 *) "\xa0", 1, FALSE, NULL, &error);
  g_assert_no_error (error);
  untyped = idw_cbor_encode (sign1);
  g_assert_null (idw_status_token_parse (untyped, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/status-token/draft-example", test_draft_example);
  g_test_add_func ("/status-token/draft-example-tampered", test_draft_example_tampered);
  g_test_add ("/status-token/sign-validate", Fixture, NULL, fixture_set_up, test_sign_validate,
              fixture_tear_down);
  g_test_add ("/status-token/tampered-claims", Fixture, NULL, fixture_set_up, test_tampered_claims,
              fixture_tear_down);
  g_test_add ("/status-token/not-a-token", Fixture, NULL, fixture_set_up, test_not_a_token,
              fixture_tear_down);

  return g_test_run ();
}
