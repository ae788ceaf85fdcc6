/* idw-backup-settings.c: the settings a backup carries (docs/formats.md
 * §12.2): which keys, how they are written, and how they are put back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keys of the app's GSettings schema (io.github.idwallet.IdWallet)
 * but the window's size, of type b, i, u, x, t or s, as CBOR booleans,
 * integers and texts; put back only into keys this version has, of a
 * fitting type and within their ranges.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-backup-private.h"
#include "idw-cbor.h"
#include "idw-error.h"

#define MAX_SETTING_NAME    256

/* Window geometry belongs to this screen, not to the wallet. */
static gboolean
setting_is_backed_up (const char *name)
{
  return !g_str_has_prefix (name, "window-");
}

GSettings *
_idw_backup_lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

/* A setting as CBOR, or NULL for a type a backup does not carry. */
static cbor_item_t *
setting_to_cbor (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return idw_cbor_new_bool (g_variant_get_boolean (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return idw_cbor_new_int (g_variant_get_int32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return idw_cbor_new_int (g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return idw_cbor_new_int (g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64) && g_variant_get_uint64 (value) <= G_MAXINT64)
    return idw_cbor_new_int ((gint64) g_variant_get_uint64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      && strlen (g_variant_get_string (value, NULL)) <= IDW_BACKUP_MAX_SETTING_TEXT)
    return idw_cbor_new_string (g_variant_get_string (value, NULL));
  return NULL;
}

/* A setting from CBOR: b, x (any integer) or s, to be fitted to the key's
 * type when it is restored; NULL for anything else. */
static GVariant *
setting_from_cbor (cbor_item_t *item)
{
  gboolean b;
  gint64 i;
  guint64 u;

  if (idw_cbor_get_bool (item, &b))
    return g_variant_new_boolean (b);
  if (cbor_isa_uint (item) && idw_cbor_get_uint (item, &u))
    return u <= G_MAXINT64 ? g_variant_new_int64 ((gint64) u) : NULL;
  if (cbor_isa_negint (item) && idw_cbor_get_int (item, &i))
    return g_variant_new_int64 (i);
  if (cbor_isa_string (item))
    {
      g_autofree char *text = idw_cbor_dup_string (item);

      if (text == NULL || strlen (text) > IDW_BACKUP_MAX_SETTING_TEXT)
        return NULL;
      return g_variant_new_string (text);
    }
  return NULL;
}

/* Core deterministic CBOR's order of text keys: length, then bytes. */
static int
compare_deterministic (gconstpointer a,
                       gconstpointer b)
{
  const char *sa = *(const char * const *) a;
  const char *sb = *(const char * const *) b;
  gsize la = strlen (sa), lb = strlen (sb);

  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp (sa, sb);
}

cbor_item_t *
_idw_backup_settings_to_cbor (GVariant *settings)
{
  cbor_item_t *map = idw_cbor_new_map ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      g_ptr_array_add (names, g_strdup (name));
      g_variant_unref (value);
    }
  g_ptr_array_sort (names, compare_deterministic);
  for (guint i = 0; i < names->len; i++)
    {
      const char *key = names->pdata[i];
      g_autoptr(GVariant) v = g_variant_lookup_value (settings, key, NULL);
      cbor_item_t *encoded = setting_to_cbor (v);

      if (encoded != NULL)
        idw_cbor_map_add_str (map, key, encoded);
    }
  return map;
}

/* The settings of a record's (or journal's) map, a{sv}. Errors:
 * IDW_ERROR_LIMIT, IDW_ERROR_MALFORMED. */
GVariant *
_idw_backup_settings_from_cbor (cbor_item_t  *map,
                                GError      **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  struct cbor_pair *pairs;
  gsize n;

  if (!cbor_isa_map (map))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED, _("settings: expected a map"));
      return NULL;
    }
  n = cbor_map_size (map);
  if (n > IDW_BACKUP_MAX_SETTINGS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup holds more than %d settings."), IDW_BACKUP_MAX_SETTINGS);
      return NULL;
    }
  pairs = cbor_map_handle (map);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *name = idw_cbor_dup_string (pairs[i].key);
      GVariant *value;

      if (name == NULL || *name == '\0' || strlen (name) > MAX_SETTING_NAME)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                               _("settings: a name is not a short text"));
          return NULL;
        }
      value = setting_from_cbor (pairs[i].value);
      if (value == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("settings: “%s” is not a boolean, a number or a short text"), name);
          return NULL;
        }
      g_variant_builder_add (&builder, "{sv}", name, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

GVariant *
_idw_backup_collect_settings (GSettings *settings)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  if (settings != NULL)
    {
      g_object_get (settings, "settings-schema", &schema, NULL);
      keys = g_settings_schema_list_keys (schema);
      for (guint i = 0; keys[i] != NULL; i++)
        {
          g_autoptr(GVariant) value = NULL;
          cbor_item_t *probe;

          if (!setting_is_backed_up (keys[i]))
            continue;
          value = g_settings_get_value (settings, keys[i]);
          probe = setting_to_cbor (value);
          if (probe == NULL)
            continue;
          idw_cbor_unref (probe);
          g_variant_builder_add (&builder, "{sv}", keys[i], value);
        }
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* The value @value (b, x or s) as the type of @key in @schema, in its
 * range; NULL when it does not fit. */
static GVariant *
fit_setting (GSettingsSchema *schema,
             const char      *name,
             GVariant        *value)
{
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) fitted = NULL;
  const GVariantType *type;

  if (!setting_is_backed_up (name) || !g_settings_schema_has_key (schema, name))
    return NULL;
  key = g_settings_schema_get_key (schema, name);
  type = g_settings_schema_key_get_value_type (key);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)
      && g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    fitted = g_variant_ref (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
           && g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    fitted = g_variant_ref (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    {
      gint64 i = g_variant_get_int64 (value);

      if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32) && i >= G_MININT32 && i <= G_MAXINT32)
        fitted = g_variant_ref_sink (g_variant_new_int32 ((gint32) i));
      else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32) && i >= 0 && i <= G_MAXUINT32)
        fitted = g_variant_ref_sink (g_variant_new_uint32 ((guint32) i));
      else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
        fitted = g_variant_ref (value);
      else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT64) && i >= 0)
        fitted = g_variant_ref_sink (g_variant_new_uint64 ((guint64) i));
    }

  if (fitted == NULL || !g_settings_schema_key_range_check (key, fitted))
    return NULL;
  return g_steal_pointer (&fitted);
}

void
_idw_backup_apply_settings (GSettings *settings,
                            GVariant  *values,
                            guint     *out_restored,
                            guint     *out_skipped)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  *out_restored = 0;
  *out_skipped = 0;
  g_object_get (settings, "settings-schema", &schema, NULL);

  g_variant_iter_init (&iter, values);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      g_autoptr(GVariant) fitted = fit_setting (schema, name, value);

      if (fitted != NULL && g_settings_set_value (settings, name, fitted))
        (*out_restored)++;
      else
        (*out_skipped)++;
      g_variant_unref (value);
    }
  g_settings_sync ();
}
