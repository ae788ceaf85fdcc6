/* idw-backup-dialog.c: "Back Up Wallet…": a passphrase typed twice, how
 * strong it is, where to save, and the backup made on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The strength is libpwquality's, as GNOME Settings judges passwords:
 * a passphrase it refuses cannot be used, since anyone who gets the file
 * can try passphrases at leisure. The engine (idw-backup.h) does the rest:
 * Argon2id, encryption, the file written atomically.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <pwquality.h>

#include "idwallet.h"

#include "idw-backup-dialog.h"
#include "idw-ui-util.h"

struct _IdwBackupDialog
{
  AdwWindow        parent_instance;

  GtkStack        *stack;
  GtkEditable     *passphrase_row;
  GtkEditable     *confirm_row;
  GtkLevelBar     *strength_bar;
  GtkLabel        *strength_label;
  GtkProgressBar  *progress_bar;
  AdwStatusPage   *done_page;
  AdwStatusPage   *error_page;

  GCancellable    *cancellable;
  guint            pulse_id;
  char            *file_name;
};

G_DEFINE_FINAL_TYPE (IdwBackupDialog, idw_backup_dialog, ADW_TYPE_WINDOW)

/* ---- Strength ----------------------------------------------------------- */

typedef enum
{
  STRENGTH_NONE,
  STRENGTH_TOO_WEAK,
  STRENGTH_WEAK,
  STRENGTH_FAIR,
  STRENGTH_GOOD,
  STRENGTH_STRONG,
} Strength;

/* libpwquality's verdict on @text: a level, and for a refused one its
 * reason (libpwquality's own translated words) in @out_reason. */
static Strength
judge (const char  *text,
       char       **out_reason)
{
  pwquality_settings_t *settings;
  void *auxerror = NULL;
  char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];
  int score;

  *out_reason = NULL;
  if (text == NULL || *text == '\0')
    return STRENGTH_NONE;

  settings = pwquality_default_settings ();
  /* The system's policy (/etc/security/pwquality.conf), when there is one. */
  pwquality_read_config (settings, NULL, NULL);
  score = pwquality_check (settings, text, NULL, NULL, &auxerror);
  if (score < 0)
    *out_reason = g_strdup (pwquality_strerror (buffer, sizeof buffer, score, auxerror));
  pwquality_free_settings (settings);

  if (score < 0)
    return STRENGTH_TOO_WEAK;
  if (score < 50)
    return STRENGTH_WEAK;
  if (score < 75)
    return STRENGTH_FAIR;
  if (score < 90)
    return STRENGTH_GOOD;
  return STRENGTH_STRONG;
}

/* Whether the passphrase may be used: strong enough, typed twice alike. */
static gboolean
form_is_ready (IdwBackupDialog *self)
{
  const char *passphrase = gtk_editable_get_text (self->passphrase_row);
  g_autofree char *reason = NULL;

  return judge (passphrase, &reason) >= STRENGTH_WEAK
         && g_strcmp0 (passphrase, gtk_editable_get_text (self->confirm_row)) == 0;
}

static void
update_form (IdwBackupDialog *self)
{
  const char *passphrase = gtk_editable_get_text (self->passphrase_row);
  const char *confirm = gtk_editable_get_text (self->confirm_row);
  g_autofree char *reason = NULL;
  g_autofree char *text = NULL;
  Strength strength = judge (passphrase, &reason);
  gboolean differ = *confirm != '\0' && g_strcmp0 (passphrase, confirm) != 0;
  static const double levels[] = { 0.0, 0.1, 0.25, 0.5, 0.75, 1.0 };

  gtk_level_bar_set_value (self->strength_bar, levels[strength]);
  switch (strength)
    {
    case STRENGTH_NONE:
      text = g_strdup (_("Use several words that nobody would guess, or a long phrase."));
      break;
    case STRENGTH_TOO_WEAK:
      /* Translators: %s is libpwquality's reason, e.g. "The password is
       * shorter than 8 characters" */
      text = g_strdup_printf (_("Too weak: %s."), reason);
      break;
    case STRENGTH_WEAK:
      text = g_strdup (_("Weak. More words make it stronger."));
      break;
    case STRENGTH_FAIR:
      text = g_strdup (_("Fair. Another word or two would make it stronger."));
      break;
    case STRENGTH_GOOD:
      text = g_strdup (_("Good."));
      break;
    case STRENGTH_STRONG:
    default:
      text = g_strdup (_("Strong."));
      break;
    }
  if (differ)
    {
      g_autofree char *both = g_strconcat (text, " ", _("The two passphrases differ."), NULL);

      g_free (text);
      text = g_steal_pointer (&both);
    }
  gtk_label_set_label (self->strength_label, text);

  if (differ)
    gtk_widget_add_css_class (GTK_WIDGET (self->confirm_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_row), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.save", form_is_ready (self));
}

static void
passphrase_changed_cb (IdwBackupDialog *self)
{
  update_form (self);
}

/* ---- Saving -------------------------------------------------------------- */

static gboolean
pulse_cb (gpointer user_data)
{
  IdwBackupDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
stop_pulse (IdwBackupDialog *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
show_error (IdwBackupDialog *self,
            const GError    *error)
{
  /* A status page's description is always markup. */
  g_autofree char *description = idw_ui_escape_markup (error->message);

  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(IdwBackupDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *description = NULL;
  IdwBackupSummary summary;

  if (!idw_backup_create_finish (result, &summary, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      stop_pulse (self);
      show_error (self, error);
      return;
    }
  stop_pulse (self);

  /* Translators: what a backup holds; %u a count, %s the file's name */
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "%u ID, with the issuers you trust, your history and your settings, is in “%s”.",
                                             "%u IDs, with the issuers you trust, your history and your settings, are in “%s”.",
                                             summary.credentials),
                          summary.credentials, self->file_name);
  if (summary.keys_hardware > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u ID is there without its key, which stays in this computer’s TPM: on another computer it must be issued again.",
                                                 "%u IDs are there without their keys, which stay in this computer’s TPM: on another computer they must be issued again.",
                                                 summary.keys_hardware),
                              summary.keys_hardware);
    }
  if (summary.damaged > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u damaged file was left out.",
                                                 "%u damaged files were left out.", summary.damaged),
                              summary.damaged);
    }
  if (summary.history_damaged)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, _("The history cannot be read and was left out."));
    }
  g_string_append_c (text, ' ');
  g_string_append (text, _("Keep the passphrase safe: without it, the backup cannot be opened."));

  description = idw_ui_escape_markup (text->str);
  adw_status_page_set_description (self->done_page, description);
  gtk_stack_set_visible_child_name (self->stack, "done");
  idw_ui_announce (GTK_WIDGET (self), _("Wallet backed up"));
}

