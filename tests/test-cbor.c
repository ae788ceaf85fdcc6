/* test-cbor.c: the CBOR layer against RFC 8949: Appendix A examples,
 * encoding, tag 24, dates, typed field access and diagnostic notation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "test-cbor-util.h"

/* RFC 8949 Appendix A: encoded form, our re-encoding (NULL: the same) and
 * diagnostic notation (NULL: not compared, floats print differently). */
typedef struct
{
  const char *hex;
  const char *reencoded;
  const char *diag;
} Example;

static const Example rfc8949_examples[] = {
  { "00", NULL, "0" },
  { "01", NULL, "1" },
  { "0a", NULL, "10" },
  { "17", NULL, "23" },
  { "1818", NULL, "24" },
  { "1819", NULL, "25" },
  { "1864", NULL, "100" },
  { "1903e8", NULL, "1000" },
  { "1a000f4240", NULL, "1000000" },
  { "1b000000e8d4a51000", NULL, "1000000000000" },
  { "1bffffffffffffffff", NULL, "18446744073709551615" },
  { "3bffffffffffffffff", NULL, "-18446744073709551616" },
  { "20", NULL, "-1" },
  { "29", NULL, "-10" },
  { "3863", NULL, "-100" },
  { "3903e7", NULL, "-1000" },
  { "f90000", NULL, "0.0" },
  { "f98000", NULL, "-0.0" },
  { "f93c00", NULL, "1.0" },
  { "fb3ff199999999999a", NULL, NULL },
  { "f93e00", NULL, "1.5" },
  { "f97bff", NULL, "65504.0" },
  { "fa47c35000", NULL, "100000.0" },
  { "fa7f7fffff", NULL, NULL },
  { "fb7e37e43c8800759c", NULL, NULL },
  { "f90001", NULL, NULL },
  { "f90400", NULL, NULL },
  { "f9c400", NULL, "-4.0" },
  { "fbc010666666666666", NULL, NULL },
  { "f97c00", NULL, "Infinity" },
  { "f97e00", NULL, "NaN" },
  { "f9fc00", NULL, "-Infinity" },
  { "f4", NULL, "false" },
  { "f5", NULL, "true" },
  { "f6", NULL, "null" },
  { "f7", NULL, "undefined" },
  { "f0", NULL, "simple(16)" },
  { "f8ff", NULL, "simple(255)" },
  { "c074323031332d30332d32315432303a30343a30305a", NULL, "0(\"2013-03-21T20:04:00Z\")" },
  { "c11a514b67b0", NULL, "1(1363896240)" },
  { "c1fb41d452d9ec200000", NULL, NULL },
  { "d74401020304", NULL, "23(h'01020304')" },
  { "d818456449455446", NULL, "24(h'6449455446')" },
  { "d82076687474703a2f2f7777772e6578616d706c652e636f6d", NULL, "32(\"http://www.example.com\")" },
  { "40", NULL, "h''" },
  { "4401020304", NULL, "h'01020304'" },
  { "60", NULL, "\"\"" },
  { "6161", NULL, "\"a\"" },
  { "6449455446", NULL, "\"IETF\"" },
  { "62225c", NULL, "\"\\\"\\\\\"" },
  { "62c3bc", NULL, "\"\xc3\xbc\"" },
  { "63e6b0b4", NULL, "\"\xe6\xb0\xb4\"" },
  { "64f0908591", NULL, "\"\xf0\x90\x85\x91\"" },
  { "80", NULL, "[]" },
  { "83010203", NULL, "[1, 2, 3]" },
  { "8301820203820405", NULL, "[1, [2, 3], [4, 5]]" },
  { "98190102030405060708090a0b0c0d0e0f101112131415161718181819", NULL, NULL },
  { "a0", NULL, "{}" },
  { "a201020304", NULL, "{1: 2, 3: 4}" },
  { "a26161016162820203", NULL, "{\"a\": 1, \"b\": [2, 3]}" },
  { "826161a161626163", NULL, "[\"a\", {\"b\": \"c\"}]" },
  { "a56161614161626142616361436164614461656145", NULL,
    "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}" },
  /* Indefinite lengths: accepted, re-encoded definite. */
  { "5f42010243030405ff", "450102030405", "h'0102030405'" },
  { "7f657374726561646d696e67ff", "6973747265616d696e67", "\"streaming\"" },
  { "9fff", "80", "[]" },
  { "9f018202039f0405ffff", "8301820203820405", "[1, [2, 3], [4, 5]]" },
  { "9f01820203820405ff", "8301820203820405", NULL },
  { "83018202039f0405ff", "8301820203820405", NULL },
  { "83019f0203ff820405", "8301820203820405", NULL },
  { "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
    "98190102030405060708090a0b0c0d0e0f101112131415161718181819", NULL },
  { "bf61610161629f0203ffff", "a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}" },
  { "826161bf61626163ff", "826161a161626163", NULL },
  { "bf6346756ef563416d7421ff", "a26346756ef563416d7421", "{\"Fun\": true, \"Amt\": -2}" },
};

