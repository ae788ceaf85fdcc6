/* idw-trust-store-lists.c: VICALs imported into the trust store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each provider's list lives in its own folder under TRUST/lists/, named
 * after the provider (docs/formats.md, "The trust store"):
 *
 *   lists/aamva-0123456789abcdef/list.json     what the list is, and its anchors
 *   lists/aamva-0123456789abcdef/FINGERPRINT.pem  each IACA
 *
 * list.json is the commit point. An import writes the certificates first
 * (each atomically), then list.json (atomically), then deletes the
 * certificates the new list no longer holds; a crash at any point leaves
 * the old list or the new one, never a mixture, since only the
 * certificates list.json names are read. Removing renames the folder to a
 * hidden name first, in one step, and deletes it after.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idw-error.h"
#include "idw-folder-state-private.h"
#include "idw-read-file-private.h"
#include "idw-trust-store-private.h"

#define LISTS_FOLDER       "lists"
#define METADATA_FILE      "list.json"
#define METADATA_FORMAT    1
#define MAX_METADATA_SIZE  (1024 * 1024)
#define REMOVED_PREFIX     ".removed-"
#define MAX_SLUG_LENGTH    32

/* One imported list as its list.json describes it. */
typedef struct
{
  char           *folder;        /* the list's folder */
  IdwTrustOrigin *origin;
  GPtrArray      *fingerprints;  /* char*, lowercase hex */
} ListMeta;

static void
list_meta_free (ListMeta *meta)
{
  g_free (meta->folder);
  g_clear_pointer (&meta->origin, idw_trust_origin_unref);
  g_clear_pointer (&meta->fingerprints, g_ptr_array_unref);
  g_free (meta);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListMeta, list_meta_free)

static char *
lists_folder (IdwTrustStore *self)
{
  return g_build_filename (idw_trust_store_get_directory (self), LISTS_FOLDER, NULL);
}

/* "aamva-" and the first 16 hex digits of SHA-256(provider): readable,
 * and one folder per provider whatever characters its name has. */
static char *
folder_name_for_provider (const char *provider)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, provider, -1);
  g_autoptr(GString) slug = g_string_new (NULL);

  for (const char *p = provider; *p != '\0' && slug->len < MAX_SLUG_LENGTH; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (slug->len == 0)
    g_string_append (slug, "list");

  return g_strdup_printf ("%s-%.16s", slug->str, digest);
}

static gboolean
is_fingerprint (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
        return FALSE;
    }

  return TRUE;
}

static char *
format_utc (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (datetime);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* A date member: RFC 3339, or null/absent when @optional. */
static gboolean
read_time_member (JsonObject  *object,
                  const char  *name,
                  gboolean     optional,
                  GDateTime  **out)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *text;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  text = json_node_get_string (node);
  *out = g_date_time_new_from_iso8601 (text, NULL);
  return *out != NULL;
}

/* @reason: what is wrong, for the message. */
static void
set_damaged (GError     **error,
             const char  *path,
             const char  *reason)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               /* Translators: %s is a file, then what is wrong with it. */
               _("The trust list description “%s” is damaged: %s"), path, reason);
}

/* The list a description (list.json) describes; @path names it in
 * messages, and @folder, when not NULL, is the folder it must belong to.
 * Errors: IDW_ERROR_MALFORMED. */
