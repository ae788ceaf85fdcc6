/* test-transport.c: Base45, zlib and the text envelopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "idw-error.h"
#include "idw-transport.h"

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static GBytes *
random_bytes (GRand *rand,
              gsize  len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = g_rand_int_range (rand, 0, 256);

  return g_bytes_new_take (data, len);
}

static void
assert_bytes_equal (GBytes       *bytes,
                    const guint8 *data,
                    gsize         len)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, len);
}

/* The error has the code and its message contains @needle. */
static void
assert_error_says (const GError *error,
                   int           code,
                   const char   *needle)
{
  g_assert_error (error, IDW_ERROR, code);
  g_test_message ("error: %s", error->message);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, needle);
}

/* RFC 9285 §4.3 and §4.4. */
static void
test_base45_rfc_examples (void)
{
  static const struct
  {
    const char *plain;
    const char *encoded;
  } examples[] = {
    { "AB", "BB8" },
    { "Hello!!", "%69 VD92EX0" },
    { "base-45", "UJCLQE7W581" },
    { "ietf!", "QED8WEX0" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = NULL;
      g_autofree char *encoded = NULL;
      gsize len = strlen (examples[i].plain);

      encoded = idw_base45_encode ((const guint8 *) examples[i].plain, len);
      g_assert_cmpstr (encoded, ==, examples[i].encoded);

      decoded = idw_base45_decode (examples[i].encoded, -1, &error);
      g_assert_no_error (error);
      assert_bytes_equal (decoded, (const guint8 *) examples[i].plain, len);
    }
}

static void
test_base45_edges (void)
{
  static const guint8 zeros[2] = { 0, 0 };
  static const guint8 ones[2] = { 0xff, 0xff };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GBytes) max_triplet = NULL;
  g_autoptr(GBytes) max_pair = NULL;
  g_autoptr(GBytes) prefix_only = NULL;
  g_autofree char *e0 = NULL;
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  g_autofree char *e3 = NULL;
  g_autofree char *e4 = NULL;

  e0 = idw_base45_encode (NULL, 0);
  g_assert_cmpstr (e0, ==, "");
  e1 = idw_base45_encode (zeros, 2);
  g_assert_cmpstr (e1, ==, "000");
  e2 = idw_base45_encode (zeros, 1);
  g_assert_cmpstr (e2, ==, "00");
  /* 65535 = 15 + 16·45 + 32·45² */
  e3 = idw_base45_encode (ones, 2);
  g_assert_cmpstr (e3, ==, "FGW");
  /* 255 = 30 + 5·45 */
  e4 = idw_base45_encode (ones, 1);
  g_assert_cmpstr (e4, ==, "U5");

  empty = idw_base45_decode ("", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);

  max_triplet = idw_base45_decode ("FGW", -1, &error);
  g_assert_no_error (error);
  assert_bytes_equal (max_triplet, ones, 2);

  max_pair = idw_base45_decode ("U5", -1, &error);
  g_assert_no_error (error);
  assert_bytes_equal (max_pair, ones, 1);

  /* An explicit length stops early, even without a nul. */
  prefix_only = idw_base45_decode ("BB8%69 VD92EX0", 3, &error);
  g_assert_no_error (error);
  assert_bytes_equal (prefix_only, (const guint8 *) "AB", 2);
}

static void
test_base45_invalid (void)
{
  static const struct
  {
    const char *text;
    gssize      len;
    const char *says;
  } cases[] = {
    /* 16 + 16·45 + 32·45² = 65536 */
    { "GGW", -1, "65536" },
    { "BB8GGW", -1, "position 4" },
    { ":::", -1, "more than 65535" },
    /* 31 + 5·45 = 256 */
    { "V5", -1, "256" },
    { "BB8::", -1, "more than 255" },
    { "A", -1, "leaves one character over" },
    { "BB8B", -1, "4 characters" },
    { "QED8WEX0AB", -1, "10 characters" },
    { "bb8", -1, "lowercase letter “b” at position 1" },
    { "BB8qed", -1, "lowercase letter “q” at position 4" },
    { "BB#", -1, "“#” at position 3" },
    { "BB8\n", -1, "0x0A at position 4" },
    { "BB\0" "8", 4, "0x00 at position 3" },
    { "BB8\xc3\xa9", -1, "0xC3 at position 4" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) decoded = NULL;

      decoded = idw_base45_decode (cases[i].text, cases[i].len, &error);
      g_assert_null (decoded);
      assert_error_says (error, IDW_ERROR_MALFORMED, cases[i].says);
    }
}

