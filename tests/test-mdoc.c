/* test-mdoc.c: the ISO 18013-5 structures, built and parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sodium.h>

#include "mdoc-test-util.h"

static GBytes *
random_bytes (gsize n)
{
  guint8 buf[64];

  g_assert_cmpuint (n, <=, sizeof buf);
  randombytes_buf (buf, n);
  return g_bytes_new (buf, n);
}

static GBytes *
encode (cbor_item_t *item)
{
  return idw_cbor_encode (item);
}

static cbor_item_t *
decode_hex (const char *hex)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  cbor_item_t *item;

  for (const char *p = hex; p[0] != '\0' && p[1] != '\0'; p += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));

      g_byte_array_append (bytes, &b, 1);
    }
  item = idw_cbor_decode (bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  return item;
}

/* ---- IssuerSignedItem --------------------------------------------------- */

static void
test_item_round_trip (void)
{
  g_autoptr(GBytes) random = random_bytes (32);
  g_autoptr(cbor_item_t) value = idw_cbor_new_string ("Doe");
  g_autoptr(IdwIssuerSignedItem) item = idw_issuer_signed_item_new (7, random, "family_name", value);
  g_autoptr(cbor_item_t) tagged = idw_issuer_signed_item_to_cbor (item);
  g_autoptr(IdwIssuerSignedItem) parsed = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (item->encoded, &len);
  guint8 sha[32];

  /* The digest covers the whole tag-24 encoding. */
  g_assert_cmpuint (data[0], ==, 0xd8);
  g_assert_cmpuint (data[1], ==, 0x18);
  crypto_hash_sha256 (sha, data, len);
  digest = idw_issuer_signed_item_digest (item, "SHA-256", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (digest, NULL), 32, sha, 32);

  parsed = idw_issuer_signed_item_parse (tagged, "org.iso.18013.5.1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->digest_id, ==, 7);
  g_assert_cmpstr (parsed->element_identifier, ==, "family_name");
  g_assert_true (g_bytes_equal (parsed->random, random));
  g_assert_true (idw_cbor_string_equal (parsed->element_value, "Doe"));
  g_assert_true (g_bytes_equal (parsed->encoded, item->encoded));

  expected = idw_issuer_signed_item_digest (parsed, "SHA-384", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (expected), ==, 48);
  g_clear_pointer (&expected, g_bytes_unref);
  expected = idw_issuer_signed_item_digest (parsed, "SHA-512", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (expected), ==, 64);
  g_clear_pointer (&expected, g_bytes_unref);
  expected = idw_issuer_signed_item_digest (parsed, "MD5", &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_null (expected);
}

static void
test_item_keeps_bytes (void)
{
  /* A non-deterministic inner encoding (keys in another order, a two-byte
   * length where one would do) is kept byte for byte inside the tag. */
  static const char inner_hex[] =
    "a4"
    "71" "656c656d656e744964656e746966696572" "6b" "66616d696c795f6e616d65"
    "6c" "656c656d656e7456616c7565" "79" "0003" "446f65"
    "66" "72616e646f6d" "50" "000102030405060708090a0b0c0d0e0f"
    "68" "6469676573744944" "01";
  g_autofree char *tagged_hex = g_strdup_printf ("d81858%02x%s", (guint) (strlen (inner_hex) / 2), inner_hex);
  g_autoptr(cbor_item_t) tagged = decode_hex (tagged_hex);
  g_autoptr(IdwIssuerSignedItem) item = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data;

  item = idw_issuer_signed_item_parse (tagged, "ns", &error);
  g_assert_no_error (error);
  g_assert_true (idw_cbor_string_equal (item->element_value, "Doe"));
  data = g_bytes_get_data (item->encoded, &len);
  g_assert_cmpuint (len, ==, 4 + strlen (inner_hex) / 2);
  {
    g_autofree char *hex = g_malloc (len * 2 + 1);

    for (gsize i = 0; i < len; i++)
      g_snprintf (hex + i * 2, 3, "%02x", data[i]);
    g_assert_cmpstr (hex, ==, tagged_hex);
  }
}

static void
test_item_errors (void)
{
  static const struct { const char *hex; int code; const char *words; } cases[] = {
    /* not tag 24 */
    { "a0", IDW_ERROR_WRONG_TYPE, "IssuerSignedItem in ns: expected a byte string with tag 24" },
    /* tag 24 around an array */
    { "d8184180", IDW_ERROR_WRONG_TYPE, "IssuerSignedItem in ns: expected a map" },
    /* tag 24 around garbage */
    { "d81841ff", IDW_ERROR_MALFORMED, "IssuerSignedItem in ns" },
    /* {"digestID": 1} */
    { "d8184ba168646967657374494401", IDW_ERROR_MISSING_FIELD, "IssuerSignedItem in ns random: missing" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) item = decode_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwIssuerSignedItem) parsed = idw_issuer_signed_item_parse (item, "ns", &error);

      g_assert_null (parsed);
      if (!g_error_matches (error, IDW_ERROR, cases[i].code) || strstr (error->message, cases[i].words) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": %s (%d)", i, error->message, error->code);
    }
}

/* ---- IssuerSigned -------------------------------------------------------- */

static cbor_item_t *
dummy_issuer_auth (void)
{
  cbor_item_t *array = idw_cbor_new_array ();

  idw_cbor_array_add (array, idw_cbor_new_bytes ((const guint8 *) "\xa1\x01\x27", 3));
  idw_cbor_array_add (array, idw_cbor_new_map ());
  idw_cbor_array_add (array, idw_cbor_new_bytes ((const guint8 *) "payload", 7));
  idw_cbor_array_add (array, idw_cbor_new_bytes ((const guint8 *) "signature", 9));
  return array;
}

static IdwIssuerSigned *
issuer_signed_with (guint n, gboolean duplicate_id, gboolean duplicate_name)
{
  g_autoptr(cbor_item_t) auth = dummy_issuer_auth ();
  IdwIssuerSigned *is = idw_issuer_signed_new (auth);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) random = random_bytes (16);
      g_autoptr(cbor_item_t) value = idw_cbor_new_int (i);
      g_autofree char *name = g_strdup_printf ("e%u", (duplicate_name && i == 1) ? 0 : i);
      g_autoptr(IdwIssuerSignedItem) item = idw_issuer_signed_item_new ((duplicate_id && i == 1) ? 0 : i,
                                                                       random, name, value);

      idw_issuer_signed_add_item (is, i % 2 == 0 ? "ns.a" : "ns.b", item);
    }
  return is;
}

