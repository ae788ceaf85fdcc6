/* idw-store-entry.c: IdwStoreEntry, one credential in the store or one
 * damaged file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entries are made by the store (idw-store.c) from what it read; only the
 * nickname changes afterwards.
 */
#include "config.h"

#include <string.h>

#include "idw-store.h"
#include "idw-store-private.h"

struct _IdwStoreEntry
{
  GObject        parent_instance;

  char          *id;
  char          *path;
  char          *nickname;
  GDateTime     *imported;
  IdwCredential *credential;
  GError        *error;
  gboolean       reissue_needed;
};

G_DEFINE_FINAL_TYPE (IdwStoreEntry, idw_store_entry, G_TYPE_OBJECT)

enum
{
  ENTRY_PROP_0,
  ENTRY_PROP_ID,
  ENTRY_PROP_PATH,
  ENTRY_PROP_NICKNAME,
  ENTRY_PROP_IMPORTED,
  ENTRY_PROP_CREDENTIAL,
  ENTRY_PROP_DAMAGED,
  N_ENTRY_PROPS
};

static GParamSpec *entry_properties[N_ENTRY_PROPS];

static void
idw_store_entry_finalize (GObject *object)
{
  IdwStoreEntry *self = IDW_STORE_ENTRY (object);

  g_free (self->id);
  g_free (self->path);
  g_free (self->nickname);
  g_clear_pointer (&self->imported, g_date_time_unref);
  g_clear_object (&self->credential);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (idw_store_entry_parent_class)->finalize (object);
}

static void
idw_store_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  IdwStoreEntry *self = IDW_STORE_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case ENTRY_PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case ENTRY_PROP_NICKNAME:
      g_value_set_string (value, self->nickname);
      break;
    case ENTRY_PROP_IMPORTED:
      g_value_set_boxed (value, self->imported);
      break;
    case ENTRY_PROP_CREDENTIAL:
      g_value_set_object (value, self->credential);
      break;
    case ENTRY_PROP_DAMAGED:
      g_value_set_boolean (value, self->error != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_store_entry_class_init (IdwStoreEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idw_store_entry_finalize;
  object_class->get_property = idw_store_entry_get_property;

  entry_properties[ENTRY_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_NICKNAME] =
    g_param_spec_string ("nickname", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_IMPORTED] =
    g_param_spec_boxed ("imported", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_CREDENTIAL] =
    g_param_spec_object ("credential", NULL, NULL, IDW_TYPE_CREDENTIAL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_DAMAGED] =
    g_param_spec_boolean ("damaged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_ENTRY_PROPS, entry_properties);
}

static void
idw_store_entry_init (IdwStoreEntry *self)
{
}

/**
 * idw_store_entry_get_id:
 * @self: an entry
 *
 * Returns: the entry's id: 32 lowercase hex digits, stable for the life of
 *   the credential in the store.
 */
const char *
idw_store_entry_get_id (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->id;
}

/**
 * idw_store_entry_get_nickname:
 * @self: an entry
 *
 * Returns: (nullable): the name the holder gave this ID, or %NULL.
 */
const char *
idw_store_entry_get_nickname (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->nickname;
}

/**
 * idw_store_entry_get_imported:
 * @self: an entry
 *
 * Returns: (nullable) (transfer none): when the ID was added (UTC, whole
 *   seconds), or %NULL for a damaged entry.
 */
GDateTime *
idw_store_entry_get_imported (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->imported;
}

/**
 * idw_store_entry_get_credential:
 * @self: an entry
 *
 * Returns: (nullable) (transfer none): the credential, without its private
 *   key (that is in the keyring), or %NULL for a damaged entry.
 */
IdwCredential *
idw_store_entry_get_credential (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->credential;
}

/**
 * idw_store_entry_get_reissue_needed:
 * @self: an entry
 *
 * Whether the credential was restored from a backup without its device
 * key, because that key could not leave the hardware (a TPM) of the
 * computer the backup was made on: it cannot be presented from here, and
 * must be issued again to this device ("Re-issue needed on this device").
 *
 * Returns: %TRUE for such a credential; %FALSE otherwise, and for a
 *   damaged entry.
 */
gboolean
idw_store_entry_get_reissue_needed (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), FALSE);

  return self->reissue_needed;
}

/**
 * idw_store_entry_is_damaged:
 * @self: an entry
 *
 * Returns: %TRUE when the file could not be read, decrypted or parsed;
 *   idw_store_entry_get_error() says why.
 */
gboolean
idw_store_entry_is_damaged (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), FALSE);

  return self->error != NULL;
}

/**
 * idw_store_entry_get_error:
 * @self: an entry
 *
 * Returns: (nullable) (transfer none): why the entry is damaged, as
 *   idw_store_load_sync() would report it, or %NULL.
 */
const GError *
idw_store_entry_get_error (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->error;
}

/**
 * idw_store_entry_get_path:
 * @self: an entry
 *
 * Returns: the full path of the entry's file.
 */
const char *
idw_store_entry_get_path (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->path;
}

void
_idw_store_entry_set_nickname (IdwStoreEntry *self,
                               const char    *nickname)
{
  if (g_strcmp0 (self->nickname, nickname) == 0)
    return;
  g_free (self->nickname);
  self->nickname = g_strdup (nickname);
  g_object_notify_by_pspec (G_OBJECT (self), entry_properties[ENTRY_PROP_NICKNAME]);
}

/* ---- Made by the store ----------------------------------------------- */

static IdwStoreEntry *
entry_new (const char *directory,
           const char *id)
{
  IdwStoreEntry *entry = g_object_new (IDW_TYPE_STORE_ENTRY, NULL);
  g_autofree char *name = _idw_store_file_name_for_id (id);

  entry->id = g_strdup (id);
  entry->path = g_build_filename (directory, name, NULL);
  return entry;
}

IdwStoreEntry *
_idw_store_entry_new_from_record (const char     *directory,
                                  const char     *id,
                                  IdwStoreRecord *record)
{
  IdwStoreEntry *entry = entry_new (directory, id);

  entry->imported = g_date_time_ref (record->imported);
  entry->nickname = g_strdup (record->nickname);
  entry->credential = g_object_ref (record->credential);
  entry->reissue_needed = record->reissue_needed;
  return entry;
}

IdwStoreEntry *
_idw_store_entry_new_damaged (const char *directory,
                              const char *id,
                              GError     *error)
{
  IdwStoreEntry *entry = entry_new (directory, id);

  entry->error = error;
  return entry;
}

gint
_idw_store_entry_compare (gconstpointer a,
                          gconstpointer b)
{
  IdwStoreEntry *ea = *(IdwStoreEntry **) a;
  IdwStoreEntry *eb = *(IdwStoreEntry **) b;

  /* Good entries in the order they were added, damaged ones last. */
  if ((ea->error != NULL) != (eb->error != NULL))
    return ea->error != NULL ? 1 : -1;
  if (ea->imported != NULL && eb->imported != NULL)
    {
      gint c = g_date_time_compare (ea->imported, eb->imported);

      if (c != 0)
        return c;
    }
  return strcmp (ea->id, eb->id);
}
