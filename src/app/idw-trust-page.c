/* idw-trust-page.c: the trusted issuers, in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Trusting an issuer is the one decision here that can make a forged ID
 * look valid, so adding shows exactly what will be trusted (subject,
 * country, validity, the whole SHA-256 fingerprint to compare with the
 * issuer's published one) and asks first; removing asks too.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-trust-page.h"
#include "idw-ui-util.h"

struct _IdwTrustPage
{
  AdwPreferencesPage   parent_instance;

  AdwPreferencesGroup *issuers_group;
  AdwActionRow        *empty_row;

  IdwTrustStore       *store;
  GPtrArray           *rows;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (IdwTrustPage, idw_trust_page, ADW_TYPE_PREFERENCES_PAGE)

GtkWidget *
idw_trust_page_new (void)
{
  return g_object_new (IDW_TYPE_TRUST_PAGE, NULL);
}

IdwTrustStore *
idw_trust_page_get_store (IdwTrustPage *self)
{
  g_return_val_if_fail (IDW_IS_TRUST_PAGE (self), NULL);

  return self->store;
}

guint
idw_trust_page_get_n_issuers (IdwTrustPage *self)
{
  g_return_val_if_fail (IDW_IS_TRUST_PAGE (self), 0);

  return self->rows->len;
}

static void
show_toast (IdwTrustPage *self,
            const char   *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW);

  if (window != NULL)
    idw_ui_add_toast (GTK_WIDGET (self), idw_ui_toast_new (message));
}

static GtkWindow *
parent_window (IdwTrustPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The issuer's name for people: organisation, else common name, escaped
 * (it is whatever the certificate says). */
static char *
certificate_title (IdwCertificate *certificate)
{
  g_autofree char *name = idw_certificate_get_organization (certificate);

  if (name == NULL)
    name = idw_certificate_get_common_name (certificate);
  if (name == NULL)
    name = idw_certificate_get_subject (certificate);

  return idw_ui_escape_text (name);
}

static char *
validity_text (IdwCertificate *certificate)
{
  g_autoptr(GDateTime) from = idw_certificate_get_not_before (certificate);
  g_autoptr(GDateTime) until = idw_certificate_get_not_after (certificate);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *from_str = idw_ui_format_date (from);
  g_autofree char *until_str = idw_ui_format_date (until);

  if (until != NULL && g_date_time_compare (now, until) > 0)
    /* Translators: %s is a date */
    return g_strdup_printf (_("Expired on %s"), until_str);
  if (from != NULL && g_date_time_compare (now, from) < 0)
    /* Translators: %s is a date */
    return g_strdup_printf (_("Valid from %s"), from_str);

  /* Translators: %s is a date */
  return g_strdup_printf (_("Valid until %s"), until_str);
}

/* ---- The list ---------------------------------------------------------- */

static GtkWidget *
issuer_row_new (IdwCertificate *certificate)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = certificate_title (certificate);
  g_autofree char *raw_country = idw_certificate_get_country (certificate);
  g_autofree char *country = idw_ui_escape_text (raw_country);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificate);
  g_autofree char *short_fp = g_strndup (fingerprint, 16);
  g_autofree char *grouped = idw_ui_format_fingerprint (short_fp);
  g_autofree char *validity = validity_text (certificate);
  g_autofree char *subtitle = NULL;
  g_autofree char *description = NULL;
  g_autofree char *remove_name = NULL;
  GtkWidget *remove;

  if (country != NULL)
    /* Translators: country code · validity · "SHA-256" fingerprint beginning */
    subtitle = g_strdup_printf (_("%s · %s · SHA-256 %s…"), country, validity, grouped);
  else
    /* Translators: validity · "SHA-256" fingerprint beginning */
    subtitle = g_strdup_printf (_("%s · SHA-256 %s…"), validity, grouped);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  /* The whole fingerprint, to compare with the issuer's, for the eye; a
   * screen reader reads the row's subtitle instead of 64 hex digits (GTK
   * would make the tooltip the description). */
  gtk_widget_set_tooltip_text (row, fingerprint);
  g_object_set_data_full (G_OBJECT (row), "fingerprint", g_strdup (fingerprint), g_free);

  if (idw_certificate_is_test_issuer (certificate))
    {
      GtkWidget *tag = gtk_label_new (_("Test"));

      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (tag, "idw-tag");
      gtk_widget_add_css_class (tag, "warning");
      gtk_widget_set_tooltip_text (tag, _("A test issuer: its IDs are not real"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      description = g_strdup_printf ("%s %s", subtitle, _("A test issuer: its IDs are not real"));
    }
  idw_ui_set_description (row, description != NULL ? description : subtitle);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "trust.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", fingerprint);
  /* Translators: the name screen readers say for the button that removes
   * the trusted issuer %s */
  remove_name = g_strdup_printf (_("Remove %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data_full (G_OBJECT (row), "title", g_steal_pointer (&title), g_free);

  return row;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  IdwTrustStore *store = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = idw_trust_store_list (store, NULL, &error);

  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = g_task_propagate_pointer (G_TASK (result), &error);

  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->issuers_group, self->rows->pdata[i]);
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < list->len; i++)
    {
      GtkWidget *row = issuer_row_new (list->pdata[i]);

      adw_preferences_group_add (self->issuers_group, row);
      g_ptr_array_add (self->rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), list->len == 0);
}

