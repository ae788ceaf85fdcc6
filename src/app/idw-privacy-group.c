/* idw-privacy-group.c: the Privacy preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two switches bound to the settings ("record-history", "verifier-log")
 * and the log's file: how many verdicts it holds, export as CSV, clear.
 * The log is read and changed in worker threads (idw-verifier-log.c).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-privacy-group.h"
#include "idw-ui-util.h"

struct _IdwPrivacyGroup
{
  AdwPreferencesGroup   parent_instance;

  GSettings            *settings;
  IdwVerifierLog       *log;
  GCancellable         *cancellable;
  int                   n_logged;

  GtkSwitch            *record_switch;
  GtkSwitch            *log_switch;
  AdwActionRow         *log_file_row;
};

G_DEFINE_FINAL_TYPE (IdwPrivacyGroup, idw_privacy_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  SIGNAL_COUNTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (IdwPrivacyGroup *self,
            const char      *title)
{
  idw_ui_add_toast (GTK_WIDGET (self), idw_ui_toast_new (title));
}

int
idw_privacy_group_get_n_logged (IdwPrivacyGroup *self)
{
  g_return_val_if_fail (IDW_IS_PRIVACY_GROUP (self), -1);

  return self->n_logged;
}

/* ---- Counting --------------------------------------------------------- */

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(IdwPrivacyGroup) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;

  entries = idw_verifier_log_list_finish (IDW_VERIFIER_LOG (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (entries == NULL)
    {
      self->n_logged = -1;
      subtitle = idw_ui_escape_text (error->message);
    }
  else
    {
      self->n_logged = (int) entries->len;
      if (entries->len == 0)
        subtitle = g_strdup (_("None"));
      else
        subtitle = g_strdup_printf (ngettext ("%u verdict", "%u verdicts", entries->len), entries->len);
    }
  adw_action_row_set_subtitle (self->log_file_row, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.export-log", self->n_logged > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.clear-log", self->n_logged != 0);
  g_signal_emit (self, signals[SIGNAL_COUNTED], 0);
}

static void
count (IdwPrivacyGroup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  idw_verifier_log_list (self->log, self->cancellable, counted_cb, g_object_ref (self));
}

/* ---- Exporting ---------------------------------------------------------- */

static void
export_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file;

  entries = idw_verifier_log_list_finish (IDW_VERIFIER_LOG (source), result, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  file = g_task_get_task_data (task);
  /* Whom you checked, and when: readable by its owner only. */
  idw_ui_save_private_text (file, idw_verifier_log_to_csv (entries), g_steal_pointer (&task));
}

void
idw_privacy_group_export_log (IdwPrivacyGroup     *self,
                              GFile               *file,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (IDW_IS_PRIVACY_GROUP (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  idw_verifier_log_list (self->log, NULL, export_listed_cb, task);
}

gboolean
idw_privacy_group_export_log_finish (IdwPrivacyGroup  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  IdwPrivacyGroup *self = IDW_PRIVACY_GROUP (source);
  g_autoptr(GError) error = NULL;

  if (!idw_privacy_group_export_log_finish (self, result, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is why */
      message = g_strdup_printf (_("Could not export the verification log: %s"), error->message);
      show_toast (self, message);
      return;
    }
  show_toast (self, _("Verification log exported"));
}

static void
export_chosen (gpointer  instance,
               GFile    *file)
{
  idw_privacy_group_export_log (instance, file, export_done_cb, NULL);
}

static void
export_log_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  /* Translators: the file name an exported verification log is saved under */
  const char *name = _("verification-log.csv");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  idw_ui_choose_save_file (widget, _("Export the Verification Log"), _("_Export"), name, filter,
                           export_chosen, widget);
}

/* ---- Clearing ---------------------------------------------------------- */

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(IdwPrivacyGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!idw_verifier_log_clear_finish (IDW_VERIFIER_LOG (source), result, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is why */
      message = g_strdup_printf (_("Could not clear the verification log: %s"), error->message);
      show_toast (self, message);
    }
  else
    {
      show_toast (self, _("Verification log cleared"));
    }
  count (self);
}

static void
clear_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   IdwPrivacyGroup  *self)
{
  if (g_strcmp0 (response, "clear") == 0)
    idw_verifier_log_clear (self->log, NULL, cleared_cb, g_object_ref (self));
}

static void
clear_log_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  IdwPrivacyGroup *self = IDW_PRIVACY_GROUP (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Clear the Verification Log?"),
                                   _("Every logged verdict will be deleted. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("_Clear"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (clear_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- The group ------------------------------------------------------------- */

static void
idw_privacy_group_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (idw_privacy_group_parent_class)->map (widget);

  /* Counted afresh each time the preferences show it. */
  count (IDW_PRIVACY_GROUP (widget));
}

static void
idw_privacy_group_dispose (GObject *object)
{
  IdwPrivacyGroup *self = IDW_PRIVACY_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_PRIVACY_GROUP);
  g_clear_object (&self->settings);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (idw_privacy_group_parent_class)->dispose (object);
}

static void
idw_privacy_group_class_init (IdwPrivacyGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_privacy_group_dispose;
  widget_class->map = idw_privacy_group_map;

  /**
   * IdwPrivacyGroup::counted:
   *
   * The log's verdicts were counted (idw_privacy_group_get_n_logged()).
   */
  signals[SIGNAL_COUNTED] = g_signal_new ("counted", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-privacy-group.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwPrivacyGroup, record_switch);
  gtk_widget_class_bind_template_child (widget_class, IdwPrivacyGroup, log_switch);
  gtk_widget_class_bind_template_child (widget_class, IdwPrivacyGroup, log_file_row);

  gtk_widget_class_install_action (widget_class, "privacy.export-log", NULL, export_log_action);
  gtk_widget_class_install_action (widget_class, "privacy.clear-log", NULL, clear_log_action);
}

static void
idw_privacy_group_init (IdwPrivacyGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->n_logged = -1;
  self->settings = g_settings_new (APP_ID);
  self->log = idw_verifier_log_new (NULL);
  g_settings_bind (self->settings, "record-history", self->record_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "verifier-log", self->log_switch, "active", G_SETTINGS_BIND_DEFAULT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.export-log", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.clear-log", FALSE);
}
