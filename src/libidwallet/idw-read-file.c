/* idw-read-file.c: reading a whole file, with a size limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the files the mdoc module is given by path: credentials, remote
 * requests, and the JSON of a person and the pictures it names when
 * issuing.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "idw-error.h"
#include "idw-read-file-private.h"

GBytes *
_idw_read_file (const char  *path,
                gsize        max_len,
                GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, &local_error);
  if (info != NULL && (guint64) g_file_info_get_size (info) > max_len)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("“%s” is larger than %zu bytes"), path, max_len);
      return NULL;
    }
  if (info == NULL || !g_file_load_contents (file, NULL, &contents, &len, NULL, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   local_error->message);
      return NULL;
    }
  /* The file may have grown since it was measured. */
  if (len > max_len)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("“%s” is larger than %zu bytes"), path, max_len);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}
