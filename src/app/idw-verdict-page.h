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
void        idw_verdict_page_set_verdict (IdwVerdictPage *self,
                                          IdwVerdict     *verdict);
IdwVerdict *idw_verdict_page_get_verdict (IdwVerdictPage *self);
/* Focus on the verdict's headline, which says the verdict and its reason. */
void        idw_verdict_page_focus_default (IdwVerdictPage *self);

/* The one-sentence reason of a failed verdict (NULL for a valid one).
 * A presentation that answered a remote request carries its nonce; the
 * nonce's state after verifying tells a replay from a reply to someone
 * else's request. */
char       *idw_verdict_describe_failure (IdwVerdict     *verdict);

G_END_DECLS
