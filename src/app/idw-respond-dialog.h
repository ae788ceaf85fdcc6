/* idw-respond-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_RESPOND_DIALOG (idw_respond_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IdwRespondDialog, idw_respond_dialog, IDW, RESPOND_DIALOG, AdwWindow)

IdwRespondDialog *idw_respond_dialog_new          (GtkWindow        *parent,
                                                   IdwCredential    *credential,
                                                   IdwKey           *device_key);
/* Reads an IDWR1: request as if pasted; FALSE (and the error shown) when
 * it is not one. */
gboolean          idw_respond_dialog_set_request  (IdwRespondDialog *self,
                                                   const char       *text);
/* The IDW1: response once the holder agreed, else NULL. */
const char       *idw_respond_dialog_get_response (IdwRespondDialog *self);

G_END_DECLS
