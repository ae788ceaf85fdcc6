/* idw-keystore.c: device keys and the wallet key in the Secret Service:
 * the libsecret schema, the items and their lookups (the blocking calls)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lookups go through secret_service_search_sync() with SECRET_SEARCH_UNLOCK
 * rather than secret_password_lookup(): the latter answers "nothing found"
 * when the user dismisses the unlock prompt, and for the wallet key that
 * would make us create (and store over) a new key, losing every credential.
 * Here an item that stays locked is reported as a locked keyring.
 *
 * Secret bytes only ever sit in: libsodium guarded memory (IdwKey,
 * IdwWalletKey), libsecret's SecretValue (egg secure memory, wiped on free),
 * and short-lived stack buffers that are wiped with sodium_memzero().
 *
 * The asynchronous variants, which run these in a GTask thread, are in
 * idw-keystore-async.c.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "idw-error.h"
#include "idw-keystore.h"
#include "idw-keystore-private.h"

/* An Ed25519 seed and a P-256 scalar are both 32 bytes. */
#define DEVICE_SECRET_LEN   32
#define SECRET_TEXT_MAX     64  /* base64 of 32 bytes is 44 characters */
#define FINGERPRINT_LEN     64

/* ---- IdwWalletKey --------------------------------------------------- */

struct _IdwWalletKey
{
  gint    ref_count;
  guint8 *data;       /* sodium_malloc, IDW_WALLET_KEY_LEN bytes */
};

static void
ensure_sodium (void)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

static IdwWalletKey *
wallet_key_alloc (void)
{
  IdwWalletKey *key;

  ensure_sodium ();
  key = g_new0 (IdwWalletKey, 1);
  key->ref_count = 1;
  key->data = sodium_malloc (IDW_WALLET_KEY_LEN);
  if (key->data == NULL)
    g_error ("Out of secure memory for the wallet key");
  return key;
}

/**
 * idw_wallet_key_new_random:
 *
 * Returns: (transfer full): a fresh random wallet key (not stored anywhere).
 */
IdwWalletKey *
idw_wallet_key_new_random (void)
{
  IdwWalletKey *key = wallet_key_alloc ();

  randombytes_buf (key->data, IDW_WALLET_KEY_LEN);
  return key;
}

/**
 * idw_wallet_key_new_from_data:
 * @data: (array length=len): the key bytes
 * @len: the length of @data; must be %IDW_WALLET_KEY_LEN
 * @error: return location for a #GError
 *
 * Copies @data into guarded memory; the caller wipes its own copy.
 *
 * Returns: (transfer full): the key, or %NULL with IDW_ERROR_MALFORMED when
 *   @len is not %IDW_WALLET_KEY_LEN.
 */
IdwWalletKey *
idw_wallet_key_new_from_data (const guint8  *data,
                              gsize          len,
                              GError       **error)
{
  IdwWalletKey *key;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len != IDW_WALLET_KEY_LEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("Wallet key: expected %d bytes, got %zu"),
                   IDW_WALLET_KEY_LEN, len);
      return NULL;
    }

  key = wallet_key_alloc ();
  memcpy (key->data, data, IDW_WALLET_KEY_LEN);
  return key;
}

IdwWalletKey *
idw_wallet_key_ref (IdwWalletKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  g_atomic_int_inc (&key->ref_count);
  return key;
}

void
idw_wallet_key_unref (IdwWalletKey *key)
{
  g_return_if_fail (key != NULL);

  if (g_atomic_int_dec_and_test (&key->ref_count))
    {
      sodium_free (key->data);  /* wipes */
      g_free (key);
    }
}

const guint8 *
idw_wallet_key_get_data (IdwWalletKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return key->data;
}

/* ---- Schema and errors ---------------------------------------------- */