static void
test_base45_random_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (45);

  for (gsize len = 0; len < 300; len++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = random_bytes (rand, len);
      g_autoptr(GBytes) decoded = NULL;
      g_autofree char *encoded = NULL;

      encoded = idw_base45_encode (g_bytes_get_data (data, NULL), len);
      g_assert_cmpuint (strlen (encoded), ==, len / 2 * 3 + (len % 2) * 2);
      g_assert_cmpuint (strspn (encoded, base45_alphabet), ==, strlen (encoded));

      decoded = idw_base45_decode (encoded, -1, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (decoded, data));
    }
}

static void
test_zlib_round_trip (void)
{
  static const gsize sizes[] = { 0, 1, 2, 100, 4096, 16384, 16385, 65537, 256 * 1024 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1950);

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = random_bytes (rand, sizes[i]);
      g_autoptr(GBytes) compressed = NULL;
      g_autoptr(GBytes) inflated = NULL;
      const guint8 *z;

      compressed = idw_deflate (g_bytes_get_data (data, NULL), sizes[i]);
      z = g_bytes_get_data (compressed, NULL);
      /* RFC 1950 header: CM 8, CINFO 7; level 9 gives FLEVEL 3. */
      g_assert_cmpuint (g_bytes_get_size (compressed), >=, 6);
      g_assert_cmphex (z[0], ==, 0x78);
      g_assert_cmphex (z[1], ==, 0xda);

      inflated = idw_inflate (z, g_bytes_get_size (compressed), sizes[i], &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (inflated, data));
    }
}

static void
test_zlib_compresses (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *text = NULL;
  g_autoptr(GBytes) compressed = NULL;
  g_autoptr(GBytes) inflated = NULL;
  gsize len = 100000;

  text = g_malloc (len);
  for (gsize i = 0; i < len; i++)
    text[i] = "mdoc issuer signed "[i % 19];

  compressed = idw_deflate (text, len);
  g_assert_cmpuint (g_bytes_get_size (compressed), <, len / 50);

  inflated = idw_inflate (g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed),
                          G_MAXSIZE, &error);
  g_assert_no_error (error);
  assert_bytes_equal (inflated, text, len);
}

static void
test_zlib_bomb (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *zeros = NULL;
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GBytes) inflated = NULL;
  gsize len = 10 * 1024 * 1024;

  zeros = g_malloc0 (len);
  bomb = idw_deflate (zeros, len);
  g_test_message ("10 MiB of zeros deflate to %" G_GSIZE_FORMAT " bytes",
                  g_bytes_get_size (bomb));
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 16 * 1024);

  inflated = idw_inflate (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb),
                          IDW_MAX_INFLATED_LENGTH, &error);
  g_assert_null (inflated);
  assert_error_says (error, IDW_ERROR_LIMIT, "262144");
}

static void
test_zlib_limit_exact (void)
{
  static const gsize sizes[] = { 0, 1, 1000, 16384, 16385, IDW_MAX_INFLATED_LENGTH };
  g_autoptr(GRand) rand = g_rand_new_with_seed (256);

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) data = random_bytes (rand, sizes[i]);
      g_autoptr(GBytes) compressed = NULL;
      g_autoptr(GBytes) at_limit = NULL;
      g_autoptr(GBytes) over_limit = NULL;
      g_autoptr(GBytes) under_limit = NULL;

      compressed = idw_deflate (g_bytes_get_data (data, NULL), sizes[i]);

      at_limit = idw_inflate (g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed),
                              sizes[i], &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (at_limit, data));

      over_limit = idw_inflate (g_bytes_get_data (compressed, NULL),
                                g_bytes_get_size (compressed), sizes[i] + 1, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (over_limit, data));

      if (sizes[i] == 0)
        continue;

      /* One byte more than allowed. */
      under_limit = idw_inflate (g_bytes_get_data (compressed, NULL),
                                 g_bytes_get_size (compressed), sizes[i] - 1, &error);
      g_assert_null (under_limit);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
    }
}

static void
test_zlib_truncated (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GBytes) data = random_bytes (rand, 3000);
  g_autoptr(GBytes) compressed = NULL;
  const guint8 *z;
  gsize z_len;

  compressed = idw_deflate (g_bytes_get_data (data, NULL), 3000);
  z = g_bytes_get_data (compressed, &z_len);

  /* Empty, in the header, in the data, in the Adler-32 trailer. */
  {
    gsize cuts[] = { 0, 1, 2, 3, 10, z_len / 2, z_len - 5, z_len - 4, z_len - 2, z_len - 1 };

    for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) inflated = NULL;

        inflated = idw_inflate (z, cuts[i], 1024 * 1024, &error);
        g_assert_null (inflated);
        g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
      }
  }
}

