/* test-history.c: the holder's history (idw-history.h): order, delete,
 * clear, merge, limits, damaged and foreign files, concurrent writers, and
 * the exact CBOR and JSON forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No keyring: the wallet key is a random one. Files are built by hand
 * here, with libsodium, from the format in docs/store.md.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-history.h"
#include "idw-store-private.h"
#include "test-util.h"

#define MAGIC      "IDWH1\n"
#define PURPOSE    "ID Wallet history"
#define MDL_NS     "org.iso.18013.5.1"
#define MDL        "org.iso.18013.5.1.mDL"
#define CRED_ID    "0123456789abcdef0123456789abcdef"

/* The child mode of this program (see append_child_main()). */
#define APPEND_CHILD_ARG "--append-child"
#define WRITERS          4
#define WRITES_EACH      25

typedef struct
{
  char         *dir;
  IdwWalletKey *key;
  IdwHistory   *history;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *tmp = test_tmp_dir_new ("idw-history-XXXXXX");

  /* A folder the history makes itself, below the test's. */
  f->dir = g_build_filename (tmp, "history", NULL);
  f->key = idw_wallet_key_new_random ();
  f->history = idw_history_new (f->dir, f->key);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *tmp = g_path_get_dirname (f->dir);

  g_clear_object (&f->history);
  g_clear_pointer (&f->key, idw_wallet_key_unref);
  g_free (f->dir);
  test_tmp_dir_free (g_steal_pointer (&tmp));
}

static char *
history_file (Fixture *f)
{
  return g_build_filename (f->dir, "history.idwhist", NULL);
}

static GDateTime *
at (gint64 unix_time)
{
  return g_date_time_new_from_unix_utc (unix_time);
}

/* 2026-12-06T10:00:00Z + @offset seconds */
#define T0 G_GINT64_CONSTANT (1796551200)

static IdwHistoryEntry *
make_entry (gint64              offset,
            const char         *verifier,
            IdwHistoryChannel   channel,
            IdwHistoryOutcome   outcome,
            const char * const *elements)
{
  static const char * const default_elements[] = {
    MDL_NS "/family_name", MDL_NS "/age_over_18", NULL
  };
  g_autoptr(GDateTime) time = at (T0 + offset);

  return idw_history_entry_new (time, CRED_ID, "Driving licence", MDL,
                                elements != NULL ? elements : default_elements,
                                channel, verifier, outcome);
}

static IdwHistoryEntry *
qr_entry (gint64 offset)
{
  return make_entry (offset, NULL, IDW_HISTORY_CHANNEL_QR, IDW_HISTORY_OUTCOME_SHARED, NULL);
}

static GPtrArray *
list_ok (IdwHistory *history)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = idw_history_list_sync (history, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static void
append_ok (IdwHistory      *history,
           IdwHistoryEntry *entry)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (idw_history_append_sync (history, entry, NULL, &error));
  g_assert_no_error (error);
}

/* The ids of @entries, in order, joined by spaces. */
static char *
ids_of (GPtrArray *entries)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                            idw_history_entry_get_id (g_ptr_array_index (entries, i)));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
ids_joined (IdwHistoryEntry *first,
            ...)
{
  g_autoptr(GString) out = g_string_new (NULL);
  va_list ap;

  va_start (ap, first);
  for (IdwHistoryEntry *e = first; e != NULL; e = va_arg (ap, IdwHistoryEntry *))
    g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", idw_history_entry_get_id (e));
  va_end (ap);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- Building files by hand (docs/store.md) ---------------------------- */

static GBytes *
seal (IdwWalletKey *key,
      const char   *magic,
      const char   *purpose,
      GBytes       *plaintext)
{
  g_autofree guint8 *ad = NULL;
  gsize ad_len = 6 + strlen (purpose);
  gsize len = g_bytes_get_size (plaintext);
  guint8 *out = g_malloc (6 + 24 + len + 16);
  unsigned long long out_len = 0;

  ad = g_malloc (ad_len);
  memcpy (ad, magic, 6);
  memcpy (ad + 6, purpose, strlen (purpose));
  memcpy (out, magic, 6);
  randombytes_buf (out + 6, 24);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + 30, &out_len,
                                              g_bytes_get_data (plaintext, NULL), len,
                                              ad, ad_len, NULL, out + 6,
                                              idw_wallet_key_get_data (key));
  return g_bytes_new_take (out, 30 + out_len);
}

static GBytes *
unseal (IdwWalletKey *key,
        GBytes       *file)
{
  guint8 ad[6 + sizeof PURPOSE - 1];
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  guint8 *out = g_malloc (len);
  unsigned long long out_len = 0;

  g_assert_cmpmem (data, 6, MAGIC, 6);
  memcpy (ad, MAGIC, 6);
  memcpy (ad + 6, PURPOSE, sizeof PURPOSE - 1);
  g_assert_cmpint (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &out_len, NULL,
                                                               data + 30, len - 30,
                                                               ad, sizeof ad, data + 6,
                                                               idw_wallet_key_get_data (key)),
                   ==, 0);
  return g_bytes_new_take (out, out_len);
}

