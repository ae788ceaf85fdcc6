/* fuzz-backup.c: the records of a backup, once decrypted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A backup's container is authenticated encryption under a key derived
 * from the passphrase with Argon2id (idw-backup-format.c, tested on its
 * own), so random bytes never get past it; but whoever knows a passphrase
 * can seal anything, and a backup someone else hands over is as hostile as
 * any presentation. The harness feeds the records behind the container to
 * what idw_backup_open_sync() runs on them.
 *
 * Input: records, each a 2-byte big-endian length and that many bytes (a
 * record cut short is taken as it is); the last record is the stream's
 * final message. Whatever is accepted must describe itself in readable
 * text, and keep its limits.
 */
#include "config.h"

#include "idw-backup.h"
#include "idw-backup-private.h"

#include "fuzz-common.h"

#define MAX_RECORDS 64

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
  GBytes *records[MAX_RECORDS];
  guint n = 0;
  size_t at = 0;
  g_autoptr(IdwBackup) backup = NULL;
  g_autoptr(GError) error = NULL;

  while (at + 2 <= size && n < MAX_RECORDS)
    {
      size_t len = ((size_t) data[at] << 8) | data[at + 1];

      at += 2;
      len = MIN (len, size - at);
      records[n++] = g_bytes_new (data + at, len);
      at += len;
    }

  backup = _idw_backup_parse_records (records, n, &error);
  fuzz_check_result (backup, error);
  if (backup != NULL)
    {
      GPtrArray *credentials = idw_backup_get_credentials (backup);
      GVariant *settings = idw_backup_get_settings (backup);

      g_assert_nonnull (idw_backup_get_created (backup));
      g_assert_cmpuint (credentials->len, <=, IDW_BACKUP_MAX_CREDENTIALS);
      for (guint i = 0; i < credentials->len; i++)
        {
          g_autofree char *name = idw_backup_credential_dup_name (g_ptr_array_index (credentials, i));

          fuzz_check_text (name);
        }
      g_assert_true (g_variant_is_of_type (settings, G_VARIANT_TYPE ("a{sv}")));
    }

  for (guint i = 0; i < n; i++)
    g_bytes_unref (records[i]);
  return 0;
}
