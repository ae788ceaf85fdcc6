/* idw-keystore-private.h: what idw-keystore.c shares with the other
 * keystore files (idw-keystore-tpm.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "idw-keystore.h"

G_BEGIN_DECLS

/* The Secret Service, or NULL with IDW_ERROR_KEYRING. */
SecretService *_idw_keystore_get_service       (GCancellable  *cancellable,
                                                GError       **error);
/* A libsecret or D-Bus error as IDW_ERROR_KEYRING with a message that says
 * what to do; takes @cause. */
void           _idw_keystore_propagate_error   (GError       **error,
                                                GError        *cause);

G_END_DECLS
