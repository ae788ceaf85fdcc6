/* idw-transport.c: Base45 (RFC 9285), zlib (RFC 1950) and the text envelopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <zlib.h>

#include "idw-error.h"
#include "idw-transport.h"

/* RFC 9285 §4: the 45 characters, in value order. */
static const char base45_alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Output grows in steps of this size (doubling) up to the caller's cap. */
#define INFLATE_FIRST_CHUNK (16 * 1024)

/**
 * idw_base45_encode:
 * @data: (array length=len): the bytes to encode
 * @len: the number of bytes
 *
 * Encodes @data in Base45 (RFC 9285): each pair of bytes becomes three
 * characters, a trailing odd byte becomes two. The result only uses the
 * QR code alphanumeric character set.
 *
 * Returns: (transfer full): a newly allocated, nul-terminated string,
 *   empty when @len is 0
 */
char *
idw_base45_encode (const guint8 *data,
                   gsize         len)
{
  char *out;
  char *p;
  gsize i;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len <= (G_MAXSIZE - 1) / 3 * 2, NULL);

  p = out = g_malloc (len / 2 * 3 + (len % 2) * 2 + 1);

  for (i = 0; i + 1 < len; i += 2)
    {
      guint n = ((guint) data[i] << 8) | data[i + 1];

      /* Least significant digit first (RFC 9285 §4.2). */
      *p++ = base45_alphabet[n % 45];
      *p++ = base45_alphabet[(n / 45) % 45];
      *p++ = base45_alphabet[n / (45 * 45)];
    }

  if (i < len)
    {
      guint n = data[i];

      *p++ = base45_alphabet[n % 45];
      *p++ = base45_alphabet[n / 45];
    }

  *p = '\0';

  return out;
}

static int
base45_value (guchar c)
{
  const char *p;

  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;

  /* The space and punctuation, values 36 to 44. */
  p = memchr (base45_alphabet + 36, c, 9);

  return p != NULL ? p - base45_alphabet : -1;
}

static void
set_bad_character_error (GError **error,
                         guchar   c,
                         gsize    position)
{
  if (c >= 'a' && c <= 'z')
    g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                 _("Invalid Base45 text: lowercase letter “%c” at position %lu"
                   " (Base45 uses only capital letters)."),
                 c, (unsigned long) position + 1);
  else if (g_ascii_isprint (c))
    g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                 _("Invalid Base45 text: character “%c” at position %lu"
                   " is not in the Base45 alphabet."),
                 c, (unsigned long) position + 1);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                 _("Invalid Base45 text: byte 0x%02X at position %lu"
                   " is not in the Base45 alphabet."),
                 c, (unsigned long) position + 1);
}

/**
 * idw_base45_decode:
 * @text: Base45 text (RFC 9285)
 * @len: the length of @text in bytes, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Decodes Base45 text strictly: every character must be in the RFC 9285
 * alphabet (capital letters only; no white space other than the space
 * character, which is a digit of the alphabet).
 *
 * Returns: (transfer full): the decoded bytes, or %NULL with @error set to
 *   %IDW_ERROR_MALFORMED when a character is outside the alphabet, the
 *   length leaves a single character over (length ≡ 1 mod 3), a group of
 *   three characters is worth more than 65535 or a final pair more than 255
 */
GBytes *
idw_base45_decode (const char *text,
                   gssize      len,
                   GError    **error)
{
  g_autofree guint8 *out = NULL;
  const guchar *in = (const guchar *) text;
  gsize n_in;
  gsize n_out = 0;
  gsize i;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_in = len < 0 ? strlen (text) : (gsize) len;

  /* Report a bad character before a bad length: it is the more useful
   * message when someone pasted the wrong thing. */
  for (i = 0; i < n_in; i++)
    {
      if (base45_value (in[i]) < 0)
        {
          set_bad_character_error (error, in[i], i);
          return NULL;
        }
    }

  if (n_in % 3 == 1)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Invalid Base45 text: its length (%lu character) leaves one "
                                "character over; the text may be incomplete.",
                                "Invalid Base45 text: its length (%lu characters) leaves one "
                                "character over; the text may be incomplete.",
                                n_in),
                   (unsigned long) n_in);
      return NULL;
    }

  out = g_malloc (n_in / 3 * 2 + 1);

  for (i = 0; i + 2 < n_in; i += 3)
    {
      guint n = (guint) base45_value (in[i])
                + (guint) base45_value (in[i + 1]) * 45
                + (guint) base45_value (in[i + 2]) * 45 * 45;

      if (n > 0xffff)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("Invalid Base45 text: the group “%.3s” at position %lu"
                         " is worth %u, more than 65535."),
                       (const char *) in + i, (unsigned long) i + 1, n);
          return NULL;
        }

      out[n_out++] = n >> 8;
      out[n_out++] = n & 0xff;
    }

  if (i < n_in)
    {
      guint n = (guint) base45_value (in[i]) + (guint) base45_value (in[i + 1]) * 45;

      if (n > 0xff)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("Invalid Base45 text: the final pair “%.2s” is worth %u, more than 255."),
                       (const char *) in + i, n);
          return NULL;
        }

      out[n_out++] = n;
    }

  return g_bytes_new_take (g_steal_pointer (&out), n_out);
}