static void
write_file (const char *path,
            GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* The CBOR of a header map followed by the encodings in @items. */
static GBytes *
sequence (guint64    version,
          GBytes    *first,
          ...)
{
  g_autoptr(cbor_item_t) header = idw_cbor_new_map ();
  g_autoptr(GBytes) header_bytes = NULL;
  GByteArray *out = g_byte_array_new ();
  va_list ap;

  idw_cbor_map_add_str (header, "version", idw_cbor_new_int ((gint64) version));
  header_bytes = idw_cbor_encode (header);
  g_byte_array_append (out, g_bytes_get_data (header_bytes, NULL), g_bytes_get_size (header_bytes));
  va_start (ap, first);
  for (GBytes *b = first; b != NULL; b = va_arg (ap, GBytes *))
    g_byte_array_append (out, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  va_end (ap);
  return g_byte_array_free_to_bytes (out);
}

/* An entry's map with a chosen id, built field by field. */
static cbor_item_t *
entry_map (const char *id,
           gint64      offset)
{
  g_autoptr(GDateTime) time = at (T0 + offset);
  cbor_item_t *map = idw_cbor_new_map ();
  cbor_item_t *elements = idw_cbor_new_array ();

  idw_cbor_array_add (elements, idw_cbor_new_string (MDL_NS "/portrait"));
  idw_cbor_map_add_str (map, "id", idw_cbor_new_string (id));
  idw_cbor_map_add_str (map, "time", idw_cbor_new_tdate (time));
  idw_cbor_map_add_str (map, "channel", idw_cbor_new_string ("reply"));
  idw_cbor_map_add_str (map, "docType", idw_cbor_new_string (MDL));
  idw_cbor_map_add_str (map, "outcome", idw_cbor_new_string ("shared"));
  idw_cbor_map_add_str (map, "elements", elements);
  idw_cbor_map_add_str (map, "verifier", idw_cbor_new_string ("Lotus Hotel"));
  idw_cbor_map_add_str (map, "credential", idw_cbor_new_string (CRED_ID));
  idw_cbor_map_add_str (map, "credentialName", idw_cbor_new_string ("Driving licence"));
  return map;
}

static IdwHistoryEntry *
entry_with_id (const char *id,
               gint64      offset)
{
  g_autoptr(cbor_item_t) map = entry_map (id, offset);
  g_autoptr(GBytes) bytes = idw_cbor_encode (map);
  g_autoptr(GError) error = NULL;
  IdwHistoryEntry *entry = idw_history_entry_from_cbor (bytes, &error);

  g_assert_no_error (error);
  return entry;
}

/* ---- Order, delete, clear --------------------------------------------- */

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = list_ok (f->history);

  g_assert_cmpuint (entries->len, ==, 0);
  /* Reading makes no folder. */
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (idw_history_get_directory (f->history), ==, f->dir);
}

/* The folder's state token: new after each write (append, delete,
 * clear) by any object on the folder, the same while nothing is written,
 * and "none" before the folder exists. */
static void
test_state (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) a = qr_entry (60);
  g_autoptr(IdwHistory) other = idw_history_new (f->dir, f->key);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "not-there", NULL);
  g_autofree char *s0 = idw_history_get_state (f->dir, &error);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *s3 = NULL;
  g_autofree char *again = NULL;
  g_autofree char *none = NULL;

  g_assert_no_error (error);
  append_ok (other, a);
  s1 = idw_history_get_state (f->dir, &error);
  again = idw_history_get_state (f->dir, &error);
  g_assert_cmpstr (s1, !=, s0);
  g_assert_cmpstr (again, ==, s1);
  g_assert_true (idw_history_delete_sync (other, idw_history_entry_get_id (a), NULL, &error));
  g_assert_no_error (error);
  s2 = idw_history_get_state (f->dir, &error);
  g_assert_cmpstr (s2, !=, s1);
  append_ok (other, a);
  g_assert_true (idw_history_clear_sync (other, NULL, &error));
  g_assert_no_error (error);
  s3 = idw_history_get_state (f->dir, &error);
  g_assert_cmpstr (s3, !=, s2);

  none = idw_history_get_state (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (none, ==, "none");
}

static void
test_order (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) a = qr_entry (60);
  g_autoptr(IdwHistoryEntry) b = qr_entry (0);
  g_autoptr(IdwHistoryEntry) c = qr_entry (120);
  g_autoptr(IdwHistoryEntry) d = qr_entry (120);   /* the same second as c */
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  /* Out of time order, as a clock set back would make them. */
  append_ok (f->history, a);
  append_ok (f->history, b);
  append_ok (f->history, c);
  append_ok (f->history, d);
  /* The same entry again changes nothing. */
  append_ok (f->history, a);

  entries = list_ok (f->history);
  got = ids_of (entries);
  want = ids_joined (d, c, a, b, NULL);
  g_assert_cmpstr (got, ==, want);

  /* Another object on the same folder reads the same. */
  {
    g_autoptr(IdwHistory) again = idw_history_new (f->dir, f->key);
    g_autoptr(GPtrArray) entries2 = list_ok (again);
    g_autofree char *got2 = ids_of (entries2);

    g_assert_cmpstr (got2, ==, want);
  }
}

