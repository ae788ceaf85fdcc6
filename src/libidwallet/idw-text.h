/* idw-text.h: text that came from outside: shown safely, and the times
 * people type
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

/* idw_text_escape() for JSON: escapes inside its strings keep the value. */
char *idw_text_escape_json (const char *json);

/* RFC 3339 with an offset, or a plain date (midnight UTC); NULL otherwise. */
GDateTime *idw_text_parse_time (const char *text);

G_END_DECLS
