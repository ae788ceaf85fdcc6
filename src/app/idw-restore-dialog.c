/* idw-restore-dialog.c: "Restore from Backup…": choose a backup, type its
 * passphrase, see what it holds, restore it, and see what was restored,
 * skipped and needs re-issue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening (Argon2id, decrypting and checking the whole backup) and
 * restoring run on worker threads (idw-backup.h). A wrong passphrase
 * stays on the passphrase page with the engine's words; a damaged backup
 * gets a page of its own; neither touches the wallet.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idwallet.h"

#include "idw-restore-dialog.h"
#include "idw-ui-util.h"

struct _IdwRestoreDialog
{
  AdwWindow        parent_instance;

  GtkStack        *stack;
  AdwPreferencesGroup *passphrase_group;
  GtkEditable     *passphrase_row;
  GtkLabel        *passphrase_error;
  AdwStatusPage   *working_page;
  GtkProgressBar  *progress_bar;
  GtkBox          *contents_box;
  GtkBox          *report_box;
  GtkLabel        *report_title;
  AdwStatusPage   *error_page;

  GCancellable    *cancellable;
  guint            pulse_id;
  GFile           *file;
  IdwBackup       *backup;
};

G_DEFINE_FINAL_TYPE (IdwRestoreDialog, idw_restore_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Helpers ------------------------------------------------------------ */

static gboolean
pulse_cb (gpointer user_data)
{
  IdwRestoreDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
start_working (IdwRestoreDialog *self,
               const char       *title)
{
  adw_status_page_set_title (self->working_page, title);
  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  if (self->pulse_id == 0)
    self->pulse_id = g_timeout_add (120, pulse_cb, self);
}

static void
stop_working (IdwRestoreDialog *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
show_error (IdwRestoreDialog *self,
            const GError     *error)
{
  /* A status page's description is always markup. */
  g_autofree char *description = idw_ui_escape_markup (error->message);

  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* A row that says @title (literally) and @subtitle. */
static GtkWidget *
text_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  /* Rows take markup; names come from credentials and lists. */
  g_autofree char *safe_title = idw_ui_escape_markup (title);
  g_autofree char *safe_subtitle = idw_ui_escape_markup (subtitle);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), safe_title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), safe_subtitle);
  return row;
}

/* A row with a count at its end. */
static GtkWidget *
count_row (const char *title,
           guint       count)
{
  GtkWidget *row = text_row (title, NULL);
  g_autofree char *text = g_strdup_printf ("%u", count);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
group_new (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

/* ---- Choosing and opening ------------------------------------------------ */

static void
passphrase_changed_cb (IdwRestoreDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->passphrase_row), "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "restore.open",
                                 *gtk_editable_get_text (self->passphrase_row) != '\0');
}

static void
passphrase_activated_cb (IdwRestoreDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "restore.open", NULL);
}

/**
 * idw_restore_dialog_open_file:
 * @self: the dialog
 * @file: a backup file
 *
 * Asks for the passphrase of @file.
 */
