/* idw-backup-format.c: the encrypted container of a backup
 * (docs/formats.md §12.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   header  = "IDWBACK" || version (1) || KDF (2: Argon2id v1.3)
 *             || opslimit (u32 BE) || memlimit in KiB (u32 BE) || salt (16)
 *             || secretstream header (24) || MAC (32)
 *   message = length of the ciphertext (u32 BE) || ciphertext
 *
 * master = Argon2id (passphrase, salt, opslimit, memlimit), 32 bytes; the
 * stream key and the MAC key are its subkeys 1 and 2 (crypto_kdf, context
 * "IDWBACK1"). The MAC (HMAC-SHA-512-256, crypto_auth) covers the header
 * before it, so that a wrong passphrase, or a header altered in any byte,
 * is told before a message is read; every message of the secretstream
 * (XChaCha20-Poly1305) also carries the whole header as additional data.
 * The stream's own state chains the messages: a message dropped, repeated
 * or moved fails, and only the last has the final tag, so a cut-short file
 * is told from a whole one. Nothing may follow the final message.
 *
 * Small on purpose, to be audited on its own: the records inside are
 * idw-backup.c's.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "idw-backup-private.h"
#include "idw-error.h"

#define KDF_CONTEXT      "IDWBACK1"
#define SUBKEY_STREAM    1
#define SUBKEY_MAC       2
#define KEY_LEN          32

G_STATIC_ASSERT (IDW_BACKUP_SALT_LEN == crypto_pwhash_SALTBYTES);
G_STATIC_ASSERT (IDW_BACKUP_STREAM_HEADER_LEN == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
G_STATIC_ASSERT (IDW_BACKUP_ABYTES == crypto_secretstream_xchacha20poly1305_ABYTES);
G_STATIC_ASSERT (IDW_BACKUP_MAC_LEN == crypto_auth_BYTES);
G_STATIC_ASSERT (KEY_LEN == crypto_secretstream_xchacha20poly1305_KEYBYTES);
G_STATIC_ASSERT (KEY_LEN == crypto_auth_KEYBYTES);
G_STATIC_ASSERT (sizeof KDF_CONTEXT - 1 == crypto_kdf_CONTEXTBYTES);
G_STATIC_ASSERT (IDW_BACKUP_KDF_ARGON2ID13 == crypto_pwhash_ALG_ARGON2ID13);
G_STATIC_ASSERT (IDW_BACKUP_HEADER_LEN == 89);

/* Where each field of the header starts. */
#define OFF_VERSION      IDW_BACKUP_MAGIC_LEN
#define OFF_KDF          (OFF_VERSION + 1)
#define OFF_OPSLIMIT     (OFF_KDF + 1)
#define OFF_MEMLIMIT     (OFF_OPSLIMIT + 4)
#define OFF_SALT         (OFF_MEMLIMIT + 4)
#define OFF_STREAM       (OFF_SALT + IDW_BACKUP_SALT_LEN)
#define OFF_MAC          (OFF_STREAM + IDW_BACKUP_STREAM_HEADER_LEN)

/* ---- The passphrase ------------------------------------------------- */

struct _IdwPassphrase
{
  guint8 *data;   /* sodium_malloc, NFC UTF-8, not terminated */
  gsize   len;
};

static void
ensure_sodium (void)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

/**
 * idw_passphrase_new:
 * @text: (array length=len): the passphrase, UTF-8
 * @len: its length in bytes, or -1 when @text is NUL-terminated
 * @error: return location for a #GError
 *
 * Copies @text, normalised to NFC, into guarded memory; the caller wipes
 * its own copy. Nothing is trimmed: spaces are part of a passphrase (the
 * CLI drops the newline that ends a passphrase file).
 *
 * Returns: (transfer full): the passphrase, or %NULL with
 *   IDW_ERROR_BACKUP_PASSPHRASE (empty), IDW_ERROR_MALFORMED (not UTF-8)
 *   or IDW_ERROR_LIMIT (longer than %IDW_BACKUP_MAX_PASSPHRASE bytes).
 */
