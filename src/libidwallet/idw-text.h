/* idw-text.h: showing text that came from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @c moves a terminal's cursor or changes its state, breaks a line
 * or reorders what is shown around it: C0, DEL, C1, the bidirectional
 * embeddings, overrides and isolates, U+2028 and U+2029. Never shown raw. */
gboolean idw_text_must_escape (gunichar c);

char *idw_text_escape     (const char *text);
/* The same for @len bytes, which may hold NUL bytes (shown as \x00). */
char *idw_text_escape_len (const char *text,
                           gsize       len);

/* @len bytes as valid UTF-8: each byte that is not part of valid UTF-8,
 * and each NUL byte, as \xNN; everything else as it is. */
char *idw_text_make_valid (const char *text,
                           gsize       len);

G_END_DECLS
