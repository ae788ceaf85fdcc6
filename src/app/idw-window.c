/* idw-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-verify-view.h"
#include "idw-wallet-view.h"
#include "idw-window.h"
#include "idw-backup-dialog.h"
#include "idw-credential-request-dialog.h"
#include "idw-restore-dialog.h"
#include "idw-history-window.h"
#include "idw-ui-util.h"

struct _IdwWindow
{
  AdwApplicationWindow  parent_instance;

  AdwViewStack         *stack;
  GtkWidget            *header_bar;
  GtkWidget            *switcher_bar;
  AdwToastOverlay      *toast_overlay;
  IdwWalletView        *wallet_view;
  GtkWidget            *wallet_back_button;
  GtkWidget            *wallet_add_button;
  IdwVerifyView        *verify_view;
  /* Alt+1, Alt+2: the view shown takes the focus, wherever it was. */
  gboolean              focus_into_view;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (IdwWindow, idw_window, ADW_TYPE_APPLICATION_WINDOW)

IdwWindow *
idw_window_new (IdwApplication *application)
{
  return g_object_new (IDW_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * idw_window_show_view:
 * @name: "wallet" or "verify"
 *
 * Switches the main view.
 */
void
idw_window_show_view (IdwWindow  *self,
                      const char *name)
{
  g_return_if_fail (IDW_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->stack, name);
}

const char *
idw_window_get_view (IdwWindow *self)
{
  g_return_val_if_fail (IDW_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

/* Pages show theirs on the toast overlay above them (idw_ui_add_toast()),
 * without calling up to the window. */
static void
add_toast (IdwWindow *self,
           AdwToast  *toast)
{
  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), toast);
}

/**
 * idw_window_open_file:
 * @file: a file given on the command line or by the file manager
 *
 * Opens @file in the view that handles it.
 */
void
idw_window_open_file (IdwWindow *self,
                      GFile     *file)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *mime = NULL;
  const char *type;

  g_return_if_fail (IDW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Credentials go to the wallet; the import says what was wrong with a
   * file that turns out not to be one. */
  if (idw_wallet_view_can_import (file))
    {
      idw_window_show_view (self, "wallet");
      idw_wallet_view_import_and_report (self->wallet_view, file);
      return;
    }

  /* Pictures of a QR code and IDW1: texts are presentations to check. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  type = info != NULL ? g_file_info_get_content_type (info) : NULL;
  mime = type != NULL ? g_content_type_get_mime_type (type) : NULL;
  if ((mime != NULL && g_str_has_prefix (mime, "image/")) ||
      (type != NULL && g_content_type_is_a (type, "text/plain")))
    {
      idw_window_show_view (self, "verify");
      idw_verify_view_open_file (self->verify_view, file);
      return;
    }

  name = g_file_get_basename (file);
  /* Translators: %s is a file name. */
  message = g_strdup_printf (_("“%s” cannot be opened by this version of ID Wallet."), name);
  add_toast (self, idw_ui_toast_new (message));
}

/**
 * idw_window_get_wallet_view:
 *
 * Returns: (transfer none): the Wallet view
 */
IdwWalletView *
idw_window_get_wallet_view (IdwWindow *self)
{
  g_return_val_if_fail (IDW_IS_WINDOW (self), NULL);

  return self->wallet_view;
}

/* The back button and the "+" menu belong to the Wallet view: "+" on its
 * list, back on a card or a presentation. */
static void
wallet_navigation_cb (IdwWindow *self)
{
  gboolean on_wallet = g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "wallet") == 0;
  gboolean can_go_back = idw_wallet_view_get_can_go_back (self->wallet_view);

  gtk_widget_set_visible (self->wallet_back_button, on_wallet && can_go_back);
  gtk_widget_set_visible (self->wallet_add_button, on_wallet && !can_go_back);
}

static void
focus_into_view (IdwWindow *self)
{
  GtkWidget *view = adw_view_stack_get_visible_child (self->stack);

  if (view == NULL)
    return;

  if (view == GTK_WIDGET (self->verify_view))
    idw_verify_view_take_focus (self->verify_view);
  else
    gtk_widget_child_focus (view, GTK_DIR_TAB_FORWARD);
}

/* Switching views from inside one, or with Alt+1 and Alt+2 from anywhere,
 * takes the focus along, so that a screen reader says where it went; from
 * the view switcher in the header bar, the focus stays there. A focus
 * already in the view shown stays where it is. */
static void
view_switched_cb (IdwWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *view = adw_view_stack_get_visible_child (self->stack);
  gboolean asked = self->focus_into_view;

  self->focus_into_view = FALSE;
  if (view == NULL)
    return;

  if (focus != NULL && gtk_widget_get_mapped (focus) &&
      (gtk_widget_is_ancestor (focus, view) ||
       (!asked && (gtk_widget_get_ancestor (focus, ADW_TYPE_HEADER_BAR) != NULL ||
                   gtk_widget_get_ancestor (focus, ADW_TYPE_VIEW_SWITCHER_BAR) != NULL))))
    return;

  focus_into_view (self);
}

static void
idw_window_request_credential_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  IdwCredentialRequestDialog *dialog = idw_credential_request_dialog_new (GTK_WINDOW (widget));

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
idw_window_backup_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  IdwBackupDialog *dialog = idw_backup_dialog_new (GTK_WINDOW (widget));

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restored_cb (IdwWindow *self)
{
  idw_wallet_view_reload (self->wallet_view);
}

static void
idw_window_restore_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  IdwRestoreDialog *dialog = idw_restore_dialog_new (GTK_WINDOW (widget));

  g_signal_connect_object (dialog, "restored", G_CALLBACK (restored_cb), widget, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* The History window, one per main window: from the main menu with
 * ("", "") for every ID, from a card with its ID and name. */
static void
idw_window_history_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GWeakRef *ref = g_object_get_data (G_OBJECT (widget), "idw-history-window");
  g_autoptr(IdwHistoryWindow) history = ref != NULL ? g_weak_ref_get (ref) : NULL;
  const char *id = NULL;
  const char *name = NULL;

  g_variant_get (parameter, "(&s&s)", &id, &name);
  if (history == NULL)
    {
      history = g_object_ref (idw_history_window_new (GTK_WINDOW (widget)));
      ref = g_new0 (GWeakRef, 1);
      g_weak_ref_init (ref, history);
      g_object_set_data_full (G_OBJECT (widget), "idw-history-window", ref, (GDestroyNotify) weak_ref_free);
    }
  idw_history_window_set_filter (history, id, name);
  gtk_window_present (GTK_WINDOW (history));
}

static void
idw_window_import_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  IdwWindow *self = IDW_WINDOW (widget);

  idw_window_show_view (self, "wallet");
  idw_wallet_view_choose_import (self->wallet_view);
}

