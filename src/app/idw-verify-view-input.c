/* idw-verify-view-input.c: the ways into the Verify view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Open Image…", files from the file manager, Ctrl+V and drops. What they
 * bring is handed to the job (idw-verify-view-job.c) unread: the engine
 * decides what it is.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-clipboard.h"
#include "idw-verify-view-private.h"

/* ---- Files ---------------------------------------------------------------- */

static void
file_loaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(IdwVerifyView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (object));
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is a file name. */
      message = g_strdup_printf (_("“%s” could not be opened."), name);
      self->core->refuse (self, message);
      return;
    }

  if (len > IDW_MAX_INPUT_FILE)
    {
      self->core->refuse (self, _("The file is too large."));
      return;
    }

  _idw_verify_view_verify_data (self, g_bytes_new_take (g_steal_pointer (&contents), len));
}

void
idw_verify_view_open_file (IdwVerifyView *self,
                           GFile         *file)
{
  g_return_if_fail (IDW_IS_VERIFY_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_contents_async (file, self->cancellable, file_loaded, g_object_ref (self));
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  IdwVerifyView *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        idw_verify_view_open_file (self, file);
    }

  g_object_unref (dialog);
}

static void
open_image_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");

  chooser = gtk_file_chooser_native_new (_("Open a Picture of an ID"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Clipboard and drops --------------------------------------------------- */

static gboolean
pasted (GFile              *file,
        GdkTexture         *texture,
        const char         *text,
        IdwClipboardResult  result,
        gpointer            user_data)
{
  IdwVerifyView *self = user_data;

  if (file != NULL)
    idw_verify_view_open_file (self, file);
  else if (texture != NULL)
    _idw_verify_view_verify_texture (self, texture);
  else if (text != NULL)
    idw_verify_view_verify_text (self, text);
  else if (result == IDW_CLIPBOARD_READ_NO_PICTURE)
    self->core->refuse (self, _("The picture on the clipboard could not be read."));
  else
    self->core->show_toast (self, _("There is nothing to verify on the clipboard."));

  return TRUE;
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);

  if (self->busy)
    return;

  if (!idw_clipboard_read (gtk_widget_get_clipboard (widget),
                           IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_PICTURE | IDW_CLIPBOARD_TEXT,
                           self->cancellable, pasted, g_object_ref (self), g_object_unref))
    self->core->show_toast (self, _("There is nothing to verify on the clipboard."));
}

static gboolean
dropped (GFile              *file,
         GdkTexture         *texture,
         const char         *text,
         IdwClipboardResult  result,
         gpointer            user_data)
{
  IdwVerifyView *self = user_data;

  if (self->busy)
    return FALSE;

  if (file != NULL)
    idw_verify_view_open_file (self, file);
  else
    idw_verify_view_verify_text (self, text);

  return TRUE;
}

/* Ctrl+V wherever the focus is, while this view is on screen and no text
 * field wants the paste for itself. */
static gboolean
paste_shortcut (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus)))
    return FALSE;

  return gtk_widget_activate_action (widget, "verify.paste", NULL);
}

/* Ctrl+O wherever the focus is, while this view is on screen. */
static gboolean
open_image_shortcut (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  return gtk_widget_activate_action (widget, "verify.open-image", NULL);
}

/* ---- Setting up ------------------------------------------------------------ */

void
_idw_verify_view_class_init_input (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "verify.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "verify.open-image", NULL, open_image_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "verify.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "verify.open-image", NULL);
}

void
_idw_verify_view_init_input (IdwVerifyView *self)
{
  GtkDropTarget *drop;
  GtkEventController *shortcuts;

  drop = idw_clipboard_drop_target_new (IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_TEXT, dropped, self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (paste_shortcut, NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_o, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (open_image_shortcut, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}
