/* idw-app-types.h: the app's classes by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For a header that only passes an object on: naming its type here rather
 * than including its header keeps the includes from going in a circle.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _IdwApplication IdwApplication;

G_END_DECLS
