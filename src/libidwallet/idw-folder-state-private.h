/* idw-folder-state-private.h: telling that a folder changed; sorting names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A token for what @folder holds, which changes when anything below it is
 * added, removed, renamed or replaced: a SHA-256 (hex) over every name
 * below it, sorted, with its kind, mode, size, modification time to the
 * nanosecond and inode (ID Wallet replaces files by rename, so a rewrite
 * always shows as a new inode). "none" when @folder does not exist; a
 * name @skip at its top (or NULL) is left out. Reads only names and
 * their metadata, never the files. Errors: IDW_ERROR_IO. */
char *_idw_folder_state (const char  *folder,
                         const char  *skip,
                         GError     **error);

/* For g_ptr_array_sort() of an array of file names or paths: byte order.
 * (It passes pointers to the elements, so never g_strcmp0 itself.) */
int   _idw_compare_names (gconstpointer a,
                          gconstpointer b);

G_END_DECLS