static void
test_zlib_trailing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) compressed = NULL;
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(GBytes) inflated2 = NULL;
  g_autoptr(GByteArray) garbage = g_byte_array_new ();
  g_autoptr(GByteArray) two_streams = g_byte_array_new ();
  const char *text = "IdWalletQRHandoverV1";

  compressed = idw_deflate ((const guint8 *) text, strlen (text));

  g_byte_array_append (garbage, g_bytes_get_data (compressed, NULL),
                       g_bytes_get_size (compressed));
  g_byte_array_append (garbage, (const guint8 *) "\0", 1);
  inflated = idw_inflate (garbage->data, garbage->len, 1024, &error);
  g_assert_null (inflated);
  assert_error_says (error, IDW_ERROR_MALFORMED, "followed by 1 unexpected byte.");
  g_clear_error (&error);

  for (int i = 0; i < 2; i++)
    g_byte_array_append (two_streams, g_bytes_get_data (compressed, NULL),
                         g_bytes_get_size (compressed));
  inflated2 = idw_inflate (two_streams->data, two_streams->len, 1024, &error);
  g_assert_null (inflated2);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
}

static void
test_zlib_corrupt (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GBytes) data = random_bytes (rand, 500);
  g_autoptr(GBytes) compressed = NULL;
  g_autofree guint8 *copy = NULL;
  gsize z_len;
  /* Bad header check bits, bad method, a flipped data byte (the Adler-32
   * check catches it), a flipped checksum byte. */
  struct
  {
    gsize  offset;
    guint8 xor;
  } flips[] = { { 1, 0x01 }, { 0, 0x07 }, { 250, 0x10 }, { 0, 0 } };

  compressed = idw_deflate (g_bytes_get_data (data, NULL), 500);
  z_len = g_bytes_get_size (compressed);
  flips[3].offset = z_len - 1;
  flips[3].xor = 0x80;

  for (gsize i = 0; i < G_N_ELEMENTS (flips); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) inflated = NULL;

      g_clear_pointer (&copy, g_free);
      copy = g_memdup2 (g_bytes_get_data (compressed, NULL), z_len);
      copy[flips[i].offset] ^= flips[i].xor;

      inflated = idw_inflate (copy, z_len, 1024, &error);
      g_assert_null (inflated);
      assert_error_says (error, IDW_ERROR_MALFORMED, "corrupt");
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) inflated = NULL;

    /* Raw text is not a zlib stream. */
    inflated = idw_inflate ((const guint8 *) "hello, world", 12, 1024, &error);
    g_assert_null (inflated);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  }
}

static void
test_envelope_round_trip (void)
{
  static const char * const prefixes[] = {
    IDW_PREFIX_PRESENTATION, IDW_PREFIX_REQUEST, IDW_PREFIX_CREDENTIAL,
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (9285);

  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) payload = random_bytes (rand, 50 + 300 * i);
      g_autoptr(GBytes) unwrapped = NULL;
      g_autofree char *text = NULL;
      gsize prefix_len = strlen (prefixes[i]);

      text = idw_transport_wrap (prefixes[i], payload);
      g_assert_true (g_str_has_prefix (text, prefixes[i]));
      g_assert_cmpuint (strspn (text + prefix_len, base45_alphabet), ==,
                        strlen (text + prefix_len));
      g_assert_cmpstr (idw_transport_detect (text), ==, prefixes[i]);

      unwrapped = idw_transport_unwrap (prefixes[i], text, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (unwrapped, payload));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
    g_autoptr(GBytes) unwrapped = NULL;
    g_autofree char *text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, empty);

    unwrapped = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, text, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (unwrapped), ==, 0);
  }
}

/* Wraps random payloads until the Base45 part has a space inside, which
 * unwrap must keep. */
static char *
wrap_with_inner_space (GBytes **out_payload)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (36);

  for (;;)
    {
      g_autoptr(GBytes) payload = random_bytes (rand, 120);
      g_autofree char *text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, payload);

      if (strchr (text, ' ') != NULL)
        {
          *out_payload = g_steal_pointer (&payload);
          return g_steal_pointer (&text);
        }
    }
}

