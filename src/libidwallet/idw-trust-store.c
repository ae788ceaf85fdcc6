/* idw-trust-store.c: the verifier's trusted issuer certificates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "idw-error.h"
#include "idw-folder-state-private.h"
#include "idw-trust-store-private.h"

#define FINGERPRINT_HEX_LENGTH 64

struct _IdwTrustStore
{
  GObject  parent_instance;

  char    *directory;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (IdwTrustStore, idw_trust_store, G_TYPE_OBJECT)

void
_idw_trust_entry_free (gpointer data)
{
  TrustEntry *entry = data;

  g_free (entry->path);
  g_clear_pointer (&entry->certificate, idw_certificate_unref);
  g_free (entry->fingerprint);
  g_clear_pointer (&entry->origin, idw_trust_origin_unref);
  g_free (entry);
}

void
_idw_trust_store_emit_changed (IdwTrustStore *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

char *
idw_trust_store_get_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "id-wallet", "trust", NULL);
}

IdwTrustStore *
idw_trust_store_new (const char *directory)
{
  IdwTrustStore *self = g_object_new (IDW_TYPE_TRUST_STORE, NULL);

  if (directory != NULL)
    self->directory = g_strdup (directory);
  else
    self->directory = idw_trust_store_get_default_directory ();

  return self;
}

const char *
idw_trust_store_get_directory (IdwTrustStore *self)
{
  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), NULL);

  return self->directory;
}

char *
idw_trust_normalize_fingerprint (const char *text)
{
  g_autoptr(GString) hex = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  hex = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_tolower (*p));
      else if (*p != ':' && !g_ascii_isspace (*p))
        return NULL;
    }

  if (hex->len == 0 || hex->len > FINGERPRINT_HEX_LENGTH)
    return NULL;

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

static gboolean
has_certificate_suffix (const char *name)
{
  static const char * const suffixes[] = { ".pem", ".crt", ".cer", ".der" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      gsize len = strlen (name), slen = strlen (suffixes[i]);

      if (len > slen && g_ascii_strcasecmp (name + len - slen, suffixes[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
certificate_sort_key (IdwCertificate *certificate)
{
  g_autofree char *name = idw_certificate_get_organization (certificate);

  if (name == NULL)
    name = idw_certificate_get_common_name (certificate);
  if (name == NULL)
    name = idw_certificate_get_subject (certificate);

  return g_utf8_collate_key (name != NULL ? name : "", -1);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const TrustEntry *ea = *(TrustEntry * const *) a;
  const TrustEntry *eb = *(TrustEntry * const *) b;
  g_autofree char *ka = certificate_sort_key (ea->certificate);
  g_autofree char *kb = certificate_sort_key (eb->certificate);
  int cmp = strcmp (ka, kb);

  return cmp != 0 ? cmp : strcmp (ea->fingerprint, eb->fingerprint);
}

/* Every readable certificate file (element-type TrustEntry), sorted, with
 * one entry per fingerprint: an anchor added one by one comes before the
 * same certificate in a list, and lists in folder-name order. Another copy
 * is kept in @out_duplicates, so that removing deletes a second file of
 * an anchor added one by one too. */