static void
test_issuer_signed (void)
{
  g_autoptr(IdwIssuerSigned) is = issuer_signed_with (4, FALSE, FALSE);
  g_autoptr(cbor_item_t) item = idw_issuer_signed_to_cbor (is);
  g_autoptr(IdwIssuerSigned) parsed = NULL;
  g_autoptr(IdwIssuerSigned) subset = NULL;
  g_autoptr(IdwIssuerSigned) none = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  static const char * const wanted[] = { "ns.b/e3", "ns.a/e0", NULL };
  static const char * const missing[] = { "ns.a/e0", "ns.a/e1", "nonsense", NULL };
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(cbor_item_t) again = NULL;

  parsed = idw_issuer_signed_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_issuer_signed_count_items (parsed), ==, 4);
  g_assert_cmpuint (parsed->name_spaces->len, ==, 2);
  g_assert_nonnull (idw_issuer_signed_lookup (parsed, "ns.b", "e3"));
  g_assert_null (idw_issuer_signed_lookup (parsed, "ns.a", "e3"));
  paths = idw_issuer_signed_list_paths (parsed);
  g_assert_cmpuint (g_strv_length (paths), ==, 4);

  /* Re-encoding is stable. */
  again = idw_issuer_signed_to_cbor (parsed);
  a = encode (item);
  b = encode (again);
  g_assert_true (g_bytes_equal (a, b));

  subset = idw_issuer_signed_select (parsed, wanted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_issuer_signed_count_items (subset), ==, 2);
  g_assert_true (subset->issuer_auth == parsed->issuer_auth);

  none = idw_issuer_signed_select (parsed, missing, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "ns.a/e1"));
  g_assert_nonnull (strstr (error->message, "nonsense"));
  g_assert_null (strstr (error->message, "ns.a/e0"));
}

