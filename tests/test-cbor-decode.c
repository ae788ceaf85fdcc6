/* test-cbor-decode.c: the validating CBOR decoder: what it reads,
 * the engine's limits and malformed input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "test-cbor-util.h"

static void
assert_decode_error (const char *hex,
                     gint        code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = decode_hex (hex, &error);

  if (item != NULL)
    {
      g_autofree char *diag = idw_cbor_to_diagnostic (item);

      g_error ("%s decoded to %s, expected error %d", hex, diag, code);
    }
  g_assert_error (error, IDW_ERROR, code);
  /* Every message names the layer so that a verdict detail makes sense. */
  g_assert_true (g_str_has_prefix (error->message, "CBOR: "));
}

static void
assert_decodes (const char *hex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = decode_hex (hex, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
}

/* libcbor aborts when asked for the control value of a float: the typed
 * reads must say "not a bool / not null" instead. */
static void
test_float_is_not_bool_or_null (void)
{
  const char *floats[] = { "f93e00", "fa47c35000", "fb3ff199999999999a", "f90000" };
  const char *controls[] = { "f4", "f5", "f6", "f7" };
  gboolean value = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (floats); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = decode_hex (floats[i], &error);

      g_assert_no_error (error);
      g_assert_false (idw_cbor_get_bool (item, &value));
      g_assert_false (idw_cbor_is_null (item));
    }

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = decode_hex (controls[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (idw_cbor_get_bool (item, &value), ==, i < 2);
      if (i < 2)
        g_assert_cmpint (value, ==, i == 1);
      g_assert_cmpint (idw_cbor_is_null (item), ==, i == 2);
    }
}

static void
test_getters (void)
{
  g_autoptr(cbor_item_t) map =
    decode_hex ("a7" "6161" "01" "01" "6178" "20" "f5" "6162" "f6" "6163" "f7" "6164" "4401020304"
                "6165" "c1" "02", NULL);
  gint64 v = 0;
  gboolean b = FALSE;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *str = NULL;

  g_assert_nonnull (map);
  g_assert_true (idw_cbor_get_int (idw_cbor_map_get (map, "a"), &v));
  g_assert_cmpint (v, ==, 1);
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get_int (map, 1), "x"));
  g_assert_false (idw_cbor_string_equal (idw_cbor_map_get_int (map, 1), "xy"));
  g_assert_false (idw_cbor_string_equal (idw_cbor_map_get_int (map, 1), ""));
  g_assert_true (idw_cbor_get_bool (idw_cbor_map_get_int (map, -1), &b));
  g_assert_true (b);
  g_assert_true (idw_cbor_is_null (idw_cbor_map_get (map, "b")));
  g_assert_false (idw_cbor_is_null (idw_cbor_map_get (map, "c")));  /* undefined */
  g_assert_false (idw_cbor_get_bool (idw_cbor_map_get (map, "b"), NULL));
  g_assert_false (idw_cbor_is_null (NULL));
  bytes = idw_cbor_dup_bytes (idw_cbor_map_get (map, "d"));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\x01\x02\x03\x04", 4);
  g_assert_null (idw_cbor_dup_bytes (idw_cbor_map_get (map, "a")));
  g_assert_null (idw_cbor_dup_string (idw_cbor_map_get (map, "d")));
  str = idw_cbor_dup_string (idw_cbor_map_get_int (map, 1));
  g_assert_cmpstr (str, ==, "x");
  g_assert_null (idw_cbor_map_get (map, "nope"));
  g_assert_null (idw_cbor_map_get_int (map, 2));
  g_assert_null (idw_cbor_map_get (idw_cbor_map_get (map, "a"), "a"));
  g_assert_null (idw_cbor_map_get_int (NULL, 1));
  g_assert_false (idw_cbor_get_uint (idw_cbor_map_get_int (map, -1), NULL));
  g_assert_nonnull (idw_cbor_untag (idw_cbor_map_get (map, "e"), 1));
  g_assert_null (idw_cbor_untag (idw_cbor_map_get (map, "e"), 0));
  g_assert_null (idw_cbor_untag (idw_cbor_map_get (map, "a"), 1));
}

