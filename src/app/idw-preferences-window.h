/* idw-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IDW_TYPE_PREFERENCES_WINDOW (idw_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (IdwPreferencesWindow, idw_preferences_window, IDW, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Shows and changes @settings (the app's). */
IdwPreferencesWindow *idw_preferences_window_new (GSettings *settings);

G_END_DECLS
