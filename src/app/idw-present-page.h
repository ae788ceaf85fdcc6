/* idw-present-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"
#include "idw-qr-view.h"

G_BEGIN_DECLS

#define IDW_TYPE_PRESENT_PAGE (idw_present_page_get_type ())
G_DECLARE_FINAL_TYPE (IdwPresentPage, idw_present_page, IDW, PRESENT_PAGE, AdwBin)

GtkWidget  *idw_present_page_new         (IdwCredential  *credential,
                                          IdwKey         *device_key);
/* The wallet's id and name of the credential, under which each
 * presentation is recorded in the history (none without an id). */
void        idw_present_page_set_history_source (IdwPresentPage *self,
                                                 const char     *credential_id,
                                                 const char     *credential_name);
/* Warns, above the choice, that the issuer revoked or suspended the ID
 * (as last known; nothing for NULL or valid). Presenting stays possible. */
void        idw_present_page_set_status  (IdwPresentPage      *self,
                                          IdwCredentialStatus *status);
/* Selects the preset's elements (the switches follow). */
gboolean    idw_present_page_set_preset  (IdwPresentPage *self,
                                          IdwPreset       preset);
/* The element paths that would be shared (transfer full). */
GStrv       idw_present_page_dup_paths   (IdwPresentPage *self);
/* "Shares: …" as shown. */
const char *idw_present_page_get_summary (IdwPresentPage *self);
/* Signs and shows the QR code; FALSE when nothing is selected. */
gboolean    idw_present_page_show_qr     (IdwPresentPage *self);
/* Back to the choice. */
void        idw_present_page_show_choice (IdwPresentPage *self);
gboolean    idw_present_page_is_showing_qr (IdwPresentPage *self);
IdwQrView  *idw_present_page_get_qr_view (IdwPresentPage *self);
/* Focus on the preset chosen, or on the code while it shows. */
void        idw_present_page_focus_default (IdwPresentPage *self);

G_END_DECLS