static void
test_text_with_nul (void)
{
  /* U+0000 is valid CBOR text; it must decode but never pass as a C
   * string that silently ends early. */
  g_autoptr(cbor_item_t) item = decode_hex ("63610062", NULL);

  g_assert_nonnull (item);
  g_assert_null (idw_cbor_dup_string (item));
  g_assert_false (idw_cbor_string_equal (item, "a"));
}

static void
test_decoded_tree_is_normalised (void)
{
  g_autoptr(cbor_item_t) chunked = decode_hex ("5f42010243030405ff", NULL);
  g_autoptr(cbor_item_t) text = decode_hex ("7f657374726561646d696e67ff", NULL);
  g_autoptr(cbor_item_t) array = decode_hex ("9f0102ff", NULL);
  g_autoptr(cbor_item_t) map = decode_hex ("bf0102ff", NULL);
  g_autoptr(cbor_item_t) wide = decode_hex ("1b0000000000000001", NULL);

  g_assert_true (cbor_bytestring_is_definite (chunked));
  g_assert_cmpuint (cbor_bytestring_length (chunked), ==, 5);
  g_assert_true (cbor_string_is_definite (text));
  g_assert_cmpmem (cbor_string_handle (text), cbor_string_length (text), "streaming", 9);
  g_assert_true (cbor_array_is_definite (array));
  g_assert_cmpuint (cbor_array_size (array), ==, 2);
  g_assert_true (cbor_map_is_definite (map));
  g_assert_cmpint (cbor_int_get_width (wide), ==, CBOR_INT_8);
}