static ListMeta *
parse_list_meta (const char  *path,
                 const char  *folder,
                 GBytes      *contents,
                 GError     **error)
{
  g_autofree char *expected = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ListMeta) meta = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) next_update = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *node;
  JsonArray *certificates;
  const char *provider;
  gboolean has_issue_id = FALSE;
  gint64 issue_id = 0;

  if (g_bytes_get_size (contents) > MAX_METADATA_SIZE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The trust list description “%s” is larger than %d MiB."),
                   path, MAX_METADATA_SIZE / (1024 * 1024));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (contents, NULL),
                                   (gssize) g_bytes_get_size (contents), &local_error))
    {
      set_damaged (error, path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_damaged (error, path, _("not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  node = json_object_get_member (object, "format");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) != METADATA_FORMAT)
    {
      set_damaged (error, path, _("unknown format"));
      return NULL;
    }

  node = json_object_get_member (object, "provider");
  provider = node != NULL && JSON_NODE_HOLDS_VALUE (node)
             && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node) : NULL;
  if (provider == NULL || provider[0] == '\0')
    {
      set_damaged (error, path, _("no provider"));
      return NULL;
    }

  /* A folder copied under another provider's name is not that
   * provider's list. */
  expected = folder_name_for_provider (provider);
  if (folder != NULL && !g_str_equal (folder, expected))
    {
      set_damaged (error, path, _("the provider does not match the folder"));
      return NULL;
    }

  if (!read_time_member (object, "date", FALSE, &date)
      || !read_time_member (object, "nextUpdate", TRUE, &next_update))
    {
      set_damaged (error, path, _("a date is not a date"));
      return NULL;
    }

  node = json_object_get_member (object, "issueID");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
          || json_node_get_int (node) < 0)
        {
          set_damaged (error, path, _("the issue ID is not a number"));
          return NULL;
        }
      has_issue_id = TRUE;
      issue_id = json_node_get_int (node);
    }

  node = json_object_get_member (object, "certificates");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_damaged (error, path, _("no list of certificates"));
      return NULL;
    }
  certificates = json_node_get_array (node);
  if (json_array_get_length (certificates) > IDW_MAX_VICAL_ENTRIES)
    {
      set_damaged (error, path, _("too many certificates"));
      return NULL;
    }

  meta = g_new0 (ListMeta, 1);
  meta->origin = idw_trust_origin_new (provider, date, has_issue_id, (guint64) issue_id,
                                       next_update);
  meta->fingerprints = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (certificates); i++)
    {
      JsonNode *element = json_array_get_element (certificates, i);
      const char *fingerprint = NULL;

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          JsonNode *member = json_object_get_member (json_node_get_object (element), "fingerprint");

          if (member != NULL && JSON_NODE_HOLDS_VALUE (member)
              && json_node_get_value_type (member) == G_TYPE_STRING)
            fingerprint = json_node_get_string (member);
        }

      if (!is_fingerprint (fingerprint))
        {
          set_damaged (error, path, _("a certificate is not named by its fingerprint"));
          return NULL;
        }
      g_ptr_array_add (meta->fingerprints, g_strdup (fingerprint));
    }

  return g_steal_pointer (&meta);
}

/* The list in @folder. Errors: IDW_ERROR_NOT_FOUND (no list.json: an
 * import that never got as far as writing it), IDW_ERROR_MALFORMED,
 * IDW_ERROR_LIMIT, IDW_ERROR_IO. */
static ListMeta *
read_list_meta (const char  *folder,
                GError     **error)
{
  g_autofree char *path = g_build_filename (folder, METADATA_FILE, NULL);
  g_autofree char *base = g_path_get_basename (folder);
  g_autoptr(GBytes) contents = NULL;
  ListMeta *meta;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   _("“%s” holds no trust list"), folder);
      return NULL;
    }

  contents = _idw_read_file (path, MAX_METADATA_SIZE, error);
  if (contents == NULL)
    return NULL;

  meta = parse_list_meta (path, base, contents, error);
  if (meta != NULL)
    meta->folder = g_strdup (folder);
  return meta;
}

/* The folders under lists/ that may hold a list, sorted; hidden ones are
 * being removed. */
static GPtrArray *
list_folders (IdwTrustStore *self)
{
  g_autofree char *lists = lists_folder (self);
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (lists, 0, NULL);
  const char *name;

  if (dir == NULL)
    return g_steal_pointer (&folders);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (name[0] == '.')
        continue;
      path = g_build_filename (lists, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (folders, g_steal_pointer (&path));
    }

  g_ptr_array_sort (folders, _idw_compare_names);
  return g_steal_pointer (&folders);
}

