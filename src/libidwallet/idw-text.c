/* idw-text.c: showing text that came from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "idw-text.h"

gboolean
idw_text_must_escape (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f)
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
         || c == 0x2028 || c == 0x2029;
}

char *
idw_text_escape (const char *text)
{
  GString *out;
  const char *p;
  const char *end;

  if (text == NULL)
    return NULL;

  end = text + strlen (text);
  out = g_string_sized_new (end - text);

  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      const char *next;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      next = g_utf8_next_char (p);
      if (!idw_text_must_escape (c))
        g_string_append_len (out, p, next - p);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
      p = next;
    }

  return g_string_free (out, FALSE);
}