static void
test_non_minimal_accepted (void)
{
  static const struct { const char *hex; const char *shortest; } cases[] = {
    { "1800", "00" },
    { "190017", "17" },
    { "1a00000001", "01" },
    { "1b0000000000000001", "01" },
    { "1b00000000000003e8", "1903e8" },
    { "3800", "20" },
    { "3b0000000000000063", "3863" },
    { "5800", "40" },
    { "5900024142", "424142" },
    { "7a0000000161", "6161" },
    { "780161", "6161" },
    { "980101", "8101" },
    { "9b000000000000000101", "8101" },
    { "b8010102", "a10102" },
    { "d80074323031332d30332d32315432303a30343a30305a",
      "c074323031332d30332d32315432303a30343a30305a" },
    { "d9001845" "6449455446", "d818456449455446" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = NULL;
      g_autofree char *hex = NULL;

      item = decode_hex (cases[i].hex, &error);
      g_assert_no_error (error);
      hex = encode_hex (item);
      g_assert_cmpstr (hex, ==, cases[i].shortest);
    }
}

static GString *
nested_arrays (guint depth)
{
  GString *hex = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (hex, "81");
  g_string_append (hex, "00");
  return hex;
}

static void
test_limit_depth (void)
{
  g_autoptr(GString) ok = nested_arrays (IDW_MAX_CBOR_DEPTH);
  g_autoptr(GString) deep = nested_arrays (IDW_MAX_CBOR_DEPTH + 1);
  g_autoptr(GString) maps_ok = g_string_new (NULL);
  g_autoptr(GString) maps_deep = g_string_new (NULL);
  g_autoptr(GString) tags_ok = g_string_new (NULL);
  g_autoptr(GString) tags_deep = g_string_new (NULL);
  g_autoptr(GString) indef_deep = g_string_new (NULL);

  g_assert_cmpint (IDW_MAX_CBOR_DEPTH, ==, 16);
  assert_decodes (ok->str);
  assert_decode_error (deep->str, IDW_ERROR_LIMIT);

  /* Maps nest through their values. */
  for (guint i = 0; i < IDW_MAX_CBOR_DEPTH; i++)
    g_string_append (maps_ok, "a100");
  g_string_append (maps_ok, "00");
  assert_decodes (maps_ok->str);
  g_string_append_printf (maps_deep, "a100%s", maps_ok->str);
  assert_decode_error (maps_deep->str, IDW_ERROR_LIMIT);

  /* Tags count as nesting too. */
  for (guint i = 0; i < IDW_MAX_CBOR_DEPTH; i++)
    g_string_append (tags_ok, "d818");
  g_string_append (tags_ok, "40");
  assert_decodes (tags_ok->str);
  g_string_append_printf (tags_deep, "c1%s", tags_ok->str);
  assert_decode_error (tags_deep->str, IDW_ERROR_LIMIT);

  /* Indefinite containers, and a depth bomb without its closing bytes:
   * the limit triggers before truncation is noticed. */
  for (guint i = 0; i < IDW_MAX_CBOR_DEPTH + 1; i++)
    g_string_append (indef_deep, "9f");
  assert_decode_error (indef_deep->str, IDW_ERROR_LIMIT);
  {
    g_autoptr(GString) bomb = g_string_new (NULL);

    for (guint i = 0; i < 100000; i++)
      g_string_append (bomb, "81");
    assert_decode_error (bomb->str, IDW_ERROR_LIMIT);
  }
}

static GString *
array_of (guint n,
          gboolean indefinite)
{
  GString *hex = g_string_new (indefinite ? "9f" : NULL);

  if (!indefinite)
    g_string_append_printf (hex, "99%04x", n);
  for (guint i = 0; i < n; i++)
    g_string_append (hex, "f6");
  if (indefinite)
    g_string_append (hex, "ff");
  return hex;
}

static GString *
map_of (guint    n,
        gboolean indefinite)
{
  GString *hex = g_string_new (indefinite ? "bf" : NULL);

  if (!indefinite)
    g_string_append_printf (hex, "b9%04x", n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (hex, "19%04xf6", i);
  if (indefinite)
    g_string_append (hex, "ff");
  return hex;
}

static void
test_limit_items (void)
{
  g_assert_cmpint (IDW_MAX_CBOR_ITEMS, ==, 1024);

  for (gint indefinite = 0; indefinite <= 1; indefinite++)
    {
      g_autoptr(GString) a_ok = array_of (IDW_MAX_CBOR_ITEMS, indefinite);
      g_autoptr(GString) a_big = array_of (IDW_MAX_CBOR_ITEMS + 1, indefinite);
      g_autoptr(GString) m_ok = map_of (IDW_MAX_CBOR_ITEMS, indefinite);
      g_autoptr(GString) m_big = map_of (IDW_MAX_CBOR_ITEMS + 1, indefinite);
      g_autoptr(cbor_item_t) array = decode_hex (a_ok->str, NULL);
      g_autoptr(cbor_item_t) map = decode_hex (m_ok->str, NULL);

      g_assert_nonnull (array);
      g_assert_cmpuint (cbor_array_size (array), ==, IDW_MAX_CBOR_ITEMS);
      g_assert_nonnull (map);
      g_assert_cmpuint (cbor_map_size (map), ==, IDW_MAX_CBOR_ITEMS);
      assert_decode_error (a_big->str, IDW_ERROR_LIMIT);
      assert_decode_error (m_big->str, IDW_ERROR_LIMIT);
    }
}

static void
test_huge_declared_lengths (void)
{
  /* Must fail before allocating anything of the declared size. */
  assert_decode_error ("5affffffff00", IDW_ERROR_MALFORMED);
  assert_decode_error ("7affffffff61", IDW_ERROR_MALFORMED);
  assert_decode_error ("5bffffffffffffffff00", IDW_ERROR_MALFORMED);
  assert_decode_error ("5b800000000000000000", IDW_ERROR_MALFORMED);
  assert_decode_error ("9affffffff00", IDW_ERROR_LIMIT);
  assert_decode_error ("baffffffff0000", IDW_ERROR_LIMIT);
  assert_decode_error ("9bffffffffffffffff", IDW_ERROR_LIMIT);
  /* Within the item limit but more entries than bytes left. */
  assert_decode_error ("99040001", IDW_ERROR_MALFORMED);
  assert_decode_error ("b903ff0000", IDW_ERROR_MALFORMED);
  assert_decode_error ("5f5affffffff00ff", IDW_ERROR_MALFORMED);
}

static void
test_truncated_everywhere (void)
{
  /* A document touching every major type, indefinite items, tags, floats
   * and multi-byte heads. */
  static const char *doc =
    "a7"
    "6776657273696f6e" "63312e30"
    "01" "3903e7"
    "6464617461" "5f42010243030405ff"
    "6474657874" "7f657374726561646d696e67ff"
    "656172726179" "9f01820203bf6161f5ff1b000000e8d4a51000ff"
    "6464617465" "c074323031332d30332d32315432303a30343a30305a"
    "19ffff" "84f93c00fa47c35000fb3ff199999999999af8ff";
  g_autoptr(GBytes) full = hex_to_bytes (doc);
  gsize len;
  const guint8 *data = g_bytes_get_data (full, &len);

  assert_decodes (doc);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      /* A heap copy of exactly @cut bytes, so that ASan and valgrind see
       * any read past the end. */
      g_autofree guint8 *copy = g_memdup2 (data, cut);
      g_autoptr(cbor_item_t) item = idw_cbor_decode (copy != NULL ? copy : (const guint8 *) "", cut, &error);

      g_assert_null (item);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    }
}

static void
test_trailing_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = decode_hex ("a1616101" "00", &error);

  g_assert_null (item);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "trailing"));
  assert_decode_error ("0000", IDW_ERROR_MALFORMED);
  assert_decode_error ("80ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("", IDW_ERROR_MALFORMED);
}