void
_idw_trust_store_read_lists (IdwTrustStore *self,
                             GPtrArray     *entries,
                             GStrvBuilder  *damaged)
{
  g_autoptr(GPtrArray) folders = list_folders (self);

  for (guint i = 0; i < folders->len; i++)
    {
      const char *folder = folders->pdata[i];
      g_autoptr(GError) local_error = NULL;
      g_autoptr(ListMeta) meta = read_list_meta (folder, &local_error);

      if (meta == NULL)
        {
          /* A damaged description loses its own list, nothing else. */
          if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
            {
              g_autofree char *path = g_build_filename (folder, METADATA_FILE, NULL);

              g_strv_builder_add (damaged, path);
            }
          continue;
        }

      for (guint j = 0; j < meta->fingerprints->len; j++)
        {
          const char *fingerprint = meta->fingerprints->pdata[j];
          g_autofree char *file_name = g_strconcat (fingerprint, ".pem", NULL);
          g_autofree char *path = g_build_filename (folder, file_name, NULL);
          g_autoptr(IdwCertificate) certificate = idw_certificate_new_from_file (path, NULL);
          g_autofree char *actual = NULL;
          TrustEntry *entry;

          if (certificate != NULL)
            actual = idw_certificate_get_fingerprint (certificate);
          if (certificate == NULL || !g_str_equal (actual, fingerprint))
            {
              g_strv_builder_add (damaged, path);
              continue;
            }

          entry = g_new0 (TrustEntry, 1);
          entry->path = g_steal_pointer (&path);
          entry->certificate = g_steal_pointer (&certificate);
          entry->fingerprint = g_steal_pointer (&actual);
          entry->origin = idw_trust_origin_ref (meta->origin);
          g_ptr_array_add (entries, entry);
        }
    }
}

/* ---- Writing ------------------------------------------------------------ */

static gboolean
fsync_folder (const char  *folder,
              GError     **error)
{
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot save the folder “%s”: %s"), folder, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
write_file (const char  *path,
            const char  *contents,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a file, then the system's reason. */
                   _("Cannot write the trusted issuer “%s”: %s"),
                   path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Whether @path holds the certificate @fingerprint already. */
static gboolean
holds_certificate (const char *path,
                   const char *fingerprint)
{
  g_autoptr(IdwCertificate) certificate = idw_certificate_new_from_file (path, NULL);
  g_autofree char *actual = NULL;

  if (certificate == NULL)
    return FALSE;

  actual = idw_certificate_get_fingerprint (certificate);
  return g_str_equal (actual, fingerprint);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 GDateTime   *datetime)
{
  json_builder_set_member_name (builder, name);
  if (datetime != NULL)
    {
      g_autofree char *text = format_utc (datetime);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

static void
add_certificate_member (JsonBuilder    *builder,
                        const char     *name,
                        IdwCertificate *certificate)
{
  g_autofree char *subject = idw_certificate_get_subject (certificate);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificate);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "fingerprint");
  json_builder_add_string_value (builder, fingerprint);
  json_builder_end_object (builder);
}

static void
add_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* list.json: what the list is, who signed it, and its anchors with what
 * the list says of each (for a user interface to show). */
static char *
metadata_for (IdwVical  *vical,
              GDateTime *imported_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *entries = idw_vical_get_entries (vical);
  guint64 issue_id = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, METADATA_FORMAT);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "vical");
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, idw_vical_get_provider (vical));
  add_time_member (builder, "date", idw_vical_get_date (vical));
  json_builder_set_member_name (builder, "issueID");
  if (idw_vical_get_issue_id (vical, &issue_id) && issue_id <= G_MAXINT64)
    json_builder_add_int_value (builder, (gint64) issue_id);
  else
    json_builder_add_null_value (builder);
  add_time_member (builder, "nextUpdate", idw_vical_get_next_update (vical));
  add_time_member (builder, "importedAt", imported_at);
  add_certificate_member (builder, "signer", idw_vical_get_signer (vical));
  add_certificate_member (builder, "anchor", idw_vical_get_anchor (vical));

  json_builder_set_member_name (builder, "certificates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      IdwVicalEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (entry->certificate);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, fingerprint);
      json_builder_set_member_name (builder, "docType");
      json_builder_begin_array (builder);
      for (guint j = 0; entry->doc_types[j] != NULL; j++)
        json_builder_add_string_value (builder, entry->doc_types[j]);
      json_builder_end_array (builder);
      add_optional_string (builder, "issuingAuthority", entry->issuing_authority);
      add_optional_string (builder, "issuingCountry", entry->issuing_country);
      add_optional_string (builder, "stateOrProvinceName", entry->state_or_province_name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/* Deletes @folder and the files in it (no subfolders are made there). */
static void
delete_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, name, NULL);

          g_unlink (path);
        }
    }
  g_rmdir (folder);
}