static void
test_issuer_signed_duplicates (void)
{
  {
    g_autoptr(cbor_item_t) auth = dummy_issuer_auth ();
    g_autoptr(IdwIssuerSigned) is = idw_issuer_signed_new (auth);
    g_autoptr(GBytes) r = random_bytes (16);
    g_autoptr(cbor_item_t) v = idw_cbor_new_int (1);
    g_autoptr(IdwIssuerSignedItem) one = idw_issuer_signed_item_new (1, r, "x", v);
    g_autoptr(IdwIssuerSignedItem) same_id = idw_issuer_signed_item_new (1, r, "y", v);
    g_autoptr(IdwIssuerSignedItem) same_name = idw_issuer_signed_item_new (2, r, "x", v);
    g_autoptr(cbor_item_t) item = NULL;
    g_autoptr(IdwIssuerSigned) parsed = NULL;
    g_autoptr(GError) error = NULL;

    idw_issuer_signed_add_item (is, "ns", one);
    idw_issuer_signed_add_item (is, "ns", same_id);
    item = idw_issuer_signed_to_cbor (is);
    parsed = idw_issuer_signed_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
    g_assert_nonnull (strstr (error->message, "digestID 1"));
    g_clear_error (&error);
    parsed = idw_issuer_signed_parse (item, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (idw_issuer_signed_count_items (parsed), ==, 2);
    g_clear_pointer (&parsed, idw_issuer_signed_free);
    g_clear_pointer (&item, idw_cbor_unref);

    g_ptr_array_remove_index (((IdwIssuerNameSpace *) g_ptr_array_index (is->name_spaces, 0))->items, 1);
    idw_issuer_signed_add_item (is, "ns", same_name);
    item = idw_issuer_signed_to_cbor (is);
    parsed = idw_issuer_signed_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
    g_assert_nonnull (strstr (error->message, "“x”"));
  }
}

static void
test_issuer_signed_limit (void)
{
  /* Two namespaces of 600 items: each array is within the CBOR limit, the
   * document is not. */
  g_autoptr(IdwIssuerSigned) is = issuer_signed_with (1200, FALSE, FALSE);
  g_autoptr(cbor_item_t) item = idw_issuer_signed_to_cbor (is);
  g_autoptr(IdwIssuerSigned) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = idw_issuer_signed_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static void
test_issuer_signed_errors (void)
{
  static const struct { const char *hex; int code; const char *words; } cases[] = {
    { "80", IDW_ERROR_WRONG_TYPE, "IssuerSigned: expected a map" },
    { "a0", IDW_ERROR_MISSING_FIELD, "IssuerSigned issuerAuth: missing" },
    /* issuerAuth: [1,2,3,4] */
    { "a16a697373756572417574688401020304", IDW_ERROR_WRONG_TYPE, "IssuerSigned issuerAuth: expected a COSE_Sign1 array" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) item = decode_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwIssuerSigned) parsed = idw_issuer_signed_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);

      g_assert_null (parsed);
      if (!g_error_matches (error, IDW_ERROR, cases[i].code) || strstr (error->message, cases[i].words) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": %s", i, error->message);
    }
}

/* ---- MSO ---------------------------------------------------------------- */

static IdwMso *
make_mso (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(cbor_item_t) cose = idw_cose_key_encode (key, FALSE);
  g_autoptr(GDateTime) s = test_date ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) u = test_date ("2029-01-01T00:00:00Z");
  g_autoptr(GDateTime) e = test_date ("2025-01-01T00:00:00Z");
  IdwMso *mso = idw_mso_new (IDW_DOCTYPE_MDL, "SHA-256", cose, s, s, u, e);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) d = random_bytes (32);

      idw_mso_add_digest (mso, i < 2 ? "ns.a" : "ns.b", 10 - i, d, &error);
      g_assert_no_error (error);
    }
  return mso;
}

