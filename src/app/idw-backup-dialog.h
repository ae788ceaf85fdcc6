/* idw-backup-dialog.h: "Back Up Wallet…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IDW_TYPE_BACKUP_DIALOG (idw_backup_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IdwBackupDialog, idw_backup_dialog, IDW, BACKUP_DIALOG, AdwWindow)

IdwBackupDialog *idw_backup_dialog_new      (GtkWindow       *parent);
/* Writes the backup to @file: what the file chooser does when the person
 * chose where (the UI tests call it without a chooser). Needs the two
 * passphrases to agree and be strong enough. */
void             idw_backup_dialog_save_to  (IdwBackupDialog *self,
                                             GFile           *file);

G_END_DECLS
