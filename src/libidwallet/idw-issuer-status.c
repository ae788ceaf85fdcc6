/* idw-issuer-status.c: the status list an issuer keeps for its credentials
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DIR/status-list.cbor (docs/formats.md):
 *
 *   IssuerStatusList = {
 *     "version" : 1,
 *     "uri" : tstr,            ; where the signed list is published
 *     "next" : uint,           ; indexes 0 … next-1 are handed out
 *     "list" : StatusList      ; { "bits": 2, "lst": zlib(bytes) }
 *   }
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-issuer-status.h"
#include "idw-read-file-private.h"

#define LOCK_FILE "status-list.lock"

struct _IdwIssuerStatus
{
  char          *path;
  char          *uri;
  guint64        next;
  IdwStatusList *list;
  int            lock_fd;
};

gboolean
idw_status_uri_is_valid (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;

  if (uri == NULL)
    return FALSE;
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (parsed);
  return (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0)
         && g_uri_get_host (parsed) != NULL && *g_uri_get_host (parsed) != '\0';
}

static IdwIssuerStatus *
issuer_status_alloc (const char *dir)
{
  IdwIssuerStatus *self = g_new0 (IdwIssuerStatus, 1);

  self->path = g_build_filename (dir, IDW_ISSUER_STATUS_FILE, NULL);
  self->lock_fd = -1;
  return self;
}

void
idw_issuer_status_free (IdwIssuerStatus *self)
{
  if (self == NULL)
    return;
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self->path);
  g_free (self->uri);
  g_clear_pointer (&self->list, idw_status_list_free);
  g_free (self);
}

static gboolean
lock_dir (IdwIssuerStatus  *self,
          const char       *dir,
          GError          **error)
{
  g_autofree char *lock_path = g_build_filename (dir, LOCK_FILE, NULL);

  self->lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0 || flock (self->lock_fd, LOCK_EX) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO, _("Cannot lock “%s”: %s"),
                   lock_path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

IdwIssuerStatus *
idw_issuer_status_create (const char  *dir,
                          const char  *uri,
                          GError     **error)
{
  g_autoptr(IdwIssuerStatus) self = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (!idw_status_uri_is_valid (uri))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s” is not an http or https address"), uri);
      return NULL;
    }
  self = issuer_status_alloc (dir);
  if (!lock_dir (self, dir, error))
    return NULL;
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                   _("“%s” already exists; not replacing a status list"), self->path);
      return NULL;
    }
  self->uri = g_strdup (uri);
  self->list = idw_status_list_new (IDW_ISSUER_STATUS_BITS, IDW_ISSUER_STATUS_INITIAL_SIZE, error);
  if (self->list == NULL || !idw_issuer_status_save (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

IdwIssuerStatus *
idw_issuer_status_open (const char  *dir,
                        GError     **error)
{
  g_autoptr(IdwIssuerStatus) self = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *value;
  gint64 version;

  g_return_val_if_fail (dir != NULL, NULL);

  self = issuer_status_alloc (dir);
  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   _("The issuer in “%s” keeps no status list (make one with “issuer init --status-uri URL”)"),
                   dir);
      return NULL;
    }
  if (!lock_dir (self, dir, error))
    return NULL;

  data = _idw_read_file (self->path, IDW_MAX_INPUT_FILE, error);
  if (data == NULL)
    return NULL;
  item = idw_cbor_decode_bytes (data, &local_error);
  if (item == NULL || !cbor_isa_map (item))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED, _("“%s” is not an issuer status list%s%s"),
                   self->path, local_error != NULL ? ": " : "",
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }
  value = idw_cbor_map_get (item, "version");
  if (value == NULL || !idw_cbor_get_int (value, &version) || version != 1)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s”: unsupported version (expected 1)"), self->path);
      return NULL;
    }
  value = idw_cbor_require (item, "uri", CBOR_TYPE_STRING, self->path, error);
  if (value == NULL)
    return NULL;
  self->uri = idw_cbor_dup_string (value);
  value = idw_cbor_require (item, "next", CBOR_TYPE_UINT, self->path, error);
  if (value == NULL)
    return NULL;
  idw_cbor_get_uint (value, &self->next);
  value = idw_cbor_require (item, "list", CBOR_TYPE_MAP, self->path, error);
  if (value == NULL)
    return NULL;
  self->list = idw_status_list_parse (value, error);
  if (self->list == NULL)
    return NULL;
  if (self->next > idw_status_list_get_size (self->list))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s”: more indexes handed out than the list holds"), self->path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
idw_issuer_status_get_uri (IdwIssuerStatus *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->uri;
}

IdwStatusList *
idw_issuer_status_get_list (IdwIssuerStatus *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->list;
}

guint64
idw_issuer_status_get_next (IdwIssuerStatus *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->next;
}

gboolean
idw_issuer_status_allocate (IdwIssuerStatus  *self,
                            guint64          *out_index,
                            GError          **error)
{
  guint64 size;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_index != NULL, FALSE);

  size = idw_status_list_get_size (self->list);
  if (self->next >= size && !idw_status_list_ensure_size (self->list, size * 2, error))
    return FALSE;
  *out_index = self->next++;
  return TRUE;
}

gboolean
idw_issuer_status_set (IdwIssuerStatus  *self,
                       guint64           index,
                       guint             status,
                       GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (index >= self->next)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("No credential was issued with status index %llu (%llu were issued)"),
                   (unsigned long long) index, (unsigned long long) self->next);
      return FALSE;
    }
  return idw_status_list_set (self->list, index, status, error);
}

gboolean
idw_issuer_status_save (IdwIssuerStatus  *self,
                        GError          **error)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (1));
  idw_cbor_map_add_str (map, "uri", idw_cbor_new_string (self->uri));
  idw_cbor_map_add_str (map, "next", cbor_build_uint64 (self->next));
  idw_cbor_map_add_str (map, "list", idw_status_list_to_cbor (self->list));
  data = idw_cbor_encode (map);
  /* g_file_set_contents_full() writes a temporary file, syncs it and
   * renames it over the old one. */
  if (!g_file_set_contents_full (self->path, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}