static void
test_mso_round_trip (void)
{
  g_autoptr(IdwMso) mso = make_mso ();
  g_autoptr(GBytes) payload = idw_mso_encode_payload (mso);
  g_autoptr(GBytes) payload2 = NULL;
  g_autoptr(IdwMso) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(IdwMso) from_plain = NULL;
  struct cbor_pair *pairs;
  static const char * const order[] = {
    "docType", "version", "validityInfo", "valueDigests", "deviceKeyInfo", "digestAlgorithm",
  };
  GBytes *d;

  /* Duplicate digest IDs within a namespace are refused. */
  d = idw_mso_lookup_digest (mso, "ns.a", 10);
  g_assert_nonnull (d);
  g_assert_false (idw_mso_add_digest (mso, "ns.a", 10, d, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_clear_error (&error);

  parsed = idw_mso_parse_payload (payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->version, ==, "1.0");
  g_assert_cmpstr (parsed->doctype, ==, IDW_DOCTYPE_MDL);
  g_assert_cmpuint (idw_mso_count_digests (parsed, NULL), ==, 3);
  g_assert_cmpuint (idw_mso_count_digests (parsed, "ns.a"), ==, 2);
  g_assert_true (g_bytes_equal (idw_mso_lookup_digest (parsed, "ns.b", 8), idw_mso_lookup_digest (mso, "ns.b", 8)));
  g_assert_null (idw_mso_lookup_digest (parsed, "ns.b", 9));
  g_assert_nonnull (parsed->expected_update);
  g_assert_true (g_date_time_equal (parsed->valid_until, mso->valid_until));

  payload2 = idw_mso_encode_payload (parsed);
  g_assert_true (g_bytes_equal (payload, payload2));

  /* Deterministic key order: by encoded key (length first). */
  map = idw_mso_to_cbor (mso);
  pairs = cbor_map_handle (map);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_true (idw_cbor_string_equal (pairs[i].key, order[i]));

  /* Some issuers put the MSO map itself in the payload. */
  plain = encode (map);
  from_plain = idw_mso_parse_payload (plain, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_plain->doctype, ==, IDW_DOCTYPE_MDL);
}

static void
test_mso_errors (void)
{
  static const struct { const char *key; const char *sub; int kind; int code; const char *words; } cases[] = {
    { "version", NULL, 0, IDW_ERROR_UNSUPPORTED, "MSO version" },
    { "version", NULL, 1, IDW_ERROR_WRONG_TYPE, "MSO version: expected a text string" },
    { "digestAlgorithm", NULL, 1, IDW_ERROR_WRONG_TYPE, "MSO digestAlgorithm: expected a text string" },
    { "valueDigests", NULL, 1, IDW_ERROR_WRONG_TYPE, "MSO valueDigests: expected a map" },
    { "deviceKeyInfo", NULL, 1, IDW_ERROR_WRONG_TYPE, "MSO deviceKeyInfo: expected a map" },
    { "deviceKeyInfo", "deviceKey", 1, IDW_ERROR_WRONG_TYPE, "MSO deviceKeyInfo.deviceKey: expected a COSE_Key map" },
    { "docType", NULL, 1, IDW_ERROR_WRONG_TYPE, "MSO docType: expected a text string" },
    { "validityInfo", NULL, 1, IDW_ERROR_WRONG_TYPE, "MSO validityInfo: expected a map" },
    { "validityInfo", "signed", 1, IDW_ERROR_WRONG_TYPE, "MSO validityInfo.signed: expected tdate" },
    { "validityInfo", "validFrom", 2, IDW_ERROR_WRONG_TYPE, "MSO validityInfo.validFrom: expected tdate" },
    { "validityInfo", "validUntil", 2, IDW_ERROR_WRONG_TYPE, "MSO validityInfo.validUntil: expected tdate" },
    { "validityInfo", "expectedUpdate", 1, IDW_ERROR_WRONG_TYPE, "MSO validityInfo.expectedUpdate: expected tdate" },
    { "valueDigests", "ns.a", 1, IDW_ERROR_WRONG_TYPE, "MSO valueDigests.ns.a: expected a map" },
    { "valueDigests", "ns.b", 3, IDW_ERROR_MALFORMED, "MSO valueDigests.ns.b.8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwMso) mso = make_mso ();
      g_autoptr(cbor_item_t) map = idw_mso_to_cbor (mso);
      cbor_item_t *target = map;
      const char *key = cases[i].key;
      struct cbor_pair *pairs;
      cbor_item_t *replacement;
      g_autoptr(IdwMso) parsed = NULL;
      g_autoptr(GError) error = NULL;

      if (cases[i].sub != NULL)
        {
          target = idw_cbor_map_get (map, cases[i].key);
          key = cases[i].sub;
        }
      switch (cases[i].kind)
        {
        case 0:
          replacement = idw_cbor_new_string ("2.0");
          break;
        case 1:
          replacement = idw_cbor_new_int (5);
          break;
        case 2:
          replacement = idw_cbor_new_string ("2024-13-45");
          break;
        case 3:
        default:
          {
            g_autoptr(cbor_item_t) d = idw_cbor_new_map ();

            idw_cbor_map_add_int (d, 8, idw_cbor_new_bytes ((const guint8 *) "short", 5));
            replacement = g_steal_pointer (&d);
          }
          break;
        }
      pairs = cbor_map_handle (target);
      for (gsize j = 0; j < cbor_map_size (target); j++)
        if (idw_cbor_string_equal (pairs[j].key, key))
          {
            cbor_decref (&pairs[j].value);
            pairs[j].value = replacement;
            replacement = NULL;
          }
      g_assert_null (replacement);

      parsed = idw_mso_parse (map, &error);
      g_assert_null (parsed);
      if (!g_error_matches (error, IDW_ERROR, cases[i].code) || strstr (error->message, cases[i].words) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": %s (%d)", i, error->message, error->code);
    }
}

/* ---- DeviceSigned / DeviceAuthentication / DeviceResponse --------------- */

static void
test_device_authentication (void)
{
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (1700000000, NULL);
  g_autoptr(GBytes) dns = g_bytes_new_static ("\xa0", 1);
  g_autoptr(GBytes) bytes = idw_device_authentication_bytes (transcript, IDW_DOCTYPE_MDL, dns);
  g_autoptr(cbor_item_t) outer = idw_cbor_decode_bytes (bytes, NULL);
  g_autoptr(cbor_item_t) inner = idw_cbor_decode_tag24 (outer, NULL, NULL);
  g_autoptr(cbor_item_t) dns_inner = NULL;
  g_autoptr(GBytes) st = NULL;
  g_autoptr(GBytes) dns_bytes = NULL;
  cbor_item_t **items;

  g_assert_nonnull (inner);
  g_assert_true (cbor_isa_array (inner));
  g_assert_cmpuint (cbor_array_size (inner), ==, 4);
  items = cbor_array_handle (inner);
  g_assert_true (idw_cbor_string_equal (items[0], "DeviceAuthentication"));
  st = encode (items[1]);
  g_assert_true (g_bytes_equal (st, transcript));
  g_assert_true (idw_cbor_string_equal (items[2], IDW_DOCTYPE_MDL));
  dns_inner = idw_cbor_decode_tag24 (items[3], &dns_bytes, NULL);
  g_assert_nonnull (dns_inner);
  g_assert_true (g_bytes_equal (dns_bytes, dns));
}

static void
test_device_signed (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (1700000000, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwDeviceSigned) ds = idw_device_signed_new_signature (key, transcript, IDW_DOCTYPE_MDL, &error);
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwDeviceSigned) parsed = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(GBytes) auth = NULL;

  g_assert_no_error (error);
  item = idw_device_signed_to_cbor (ds);
  parsed = idw_device_signed_parse (item, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed->device_signature);
  g_assert_null (parsed->device_mac);
  g_assert_cmpuint (g_bytes_get_size (parsed->name_spaces_bytes), ==, 1);

  sign1 = idw_cose_sign1_parse (parsed->device_signature, &error);
  g_assert_no_error (error);
  auth = idw_device_authentication_bytes (transcript, IDW_DOCTYPE_MDL, parsed->name_spaces_bytes);
  idw_cose_sign1_verify (sign1, key, auth, &error);
  g_assert_no_error (error);
}

static void
test_device_signed_errors (void)
{
  static const struct { const char *hex; const char *words; } cases[] = {
    { "80", "DeviceSigned: expected a map" },
    { "a0", "DeviceSigned nameSpaces: missing" },
    /* nameSpaces: {} (not tag 24) */
    { "a16a6e616d65537061636573a0", "DeviceSigned nameSpaces: expected a byte string with tag 24" },
    /* nameSpaces: #6.24(h'80') */
    { "a16a6e616d65537061636573d8184180", "DeviceSigned nameSpaces: expected a map in tag 24" },
    /* nameSpaces ok, no deviceAuth */
    { "a16a6e616d65537061636573d81841a0", "DeviceSigned deviceAuth: missing" },
    /* deviceAuth: {} */
    { "a26a6e616d65537061636573d81841a06a64657669636541757468a0", "exactly one of deviceSignature and deviceMac" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) item = decode_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwDeviceSigned) parsed = idw_device_signed_parse (item, &error);

      g_assert_null (parsed);
      if (error == NULL || strstr (error->message, cases[i].words) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": %s", i, error != NULL ? error->message : "(none)");
    }
}

static void
test_device_response (void)
{
  g_autoptr(IdwDeviceResponse) response = idw_device_response_new ();
  g_autoptr(IdwIssuerSigned) is = issuer_signed_with (2, FALSE, FALSE);
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (1, NULL);
  g_autoptr(GError) error = NULL;
  IdwDeviceSigned *ds = idw_device_signed_new_signature (key, transcript, "x.y", &error);
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwDeviceResponse) parsed = NULL;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(cbor_item_t) again = NULL;
  IdwDocument *doc;

  g_assert_no_error (error);
  idw_device_response_add_document (response, idw_document_new ("x.y", g_steal_pointer (&is), ds));
  item = idw_device_response_to_cbor (response);
  parsed = idw_device_response_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->documents->len, ==, 1);
  doc = g_ptr_array_index (parsed->documents, 0);
  g_assert_cmpstr (doc->doctype, ==, "x.y");
  g_assert_cmpuint (idw_issuer_signed_count_items (doc->issuer_signed), ==, 2);
  again = idw_device_response_to_cbor (parsed);
  a = encode (item);
  b = encode (again);
  g_assert_true (g_bytes_equal (a, b));
}

