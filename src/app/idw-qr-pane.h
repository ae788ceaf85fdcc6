/* idw-qr-pane.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IDW_TYPE_QR_PANE (idw_qr_pane_get_type ())
G_DECLARE_FINAL_TYPE (IdwQrPane, idw_qr_pane, IDW, QR_PANE, GtkWidget)

GtkWidget *idw_qr_pane_new          (void);
void       idw_qr_pane_set_code     (IdwQrPane *self,
                                     GtkWidget *code);
GtkWidget *idw_qr_pane_get_code     (IdwQrPane *self);
void       idw_qr_pane_set_controls (IdwQrPane *self,
                                     GtkWidget *controls);
GtkWidget *idw_qr_pane_get_controls (IdwQrPane *self);
/* Whether the controls are beside the code (else below it). */
gboolean   idw_qr_pane_get_beside   (IdwQrPane *self);

G_END_DECLS
