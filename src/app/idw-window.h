/* idw-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idw-app-types.h"
#include "idw-wallet-view.h"

G_BEGIN_DECLS

#define IDW_TYPE_WINDOW (idw_window_get_type ())
G_DECLARE_FINAL_TYPE (IdwWindow, idw_window, IDW, WINDOW, AdwApplicationWindow)

IdwWindow  *idw_window_new            (IdwApplication *application);
void        idw_window_open_file      (IdwWindow      *self,
                                       GFile          *file);
void        idw_window_show_view      (IdwWindow      *self,
                                       const char     *name);
const char *idw_window_get_view       (IdwWindow      *self);
IdwWalletView *idw_window_get_wallet_view (IdwWindow   *self);

G_END_DECLS
