/* idw-qr-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "idwallet.h"
#include "idw-animation.h"

G_BEGIN_DECLS

#define IDW_TYPE_QR_VIEW (idw_qr_view_get_type ())
G_DECLARE_FINAL_TYPE (IdwQrView, idw_qr_view, IDW, QR_VIEW, GtkWidget)

GtkWidget         *idw_qr_view_new             (void);
gboolean           idw_qr_view_set_text        (IdwQrView   *self,
                                                const char  *text,
                                                GError     **error);
void               idw_qr_view_clear           (IdwQrView   *self);
const char        *idw_qr_view_get_text        (IdwQrView   *self);
/* The code drawn now: the one code, or the current frame. */
const IdwQrMatrix *idw_qr_view_get_matrix      (IdwQrView   *self);
/* Pixels per module at the current size (0 when nothing is drawn). */
int                idw_qr_view_get_module_size (IdwQrView   *self);
/* Modules of white around the code at the current size (0 when nothing
 * is drawn). */
int                idw_qr_view_get_quiet_zone  (IdwQrView   *self);
/* Whether the text is played as a stream of frames. */
gboolean           idw_qr_view_get_animated    (IdwQrView   *self);
/* K, the source blocks of the animation (0 when not animated). */
guint              idw_qr_view_get_n_blocks    (IdwQrView   *self);
/* The sequence number of the frame drawn now (0 when not animated). */
guint32            idw_qr_view_get_frame_seq   (IdwQrView   *self);

G_END_DECLS