/**
 * idw_keystore_get_schema:
 *
 * Returns: (transfer none): the libsecret schema of ID Wallet's keyring
 *   items, "io.github.idwallet.IdWallet.Key", with the string attributes
 *   `kind`, `fingerprint` and, for device keys, `curve` ("Ed25519" or
 *   "P-256"; an item without it is Ed25519).
 */
const SecretSchema *
idw_keystore_get_schema (void)
{
  static const SecretSchema schema = {
    IDW_KEYSTORE_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "fingerprint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "curve", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
set_no_keyring_error (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                       _("No keyring is available. Install and start GNOME Keyring "
                         "(or another Secret Service) to hold your ID’s keys."));
}

static void
set_locked_error (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                       _("The keyring is locked. Unlock it to use your IDs."));
}

/* Turns a libsecret or D-Bus error into IDW_ERROR_KEYRING with a message
 * that tells the user what to do. Takes @cause. Cancellation stays
 * G_IO_ERROR_CANCELLED so that callers can ignore it quietly. */
static void
propagate_keyring_error (GError **error,
                         GError  *cause)
{
  g_autoptr(GError) owned = cause;

  g_debug ("Secret Service error: %s (%s, %d)", cause->message,
           g_quark_to_string (cause->domain), cause->code);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&owned));
      return;
    }

  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    {
      set_locked_error (error);
      return;
    }

  /* gnome-keyring answers UnknownMethod "Object does not exist at path"
   * when the collection behind the default alias is missing. */
  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT)
      || g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
      || g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                           _("The keyring has no default collection for your ID’s keys. "
                             "Create one in Passwords and Keys, then try again."));
      return;
    }

  if (g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)
      || g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                           _("The keyring refused access to your ID’s keys. "
                             "Allow ID Wallet to use the keyring, then try again."));
      return;
    }

  if (g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT)
      || g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT)
      || g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
      || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                           _("The keyring did not answer. Check that GNOME Keyring "
                             "(or another Secret Service) is running, then try again."));
      return;
    }

  /* No session bus, no Secret Service on it, or one that went away. Any
   * other I/O error can only come from connecting to the bus: we do no
   * other I/O here. */
  if (cause->domain == G_IO_ERROR || cause->domain == G_DBUS_ERROR)
    {
      set_no_keyring_error (error);
      return;
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_KEYRING,
               _("The keyring failed: %s"), cause->message);
}

static SecretService *
get_service (GCancellable  *cancellable,
             GError       **error)
{
  GError *local_error = NULL;
  SecretService *service;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, cancellable, &local_error);
  if (service == NULL)
    {
      if (local_error == NULL)
        set_no_keyring_error (error);
      else
        propagate_keyring_error (error, local_error);
    }
  return service;
}

static gboolean
fingerprint_is_valid (const char *fingerprint)
{
  if (strlen (fingerprint) != FINGERPRINT_LEN)
    return FALSE;
  for (const char *p = fingerprint; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
check_fingerprint (const char  *fingerprint,
                   GError     **error)
{
  if (fingerprint_is_valid (fingerprint))
    return TRUE;

  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               _("“%s” is not a key fingerprint (64 lowercase hexadecimal digits)."),
               fingerprint);
  return FALSE;
}

static GHashTable *
device_attributes (const char *fingerprint)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_DEVICE);
  g_hash_table_insert (attributes, (gpointer) "fingerprint", (gpointer) fingerprint);
  return attributes;
}

static GHashTable *
wallet_attributes (void)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_WALLET);
  return attributes;
}

/* ---- Raw secret storage --------------------------------------------- */