IdwPassphrase *
idw_passphrase_new (const char  *text,
                    gssize       len,
                    GError     **error)
{
  IdwPassphrase *passphrase;
  char *normal;
  gsize normal_len;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_sodium ();

  if (len < 0)
    len = (gssize) strlen (text);
  if (len == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_PASSPHRASE,
                           _("The passphrase is empty."));
      return NULL;
    }
  if ((gsize) len > IDW_BACKUP_MAX_PASSPHRASE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The passphrase is longer than %d bytes."), IDW_BACKUP_MAX_PASSPHRASE);
      return NULL;
    }
  if (!g_utf8_validate_len (text, (gsize) len, NULL))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The passphrase is not valid UTF-8 text."));
      return NULL;
    }

  normal = g_utf8_normalize (text, len, G_NORMALIZE_NFC);
  normal_len = strlen (normal);
  if (normal_len > IDW_BACKUP_MAX_PASSPHRASE)
    {
      sodium_memzero (normal, normal_len);
      g_free (normal);
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The passphrase is longer than %d bytes."), IDW_BACKUP_MAX_PASSPHRASE);
      return NULL;
    }

  passphrase = g_new0 (IdwPassphrase, 1);
  passphrase->len = normal_len;
  passphrase->data = sodium_malloc (normal_len);
  if (passphrase->data == NULL)
    g_error ("Out of secure memory for a passphrase");
  memcpy (passphrase->data, normal, normal_len);
  sodium_memzero (normal, normal_len);
  g_free (normal);

  return passphrase;
}

/**
 * idw_passphrase_equal:
 * @a: a passphrase
 * @b: another
 *
 * Returns: whether both are the same (in constant time for equal lengths),
 *   for "type it twice".
 */
gboolean
idw_passphrase_equal (IdwPassphrase *a,
                      IdwPassphrase *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->len == b->len && sodium_memcmp (a->data, b->data, a->len) == 0;
}

IdwPassphrase *
_idw_passphrase_copy (IdwPassphrase *passphrase)
{
  IdwPassphrase *copy = g_new0 (IdwPassphrase, 1);

  copy->len = passphrase->len;
  copy->data = sodium_malloc (MAX (passphrase->len, 1));
  if (copy->data == NULL)
    g_error ("Out of secure memory for a passphrase");
  memcpy (copy->data, passphrase->data, passphrase->len);
  return copy;
}

void
idw_passphrase_free (IdwPassphrase *passphrase)
{
  if (passphrase == NULL)
    return;
  sodium_free (passphrase->data);  /* wipes */
  g_free (passphrase);
}

/* ---- Guarded plaintexts --------------------------------------------- */

GBytes *
_idw_backup_secure_bytes_new (gsize    len,
                              guint8 **out_data)
{
  /* sodium_malloc (0) is allowed, but one byte keeps it simple. */
  guint8 *data = sodium_malloc (MAX (len, 1));

  if (data == NULL)
    g_error ("Out of secure memory for a backup");
  *out_data = data;
  return g_bytes_new_with_free_func (data, len, sodium_free, data);
}

void
_idw_backup_wipe_bytes (GBytes *bytes)
{
  gsize len;
  gpointer data;

  if (bytes == NULL)
    return;
  data = g_bytes_unref_to_data (bytes, &len);
  sodium_memzero (data, len);
  g_free (data);
}

/* ---- Keys ------------------------------------------------------------ */

void
_idw_backup_kdf_defaults (guint32 *out_opslimit,
                          guint32 *out_memlimit_kib)
{
  if (g_strcmp0 (g_getenv ("IDW_BACKUP_TEST_KDF"), "fast") == 0)
    {
      *out_opslimit = IDW_BACKUP_OPSLIMIT_MIN;
      *out_memlimit_kib = IDW_BACKUP_MEMLIMIT_MIN / 1024;
      return;
    }
  *out_opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
  *out_memlimit_kib = crypto_pwhash_MEMLIMIT_MODERATE / 1024;
}

typedef struct
{
  guint8 *stream;   /* sodium_malloc, KEY_LEN */
  guint8 *mac;      /* sodium_malloc, KEY_LEN */
} Keys;