static void
test_fields_kept (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const none[] = { NULL };
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 ("2026-12-06T11:12:13.75+02:00", NULL);
  g_autoptr(IdwHistoryEntry) declined = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  IdwHistoryEntry *e;
  g_autofree char *stamp = NULL;

  declined = idw_history_entry_new (time, CRED_ID, "Erika’s licence", MDL, none,
                                    IDW_HISTORY_CHANNEL_REPLY, "Lotus Hotel",
                                    IDW_HISTORY_OUTCOME_DECLINED);
  append_ok (f->history, declined);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_true (e != declined);
  g_assert_cmpstr (idw_history_entry_get_id (e), ==, idw_history_entry_get_id (declined));
  g_assert_cmpuint (strlen (idw_history_entry_get_id (e)), ==, 32);
  stamp = g_date_time_format_iso8601 (idw_history_entry_get_time (e));
  /* UTC, whole seconds. */
  g_assert_cmpstr (stamp, ==, "2026-12-06T09:12:13Z");
  g_assert_cmpstr (idw_history_entry_get_credential_id (e), ==, CRED_ID);
  g_assert_cmpstr (idw_history_entry_get_credential_name (e), ==, "Erika’s licence");
  g_assert_cmpstr (idw_history_entry_get_doctype (e), ==, MDL);
  g_assert_cmpuint (g_strv_length ((GStrv) idw_history_entry_get_elements (e)), ==, 0);
  g_assert_cmpint (idw_history_entry_get_channel (e), ==, IDW_HISTORY_CHANNEL_REPLY);
  g_assert_cmpstr (idw_history_entry_get_verifier (e), ==, "Lotus Hotel");
  g_assert_cmpint (idw_history_entry_get_outcome (e), ==, IDW_HISTORY_OUTCOME_DECLINED);
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) entry = make_entry (0, "Lotus Hotel", IDW_HISTORY_CHANNEL_REPLY,
                                                 IDW_HISTORY_OUTCOME_SHARED, NULL);
  g_autofree char *path = history_file (f);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GBytes) entry_cbor = idw_history_entry_to_cbor (entry);
  g_autoptr(GBytes) expected = NULL;
  GStatBuf st;

  append_ok (f->history, entry);

  g_assert_cmpint (g_stat (f->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Nothing in clear; the documented format opens it: a header, then the
   * entry's own encoding. */
  file = read_file (path);
  g_assert_null (g_strstr_len (g_bytes_get_data (file, NULL), g_bytes_get_size (file), "Lotus"));
  plaintext = unseal (f->key, file);
  expected = sequence (1, entry_cbor, NULL);
  g_assert_true (g_bytes_equal (plaintext, expected));
}

static void
test_fresh_nonce (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) entry = qr_entry (0);
  g_autofree char *path = history_file (f);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  append_ok (f->history, entry);
  first = read_file (path);
  /* Deleting an unknown id writes nothing; deleting a known one does. */
  g_assert_true (idw_history_delete_sync (f->history, "ffffffffffffffffffffffffffffffff", NULL, NULL));
  second = read_file (path);
  g_assert_true (g_bytes_equal (first, second));
  g_clear_pointer (&second, g_bytes_unref);

  {
    g_autoptr(IdwHistoryEntry) other = qr_entry (1);

    append_ok (f->history, other);
    g_assert_true (idw_history_delete_sync (f->history, idw_history_entry_get_id (other),
                                            NULL, NULL));
  }
  second = read_file (path);
  g_assert_cmpuint (g_bytes_get_size (first), ==, g_bytes_get_size (second));
  g_assert_true (memcmp ((const guint8 *) g_bytes_get_data (first, NULL) + 6,
                         (const guint8 *) g_bytes_get_data (second, NULL) + 6, 24) != 0);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) a = qr_entry (0);
  g_autoptr(IdwHistoryEntry) b = qr_entry (1);
  g_autoptr(IdwHistoryEntry) c = qr_entry (2);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  append_ok (f->history, a);
  append_ok (f->history, b);
  append_ok (f->history, c);

  g_assert_true (idw_history_delete_sync (f->history, idw_history_entry_get_id (b), NULL, &error));
  g_assert_no_error (error);
  /* Twice, or an id never seen: not an error. */
  g_assert_true (idw_history_delete_sync (f->history, idw_history_entry_get_id (b), NULL, &error));
  g_assert_true (idw_history_delete_sync (f->history, "not an id", NULL, &error));
  g_assert_no_error (error);

  entries = list_ok (f->history);
  got = ids_of (entries);
  want = ids_joined (c, a, NULL);
  g_assert_cmpstr (got, ==, want);
}

static void
test_clear (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) a = qr_entry (0);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = history_file (f);

  /* Nothing to clear yet. */
  g_assert_true (idw_history_clear_sync (f->history, NULL, &error));
  g_assert_no_error (error);

  append_ok (f->history, a);
  g_assert_true (idw_history_clear_sync (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 0);

  /* A damaged file, and the copy a later append moved aside, go too. */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("IDWH1\njunk", 10);
    g_autoptr(GDir) dir = NULL;
    guint n_files = 0;

    write_file (path, junk);
    append_ok (f->history, a);
    write_file (path, junk);
    g_assert_true (idw_history_clear_sync (f->history, NULL, &error));
    g_assert_no_error (error);
    dir = g_dir_open (f->dir, 0, NULL);
    for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
      {
        g_assert_cmpstr (name, ==, "history.lock");
        n_files++;
      }
    g_assert_cmpuint (n_files, ==, 1);
  }
}

/* ---- Merge -------------------------------------------------------------- */

static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) a = qr_entry (10);
  g_autoptr(IdwHistoryEntry) b = qr_entry (30);
  g_autoptr(IdwHistoryEntry) c = entry_with_id ("cccccccccccccccccccccccccccccccc", 20);
  g_autoptr(IdwHistoryEntry) c_again = entry_with_id ("cccccccccccccccccccccccccccccccc", 20);
  g_autoptr(IdwHistoryEntry) d = entry_with_id ("dddddddddddddddddddddddddddddddd", 0);
  g_autoptr(GPtrArray) incoming = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  guint n_added = 99;

  append_ok (f->history, a);
  append_ok (f->history, b);

  /* a is there already; c comes twice; d is the oldest of all. */
  g_ptr_array_add (incoming, a);
  g_ptr_array_add (incoming, c);
  g_ptr_array_add (incoming, c_again);
  g_ptr_array_add (incoming, d);
  g_assert_true (idw_history_merge_sync (f->history, incoming, &n_added, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, 2);

  entries = list_ok (f->history);
  got = ids_of (entries);
  want = ids_joined (b, c, a, d, NULL);
  g_assert_cmpstr (got, ==, want);

  /* The same again adds nothing. */
  g_assert_true (idw_history_merge_sync (f->history, incoming, &n_added, NULL, &error));
  g_assert_cmpuint (n_added, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 4);
}

/* An entry that breaks a limit stops the whole merge. */
static void
test_merge_refuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *long_name = g_strnfill (IDW_HISTORY_MAX_TEXT + 1, 'x');
  g_autoptr(GDateTime) time = at (T0);
  g_autoptr(IdwHistoryEntry) good = qr_entry (0);
  g_autoptr(IdwHistoryEntry) bad = idw_history_entry_new (time, CRED_ID, long_name, MDL, NULL,
                                                          IDW_HISTORY_CHANNEL_QR, NULL,
                                                          IDW_HISTORY_OUTCOME_SHARED);
  g_autoptr(GPtrArray) incoming = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint n_added = 99;

  g_ptr_array_add (incoming, good);
  g_ptr_array_add (incoming, bad);
  g_assert_false (idw_history_merge_sync (f->history, incoming, &n_added, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
  g_assert_cmpuint (n_added, ==, 0);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 0);
}

/* ---- Limits ----------------------------------------------------------- */

static GPtrArray *
many_entries (guint  n,
              gint64 first_offset)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (entries, qr_entry (first_offset + i));
  return entries;
}

