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
/* The wallet's id and name of the credential, under which a reply or a
 * declined request is recorded in the history (none without an id). */
void              idw_respond_dialog_set_history_source (IdwRespondDialog *self,
                                                         const char       *credential_id,
                                                         const char       *credential_name);
/* Reads an IDWR1: request as if pasted; FALSE (and the error shown) when
 * it is not one. */
gboolean          idw_respond_dialog_set_request  (IdwRespondDialog *self,
                                                   const char       *text);
/* Reads the request from a picture of its QR code (PNG or JPEG), as the
 * file chooser and drops do; the code is decoded on a worker thread and
 * its text goes where pasted text goes. Any error is shown in the dialog
 * too. */
void              idw_respond_dialog_open_file        (IdwRespondDialog    *self,
                                                       GFile               *file,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* TRUE once the request is shown; else FALSE and the message shown. */
gboolean          idw_respond_dialog_open_file_finish (IdwRespondDialog    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* The IDW1: response once the holder agreed, else NULL. */
const char       *idw_respond_dialog_get_response (IdwRespondDialog *self);

G_END_DECLS
