/* idw-verdict-page.h: the result of a verification, for people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_VERDICT_PAGE (idw_verdict_page_get_type ())
G_DECLARE_FINAL_TYPE (IdwVerdictPage, idw_verdict_page, IDW, VERDICT_PAGE, AdwBin)

GtkWidget  *idw_verdict_page_new         (void);
/* @has_nonce: the presentation answered a remote request; @nonce_state:
 * that request's state after verifying (it tells a replay from a reply
 * to someone else's request). */
void        idw_verdict_page_set_verdict (IdwVerdictPage *self,
                                          IdwVerdict     *verdict,
                                          gboolean        has_nonce,
                                          IdwNonceState   nonce_state);
IdwVerdict *idw_verdict_page_get_verdict (IdwVerdictPage *self);
/* Focus on the first row under the verdict. */
void        idw_verdict_page_focus_default (IdwVerdictPage *self);

/* The one-sentence reason of a failed verdict (NULL for a valid one). */
char       *idw_verdict_describe_failure (IdwVerdict     *verdict,
                                          gboolean        has_nonce,
                                          IdwNonceState   nonce_state);

G_END_DECLS