static void
test_device_response_errors (void)
{
  static const struct { const char *hex; int code; const char *words; } cases[] = {
    { "80", IDW_ERROR_WRONG_TYPE, "DeviceResponse: expected a map" },
    { "a0", IDW_ERROR_MISSING_FIELD, "DeviceResponse version: missing" },
    /* {"version": "2.0", "status": 0} */
    { "a26776657273696f6e63322e3066737461747573" "00", IDW_ERROR_UNSUPPORTED, "DeviceResponse version" },
    /* {"version": "1.0"} */
    { "a16776657273696f6e63312e30", IDW_ERROR_MISSING_FIELD, "DeviceResponse status: missing" },
    /* {"version": "1.0", "status": 0, "documents": [{"docType": "x"}]} */
    { "a36776657273696f6e63312e30667374617475730069646f63756d656e747381a167646f63547970656178",
      IDW_ERROR_MISSING_FIELD, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) item = decode_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwDeviceResponse) parsed = idw_device_response_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);

      g_assert_null (parsed);
      g_assert_nonnull (error);
      if (cases[i].words != NULL
          && (!g_error_matches (error, IDW_ERROR, cases[i].code) || strstr (error->message, cases[i].words) == NULL))
        g_error ("case %" G_GSIZE_FORMAT ": %s", i, error->message);
    }
}