/**
 * idw_deflate:
 * @data: (array length=len): the bytes to compress
 * @len: the number of bytes
 *
 * Compresses @data into a zlib stream (RFC 1950) at the best compression
 * level. Cannot fail other than by running out of memory, which aborts.
 *
 * Returns: (transfer full): the zlib stream
 */
GBytes *
idw_deflate (const guint8 *data,
             gsize         len)
{
  g_autofree guint8 *out = NULL;
  uLongf out_len;
  int ret;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len <= G_MAXULONG / 2, NULL);

  out_len = compressBound (len);
  out = g_malloc (out_len);

  /* compress2() is given the room compressBound() promises is enough, so
   * Z_BUF_ERROR cannot happen; Z_MEM_ERROR is out of memory. */
  ret = compress2 (out, &out_len, data != NULL ? data : (const guint8 *) "", len,
                   Z_BEST_COMPRESSION);
  if (ret != Z_OK)
    g_error ("zlib compress2() failed: %d", ret);

  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), out_len), out_len);
}

static void
set_inflate_error (GError  **error,
                   int       ret,
                   z_stream *zs)
{
  switch (ret)
    {
    case Z_BUF_ERROR:
      /* No progress possible with output room left: the input ran out. */
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The compressed data is incomplete: it ends before the end of "
                             "the zlib stream."));
      break;

    case Z_MEM_ERROR:
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED,
                           _("Not enough memory to decompress the data."));
      break;

    case Z_NEED_DICT:
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The compressed data is corrupt: it needs a preset dictionary."));
      break;

    case Z_DATA_ERROR:
    default:
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The compressed data is corrupt (%s)."),
                   zs->msg != NULL ? zs->msg : "zlib error");
      break;
    }
}

static void
set_inflate_limit_error (GError **error,
                         gsize    max_len)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
               _("The compressed data expands to more than %lu"
                 " bytes, the most that is accepted."),
               (unsigned long) max_len);
}

/**
 * idw_inflate:
 * @data: (array length=len): a zlib stream (RFC 1950)
 * @len: the number of bytes
 * @max_len: the most bytes the decompressed data may have
 * @error: return location for a #GError
 *
 * Decompresses one whole zlib stream. Output is produced incrementally and
 * never more than @max_len bytes are allocated for it: decompression stops
 * as soon as one byte more would come out, so a “zip bomb” costs at most
 * @max_len bytes and the time to produce them.
 *
 * Returns: (transfer full): the decompressed bytes, or %NULL with @error
 *   set: %IDW_ERROR_LIMIT when the output would exceed @max_len,
 *   %IDW_ERROR_MALFORMED when the stream is corrupt or truncated, or when
 *   bytes follow the end of the stream
 */