static void
test_rfc8949_examples (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rfc8949_examples); i++)
    {
      const Example *ex = &rfc8949_examples[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = NULL;
      g_autofree char *reencoded = NULL;

      g_test_message ("example %s", ex->hex);
      item = decode_hex (ex->hex, &error);
      g_assert_no_error (error);
      g_assert_nonnull (item);

      reencoded = encode_hex (item);
      g_assert_cmpstr (reencoded, ==, ex->reencoded != NULL ? ex->reencoded : ex->hex);

      if (ex->diag != NULL)
        {
          g_autofree char *diag = idw_cbor_to_diagnostic (item);

          g_assert_cmpstr (diag, ==, ex->diag);
        }
    }
}

static double
decode_float_hex (const char *hex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = decode_hex (hex, &error);

  g_assert_no_error (error);
  g_assert_true (cbor_is_float (item));
  return cbor_float_get_float (item);
}

static void
test_rfc8949_float_values (void)
{
  g_assert_cmpfloat (decode_float_hex ("fb3ff199999999999a"), ==, 1.1);
  g_assert_cmpfloat (decode_float_hex ("f93e00"), ==, 1.5);
  g_assert_cmpfloat (decode_float_hex ("f97bff"), ==, 65504.0);
  g_assert_cmpfloat (decode_float_hex ("fa47c35000"), ==, 100000.0);
  g_assert_cmpfloat (decode_float_hex ("fa7f7fffff"), ==, 3.4028234663852886e+38);
  g_assert_cmpfloat (decode_float_hex ("fb7e37e43c8800759c"), ==, 1.0e+300);
  g_assert_cmpfloat (decode_float_hex ("f90001"), ==, 5.960464477539063e-8);
  g_assert_cmpfloat (decode_float_hex ("f90400"), ==, 0.00006103515625);
  g_assert_cmpfloat (decode_float_hex ("f9c400"), ==, -4.0);
  g_assert_cmpfloat (decode_float_hex ("fbc010666666666666"), ==, -4.1);
  g_assert_true (isinf (decode_float_hex ("f97c00")));
  g_assert_true (isnan (decode_float_hex ("f97e00")));
  g_assert_cmpfloat (decode_float_hex ("f9fc00"), <, 0);
  g_assert_true (signbit (decode_float_hex ("f98000")));
}

