/* fuzz-cbor.c: the bounded CBOR decoder and what reads its items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A decoded item must encode to a normal form that decodes again and
 * encodes to the same bytes; every typed accessor, tag 24, the diagnostic
 * notation, the JSON of a verdict and the display of a data element must
 * take any item.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "idw-cbor.h"
#include "idw-cbor-json.h"
#include "idw-doctype.h"

#include "fuzz-common.h"

/* One element of each kind the catalogue knows, and one it does not. */
static const char * const elements[] = {
  "family_name", "birth_date", "issue_date", "age_over_18", "age_in_years",
  "portrait", "sex", "driving_privileges", "issuing_country", "not_in_the_catalogue",
};

static void
visit (cbor_item_t *item)
{
  gint64 i;
  guint64 u;
  gboolean b;
  g_autofree char *str = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GDateTime) tdate = NULL;
  g_autoptr(GError) tdate_error = NULL;
  GDate *date;
  g_autoptr(GError) date_error = NULL;

  idw_cbor_get_int (item, &i);
  idw_cbor_get_uint (item, &u);
  idw_cbor_get_bool (item, &b);
  idw_cbor_is_null (item);
  str = idw_cbor_dup_string (item);
  if (str != NULL)
    g_assert_true (idw_cbor_string_equal (item, str));
  bytes = idw_cbor_dup_bytes (item);

  tdate = idw_cbor_get_tdate (item, "fuzz", &tdate_error);
  fuzz_check_result (tdate, tdate_error);
  date = idw_cbor_get_full_date (item, "fuzz", &date_error);
  fuzz_check_result (date, date_error);
  if (date != NULL)
    {
      g_assert_true (g_date_valid (date));
      g_date_free (date);
    }

  if (idw_cbor_untag (item, IDW_CBOR_TAG_ENCODED_CBOR) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) inner_bytes = NULL;
      g_autoptr(cbor_item_t) inner = idw_cbor_decode_tag24 (item, &inner_bytes, &error);

      fuzz_check_result (inner, error);
    }

  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_ARRAY:
      for (gsize k = 0; k < cbor_array_size (item); k++)
        visit (cbor_array_handle (item)[k]);
      break;

    case CBOR_TYPE_MAP:
      {
        g_autoptr(GError) error = NULL;
        cbor_item_t *found;

        idw_cbor_map_get (item, "docType");
        idw_cbor_map_get_int (item, 1);
        found = idw_cbor_require (item, "version", CBOR_TYPE_UINT, "fuzz", &error);
        fuzz_check_result (found, error);

        for (gsize k = 0; k < cbor_map_size (item); k++)
          {
            visit (cbor_map_handle (item)[k].key);
            visit (cbor_map_handle (item)[k].value);
          }
      }
      break;

    case CBOR_TYPE_TAG:
      {
        g_autoptr(cbor_item_t) inner = cbor_tag_item (item);

        visit (inner);
      }
      break;

    default:
      break;
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init (argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(cbor_item_t) again = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) reencoded = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *json_text = NULL;
  g_autofree char *diagnostic = NULL;

  item = idw_cbor_decode_bytes (input, &error);
  fuzz_check_result (item, error);
  if (item == NULL)
    return 0;

  /* The encoder's normal form is a fixed point. */
  encoded = idw_cbor_encode (item);
  again = idw_cbor_decode_bytes (encoded, &again_error);
  g_assert_no_error (again_error);
  reencoded = idw_cbor_encode (again);
  g_assert_cmpmem (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                   g_bytes_get_data (reencoded, NULL), g_bytes_get_size (reencoded));

  visit (item);

  diagnostic = idw_cbor_to_diagnostic (item);
  fuzz_check_text (diagnostic);

  json = idw_cbor_value_to_json (item);
  g_assert_nonnull (json);
  json_text = json_to_string (json, FALSE);
  fuzz_check_text (json_text);

  for (guint k = 0; k < G_N_ELEMENTS (elements); k++)
    {
      g_autofree char *shown = idw_element_format_value ("org.iso.18013.5.1", elements[k], item);

      fuzz_check_text (shown);
    }

  return 0;
}