GBytes *
idw_inflate (const guint8 *data,
             gsize         len,
             gsize         max_len,
             GError      **error)
{
  g_autofree guint8 *out = NULL;
  gsize capacity = 0;
  gsize produced = 0;
  gsize fed = 0;
  z_stream zs = { 0 };
  int ret;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ret = inflateInit (&zs);
  if (ret != Z_OK)
    {
      set_inflate_error (error, ret, &zs);
      return NULL;
    }

  for (;;)
    {
      gsize room;

      /* avail_in is a uInt: feed very large inputs in pieces. */
      if (zs.avail_in == 0 && fed < len)
        {
          zs.next_in = (Bytef *) data + fed;
          zs.avail_in = (uInt) MIN (len - fed, (gsize) G_MAXUINT);
          fed += zs.avail_in;
        }

      if (produced == capacity)
        {
          if (capacity == max_len)
            {
              guint8 probe;

              /* The cap is reached: see whether the stream would produce
               * one more byte, without giving it any room to grow. */
              zs.next_out = &probe;
              zs.avail_out = 1;
              ret = inflate (&zs, Z_NO_FLUSH);

              if (zs.avail_out == 0)
                {
                  inflateEnd (&zs);
                  set_inflate_limit_error (error, max_len);
                  return NULL;
                }
              if (ret == Z_STREAM_END)
                break;
              if (ret != Z_OK)
                {
                  set_inflate_error (error, ret, &zs);
                  inflateEnd (&zs);
                  return NULL;
                }
              continue;
            }

          capacity = MIN (MAX (capacity * 2, (gsize) INFLATE_FIRST_CHUNK), max_len);
          out = g_realloc (out, capacity);
        }

      room = MIN (capacity - produced, (gsize) G_MAXUINT);
      zs.next_out = out + produced;
      zs.avail_out = (uInt) room;

      ret = inflate (&zs, Z_NO_FLUSH);
      produced += room - zs.avail_out;

      if (ret == Z_STREAM_END)
        break;
      if (ret != Z_OK)
        {
          set_inflate_error (error, ret, &zs);
          inflateEnd (&zs);
          return NULL;
        }
    }

  inflateEnd (&zs);

  if (zs.avail_in > 0 || fed < len)
    {
      gsize extra = zs.avail_in + (len - fed);

      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The compressed data is followed by %lu unexpected byte.",
                                "The compressed data is followed by %lu unexpected bytes.",
                                extra),
                   (unsigned long) extra);
      return NULL;
    }

  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), produced), produced);
}

/**
 * idw_transport_wrap:
 * @prefix: the envelope prefix, such as %IDW_PREFIX_PRESENTATION
 * @payload: the bytes to carry (CBOR)
 *
 * Builds the text form of an envelope: @prefix followed by the Base45
 * encoding of the zlib-compressed @payload (DESIGN.md §3.3). The result is
 * all QR alphanumeric characters when @prefix is one of ours.
 *
 * Returns: (transfer full): the text
 */
char *
idw_transport_wrap (const char *prefix,
                    GBytes     *payload)
{
  g_autoptr(GBytes) compressed = NULL;
  g_autofree char *encoded = NULL;
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (prefix != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  data = g_bytes_get_data (payload, &len);
  compressed = idw_deflate (data, len);
  data = g_bytes_get_data (compressed, &len);
  encoded = idw_base45_encode (data, len);

  return g_strconcat (prefix, encoded, NULL);
}

typedef enum
{
  KIND_PRESENTATION,
  KIND_REQUEST,
  KIND_CREDENTIAL,
  N_KINDS
} Kind;

static const char * const kind_prefixes[N_KINDS] = {
  IDW_PREFIX_PRESENTATION,
  IDW_PREFIX_REQUEST,
  IDW_PREFIX_CREDENTIAL,
};

/* [expected][found] when another known prefix is found instead. */
static const char * const wrong_kind_messages[N_KINDS][N_KINDS] = {
  [KIND_PRESENTATION] = {
    [KIND_REQUEST] = N_("This text is a verification request (IDWR1:), but a presentation "
                        "(IDW1:) was expected."),
    [KIND_CREDENTIAL] = N_("This text is a credential (IDWC1:), but a presentation (IDW1:) "
                           "was expected."),
  },
  [KIND_REQUEST] = {
    [KIND_PRESENTATION] = N_("This text is a presentation (IDW1:), but a verification request "
                             "(IDWR1:) was expected."),
    [KIND_CREDENTIAL] = N_("This text is a credential (IDWC1:), but a verification request "
                           "(IDWR1:) was expected."),
  },
  [KIND_CREDENTIAL] = {
    [KIND_PRESENTATION] = N_("This text is a presentation (IDW1:), but a credential (IDWC1:) "
                             "was expected."),
    [KIND_REQUEST] = N_("This text is a verification request (IDWR1:), but a credential "
                        "(IDWC1:) was expected."),
  },
};

/* When no known prefix is found at all. */
static const char * const no_prefix_messages[N_KINDS] = {
  [KIND_PRESENTATION] = N_("This text is not an ID Wallet presentation: it does not start "
                           "with “IDW1:”."),
  [KIND_REQUEST] = N_("This text is not an ID Wallet verification request: it does not start "
                      "with “IDWR1:”."),
  [KIND_CREDENTIAL] = N_("This text is not an ID Wallet credential: it does not start "
                         "with “IDWC1:”."),
};

static int
kind_of_prefix (const char *prefix)
{
  for (int i = 0; i < N_KINDS; i++)
    if (strcmp (prefix, kind_prefixes[i]) == 0)
      return i;

  return -1;
}

static void
set_wrong_prefix_error (GError     **error,
                        const char  *expected,
                        const char  *text)
{
  int expected_kind = kind_of_prefix (expected);
  const char *found = idw_transport_detect (text);
  int found_kind = found != NULL ? kind_of_prefix (found) : -1;

  if (expected_kind >= 0 && found_kind >= 0 && found_kind != expected_kind)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                         _(wrong_kind_messages[expected_kind][found_kind]));
  else if (expected_kind >= 0)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                         _(no_prefix_messages[expected_kind]));
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                 _("The text does not start with “%s”."), expected);
}

