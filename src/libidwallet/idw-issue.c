/* idw-issue.c: issuing a credential from the holder's data (PERSON.json)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-doctype.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-read-file-private.h"

#define RANDOM_LENGTH 32
#define DEFAULT_VALIDITY_YEARS 5
#define DIGEST_ALGORITHM "SHA-256"

/* ---- Values -------------------------------------------------------------- */

static gboolean
type_error (GError     **error,
            const char  *name_space,
            const char  *element,
            const char  *expected)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
               /* Translators: "org.iso.18013.5.1/birth_date: expected a date YYYY-MM-DD" */
               _("%s/%s: expected %s"), name_space, element, expected);
  return FALSE;
}

static const char *
json_string_or_null (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
json_is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* "YYYY-MM-DD" exactly, and a real date. */
static GDate *
parse_plain_date (const char *str)
{
  guint year, month, day;
  char tail;

  if (str == NULL || strlen (str) != 10 || str[4] != '-' || str[7] != '-')
    return NULL;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (str[i]))
      return NULL;
  if (sscanf (str, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
    return NULL;
  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;
  return g_date_new_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

static GDateTime *
parse_datetime (const char *str)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (str == NULL || strchr (str, 'T') == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (str, utc);
}

static cbor_item_t *
full_date_value (const char   *str,
                 const char   *name_space,
                 const char   *element,
                 GError      **error)
{
  GDate *date = parse_plain_date (str);
  cbor_item_t *item;

  if (date == NULL)
    {
      type_error (error, name_space, element, _("a date YYYY-MM-DD"));
      return NULL;
    }
  item = idw_cbor_new_full_date (date);
  g_date_free (date);
  return item;
}

static cbor_item_t *
date_value (JsonNode     *node,
            IdwValueKind  kind,
            const char   *name_space,
            const char   *element,
            GError      **error)
{
  const char *str = json_string_or_null (node);
  g_autoptr(GDateTime) dt = NULL;
  GDate *date;

  if (kind == IDW_VALUE_KIND_FULL_DATE)
    return full_date_value (str, name_space, element, error);

  dt = parse_datetime (str);
  if (dt != NULL)
    return idw_cbor_new_tdate (dt);

  date = parse_plain_date (str);
  if (date != NULL)
    {
      cbor_item_t *item;

      if (kind == IDW_VALUE_KIND_TDATE_OR_FULL_DATE)
        item = idw_cbor_new_full_date (date);
      else
        {
          g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_get_year (date),
                                                               g_date_get_month (date),
                                                               g_date_get_day (date), 0, 0, 0);

          item = idw_cbor_new_tdate (midnight);
        }
      g_date_free (date);
      return item;
    }

  type_error (error, name_space, element,
              kind == IDW_VALUE_KIND_TDATE
              ? _("a date and time such as 2024-05-17T09:30:00Z")
              : _("a date YYYY-MM-DD or a date and time such as 2024-05-17T09:30:00Z"));
  return NULL;
}

static GBytes *
decode_base64 (const char *text)
{
  static const int variants[] = {
    sodium_base64_VARIANT_ORIGINAL,
    sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
    sodium_base64_VARIANT_URLSAFE,
    sodium_base64_VARIANT_URLSAFE_NO_PADDING,
  };
  gsize text_len = strlen (text);
  gsize max_len = text_len / 4 * 3 + 3;
  g_autofree guint8 *buf = g_malloc (max_len + 1);

  for (gsize i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      size_t out_len = 0;
      const char *end = NULL;

      if (sodium_base642bin (buf, max_len, text, text_len, " \t\r\n", &out_len, &end,
                             variants[i]) == 0
          && end == text + text_len)
        return g_bytes_new (buf, out_len);
    }
  return NULL;
}

/* `{"file": "face.jpg"}` (relative to @base_dir) or `{"base64": "…"}`.
 * Returns NULL without error when @node is neither form. */
static GBytes *
bytes_value (JsonNode     *node,
             const char   *base_dir,
             const char   *name_space,
             const char   *element,
             gboolean     *out_matched,
             GError      **error)
{
  JsonObject *object;
  const char *file;
  const char *b64;

  *out_matched = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (json_object_get_size (object) != 1)
    return NULL;

  file = json_string_or_null (json_object_get_member (object, "file"));
  b64 = json_string_or_null (json_object_get_member (object, "base64"));
  if (file != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) local_error = NULL;
      GBytes *bytes;

      *out_matched = TRUE;
      if (g_path_is_absolute (file) || base_dir == NULL)
        path = g_strdup (file);
      else
        path = g_build_filename (base_dir, file, NULL);
      bytes = _idw_read_file (path, IDW_MAX_INPUT_FILE, &local_error);
      if (bytes == NULL)
        g_set_error (error, IDW_ERROR, local_error->code, "%s/%s: %s", name_space, element,
                     local_error->message);
      return bytes;
    }
  if (b64 != NULL)
    {
      GBytes *bytes = decode_base64 (b64);

      *out_matched = TRUE;
      if (bytes == NULL)
        type_error (error, name_space, element, _("valid base64 in {\"base64\": …}"));
      return bytes;
    }
  return NULL;
}

static cbor_item_t *
generic_value (JsonNode     *node,
               const char   *base_dir,
               const char   *name_space,
               const char   *element,
               guint         depth,
               GError      **error)
{
  /* The CBOR decoder would refuse anything deeper: refuse it here. */
  if (depth >= IDW_MAX_CBOR_DEPTH - 4)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT, _("%s/%s: nested too deeply"),
                   name_space, element);
      return NULL;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      return idw_cbor_new_null ();

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          return idw_cbor_new_string (json_node_get_string (node));
        if (type == G_TYPE_INT64)
          return idw_cbor_new_int (json_node_get_int (node));
        if (type == G_TYPE_BOOLEAN)
          return idw_cbor_new_bool (json_node_get_boolean (node));
        if (type == G_TYPE_DOUBLE)
          return cbor_build_float8 (json_node_get_double (node));
        type_error (error, name_space, element, _("a JSON value"));
        return NULL;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(cbor_item_t) out = idw_cbor_new_array ();

        if (json_array_get_length (array) > IDW_MAX_CBOR_ITEMS)
          {
            g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT, _("%s/%s: more than %d entries"),
                         name_space, element, IDW_MAX_CBOR_ITEMS);
            return NULL;
          }
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            cbor_item_t *v = generic_value (json_array_get_element (array, i), base_dir,
                                            name_space, element, depth + 1, error);

            if (v == NULL)
              return NULL;
            idw_cbor_array_add (out, v);
          }
        return g_steal_pointer (&out);
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(cbor_item_t) out = NULL;
        g_autoptr(GList) members = NULL;
        g_autoptr(GBytes) bytes = NULL;
        gboolean matched;

        bytes = bytes_value (node, base_dir, name_space, element, &matched, error);
        if (matched)
          return bytes != NULL ? idw_cbor_new_gbytes (bytes) : NULL;

        if (json_object_get_size (object) > IDW_MAX_CBOR_ITEMS)
          {
            g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT, _("%s/%s: more than %d entries"),
                         name_space, element, IDW_MAX_CBOR_ITEMS);
            return NULL;
          }
        out = idw_cbor_new_map ();
        members = json_object_get_members (object);
        for (GList *l = members; l != NULL; l = l->next)
          {
            cbor_item_t *v = generic_value (json_object_get_member (object, l->data), base_dir,
                                            name_space, element, depth + 1, error);

            if (v == NULL)
              return NULL;
            idw_cbor_map_add_str (out, l->data, v);
          }
        return g_steal_pointer (&out);
      }

    default:
      type_error (error, name_space, element, _("a JSON value"));
      return NULL;
    }
}