static void
test_duplicate_keys (void)
{
  assert_decode_error ("a2616101616102", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a201000102", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a22000200f", IDW_ERROR_DUPLICATE);
  assert_decode_error ("bf616101616102ff", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a24201020142010202", IDW_ERROR_DUPLICATE);

  /* Non-minimal or chunked encodings of the same key value. */
  assert_decode_error ("a20100180100", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a201001b000000000000000100", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a2200038000a", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a261610178016102", IDW_ERROR_DUPLICATE);
  assert_decode_error ("a26161017f6161ff02", IDW_ERROR_DUPLICATE);

  /* Structured keys compare by value too. */
  assert_decode_error ("a2820102f6980201020f", IDW_ERROR_DUPLICATE);
  /* 1.0 as half and as single are the same number. */
  assert_decode_error ("a2f93c0001fa3f80000002", IDW_ERROR_DUPLICATE);

  /* Nested maps are checked, and the message names the key. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(cbor_item_t) item = decode_hex ("a1616181a26178016178f6", &error);

    g_assert_null (item);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
    g_assert_nonnull (strstr (error->message, "\"x\""));
  }

  /* Look-alikes that are different values. */
  assert_decodes ("a401002000616100416100");
  assert_decodes ("a301f6f93c00f6c101f6");
}

static void
test_invalid_utf8 (void)
{
  assert_decode_error ("62c328", IDW_ERROR_MALFORMED);        /* bad continuation */
  assert_decode_error ("61ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("61c3", IDW_ERROR_MALFORMED);          /* cut sequence */
  assert_decode_error ("62c080", IDW_ERROR_MALFORMED);        /* overlong NUL */
  assert_decode_error ("63eda080", IDW_ERROR_MALFORMED);      /* surrogate */
  assert_decode_error ("64f4908080", IDW_ERROR_MALFORMED);    /* > U+10FFFF */
  assert_decode_error ("7f6161" "61ff" "ff", IDW_ERROR_MALFORMED);
  /* A chunk must not split a character even if the whole would be valid. */
  assert_decode_error ("7f61c361bcff", IDW_ERROR_MALFORMED);
  /* In a map key. */
  assert_decode_error ("a161ff00", IDW_ERROR_MALFORMED);
  /* The same bytes are fine in a byte string. */
  assert_decodes ("42c328");
  assert_decodes ("62c3bc");
}

static void
test_malformed_heads (void)
{
  static const char *reserved[] = {
    "1c", "1d", "1e", "3c", "5c", "7c", "9c", "bc", "dc", "fc", "fd", "fe",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    assert_decode_error (reserved[i], IDW_ERROR_MALFORMED);

  /* Break outside an indefinite item. */
  assert_decode_error ("ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("81ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("a1ff00", IDW_ERROR_MALFORMED);
  assert_decode_error ("a101ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("c1ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("bf01ff", IDW_ERROR_MALFORMED);        /* key without value */

  /* Indefinite length where none is allowed. */
  assert_decode_error ("1f", IDW_ERROR_MALFORMED);
  assert_decode_error ("3f", IDW_ERROR_MALFORMED);
  assert_decode_error ("df00", IDW_ERROR_MALFORMED);

  /* Chunks of the wrong kind. */
  assert_decode_error ("5f6161ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("7f4161ff", IDW_ERROR_MALFORMED);
  assert_decode_error ("5f5f4101ffff", IDW_ERROR_MALFORMED);
  assert_decode_error ("5f00ff", IDW_ERROR_MALFORMED);

  /* Two-byte simple values below 32 are not well-formed. */
  assert_decode_error ("f800", IDW_ERROR_MALFORMED);
  assert_decode_error ("f814", IDW_ERROR_MALFORMED);
  assert_decode_error ("f81f", IDW_ERROR_MALFORMED);
  assert_decodes ("f820");
}

static void
test_random_input (void)
{
  /* Arbitrary bytes and bit flips of a valid document must only ever
   * produce an item or an error; the sanitizer build checks the rest. */
  g_autoptr(GBytes) doc = hex_to_bytes ("a3" "6161" "9f01820203bf6161f5ff5f4101ff" "01" "d818456449455446"
                                        "20" "7f657374726561646d696e67ff");
  gsize doc_len;
  const guint8 *doc_data = g_bytes_get_data (doc, &doc_len);
  GRand *rand = g_rand_new_with_seed (20240601);

  for (guint round = 0; round < 20000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = NULL;
      guint8 buf[48];
      gsize len;

      if (round % 2 == 0)
        {
          len = g_rand_int_range (rand, 0, sizeof buf);
          for (gsize i = 0; i < len; i++)
            buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      else
        {
          len = doc_len;
          memcpy (buf, doc_data, len);
          buf[g_rand_int_range (rand, 0, len)] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
        }

      {
        g_autofree guint8 *copy = g_memdup2 (buf, len);

        item = idw_cbor_decode (copy != NULL ? copy : (const guint8 *) "", len, &error);
      }
      g_assert_true ((item == NULL) != (error == NULL));
      if (item != NULL)
        {
          /* Whatever decodes re-encodes and decodes to the same bytes. */
          g_autoptr(GBytes) once = idw_cbor_encode (item);
          g_autoptr(cbor_item_t) again = idw_cbor_decode_bytes (once, NULL);
          g_autoptr(GBytes) twice = NULL;

          g_assert_nonnull (again);
          twice = idw_cbor_encode (again);
          g_assert_true (g_bytes_equal (once, twice));
        }
      else
        g_assert_true (error->domain == IDW_ERROR);
    }

  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cbor/decode/getters", test_getters);
  g_test_add_func ("/cbor/decode/text-with-nul", test_text_with_nul);
  g_test_add_func ("/cbor/decode/normalised", test_decoded_tree_is_normalised);
  g_test_add_func ("/cbor/decode/non-minimal-accepted", test_non_minimal_accepted);
  g_test_add_func ("/cbor/limits/depth", test_limit_depth);
  g_test_add_func ("/cbor/limits/items", test_limit_items);
  g_test_add_func ("/cbor/limits/huge-declared-lengths", test_huge_declared_lengths);
  g_test_add_func ("/cbor/malformed/truncated-everywhere", test_truncated_everywhere);
  g_test_add_func ("/cbor/malformed/trailing-bytes", test_trailing_bytes);
  g_test_add_func ("/cbor/malformed/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/cbor/malformed/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/cbor/malformed/heads", test_malformed_heads);
  g_test_add_func ("/cbor/malformed/random-input", test_random_input);
  g_test_add_func ("/cbor/decode/float-is-not-bool-or-null", test_float_is_not_bool_or_null);

  return g_test_run ();
}