void
idw_restore_dialog_open_file (IdwRestoreDialog *self,
                              GFile            *file)
{
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (IDW_IS_RESTORE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->file, file);
  g_clear_object (&self->backup);

  name = g_file_get_basename (file);
  /* Translators: %s is the backup's file name */
  description = g_strdup_printf (_("Type the passphrase of “%s”."), name);
  {
    g_autofree char *safe = idw_ui_escape_markup (description);

    adw_preferences_group_set_description (self->passphrase_group, safe);
  }
  gtk_editable_set_text (self->passphrase_row, "");
  passphrase_changed_cb (self);
  gtk_stack_set_visible_child_name (self->stack, "passphrase");
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
choose_response_cb (GtkNativeDialog  *native,
                    int               response,
                    IdwRestoreDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  if (file != NULL)
    idw_restore_dialog_open_file (self, file);

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  IdwRestoreDialog *self = IDW_RESTORE_DIALOG (widget);
  g_autoptr(GtkFileFilter) backups = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Choose a Backup"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (backups, _("ID Wallet backups"));
  gtk_file_filter_add_pattern (backups, "*" IDW_BACKUP_FILE_SUFFIX);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), backups);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  g_signal_connect (native, "response", G_CALLBACK (choose_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
show_contents (IdwRestoreDialog *self)
{
  GPtrArray *credentials = idw_backup_get_credentials (self->backup);
  GPtrArray *lists = idw_backup_get_lists (self->backup);
  g_autofree char *date = idw_ui_format_date (idw_backup_get_created (self->backup));
  g_autofree char *made = NULL;
  GtkWidget *group;

  clear_box (self->contents_box);

  /* Translators: %s is a date */
  made = g_strdup_printf (_("Made on %s."), date);
  group = group_new (credentials->len > 0 ? _("IDs") : _("No IDs"), made);
  for (guint i = 0; i < credentials->len; i++)
    {
      IdwBackupCredential *c = credentials->pdata[i];
      g_autofree char *name = idw_backup_credential_dup_name (c);
      const char *about;

      if (c->key_kind == IDW_BACKUP_KEY_SOFTWARE)
        about = _("With its key");
      else if (c->key_kind == IDW_BACKUP_KEY_HARDWARE)
        about = _("Its key stayed in the TPM of the computer the backup was made on: re-issue needed on a new device");
      else
        about = _("Without a key: it could not be presented where the backup was made either");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), text_row (name, about));
    }
  gtk_box_append (self->contents_box, group);

  group = group_new (_("Also in the Backup"), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             count_row (_("Trusted Issuers"),
                                        idw_backup_get_anchors (self->backup)->len));
  {
    g_autoptr(GString) providers = g_string_new (NULL);
    GtkWidget *row;

    for (guint i = 0; i < lists->len; i++)
      g_string_append_printf (providers, "%s%s", i > 0 ? ", " : "",
                              idw_trust_origin_get_provider (lists->pdata[i]));
    row = count_row (_("Trust Lists"), lists->len);
    if (lists->len > 0)
      {
        g_autofree char *safe = idw_ui_escape_markup (providers->str);

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), safe);
      }
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             count_row (_("History Entries"), idw_backup_get_n_history (self->backup)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             count_row (_("Settings"),
                                        (guint) g_variant_n_children (idw_backup_get_settings (self->backup))));
  gtk_box_append (self->contents_box, group);

  gtk_stack_set_visible_child_name (self->stack, "contents");
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(IdwRestoreDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  IdwBackup *backup = idw_backup_open_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  stop_working (self);

  if (backup == NULL && g_error_matches (error, IDW_ERROR, IDW_ERROR_BACKUP_PASSPHRASE))
    {
      /* Another try, on the same page, with the engine's words. */
      gtk_label_set_label (self->passphrase_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->passphrase_error), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->passphrase_row), "error");
      gtk_stack_set_visible_child_name (self->stack, "passphrase");
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
      idw_ui_announce (GTK_WIDGET (self), error->message);
      return;
    }
  if (backup == NULL)
    {
      show_error (self, error);
      return;
    }

  self->backup = backup;
  show_contents (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  IdwRestoreDialog *self = IDW_RESTORE_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwPassphrase) passphrase = NULL;
  g_autofree char *path = NULL;

  if (self->file == NULL)
    return;
  path = g_file_get_path (self->file);
  passphrase = idw_passphrase_new (gtk_editable_get_text (self->passphrase_row), -1, &error);
  if (path == NULL || passphrase == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, IDW_ERROR, IDW_ERROR_IO,
                             _("Only a backup in a local folder can be restored."));
      show_error (self, error);
      return;
    }
  /* In guarded memory now; the entry forgets it. */
  gtk_editable_set_text (self->passphrase_row, "");

  start_working (self, _("Opening the Backup…"));
  adw_status_page_set_description (self->working_page,
                                   _("The backup is being decrypted and checked. This takes a few seconds."));
  idw_backup_open (path, passphrase, self->cancellable, opened_cb, g_object_ref (self));
}

/* ---- Restoring ------------------------------------------------------------ */