static gboolean
is_country_code (const char *str)
{
  return str != NULL && strlen (str) == 2 && g_ascii_isupper (str[0]) && g_ascii_isupper (str[1]);
}

static cbor_item_t *
country_value (JsonNode     *node,
               const char   *name_space,
               const char   *element,
               GError      **error)
{
  const char *str = json_string_or_null (node);

  if (is_country_code (str))
    return idw_cbor_new_string (str);

  /* The EU PID allows several nationalities. */
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(cbor_item_t) out = idw_cbor_new_array ();

      for (guint i = 0; i < json_array_get_length (array) && i < IDW_MAX_CBOR_ITEMS; i++)
        {
          const char *code = json_string_or_null (json_array_get_element (array, i));

          if (!is_country_code (code))
            break;
          idw_cbor_array_add (out, idw_cbor_new_string (code));
          if (i + 1 == json_array_get_length (array))
            return g_steal_pointer (&out);
        }
    }

  type_error (error, name_space, element, _("a country code such as “DE” (ISO 3166-1 alpha-2)"));
  return NULL;
}

static cbor_item_t *
sex_value (JsonNode     *node,
           const char   *name_space,
           const char   *element,
           GError      **error)
{
  const char *str = json_string_or_null (node);

  if (json_is_integer (node))
    {
      gint64 v = json_node_get_int (node);

      if (v == 0 || v == 1 || v == 2 || v == 9)
        return idw_cbor_new_int (v);
    }
  else if (str != NULL)
    {
      if (g_ascii_strcasecmp (str, "male") == 0 || g_ascii_strcasecmp (str, "M") == 0)
        return idw_cbor_new_int (1);
      if (g_ascii_strcasecmp (str, "female") == 0 || g_ascii_strcasecmp (str, "F") == 0)
        return idw_cbor_new_int (2);
    }
  type_error (error, name_space, element, _("a sex code 0, 1, 2 or 9 (ISO/IEC 5218)"));
  return NULL;
}