static void
test_entry_cap (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) full = many_entries (IDW_HISTORY_MAX_ENTRIES, 0);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(IdwHistoryEntry) newest = qr_entry (IDW_HISTORY_MAX_ENTRIES + 10);
  g_autoptr(IdwHistoryEntry) too_old = qr_entry (-5);
  g_autoptr(GError) error = NULL;
  guint n_added = 0;

  /* Exactly the limit: all kept. */
  g_assert_true (idw_history_merge_sync (f->history, full, &n_added, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, IDW_HISTORY_MAX_ENTRIES);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, IDW_HISTORY_MAX_ENTRIES);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* One more: the oldest goes. */
  append_ok (f->history, newest);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, IDW_HISTORY_MAX_ENTRIES);
  g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, 0)), ==,
                   idw_history_entry_get_id (newest));
  g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, entries->len - 1)), ==,
                   idw_history_entry_get_id (g_ptr_array_index (full, 1)));
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* An entry older than all of a full history is the one dropped. */
  append_ok (f->history, too_old);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, IDW_HISTORY_MAX_ENTRIES);
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, i)), !=,
                     idw_history_entry_get_id (too_old));
}

/* Entries as large as the limits allow: the file stays within
 * IDW_HISTORY_MAX_FILE by dropping the oldest. */
static void
test_file_cap (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) elements = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) big = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = history_file (f);
  GStatBuf st;
  guint n_added = 0;
  const guint n_big = 40;

  for (guint i = 0; i < IDW_HISTORY_MAX_ELEMENTS; i++)
    {
      g_autofree char *fill = g_strnfill (IDW_HISTORY_MAX_TEXT - 12, 'e');

      g_ptr_array_add (elements, g_strdup_printf ("ns/%03u%s", i, fill));
      g_assert_cmpuint (strlen (g_ptr_array_index (elements, i)), <=, IDW_HISTORY_MAX_TEXT);
    }
  g_ptr_array_add (elements, NULL);
  for (guint i = 0; i < n_big; i++)
    g_ptr_array_add (big, make_entry (i, NULL, IDW_HISTORY_CHANNEL_TEXT,
                                      IDW_HISTORY_OUTCOME_SHARED,
                                      (const char * const *) elements->pdata));

  g_assert_true (idw_history_merge_sync (f->history, big, &n_added, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, IDW_HISTORY_MAX_FILE);
  g_assert_cmpint (st.st_size, >, IDW_HISTORY_MAX_FILE - 300 * 1024);

  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, <, n_big);
  g_assert_cmpuint (entries->len, >, 20);
  /* The newest are kept. */
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, i)), ==,
                     idw_history_entry_get_id (g_ptr_array_index (big, n_big - 1 - i)));
}

static void
assert_append_refused (Fixture         *f,
                       IdwHistoryEntry *entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_false (idw_history_append_sync (f->history, entry, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
  g_test_message ("refused: %s", error->message);
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *at_limit = g_strnfill (IDW_HISTORY_MAX_TEXT, 'a');
  g_autofree char *over = g_strnfill (IDW_HISTORY_MAX_TEXT + 1, 'a');
  g_autofree char *element_at_limit = g_strconcat ("n/", at_limit + 2, NULL);
  g_autofree char *element_over = g_strconcat ("n/", over + 2, NULL);
  g_autoptr(GDateTime) time = at (T0);
  g_autoptr(GPtrArray) elements = g_ptr_array_new_with_free_func (g_free);
  const char *one_element[] = { NULL, NULL };

  for (guint i = 0; i < IDW_HISTORY_MAX_ELEMENTS; i++)
    g_ptr_array_add (elements, g_strdup_printf (MDL_NS "/e%u", i));
  g_ptr_array_add (elements, NULL);

  /* Too many elements; then exactly the limit. */
  {
    g_autoptr(IdwHistoryEntry) e = NULL;

    g_ptr_array_insert (elements, 0, g_strdup (MDL_NS "/one_more"));
    e = make_entry (0, NULL, IDW_HISTORY_CHANNEL_QR, IDW_HISTORY_OUTCOME_SHARED,
                    (const char * const *) elements->pdata);
    assert_append_refused (f, e);
    g_ptr_array_remove_index (elements, 0);
  }

  /* Each text field one byte over the limit. */
  {
    g_autoptr(IdwHistoryEntry) name = idw_history_entry_new (time, CRED_ID, over, MDL, NULL,
                                                             IDW_HISTORY_CHANNEL_QR, NULL,
                                                             IDW_HISTORY_OUTCOME_SHARED);
    g_autoptr(IdwHistoryEntry) doctype = idw_history_entry_new (time, CRED_ID, "n", over, NULL,
                                                                IDW_HISTORY_CHANNEL_QR, NULL,
                                                                IDW_HISTORY_OUTCOME_SHARED);
    g_autoptr(IdwHistoryEntry) verifier = idw_history_entry_new (time, CRED_ID, "n", MDL, NULL,
                                                                 IDW_HISTORY_CHANNEL_REPLY, over,
                                                                 IDW_HISTORY_OUTCOME_SHARED);
    g_autoptr(IdwHistoryEntry) credential = idw_history_entry_new (time, over, "n", MDL, NULL,
                                                                   IDW_HISTORY_CHANNEL_QR, NULL,
                                                                   IDW_HISTORY_OUTCOME_SHARED);
    g_autoptr(IdwHistoryEntry) element = NULL;
    g_autoptr(IdwHistoryEntry) not_utf8 = NULL;
    g_autoptr(IdwHistoryEntry) no_slash = NULL;
    g_autoptr(IdwHistoryEntry) no_credential = NULL;

    one_element[0] = element_over;
    element = make_entry (0, NULL, IDW_HISTORY_CHANNEL_QR, IDW_HISTORY_OUTCOME_SHARED, one_element);
    one_element[0] = "ns/element";
    not_utf8 = idw_history_entry_new (time, CRED_ID, "bad \xff name", MDL, one_element,
                                      IDW_HISTORY_CHANNEL_QR, NULL, IDW_HISTORY_OUTCOME_SHARED);
    one_element[0] = "family_name";
    no_slash = make_entry (0, NULL, IDW_HISTORY_CHANNEL_QR, IDW_HISTORY_OUTCOME_SHARED,
                           one_element);
    no_credential = idw_history_entry_new (time, "", "n", MDL, NULL, IDW_HISTORY_CHANNEL_QR,
                                           NULL, IDW_HISTORY_OUTCOME_SHARED);

    assert_append_refused (f, name);
    assert_append_refused (f, doctype);
    assert_append_refused (f, verifier);
    assert_append_refused (f, credential);
    assert_append_refused (f, element);
    assert_append_refused (f, not_utf8);
    assert_append_refused (f, no_slash);
    assert_append_refused (f, no_credential);
  }

  /* Every limit reached exactly: kept, and read back whole. */
  {
    g_autoptr(GPtrArray) elements_at_limit = g_ptr_array_new ();
    g_autoptr(IdwHistoryEntry) e = NULL;
    g_autoptr(GPtrArray) entries = NULL;
    IdwHistoryEntry *back;

    for (guint i = 0; i < IDW_HISTORY_MAX_ELEMENTS; i++)
      g_ptr_array_add (elements_at_limit, element_at_limit);
    g_ptr_array_add (elements_at_limit, NULL);
    e = idw_history_entry_new (time, at_limit, at_limit, at_limit,
                               (const char * const *) elements_at_limit->pdata,
                               IDW_HISTORY_CHANNEL_REPLY, at_limit, IDW_HISTORY_OUTCOME_SHARED);
    append_ok (f->history, e);
    entries = list_ok (f->history);
    g_assert_cmpuint (entries->len, ==, 1);
    back = g_ptr_array_index (entries, 0);
    g_assert_cmpstr (idw_history_entry_get_verifier (back), ==, at_limit);
    g_assert_cmpstr (idw_history_entry_get_credential_name (back), ==, at_limit);
    g_assert_cmpuint (g_strv_length ((GStrv) idw_history_entry_get_elements (back)), ==,
                      IDW_HISTORY_MAX_ELEMENTS);
  }
}

/* ---- CBOR and JSON ------------------------------------------------------ */

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static void
test_cbor (void)
{
  g_autoptr(IdwHistoryEntry) entry = NULL;
  g_autoptr(IdwHistoryEntry) back = NULL;
  g_autoptr(GBytes) cbor = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) built = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) map = entry_map ("0123456789abcdef0123456789abcdef", 0);
  g_autofree char *hex = NULL;

  entry = entry_with_id ("0123456789abcdef0123456789abcdef", 0);
  cbor = idw_history_entry_to_cbor (entry);
  built = idw_cbor_encode (map);
  /* Keys in core deterministic order, exactly as docs/store.md lists
   * them. */
  g_assert_true (g_bytes_equal (cbor, built));
  hex = to_hex (cbor);
  g_assert_true (g_str_has_prefix (hex, "a9" "626964" "7820" "30313233"));

  back = idw_history_entry_from_cbor (cbor, &error);
  g_assert_no_error (error);
  again = idw_history_entry_to_cbor (back);
  g_assert_true (g_bytes_equal (cbor, again));
}

