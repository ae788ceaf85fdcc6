/* idw-keystore-tpm.c: TPM-bound device keys in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The item holds the key's wrapped blob (idw-tpm.h), base64, under the
 * schema of idw-keystore.c with `kind` "device-key-tpm" and the key's
 * `fingerprint`. The blob is no secret to the TPM that made it (its private
 * area is encrypted under that TPM's storage key), but anyone holding it
 * can sign on that computer: the keyring's lock keeps other programs from
 * it, as for the software keys.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-error.h"
#include "idw-keystore-private.h"
#include "idw-tpm.h"

/* The base64 of the largest blob. */
#define BLOB_TEXT_MAX (((IDW_TPM_BLOB_MAX + 2) / 3) * 4)

static gboolean
check_fingerprint (const char  *fingerprint,
                   GError     **error)
{
  gsize n = 0;

  for (const char *p = fingerprint; *p != '\0'; p++, n++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      break;
  if (n == 64 && fingerprint[n] == '\0')
    return TRUE;

  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               _("“%s” is not a key fingerprint (64 lowercase hexadecimal digits)."),
               fingerprint);
  return FALSE;
}

static GHashTable *
tpm_attributes (const char *fingerprint)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_DEVICE_TPM);
  g_hash_table_insert (attributes, (gpointer) "fingerprint", (gpointer) fingerprint);
  return attributes;
}

static void
set_not_found_error (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                       _("The keyring holds no TPM device key for this ID."));
}

static void
set_damaged_error (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                       _("The keyring item for this ID’s TPM device key is damaged. "
                         "Remove it in Passwords and Keys."));
}

/**
 * idw_keystore_store_tpm_device_key_sync:
 * @key: a TPM-bound key (idw_tpm_create_key())
 * @name: (nullable): what the key is for, as a person recognises it; the
 *   item is labelled "ID Wallet device key (TPM) for “@name”"
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Stores the wrapped blob of @key in the default keyring under its
 * fingerprint, replacing an item for the same key.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_UNSUPPORTED when @key
 *   is not TPM-bound, or IDW_ERROR_KEYRING.
 */
