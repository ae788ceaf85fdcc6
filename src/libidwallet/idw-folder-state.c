/* idw-folder-state.c: telling that a folder changed; sorting names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "idw-error.h"
#include "idw-folder-state-private.h"

int
_idw_compare_names (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds a line per name under @path (sorted, depth first) to @state: its
 * path relative to the folder, kind, mode, size, modification
 * time to the nanosecond and inode. A file replaced by rename has a new
 * inode; one added or removed changes the names. */
static gboolean
add_folder_state (GChecksum   *state,
                  const char  *path,
                  const char  *rel,
                  const char  *skip,
                  GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  const char *name;

  dir = g_dir_open (path, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (rel[0] != '\0' || g_strcmp0 (name, skip) != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, _idw_compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *child_rel = g_build_filename (rel, names->pdata[i], NULL);
      g_autofree char *line = NULL;
      struct stat st;

      if (lstat (child, &st) != 0)
        {
          /* Gone since the listing: a change, like any other. */
          line = g_strdup_printf ("%s gone\n", child_rel);
          g_checksum_update (state, (const guchar *) line, -1);
          continue;
        }
      line = g_strdup_printf ("%s %o %" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld %" G_GUINT64_FORMAT "\n",
                              child_rel, (unsigned) st.st_mode, (gint64) st.st_size,
                              (gint64) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec, (guint64) st.st_ino);
      g_checksum_update (state, (const guchar *) line, -1);
      if (S_ISDIR (st.st_mode) && !add_folder_state (state, child, child_rel, NULL, error))
        return FALSE;
    }

  return TRUE;
}

char *
_idw_folder_state (const char  *folder,
                   const char  *skip,
                   GError     **error)
{
  g_autoptr(GChecksum) state = NULL;
  struct stat st;

  if (lstat (folder, &st) != 0 && errno == ENOENT)
    return g_strdup ("none");
  state = g_checksum_new (G_CHECKSUM_SHA256);
  if (!add_folder_state (state, folder, "", skip, error))
    return NULL;
  return g_strdup (g_checksum_get_string (state));
}