/* What from_cbor refuses, one field at a time. */
static void
test_cbor_hostile (void)
{
  static const struct
  {
    const char *key;
    int         kind;   /* 0 remove, 1 an int, 2 a bad string */
    const char *value;
  } cases[] = {
    { "id", 0, NULL },
    { "id", 2, "0123456789ABCDEF0123456789ABCDEF" },
    { "id", 2, "0123" },
    { "time", 0, NULL },
    { "time", 1, NULL },
    { "channel", 2, "email" },
    { "channel", 1, NULL },
    { "outcome", 2, "maybe" },
    { "outcome", 0, NULL },
    { "docType", 0, NULL },
    { "elements", 0, NULL },
    { "elements", 1, NULL },
    { "credential", 0, NULL },
    { "credential", 2, "" },
    { "credentialName", 1, NULL },
    { "verifier", 1, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) map = entry_map ("0123456789abcdef0123456789abcdef", 0);
      g_autoptr(cbor_item_t) changed = idw_cbor_new_map ();
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwHistoryEntry) entry = NULL;
      struct cbor_pair *pairs = cbor_map_handle (map);

      for (gsize j = 0; j < cbor_map_size (map); j++)
        {
          if (!idw_cbor_string_equal (pairs[j].key, cases[i].key))
            {
              cbor_map_add (changed, (struct cbor_pair) { pairs[j].key, pairs[j].value });
              continue;
            }
          if (cases[i].kind == 1)
            idw_cbor_map_add_str (changed, cases[i].key, idw_cbor_new_int (7));
          else if (cases[i].kind == 2)
            idw_cbor_map_add_str (changed, cases[i].key, idw_cbor_new_string (cases[i].value));
        }
      bytes = idw_cbor_encode (changed);
      entry = idw_history_entry_from_cbor (bytes, &error);
      g_test_message ("%s (%d): %s", cases[i].key, cases[i].kind,
                      error != NULL ? error->message : "accepted");
      g_assert_null (entry);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
    }

  /* Not CBOR, not a map, trailing bytes, an element not a string. */
  {
    static const struct { const char *data; gsize len; } inputs[] = {
      { "\xff", 1 }, { "\x01", 1 }, { "\xa0\x00", 2 }, { "", 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        g_autoptr(GBytes) bytes = g_bytes_new_static (inputs[i].data, inputs[i].len);
        g_autoptr(GError) error = NULL;

        g_assert_null (idw_history_entry_from_cbor (bytes, &error));
        g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
      }
  }
  {
    g_autoptr(cbor_item_t) map = entry_map ("0123456789abcdef0123456789abcdef", 0);
    cbor_item_t *elements = idw_cbor_map_get (map, "elements");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;

    idw_cbor_array_add (elements, idw_cbor_new_int (1));
    bytes = idw_cbor_encode (map);
    g_assert_null (idw_history_entry_from_cbor (bytes, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
  }

  /* An unknown key (a newer version's) is ignored. */
  {
    g_autoptr(cbor_item_t) map = entry_map ("0123456789abcdef0123456789abcdef", 0);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwHistoryEntry) entry = NULL;

    idw_cbor_map_add_str (map, "future", idw_cbor_new_int (1));
    bytes = idw_cbor_encode (map);
    entry = idw_history_entry_from_cbor (bytes, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (idw_history_entry_get_verifier (entry), ==, "Lotus Hotel");
  }
}

static void
test_json (void)
{
  static const char * const shown[] = { MDL_NS "/given_name", MDL_NS "/age_over_18", NULL };
  g_autoptr(GDateTime) time = at (T0 + 5);
  g_autoptr(IdwHistoryEntry) reply = entry_with_id ("0123456789abcdef0123456789abcdef", 0);
  g_autoptr(IdwHistoryEntry) qr_made = idw_history_entry_new (time, CRED_ID, "Erika \"E\" M.",
                                                              MDL, shown, IDW_HISTORY_CHANNEL_QR,
                                                              NULL, IDW_HISTORY_OUTCOME_SHARED);
  g_autoptr(IdwHistoryEntry) qr = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(cbor_item_t) map = NULL;
  g_autofree char *json = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* The QR entry with a fixed id, through its CBOR. */
  bytes = idw_history_entry_to_cbor (qr_made);
  map = idw_cbor_decode_bytes (bytes, &error);
  g_assert_no_error (error);
  {
    g_autoptr(cbor_item_t) changed = idw_cbor_new_map ();
    struct cbor_pair *pairs = cbor_map_handle (map);
    g_autoptr(GBytes) changed_bytes = NULL;

    for (gsize j = 0; j < cbor_map_size (map); j++)
      {
        if (idw_cbor_string_equal (pairs[j].key, "id"))
          idw_cbor_map_add_str (changed, "id", idw_cbor_new_string ("ffffffffffffffffffffffffffffffff"));
        else
          cbor_map_add (changed, (struct cbor_pair) { pairs[j].key, pairs[j].value });
      }
    changed_bytes = idw_cbor_encode (changed);
    qr = idw_history_entry_from_cbor (changed_bytes, &error);
    g_assert_no_error (error);
  }

  g_ptr_array_add (entries, qr);
  g_ptr_array_add (entries, reply);
  json = idw_history_to_json (entries);
  g_assert_cmpstr (json, ==,
                   "[\n"
                   "  {\n"
                   "    \"id\" : \"ffffffffffffffffffffffffffffffff\",\n"
                   "    \"time\" : \"2026-12-06T10:00:05Z\",\n"
                   "    \"credential\" : \"" CRED_ID "\",\n"
                   "    \"credentialName\" : \"Erika \\\"E\\\" M.\",\n"
                   "    \"docType\" : \"org.iso.18013.5.1.mDL\",\n"
                   "    \"elements\" : [\n"
                   "      \"org.iso.18013.5.1/given_name\",\n"
                   "      \"org.iso.18013.5.1/age_over_18\"\n"
                   "    ],\n"
                   "    \"channel\" : \"qr\",\n"
                   "    \"verifier\" : null,\n"
                   "    \"outcome\" : \"shared\"\n"
                   "  },\n"
                   "  {\n"
                   "    \"id\" : \"0123456789abcdef0123456789abcdef\",\n"
                   "    \"time\" : \"2026-12-06T10:00:00Z\",\n"
                   "    \"credential\" : \"" CRED_ID "\",\n"
                   "    \"credentialName\" : \"Driving licence\",\n"
                   "    \"docType\" : \"org.iso.18013.5.1.mDL\",\n"
                   "    \"elements\" : [\n"
                   "      \"org.iso.18013.5.1/portrait\"\n"
                   "    ],\n"
                   "    \"channel\" : \"reply\",\n"
                   "    \"verifier\" : \"Lotus Hotel\",\n"
                   "    \"outcome\" : \"shared\"\n"
                   "  }\n"
                   "]\n");

  empty = idw_history_to_json (none);
  g_assert_cmpstr (empty, ==, "[]\n");
}

static void
test_names (void)
{
  IdwHistoryChannel channel;
  IdwHistoryOutcome outcome;

  g_assert_cmpstr (idw_history_channel_to_string (IDW_HISTORY_CHANNEL_QR), ==, "qr");
  g_assert_cmpstr (idw_history_channel_to_string (IDW_HISTORY_CHANNEL_TEXT), ==, "text");
  g_assert_cmpstr (idw_history_channel_to_string (IDW_HISTORY_CHANNEL_REPLY), ==, "reply");
  g_assert_cmpstr (idw_history_outcome_to_string (IDW_HISTORY_OUTCOME_SHARED), ==, "shared");
  g_assert_cmpstr (idw_history_outcome_to_string (IDW_HISTORY_OUTCOME_DECLINED), ==, "declined");
  g_assert_true (idw_history_channel_from_string ("reply", &channel));
  g_assert_cmpint (channel, ==, IDW_HISTORY_CHANNEL_REPLY);
  g_assert_false (idw_history_channel_from_string ("QR", &channel));
  g_assert_false (idw_history_channel_from_string (NULL, &channel));
  g_assert_true (idw_history_outcome_from_string ("declined", &outcome));
  g_assert_cmpint (outcome, ==, IDW_HISTORY_OUTCOME_DECLINED);
  g_assert_false (idw_history_outcome_from_string ("", &outcome));
  g_assert_false (idw_history_outcome_from_string (NULL, &outcome));
}

/* ---- Damaged and foreign files --------------------------------------- */

static guint
count_aside (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  guint n = 0;

  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    n += g_str_has_prefix (name, "history.idwhist.damaged-");
  return n;
}

static char *
find_aside (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);

  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    if (g_str_has_prefix (name, "history.idwhist.damaged-"))
      return g_build_filename (f->dir, name, NULL);
  return NULL;
}

/* @bytes as the history file: listing and deleting refuse it with
 * IDW_ERROR_HISTORY; an append moves it aside, byte for byte, and starts
 * again. */
static void
check_damaged (Fixture    *f,
               const char *what,
               GBytes     *bytes)
{
  g_autofree char *path = history_file (f);
  g_autofree char *aside = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwHistoryEntry) entry = qr_entry (0);

  g_test_message ("damaged: %s", what);
  g_assert_true (idw_history_clear_sync (f->history, NULL, NULL));
  write_file (path, bytes);

  entries = idw_history_list_sync (f->history, NULL, &error);
  g_assert_null (entries);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
  g_test_message ("  %s", error->message);
  g_clear_error (&error);

  g_assert_false (idw_history_delete_sync (f->history, "0123456789abcdef0123456789abcdef",
                                           NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
  g_clear_error (&error);
  kept = read_file (path);
  g_assert_true (g_bytes_equal (kept, bytes));
  g_clear_pointer (&kept, g_bytes_unref);

  g_assert_cmpuint (count_aside (f), ==, 0);
  append_ok (f->history, entry);
  g_assert_cmpuint (count_aside (f), ==, 1);
  aside = find_aside (f);
  kept = read_file (aside);
  g_assert_true (g_bytes_equal (kept, bytes));

  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) entry = qr_entry (0);
  g_autoptr(GBytes) entry_cbor = idw_history_entry_to_cbor (entry);
  g_autoptr(GBytes) good_plain = sequence (1, entry_cbor, NULL);
  g_autoptr(GBytes) good = seal (f->key, MAGIC, PURPOSE, good_plain);
  gsize good_len = g_bytes_get_size (good);

  /* The hand-made file is a history. */
  {
    g_autofree char *path = history_file (f);
    g_autoptr(GPtrArray) entries = NULL;

    write_file (path, good);
    entries = list_ok (f->history);
    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, 0)), ==,
                     idw_history_entry_get_id (entry));
  }

  {
    g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
    g_autoptr(GBytes) text = g_bytes_new_static ("hello, world", 12);
    g_autoptr(GBytes) newer = NULL;
    g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (good, 0, 40);
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (good, 0, good_len - 1);
    GByteArray *flipped_array = g_byte_array_new ();
    g_autoptr(GBytes) flipped = NULL;

    {
      GByteArray *a = g_byte_array_new ();

      g_byte_array_append (a, g_bytes_get_data (good, NULL), good_len);
      a->data[4] = '2';
      newer = g_byte_array_free_to_bytes (a);
    }
    g_byte_array_append (flipped_array, g_bytes_get_data (good, NULL), good_len);
    flipped_array->data[good_len - 20] ^= 0x01;
    flipped = g_byte_array_free_to_bytes (flipped_array);

    check_damaged (f, "empty", empty);
    check_damaged (f, "not a history", text);
    check_damaged (f, "a newer format", newer);
    check_damaged (f, "truncated", truncated);
    check_damaged (f, "cut short", cut);
    check_damaged (f, "a bit changed", flipped);
  }

  /* Decrypts, but the plaintext is not a history. */
  {
    g_autoptr(GBytes) not_cbor = g_bytes_new_static ("\xff\xff", 2);
    g_autoptr(GBytes) v2 = sequence (2, entry_cbor, NULL);
    g_autoptr(GBytes) junk_entry = g_bytes_new_static ("\x01", 1);
    g_autoptr(GBytes) bad_entry = sequence (1, junk_entry, NULL);
    g_autoptr(GBytes) twice = sequence (1, entry_cbor, entry_cbor, NULL);
    g_autoptr(GBytes) cut_entry = g_bytes_new_from_bytes (good_plain, 0,
                                                          g_bytes_get_size (good_plain) - 1);
    GBytes *plains[] = { not_cbor, v2, bad_entry, twice, cut_entry };
    const char *names[] = { "not CBOR", "version 2", "an entry not a map",
                            "an entry twice", "an entry cut short" };

    for (guint i = 0; i < G_N_ELEMENTS (plains); i++)
      {
        g_autoptr(GBytes) file = seal (f->key, MAGIC, PURPOSE, plains[i]);

        check_damaged (f, names[i], file);
      }
  }

  /* Larger than any history file can be. */
  {
    gsize len = IDW_HISTORY_MAX_FILE + 1;
    guint8 *bytes = g_malloc0 (len);
    g_autoptr(GBytes) huge = NULL;

    memcpy (bytes, MAGIC, 6);
    huge = g_bytes_new_take (bytes, len);
    check_damaged (f, "too large", huge);
  }
}