static void
test_envelope_white_space (void)
{
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *text = wrap_with_inner_space (&payload);
  g_autoptr(GString) wrapped = g_string_new ("  \n\t");
  g_autoptr(GBytes) unwrapped = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = strlen (text);

  plain = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, text, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (plain, payload));

  /* Wrapped at 16 columns with LF and CRLF in turn, as a mail client or a
   * terminal would, with a tab-indented line and surrounding blanks. */
  for (gsize i = 0; i < len; i += 16)
    {
      g_string_append_len (wrapped, text + i, MIN (16, len - i));
      g_string_append (wrapped, (i / 16) % 2 ? "\r\n" : "\n");
      if (i == 32)
        g_string_append_c (wrapped, '\t');
    }
  g_string_append (wrapped, " \r\n ");

  unwrapped = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, wrapped->str, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (unwrapped, payload));
  g_assert_cmpstr (idw_transport_detect (wrapped->str), ==, IDW_PREFIX_PRESENTATION);

  /* The space is a Base45 digit: removing one breaks the text. */
  {
    g_autoptr(GString) no_space = g_string_new (text);
    g_autoptr(GBytes) broken = NULL;
    g_autoptr(GError) local_error = NULL;
    gsize at = strchr (text, ' ') - text;

    g_string_erase (no_space, at, 1);
    broken = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, no_space->str, &local_error);
    g_assert_null (broken);
    g_assert_error (local_error, IDW_ERROR, IDW_ERROR_MALFORMED);
  }
}

static void
test_envelope_too_long (void)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("text limit", 10);
  g_autofree char *text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, payload);
  g_autoptr(GString) padded = g_string_new (text);
  g_autoptr(GBytes) at_limit = NULL;
  g_autoptr(GBytes) over_limit = NULL;
  g_autoptr(GBytes) garbage_over = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = NULL;

  /* Exactly IDW_MAX_TEXT_LENGTH bytes, counting the white space: fine. */
  while (padded->len < IDW_MAX_TEXT_LENGTH)
    g_string_append_c (padded, '\n');
  at_limit = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, padded->str, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (at_limit, payload));

  g_string_append_c (padded, '\n');
  over_limit = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, padded->str, &error);
  g_assert_null (over_limit);
  assert_error_says (error, IDW_ERROR_LIMIT, "65536");
  g_clear_error (&error);

  /* The length is checked before the prefix or the content. */
  garbage = g_strnfill (IDW_MAX_TEXT_LENGTH + 1000, 'x');
  garbage_over = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, garbage, &error);
  g_assert_null (garbage_over);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static void
test_envelope_inflated_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *zeros = g_malloc0 (IDW_MAX_INFLATED_LENGTH + 1);
  g_autoptr(GBytes) at_limit = g_bytes_new_static (zeros, IDW_MAX_INFLATED_LENGTH);
  g_autoptr(GBytes) over_limit = g_bytes_new_static (zeros, IDW_MAX_INFLATED_LENGTH + 1);
  g_autofree char *at_text = idw_transport_wrap (IDW_PREFIX_CREDENTIAL, at_limit);
  g_autofree char *over_text = idw_transport_wrap (IDW_PREFIX_CREDENTIAL, over_limit);
  g_autoptr(GBytes) ok = NULL;
  g_autoptr(GBytes) refused = NULL;

  g_assert_cmpuint (strlen (over_text), <, IDW_MAX_TEXT_LENGTH);

  ok = idw_transport_unwrap (IDW_PREFIX_CREDENTIAL, at_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (ok, at_limit));

  refused = idw_transport_unwrap (IDW_PREFIX_CREDENTIAL, over_text, &error);
  g_assert_null (refused);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
}

static void
test_envelope_wrong_prefix (void)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("nonce", 5);
  g_autofree char *request = idw_transport_wrap (IDW_PREFIX_REQUEST, payload);
  g_autofree char *presentation = idw_transport_wrap (IDW_PREFIX_PRESENTATION, payload);
  g_autofree char *credential = idw_transport_wrap (IDW_PREFIX_CREDENTIAL, payload);
  g_autofree char *lowercase = g_ascii_strdown (presentation, 5);
  g_autofree char *lower_text = g_strconcat (lowercase, presentation + 5, NULL);
  const struct
  {
    const char *expected;
    const char *text;
    const char *says;
  } cases[] = {
    { IDW_PREFIX_PRESENTATION, request,
      "verification request (IDWR1:), but a presentation (IDW1:) was expected" },
    { IDW_PREFIX_PRESENTATION, credential,
      "credential (IDWC1:), but a presentation (IDW1:) was expected" },
    { IDW_PREFIX_REQUEST, presentation,
      "presentation (IDW1:), but a verification request (IDWR1:) was expected" },
    { IDW_PREFIX_REQUEST, credential,
      "credential (IDWC1:), but a verification request (IDWR1:) was expected" },
    { IDW_PREFIX_CREDENTIAL, presentation,
      "presentation (IDW1:), but a credential (IDWC1:) was expected" },
    { IDW_PREFIX_CREDENTIAL, request,
      "verification request (IDWR1:), but a credential (IDWC1:) was expected" },
    { IDW_PREFIX_PRESENTATION, "hello", "does not start with “IDW1:”" },
    { IDW_PREFIX_PRESENTATION, "", "not an ID Wallet presentation" },
    { IDW_PREFIX_PRESENTATION, "   \n ", "not an ID Wallet presentation" },
    { IDW_PREFIX_REQUEST, "BB8", "does not start with “IDWR1:”" },
    { IDW_PREFIX_CREDENTIAL, "IDW", "does not start with “IDWC1:”" },
    /* Exact case: the format is uppercase. */
    { IDW_PREFIX_PRESENTATION, lower_text, "does not start with “IDW1:”" },
    { "XYZ1:", presentation, "does not start with “XYZ1:”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) unwrapped = NULL;

      unwrapped = idw_transport_unwrap (cases[i].expected, cases[i].text, &error);
      g_assert_null (unwrapped);
      assert_error_says (error, IDW_ERROR_WRONG_PREFIX, cases[i].says);
    }
}

