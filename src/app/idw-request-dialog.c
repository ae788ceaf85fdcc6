/* idw-request-dialog.c: asking for an ID from a distance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier chooses what to ask for; the engine makes the "IDWR1:"
 * request with a fresh nonce, the request store remembers it (so that the
 * reply can be accepted once), and the request is offered as text to copy
 * and as a QR code.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-qr-view.h"
#include "idw-request-dialog.h"
#include "idw-ui-util.h"

struct _IdwRequestDialog
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  GtkButton           *cancel_button;
  GtkButton           *create_button;
  GtkButton           *done_button;
  AdwComboRow         *doctype_row;
  GtkCheckButton      *age_check;
  GtkCheckButton      *name_photo_check;
  GtkCheckButton      *full_check;
  GtkCheckButton      *custom_check;
  AdwPreferencesGroup *custom_group;
  AdwEntryRow         *verifier_entry;
  GtkLabel            *summary_label;
  IdwQrView           *qr_view;

  IdwRequestStore     *store;
  GPtrArray           *element_rows;   /* AdwActionRow, with "path" data */
  char                *request_text;
  gboolean             creating;
};

G_DEFINE_FINAL_TYPE (IdwRequestDialog, idw_request_dialog, ADW_TYPE_WINDOW)

GtkWidget *
idw_request_dialog_new (IdwRequestStore *store)
{
  IdwRequestDialog *self;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (store), NULL);

  self = g_object_new (IDW_TYPE_REQUEST_DIALOG, NULL);
  self->store = g_object_ref (store);

  return GTK_WIDGET (self);
}

const char *
idw_request_dialog_get_request_text (IdwRequestDialog *self)
{
  g_return_val_if_fail (IDW_IS_REQUEST_DIALOG (self), NULL);

  return self->request_text;
}

void
idw_request_dialog_select_preset (IdwRequestDialog *self,
                                  IdwPreset         preset)
{
  g_return_if_fail (IDW_IS_REQUEST_DIALOG (self));

  switch (preset)
    {
    case IDW_PRESET_FULL:
      gtk_check_button_set_active (self->full_check, TRUE);
      break;
    case IDW_PRESET_NAME_PHOTO:
      gtk_check_button_set_active (self->name_photo_check, TRUE);
      break;
    case IDW_PRESET_AGE_OVER_18:
    default:
      gtk_check_button_set_active (self->age_check, TRUE);
      break;
    }
}

static const char *
selected_doctype (IdwRequestDialog *self)
{
  const char * const *known = idw_doctype_list_known ();
  guint selected = adw_combo_row_get_selected (self->doctype_row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= g_strv_length ((char **) known))
    return known[0];

  return known[selected];
}

static void
rebuild_elements (IdwRequestDialog *self)
{
  const char *doctype = selected_doctype (self);
  const char *name_space = idw_doctype_get_namespace (doctype);
  const char * const *elements = name_space != NULL ? idw_namespace_list_elements (name_space) : NULL;

  for (guint i = 0; i < self->element_rows->len; i++)
    adw_preferences_group_remove (self->custom_group, self->element_rows->pdata[i]);
  g_ptr_array_set_size (self->element_rows, 0);

  for (guint i = 0; elements != NULL && elements[i] != NULL; i++)
    {
      g_autofree char *label = idw_element_get_label (name_space, elements[i]);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data_full (G_OBJECT (row), "path",
                              idw_element_path_new (name_space, elements[i]), g_free);
      g_object_set_data (G_OBJECT (row), "check", check);

      adw_preferences_group_add (self->custom_group, row);
      g_ptr_array_add (self->element_rows, row);
    }
}

static void
on_doctype_selected (AdwComboRow      *row,
                     GParamSpec       *pspec,
                     IdwRequestDialog *self)
{
  rebuild_elements (self);
}

static void
on_custom_toggled (GtkCheckButton   *check,
                   IdwRequestDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->custom_group), gtk_check_button_get_active (check));
}

static GStrv
custom_paths (IdwRequestDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->element_rows->len; i++)
    {
      GObject *row = self->element_rows->pdata[i];
      GtkCheckButton *check = g_object_get_data (row, "check");

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (row, "path"));
    }

  return g_strv_builder_end (builder);
}

/* What is asked for, in words. */
static char *
describe_request (IdwRequestDialog *self,
                  guint             n_custom)
{
  const char *what;

  if (gtk_check_button_get_active (self->custom_check))
    return g_strdup_printf (ngettext ("Asking for %u detail of their %s.",
                                      "Asking for %u details of their %s.", n_custom),
                            n_custom, idw_doctype_get_display_name (selected_doctype (self)));

  if (gtk_check_button_get_active (self->full_check))
    what = idw_preset_get_label (IDW_PRESET_FULL);
  else if (gtk_check_button_get_active (self->name_photo_check))
    what = idw_preset_get_label (IDW_PRESET_NAME_PHOTO);
  else
    what = idw_preset_get_label (IDW_PRESET_AGE_OVER_18);

  /* Translators: the first %s is what is asked for ("Age over 18"), the
   * second a kind of document ("Mobile driving licence"). */
  return g_strdup_printf (_("Asking for: %s, from their %s."),
                          what, idw_doctype_get_display_name (selected_doctype (self)));
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  IdwRequestDialog *self = source_object;
  IdwRemoteRequest *request = task_data;
  g_autofree char *text = idw_remote_request_to_text (request);
  g_autoptr(GError) error = NULL;

  if (!idw_request_store_add (self->store, request->nonce, text, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&text), g_free);
}