static void
idw_window_wallet_back_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  idw_wallet_view_go_back (IDW_WINDOW (widget)->wallet_view);
}

/* Alt+Left wherever the focus is, while a card or a presentation shows. */
static gboolean
idw_window_go_back_shortcut (GtkWidget *widget,
                             GVariant  *args,
                             gpointer   user_data)
{
  IdwWindow *self = IDW_WINDOW (widget);

  if (g_strcmp0 (idw_window_get_view (self), "wallet") != 0 ||
      !idw_wallet_view_get_can_go_back (self->wallet_view))
    return FALSE;

  idw_wallet_view_go_back (self->wallet_view);
  return TRUE;
}

static void
idw_window_show_view_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  IdwWindow *self = IDW_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  self->focus_into_view = TRUE;
  /* A view already shown does not switch: the focus goes into it all the
   * same. */
  if (g_strcmp0 (idw_window_get_view (self), name) == 0)
    view_switched_cb (self);
  else
    idw_window_show_view (self, name);
  self->focus_into_view = FALSE;
}

static gboolean
idw_window_close_request (GtkWindow *window)
{
  IdwWindow *self = IDW_WINDOW (window);
  int width, height;

  /* An ID waiting for its undo toast to go is deleted now. */
  idw_wallet_view_flush_deletions (self->wallet_view);

  gtk_window_get_default_size (window, &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (idw_window_parent_class)->close_request (window);
}

static void
idw_window_constructed (GObject *object)
{
  IdwWindow *self = IDW_WINDOW (object);

  G_OBJECT_CLASS (idw_window_parent_class)->constructed (object);

  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
idw_window_dispose (GObject *object)
{
  IdwWindow *self = IDW_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (idw_window_parent_class)->dispose (object);
}

static void
idw_window_class_init (IdwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = idw_window_constructed;
  object_class->dispose = idw_window_dispose;

  window_class->close_request = idw_window_close_request;

  g_type_ensure (IDW_TYPE_WALLET_VIEW);
  g_type_ensure (IDW_TYPE_VERIFY_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, wallet_view);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, wallet_back_button);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, wallet_add_button);
  gtk_widget_class_bind_template_callback (widget_class, wallet_navigation_cb);
  gtk_widget_class_bind_template_child (widget_class, IdwWindow, verify_view);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s", idw_window_show_view_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, idw_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, idw_window_backup_action);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, idw_window_restore_action);
  gtk_widget_class_install_action (widget_class, "win.history", "(ss)", idw_window_history_action);
  gtk_widget_class_install_action (widget_class, "win.request-credential", NULL,
                                   idw_window_request_credential_action);
  gtk_widget_class_install_action (widget_class, "win.wallet-back", NULL, idw_window_wallet_back_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.history", "(ss)", "", "");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_ALT_MASK, idw_window_go_back_shortcut, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Back, 0, idw_window_go_back_shortcut, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.show-view", "s", "wallet");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.show-view", "s", "verify");
}

static void
idw_window_init (IdwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (wallet_navigation_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (view_switched_cb), self, G_CONNECT_SWAPPED);
  wallet_navigation_cb (self);

  /* Only a QR code goes fullscreen, and it goes alone: no bars. */
  g_object_bind_property (self, "fullscreened", self->header_bar, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_object_bind_property (self, "fullscreened", self->switcher_bar, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
}