/**
 * idw_backup_dialog_save_to:
 * @self: the dialog
 * @file: where to write the backup
 *
 * Backs the wallet up into @file on a worker thread, showing progress,
 * then what the backup holds (or why it failed). The passphrase leaves
 * the entries, which are cleared.
 */
void
idw_backup_dialog_save_to (IdwBackupDialog *self,
                           GFile           *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwPassphrase) passphrase = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (IDW_IS_BACKUP_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!form_is_ready (self))
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (&error, IDW_ERROR, IDW_ERROR_IO,
                           _("The backup can only be saved to a local folder."));
      show_error (self, error);
      return;
    }
  passphrase = idw_passphrase_new (gtk_editable_get_text (self->passphrase_row), -1, &error);
  if (passphrase == NULL)
    {
      show_error (self, error);
      return;
    }

  g_free (self->file_name);
  self->file_name = g_file_get_basename (file);

  /* The passphrase is in guarded memory now; the entries forget it. */
  gtk_editable_set_text (self->passphrase_row, "");
  gtk_editable_set_text (self->confirm_row, "");

  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  self->pulse_id = g_timeout_add (120, pulse_cb, self);
  idw_backup_create (NULL, path, passphrase, self->cancellable, created_cb, g_object_ref (self));
}

static void
save_chosen (gpointer  instance,
             GFile    *file)
{
  idw_backup_dialog_save_to (instance, file);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  /* Translators: the suggested file name of a backup; %s is a date
   * (2026-12-06); keep the .idwbackup ending */
  name = g_strdup_printf (_("ID Wallet backup %s.idwbackup"), stamp);
  gtk_file_filter_set_name (filter, _("ID Wallet backups"));
  gtk_file_filter_add_pattern (filter, "*" IDW_BACKUP_FILE_SUFFIX);
  idw_ui_choose_save_file (widget, _("Save Backup"), _("_Save"), name, filter, save_chosen, widget);
}

static void
confirm_activated_cb (IdwBackupDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "backup.save", NULL);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwBackupDialog *self = IDW_BACKUP_DIALOG (widget);

  gtk_stack_set_visible_child_name (self->stack, "form");
  update_form (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

/* ---- The object -------------------------------------------------------- */

IdwBackupDialog *
idw_backup_dialog_new (GtkWindow *parent)
{
  return g_object_new (IDW_TYPE_BACKUP_DIALOG, "transient-for", parent, NULL);
}

static void
idw_backup_dialog_dispose (GObject *object)
{
  IdwBackupDialog *self = IDW_BACKUP_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  stop_pulse (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_BACKUP_DIALOG);

  G_OBJECT_CLASS (idw_backup_dialog_parent_class)->dispose (object);
}

static void
idw_backup_dialog_finalize (GObject *object)
{
  IdwBackupDialog *self = IDW_BACKUP_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->file_name);

  G_OBJECT_CLASS (idw_backup_dialog_parent_class)->finalize (object);
}

static void
idw_backup_dialog_class_init (IdwBackupDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_backup_dialog_dispose;
  object_class->finalize = idw_backup_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-backup-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, strength_label);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, IdwBackupDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_activated_cb);

  gtk_widget_class_install_action (widget_class, "backup.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "backup.retry", NULL, retry_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
idw_backup_dialog_init (IdwBackupDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  update_form (self);
}
