/* idw-request-dialog.h: asking for an ID from a distance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_REQUEST_DIALOG (idw_request_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IdwRequestDialog, idw_request_dialog, IDW, REQUEST_DIALOG, AdwWindow)

/* Requests made are remembered in @store, for verifying their replies. */
GtkWidget  *idw_request_dialog_new              (IdwRequestStore  *store);
/* Ticks the preset's choice (as a click on it does). */
void        idw_request_dialog_select_preset    (IdwRequestDialog *self,
                                                 IdwPreset         preset);
/* The "IDWR1:" text once created, or NULL. */
const char *idw_request_dialog_get_request_text (IdwRequestDialog *self);

G_END_DECLS
