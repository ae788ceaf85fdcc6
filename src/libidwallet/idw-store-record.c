/* idw-store-record.c: the record format of a credential store file
 * (docs/store.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file is "IDWS1\n" || nonce (24) || XChaCha20-Poly1305-IETF ciphertext
 * under the wallet key, with associated data "IDWS1\n" || id, so that a file
 * renamed to another id, or copied from another wallet, fails to decrypt.
 * The plaintext is CBOR { "id", "version": 1, "imported": tdate,
 * ? "nickname", "credential": bstr, ? "reissueNeeded": true } (keys in
 * deterministic order), where
 * the credential is the .idwcred encoding without the private key.
 *
 * Nothing here touches a folder or the keyring: idw-store.c reads and
 * writes the files, and the fuzzer decodes them without either.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-store-private.h"

#define STORE_MAGIC          "IDWS1\n"
#define STORE_MAGIC_LEN      6
#define STORE_MAGIC_FAMILY   "IDWS"   /* any version of the format */
#define STORE_NONCE_LEN      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define STORE_TAG_LEN        crypto_aead_xchacha20poly1305_ietf_ABYTES
#define STORE_HEADER_LEN     (STORE_MAGIC_LEN + STORE_NONCE_LEN)
#define STORE_VERSION        1
#define STORE_CONTEXT        "ID Wallet store entry"

G_STATIC_ASSERT (sizeof STORE_MAGIC - 1 == STORE_MAGIC_LEN);
G_STATIC_ASSERT (crypto_aead_xchacha20poly1305_ietf_KEYBYTES == IDW_WALLET_KEY_LEN);

char *
_idw_store_file_name_for_id (const char *id)
{
  return g_strconcat (id, IDW_STORE_FILE_SUFFIX, NULL);
}

void
_idw_store_wipe_bytes (GBytes *bytes)
{
  gsize len;
  gpointer data;

  if (bytes == NULL)
    return;
  data = g_bytes_unref_to_data (bytes, &len);
  sodium_memzero (data, len);
  g_free (data);
}

/* ---- Encryption ------------------------------------------------------ */

static void
make_associated_data (const char *id,
                      guint8      ad[STORE_MAGIC_LEN + IDW_STORE_ID_LEN])
{
  memcpy (ad, STORE_MAGIC, STORE_MAGIC_LEN);
  memcpy (ad + STORE_MAGIC_LEN, id, IDW_STORE_ID_LEN);
}

GBytes *
_idw_store_record_encrypt (IdwWalletKey *wallet_key,
                           const char   *id,
                           const guint8 *plaintext,
                           gsize         len)
{
  guint8 ad[STORE_MAGIC_LEN + IDW_STORE_ID_LEN];
  gsize total = STORE_HEADER_LEN + len + STORE_TAG_LEN;
  guint8 *out = g_malloc (total);
  unsigned long long ct_len = 0;

  make_associated_data (id, ad);
  memcpy (out, STORE_MAGIC, STORE_MAGIC_LEN);
  randombytes_buf (out + STORE_MAGIC_LEN, STORE_NONCE_LEN);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + STORE_HEADER_LEN, &ct_len,
                                              plaintext, len,
                                              ad, sizeof ad,
                                              NULL, out + STORE_MAGIC_LEN,
                                              idw_wallet_key_get_data (wallet_key));
  g_assert (ct_len == len + STORE_TAG_LEN);
  return g_bytes_new_take (out, total);
}

/* Returns the plaintext (the caller wipes it with _idw_store_wipe_bytes()). */
GBytes *
_idw_store_record_decrypt (IdwWalletKey  *wallet_key,
                           const char    *id,
                           GBytes        *file,
                           GError       **error)
{
  g_autofree char *name = _idw_store_file_name_for_id (id);
  guint8 ad[STORE_MAGIC_LEN + IDW_STORE_ID_LEN];
  const guint8 *data;
  gsize len;
  guint8 *plaintext;
  unsigned long long plaintext_len = 0;

  data = g_bytes_get_data (file, &len);

  if (len < strlen (STORE_MAGIC_FAMILY) || memcmp (data, STORE_MAGIC_FAMILY, 4) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s” is not an ID Wallet credential file."), name);
      return NULL;
    }
  if (len >= STORE_MAGIC_LEN && memcmp (data, STORE_MAGIC, STORE_MAGIC_LEN) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s” was written by a newer version of ID Wallet."), name);
      return NULL;
    }
  if (len < STORE_HEADER_LEN + STORE_TAG_LEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "“%s” is truncated: it has only %zu byte.",
                                "“%s” is truncated: it has only %zu bytes.", len),
                   name, len);
      return NULL;
    }

  make_associated_data (id, ad);
  plaintext = g_malloc (len - STORE_HEADER_LEN - STORE_TAG_LEN + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plaintext, &plaintext_len, NULL,
                                                  data + STORE_HEADER_LEN,
                                                  len - STORE_HEADER_LEN,
                                                  ad, sizeof ad,
                                                  data + STORE_MAGIC_LEN,
                                                  idw_wallet_key_get_data (wallet_key)) != 0)
    {
      g_free (plaintext);
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   _("“%s” could not be decrypted: it was cut short or changed, renamed, "
                     "or encrypted with another wallet’s key."), name);
      return NULL;
    }

  return g_bytes_new_take (plaintext, plaintext_len);
}