/* What earlier removals left behind after a crash. */
static void
delete_removed_leftovers (const char *lists)
{
  g_autoptr(GDir) dir = g_dir_open (lists, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, REMOVED_PREFIX))
        {
          g_autofree char *path = g_build_filename (lists, name, NULL);

          delete_folder (path);
        }
    }
}

/* Deletes what the list in @folder no longer names: certificates of the
 * list it replaced, temporary files of an interrupted write. */
static void
delete_unlisted (const char *folder,
                 GHashTable *keep)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (g_str_equal (name, METADATA_FILE) || g_hash_table_contains (keep, name))
        continue;
      path = g_build_filename (folder, name, NULL);
      g_unlink (path);
    }
}

static char *
describe_origin (IdwTrustOrigin *origin)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (idw_trust_origin_get_date (origin));
  g_autofree char *date = g_date_time_format (utc, "%Y-%m-%d");
  guint64 issue_id = 0;

  if (idw_trust_origin_get_issue_id (origin, &issue_id))
    /* Translators: a trust list: its date, then its issue number */
    return g_strdup_printf (_("of %s (issue %" PRIu64 ")"), date, (uint64_t) issue_id);

  /* Translators: a trust list: its date */
  return g_strdup_printf (_("of %s"), date);
}

/**
 * idw_trust_import_clear:
 * @import: what an import did
 *
 * Frees what @import holds (not @import itself).
 */
void
idw_trust_import_clear (IdwTrustImport *import)
{
  g_clear_pointer (&import->replaced, idw_trust_origin_unref);
}

/* What idw_trust_store_import_vical() and _idw_trust_store_restore_list()
 * share: replaces the list of @origin's provider with @certificates
 * (IdwCertificate*, in list order) described by @metadata, unless the
 * store holds a newer one (IDW_ERROR_SUPERSEDED). */
static gboolean
commit_list (IdwTrustStore   *self,
             IdwTrustOrigin  *origin,
             GPtrArray       *certificates,
             const char      *metadata,
             IdwTrustImport  *out_import,
             GError         **error)
{
  g_autofree char *lists = NULL;
  g_autofree char *folder_name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *metadata_path = NULL;
  g_autoptr(ListMeta) held = NULL;
  g_autoptr(GHashTable) held_set = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *provider = idw_trust_origin_get_provider (origin);
  IdwTrustImport import = { 0 };

  if (out_import != NULL)
    memset (out_import, 0, sizeof *out_import);

  lists = lists_folder (self);
  folder_name = folder_name_for_provider (provider);
  folder = g_build_filename (lists, folder_name, NULL);

  /* A damaged description is replaced: the new list repairs it. */
  held = read_list_meta (folder, NULL);
  if (held != NULL)
    {
      int cmp = idw_trust_origin_compare (origin, held->origin);

      if (cmp < 0)
        {
          g_autofree char *new_list = describe_origin (origin);
          g_autofree char *held_list = describe_origin (held->origin);

          /* Translators: "The VICAL of AAMVA of 2025-11-18 (issue 7) is
           * older than the one already imported, of 2025-12-01 (issue 8);
           * nothing was changed." */
          g_set_error (error, IDW_ERROR, IDW_ERROR_SUPERSEDED,
                       _("The VICAL of %s %s is older than the one already imported, %s; nothing was changed."),
                       provider, new_list, held_list);
          return FALSE;
        }

      import.unchanged = cmp == 0;
      import.replaced = idw_trust_origin_ref (held->origin);
      for (guint i = 0; i < held->fingerprints->len; i++)
        g_hash_table_add (held_set, held->fingerprints->pdata[i]);
    }

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot create the folder “%s”: %s"), folder, g_strerror (saved_errno));
      idw_trust_import_clear (&import);
      return FALSE;
    }
  delete_removed_leftovers (lists);

  /* The certificates first: until list.json names them, they are not
   * read. */
  for (guint i = 0; i < certificates->len; i++)
    {
      IdwCertificate *certificate = g_ptr_array_index (certificates, i);
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificate);
      g_autofree char *file_name = g_strconcat (fingerprint, ".pem", NULL);
      g_autofree char *path = g_build_filename (folder, file_name, NULL);

      if (g_hash_table_contains (held_set, fingerprint))
        import.kept++;
      else
        import.added++;

      if (!holds_certificate (path, fingerprint))
        {
          g_autofree char *pem = idw_certificate_to_pem (certificate);

          if (!write_file (path, pem, error))
            {
              idw_trust_import_clear (&import);
              return FALSE;
            }
        }
      g_hash_table_add (keep, g_steal_pointer (&file_name));
    }
  import.removed = held != NULL ? g_hash_table_size (held_set) - import.kept : 0;

  /* The commit point. */
  metadata_path = g_build_filename (folder, METADATA_FILE, NULL);
  if (!write_file (metadata_path, metadata, error) || !fsync_folder (folder, error))
    {
      idw_trust_import_clear (&import);
      return FALSE;
    }

  delete_unlisted (folder, keep);

  if (out_import != NULL)
    *out_import = import;
  else
    idw_trust_import_clear (&import);

  _idw_trust_store_emit_changed (self);

  return TRUE;
}

