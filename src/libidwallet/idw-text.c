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

/**
 * idw_text_escape:
 * @text: (nullable): text from a presentation, a credential, a certificate
 *   or a request, or an engine message that may quote them
 *
 * Makes @text safe to show: every C0 control character (\n, \t, \r for
 * those three, \x1b style for the rest), DEL (\x7f), C1 control character
 * (\u009b), bidirectional embedding, override and isolate (U+202A–U+202E,
 * U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029)
 * becomes a visible escape, and each byte that is not part of valid UTF-8
 * becomes \xNN. The result is valid UTF-8 on one line, which can neither
 * drive a terminal nor reorder what is shown around it. Backslashes are
 * left as they are. The CLI prints it; the app shows it (escaped again for
 * Pango where libadwaita parses markup).
 *
 * Returns: (transfer full) (nullable): the escaped text; %NULL for %NULL
 */
char *
idw_text_escape (const char *text)
{
  return text != NULL ? idw_text_escape_len (text, strlen (text)) : NULL;
}

char *
idw_text_escape_len (const char *text,
                     gsize       len)
{
  GString *out;
  const char *p;
  const char *end;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  end = text + len;
  out = g_string_sized_new (len);

  for (p = text; p < end;)
    {
      /* A NUL byte is valid UTF-8 here (U+0000), and escaped below. */
      gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated (p, end - p);
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

/**
 * idw_text_make_valid:
 * @text: (array length=len): bytes meant to be UTF-8 text
 * @len: their length
 *
 * @text as valid UTF-8, every byte that is not part of valid UTF-8 (and
 * every NUL byte) written as \xNN, all else unchanged: for strings that
 * third-party libraries hand over as they found them (certificate names),
 * before they go into messages and verdicts.
 *
 * Returns: (transfer full): the text
 */
char *
idw_text_make_valid (const char *text,
                     gsize       len)
{
  GString *out = g_string_sized_new (len);
  const char *end = text + len;
  const char *p;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  for (p = text; p < end;)
    {
      gunichar c = *p == '\0' ? (gunichar) -1 : g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}
