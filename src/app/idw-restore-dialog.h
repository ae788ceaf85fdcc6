/* idw-restore-dialog.h: "Restore from Backup…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IDW_TYPE_RESTORE_DIALOG (idw_restore_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IdwRestoreDialog, idw_restore_dialog, IDW, RESTORE_DIALOG, AdwWindow)

/**
 * IdwRestoreDialog::restored:
 *
 * Emitted when a restore changed the wallet: the window reloads its list.
 */
IdwRestoreDialog *idw_restore_dialog_new       (GtkWindow        *parent);
/* Asks for the passphrase of @file: what the file chooser does when the
 * person chose a backup (the UI tests call it without a chooser). */
void              idw_restore_dialog_open_file (IdwRestoreDialog *self,
                                                GFile            *file);

G_END_DECLS