static cbor_item_t *
driving_privileges_value (JsonNode     *node,
                          const char   *base_dir,
                          const char   *name_space,
                          const char   *element,
                          GError      **error)
{
  g_autoptr(cbor_item_t) out = idw_cbor_new_array ();
  JsonArray *array;
  const char *expected = _("an array of {\"vehicle_category_code\": …, \"issue_date\": …, \"expiry_date\": …}");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      type_error (error, name_space, element, expected);
      return NULL;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > IDW_MAX_CBOR_ITEMS)
    {
      type_error (error, name_space, element, expected);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *entry = json_array_get_element (array, i);
      g_autoptr(cbor_item_t) map = NULL;
      g_autoptr(GList) members = NULL;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          type_error (error, name_space, element, expected);
          return NULL;
        }
      object = json_node_get_object (entry);
      if (json_string_or_null (json_object_get_member (object, "vehicle_category_code")) == NULL)
        {
          type_error (error, name_space, element, expected);
          return NULL;
        }
      map = idw_cbor_new_map ();
      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *key = l->data;
          JsonNode *member = json_object_get_member (object, key);
          cbor_item_t *v;

          if (g_str_equal (key, "issue_date") || g_str_equal (key, "expiry_date"))
            {
              g_autofree char *field = g_strdup_printf ("%s[%u].%s", element, i, key);

              v = full_date_value (json_string_or_null (member), name_space, field, error);
            }
          else
            v = generic_value (member, base_dir, name_space, element, 2, error);
          if (v == NULL)
            return NULL;
          idw_cbor_map_add_str (map, key, v);
        }
      idw_cbor_array_add (out, g_steal_pointer (&map));
    }
  return g_steal_pointer (&out);
}

/**
 * idw_issue_value_from_json:
 * @name_space: the namespace
 * @element: the element identifier
 * @node: the JSON value
 * @base_dir: (nullable): folder for `{"file": …}`
 * @error: return location for a #GError
 *
 * The CBOR value of one element: by the catalogue's kind (full-date tag
 * 1004 for "YYYY-MM-DD", tdate for date-times, bstr from `{"file": …}` or
 * `{"base64": …}`, bool, uint, driving privileges as arrays of maps with
 * full-dates); unknown elements map naturally (string → tstr, integer →
 * int, number → float, bool, null, arrays, objects; `{"base64"}` → bstr).
 *
 * Returns: (transfer full): a new item, or %NULL with IDW_ERROR_WRONG_TYPE
 *   ("org.iso.18013.5.1/birth_date: expected a date YYYY-MM-DD") or
 *   IDW_ERROR_IO.
 */