static void
test_document_without_device_signed (void)
{
  /* A DeviceResponse document must be device-signed; an mdoc file's need not. */
  g_autoptr(IdwIssuerSigned) is = issuer_signed_with (1, FALSE, FALSE);
  g_autoptr(IdwDocument) doc = idw_document_new ("x.y", g_steal_pointer (&is), NULL);
  g_autoptr(cbor_item_t) doc_item = idw_document_to_cbor (doc);
  g_autoptr(IdwDocument) parsed = NULL;
  g_autoptr(IdwDeviceResponse) response = idw_device_response_new ();
  g_autoptr(cbor_item_t) response_item = NULL;
  g_autoptr(IdwDeviceResponse) parsed_response = NULL;
  g_autoptr(GError) error = NULL;

  parsed = idw_document_parse (doc_item, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_null (parsed->device_signed);

  idw_device_response_add_document (response, g_steal_pointer (&parsed));
  response_item = idw_device_response_to_cbor (response);
  parsed_response = idw_device_response_parse (response_item, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "documents[0].deviceSigned"));
}

/* ---- DeviceRequest ------------------------------------------------------ */

static void
test_device_request (void)
{
  g_autoptr(IdwDeviceRequest) request = idw_device_request_new ();
  IdwDocRequest *dr = idw_doc_request_new (IDW_DOCTYPE_MDL);
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwDeviceRequest) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  IdwDocRequest *pdr;
  cbor_item_t *doc_requests;
  g_autoptr(cbor_item_t) items_request = NULL;

  idw_doc_request_add (dr, IDW_NAMESPACE_MDL, "family_name", TRUE);
  idw_doc_request_add (dr, IDW_NAMESPACE_MDL, "age_over_18", FALSE);
  idw_doc_request_add (dr, IDW_NAMESPACE_MDL, "family_name", FALSE);
  idw_doc_request_add (dr, "org.iso.18013.5.1.US", "organ_donor", FALSE);
  idw_device_request_add (request, dr);
  g_assert_cmpuint (dr->elements->len, ==, 3);

  item = idw_device_request_to_cbor (request);
  /* docRequests[0].itemsRequest is #6.24 of {docType, nameSpaces}. */
  doc_requests = idw_cbor_map_get (item, "docRequests");
  items_request = idw_cbor_decode_tag24 (idw_cbor_map_get (cbor_array_handle (doc_requests)[0], "itemsRequest"),
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get (items_request, "docType"), IDW_DOCTYPE_MDL));

  parsed = idw_device_request_parse (item, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->version, ==, "1.0");
  g_assert_cmpuint (parsed->doc_requests->len, ==, 1);
  pdr = g_ptr_array_index (parsed->doc_requests, 0);
  g_assert_cmpstr (pdr->doctype, ==, IDW_DOCTYPE_MDL);
  paths = idw_doc_request_get_paths (pdr);
  g_assert_cmpuint (g_strv_length (paths), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) paths, "org.iso.18013.5.1.US/organ_donor"));
  for (guint i = 0; i < pdr->elements->len; i++)
    {
      IdwRequestedElement *e = g_ptr_array_index (pdr->elements, i);

      g_assert_cmpint (e->intent_to_retain, ==, g_str_equal (e->element, "family_name"));
    }
}

