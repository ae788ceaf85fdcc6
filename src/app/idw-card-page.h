/* idw-card-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_CARD_PAGE (idw_card_page_get_type ())
G_DECLARE_FINAL_TYPE (IdwCardPage, idw_card_page, IDW, CARD_PAGE, AdwBin)

GtkWidget     *idw_card_page_new            (IdwCredential *credential,
                                             const char    *id);
IdwCredential *idw_card_page_get_credential (IdwCardPage   *self);
const char    *idw_card_page_get_id         (IdwCardPage   *self);
/* Whether this computer holds the device key (unknown until set). */
void           idw_card_page_set_can_present (IdwCardPage  *self,
                                              gboolean      can_present);
/* Whether the device key is in this computer's TPM: a line in the details. */
void           idw_card_page_set_key_in_tpm (IdwCardPage   *self,
                                             gboolean       in_tpm);
/* Why the ID cannot be presented here, when more is known than that the
 * keyring lacks its key (a key of another computer's TPM); NULL: that. */
void           idw_card_page_set_cannot_present_reason (IdwCardPage *self,
                                                        const char  *reason);
void           idw_card_page_set_nickname   (IdwCardPage   *self,
                                             const char    *nickname);
/* What the issuer's revocation list says of this ID: @status as last
 * known (NULL: nothing), and whether the latest check failed. Revoked or
 * suspended is a warning below the card (announced when it appears while
 * the page is shown); valid a quiet "Not revoked · checked …" line;
 * nothing known after a failed check a quiet "Could not check …". */
void           idw_card_page_set_status     (IdwCardPage         *self,
                                             IdwCredentialStatus *status,
                                             gboolean             check_failed);
/* (transfer none) NULL when nothing is known. */
IdwCredentialStatus *idw_card_page_get_status (IdwCardPage       *self);
/* Focus on "Present" (or the first control when it cannot be used). */
void           idw_card_page_focus_default  (IdwCardPage   *self);

G_END_DECLS