static GPtrArray *
read_entries (IdwTrustStore  *self,
              GPtrArray     **out_duplicates,
              GStrv          *out_damaged,
              GError        **error)
{
  /* TrustEntry*, each handed to @entries or @duplicates below. */
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (_idw_trust_entry_free);
  g_autoptr(GPtrArray) duplicates = g_ptr_array_new_with_free_func (_idw_trust_entry_free);
  g_autoptr(GStrvBuilder) damaged = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          if (out_damaged != NULL)
            *out_damaged = g_strv_builder_end (damaged);
          if (out_duplicates != NULL)
            *out_duplicates = g_steal_pointer (&duplicates);
          return g_steal_pointer (&entries);
        }

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot read the trusted issuers in “%s”: %s"),
                   self->directory, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      /* Atomic writes leave temporary files behind only after a crash;
       * they are not certificates anyone asked to trust. */
      if (name[0] == '.' || !has_certificate_suffix (name))
        continue;
      g_ptr_array_add (names, g_strdup (name));
    }
  /* Which copy of a certificate is the anchor does not depend on the
   * order the file system lists files in. */
  g_ptr_array_sort (names, _idw_compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (self->directory, names->pdata[i], NULL);
      g_autoptr(IdwCertificate) certificate = NULL;
      TrustEntry *entry;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      certificate = idw_certificate_new_from_file (path, NULL);
      if (certificate == NULL)
        {
          g_strv_builder_add (damaged, path);
          continue;
        }

      entry = g_new0 (TrustEntry, 1);
      entry->path = g_steal_pointer (&path);
      entry->fingerprint = idw_certificate_get_fingerprint (certificate);
      entry->certificate = g_steal_pointer (&certificate);
      g_ptr_array_add (found, entry);
    }

  _idw_trust_store_read_lists (self, found, damaged);

  for (guint i = 0; i < found->len; i++)
    {
      TrustEntry *entry = g_ptr_array_index (found, i);

      if (g_hash_table_contains (seen, entry->fingerprint))
        {
          g_ptr_array_add (duplicates, entry);
          continue;
        }

      g_hash_table_add (seen, entry->fingerprint);
      g_ptr_array_add (entries, entry);
    }

  g_ptr_array_sort (entries, compare_entries);

  if (out_damaged != NULL)
    *out_damaged = g_strv_builder_end (damaged);
  if (out_duplicates != NULL)
    *out_duplicates = g_steal_pointer (&duplicates);

  return g_steal_pointer (&entries);
}

/**
 * idw_trust_store_add:
 * @self: a trust store
 * @certificate: the certificate to trust
 * @out_added: (out) (optional): %FALSE when it was trusted already
 * @error: return location for a #GError
 *
 * Writes @certificate as FINGERPRINT.pem, atomically (the folder is created
 * with mode 0700 when missing). Adding a certificate that was added
 * already succeeds and changes nothing; one that an imported list holds
 * is added too, so that it stays trusted without the list. Emits
 * #IdwTrustStore::changed.
 *
 * Returns: %TRUE on success, %FALSE with IDW_ERROR_IO.
 */
gboolean
idw_trust_store_add (IdwTrustStore   *self,
                     IdwCertificate  *certificate,
                     gboolean        *out_added,
                     GError         **error)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (certificate != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_added != NULL)
    *out_added = FALSE;

  fingerprint = idw_certificate_get_fingerprint (certificate);

  /* Already trusted, possibly under another file name. */
  entries = read_entries (self, NULL, NULL, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      TrustEntry *entry = entries->pdata[i];

      /* One in a list only is written too: it stays trusted when the
       * list goes. */
      if (entry->origin == NULL && g_str_equal (entry->fingerprint, fingerprint))
        return TRUE;
    }

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot create the folder “%s”: %s"),
                   self->directory, g_strerror (saved_errno));
      return FALSE;
    }

  file_name = g_strconcat (fingerprint, ".pem", NULL);
  path = g_build_filename (self->directory, file_name, NULL);
  pem = idw_certificate_to_pem (certificate);

  if (!g_file_set_contents_full (path, pem, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a file, then the system's reason. */
                   _("Cannot write the trusted issuer “%s”: %s"),
                   path, local_error->message);
      return FALSE;
    }

  if (out_added != NULL)
    *out_added = TRUE;

  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * idw_trust_store_list_with_origins:
 * @self: a trust store
 * @out_origins: (out) (optional) (transfer full): fingerprint (lowercase
 *   hex) → #IdwTrustOrigin of each anchor that an imported list holds
 *   and that was not added one by one
 * @out_damaged: (out) (optional) (transfer full): the paths of files that
 *   are not certificates or lists, NULL-terminated (empty when none)
 * @error: return location for a #GError
 *
 * Reads every certificate file of the folder (.pem, .crt, .cer, .der) and
 * of every imported list. A damaged file is skipped, reported in
 * @out_damaged and never logged: it does not take the others with it. A
 * missing folder is an empty list.
 *
 * Returns: (transfer full) (element-type IdwCertificate): the trusted
 *   certificates sorted by name, each once, or %NULL with IDW_ERROR_IO
 *   when the folder exists but cannot be read.
 */