/* Stores @len secret bytes as base64 text. */
static gboolean
store_secret (GHashTable    *attributes,
              const char    *label,
              const guint8  *data,
              gsize          len,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretValue) value = NULL;
  GError *local_error = NULL;
  char text[SECRET_TEXT_MAX];
  gint state = 0;
  gint save = 0;
  gsize text_len;

  g_assert (len <= 32);

  service = get_service (cancellable, error);
  if (service == NULL)
    return FALSE;

  text_len = g_base64_encode_step (data, len, FALSE, text, &state, &save);
  text_len += g_base64_encode_close (FALSE, text + text_len, &state, &save);
  g_assert (text_len < sizeof text);
  text[text_len] = '\0';

  /* secret_value_new() copies into libsecret's wiped-on-free memory. */
  value = secret_value_new (text, text_len, "text/plain");
  sodium_memzero (text, sizeof text);

  if (!secret_service_store_sync (service, idw_keystore_get_schema (), attributes,
                                  SECRET_COLLECTION_DEFAULT, label, value,
                                  cancellable, &local_error))
    {
      propagate_keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

typedef enum
{
  ITEM_DEVICE_KEY,
  ITEM_WALLET_KEY,
} ItemKind;

static void
set_not_found_error (ItemKind   kind,
                     GError   **error)
{
  if (kind == ITEM_WALLET_KEY)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                         _("The keyring holds no ID Wallet storage key."));
  else
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                         _("The keyring holds no device key for this ID."));
}

static void
set_damaged_error (ItemKind   kind,
                   GError   **error)
{
  if (kind == ITEM_WALLET_KEY)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                         _("The keyring item “ID Wallet storage key” is damaged. "
                           "Restore it from a backup of your keyring."));
  else
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING,
                         _("The keyring item for this ID’s device key is damaged. "
                           "Remove it in Passwords and Keys."));
}

/* Finds the item for @attributes and decodes its secret into @out (exactly
 * @len bytes); @out_curve, when given, receives the item's `curve`
 * attribute (NULL when it has none). Returns FALSE with
 * IDW_ERROR_NOT_FOUND when there is none. */
static gboolean
lookup_secret (GHashTable    *attributes,
               guint8        *out,
               gsize          len,
               char         **out_curve,
               ItemKind       kind,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  GError *local_error = NULL;
  GList *items;
  SecretItem *item;
  g_autoptr(SecretValue) value = NULL;
  const char *text;
  gsize text_len;
  guint8 decoded[SECRET_TEXT_MAX];
  gint state = 0;
  guint save = 0;
  gsize decoded_len;
  gboolean ok = FALSE;

  service = get_service (cancellable, error);
  if (service == NULL)
    return FALSE;

  items = secret_service_search_sync (service, idw_keystore_get_schema (), attributes,
                                      SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                      cancellable, &local_error);
  if (local_error != NULL)
    {
      propagate_keyring_error (error, local_error);
      return FALSE;
    }
  if (items == NULL)
    {
      set_not_found_error (kind, error);
      return FALSE;
    }

  item = items->data;
  if (secret_item_get_locked (item))
    {
      /* The unlock prompt was dismissed or failed. */
      set_locked_error (error);
      goto out;
    }

  value = secret_item_get_secret (item);
  if (value == NULL)
    {
      /* Loading failed although the item is unlocked: it was locked again
       * in between, or the service refused. */
      set_locked_error (error);
      goto out;
    }

  text = secret_value_get (value, &text_len);
  if (text_len == 0 || text_len >= sizeof decoded)
    {
      set_damaged_error (kind, error);
      goto out;
    }

  decoded_len = g_base64_decode_step (text, text_len, decoded, &state, &save);
  if (decoded_len != len)
    {
      set_damaged_error (kind, error);
      goto out;
    }

  memcpy (out, decoded, len);
  if (out_curve != NULL)
    {
      g_autoptr(GHashTable) item_attributes = secret_item_get_attributes (item);

      *out_curve = g_strdup (g_hash_table_lookup (item_attributes, "curve"));
    }
  ok = TRUE;

out:
  sodium_memzero (decoded, sizeof decoded);
  g_list_free_full (items, g_object_unref);
  return ok;
}

/* ---- Device keys ---------------------------------------------------- */

