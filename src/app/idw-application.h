/* idw-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IDW_TYPE_APPLICATION (idw_application_get_type ())
G_DECLARE_FINAL_TYPE (IdwApplication, idw_application, IDW, APPLICATION, AdwApplication)

IdwApplication *idw_application_new          (void);
GSettings      *idw_application_get_settings (IdwApplication *self);

G_END_DECLS