gboolean
idw_keystore_store_tpm_device_key_sync (IdwKey        *key,
                                        const char    *name,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  blob = idw_tpm_key_get_blob (key);
  if (blob == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("Only a key made by the TPM can be kept as a TPM device key."));
      return FALSE;
    }

  service = _idw_keystore_get_service (cancellable, error);
  if (service == NULL)
    return FALSE;

  fingerprint = idw_key_get_fingerprint (key);
  attributes = tpm_attributes (fingerprint);
  if (name == NULL || *name == '\0')
    label = g_strdup (_("ID Wallet device key (TPM)"));
  else
    /* TRANSLATORS: the label of a keyring item, shown in Passwords and
     * Keys; %s is the name of an ID ("Mobile driving licence, Erika
     * Mustermann"). TPM: the computer's security chip holds the key. */
    label = g_strdup_printf (_("ID Wallet device key (TPM) for “%s”"), name);
  text = g_base64_encode (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  value = secret_value_new (text, -1, "text/plain");

  if (!secret_service_store_sync (service, idw_keystore_get_schema (), attributes,
                                  SECRET_COLLECTION_DEFAULT, label, value,
                                  cancellable, &local_error))
    {
      _idw_keystore_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * idw_keystore_create_tpm_device_key_sync:
 * @name: (nullable): what the key is for (see
 *   idw_keystore_store_tpm_device_key_sync())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Has the TPM make a new P-256 device key and stores it in the keyring.
 *
 * Returns: (transfer full): the key, signing through the TPM, or %NULL
 *   with the errors of idw_tpm_create_key() or IDW_ERROR_KEYRING.
 */
IdwKey *
idw_keystore_create_tpm_device_key_sync (const char    *name,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  g_autoptr(IdwKey) key = NULL;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = idw_tpm_create_key (NULL, error);
  if (key == NULL
      || !idw_keystore_store_tpm_device_key_sync (key, name, cancellable, error))
    return NULL;
  return g_steal_pointer (&key);
}

/**
 * idw_keystore_lookup_tpm_device_key_sync:
 * @fingerprint: the lowercase hex SHA-256 of the public key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Looks up a TPM-bound device key, unlocking the keyring when needed, and
 * checks that this computer's TPM can load it.
 *
 * Returns: (transfer full): the key, signing through the TPM, or %NULL
 *   with IDW_ERROR_NOT_FOUND (no such item), IDW_ERROR_MALFORMED (not a
 *   fingerprint), IDW_ERROR_KEYRING (also for a damaged item or one that
 *   holds another key), IDW_ERROR_NO_TPM or IDW_ERROR_WRONG_TPM (the key
 *   was made on another computer).
 */
IdwKey *
idw_keystore_lookup_tpm_device_key_sync (const char    *fingerprint,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree char *actual = NULL;
  GError *local_error = NULL;
  SecretItem *item;
  const char *text;
  gsize text_len, blob_len = 0;
  GList *items;
  gboolean locked;

  g_return_val_if_fail (fingerprint != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_fingerprint (fingerprint, error))
    return NULL;

  service = _idw_keystore_get_service (cancellable, error);
  if (service == NULL)
    return NULL;

  attributes = tpm_attributes (fingerprint);
  items = secret_service_search_sync (service, idw_keystore_get_schema (), attributes,
                                      SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                      cancellable, &local_error);
  if (local_error != NULL)
    {
      _idw_keystore_propagate_error (error, local_error);
      return NULL;
    }
  if (items == NULL)
    {
      set_not_found_error (error);
      return NULL;
    }
  item = items->data;
  locked = secret_item_get_locked (item);
  value = locked ? NULL : secret_item_get_secret (item);
  g_list_free_full (items, g_object_unref);
  if (value == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                           _("The keyring is locked. Unlock it to use your IDs."));
      return NULL;
    }

  text = secret_value_get (value, &text_len);
  if (text_len == 0 || text_len > BLOB_TEXT_MAX)
    {
      set_damaged_error (error);
      return NULL;
    }
  {
    g_autofree char *copy = g_strndup (text, text_len);

    blob = g_base64_decode (copy, &blob_len);
  }
  key = idw_tpm_load_key (blob, blob_len, &local_error);
  if (key == NULL)
    {
      if (local_error->domain == IDW_ERROR
          && (local_error->code == IDW_ERROR_MALFORMED || local_error->code == IDW_ERROR_LIMIT
              || local_error->code == IDW_ERROR_UNSUPPORTED))
        {
          g_debug ("TPM device key %s: %s", fingerprint, local_error->message);
          g_clear_error (&local_error);
          set_damaged_error (error);
        }
      else
        g_propagate_error (error, local_error);
      return NULL;
    }

  actual = idw_key_get_fingerprint (key);
  if (strcmp (actual, fingerprint) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                           _("The keyring item for this ID’s device key holds another key. "
                             "Remove it in Passwords and Keys."));
      return NULL;
    }
  return g_steal_pointer (&key);
}

/**
 * idw_keystore_delete_tpm_device_key_sync:
 * @fingerprint: the lowercase hex SHA-256 of the public key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes the TPM-bound device key's item. The TPM keeps nothing of it, so
 * the key is gone for good.
 *
 * Returns: %TRUE when an item was removed; %FALSE with IDW_ERROR_NOT_FOUND,
 *   IDW_ERROR_MALFORMED (not a fingerprint) or IDW_ERROR_KEYRING.
 */
gboolean
idw_keystore_delete_tpm_device_key_sync (const char    *fingerprint,
                                         GCancellable  *cancellable,
                                         GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_fingerprint (fingerprint, error))
    return FALSE;

  service = _idw_keystore_get_service (cancellable, error);
  if (service == NULL)
    return FALSE;

  attributes = tpm_attributes (fingerprint);
  if (!secret_service_clear_sync (service, idw_keystore_get_schema (), attributes,
                                  cancellable, &local_error))
    {
      if (local_error != NULL)
        _idw_keystore_propagate_error (error, local_error);
      else
        set_not_found_error (error);
      return FALSE;
    }
  return TRUE;
}
