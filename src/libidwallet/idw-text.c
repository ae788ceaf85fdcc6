/* idw-text.c: text that came from outside: shown safely, and the times
 * people type
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

/* @text as valid UTF-8: each byte that is not part of valid UTF-8, and
 * each NUL byte, becomes \xNN; with @escape_controls, so does each
 * character idw_text_must_escape() names (\n, \t, \r, \xNN or \uNNNN). */
static char *
escape_bytes (const char *text,
              gsize       len,
              gboolean    escape_controls)
{
  GString *out = g_string_sized_new (len);
  const char *end = text + len;
  const char *p;

  for (p = text; p < end;)
    {
      gunichar c = *p == '\0' ? (gunichar) -1 : g_utf8_get_char_validated (p, end - p);
      const char *next;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      next = g_utf8_next_char (p);
      if (!escape_controls || !idw_text_must_escape (c))
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

char *
idw_text_escape_len (const char *text,
                     gsize       len)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  return escape_bytes (text, len, TRUE);
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
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  return escape_bytes (text, len, FALSE);
}

/**
 * idw_text_escape_json:
 * @json: JSON that json-glib wrote
 *
 * idw_text_escape() for JSON: inside its strings, the characters
 * idw_text_must_escape() names that json-glib leaves raw (U+001F, C1,
 * bidi, U+2028, U+2029) become \uNNNN escapes, which keep the value, and
 * a byte that is not UTF-8 becomes \ufffd. The result is still valid JSON,
 * on one line when @json was.
 *
 * Returns: (transfer full): the escaped JSON
 */
char *
idw_text_escape_json (const char *json)
{
  GString *out;
  const char *p;
  const char *end;
  gboolean in_string = FALSE;

  g_return_val_if_fail (json != NULL, NULL);

  end = json + strlen (json);
  out = g_string_sized_new (end - json);

  /* Outside strings json-glib writes only ASCII punctuation, digits,
   * letters and white space; inside them its own escapes are ASCII. */
  for (p = json; p < end;)
    {
      gunichar c;
      const char *next;

      if (!in_string || *p == '"' || *p == '\\')
        {
          if (*p == '"')
            in_string = !in_string;
          else if (*p == '\\' && p + 1 < end)
            g_string_append_c (out, *p++);
          g_string_append_c (out, *p++);
          continue;
        }

      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }

      next = g_utf8_next_char (p);
      if (idw_text_must_escape (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, next - p);
      p = next;
    }

  return g_string_free (out, FALSE);
}

/**
 * idw_text_parse_time:
 * @text: a time as a person types it
 *
 * Reads an RFC 3339 date-time with its offset or "Z" ("2024-05-17T12:00:00Z";
 * "t" or a space may stand for the "T"), or a plain date ("2024-05-17"),
 * which is midnight UTC. A time without an offset is refused rather than
 * read in the local time zone, so that a script gives the same answer in
 * every time zone.
 *
 * Returns: (transfer full) (nullable): the time, or %NULL when @text is
 *   neither form.
 */
GDateTime *
idw_text_parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *result = NULL;
  size_t len;

  g_return_val_if_fail (text != NULL, NULL);

  len = strlen (text);
  /* A plain date: midnight UTC. */
  if (len == 10 && text[4] == '-' && text[7] == '-')
    {
      g_autofree char *full = g_strconcat (text, "T00:00:00Z", NULL);

      result = g_date_time_new_from_iso8601 (full, utc);
    }
  else if (len > 10 && (text[10] == 'T' || text[10] == 't' || text[10] == ' '))
    {
      g_autofree char *copy = g_strdup (text);

      copy[10] = 'T';
      if (g_str_has_suffix (copy, "Z") || g_str_has_suffix (copy, "z")
          || strchr (copy + 11, '+') != NULL || strchr (copy + 11, '-') != NULL)
        result = g_date_time_new_from_iso8601 (copy, utc);
    }

  return result;
}
