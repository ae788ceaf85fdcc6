/* idw-credential-request-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IDW_TYPE_CREDENTIAL_REQUEST_DIALOG (idw_credential_request_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IdwCredentialRequestDialog, idw_credential_request_dialog,
                      IDW, CREDENTIAL_REQUEST_DIALOG, AdwWindow)

IdwCredentialRequestDialog *idw_credential_request_dialog_new      (GtkWindow                  *parent);
/* The IDWC1: text once the request is ready, else NULL. */
const char                 *idw_credential_request_dialog_get_text (IdwCredentialRequestDialog *self);

G_END_DECLS