cbor_item_t *
idw_issue_value_from_json (const char  *name_space,
                           const char  *element,
                           JsonNode    *node,
                           const char  *base_dir,
                           GError     **error)
{
  IdwValueKind kind;

  g_return_val_if_fail (name_space != NULL && element != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kind = idw_element_get_kind (name_space, element);
  switch (kind)
    {
    case IDW_VALUE_KIND_TEXT:
      {
        const char *str = json_string_or_null (node);

        if (str == NULL)
          {
            type_error (error, name_space, element, _("a text string"));
            return NULL;
          }
        return idw_cbor_new_string (str);
      }

    case IDW_VALUE_KIND_FULL_DATE:
    case IDW_VALUE_KIND_TDATE:
    case IDW_VALUE_KIND_TDATE_OR_FULL_DATE:
      return date_value (node, kind, name_space, element, error);

    case IDW_VALUE_KIND_BOOL:
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          type_error (error, name_space, element, _("true or false"));
          return NULL;
        }
      return idw_cbor_new_bool (json_node_get_boolean (node));

    case IDW_VALUE_KIND_UINT:
      if (!json_is_integer (node) || json_node_get_int (node) < 0)
        {
          type_error (error, name_space, element, _("a whole number, 0 or more"));
          return NULL;
        }
      return idw_cbor_new_int (json_node_get_int (node));

    case IDW_VALUE_KIND_IMAGE:
    case IDW_VALUE_KIND_BYTES:
      {
        g_autoptr(GBytes) bytes = NULL;
        gboolean matched;

        bytes = bytes_value (node, base_dir, name_space, element, &matched, error);
        if (!matched)
          type_error (error, name_space, element, _("{\"file\": \"face.jpg\"} or {\"base64\": \"…\"}"));
        return bytes != NULL ? idw_cbor_new_gbytes (bytes) : NULL;
      }

    case IDW_VALUE_KIND_COUNTRY:
      return country_value (node, name_space, element, error);

    case IDW_VALUE_KIND_SEX:
      return sex_value (node, name_space, element, error);

    case IDW_VALUE_KIND_DRIVING_PRIVILEGES:
      return driving_privileges_value (node, base_dir, name_space, element, error);

    case IDW_VALUE_KIND_ARRAY:
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          type_error (error, name_space, element, _("an array"));
          return NULL;
        }
      return generic_value (node, base_dir, name_space, element, 0, error);

    case IDW_VALUE_KIND_MAP:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          type_error (error, name_space, element, _("an object"));
          return NULL;
        }
      return generic_value (node, base_dir, name_space, element, 0, error);

    case IDW_VALUE_KIND_ANY:
    default:
      return generic_value (node, base_dir, name_space, element, 0, error);
    }
}

/* ---- Issuing ------------------------------------------------------------- */

JsonObject *
idw_issue_load_data (const char  *path,
                     char       **out_base_dir,
                     GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  gsize len;
  const char *data;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = _idw_read_file (path, IDW_MAX_INPUT_FILE, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED, _("“%s” is not valid JSON: %s"),
                   path, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s”: expected a JSON object of namespaces"), path);
      return NULL;
    }
  if (out_base_dir != NULL)
    *out_base_dir = g_path_get_dirname (path);
  return json_object_ref (json_node_get_object (root));
}

/* Digest IDs are a random permutation, so that their order says nothing
 * about the elements (ISO 18013-5 9.1.2.5 asks that they not be related). */
static guint64 *
random_permutation (guint n)
{
  guint64 *ids = g_new (guint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    ids[i] = i;
  for (guint i = n; i > 1; i--)
    {
      guint j = randombytes_uniform (i);
      guint64 tmp = ids[i - 1];

      ids[i - 1] = ids[j];
      ids[j] = tmp;
    }
  return ids;
}

static const char *
derive_doctype (JsonObject *data)
{
  g_autoptr(GList) names = json_object_get_members (data);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *doctype = idw_doctype_for_namespace (l->data);

      if (doctype != NULL)
        return doctype;
    }
  return NULL;
}

