/* idw-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-error.h"

G_DEFINE_QUARK (idw-error-quark, idw_error)