/* Line breaks and tabs, which wrapping and indenting add. Not the space:
 * it is a Base45 digit (value 36). */
static inline gboolean
is_inner_break (char c)
{
  return c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

/**
 * idw_transport_unwrap:
 * @prefix: the expected envelope prefix, such as %IDW_PREFIX_PRESENTATION
 * @text: the text, as pasted or read from a QR code
 * @error: return location for a #GError
 *
 * Opens the text form of an envelope. Leading and trailing white space is
 * ignored, and so are line breaks and tabs inside the text (pasted text
 * often wraps); spaces inside are kept, since the space is a Base45
 * character. The prefix must match exactly, including case.
 *
 * Returns: (transfer full): the payload, or %NULL with @error set:
 *   %IDW_ERROR_LIMIT when @text is longer than %IDW_MAX_TEXT_LENGTH bytes
 *   (checked before anything else) or the payload inflates to more than
 *   %IDW_MAX_INFLATED_LENGTH bytes; %IDW_ERROR_WRONG_PREFIX when @text does
 *   not start with @prefix (the message names the other kind of text when
 *   it is one of ours); %IDW_ERROR_MALFORMED for bad Base45 or a bad zlib
 *   stream
 */
GBytes *
idw_transport_unwrap (const char *prefix,
                      const char *text,
                      GError    **error)
{
  g_autofree char *compact = NULL;
  g_autoptr(GBytes) compressed = NULL;
  const char *start;
  const char *end;
  gsize text_len;
  gsize prefix_len;
  char *p;

  g_return_val_if_fail (prefix != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text_len = strnlen (text, IDW_MAX_TEXT_LENGTH + 1);
  if (text_len > IDW_MAX_TEXT_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The text is too long: more than %d characters."),
                   IDW_MAX_TEXT_LENGTH);
      return NULL;
    }

  start = text;
  end = text + text_len;
  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  compact = p = g_malloc (end - start + 1);
  for (const char *q = start; q < end; q++)
    if (!is_inner_break (*q))
      *p++ = *q;
  *p = '\0';

  prefix_len = strlen (prefix);
  if (strncmp (compact, prefix, prefix_len) != 0)
    {
      set_wrong_prefix_error (error, prefix, compact);
      return NULL;
    }

  compressed = idw_base45_decode (compact + prefix_len, p - (compact + prefix_len), error);
  if (compressed == NULL)
    return NULL;

  return idw_inflate (g_bytes_get_data (compressed, NULL),
                      g_bytes_get_size (compressed),
                      IDW_MAX_INFLATED_LENGTH,
                      error);
}

/**
 * idw_transport_detect:
 * @text: a text, as pasted or read from a QR code
 *
 * Tells which kind of envelope @text holds, by its prefix (exact case),
 * after any leading white space. Nothing else is checked.
 *
 * Returns: (nullable): %IDW_PREFIX_PRESENTATION, %IDW_PREFIX_REQUEST or
 *   %IDW_PREFIX_CREDENTIAL (compare with strcmp()), or %NULL
 */
const char *
idw_transport_detect (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  while (g_ascii_isspace (*text))
    text++;

  for (int i = 0; i < N_KINDS; i++)
    if (g_str_has_prefix (text, kind_prefixes[i]))
      return kind_prefixes[i];

  return NULL;
}
