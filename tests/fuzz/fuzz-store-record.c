/* fuzz-store-record.c: the credential store's files and records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A store file is authenticated encryption under the wallet key, so
 * changed files are mostly refused by the MAC: the harness fuzzes the file
 * layer (magic, version, length, MAC) and, separately, the record CBOR
 * that a decrypted file holds.
 *
 * Input: one mode byte, the 32-character id of the file (bytes that are
 * not lowercase hex digits are mapped to some), then
 *   mode & 1: the file's bytes, decrypted with FUZZ_WALLET_KEY and then
 *             decoded;
 *   otherwise the record CBOR (a file's plaintext), decoded.
 */
#include "config.h"

#include "idw-store-private.h"

#include "fuzz-common.h"

#define ID_LEN 32

/* The wallet key of the corpus files: a test key, 32 bytes. */
#define FUZZ_WALLET_KEY "ID Wallet fuzzing test key, none"
G_STATIC_ASSERT (sizeof FUZZ_WALLET_KEY - 1 == IDW_WALLET_KEY_LEN);

static IdwWalletKey *wallet_key;

static void
fuzz_decode (const char *id,
             GBytes     *plaintext)
{
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(GDateTime) imported = NULL;
  g_autofree char *nickname = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = _idw_store_record_decode (id, plaintext, &credential, &imported, &nickname, &error);
  fuzz_check_result (ok ? plaintext : NULL, error);
  if (!ok)
    return;

  g_assert_true (IDW_IS_CREDENTIAL (credential));
  g_assert_nonnull (imported);
  if (nickname != NULL)
    fuzz_check_text (nickname);
  fuzz_check_text (idw_credential_get_doctype (credential));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  fuzz_init (argv);
  wallet_key = idw_wallet_key_new_from_data ((const guint8 *) FUZZ_WALLET_KEY, IDW_WALLET_KEY_LEN,
                                             &error);
  g_assert_no_error (error);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char hex[] = "0123456789abcdef";
  char id[ID_LEN + 1];
  g_autoptr(GBytes) payload = NULL;
  guint8 mode;

  if (size < 1 + ID_LEN)
    return 0;
  mode = data[0];
  for (guint i = 0; i < ID_LEN; i++)
    {
      guint8 c = data[1 + i];

      id[i] = g_ascii_isxdigit (c) && !g_ascii_isupper (c) ? (char) c : hex[c & 0xf];
    }
  id[ID_LEN] = '\0';
  payload = g_bytes_new (data + 1 + ID_LEN, size - 1 - ID_LEN);

  if (mode & 1)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) plaintext = _idw_store_record_decrypt (wallet_key, id, payload, &error);

      fuzz_check_result (plaintext, error);
      if (plaintext != NULL)
        fuzz_decode (id, plaintext);
    }
  else
    fuzz_decode (id, payload);

  return 0;
}