/**
 * idw_issue_credential:
 * @data: the holder's data: namespaces → { element: value }
 * @base_dir: (nullable): the folder that `{"file": …}` values are relative
 *   to (the JSON file's folder)
 * @device_key: the holder's device key; when it holds the private part,
 *   the credential keeps it (for `--new-device-key`)
 * @ds_key: the document signer's private key (Ed25519, P-256 or P-384)
 * @ds_certificate: the DS certificate, written as x5chain
 * @options: (nullable): optional parameters
 * @error: return location for a #GError
 *
 * Issues an mdoc: one IssuerSignedItem per element with a fresh 32-byte
 * random and a random unique digest ID, the catalogue choosing each value's
 * CBOR type (see idw_issue_value_from_json()), the MSO with SHA-256 digests
 * signed with the DS key's algorithm (EdDSA, ES256 or ES384: COSE alg -8,
 * -7 or -35), all in deterministic CBOR.
 *
 * Returns: (transfer full): the credential, or %NULL with
 *   IDW_ERROR_WRONG_TYPE naming the element ("org.iso.18013.5.1/birth_date:
 *   expected a date YYYY-MM-DD"), IDW_ERROR_MISSING_FIELD (no data, no
 *   doctype can be derived), IDW_ERROR_LIMIT (more than IDW_MAX_ELEMENTS),
 *   IDW_ERROR_IO (a portrait file), IDW_ERROR_UNSUPPORTED (a DS key that
 *   cannot sign), IDW_ERROR_MALFORMED (validUntil before validFrom, or
 *   validFrom before an explicit signing time).
 */