static char *
device_key_label (const char *name)
{
  if (name == NULL || *name == '\0')
    return g_strdup (_("ID Wallet device key"));
  /* TRANSLATORS: the label of a keyring item, shown in Passwords and Keys;
   * %s is the name of an ID ("Mobile driving licence, Erika Mustermann") */
  return g_strdup_printf (_("ID Wallet device key for “%s”"), name);
}

/* The keyring's name for the curve of a device key; the name is also what
 * idw_key_get_curve_name() says. */
#define CURVE_ED25519 "Ed25519"
#define CURVE_P256    "P-256"

/* The secret a keyring item holds for @key: the 32-byte Ed25519 seed or
 * P-256 scalar, and the `curve` attribute naming which. FALSE for a key
 * without a private part or of another curve. */
static gboolean
device_key_secret (IdwKey      *key,
                   guint8       secret[DEVICE_SECRET_LEN],
                   const char **out_curve)
{
  switch (idw_key_get_curve (key))
    {
    case IDW_CURVE_ED25519:
      *out_curve = CURVE_ED25519;
      return idw_key_export_seed (key, secret);
    case IDW_CURVE_P256:
      *out_curve = CURVE_P256;
      return idw_key_export_ec_scalar (key, secret, DEVICE_SECRET_LEN);
    case IDW_CURVE_P384:
    case IDW_CURVE_P521:
    default:
      return FALSE;
    }
}

/* The key a keyring item holds: @curve is its `curve` attribute, NULL for
 * the items written before there was one (all Ed25519). */
static IdwKey *
device_key_from_secret (const char    *curve,
                        const guint8  *secret,
                        GError       **error)
{
  IdwKey *key = NULL;

  if (curve == NULL || g_str_equal (curve, CURVE_ED25519))
    key = idw_key_new_ed25519_seed (secret, DEVICE_SECRET_LEN, NULL);
  else if (g_str_equal (curve, CURVE_P256))
    key = idw_key_new_ec_private (IDW_CURVE_P256, secret, DEVICE_SECRET_LEN, NULL);

  if (key == NULL)
    set_damaged_error (ITEM_DEVICE_KEY, error);
  return key;
}

/**
 * idw_keystore_store_device_key_sync:
 * @key: an Ed25519 or P-256 key with its private part
 * @name: (nullable): what the key is for, as a person recognises it (the
 *   credential's name); the item is labelled "ID Wallet device key for
 *   “@name”"
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Stores the private key of @key (its 32-byte seed or scalar) in the
 * default keyring, under its fingerprint and with its curve. Storing a
 * key that is already there replaces the item (and its label).
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_UNSUPPORTED when @key
 *   has no private part or is of another curve, or IDW_ERROR_KEYRING.
 */
gboolean
idw_keystore_store_device_key_sync (IdwKey        *key,
                                    const char    *name,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *label = NULL;
  guint8 secret[DEVICE_SECRET_LEN];
  const char *curve = NULL;
  gboolean ok;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!device_key_secret (key, secret, &curve))
    {
      sodium_memzero (secret, sizeof secret);
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("Only an Ed25519 or P-256 key with its private part can be kept in the keyring."));
      return FALSE;
    }

  fingerprint = idw_key_get_fingerprint (key);
  attributes = device_attributes (fingerprint);
  g_hash_table_insert (attributes, (gpointer) "curve", (gpointer) curve);
  label = device_key_label (name);
  ok = store_secret (attributes, label, secret, sizeof secret, cancellable, error);
  sodium_memzero (secret, sizeof secret);
  return ok;
}

/**
 * idw_keystore_create_device_key_for_alg_sync:
 * @alg: the algorithm the key signs with: %IDW_COSE_ALG_EDDSA (Ed25519)
 *   or %IDW_COSE_ALG_ES256 (P-256)
 * @name: (nullable): what the key is for (see
 *   idw_keystore_store_device_key_sync())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Generates a new device key for @alg and stores it in the keyring.
 *
 * Returns: (transfer full): the key with its private part, or %NULL with
 *   IDW_ERROR_UNSUPPORTED (another algorithm) or IDW_ERROR_KEYRING
 *   (nothing is left behind).
 */