void
idw_trust_page_reload (IdwTrustPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDW_IS_TRUST_PAGE (self));

  task = g_task_new (self, self->cancellable, list_done, NULL);
  g_task_set_source_tag (task, idw_trust_page_reload);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, list_thread);
}

/* ---- Adding -------------------------------------------------------------- */

static GtkWidget *
property_row (const char *title,
              const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  /* The certificate's text: no markup, controls made visible. */
  g_autofree char *shown = idw_ui_escape_text (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), shown != NULL ? shown : "—");
  gtk_widget_add_css_class (row, "idw-property");

  return row;
}

static void
add_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  IdwTrustPage *self = source_object;
  IdwCertificate *certificate = task_data;
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  if (!idw_trust_store_add (self->store, certificate, &added, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, added);
}

static void
add_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;
  gboolean added = g_task_propagate_boolean (G_TASK (result), &error);

  if (error != NULL)
    {
      show_toast (self, _("The issuer could not be added."));
      g_debug ("Adding a trusted issuer failed: %s", error->message);
      return;
    }

  show_toast (self, added ? _("Issuer added") : _("This issuer is trusted already"));
  idw_trust_page_reload (self);
}

static void
on_confirm_add (AdwMessageDialog *dialog,
                const char       *response,
                gpointer          user_data)
{
  IdwTrustPage *self = g_object_get_data (G_OBJECT (dialog), "page");
  IdwCertificate *certificate = user_data;
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (response, "trust"))
    return;

  task = g_task_new (self, self->cancellable, add_done, NULL);
  g_task_set_source_tag (task, on_confirm_add);
  g_task_set_task_data (task, idw_certificate_ref (certificate), (GDestroyNotify) idw_certificate_unref);
  g_task_run_in_thread (task, add_thread);
}

