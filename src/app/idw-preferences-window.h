/* idw-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idw-application.h"

G_BEGIN_DECLS

#define IDW_TYPE_PREFERENCES_WINDOW (idw_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (IdwPreferencesWindow, idw_preferences_window, IDW, PREFERENCES_WINDOW, AdwPreferencesWindow)

IdwPreferencesWindow *idw_preferences_window_new (IdwApplication *application);

G_END_DECLS