IdwCredential *
idw_issue_credential (JsonObject             *data,
                      const char             *base_dir,
                      IdwKey                 *device_key,
                      IdwKey                 *ds_key,
                      IdwCertificate         *ds_certificate,
                      const IdwIssueOptions  *options,
                      GError                **error)
{
  static const IdwIssueOptions defaults = { 0 };
  g_autoptr(IdwIssuerSigned) issuer_signed = NULL;
  g_autoptr(IdwMso) mso = NULL;
  g_autoptr(GDateTime) signed_at = NULL;
  g_autoptr(GDateTime) valid_from = NULL;
  g_autoptr(GDateTime) valid_until = NULL;
  g_autoptr(GDateTime) ds_not_after = NULL;
  g_autoptr(cbor_item_t) device_cose = NULL;
  g_autoptr(cbor_item_t) unprotected = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(IdwKey) cert_key = NULL;
  g_autoptr(GList) name_spaces = NULL;
  const char *doctype;
  guint total = 0;
  gsize payload_len;
  const guint8 *payload_data;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (device_key != NULL, NULL);
  g_return_val_if_fail (ds_key != NULL, NULL);
  g_return_val_if_fail (ds_certificate != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;

  if (!idw_key_has_private (ds_key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("The document signer key has no private part"));
      return NULL;
    }
  cert_key = idw_certificate_get_public_key (ds_certificate, error);
  if (cert_key == NULL)
    return NULL;
  if (!idw_key_equal (cert_key, ds_key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("The document signer key does not belong to the DS certificate"));
      return NULL;
    }

  if (json_object_get_size (data) == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("The holder’s data names no namespace"));
      return NULL;
    }
  doctype = options->doctype != NULL ? options->doctype : derive_doctype (data);
  if (doctype == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("The document type cannot be told from the namespaces; give one"));
      return NULL;
    }

  signed_at = options->signed_at != NULL ? g_date_time_ref (options->signed_at)
                                         : g_date_time_new_now_utc ();
  valid_from = options->valid_from != NULL ? g_date_time_ref (options->valid_from)
                                           : g_date_time_ref (signed_at);
  /* ISO 18013-5 §9.1.2.4: validFrom is not earlier than signed. A
   * credential asked to be valid from the past (tests, re-issuing) is
   * signed as of that time; an explicit signing time after it is refused. */
  if (g_date_time_compare (valid_from, signed_at) < 0)
    {
      if (options->signed_at != NULL)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                               _("The credential would be valid before it is signed"));
          return NULL;
        }
      g_date_time_unref (signed_at);
      signed_at = g_date_time_ref (valid_from);
    }
  ds_not_after = idw_certificate_get_not_after (ds_certificate);
  /* By default an ID lives five years, but never past its document
   * signer: verifiers would reject it from then on. */
  if (options->valid_until != NULL)
    valid_until = g_date_time_ref (options->valid_until);
  else
    {
      valid_until = g_date_time_add_years (valid_from, DEFAULT_VALIDITY_YEARS);
      if (g_date_time_compare (valid_until, ds_not_after) > 0)
        {
          g_date_time_unref (valid_until);
          valid_until = g_date_time_ref (ds_not_after);
        }
    }
  if (g_date_time_compare (valid_until, valid_from) < 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The credential would expire before it becomes valid"));
      return NULL;
    }

  device_cose = idw_cose_key_encode (device_key, FALSE);
  idw_mdoc_cbor_sort_maps (device_cose);
  mso = idw_mso_new (doctype, DIGEST_ALGORITHM, device_cose, signed_at, valid_from, valid_until,
                     options->expected_update);
  if (options->status_uri != NULL)
    idw_mso_set_status_list (mso, options->status_uri, options->status_index);
  issuer_signed = idw_issuer_signed_new (NULL);

  name_spaces = json_object_get_members (data);
  for (GList *l = name_spaces; l != NULL; l = l->next)
    {
      const char *ns = l->data;
      JsonNode *node = json_object_get_member (data, ns);
      JsonObject *elements;
      g_autoptr(GList) names = NULL;
      g_autofree guint64 *ids = NULL;
      guint n, i = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                       _("%s: expected an object of elements"), ns);
          return NULL;
        }
      elements = json_node_get_object (node);
      n = json_object_get_size (elements);
      if (n == 0)
        continue;
      total += n;
      if (total > IDW_MAX_ELEMENTS)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("More than %d data elements"), IDW_MAX_ELEMENTS);
          return NULL;
        }

      ids = random_permutation (n);
      names = json_object_get_members (elements);
      for (GList *e = names; e != NULL; e = e->next, i++)
        {
          const char *element = e->data;
          g_autoptr(cbor_item_t) value = NULL;
          g_autoptr(GBytes) random = NULL;
          g_autoptr(IdwIssuerSignedItem) item = NULL;
          g_autoptr(GBytes) digest = NULL;
          guint8 buf[RANDOM_LENGTH];

          if (element[0] == '\0' || strchr (element, '/') != NULL)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("%s: “%s” is not a valid element identifier"), ns, element);
              return NULL;
            }
          value = idw_issue_value_from_json (ns, element, json_object_get_member (elements, element),
                                             base_dir, error);
          if (value == NULL)
            return NULL;

          randombytes_buf (buf, sizeof buf);
          random = g_bytes_new (buf, sizeof buf);
          item = idw_issuer_signed_item_new (ids[i], random, element, value);
          digest = idw_issuer_signed_item_digest (item, DIGEST_ALGORITHM, error);
          if (digest == NULL || !idw_mso_add_digest (mso, ns, ids[i], digest, error))
            return NULL;
          idw_issuer_signed_add_item (issuer_signed, ns, item);
        }
    }
  if (total == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("The holder’s data holds no element"));
      return NULL;
    }

  payload = idw_mso_encode_payload (mso);
  payload_data = g_bytes_get_data (payload, &payload_len);
  unprotected = idw_cbor_new_map ();
  {
    g_autoptr(GBytes) der = idw_certificate_get_der (ds_certificate);

    idw_cbor_map_add_int (unprotected, IDW_COSE_HEADER_X5CHAIN, idw_cbor_new_gbytes (der));
  }
  issuer_signed->issuer_auth = idw_cose_sign1_create (ds_key, payload_data, payload_len, FALSE,
                                                      g_steal_pointer (&unprotected), error);
  if (issuer_signed->issuer_auth == NULL)
    return NULL;

  return idw_credential_new (doctype, g_steal_pointer (&issuer_signed),
                             idw_key_has_private (device_key) ? device_key : NULL, error);
}
