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

/**
 * idw_text_escape:
 * @text: (nullable): text from a presentation, a credential, a certificate
 *   or a request, or an engine message that may quote them
 *
 * Makes @text safe to show: every C0 control character (\n, \t, \r for
 * those three, \x1b style for the rest), DEL (\x7f), C1 control character
 * (\u009b), bidirectional embedding, override and isolate (U+202A–U+202E,
 * U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029)
 * becomes a visible escape, and each byte that is not part of valid UTF-8
 * becomes \xNN. The result is valid UTF-8 on one line, which can neither
 * drive a terminal nor reorder what is shown around it. Backslashes are
 * left as they are. The CLI prints it; the app shows it (escaped again for
 * Pango where libadwaita parses markup).
 *
 * Returns: (transfer full) (nullable): the escaped text; %NULL for %NULL
 */
char *idw_text_escape     (const char *text);
/* The same for @len bytes, which may hold NUL bytes (shown as \x00). */
char *idw_text_escape_len (const char *text,
                           gsize       len);

/* @len bytes as valid UTF-8: each byte that is not part of valid UTF-8,
 * and each NUL byte, as \xNN; everything else as it is. */
char *idw_text_make_valid (const char *text,
                           gsize       len);

G_END_DECLS
