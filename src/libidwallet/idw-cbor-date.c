/* idw-cbor-date.c: dates in CBOR: tdate, tag 0 around an RFC 3339
 * date-time (RFC 8949 §3.4.1), and full-date, tag 1004 around
 * "YYYY-MM-DD" (RFC 8943)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-cbor-private.h"
#include "idw-error.h"

/**
 * idw_cbor_new_tdate:
 * @datetime: the instant
 *
 * Returns: (transfer full): tag 0 around "YYYY-MM-DDTHH:MM:SSZ", @datetime
 *   in UTC with fractions of a second dropped.
 */
cbor_item_t *
idw_cbor_new_tdate (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *str = NULL;
  g_autoptr(cbor_item_t) text = NULL;

  g_return_val_if_fail (datetime != NULL, NULL);

  utc = g_date_time_to_utc (datetime);
  str = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                         g_date_time_get_year (utc),
                         g_date_time_get_month (utc),
                         g_date_time_get_day_of_month (utc),
                         g_date_time_get_hour (utc),
                         g_date_time_get_minute (utc),
                         g_date_time_get_second (utc));
  text = idw_cbor_new_string (str);
  return _idw_cbor_check_alloc (cbor_build_tag (IDW_CBOR_TAG_TDATE, text));
}

/**
 * idw_cbor_new_full_date:
 * @date: a valid date
 *
 * Returns: (transfer full): tag 1004 around "YYYY-MM-DD".
 */
cbor_item_t *
idw_cbor_new_full_date (GDate *date)
{
  g_autofree char *str = NULL;
  g_autoptr(cbor_item_t) text = NULL;

  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  str = g_strdup_printf ("%04u-%02u-%02u",
                         (guint) g_date_get_year (date),
                         (guint) g_date_get_month (date),
                         (guint) g_date_get_day (date));
  text = idw_cbor_new_string (str);
  return _idw_cbor_check_alloc (cbor_build_tag (IDW_CBOR_TAG_FULL_DATE, text));
}

static gboolean
parse_digits (const char **p,
              guint        n,
              gint        *out)
{
  gint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

static gboolean
parse_full_date (const char **p,
                 gint        *year,
                 gint        *month,
                 gint        *day)
{
  return parse_digits (p, 4, year) && *(*p)++ == '-'
         && parse_digits (p, 2, month) && *(*p)++ == '-'
         && parse_digits (p, 2, day)
         && g_date_valid_dmy ((GDateDay) *day, (GDateMonth) *month, (GDateYear) *year);
}

/* RFC 3339 date-time: full-date "T" HH:MM:SS [.frac] (Z / ±HH:MM). Stricter
 * than g_date_time_new_from_iso8601(), which also takes week dates,
 * ordinal dates and local times without an offset. */
static GDateTime *
parse_rfc3339 (const char *str)
{
  const char *p = str;
  gint year, month, day, hour, minute, second;
  gint offset_seconds = 0;
  GTimeSpan usec = 0;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) with_usec = NULL;

  if (!parse_full_date (&p, &year, &month, &day))
    return NULL;
  if (*p != 'T' && *p != 't')
    return NULL;
  p++;
  if (!parse_digits (&p, 2, &hour) || *p++ != ':'
      || !parse_digits (&p, 2, &minute) || *p++ != ':'
      || !parse_digits (&p, 2, &second))
    return NULL;
  /* GDateTime has no leap seconds; 60 is refused rather than guessed. */
  if (hour > 23 || minute > 59 || second > 59)
    return NULL;

  if (*p == '.')
    {
      guint digits = 0;

      p++;
      if (!g_ascii_isdigit (*p))
        return NULL;
      /* Integer microseconds: binary fractions would turn .3 into
       * 299999 µs. Digits past the sixth are truncated, never rounded
       * up into the next second. */
      for (; g_ascii_isdigit (*p); p++, digits++)
        if (digits < 6)
          usec = usec * 10 + (*p - '0');
      for (; digits < 6; digits++)
        usec *= 10;
    }

  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      gint sign = *p == '-' ? -1 : 1;
      gint oh, om;

      p++;
      if (!parse_digits (&p, 2, &oh) || *p++ != ':' || !parse_digits (&p, 2, &om))
        return NULL;
      if (oh > 23 || om > 59)
        return NULL;
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
  else
    return NULL;

  if (*p != '\0')
    return NULL;

  utc = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (utc == NULL)
    return NULL;

  with_usec = g_date_time_add (utc, usec);
  return g_date_time_add_seconds (with_usec, -offset_seconds);
}

/**
 * idw_cbor_get_tdate:
 * @item: (nullable): a tag 0 item, or an untagged text string
 * @context: names the field for the error message
 * @error: return location for a #GError
 *
 * Reads an RFC 3339 date-time (any offset, optional fractions of a second,
 * microsecond precision) from tag 0 or, leniently, from an untagged text
 * string.
 *
 * Returns: (transfer full): the instant in UTC, or %NULL with
 *   %IDW_ERROR_WRONG_TYPE ("@context: expected tdate").
 */
GDateTime *
idw_cbor_get_tdate (cbor_item_t  *item,
                    const char   *context,
                    GError      **error)
{
  cbor_item_t *text = NULL;
  g_autofree char *str = NULL;
  GDateTime *dt = NULL;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (item != NULL && cbor_isa_tag (item))
    text = idw_cbor_untag (item, IDW_CBOR_TAG_TDATE);
  else
    text = item;

  str = idw_cbor_dup_string (text);
  if (str != NULL)
    dt = parse_rfc3339 (str);

  if (dt == NULL)
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                 _("%s: expected tdate"), context);
  return dt;
}

/**
 * idw_cbor_get_full_date:
 * @item: (nullable): a tag 1004 item, or an untagged text string
 * @context: names the field for the error message
 * @error: return location for a #GError
 *
 * Reads a full-date "YYYY-MM-DD" (RFC 8943) from tag 1004 or, leniently,
 * from an untagged text string.
 *
 * Returns: (transfer full): a valid date, or %NULL with
 *   %IDW_ERROR_WRONG_TYPE ("@context: expected full-date").
 */
GDate *
idw_cbor_get_full_date (cbor_item_t  *item,
                        const char   *context,
                        GError      **error)
{
  cbor_item_t *text;
  g_autofree char *str = NULL;
  gint year, month, day;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (item != NULL && cbor_isa_tag (item))
    text = idw_cbor_untag (item, IDW_CBOR_TAG_FULL_DATE);
  else
    text = item;

  str = idw_cbor_dup_string (text);
  if (str != NULL)
    {
      const char *p = str;

      if (parse_full_date (&p, &year, &month, &day) && *p == '\0')
        return g_date_new_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
               _("%s: expected full-date"), context);
  return NULL;
}