/**
 * idw_trust_store_import_vical:
 * @self: a trust store
 * @vical: a verified VICAL
 * @out_import: (out caller-allocates) (optional): what changed; clear it
 *   with idw_trust_import_clear()
 * @error: return location for a #GError
 *
 * Trusts every IACA of @vical, with the list as their origin, in place of
 * the list of the same provider held before (its certificates that
 * @vical no longer lists are no longer trusted, unless added one by one).
 * The same list again is written again and changes nothing else. The
 * change is atomic (see the file's comment). Emits
 * #IdwTrustStore::changed.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_SUPERSEDED (the store
 *   holds a newer list of that provider: by date, then by issue ID; nothing
 *   was changed) or IDW_ERROR_IO.
 */
gboolean
idw_trust_store_import_vical (IdwTrustStore   *self,
                              IdwVical        *vical,
                              IdwTrustImport  *out_import,
                              GError         **error)
{
  GPtrArray *entries;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autofree char *metadata = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (IDW_IS_VICAL (vical), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entries = idw_vical_get_entries (vical);
  certificates = g_ptr_array_new_full (entries->len, (GDestroyNotify) idw_certificate_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      IdwVicalEntry *entry = g_ptr_array_index (entries, i);

      g_ptr_array_add (certificates, idw_certificate_ref (entry->certificate));
    }

  metadata = metadata_for (vical, now);
  return commit_list (self, idw_vical_get_origin (vical), certificates, metadata, out_import, error);
}

/**
 * idw_trust_store_list_vicals:
 * @self: a trust store
 * @out_damaged: (out) (optional) (transfer full): the paths of list
 *   descriptions that cannot be read, NULL-terminated
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type IdwTrustOrigin): the imported
 *   lists, one per provider, sorted by provider; never %NULL (a store
 *   that cannot be read holds no list)
 */
GPtrArray *
idw_trust_store_list_vicals (IdwTrustStore  *self,
                             GStrv          *out_damaged,
                             GError        **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GStrvBuilder) damaged = g_strv_builder_new ();
  GPtrArray *origins;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  folders = list_folders (self);
  origins = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_trust_origin_unref);
  for (guint i = 0; i < folders->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(ListMeta) meta = read_list_meta (folders->pdata[i], &local_error);

      if (meta != NULL)
        g_ptr_array_add (origins, idw_trust_origin_ref (meta->origin));
      else if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
        g_strv_builder_add (damaged, local_error->message);
    }

  if (out_damaged != NULL)
    *out_damaged = g_strv_builder_end (damaged);

  return origins;
}