static void
keys_clear (Keys *keys)
{
  g_clear_pointer (&keys->stream, sodium_free);
  g_clear_pointer (&keys->mac, sodium_free);
}

/* Argon2id, then the two subkeys. Errors: IDW_ERROR_FAILED when there is
 * not enough memory for Argon2id. */
static gboolean
derive_keys (IdwPassphrase  *passphrase,
             const guint8   *salt,
             guint32         opslimit,
             guint32         memlimit_kib,
             Keys           *keys,
             GError        **error)
{
  guint8 *master = sodium_malloc (KEY_LEN);
  gboolean ok = FALSE;

  keys->stream = sodium_malloc (KEY_LEN);
  keys->mac = sodium_malloc (KEY_LEN);
  if (master == NULL || keys->stream == NULL || keys->mac == NULL)
    g_error ("Out of secure memory for a backup's keys");

  if (crypto_pwhash (master, KEY_LEN, (const char *) passphrase->data, passphrase->len,
                     salt, opslimit, (size_t) memlimit_kib * 1024,
                     crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("There is not enough memory to derive the backup’s key (%u MiB are needed)."),
                   memlimit_kib / 1024);
      goto out;
    }

  crypto_kdf_derive_from_key (keys->stream, KEY_LEN, SUBKEY_STREAM, KDF_CONTEXT, master);
  crypto_kdf_derive_from_key (keys->mac, KEY_LEN, SUBKEY_MAC, KDF_CONTEXT, master);
  ok = TRUE;

out:
  sodium_free (master);
  if (!ok)
    keys_clear (keys);
  return ok;
}

/* ---- Writing --------------------------------------------------------- */

struct _IdwBackupWriter
{
  IdwBackupWriteFunc write;
  gpointer           user_data;
  guint8             header[IDW_BACKUP_HEADER_LEN];
  crypto_secretstream_xchacha20poly1305_state *state;  /* sodium_malloc */
  gboolean           finished;
};

IdwBackupWriter *
_idw_backup_writer_new (IdwPassphrase       *passphrase,
                        guint32              opslimit,
                        guint32              memlimit_kib,
                        IdwBackupWriteFunc   write,
                        gpointer             user_data,
                        GError             **error)
{
  g_autoptr(IdwBackupWriter) self = g_new0 (IdwBackupWriter, 1);
  Keys keys = { 0 };
  guint8 *h = self->header;

  ensure_sodium ();

  self->write = write;
  self->user_data = user_data;
  self->state = sodium_malloc (sizeof *self->state);
  if (self->state == NULL)
    g_error ("Out of secure memory for a backup");

  memcpy (h, IDW_BACKUP_MAGIC, IDW_BACKUP_MAGIC_LEN);
  h[OFF_VERSION] = IDW_BACKUP_FORMAT_VERSION;
  h[OFF_KDF] = IDW_BACKUP_KDF_ARGON2ID13;
  h[OFF_OPSLIMIT] = opslimit >> 24;
  h[OFF_OPSLIMIT + 1] = opslimit >> 16;
  h[OFF_OPSLIMIT + 2] = opslimit >> 8;
  h[OFF_OPSLIMIT + 3] = opslimit;
  h[OFF_MEMLIMIT] = memlimit_kib >> 24;
  h[OFF_MEMLIMIT + 1] = memlimit_kib >> 16;
  h[OFF_MEMLIMIT + 2] = memlimit_kib >> 8;
  h[OFF_MEMLIMIT + 3] = memlimit_kib;
  randombytes_buf (h + OFF_SALT, IDW_BACKUP_SALT_LEN);

  if (!derive_keys (passphrase, h + OFF_SALT, opslimit, memlimit_kib, &keys, error))
    return NULL;

  crypto_secretstream_xchacha20poly1305_init_push (self->state, h + OFF_STREAM, keys.stream);
  crypto_auth (h + OFF_MAC, h, OFF_MAC, keys.mac);
  keys_clear (&keys);

  if (!self->write (h, IDW_BACKUP_HEADER_LEN, self->user_data, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
_idw_backup_writer_add (IdwBackupWriter  *self,
                        const guint8     *plaintext,
                        gsize             len,
                        gboolean          final,
                        GError          **error)
{
  gsize ct_len = len + IDW_BACKUP_ABYTES;
  g_autofree guint8 *out = NULL;
  unsigned long long written = 0;

  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (ct_len <= G_MAXUINT32, FALSE);

  out = g_malloc (4 + ct_len);
  out[0] = ct_len >> 24;
  out[1] = ct_len >> 16;
  out[2] = ct_len >> 8;
  out[3] = ct_len;
  crypto_secretstream_xchacha20poly1305_push (self->state, out + 4, &written, plaintext, len,
                                              self->header, IDW_BACKUP_HEADER_LEN,
                                              final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                    : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  g_assert (written == ct_len);
  self->finished = final;

  return self->write (out, 4 + ct_len, self->user_data, error);
}

void
_idw_backup_writer_free (IdwBackupWriter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->state, sodium_free);
  g_free (self);
}

/* ---- Reading --------------------------------------------------------- */

struct _IdwBackupReader
{
  GInputStream *in;
  guint8        header[IDW_BACKUP_HEADER_LEN];
  crypto_secretstream_xchacha20poly1305_state *state;  /* sodium_malloc */
  guint64       total;      /* bytes read so far */
  gboolean      finished;
};

static void
set_truncated (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                       _("The backup is incomplete: it was cut short while it was written or copied."));
}

static void
set_too_large (GError **error)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
               _("The backup is larger than %d MiB, more than any wallet’s backup can be."),
               IDW_BACKUP_MAX_SIZE / (1024 * 1024));
}

