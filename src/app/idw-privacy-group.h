/* idw-privacy-group.h: the Privacy preferences: recording the history,
 * and the verifier's log with its CSV export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_PRIVACY_GROUP (idw_privacy_group_get_type ())
G_DECLARE_FINAL_TYPE (IdwPrivacyGroup, idw_privacy_group, IDW, PRIVACY_GROUP, AdwPreferencesGroup)

/* How many verdicts the log holds, as last counted (-1 before). */
int      idw_privacy_group_get_n_logged   (IdwPrivacyGroup     *self);
/* Writes the log as CSV (idw_verifier_log_to_csv()) to @file, as "Export as
 * CSV…" does after its file chooser; mode 0600. */
void     idw_privacy_group_export_log        (IdwPrivacyGroup     *self,
                                              GFile               *file,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean idw_privacy_group_export_log_finish (IdwPrivacyGroup     *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
