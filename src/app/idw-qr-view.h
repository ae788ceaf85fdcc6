/* idw-qr-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_QR_VIEW (idw_qr_view_get_type ())
G_DECLARE_FINAL_TYPE (IdwQrView, idw_qr_view, IDW, QR_VIEW, GtkWidget)

GtkWidget         *idw_qr_view_new             (void);
gboolean           idw_qr_view_set_text        (IdwQrView   *self,
                                                const char  *text,
                                                GError     **error);
void               idw_qr_view_clear           (IdwQrView   *self);
const char        *idw_qr_view_get_text        (IdwQrView   *self);
const IdwQrMatrix *idw_qr_view_get_matrix      (IdwQrView   *self);
/* Pixels per module at the current size (0 when nothing is drawn). */
int                idw_qr_view_get_module_size (IdwQrView   *self);

G_END_DECLS