/**
 * idw_trust_store_remove_vical:
 * @self: a trust store
 * @provider: the list's provider, as it names itself (or, when no list
 *   has exactly that name, a unique match ignoring ASCII case)
 * @out_removed: (out) (optional) (transfer full): the list removed, %NULL
 *   when its description was damaged
 * @out_n_certificates: (out) (optional): how many certificates it held
 * @error: return location for a #GError
 *
 * Stops trusting the certificates of the list of @provider (those added
 * one by one stay trusted) and deletes the list, atomically. A list whose
 * description is damaged can be removed too. Emits
 * #IdwTrustStore::changed.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_NOT_FOUND (no such
 *   list), IDW_ERROR_DUPLICATE (several lists match ignoring case) or
 *   IDW_ERROR_IO.
 */
gboolean
idw_trust_store_remove_vical (IdwTrustStore   *self,
                              const char      *provider,
                              IdwTrustOrigin **out_removed,
                              guint           *out_n_certificates,
                              GError         **error)
{
  g_autofree char *lists = NULL;
  g_autofree char *folder_name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *hidden_name = NULL;
  g_autoptr(ListMeta) meta = NULL;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_removed != NULL)
    *out_removed = NULL;
  if (out_n_certificates != NULL)
    *out_n_certificates = 0;

  lists = lists_folder (self);
  folder_name = folder_name_for_provider (provider);
  folder = g_build_filename (lists, folder_name, NULL);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GPtrArray) held = idw_trust_store_list_vicals (self, NULL, NULL);
      IdwTrustOrigin *match = NULL;

      for (guint i = 0; i < held->len; i++)
        {
          IdwTrustOrigin *origin = held->pdata[i];

          if (g_ascii_strcasecmp (idw_trust_origin_get_provider (origin), provider) != 0)
            continue;
          if (match != NULL)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                           _("Several imported VICALs are from a provider named “%s”: give the name exactly as “id-wallet-cli trust lists” shows it"),
                           provider);
              return FALSE;
            }
          match = origin;
        }

      if (match == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                       _("No VICAL from “%s” is imported"), provider);
          return FALSE;
        }

      g_free (folder_name);
      g_free (folder);
      folder_name = folder_name_for_provider (idw_trust_origin_get_provider (match));
      folder = g_build_filename (lists, folder_name, NULL);
    }

  meta = read_list_meta (folder, NULL);

  /* One rename takes every certificate of the list out of the store. */
  hidden_name = g_strdup_printf (REMOVED_PREFIX "%s-%08x", folder_name, g_random_int ());
  hidden = g_build_filename (lists, hidden_name, NULL);
  if (g_rename (folder, hidden) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot remove “%s”: %s"), folder, g_strerror (saved_errno));
      return FALSE;
    }
  if (!fsync_folder (lists, error))
    return FALSE;

  delete_folder (hidden);

  if (meta != NULL)
    {
      if (out_removed != NULL)
        *out_removed = idw_trust_origin_ref (meta->origin);
      if (out_n_certificates != NULL)
        *out_n_certificates = meta->fingerprints->len;
    }

  _idw_trust_store_emit_changed (self);

  return TRUE;
}

/* ---- Copies of lists, for backups (idw-backup.c) ------------------------ */

void
_idw_trust_list_copy_free (IdwTrustListCopy *copy)
{
  g_clear_pointer (&copy->origin, idw_trust_origin_unref);
  g_clear_pointer (&copy->description, g_bytes_unref);
  g_clear_pointer (&copy->certificates, g_ptr_array_unref);
  g_free (copy);
}