IdwKey *
idw_keystore_create_device_key_for_alg_sync (gint64         alg,
                                             const char    *name,
                                             GCancellable  *cancellable,
                                             GError       **error)
{
  g_autoptr(IdwKey) key = NULL;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = idw_key_generate_for_alg (alg, error);
  if (key == NULL)
    return NULL;
  if (!idw_keystore_store_device_key_sync (key, name, cancellable, error))
    return NULL;
  return g_steal_pointer (&key);
}

/**
 * idw_keystore_create_device_key_sync:
 * @name: (nullable): what the key is for (see
 *   idw_keystore_store_device_key_sync())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Generates a new Ed25519 device key, the default for software keys, and
 * stores it in the keyring.
 *
 * Returns: (transfer full): the key with its private part, or %NULL with
 *   IDW_ERROR_KEYRING (nothing is left behind).
 */
IdwKey *
idw_keystore_create_device_key_sync (const char    *name,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  return idw_keystore_create_device_key_for_alg_sync (IDW_COSE_ALG_EDDSA, name, cancellable, error);
}

/**
 * idw_keystore_lookup_device_key_sync:
 * @fingerprint: the lowercase hex SHA-256 of the public key
 *   (idw_key_get_fingerprint())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Looks up a device key, Ed25519 or P-256, unlocking the keyring when
 * needed (which may show a prompt); without a software key of
 * @fingerprint, a TPM-bound one (idw_keystore_lookup_tpm_device_key_sync()).
 *
 * Returns: (transfer full): the key with its private part (or signing
 *   through the TPM), or %NULL with IDW_ERROR_NOT_FOUND when the keyring
 *   holds no key with @fingerprint, IDW_ERROR_MALFORMED when @fingerprint
 *   is not 64 lowercase hex digits, IDW_ERROR_KEYRING (also when the item
 *   found is damaged, names a curve we do not know, or belongs to another
 *   public key), or for a TPM-bound key IDW_ERROR_NO_TPM or
 *   IDW_ERROR_WRONG_TPM.
 */