/* Reads up to @len bytes; *out_n tells how many there were. */
static gboolean
read_some (IdwBackupReader  *self,
           guint8           *buffer,
           gsize             len,
           gsize            *out_n,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_input_stream_read_all (self->in, buffer, len, out_n, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                     _("Could not read the backup: %s"), local_error->message);
      return FALSE;
    }
  self->total += *out_n;
  if (self->total > IDW_BACKUP_MAX_SIZE)
    {
      set_too_large (error);
      return FALSE;
    }
  return TRUE;
}

static guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

IdwBackupReader *
_idw_backup_reader_new (GInputStream   *in,
                        IdwPassphrase  *passphrase,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(IdwBackupReader) self = g_new0 (IdwBackupReader, 1);
  Keys keys = { 0 };
  guint8 *h = self->header;
  guint32 opslimit, memlimit_kib;
  gsize n = 0;
  gboolean mac_ok;

  g_return_val_if_fail (G_IS_INPUT_STREAM (in), NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);

  ensure_sodium ();

  self->in = g_object_ref (in);
  self->state = sodium_malloc (sizeof *self->state);
  if (self->state == NULL)
    g_error ("Out of secure memory for a backup");

  if (!read_some (self, h, IDW_BACKUP_HEADER_LEN, &n, cancellable, error))
    return NULL;

  if (n < IDW_BACKUP_MAGIC_LEN || memcmp (h, IDW_BACKUP_MAGIC, IDW_BACKUP_MAGIC_LEN) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                           _("This is not an ID Wallet backup."));
      return NULL;
    }
  if (n > OFF_VERSION && h[OFF_VERSION] != IDW_BACKUP_FORMAT_VERSION)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("This backup was made by a newer version of ID Wallet. "
                             "Update ID Wallet to restore it."));
      return NULL;
    }
  if (n < IDW_BACKUP_HEADER_LEN)
    {
      set_truncated (error);
      return NULL;
    }

  opslimit = get_u32 (h + OFF_OPSLIMIT);
  memlimit_kib = get_u32 (h + OFF_MEMLIMIT);
  /* Checked before a single byte of memory is set aside for them. */
  if (h[OFF_KDF] != IDW_BACKUP_KDF_ARGON2ID13
      || opslimit < IDW_BACKUP_OPSLIMIT_MIN || opslimit > IDW_BACKUP_OPSLIMIT_MAX
      || memlimit_kib < IDW_BACKUP_MEMLIMIT_MIN / 1024 || memlimit_kib > IDW_BACKUP_MEMLIMIT_MAX / 1024)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                   _("The backup asks for a key derivation ID Wallet does not do "
                     "(Argon2id with %u passes over %u MiB; ID Wallet accepts %d to %d passes "
                     "over %d to %d MiB): it is damaged, or was not made by ID Wallet."),
                   opslimit, memlimit_kib / 1024,
                   IDW_BACKUP_OPSLIMIT_MIN, IDW_BACKUP_OPSLIMIT_MAX,
                   IDW_BACKUP_MEMLIMIT_MIN / (1024 * 1024), IDW_BACKUP_MEMLIMIT_MAX / (1024 * 1024));
      return NULL;
    }

  if (!derive_keys (passphrase, h + OFF_SALT, opslimit, memlimit_kib, &keys, error))
    return NULL;

  mac_ok = crypto_auth_verify (h + OFF_MAC, h, OFF_MAC, keys.mac) == 0
           && crypto_secretstream_xchacha20poly1305_init_pull (self->state, h + OFF_STREAM,
                                                               keys.stream) == 0;
  keys_clear (&keys);
  if (!mac_ok)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_PASSPHRASE,
                           _("The passphrase is not the one this backup was made with "
                             "(or the backup’s header was altered)."));
      return NULL;
    }

  return g_steal_pointer (&self);
}