static void
test_device_request_errors (void)
{
  static const struct { const char *hex; const char *words; } cases[] = {
    { "80", "DeviceRequest: expected a map" },
    /* {"version": "1.0"} */
    { "a16776657273696f6e63312e30", "DeviceRequest docRequests: missing" },
    /* {"version": "1.0", "docRequests": []} */
    { "a26776657273696f6e63312e306b646f63526571756573747380", "DeviceRequest docRequests: expected a non-empty array" },
    /* docRequests: [{"itemsRequest": {}}] */
    { "a26776657273696f6e63312e306b646f63526571756573747381a16c6974656d7352657175657374a0",
      "DeviceRequest docRequests[0] itemsRequest: expected a byte string with tag 24" },
    /* itemsRequest: #6.24({"docType": "x", "nameSpaces": {"ns": {"e": 1}}}) */
    { "a26776657273696f6e63312e306b646f63526571756573747381a16c6974656d7352657175657374"
      "d818581ea267646f635479706561786a6e616d65537061636573a1626e73a1616501",
      "DeviceRequest docRequests[0] itemsRequest.nameSpaces.ns.e: expected a boolean" },
    /* same with the value 1.5 (a float must not crash) */
    { "a26776657273696f6e63312e306b646f63526571756573747381a16c6974656d7352657175657374"
      "d8185826a267646f635479706561786a6e616d65537061636573a1626e73a16165fb3ff8000000000000",
      "DeviceRequest docRequests[0] itemsRequest.nameSpaces.ns.e: expected a boolean" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) item = decode_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwDeviceRequest) parsed = idw_device_request_parse (item, &error);

      g_assert_null (parsed);
      if (error == NULL || strstr (error->message, cases[i].words) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": %s", i, error != NULL ? error->message : "(none)");
    }
}

