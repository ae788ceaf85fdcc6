/* idw-verify-view.h: the Verify page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_VERIFY_VIEW (idw_verify_view_get_type ())
G_DECLARE_FINAL_TYPE (IdwVerifyView, idw_verify_view, IDW, VERIFY_VIEW, AdwBin)

GtkWidget       *idw_verify_view_new               (void);
/* Verifies an image (PNG, JPEG) or a text file holding an "IDW1:" text,
 * as "Open Image…" and a drop do. */
void             idw_verify_view_open_file         (IdwVerifyView *self,
                                                    GFile         *file);
/* Verifies an "IDW1:" text, as a paste does. */
void             idw_verify_view_verify_text       (IdwVerifyView *self,
                                                    const char    *text);
/* The visible state: "starting", "scan", "no-camera", "verifying" or
 * "result". */
const char      *idw_verify_view_get_state         (IdwVerifyView *self);
/* The verdict shown on the result page, or NULL. */
IdwVerdict      *idw_verify_view_get_verdict       (IdwVerifyView *self);
IdwRequestStore *idw_verify_view_get_request_store (IdwVerifyView *self);
/* Moves the focus into the view (now, or once its page has a control). */
void             idw_verify_view_take_focus        (IdwVerifyView *self);

G_END_DECLS
