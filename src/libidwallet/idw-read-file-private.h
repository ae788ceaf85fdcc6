/* idw-read-file-private.h: reading a whole file, with a size limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads a whole file of at most @max_len bytes. Errors: IDW_ERROR_IO,
 * IDW_ERROR_LIMIT. */
GBytes *_idw_read_file (const char  *path,
                        gsize        max_len,
                        GError     **error);

G_END_DECLS