/* ---- Records --------------------------------------------------------- */

void
_idw_store_record_free (IdwStoreRecord *record)
{
  g_clear_pointer (&record->imported, g_date_time_unref);
  g_free (record->nickname);
  g_clear_pointer (&record->credential_bytes, g_bytes_unref);
  g_clear_object (&record->credential);
  g_free (record);
}

GBytes *
_idw_store_record_encode (const char *id,
                          GDateTime  *imported,
                          const char *nickname,
                          GBytes     *credential_bytes,
                          gboolean    reissue_needed)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  /* Core deterministic order: shorter keys first, then bytewise. */
  idw_cbor_map_add_str (map, "id", idw_cbor_new_string (id));
  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (STORE_VERSION));
  idw_cbor_map_add_str (map, "imported", idw_cbor_new_tdate (imported));
  if (nickname != NULL)
    idw_cbor_map_add_str (map, "nickname", idw_cbor_new_string (nickname));
  idw_cbor_map_add_str (map, "credential", idw_cbor_new_gbytes (credential_bytes));
  if (reissue_needed)
    idw_cbor_map_add_str (map, "reissueNeeded", idw_cbor_new_bool (TRUE));
  return idw_cbor_encode (map);
}

IdwStoreRecord *
_idw_store_record_parse (const char  *id,
                         GBytes      *plaintext,
                         GError     **error)
{
  g_autofree char *name = _idw_store_file_name_for_id (id);
  g_autoptr(IdwStoreRecord) record = g_new0 (IdwStoreRecord, 1);
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *item;
  guint64 version = 0;

  map = idw_cbor_decode_bytes (plaintext, &local_error);
  if (map == NULL)
    goto damaged;

  item = idw_cbor_require (map, "version", CBOR_TYPE_UINT, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  idw_cbor_get_uint (item, &version);
  if (version != STORE_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s” was written by a newer version of ID Wallet."), name);
      return NULL;
    }

  item = idw_cbor_require (map, "id", CBOR_TYPE_STRING, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  if (!idw_cbor_string_equal (item, id))
    {
      /* Only a file made with this wallet's key can get here. */
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s” holds the ID of another file."), name);
      return NULL;
    }

  item = idw_cbor_require (map, "imported", CBOR_TYPE_TAG, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  record->imported = idw_cbor_get_tdate (item, STORE_CONTEXT " imported", &local_error);
  if (record->imported == NULL)
    goto damaged;

  if (idw_cbor_map_get (map, "nickname") != NULL)
    {
      item = idw_cbor_require (map, "nickname", CBOR_TYPE_STRING, STORE_CONTEXT, &local_error);
      if (item == NULL)
        goto damaged;
      record->nickname = idw_cbor_dup_string (item);
    }

  item = idw_cbor_require (map, "credential", CBOR_TYPE_BYTESTRING, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  record->credential_bytes = idw_cbor_dup_bytes (item);
  record->credential = idw_credential_new_from_bytes (record->credential_bytes, &local_error);
  if (record->credential == NULL)
    goto damaged;

  item = idw_cbor_map_get (map, "reissueNeeded");
  if (item != NULL)
    {
      if (!idw_cbor_get_bool (item, &record->reissue_needed))
        {
          g_set_error (&local_error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                       _("%s: reissueNeeded: expected a boolean"), STORE_CONTEXT);
          goto damaged;
        }
    }

  return g_steal_pointer (&record);

damaged:
  g_set_error (error, IDW_ERROR,
               local_error->domain == IDW_ERROR ? local_error->code : IDW_ERROR_MALFORMED,
               _("“%s” holds a damaged ID: %s"), name, local_error->message);
  return NULL;
}

gboolean
_idw_store_record_decode (const char     *id,
                          GBytes         *plaintext,
                          IdwCredential **out_credential,
                          GDateTime     **out_imported,
                          char          **out_nickname,
                          GError        **error)
{
  g_autoptr(IdwStoreRecord) record = _idw_store_record_parse (id, plaintext, error);

  if (record == NULL)
    return FALSE;
  if (out_credential != NULL)
    *out_credential = g_steal_pointer (&record->credential);
  if (out_imported != NULL)
    *out_imported = g_steal_pointer (&record->imported);
  if (out_nickname != NULL)
    *out_nickname = g_steal_pointer (&record->nickname);
  return TRUE;
}