GBytes *
_idw_backup_reader_next (IdwBackupReader  *self,
                         gboolean         *out_final,
                         GCancellable     *cancellable,
                         GError          **error)
{
  guint8 prefix[4];
  g_autofree guint8 *ciphertext = NULL;
  g_autoptr(GBytes) plaintext = NULL;
  guint8 *plain;
  unsigned long long plain_len = 0;
  unsigned char tag = 0;
  guint32 ct_len;
  gsize n = 0;

  g_return_val_if_fail (!self->finished, NULL);

  *out_final = FALSE;

  if (!read_some (self, prefix, sizeof prefix, &n, cancellable, error))
    return NULL;
  if (n < sizeof prefix)
    {
      set_truncated (error);
      return NULL;
    }
  ct_len = get_u32 (prefix);
  if (ct_len < IDW_BACKUP_ABYTES)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                           _("The backup was altered after it was made."));
      return NULL;
    }
  if (ct_len - IDW_BACKUP_ABYTES > IDW_BACKUP_MAX_RECORD)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("A part of the backup is larger than %d MiB, more than any ID can be."),
                   IDW_BACKUP_MAX_RECORD / (1024 * 1024));
      return NULL;
    }
  if (self->total + ct_len > IDW_BACKUP_MAX_SIZE)
    {
      set_too_large (error);
      return NULL;
    }

  ciphertext = g_malloc (ct_len);
  if (!read_some (self, ciphertext, ct_len, &n, cancellable, error))
    return NULL;
  if (n < ct_len)
    {
      set_truncated (error);
      return NULL;
    }

  plaintext = _idw_backup_secure_bytes_new (ct_len - IDW_BACKUP_ABYTES, &plain);
  if (crypto_secretstream_xchacha20poly1305_pull (self->state, plain, &plain_len, &tag,
                                                  ciphertext, ct_len,
                                                  self->header, IDW_BACKUP_HEADER_LEN) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                           _("The backup was altered after it was made: a part of it does not "
                             "decrypt, or is out of place."));
      return NULL;
    }

  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    {
      guint8 extra;

      self->finished = TRUE;
      if (!read_some (self, &extra, 1, &n, cancellable, error))
        return NULL;
      if (n != 0)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                               _("The backup has bytes after its end: it was altered, "
                                 "or something was appended to it."));
          return NULL;
        }
      *out_final = TRUE;
    }
  else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
                           _("The backup was altered after it was made."));
      return NULL;
    }

  return g_steal_pointer (&plaintext);
}

void
_idw_backup_reader_free (IdwBackupReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->in);
  g_clear_pointer (&self->state, sodium_free);
  g_free (self);
}