IdwTrustListCopy *
_idw_trust_list_copy_new (GBytes     *description,
                          GPtrArray  *certificates,
                          GError    **error)
{
  g_autoptr(ListMeta) meta = NULL;
  g_autoptr(GHashTable) by_fingerprint = NULL;
  g_autoptr(IdwTrustListCopy) copy = NULL;

  meta = parse_list_meta (METADATA_FILE, NULL, description, error);
  if (meta == NULL)
    return NULL;

  by_fingerprint = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < certificates->len; i++)
    {
      IdwCertificate *certificate = g_ptr_array_index (certificates, i);

      g_hash_table_insert (by_fingerprint, idw_certificate_get_fingerprint (certificate), certificate);
    }

  copy = g_new0 (IdwTrustListCopy, 1);
  copy->origin = idw_trust_origin_ref (meta->origin);
  copy->description = g_bytes_ref (description);
  copy->certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);

  /* Exactly the certificates the description names, each once, in its
   * order. */
  for (guint i = 0; i < meta->fingerprints->len; i++)
    {
      IdwCertificate *certificate = g_hash_table_lookup (by_fingerprint, meta->fingerprints->pdata[i]);

      if (certificate == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("The trust list of “%s” names a certificate it does not hold (%s)."),
                       idw_trust_origin_get_provider (meta->origin),
                       (const char *) meta->fingerprints->pdata[i]);
          return NULL;
        }
      g_ptr_array_add (copy->certificates, idw_certificate_ref (certificate));
      g_hash_table_remove (by_fingerprint, meta->fingerprints->pdata[i]);
    }
  if (g_hash_table_size (by_fingerprint) > 0 || certificates->len != meta->fingerprints->len)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The trust list of “%s” holds certificates its description does not name, or names one twice."),
                   idw_trust_origin_get_provider (meta->origin));
      return NULL;
    }

  return g_steal_pointer (&copy);
}

GPtrArray *
_idw_trust_store_copy_lists (IdwTrustStore  *self,
                             GStrv          *out_damaged)
{
  g_autoptr(GPtrArray) folders = list_folders (self);
  g_autoptr(GStrvBuilder) damaged = g_strv_builder_new ();
  GPtrArray *copies = g_ptr_array_new_with_free_func ((GDestroyNotify) _idw_trust_list_copy_free);

  for (guint i = 0; i < folders->len; i++)
    {
      const char *folder = folders->pdata[i];
      g_autofree char *path = g_build_filename (folder, METADATA_FILE, NULL);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(ListMeta) meta = read_list_meta (folder, &local_error);
      g_autoptr(GBytes) description = NULL;
      g_autoptr(GPtrArray) certificates = NULL;
      IdwTrustListCopy *copy;
      gboolean whole = TRUE;

      if (meta == NULL)
        {
          if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
            g_strv_builder_add (damaged, path);
          continue;
        }
      description = _idw_read_file (path, MAX_METADATA_SIZE, NULL);
      if (description == NULL)
        {
          g_strv_builder_add (damaged, path);
          continue;
        }

      certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
      for (guint j = 0; j < meta->fingerprints->len && whole; j++)
        {
          const char *fingerprint = meta->fingerprints->pdata[j];
          g_autofree char *file_name = g_strconcat (fingerprint, ".pem", NULL);
          g_autofree char *cert_path = g_build_filename (folder, file_name, NULL);
          g_autoptr(IdwCertificate) certificate = idw_certificate_new_from_file (cert_path, NULL);
          g_autofree char *actual = NULL;

          if (certificate != NULL)
            actual = idw_certificate_get_fingerprint (certificate);
          if (certificate == NULL || !g_str_equal (actual, fingerprint))
            {
              g_strv_builder_add (damaged, cert_path);
              whole = FALSE;
              break;
            }
          g_ptr_array_add (certificates, g_steal_pointer (&certificate));
        }
      if (!whole)
        continue;

      copy = _idw_trust_list_copy_new (description, certificates, NULL);
      if (copy == NULL)
        g_strv_builder_add (damaged, path);
      else
        g_ptr_array_add (copies, copy);
    }

  if (out_damaged != NULL)
    *out_damaged = g_strv_builder_end (damaged);
  return copies;
}

gboolean
_idw_trust_store_restore_list (IdwTrustStore     *self,
                               IdwTrustListCopy  *copy,
                               IdwTrustImport    *out_import,
                               GError           **error)
{
  g_autofree char *metadata = NULL;

  g_return_val_if_fail (IDW_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (copy != NULL, FALSE);

  metadata = g_strndup (g_bytes_get_data (copy->description, NULL), g_bytes_get_size (copy->description));
  if (strlen (metadata) != g_bytes_get_size (copy->description))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The trust list description “%s” is damaged: %s"), METADATA_FILE,
                   _("not a JSON object"));
      return FALSE;
    }
  return commit_list (self, copy->origin, copy->certificates, metadata, out_import, error);
}