GPtrArray *
idw_trust_store_list_with_origins (IdwTrustStore  *self,
                                   GHashTable    **out_origins,
                                   GStrv          *out_damaged,
                                   GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) origins = NULL;
  GPtrArray *certificates;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = read_entries (self, NULL, out_damaged, error);
  if (entries == NULL)
    return NULL;

  origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) idw_trust_origin_unref);
  certificates = g_ptr_array_new_full (entries->len, (GDestroyNotify) idw_certificate_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      TrustEntry *entry = entries->pdata[i];

      g_ptr_array_add (certificates, idw_certificate_ref (entry->certificate));
      if (entry->origin != NULL)
        g_hash_table_insert (origins, g_strdup (entry->fingerprint),
                             idw_trust_origin_ref (entry->origin));
    }

  if (out_origins != NULL)
    *out_origins = g_steal_pointer (&origins);

  return certificates;
}

/**
 * idw_trust_store_list:
 * @self: a trust store
 * @out_damaged: (out) (optional) (transfer full): as for
 *   idw_trust_store_list_with_origins()
 * @error: return location for a #GError
 *
 * idw_trust_store_list_with_origins() without the origins.
 *
 * Returns: (transfer full) (element-type IdwCertificate): the trusted
 *   certificates sorted by name, or %NULL with IDW_ERROR_IO.
 */
GPtrArray *
idw_trust_store_list (IdwTrustStore  *self,
                      GStrv          *out_damaged,
                      GError        **error)
{
  return idw_trust_store_list_with_origins (self, NULL, out_damaged, error);
}

/* The entries whose fingerprint matches @fingerprint (a prefix), among
 * @entries; NULL with an error when not exactly one certificate matches. */
static TrustEntry *
find_entry (GPtrArray   *entries,
            const char  *fingerprint,
            GError     **error)
{
  g_autofree char *wanted = idw_trust_normalize_fingerprint (fingerprint);
  TrustEntry *found = NULL;
  gsize len;

  if (wanted == NULL || strlen (wanted) < IDW_TRUST_MIN_FINGERPRINT_PREFIX)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   /* Translators: %s is what the user typed, %d a number of digits. */
                   _("“%s” is not a certificate fingerprint: give its SHA-256 fingerprint in hexadecimal, or at least its first %d digits"),
                   fingerprint, IDW_TRUST_MIN_FINGERPRINT_PREFIX);
      return NULL;
    }

  len = strlen (wanted);
  for (guint i = 0; i < entries->len; i++)
    {
      TrustEntry *entry = entries->pdata[i];

      if (strncmp (entry->fingerprint, wanted, len) != 0)
        continue;

      if (found != NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                       _("Several trusted issuers have a fingerprint starting with “%s”: give more digits"),
                       wanted);
          return NULL;
        }
      found = entry;
    }

  if (found == NULL)
    g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                 _("No trusted issuer has the fingerprint “%s”"), wanted);

  return found;
}

/**
 * idw_trust_store_lookup:
 * @self: a trust store
 * @fingerprint: a SHA-256 fingerprint in hex (any case, colons and spaces
 *   ignored), or a unique prefix of at least
 *   %IDW_TRUST_MIN_FINGERPRINT_PREFIX hex digits
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the certificate, or %NULL with
 *   IDW_ERROR_NOT_FOUND (none matches), IDW_ERROR_DUPLICATE (the prefix
 *   matches several), IDW_ERROR_MALFORMED (not a fingerprint or too short a
 *   prefix) or IDW_ERROR_IO.
 */