static void
store_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  IdwRequestDialog *self = IDW_REQUEST_DIALOG (object);
  g_autofree char *summary = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);

  self->creating = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.create", TRUE);

  if (text == NULL)
    {
      g_debug ("Could not remember the request: %s", error->message);
      idw_ui_add_toast (GTK_WIDGET (self->toast_overlay),
                                   adw_toast_new (_("The request could not be saved.")));
      return;
    }

  /* A request too long for one QR code still works as text. */
  if (!idw_qr_view_set_text (self->qr_view, text, NULL))
    gtk_widget_set_visible (GTK_WIDGET (self->qr_view), FALSE);

  self->request_text = g_steal_pointer (&text);
  gtk_label_set_label (self->summary_label, summary);

  gtk_widget_set_visible (GTK_WIDGET (self->create_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "show");
  gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  IdwRequestDialog *self = IDW_REQUEST_DIALOG (widget);
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *verifier = NULL;
  const char *doctype = selected_doctype (self);
  const char *entered;
  guint n_custom = 0;

  if (self->creating || self->request_text != NULL)
    return;

  entered = gtk_editable_get_text (GTK_EDITABLE (self->verifier_entry));
  verifier = g_strstrip (g_strdup (entered));
  if (verifier[0] == '\0')
    g_clear_pointer (&verifier, g_free);

  if (gtk_check_button_get_active (self->custom_check))
    {
      g_auto(GStrv) paths = custom_paths (self);

      n_custom = g_strv_length (paths);
      if (n_custom == 0)
        {
          idw_ui_add_toast (GTK_WIDGET (self->toast_overlay),
                                       adw_toast_new (_("Choose at least one detail to ask for.")));
          return;
        }
      request = idw_remote_request_new (doctype, (const char * const *) paths, verifier, &error);
    }
  else
    {
      IdwPreset preset = IDW_PRESET_AGE_OVER_18;

      if (gtk_check_button_get_active (self->full_check))
        preset = IDW_PRESET_FULL;
      else if (gtk_check_button_get_active (self->name_photo_check))
        preset = IDW_PRESET_NAME_PHOTO;
      request = idw_remote_request_new_preset (doctype, preset, verifier, &error);
    }

  if (request == NULL)
    {
      g_debug ("Could not make the request: %s", error->message);
      idw_ui_add_toast (GTK_WIDGET (self->toast_overlay),
                                   adw_toast_new (_("The request could not be made.")));
      return;
    }

  self->creating = TRUE;
  gtk_widget_action_set_enabled (widget, "request.create", FALSE);

  task = g_task_new (self, NULL, store_done, describe_request (self, n_custom));
  g_task_set_source_tag (task, create_action);
  g_task_set_task_data (task, g_steal_pointer (&request), (GDestroyNotify) idw_remote_request_free);
  g_task_run_in_thread (task, store_thread);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  IdwRequestDialog *self = IDW_REQUEST_DIALOG (widget);

  if (self->request_text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->request_text);
  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), adw_toast_new (_("Request copied")));
}

static void
idw_request_dialog_dispose (GObject *object)
{
  IdwRequestDialog *self = IDW_REQUEST_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_REQUEST_DIALOG);
  g_clear_object (&self->store);
  g_clear_pointer (&self->element_rows, g_ptr_array_unref);
  g_clear_pointer (&self->request_text, g_free);

  G_OBJECT_CLASS (idw_request_dialog_parent_class)->dispose (object);
}

static void
idw_request_dialog_class_init (IdwRequestDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_request_dialog_dispose;

  g_type_ensure (IDW_TYPE_QR_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-request-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, doctype_row);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, age_check);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, name_photo_check);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, full_check);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, custom_check);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, custom_group);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, verifier_entry);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, IdwRequestDialog, qr_view);

  gtk_widget_class_install_action (widget_class, "request.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "request.copy", NULL, copy_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
idw_request_dialog_init (IdwRequestDialog *self)
{
  g_autoptr(GtkStringList) doctypes = gtk_string_list_new (NULL);
  const char * const *known = idw_doctype_list_known ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->element_rows = g_ptr_array_new ();

  for (guint i = 0; known[i] != NULL; i++)
    gtk_string_list_append (doctypes, idw_doctype_get_display_name (known[i]));
  adw_combo_row_set_model (self->doctype_row, G_LIST_MODEL (doctypes));
  adw_combo_row_set_selected (self->doctype_row, 0);

  g_signal_connect (self->doctype_row, "notify::selected", G_CALLBACK (on_doctype_selected), self);
  g_signal_connect (self->custom_check, "toggled", G_CALLBACK (on_custom_toggled), self);

  rebuild_elements (self);
}
