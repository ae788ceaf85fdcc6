/* test-status-list.c: the Token Status List codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the draft's examples (draft-ietf-oauth-status-list, Appendix
 * "Test vectors for Status List encoding"), read at run time from
 * shared/vectors/status-list next to the repository (or
 * $IDW_STATUS_LIST_VECTORS) and never copied here; skipped when absent.
 */
#include "config.h"

#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-status-list.h"
#include "idw-transport.h"
#include "status-list-test-util.h"

/* ---- The draft's examples ---------------------------------------------- */

/* §4.1's examples: the byte array given, then the StatusList that holds it. */
static void
check_short_example (const char          *name,
                     guint                bits,
                     const guint8        *expected_statuses,
                     gsize                n_statuses)
{
  g_autoptr(GBytes) byte_array = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(IdwStatusList) list = NULL;
  g_autoptr(IdwStatusList) built = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (!status_vector_load (name, &byte_array, &encoded))
    return;

  list = idw_status_list_decode (encoded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_status_list_get_bits (list), ==, bits);
  len = g_bytes_get_size (byte_array);
  g_assert_cmpuint (idw_status_list_get_size (list), ==, len * 8 / bits);
  for (gsize i = 0; i < n_statuses; i++)
    {
      guint status;

      g_assert_true (idw_status_list_get (list, i, &status, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, expected_statuses[i]);
    }

  /* The same bytes when built from the statuses. */
  built = idw_status_list_new (bits, n_statuses, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < n_statuses; i++)
    g_assert_true (idw_status_list_set (built, i, expected_statuses[i], NULL));
  again = idw_status_list_encode (built);
  g_assert_true (g_bytes_equal (again, encoded));
}

static void
test_example_1bit (void)
{
  /* §4.1: b9 a3. */
  static const guint8 statuses[] = { 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1 };

  check_short_example ("status_list_encoding_cbor.md", 1, statuses, G_N_ELEMENTS (statuses));
}

static void
test_example_2bit (void)
{
  /* §4.1: c9 44 f9. */
  static const guint8 statuses[] = { 1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3 };

  check_short_example ("status_list_encoding2_cbor.md", 2, statuses, G_N_ELEMENTS (statuses));
}

typedef struct
{
  guint64 index;
  guint   status;
} Entry;

/* The long examples: 2^20 entries, these set, every other one 0. */
static void
check_long_example (const char  *name,
                    guint        bits,
                    const Entry *entries,
                    gsize        n_entries,
                    gboolean     complete)
{
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(IdwStatusList) list = NULL;
  g_autoptr(IdwStatusList) built = NULL;
  g_autoptr(GError) error = NULL;
  guint64 nonzero = 0, expected_nonzero = 0;

  if (!status_vector_load (name, NULL, &encoded))
    return;

  list = idw_status_list_decode (encoded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_status_list_get_bits (list), ==, bits);
  g_assert_cmpuint (idw_status_list_get_size (list), ==, 1 << 20);

  built = idw_status_list_new (bits, 1 << 20, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < n_entries; i++)
    {
      guint status;

      g_assert_true (idw_status_list_get (list, entries[i].index, &status, &error));
      g_assert_cmpuint (status, ==, entries[i].status);
      g_assert_true (idw_status_list_set (built, entries[i].index, entries[i].status, &error));
      g_assert_no_error (error);
      expected_nonzero += entries[i].status != 0;
    }
  for (guint64 i = 0; i < idw_status_list_get_size (list); i++)
    {
      guint status;

      g_assert_true (idw_status_list_get (list, i, &status, NULL));
      nonzero += status != 0;
    }
  if (!complete)
    return;
  g_assert_cmpuint (nonzero, ==, expected_nonzero);
  /* Byte for byte what the draft's implementation wrote (zlib, level 9). */
  again = idw_status_list_encode (built);
  g_assert_true (g_bytes_equal (again, encoded));
}

static void
test_example_1bit_long (void)
{
  static const Entry entries[] = {
    { 0, 1 }, { 1993, 1 }, { 25460, 1 }, { 159495, 1 }, { 495669, 1 }, { 554353, 1 },
    { 645645, 1 }, { 723232, 1 }, { 854545, 1 }, { 934534, 1 }, { 1000345, 1 },
  };

  check_long_example ("status_list_encoding1_long_cbor.md", 1, entries, G_N_ELEMENTS (entries), TRUE);
}

static void
test_example_2bit_long (void)
{
  static const Entry entries[] = {
    { 0, 1 }, { 1993, 2 }, { 25460, 1 }, { 159495, 3 }, { 495669, 1 }, { 554353, 1 },
    { 645645, 2 }, { 723232, 1 }, { 854545, 1 }, { 934534, 2 }, { 1000345, 3 },
  };

  check_long_example ("status_list_encoding2_long_cbor.md", 2, entries, G_N_ELEMENTS (entries), TRUE);
}

static void
test_example_4bit (void)
{
  static const Entry entries[] = {
    { 0, 1 }, { 1993, 2 }, { 35460, 3 }, { 459495, 4 }, { 595669, 5 }, { 754353, 6 },
    { 845645, 7 }, { 923232, 8 }, { 924445, 9 }, { 934534, 10 }, { 1004534, 11 },
    { 1000345, 12 }, { 1030203, 13 }, { 1030204, 14 }, { 1030205, 15 },
  };

  check_long_example ("status_list_encoding4_cbor.md", 4, entries, G_N_ELEMENTS (entries), TRUE);
}

static void
test_example_8bit (void)
{
  /* A sample of the draft's 256 entries (one of each value 0…255). */
  static const Entry entries[] = {
    { 233478, 0 }, { 52451, 1 }, { 576778, 2 }, { 513575, 3 }, { 468106, 4 },
    { 884834, 8 }, { 13628, 20 }, { 91122, 35 }, { 1046963, 78 }, { 1199, 121 },
    { 502167, 128 }, { 4520, 213 }, { 152133, 254 }, { 19535, 255 },
  };

  check_long_example ("status_list_encoding8_cbor.md", 8, entries, G_N_ELEMENTS (entries), FALSE);
}

/* ---- Get and set --------------------------------------------------------- */

static void
test_set_get (void)
{
  static const guint bits[] = { 1, 2, 4, 8 };

  for (guint b = 0; b < G_N_ELEMENTS (bits); b++)
    {
      g_autoptr(IdwStatusList) list = NULL;
      g_autoptr(IdwStatusList) decoded = NULL;
      g_autoptr(GBytes) encoded = NULL;
      g_autoptr(GError) error = NULL;
      guint max = (1u << bits[b]) - 1;

      list = idw_status_list_new (bits[b], 100, &error);
      g_assert_no_error (error);
      /* A whole number of bytes. */
      g_assert_cmpuint (idw_status_list_get_size (list) % (8 / bits[b]), ==, 0);
      g_assert_cmpuint (idw_status_list_get_size (list), >=, 100);
      for (guint i = 0; i < 100; i++)
        g_assert_true (idw_status_list_set (list, i, (i * 7) & max, &error));
      g_assert_no_error (error);
      idw_status_list_set_aggregation_uri (list, "https://example.com/statuslists");
      encoded = idw_status_list_encode (list);
      decoded = idw_status_list_decode (encoded, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (idw_status_list_get_aggregation_uri (decoded), ==, "https://example.com/statuslists");
      for (guint i = 0; i < 100; i++)
        {
          guint status;

          g_assert_true (idw_status_list_get (decoded, i, &status, &error));
          g_assert_cmpuint (status, ==, (i * 7) & max);
        }

      /* A status that does not fit. */
      if (max < 255)
        {
          g_assert_false (idw_status_list_set (list, 0, max + 1, &error));
          g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
          g_clear_error (&error);
        }

      /* Growing keeps the statuses and adds valid ones. */
      g_assert_true (idw_status_list_ensure_size (list, 1000, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (idw_status_list_get_size (list), >=, 1000);
      {
        guint status;

        g_assert_true (idw_status_list_get (list, 99, &status, NULL));
        g_assert_cmpuint (status, ==, (99 * 7) & max);
        g_assert_true (idw_status_list_get (list, 999, &status, NULL));
        g_assert_cmpuint (status, ==, 0);
      }
    }
}

/* ---- Limits -------------------------------------------------------------- */

static void
test_index_out_of_range (void)
{
  g_autoptr(IdwStatusList) list = idw_status_list_new (2, 8, NULL);
  g_autoptr(GError) error = NULL;
  guint status;

  g_assert_true (idw_status_list_get (list, 7, &status, &error));
  g_assert_false (idw_status_list_get (list, 8, &status, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_clear_error (&error);
  g_assert_false (idw_status_list_set (list, G_MAXUINT64, 1, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static GBytes *
status_list_cbor (gint64        bits,
                  const guint8 *lst,
                  gsize         lst_len)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  idw_cbor_map_add_str (map, "bits", idw_cbor_new_int (bits));
  idw_cbor_map_add_str (map, "lst", idw_cbor_new_bytes (lst, lst_len));
  return idw_cbor_encode (map);
}

static void
test_bits_unsupported (void)
{
  static const gint64 bad[] = { 0, 3, 5, 16, -1 };
  g_autoptr(GBytes) compressed = idw_deflate ((const guint8 *) "\x01", 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) data = status_list_cbor (bad[i], g_bytes_get_data (compressed, NULL),
                                                 g_bytes_get_size (compressed));
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwStatusList) list = idw_status_list_decode (data, &error);

      g_assert_null (list);
      g_assert_true (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED)
                     || g_error_matches (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE));
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (idw_status_list_new (3, 8, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  }
}

static void
test_zip_bomb (void)
{
  /* 2 MiB of zeros compress to about 2 KiB: refused at 1 MiB inflated. */
  gsize big = 2 * IDW_MAX_STATUS_LIST_INFLATED;
  g_autofree guint8 *zeros = g_malloc0 (big);
  g_autoptr(GBytes) compressed = idw_deflate (zeros, big);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStatusList) list = NULL;

  g_assert_cmpuint (g_bytes_get_size (compressed), <, IDW_MAX_STATUS_LIST_COMPRESSED);
  data = status_list_cbor (1, g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed));
  list = idw_status_list_decode (data, &error);
  g_assert_null (list);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_clear_error (&error);

  /* Exactly the limit is allowed. */
  {
    g_autoptr(GBytes) fits = idw_deflate (zeros, IDW_MAX_STATUS_LIST_INFLATED);
    g_autoptr(GBytes) fits_data = status_list_cbor (8, g_bytes_get_data (fits, NULL), g_bytes_get_size (fits));
    g_autoptr(IdwStatusList) fits_list = idw_status_list_decode (fits_data, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (idw_status_list_get_size (fits_list), ==, IDW_MAX_STATUS_LIST_INFLATED);
  }
  /* And a list of more entries than that cannot be made. */
  g_assert_null (idw_status_list_new (1, (guint64) IDW_MAX_STATUS_LIST_INFLATED * 8 + 1, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static void
test_compressed_too_large (void)
{
  gsize len = IDW_MAX_STATUS_LIST_COMPRESSED + 1;
  g_autofree guint8 *junk = g_malloc0 (len);
  g_autoptr(GBytes) data = status_list_cbor (1, junk, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStatusList) list = idw_status_list_decode (data, &error);

  g_assert_null (list);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static void
test_malformed (void)
{
  static const guint8 not_zlib[] = { 0x01, 0x02, 0x03 };
  g_autoptr(GBytes) data = status_list_cbor (1, not_zlib, sizeof not_zlib);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStatusList) list = idw_status_list_decode (data, &error);
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  g_assert_null (list);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  idw_cbor_map_add_str (map, "bits", idw_cbor_new_int (1));
  g_assert_null (idw_status_list_parse (map, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD);
  g_clear_error (&error);
  idw_cbor_map_add_str (map, "lst", idw_cbor_new_string ("not bytes"));
  g_assert_null (idw_status_list_parse (map, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/status-list/example/1bit", test_example_1bit);
  g_test_add_func ("/status-list/example/2bit", test_example_2bit);
  g_test_add_func ("/status-list/example/1bit-long", test_example_1bit_long);
  g_test_add_func ("/status-list/example/2bit-long", test_example_2bit_long);
  g_test_add_func ("/status-list/example/4bit", test_example_4bit);
  g_test_add_func ("/status-list/example/8bit", test_example_8bit);
  g_test_add_func ("/status-list/set-get", test_set_get);
  g_test_add_func ("/status-list/limit/index", test_index_out_of_range);
  g_test_add_func ("/status-list/limit/bits", test_bits_unsupported);
  g_test_add_func ("/status-list/limit/zip-bomb", test_zip_bomb);
  g_test_add_func ("/status-list/limit/compressed", test_compressed_too_large);
  g_test_add_func ("/status-list/malformed", test_malformed);

  return g_test_run ();
}