static void
test_rfc8949_int_values (void)
{
  static const struct { const char *hex; gint64 value; } ints[] = {
    { "00", 0 }, { "17", 23 }, { "1818", 24 }, { "1903e8", 1000 },
    { "1a000f4240", 1000000 }, { "1b000000e8d4a51000", G_GINT64_CONSTANT (1000000000000) },
    { "20", -1 }, { "3863", -100 }, { "3903e7", -1000 },
    { "1b7fffffffffffffff", G_MAXINT64 }, { "3b7fffffffffffffff", G_MININT64 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      g_autoptr(cbor_item_t) item = decode_hex (ints[i].hex, NULL);
      gint64 v = 0;

      g_assert_true (idw_cbor_get_int (item, &v));
      g_assert_cmpint (v, ==, ints[i].value);
    }

  /* Outside gint64: a clean FALSE, not a wrapped value. */
  {
    g_autoptr(cbor_item_t) big = decode_hex ("1bffffffffffffffff", NULL);
    g_autoptr(cbor_item_t) small = decode_hex ("3bffffffffffffffff", NULL);
    g_autoptr(cbor_item_t) edge = decode_hex ("3b8000000000000000", NULL);
    guint64 u = 0;

    g_assert_false (idw_cbor_get_int (big, NULL));
    g_assert_false (idw_cbor_get_int (small, NULL));
    g_assert_false (idw_cbor_get_int (edge, NULL));
    g_assert_true (idw_cbor_get_uint (big, &u));
    g_assert_cmpuint (u, ==, G_MAXUINT64);
    g_assert_false (idw_cbor_get_uint (small, NULL));
  }
}

static void
test_encode_int_widths (void)
{
  static const struct { gint64 value; const char *hex; cbor_int_width width; } cases[] = {
    { 0, "00", CBOR_INT_8 },
    { 23, "17", CBOR_INT_8 },
    { 24, "1818", CBOR_INT_8 },
    { 255, "18ff", CBOR_INT_8 },
    { 256, "190100", CBOR_INT_16 },
    { 65535, "19ffff", CBOR_INT_16 },
    { 65536, "1a00010000", CBOR_INT_32 },
    { G_MAXUINT32, "1affffffff", CBOR_INT_32 },
    { G_GINT64_CONSTANT (4294967296), "1b0000000100000000", CBOR_INT_64 },
    { G_MAXINT64, "1b7fffffffffffffff", CBOR_INT_64 },
    { -1, "20", CBOR_INT_8 },
    { -24, "37", CBOR_INT_8 },
    { -25, "3818", CBOR_INT_8 },
    { -256, "38ff", CBOR_INT_8 },
    { -257, "390100", CBOR_INT_16 },
    { -65537, "3a00010000", CBOR_INT_32 },
    { G_GINT64_CONSTANT (-4294967297), "3b0000000100000000", CBOR_INT_64 },
    { G_MININT64, "3b7fffffffffffffff", CBOR_INT_64 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) item = idw_cbor_new_int (cases[i].value);
      g_autofree char *hex = encode_hex (item);
      gint64 back = 0;

      g_assert_cmpstr (hex, ==, cases[i].hex);
      /* The builder itself is minimal, so cbor_serialize() agrees too. */
      g_assert_cmpint (cbor_int_get_width (item), ==, cases[i].width);
      g_assert_true (idw_cbor_get_int (item, &back));
      g_assert_cmpint (back, ==, cases[i].value);
    }
}

static void
test_encode_builders (void)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(cbor_item_t) array = idw_cbor_new_array ();
  g_autoptr(cbor_item_t) back = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x01\x02", 2);
  g_autofree char *hex = NULL;
  g_autoptr(GError) error = NULL;

  idw_cbor_array_add (array, idw_cbor_new_bool (TRUE));
  idw_cbor_array_add (array, idw_cbor_new_bool (FALSE));
  idw_cbor_array_add (array, idw_cbor_new_null ());
  idw_cbor_array_add (array, idw_cbor_new_bytes (NULL, 0));
  idw_cbor_array_add (array, idw_cbor_new_string (""));

  /* Insertion order is kept: "z" before "a" before 1 before -1. */
  idw_cbor_map_add_str (map, "z", idw_cbor_new_int (1));
  idw_cbor_map_add_str (map, "a", g_steal_pointer (&array));
  idw_cbor_map_add_int (map, 1, idw_cbor_new_gbytes (bytes));
  idw_cbor_map_add_int (map, -1, idw_cbor_new_int (-1000));
  idw_cbor_map_add (map, idw_cbor_new_bytes ((const guint8 *) "k", 1), idw_cbor_new_string ("v"));

  hex = encode_hex (map);
  g_assert_cmpstr (hex, ==,
                   "a5" "617a" "01" "6161" "85f5f4f64060" "01" "420102" "20" "3903e7"
                   "416b" "6176");

  encoded = idw_cbor_encode (map);
  back = idw_cbor_decode_bytes (encoded, &error);
  g_assert_no_error (error);
  {
    g_autofree char *hex2 = encode_hex (back);

    g_assert_cmpstr (hex2, ==, hex);
  }
}