/* A credential store file renamed into place, or a history sealed for
 * another purpose, does not decrypt as history; another wallet's history
 * is moved aside, never overwritten, and opens again with its own key. */
static void
test_foreign (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(IdwHistoryEntry) entry = qr_entry (0);
  g_autoptr(GBytes) entry_cbor = idw_history_entry_to_cbor (entry);
  g_autoptr(GBytes) plain = sequence (1, entry_cbor, NULL);
  g_autofree char *path = history_file (f);

  /* A credential store file (same wallet key). */
  {
    gsize len;
    const guint8 *p = g_bytes_get_data (plain, &len);
    g_autoptr(GBytes) store_file = _idw_store_record_encrypt (f->key, CRED_ID, p, len);

    check_damaged (f, "a credential file", store_file);
  }

  /* The history's magic, another purpose in the associated data. */
  {
    g_autoptr(GBytes) other = seal (f->key, MAGIC, "ID Wallet backup", plain);

    check_damaged (f, "another purpose", other);
  }

  /* Another wallet's history. */
  {
    g_autoptr(IdwWalletKey) other_key = idw_wallet_key_new_random ();
    g_autoptr(IdwHistory) other = idw_history_new (f->dir, other_key);
    g_autoptr(GBytes) theirs = NULL;
    g_autofree char *aside = NULL;
    g_autoptr(GPtrArray) entries = NULL;

    g_assert_true (idw_history_clear_sync (f->history, NULL, NULL));
    append_ok (other, entry);
    theirs = read_file (path);
    check_damaged (f, "another wallet's", theirs);

    /* Put back, it opens with its own key. */
    aside = find_aside (f);
    g_assert_cmpint (g_rename (aside, path), ==, 0);
    entries = list_ok (other);
    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, 0)), ==,
                     idw_history_entry_get_id (entry));
  }
}