static void
test_sort_maps (void)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  cbor_item_t *inner = idw_cbor_new_map ();
  g_autofree char *diag = NULL;

  idw_cbor_map_add_str (inner, "bb", idw_cbor_new_int (1));
  idw_cbor_map_add_str (inner, "a", idw_cbor_new_int (2));
  idw_cbor_map_add_str (map, "zz", inner);
  idw_cbor_map_add_int (map, 10, idw_cbor_new_int (3));
  idw_cbor_map_add_int (map, -1, idw_cbor_new_int (4));
  idw_cbor_map_add_str (map, "b", idw_cbor_new_int (5));
  idw_mdoc_cbor_sort_maps (map);
  diag = idw_cbor_to_diagnostic (map);
  /* 0x0a < 0x20 (-1) < 0x61 "b" < 0x62 "zz" */
  g_assert_cmpstr (diag, ==, "{10: 3, -1: 4, \"b\": 5, \"zz\": {\"a\": 2, \"bb\": 1}}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mdoc/item/round-trip", test_item_round_trip);
  g_test_add_func ("/mdoc/item/keeps-bytes", test_item_keeps_bytes);
  g_test_add_func ("/mdoc/item/errors", test_item_errors);
  g_test_add_func ("/mdoc/issuer-signed/round-trip", test_issuer_signed);
  g_test_add_func ("/mdoc/issuer-signed/duplicates", test_issuer_signed_duplicates);
  g_test_add_func ("/mdoc/issuer-signed/limit", test_issuer_signed_limit);
  g_test_add_func ("/mdoc/issuer-signed/errors", test_issuer_signed_errors);
  g_test_add_func ("/mdoc/mso/round-trip", test_mso_round_trip);
  g_test_add_func ("/mdoc/mso/errors", test_mso_errors);
  g_test_add_func ("/mdoc/device-authentication", test_device_authentication);
  g_test_add_func ("/mdoc/device-signed/round-trip", test_device_signed);
  g_test_add_func ("/mdoc/device-signed/errors", test_device_signed_errors);
  g_test_add_func ("/mdoc/device-response/round-trip", test_device_response);
  g_test_add_func ("/mdoc/device-response/errors", test_device_response_errors);
  g_test_add_func ("/mdoc/device-response/device-signed-required", test_document_without_device_signed);
  g_test_add_func ("/mdoc/device-request/round-trip", test_device_request);
  g_test_add_func ("/mdoc/device-request/errors", test_device_request_errors);
  g_test_add_func ("/mdoc/sort-maps", test_sort_maps);

  return g_test_run ();
}