static void
test_tag24 (void)
{
  g_autoptr(cbor_item_t) inner = idw_cbor_new_map ();
  g_autoptr(cbor_item_t) tagged = NULL;
  g_autoptr(cbor_item_t) decoded = NULL;
  g_autoptr(cbor_item_t) back = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) inner_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *inner_hex = NULL;

  idw_cbor_map_add_str (inner, "a", idw_cbor_new_int (1));
  tagged = idw_cbor_new_tag24 (inner);
  hex = encode_hex (tagged);
  g_assert_cmpstr (hex, ==, "d81844a1616101");

  encoded = idw_cbor_encode (tagged);
  decoded = idw_cbor_decode_bytes (encoded, &error);
  g_assert_no_error (error);
  back = idw_cbor_decode_tag24 (decoded, &inner_bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  inner_hex = bytes_to_hex (inner_bytes);
  g_assert_cmpstr (inner_hex, ==, "a1616101");
  {
    gint64 v = 0;

    g_assert_true (idw_cbor_get_int (idw_cbor_map_get (back, "a"), &v));
    g_assert_cmpint (v, ==, 1);
  }

  /* The inner bytes are what a digest covers: kept exactly, even when not
   * minimal. */
  {
    g_autoptr(cbor_item_t) nonmin = decode_hex ("d81846a17801611801", NULL);
    g_autoptr(GBytes) raw = NULL;
    g_autoptr(cbor_item_t) in = idw_cbor_decode_tag24 (nonmin, &raw, &error);
    g_autofree char *raw_hex = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (in);
    raw_hex = bytes_to_hex (raw);
    g_assert_cmpstr (raw_hex, ==, "a17801611801");
  }
}