/* Two damaged files in a row get two names. */
static void
test_damaged_twice (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = history_file (f);
  g_autoptr(GBytes) junk1 = g_bytes_new_static ("IDWH1\none", 9);
  g_autoptr(GBytes) junk2 = g_bytes_new_static ("IDWH1\ntwo", 9);
  g_autoptr(IdwHistoryEntry) a = qr_entry (0);
  g_autoptr(IdwHistoryEntry) b = qr_entry (1);

  write_file (path, junk1);
  append_ok (f->history, a);
  write_file (path, junk2);
  append_ok (f->history, b);
  g_assert_cmpuint (count_aside (f), ==, 2);
}

/* ---- Asynchronous variants ------------------------------------------- */

typedef struct
{
  GMainLoop  *loop;
  GAsyncResult *result;
} Wait;

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(IdwHistoryEntry) a = qr_entry (0);
  g_autoptr(IdwHistoryEntry) b = qr_entry (1);
  g_autoptr(IdwHistoryEntry) c = entry_with_id ("cccccccccccccccccccccccccccccccc", 2);
  g_autoptr(GPtrArray) incoming = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { loop, NULL };
  guint n_added = 0;

  idw_history_append (f->history, a, NULL, got_result, &wait);
  g_assert_true (idw_history_append_finish (f->history, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  idw_history_append (f->history, b, NULL, got_result, &wait);
  g_assert_true (idw_history_append_finish (f->history, wait_for (&wait), &error));
  g_clear_object (&wait.result);

  g_ptr_array_add (incoming, c);
  idw_history_merge (f->history, incoming, NULL, got_result, &wait);
  g_assert_true (idw_history_merge_finish (f->history, wait_for (&wait), &n_added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, 1);
  g_clear_object (&wait.result);

  idw_history_delete (f->history, idw_history_entry_get_id (a), NULL, got_result, &wait);
  g_assert_true (idw_history_delete_finish (f->history, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  idw_history_list (f->history, NULL, got_result, &wait);
  entries = idw_history_list_finish (f->history, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, 0)), ==,
                   "cccccccccccccccccccccccccccccccc");
  g_clear_object (&wait.result);
  g_clear_pointer (&entries, g_ptr_array_unref);

  idw_history_clear (f->history, NULL, got_result, &wait);
  g_assert_true (idw_history_clear_finish (f->history, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  /* A damaged history reaches the callback as IDW_ERROR_HISTORY. */
  {
    g_autofree char *path = history_file (f);
    g_autoptr(GBytes) junk = g_bytes_new_static ("IDWH1\njunk", 10);

    write_file (path, junk);
    idw_history_list (f->history, NULL, got_result, &wait);
    entries = idw_history_list_finish (f->history, wait_for (&wait), &error);
    g_assert_null (entries);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_HISTORY);
    g_clear_object (&wait.result);
  }
}

/* ---- Concurrent writers ------------------------------------------------ */

typedef struct
{
  IdwHistory *history;
  guint       writer;
} WriterJob;

static gpointer
writer_thread (gpointer user_data)
{
  WriterJob *job = user_data;

  for (guint i = 0; i < WRITES_EACH; i++)
    {
      g_autoptr(IdwHistoryEntry) entry = qr_entry (job->writer * 1000 + i);
      g_autoptr(GError) error = NULL;

      if (!idw_history_append_sync (job->history, entry, NULL, &error))
        g_error ("thread append: %s", error->message);
    }
  return NULL;
}

static int
append_child_main (const char *dir,
                   const char *key_hex,
                   const char *writer)
{
  guint8 key_bytes[IDW_WALLET_KEY_LEN];
  g_autoptr(IdwWalletKey) key = NULL;
  g_autoptr(IdwHistory) history = NULL;
  WriterJob job;

  if (sodium_hex2bin (key_bytes, sizeof key_bytes, key_hex, strlen (key_hex),
                      NULL, NULL, NULL) != 0)
    return 2;
  key = idw_wallet_key_new_from_data (key_bytes, sizeof key_bytes, NULL);
  history = idw_history_new (dir, key);
  job.history = history;
  job.writer = (guint) g_ascii_strtoull (writer, NULL, 10);
  writer_thread (&job);
  return 0;
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  char key_hex[IDW_WALLET_KEY_LEN * 2 + 1];
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  GThread *threads[WRITERS];
  WriterJob jobs[WRITERS];
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) times = g_hash_table_new (NULL, NULL);

  sodium_bin2hex (key_hex, sizeof key_hex, idw_wallet_key_get_data (f->key), IDW_WALLET_KEY_LEN);

  /* WRITERS processes and WRITERS threads of this one, all at once. */
  for (guint i = 0; i < WRITERS; i++)
    {
      g_autofree char *writer = g_strdup_printf ("%u", WRITERS + i);
      g_autoptr(GError) error = NULL;
      GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, exe,
                                             APPEND_CHILD_ARG, f->dir, key_hex, writer, NULL);

      g_assert_no_error (error);
      g_ptr_array_add (children, child);
    }
  for (guint i = 0; i < WRITERS; i++)
    {
      jobs[i].history = f->history;
      jobs[i].writer = i;
      threads[i] = g_thread_new ("append", writer_thread, &jobs[i]);
    }
  for (guint i = 0; i < WRITERS; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < children->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (g_subprocess_wait_check (g_ptr_array_index (children, i), NULL, &error));
      g_assert_no_error (error);
    }

  /* Nothing lost: every writer's every entry, once. */
  entries = list_ok (f->history);
  g_assert_cmpuint (entries->len, ==, 2 * WRITERS * WRITES_EACH);
  for (guint i = 0; i < entries->len; i++)
    {
      gint64 t = g_date_time_to_unix (idw_history_entry_get_time (g_ptr_array_index (entries, i)));

      g_assert_true (g_hash_table_add (times, GINT_TO_POINTER ((gint) (t - T0))));
    }
  for (guint w = 0; w < 2 * WRITERS; w++)
    for (guint i = 0; i < WRITES_EACH; i++)
      g_assert_true (g_hash_table_contains (times, GINT_TO_POINTER ((gint) (w * 1000 + i))));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && strcmp (argv[1], APPEND_CHILD_ARG) == 0)
    return append_child_main (argv[2], argv[3], argv[4]);

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

  ADD ("/history/empty", test_empty);
  ADD ("/history/order", test_order);
  ADD ("/history/state", test_state);
  ADD ("/history/fields-kept", test_fields_kept);
  ADD ("/history/files", test_files);
  ADD ("/history/fresh-nonce", test_fresh_nonce);
  ADD ("/history/delete", test_delete);
  ADD ("/history/clear", test_clear);
  ADD ("/history/merge", test_merge);
  ADD ("/history/merge-refuses", test_merge_refuses);
  ADD ("/history/entry-cap", test_entry_cap);
  ADD ("/history/file-cap", test_file_cap);
  ADD ("/history/limits", test_limits);
  ADD ("/history/damaged", test_damaged);
  ADD ("/history/damaged-twice", test_damaged_twice);
  ADD ("/history/foreign", test_foreign);
  ADD ("/history/async", test_async);
  ADD ("/history/concurrent", test_concurrent);
  g_test_add_func ("/history/names", test_names);
  g_test_add_func ("/history/cbor", test_cbor);
  g_test_add_func ("/history/cbor-hostile", test_cbor_hostile);
  g_test_add_func ("/history/json", test_json);

  return g_test_run ();
}
