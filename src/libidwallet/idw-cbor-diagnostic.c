/* idw-cbor-diagnostic.c: CBOR diagnostic notation (RFC 8949 §8) for logs,
 * error messages and test failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-cbor-private.h"

static void
append_escaped_text (GString           *out,
                     const GByteArray  *buf)
{
  g_string_append_c (out, '"');
  for (guint i = 0; i < buf->len; i++)
    {
      guint8 c = buf->data[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_diagnostic (GString     *out,
                   cbor_item_t *item)
{
  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, (guint64) cbor_get_int (item));
      break;

    case CBOR_TYPE_NEGINT:
      {
        guint64 n = cbor_get_int (item);

        if (n == G_MAXUINT64)
          g_string_append (out, "-18446744073709551616");
        else
          g_string_append_printf (out, "-%" G_GUINT64_FORMAT, n + 1);
      }
      break;

    case CBOR_TYPE_BYTESTRING:
      {
        g_autoptr(GByteArray) buf = _idw_cbor_string_contents (item);

        g_string_append (out, "h'");
        for (guint i = 0; i < buf->len; i++)
          g_string_append_printf (out, "%02x", buf->data[i]);
        g_string_append_c (out, '\'');
      }
      break;

    case CBOR_TYPE_STRING:
      {
        g_autoptr(GByteArray) buf = _idw_cbor_string_contents (item);

        append_escaped_text (out, buf);
      }
      break;

    case CBOR_TYPE_ARRAY:
      {
        cbor_item_t **handle = cbor_array_handle (item);

        g_string_append_c (out, '[');
        for (gsize i = 0; i < cbor_array_size (item); i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_diagnostic (out, handle[i]);
          }
        g_string_append_c (out, ']');
      }
      break;

    case CBOR_TYPE_MAP:
      {
        struct cbor_pair *pairs = cbor_map_handle (item);

        g_string_append_c (out, '{');
        for (gsize i = 0; i < cbor_map_size (item); i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_diagnostic (out, pairs[i].key);
            g_string_append (out, ": ");
            if (pairs[i].value != NULL)
              append_diagnostic (out, pairs[i].value);
          }
        g_string_append_c (out, '}');
      }
      break;

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = _idw_cbor_tag_item_borrowed (item);

        g_string_append_printf (out, "%" G_GUINT64_FORMAT "(", (guint64) cbor_tag_value (item));
        if (inner != NULL)
          append_diagnostic (out, inner);
        g_string_append_c (out, ')');
      }
      break;

    case CBOR_TYPE_FLOAT_CTRL:
      if (cbor_float_get_width (item) != CBOR_FLOAT_0)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          double d = cbor_float_get_float (item);

          if (isnan (d))
            g_string_append (out, "NaN");
          else if (isinf (d))
            g_string_append (out, d > 0 ? "Infinity" : "-Infinity");
          else
            {
              g_string_append (out, g_ascii_dtostr (buf, sizeof buf, d));
              if (strpbrk (buf, ".eE") == NULL)
                g_string_append (out, ".0");
            }
        }
      else
        {
          switch (cbor_ctrl_value (item))
            {
            case CBOR_CTRL_FALSE:
              g_string_append (out, "false");
              break;
            case CBOR_CTRL_TRUE:
              g_string_append (out, "true");
              break;
            case CBOR_CTRL_NULL:
              g_string_append (out, "null");
              break;
            case CBOR_CTRL_UNDEF:
              g_string_append (out, "undefined");
              break;
            default:
              g_string_append_printf (out, "simple(%u)", (guint) cbor_ctrl_value (item));
              break;
            }
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * idw_cbor_to_diagnostic:
 * @item: (nullable): an item
 *
 * Renders @item in RFC 8949 diagnostic notation (compact, one line), for
 * logs and test failure messages.
 *
 * Returns: (transfer full): the text; "(null)" for %NULL.
 */
char *
idw_cbor_to_diagnostic (cbor_item_t *item)
{
  GString *out;

  if (item == NULL)
    return g_strdup ("(null)");

  out = g_string_new (NULL);
  append_diagnostic (out, item);
  return g_string_free (out, FALSE);
}