static void
test_tag24_errors (void)
{
  g_autoptr(cbor_item_t) not_tag = decode_hex ("4101", NULL);
  g_autoptr(cbor_item_t) other_tag = decode_hex ("d7420000", NULL);
  g_autoptr(cbor_item_t) text = decode_hex ("d8186161", NULL);
  g_autoptr(cbor_item_t) bad_inner = decode_hex ("d8184281ff", NULL);
  g_autoptr(cbor_item_t) trailing_inner = decode_hex ("d818420000", NULL);
  g_autoptr(cbor_item_t) dup_inner = decode_hex ("d81845a201000100", NULL);
  GError *error = NULL;

  g_assert_null (idw_cbor_decode_tag24 (not_tag, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  g_assert_null (idw_cbor_decode_tag24 (other_tag, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  g_assert_null (idw_cbor_decode_tag24 (text, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  g_assert_null (idw_cbor_decode_tag24 (NULL, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  g_assert_null (idw_cbor_decode_tag24 (bad_inner, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (idw_cbor_decode_tag24 (trailing_inner, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (idw_cbor_decode_tag24 (dup_inner, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_clear_error (&error);
}

static GDateTime *
tdate_from_text (const char  *text,
                 gboolean     tagged,
                 GError     **error)
{
  g_autoptr(cbor_item_t) str = idw_cbor_new_string (text);
  g_autoptr(cbor_item_t) item = tagged ? cbor_build_tag (0, str) : cbor_incref (str);

  return idw_cbor_get_tdate (item, "MSO validityInfo.validUntil", error);
}

static void
test_tdate (void)
{
  static const struct { const char *text; gint64 unix_time; gint usec; } good[] = {
    { "2013-03-21T20:04:00Z", 1363896240, 0 },
    { "2013-03-21T22:04:00+02:00", 1363896240, 0 },
    { "2013-03-21T15:34:00-04:30", 1363896240, 0 },
    { "2013-03-21T20:04:00.5Z", 1363896240, 500000 },
    { "2013-03-21T20:04:00.123456789Z", 1363896240, 123456 },
    { "2013-03-21t20:04:00z", 1363896240, 0 },
    { "2024-02-29T23:59:59Z", 1709251199, 0 },
    { "1970-01-01T00:00:00Z", 0, 0 },
    { "2013-03-22T00:04:00.25+04:00", 1363896240, 250000 },
    { "2013-03-21T20:04:00.3Z", 1363896240, 300000 },
    { "2013-03-21T20:04:00.000001Z", 1363896240, 1 },
    { "2013-03-21T20:04:00.9999999Z", 1363896240, 999999 },
  };
  static const char *bad[] = {
    "2013-03-21",
    "2013-03-21T20:04:00",
    "2013-03-21T20:04Z",
    "2013-03-21 20:04:00Z",
    "2013-02-30T00:00:00Z",
    "2013-13-01T00:00:00Z",
    "2013-03-21T24:00:00Z",
    "2013-03-21T20:60:00Z",
    "2013-03-21T20:04:60Z",
    "2013-03-21T20:04:00.Z",
    "2013-03-21T20:04:00+0200",
    "2013-03-21T20:04:00+24:00",
    "2013-03-21T20:04:00Zjunk",
    "2013-W12-4T20:04:00Z",
    "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    for (gint tagged = 0; tagged <= 1; tagged++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GDateTime) dt = tdate_from_text (good[i].text, tagged, &error);

        g_test_message ("tdate %s", good[i].text);
        g_assert_no_error (error);
        g_assert_nonnull (dt);
        g_assert_cmpint (g_date_time_to_unix (dt), ==, good[i].unix_time);
        g_assert_cmpint (g_date_time_get_microsecond (dt), ==, good[i].usec);
        g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
      }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) dt = tdate_from_text (bad[i], TRUE, &error);

      g_test_message ("bad tdate %s", bad[i]);
      g_assert_null (dt);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
      g_assert_cmpstr (error->message, ==, "MSO validityInfo.validUntil: expected tdate");
    }

  /* Wrong tag or type. */
  {
    g_autoptr(cbor_item_t) epoch = decode_hex ("c11a514b67b0", NULL);
    g_autoptr(cbor_item_t) number = idw_cbor_new_int (1363896240);
    g_autoptr(cbor_item_t) full = decode_hex ("d903ec6a313939302d30352d3137", NULL);
    GError *error = NULL;

    g_assert_null (idw_cbor_get_tdate (epoch, "x", &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&error);
    g_assert_null (idw_cbor_get_tdate (number, "x", &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&error);
    g_assert_null (idw_cbor_get_tdate (full, "x", &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&error);
    g_assert_null (idw_cbor_get_tdate (NULL, "x", &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&error);
  }
}

static void
test_tdate_encode (void)
{
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2013, 3, 21, 20, 4, 0.75);
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) local = g_date_time_new (tz, 2013, 3, 21, 22, 4, 0);
  g_autoptr(cbor_item_t) a = idw_cbor_new_tdate (utc);
  g_autoptr(cbor_item_t) b = idw_cbor_new_tdate (local);
  g_autofree char *hex_a = encode_hex (a);
  g_autofree char *hex_b = encode_hex (b);
  g_autoptr(GDateTime) back = idw_cbor_get_tdate (a, "t", NULL);

  /* The RFC 8949 Appendix A tag 0 example, byte for byte. */
  g_assert_cmpstr (hex_a, ==, "c074323031332d30332d32315432303a30343a30305a");
  g_assert_cmpstr (hex_b, ==, hex_a);
  g_assert_nonnull (back);
  g_assert_cmpint (g_date_time_to_unix (back), ==, 1363896240);
}

static void
test_full_date (void)
{
  g_autoptr(GDate) date = g_date_new_dmy (17, G_DATE_MAY, 1990);
  g_autoptr(GDate) early = g_date_new_dmy (1, G_DATE_JANUARY, 5);
  g_autoptr(cbor_item_t) item = idw_cbor_new_full_date (date);
  g_autoptr(cbor_item_t) early_item = idw_cbor_new_full_date (early);
  g_autofree char *hex = encode_hex (item);
  g_autofree char *early_hex = encode_hex (early_item);
  g_autoptr(GDate) back = NULL;
  g_autoptr(GDate) untagged_back = NULL;
  g_autoptr(cbor_item_t) untagged = idw_cbor_new_string ("2000-02-29");
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (hex, ==, "d903ec6a313939302d30352d3137");
  g_assert_cmpstr (early_hex, ==, "d903ec6a303030352d30312d3031");

  back = idw_cbor_get_full_date (item, "birth_date", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_compare (back, date), ==, 0);

  untagged_back = idw_cbor_get_full_date (untagged, "birth_date", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_get_day (untagged_back), ==, 29);
  g_assert_cmpint (g_date_get_month (untagged_back), ==, G_DATE_FEBRUARY);
  g_assert_cmpint (g_date_get_year (untagged_back), ==, 2000);

  {
    static const char *bad[] = { "1990-02-30", "1990-5-17", "1990-05-17T00:00:00Z", "19900517", "" };
    g_autoptr(cbor_item_t) tdate = decode_hex ("c074323031332d30332d32315432303a30343a30305a", NULL);
    GError *err = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(cbor_item_t) s = idw_cbor_new_string (bad[i]);
        g_autoptr(cbor_item_t) t = cbor_build_tag (IDW_CBOR_TAG_FULL_DATE, s);

        g_assert_null (idw_cbor_get_full_date (t, "birth_date", &err));
        g_assert_error (err, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
        g_assert_cmpstr (err->message, ==, "birth_date: expected full-date");
        g_clear_error (&err);
      }
    g_assert_null (idw_cbor_get_full_date (tdate, "birth_date", &err));
    g_assert_error (err, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&err);
  }
}

static void
test_require (void)
{
  g_autoptr(cbor_item_t) mso = decode_hex ("a2" "6c76616c6964697479496e666f" "01" "67646f6354797065" "6161", NULL);
  g_autoptr(cbor_item_t) array = decode_hex ("80", NULL);
  GError *error = NULL;
  cbor_item_t *v;

  g_assert_nonnull (mso);
  v = idw_cbor_require (mso, "docType", CBOR_TYPE_STRING, "MSO", &error);
  g_assert_no_error (error);
  g_assert_true (idw_cbor_string_equal (v, "a"));

  g_assert_null (idw_cbor_require (mso, "validityInfo", CBOR_TYPE_MAP, "MSO", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "MSO: validityInfo: expected a map");
  g_clear_error (&error);

  g_assert_null (idw_cbor_require (mso, "valueDigests", CBOR_TYPE_MAP, "MSO", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD);
  g_assert_cmpstr (error->message, ==, "MSO: missing valueDigests");
  g_clear_error (&error);

  g_assert_null (idw_cbor_require (array, "x", CBOR_TYPE_UINT, "MSO", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "MSO: expected a map");
  g_clear_error (&error);

  g_assert_null (idw_cbor_require (NULL, "x", CBOR_TYPE_UINT, "MSO", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_clear_error (&error);
}

static void
test_diagnostic (void)
{
  g_autoptr(cbor_item_t) item =
    decode_hex ("a3" "01" "65613a0a2262" "20" "82f6d818420102" "4100" "f7", NULL);
  g_autofree char *diag = idw_cbor_to_diagnostic (item);
  g_autofree char *null_diag = idw_cbor_to_diagnostic (NULL);

  g_assert_nonnull (item);
  g_assert_cmpstr (diag, ==, "{1: \"a:\\u000a\\\"b\", -1: [null, 24(h'0102')], h'00': undefined}");
  g_assert_cmpstr (null_diag, ==, "(null)");
}

/* Half-precision NaNs keep their payload when written again, so that two
 * map keys that differ only there, distinct when decoded, are still
 * distinct in the re-encoding (found by fuzz-cbor: decode, encode and
 * decode again refused a duplicate key). */
static void
test_nan_payloads (void)
{
  static const guint8 nans[][3] = {
    { 0xf9, 0x7e, 0x00 }, { 0xf9, 0x7e, 0x10 }, { 0xf9, 0xfe, 0x01 }, { 0xf9, 0x7c, 0x01 },
    { 0xf9, 0x7c, 0x00 }, { 0xf9, 0xfc, 0x00 },
  };
  /* {NaN: 1, NaN with another payload: 2} */
  static const guint8 map[] = { 0xa2, 0xf9, 0x7e, 0x00, 0x01, 0xf9, 0x7e, 0x10, 0x02 };

  for (guint i = 0; i < G_N_ELEMENTS (nans); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = idw_cbor_decode (nans[i], 3, &error);
      g_autoptr(GBytes) again = NULL;

      g_assert_no_error (error);
      again = idw_cbor_encode (item);
      g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), nans[i], 3);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(cbor_item_t) item = idw_cbor_decode (map, sizeof map, &error);
    g_autoptr(GBytes) again = NULL;
    g_autoptr(cbor_item_t) reread = NULL;

    g_assert_no_error (error);
    again = idw_cbor_encode (item);
    g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), map, sizeof map);
    reread = idw_cbor_decode_bytes (again, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (cbor_map_size (reread), ==, 2);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cbor/rfc8949/examples", test_rfc8949_examples);
  g_test_add_func ("/cbor/rfc8949/float-values", test_rfc8949_float_values);
  g_test_add_func ("/cbor/encode/nan-payloads", test_nan_payloads);
  g_test_add_func ("/cbor/rfc8949/int-values", test_rfc8949_int_values);
  g_test_add_func ("/cbor/encode/int-widths", test_encode_int_widths);
  g_test_add_func ("/cbor/encode/builders", test_encode_builders);
  g_test_add_func ("/cbor/tag24/round-trip", test_tag24);
  g_test_add_func ("/cbor/tag24/errors", test_tag24_errors);
  g_test_add_func ("/cbor/dates/tdate", test_tdate);
  g_test_add_func ("/cbor/dates/tdate-encode", test_tdate_encode);
  g_test_add_func ("/cbor/dates/full-date", test_full_date);
  g_test_add_func ("/cbor/require", test_require);
  g_test_add_func ("/cbor/diagnostic", test_diagnostic);

  return g_test_run ();
}