IdwKey *
idw_keystore_lookup_device_key_sync (const char    *fingerprint,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *curve = NULL;
  guint8 secret[DEVICE_SECRET_LEN];
  gboolean found;

  g_return_val_if_fail (fingerprint != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_fingerprint (fingerprint, error))
    return NULL;

  attributes = device_attributes (fingerprint);
  {
    GError *local_error = NULL;

    found = lookup_secret (attributes, secret, sizeof secret, &curve, ITEM_DEVICE_KEY,
                           cancellable, &local_error);
    /* No software key: the key may live in this computer's TPM. Neither:
     * the software key's "not found" says so. */
    if (!found && g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
      {
        GError *tpm_error = NULL;

        key = idw_keystore_lookup_tpm_device_key_sync (fingerprint, cancellable, &tpm_error);
        if (key != NULL || !g_error_matches (tpm_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
          {
            g_clear_error (&local_error);
            if (tpm_error != NULL)
              g_propagate_error (error, tpm_error);
            return g_steal_pointer (&key);
          }
        g_clear_error (&tpm_error);
      }
    if (!found)
      g_propagate_error (error, local_error);
  }
  if (found)
    key = device_key_from_secret (curve, secret, error);
  sodium_memzero (secret, sizeof secret);
  if (key == NULL)
    return NULL;

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
 * idw_keystore_find_private_key_sync:
 * @public_key: a public key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * idw_keystore_lookup_device_key_sync() for the fingerprint of @public_key.
 *
 * Returns: (transfer full): the key with its private part, or %NULL with
 *   IDW_ERROR_NOT_FOUND or IDW_ERROR_KEYRING.
 */
IdwKey *
idw_keystore_find_private_key_sync (IdwKey        *public_key,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (public_key != NULL, NULL);

  fingerprint = idw_key_get_fingerprint (public_key);
  return idw_keystore_lookup_device_key_sync (fingerprint, cancellable, error);
}

/**
 * idw_keystore_delete_device_key_sync:
 * @fingerprint: the lowercase hex SHA-256 of the public key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes the device key from the keyring, a software key or a TPM-bound
 * one. The key is gone for good: any credential bound to it can no longer
 * be presented.
 *
 * Returns: %TRUE when a key was removed; %FALSE with IDW_ERROR_NOT_FOUND
 *   when there was none, IDW_ERROR_MALFORMED (not a fingerprint) or
 *   IDW_ERROR_KEYRING.
 */
gboolean
idw_keystore_delete_device_key_sync (const char    *fingerprint,
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

  service = get_service (cancellable, error);
  if (service == NULL)
    return FALSE;

  attributes = device_attributes (fingerprint);
  if (!secret_service_clear_sync (service, idw_keystore_get_schema (), attributes,
                                  cancellable, &local_error))
    {
      GError *tpm_error = NULL;

      if (local_error != NULL)
        {
          propagate_keyring_error (error, local_error);
          return FALSE;
        }
      /* Not a software key: it may be a TPM-bound one. */
      if (idw_keystore_delete_tpm_device_key_sync (fingerprint, cancellable, &tpm_error))
        return TRUE;
      if (g_error_matches (tpm_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
        {
          g_clear_error (&tpm_error);
          set_not_found_error (ITEM_DEVICE_KEY, error);
        }
      else
        g_propagate_error (error, tpm_error);
      return FALSE;
    }
  return TRUE;
}

/* ---- The wallet key ------------------------------------------------- */

/* Serialises get-or-create within the process: two concurrent first calls
 * must not each store a key of their own. */
static GMutex wallet_key_lock;

static IdwWalletKey *
lookup_wallet_key (GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GHashTable) attributes = wallet_attributes ();
  IdwWalletKey *key = wallet_key_alloc ();

  if (!lookup_secret (attributes, key->data, IDW_WALLET_KEY_LEN, NULL, ITEM_WALLET_KEY,
                      cancellable, error))
    {
      idw_wallet_key_unref (key);
      return NULL;
    }
  return key;
}

/**
 * idw_keystore_get_wallet_key_sync:
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns the wallet key, the random 32-byte key that encrypts the
 * credential store. The first call creates it and stores it in the
 * default keyring, labelled "ID Wallet storage key"; later calls return the
 * same key. A keyring that stays locked is an error, never a reason to
 * make a new key.
 *
 * Returns: (transfer full): the wallet key, or %NULL with IDW_ERROR_KEYRING.
 */
IdwWalletKey *
idw_keystore_get_wallet_key_sync (GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(IdwWalletKey) key = NULL;
  g_autoptr(IdwWalletKey) fresh = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&wallet_key_lock);

  key = lookup_wallet_key (cancellable, &local_error);
  if (key != NULL)
    return g_steal_pointer (&key);
  if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_clear_error (&local_error);

  g_info ("Creating the wallet key in the keyring");
  fresh = idw_wallet_key_new_random ();
  attributes = wallet_attributes ();
  if (!store_secret (attributes, _("ID Wallet storage key"), fresh->data, IDW_WALLET_KEY_LEN,
                     cancellable, error))
    return NULL;

  /* Read it back: should another process have stored one at the same
   * moment, the keyring's copy is the one every process will use. */
  return lookup_wallet_key (cancellable, error);
}

/* ---- For the other keystore files (idw-keystore-private.h) ---------- */

SecretService *
_idw_keystore_get_service (GCancellable  *cancellable,
                           GError       **error)
{
  return get_service (cancellable, error);
}

void
_idw_keystore_propagate_error (GError **error,
                               GError  *cause)
{
  propagate_keyring_error (error, cause);
}