static void
test_envelope_bad_content (void)
{
  g_autofree char *not_zlib_b45 = idw_base45_encode ((const guint8 *) "not zlib", 8);
  g_autofree char *not_zlib = g_strconcat (IDW_PREFIX_PRESENTATION, not_zlib_b45, NULL);
  const struct
  {
    const char *text;
    const char *says;
  } cases[] = {
    { "IDW1:bb8", "lowercase" },
    { "IDW1:BB8B", "leaves one character over" },
    { "IDW1:GGW", "65535" },
    { "IDW1:BB8#", "“#”" },
    { not_zlib, "corrupt" },
    /* Base45 of an empty byte string: no zlib stream at all. */
    { "IDW1:", "incomplete" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) unwrapped = NULL;

      unwrapped = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, cases[i].text, &error);
      g_assert_null (unwrapped);
      assert_error_says (error, IDW_ERROR_MALFORMED, cases[i].says);
    }
}

static void
test_detect (void)
{
  g_assert_cmpstr (idw_transport_detect ("IDW1:BB8"), ==, IDW_PREFIX_PRESENTATION);
  g_assert_cmpstr (idw_transport_detect ("IDWR1:BB8"), ==, IDW_PREFIX_REQUEST);
  g_assert_cmpstr (idw_transport_detect ("IDWC1:BB8"), ==, IDW_PREFIX_CREDENTIAL);
  g_assert_cmpstr (idw_transport_detect (" \r\n\tIDWR1:"), ==, IDW_PREFIX_REQUEST);
  g_assert_null (idw_transport_detect ("idw1:BB8"));
  g_assert_null (idw_transport_detect ("IDW2:BB8"));
  g_assert_null (idw_transport_detect ("IDW1"));
  g_assert_null (idw_transport_detect ("x IDW1:"));
  g_assert_null (idw_transport_detect (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transport/base45/rfc9285-examples", test_base45_rfc_examples);
  g_test_add_func ("/transport/base45/edges", test_base45_edges);
  g_test_add_func ("/transport/base45/invalid", test_base45_invalid);
  g_test_add_func ("/transport/base45/random-round-trip", test_base45_random_round_trip);
  g_test_add_func ("/transport/zlib/round-trip", test_zlib_round_trip);
  g_test_add_func ("/transport/zlib/compresses", test_zlib_compresses);
  g_test_add_func ("/transport/zlib/bomb", test_zlib_bomb);
  g_test_add_func ("/transport/zlib/limit-exact", test_zlib_limit_exact);
  g_test_add_func ("/transport/zlib/truncated", test_zlib_truncated);
  g_test_add_func ("/transport/zlib/trailing", test_zlib_trailing);
  g_test_add_func ("/transport/zlib/corrupt", test_zlib_corrupt);
  g_test_add_func ("/transport/envelope/round-trip", test_envelope_round_trip);
  g_test_add_func ("/transport/envelope/white-space", test_envelope_white_space);
  g_test_add_func ("/transport/envelope/too-long", test_envelope_too_long);
  g_test_add_func ("/transport/envelope/inflated-limit", test_envelope_inflated_limit);
  g_test_add_func ("/transport/envelope/wrong-prefix", test_envelope_wrong_prefix);
  g_test_add_func ("/transport/envelope/bad-content", test_envelope_bad_content);
  g_test_add_func ("/transport/detect", test_detect);

  return g_test_run ();
}