static void
confirm_add (IdwTrustPage   *self,
             IdwCertificate *certificate)
{
  g_autofree char *organization = idw_certificate_get_organization (certificate);
  g_autofree char *common_name = idw_certificate_get_common_name (certificate);
  g_autofree char *country = idw_certificate_get_country (certificate);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificate);
  g_autofree char *grouped = idw_ui_format_fingerprint (fingerprint);
  g_autoptr(GDateTime) from = idw_certificate_get_not_before (certificate);
  g_autoptr(GDateTime) until = idw_certificate_get_not_after (certificate);
  g_autofree char *from_str = idw_ui_format_date (from);
  g_autofree char *until_str = idw_ui_format_date (until);
  g_autofree char *validity = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *list;

  /* Translators: a validity period, "17/05/2026 to 17/05/2036" */
  validity = g_strdup_printf (_("%s to %s"), from_str, until_str);

  dialog = adw_message_dialog_new (parent_window (self), _("Trust This Issuer?"),
                                   _("IDs signed by this issuer will be shown as valid. Compare the fingerprint with the one the issuer publishes before you trust it."));
  g_object_set_data (G_OBJECT (dialog), "page", self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  if (idw_certificate_is_test_issuer (certificate))
    {
      GtkWidget *warning = gtk_label_new (_("This is a test issuer. Its IDs are not real and will be marked as tests."));

      gtk_label_set_wrap (GTK_LABEL (warning), TRUE);
      gtk_label_set_justify (GTK_LABEL (warning), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (warning, "warning");
      gtk_widget_add_css_class (warning, "heading");
      gtk_box_append (GTK_BOX (box), warning);
    }

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Organization"), organization));
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Name"), common_name));
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Country"),
                                                       idw_ui_country_name (country) != NULL ? idw_ui_country_name (country) : country));
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Valid"), validity));
  {
    GtkWidget *row = property_row (_("SHA-256 Fingerprint"), grouped);

    gtk_widget_add_css_class (row, "idw-fingerprint");
    gtk_list_box_append (GTK_LIST_BOX (list), row);
  }
  gtk_box_append (GTK_BOX (box), list);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirm_add),
                         idw_certificate_ref (certificate),
                         (GClosureNotify) (void (*) (void)) idw_certificate_unref, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  IdwCertificate *certificate = NULL;

  if (path != NULL)
    certificate = idw_certificate_new_from_file (path, &error);
  else
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no local path");

  if (certificate == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, certificate, (GDestroyNotify) idw_certificate_unref);
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) certificate = g_task_propagate_pointer (G_TASK (result), &error);

  if (certificate == NULL)
    {
      GFile *file = g_task_get_task_data (G_TASK (result));
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Reading a certificate failed: %s", error->message);
      /* Translators: %s is a file name */
      message = g_strdup_printf (_("“%s” is not a certificate."), name);
      show_toast (self, message);
      return;
    }

  confirm_add (self, certificate);
}

void
idw_trust_page_add_file (IdwTrustPage *self,
                         GFile        *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDW_IS_TRUST_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, self->cancellable, read_done, NULL);
  g_task_set_source_tag (task, idw_trust_page_add_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, read_thread);
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  IdwTrustPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        idw_trust_page_add_file (self, file);
    }

  g_object_unref (chooser);
  g_object_unref (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Certificates"));
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_filter_add_mime_type (filter, "application/pkix-cert");
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");
  gtk_file_filter_add_suffix (filter, "cer");
  gtk_file_filter_add_suffix (filter, "der");

  chooser = gtk_file_chooser_native_new (_("Add a Trusted Issuer"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Removing ------------------------------------------------------------- */

static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  IdwTrustPage *self = source_object;
  g_autoptr(GError) error = NULL;

  if (!idw_trust_store_remove (self->store, task_data, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
remove_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("Removing a trusted issuer failed: %s", error->message);
      show_toast (self, _("The issuer could not be removed."));
    }
  else
    {
      show_toast (self, _("Issuer removed"));
    }

  idw_trust_page_reload (self);
}

static void
on_confirm_remove (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  IdwTrustPage *self = g_object_get_data (G_OBJECT (dialog), "page");
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (response, "remove"))
    return;

  task = g_task_new (self, self->cancellable, remove_done, NULL);
  g_task_set_source_tag (task, on_confirm_remove);
  g_task_set_task_data (task, g_strdup (user_data), g_free);
  g_task_run_in_thread (task, remove_thread);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (widget);
  const char *fingerprint = g_variant_get_string (parameter, NULL);
  const char *title = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "fingerprint"), fingerprint) == 0)
        title = g_object_get_data (G_OBJECT (row), "title");
    }

  /* Translators: %s is an issuer's name */
  heading = g_strdup_printf (_("Remove “%s”?"), title != NULL ? title : fingerprint);
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   _("IDs from this issuer will no longer be shown as valid."));
  g_object_set_data (G_OBJECT (dialog), "page", self);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirm_remove),
                         g_strdup (fingerprint), (GClosureNotify) (void (*) (void)) g_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Life cycle ------------------------------------------------------------- */

static void
idw_trust_page_dispose (GObject *object)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_TRUST_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (idw_trust_page_parent_class)->dispose (object);
}

static void
idw_trust_page_class_init (IdwTrustPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_trust_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-trust-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwTrustPage, issuers_group);
  gtk_widget_class_bind_template_child (widget_class, IdwTrustPage, empty_row);

  gtk_widget_class_install_action (widget_class, "trust.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "trust.remove", "s", remove_action);
}

static void
idw_trust_page_init (IdwTrustPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  self->store = idw_trust_store_new (NULL);

  idw_trust_page_reload (self);
}