static void
add_items_group (IdwRestoreDialog *self,
                 GPtrArray        *items,
                 const char       *title,
                 const char       *description)
{
  GtkWidget *group;

  if (items->len == 0)
    return;
  group = group_new (title, description);
  for (guint i = 0; i < items->len; i++)
    {
      IdwBackupItem *item = items->pdata[i];

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), text_row (item->name, NULL));
    }
  gtk_box_append (self->report_box, group);
}

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(IdwRestoreDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwBackupReport) report = idw_backup_restore_finish (IDW_BACKUP (object), result, &error);
  GtkWidget *group;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  stop_working (self);
  if (report == NULL)
    {
      show_error (self, error);
      return;
    }

  clear_box (self->report_box);
  add_items_group (self, report->restored, _("Restored"), NULL);
  add_items_group (self, report->reissue, _("Re-issue Needed on This Device"),
                   _("Their keys stayed in the TPM of the computer the backup was made on. Ask each issuer "
                     "to issue the ID to this device."));
  add_items_group (self, report->skipped, _("Skipped"), _("Already in your wallet, and left as they are."));

  /* Only what the restore changed. */
  {
    const struct { const char *title; guint count; } counts[] = {
      { N_("Trusted Issuers"), report->anchors_added },
      { N_("Trust Lists"), report->lists_restored },
      { N_("History Entries"), report->history_added },
      { N_("Settings"), report->settings_restored },
    };

    group = NULL;
    for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
      {
        if (counts[i].count == 0)
          continue;
        if (group == NULL)
          {
            group = group_new (_("Also Restored"), NULL);
            gtk_box_append (self->report_box, group);
          }
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), count_row (_(counts[i].title), counts[i].count));
      }
  }
  if (report->restored->len + report->reissue->len == 0 && report->skipped->len > 0)
    gtk_label_set_label (self->report_title, _("Nothing New to Restore"));
  else
    gtk_label_set_label (self->report_title, _("Wallet Restored"));

  gtk_stack_set_visible_child_name (self->stack, "report");
  idw_ui_announce (GTK_WIDGET (self), _("Wallet restored"));
  g_signal_emit (self, signals[SIGNAL_RESTORED], 0);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  IdwRestoreDialog *self = IDW_RESTORE_DIALOG (widget);

  if (self->backup == NULL)
    return;
  start_working (self, _("Restoring…"));
  adw_status_page_set_description (self->working_page, _("Your wallet is being restored from the backup."));
  idw_backup_restore (self->backup, NULL, self->cancellable, restored_cb, g_object_ref (self));
}

/* ---- The object -------------------------------------------------------- */

IdwRestoreDialog *
idw_restore_dialog_new (GtkWindow *parent)
{
  return g_object_new (IDW_TYPE_RESTORE_DIALOG, "transient-for", parent, NULL);
}

static void
idw_restore_dialog_dispose (GObject *object)
{
  IdwRestoreDialog *self = IDW_RESTORE_DIALOG (object);

  /* A restore already swapping in finishes whole: the engine checks the
   * cancellable only before the swap. */
  g_cancellable_cancel (self->cancellable);
  stop_working (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_RESTORE_DIALOG);

  G_OBJECT_CLASS (idw_restore_dialog_parent_class)->dispose (object);
}

static void
idw_restore_dialog_finalize (GObject *object)
{
  IdwRestoreDialog *self = IDW_RESTORE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->backup);

  G_OBJECT_CLASS (idw_restore_dialog_parent_class)->finalize (object);
}

static void
idw_restore_dialog_class_init (IdwRestoreDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_restore_dialog_dispose;
  object_class->finalize = idw_restore_dialog_finalize;

  signals[SIGNAL_RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-restore-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, passphrase_group);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, passphrase_error);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, contents_box);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, report_box);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, report_title);
  gtk_widget_class_bind_template_child (widget_class, IdwRestoreDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_activated_cb);

  gtk_widget_class_install_action (widget_class, "restore.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "restore.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "restore.restore", NULL, restore_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
idw_restore_dialog_init (IdwRestoreDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "restore.open", FALSE);
}
