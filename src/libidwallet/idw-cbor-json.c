/* idw-cbor-json.c: CBOR values as JSON, as the verdict shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "idw-cbor.h"
#include "idw-cbor-json.h"
#include "idw-mdoc-private.h"

static JsonNode *
json_string_node (const char *str)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, str != NULL ? str : "");
  return node;
}

JsonNode *
idw_cbor_value_to_json (cbor_item_t *value)
{
  JsonNode *node;

  g_return_val_if_fail (value != NULL, NULL);

  switch (cbor_typeof (value))
    {
    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
      {
        gint64 v;

        node = json_node_new (JSON_NODE_VALUE);
        if (idw_cbor_get_int (value, &v))
          json_node_set_int (node, v);
        else
          {
            /* Beyond int64: keep the exact digits as text. */
            g_autofree char *diag = idw_cbor_to_diagnostic (value);

            json_node_set_string (node, diag);
          }
        return node;
      }

    case CBOR_TYPE_BYTESTRING:
      {
        g_autoptr(GBytes) bytes = idw_cbor_dup_bytes (value);
        g_autofree char *b64 = NULL;
        gsize n = 0;
        const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &n) : NULL;

        b64 = g_base64_encode (data, n);
        return json_string_node (b64);
      }

    case CBOR_TYPE_STRING:
      {
        g_autofree char *str = idw_cbor_dup_string (value);

        return json_string_node (str);
      }

    case CBOR_TYPE_ARRAY:
      {
        JsonArray *array = json_array_new ();
        cbor_item_t **items = cbor_array_handle (value);

        for (gsize i = 0; i < cbor_array_size (value); i++)
          json_array_add_element (array, idw_cbor_value_to_json (items[i]));
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }

    case CBOR_TYPE_MAP:
      {
        JsonObject *object = json_object_new ();
        struct cbor_pair *pairs = cbor_map_handle (value);

        for (gsize i = 0; i < cbor_map_size (value); i++)
          {
            g_autofree char *key = NULL;

            if (cbor_isa_string (pairs[i].key))
              key = idw_cbor_dup_string (pairs[i].key);
            else
              key = idw_cbor_to_diagnostic (pairs[i].key);
            json_object_set_member (object, key != NULL ? key : "",
                                    idw_cbor_value_to_json (pairs[i].value));
          }
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = cbor_tag_item (value);
        guint64 tag = cbor_tag_value (value);
        JsonNode *result;

        if (tag == 1 && (cbor_isa_uint (inner) || cbor_isa_negint (inner)))
          {
            /* Epoch seconds: shown as RFC 3339 like tag 0. */
            gint64 secs;
            g_autoptr(GDateTime) dt = NULL;

            if (idw_cbor_get_int (inner, &secs))
              dt = g_date_time_new_from_unix_utc (secs);
            if (dt != NULL)
              {
                g_autofree char *str = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

                cbor_decref (&inner);
                return json_string_node (str);
              }
          }
        result = idw_cbor_value_to_json (inner);
        cbor_decref (&inner);
        return result;
      }

    case CBOR_TYPE_FLOAT_CTRL:
      {
        gboolean b;

        if (_idw_cbor_get_bool_safe (value, &b))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_boolean (node, b);
          }
        else if (cbor_float_ctrl_is_ctrl (value))
          node = json_node_new (JSON_NODE_NULL);
        else
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_double (node, cbor_float_get_float (value));
          }
        return node;
      }

    default:
      return json_node_new (JSON_NODE_NULL);
    }
}