IdwCertificate *
idw_trust_store_lookup (IdwTrustStore  *self,
                        const char     *fingerprint,
                        GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  TrustEntry *entry;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (fingerprint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = read_entries (self, NULL, NULL, error);
  if (entries == NULL)
    return NULL;

  entry = find_entry (entries, fingerprint, error);
  if (entry == NULL)
    return NULL;

  return idw_certificate_ref (entry->certificate);
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a file, then the system's reason. */
                   _("Cannot remove “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/**
 * idw_trust_store_remove:
 * @self: a trust store
 * @fingerprint: as for idw_trust_store_lookup()
 * @error: return location for a #GError
 *
 * Deletes the file(s) holding the certificate with that fingerprint, added
 * one by one, and emits #IdwTrustStore::changed. A copy in an imported
 * list stays (and the certificate trusted) until the list goes.
 *
 * Returns: %TRUE on success, %FALSE with the errors of
 *   idw_trust_store_lookup(), IDW_ERROR_UNSUPPORTED (the certificate is
 *   trusted only through an imported list: remove the list instead) or
 *   IDW_ERROR_IO.
 */
gboolean
idw_trust_store_remove (IdwTrustStore  *self,
                        const char     *fingerprint,
                        GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) duplicates = NULL;
  TrustEntry *entry;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entries = read_entries (self, &duplicates, NULL, error);
  if (entries == NULL)
    return FALSE;

  entry = find_entry (entries, fingerprint, error);
  if (entry == NULL)
    return FALSE;

  if (entry->origin != NULL)
    {
      g_autofree char *subject = idw_certificate_get_subject (entry->certificate);

      /* Translators: the first %s is a certificate's subject, the second
       * the provider of a trust list (VICAL), such as "AAMVA". */
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s” is trusted because it is on the VICAL of %s; remove that list to stop trusting it."),
                   subject, idw_trust_origin_get_provider (entry->origin));
      return FALSE;
    }

  if (!remove_file (entry->path, error))
    return FALSE;

  /* The same certificate saved a second time under another name would
   * otherwise stay trusted. */
  for (guint i = 0; i < duplicates->len; i++)
    {
      TrustEntry *copy = duplicates->pdata[i];

      if (copy->origin == NULL && g_str_equal (copy->fingerprint, entry->fingerprint) &&
          !remove_file (copy->path, error))
        return FALSE;
    }

  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * idw_trust_store_apply:
 * @self: a trust store
 * @verifier: a verifier
 * @error: return location for a #GError
 *
 * Replaces @verifier's trust anchors with the store's certificates
 * (damaged files skipped), and its trust origins with theirs, so that a
 * verdict names the list its issuer was trusted through.
 *
 * Returns: the number of anchors set, or -1 with IDW_ERROR_IO.
 */
int
idw_trust_store_apply (IdwTrustStore  *self,
                       IdwVerifier    *verifier,
                       GError        **error)
{
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GHashTable) origins = NULL;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), -1);
  g_return_val_if_fail (IDW_IS_VERIFIER (verifier), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  certificates = idw_trust_store_list_with_origins (self, &origins, NULL, error);
  if (certificates == NULL)
    return -1;

  /* Unchanged anchors keep the verifier's validated chains. */
  idw_verifier_set_trust_anchors (verifier, certificates);
  idw_verifier_set_trust_origins (verifier, origins);

  return (int) certificates->len;
}

static void
idw_trust_store_finalize (GObject *object)
{
  IdwTrustStore *self = IDW_TRUST_STORE (object);

  g_free (self->directory);

  G_OBJECT_CLASS (idw_trust_store_parent_class)->finalize (object);
}

static void
idw_trust_store_class_init (IdwTrustStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idw_trust_store_finalize;

  /**
   * IdwTrustStore::changed:
   *
   * A certificate was added or removed through this store.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
idw_trust_store_init (IdwTrustStore *self)
{
}
