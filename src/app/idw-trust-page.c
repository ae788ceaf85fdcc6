/* idw-trust-page.c: the trusted issuers, in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Trusting an issuer is the one decision here that can make a forged ID
 * look valid, so adding shows exactly what will be trusted (subject,
 * country, validity, the whole SHA-256 fingerprint to compare with the
 * issuer's published one) and asks first; removing asks too. A trust list
 * (VICAL) is the same decision for many issuers at once: it is verified
 * against the anchor the person chose, shown (provider, date, signer, what
 * it adds and replaces, how old it is) and imported only when confirmed;
 * its issuers are listed in a group of their own and removed with it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "idw-trust-page.h"
#include "idw-ui-util.h"

struct _IdwTrustPage
{
  AdwPreferencesPage   parent_instance;

  AdwPreferencesGroup *lists_group;
  AdwActionRow        *no_lists_row;
  AdwPreferencesGroup *issuers_group;
  AdwActionRow        *empty_row;

  IdwTrustStore       *store;
  GPtrArray           *rows;         /* every issuer row, of lists and added one by one */
  GPtrArray           *list_groups;  /* an AdwPreferencesGroup per imported list */
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

/* Whole days from @date to now, never negative. */
static gint64
age_days (GDateTime *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan span = g_date_time_difference (now, date);

  return span > 0 ? span / G_TIME_SPAN_DAY : 0;
}

static gboolean
is_past (GDateTime *datetime)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return datetime != NULL && g_date_time_compare (now, datetime) > 0;
}

/* "This list is 400 days old; its next update was due on 19 November
 * 2025.", or NULL when the list is not out of date. */
static char *
outdated_text (IdwTrustOrigin *origin)
{
  GDateTime *next_update = idw_trust_origin_get_next_update (origin);
  g_autofree char *due = NULL;
  gint64 days;

  if (!is_past (next_update))
    return NULL;

  days = age_days (idw_trust_origin_get_date (origin));
  due = idw_ui_format_date (next_update);
  /* Translators: %s is a date; the list's publisher should have published
   * a newer list by then */
  return g_strdup_printf (ngettext ("This list is %d day old; its next update was due on %s.",
                                    "This list is %d days old; its next update was due on %s.",
                                    (gulong) MIN (days, G_MAXINT)),
                          (int) MIN (days, G_MAXINT), due);
}

/* The issuer's row. @provider: the list it is trusted through, NULL when
 * added one by one (only those have a Remove button). */
static GtkWidget *
issuer_row_new (IdwCertificate *certificate,
                const char     *provider)
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
  g_autoptr(GString) description = NULL;

  if (country != NULL)
    /* Translators: country code · validity · "SHA-256" fingerprint beginning */
    subtitle = g_strdup_printf (_("%s · %s · SHA-256 %s…"), country, validity, grouped);
  else
    /* Translators: validity · "SHA-256" fingerprint beginning */
    subtitle = g_strdup_printf (_("%s · SHA-256 %s…"), validity, grouped);
  description = g_string_new (subtitle);

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
      g_string_append_printf (description, " %s", _("A test issuer: its IDs are not real"));
    }

  if (provider != NULL)
    {
      g_autofree char *shown = idw_ui_escape_text (provider);

      /* Without a Remove button of its own, the row says how it goes. */
      g_string_append_c (description, ' ');
      /* Translators: %s is the provider of a trust list, e.g. "AAMVA" */
      g_string_append_printf (description, _("Trusted through the list of %s: remove the list to stop trusting it."),
                              shown);
    }
  else
    {
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *remove_name = NULL;

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
    }
  idw_ui_set_description (row, description->str);

  g_object_set_data_full (G_OBJECT (row), "title", g_steal_pointer (&title), g_free);

  return row;
}

/* "List of 18 November 2025 · 14 issuing authorities · 400 days old",
 * and when a newer list is overdue, a line that says since when. */
static char *
list_description (IdwTrustOrigin *origin,
                  guint           n_issuers)
{
  GDateTime *date = idw_trust_origin_get_date (origin);
  g_autofree char *date_str = idw_ui_format_date (date);
  gint64 days = age_days (date);
  GString *text = g_string_new (NULL);

  /* Translators: %s is the date of a trust list */
  g_string_append_printf (text, _("List of %s"), date_str);
  g_string_append (text, " · ");
  /* Translators: how many issuing authorities a trust list holds */
  g_string_append_printf (text, ngettext ("%u issuing authority", "%u issuing authorities", n_issuers),
                          n_issuers);
  if (days > 0)
    {
      g_string_append (text, " · ");
      /* Translators: the age of a trust list */
      g_string_append_printf (text, ngettext ("%d day old", "%d days old", (gulong) MIN (days, G_MAXINT)),
                              (int) MIN (days, G_MAXINT));
    }
  if (is_past (idw_trust_origin_get_next_update (origin)))
    {
      g_autofree char *due = idw_ui_format_date (idw_trust_origin_get_next_update (origin));

      g_string_append_c (text, '\n');
      /* Translators: %s is the date by which a trust list's publisher
       * should have published a newer one */
      g_string_append_printf (text, _("Its next update was due on %s."), due);
    }

  return g_string_free (text, FALSE);
}

/* The group of the list of @origin, with its header's Remove List
 * button. */
static GtkWidget *
list_group_new (IdwTrustOrigin *origin,
                guint           n_issuers)
{
  GtkWidget *group = adw_preferences_group_new ();
  const char *provider = idw_trust_origin_get_provider (origin);
  g_autofree char *title = idw_ui_escape_text (provider);
  g_autofree char *description = list_description (origin, n_issuers);
  g_autofree char *remove_name = NULL;
  GtkWidget *content;
  GtkWidget *remove;

  /* A group's title and description are markup: the list's own text is
   * escaped for it. */
  {
    g_autofree char *title_markup = g_markup_escape_text (title, -1);
    g_autofree char *description_markup = g_markup_escape_text (description, -1);

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title_markup);
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description_markup);
  }

  /* As the other headers' buttons: an icon and a label. */
  content = adw_button_content_new ();
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "user-trash-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Remove List…"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  remove = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (remove), content);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "trust.remove-list");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", provider);
  /* Translators: the name screen readers say for the button that removes
   * the trust list of %s (its provider) */
  remove_name = g_strdup_printf (_("Remove %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_name, -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), remove);

  g_object_set_data_full (G_OBJECT (group), "provider", g_strdup (provider), g_free);
  g_object_set_data (G_OBJECT (group), "n-issuers", GUINT_TO_POINTER (n_issuers));

  return group;
}

typedef struct
{
  GPtrArray  *certificates;  /* IdwCertificate */
  GHashTable *origins;       /* fingerprint → IdwTrustOrigin */
  GPtrArray  *lists;         /* IdwTrustOrigin, by provider */
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_pointer (&listing->certificates, g_ptr_array_unref);
  g_clear_pointer (&listing->origins, g_hash_table_unref);
  g_clear_pointer (&listing->lists, g_ptr_array_unref);
  g_free (listing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listing, listing_free)

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  IdwTrustStore *store = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Listing) listing = g_new0 (Listing, 1);

  listing->certificates = idw_trust_store_list_with_origins (store, &listing->origins, NULL, &error);
  if (listing->certificates == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  listing->lists = idw_trust_store_list_vicals (store, NULL, NULL);

  g_task_return_pointer (task, g_steal_pointer (&listing), (GDestroyNotify) listing_free);
}

static void
clear_list (IdwTrustPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];

      if (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP) == GTK_WIDGET (self->issuers_group))
        adw_preferences_group_remove (self->issuers_group, row);
    }
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < self->list_groups->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), self->list_groups->pdata[i]);
  g_ptr_array_set_size (self->list_groups, 0);
}

static void
list_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(Listing) listing = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_one_by_one = 0;

  if (listing == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }

  clear_list (self);

  /* The lists' groups go between the lists' header and the issuers
   * added one by one: the page only appends. */
  g_object_ref (self->issuers_group);
  adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), self->issuers_group);

  for (guint i = 0; i < listing->lists->len; i++)
    {
      IdwTrustOrigin *origin = listing->lists->pdata[i];
      const char *provider = idw_trust_origin_get_provider (origin);
      guint n = 0;
      GtkWidget *group;

      for (guint j = 0; j < listing->certificates->len; j++)
        {
          g_autofree char *fingerprint = idw_certificate_get_fingerprint (listing->certificates->pdata[j]);
          IdwTrustOrigin *held = g_hash_table_lookup (listing->origins, fingerprint);

          if (held != NULL && g_str_equal (idw_trust_origin_get_provider (held), provider))
            n++;
        }

      group = list_group_new (origin, n);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
      g_ptr_array_add (self->list_groups, group);
      g_hash_table_insert (groups, (gpointer) provider, group);
    }

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->issuers_group);
  g_object_unref (self->issuers_group);

  for (guint i = 0; i < listing->certificates->len; i++)
    {
      IdwCertificate *certificate = listing->certificates->pdata[i];
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificate);
      IdwTrustOrigin *origin = g_hash_table_lookup (listing->origins, fingerprint);
      GtkWidget *group = NULL;
      GtkWidget *row;

      if (origin != NULL)
        group = g_hash_table_lookup (groups, idw_trust_origin_get_provider (origin));

      if (group != NULL)
        {
          row = issuer_row_new (certificate, idw_trust_origin_get_provider (origin));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      else
        {
          row = issuer_row_new (certificate, NULL);
          adw_preferences_group_add (self->issuers_group, row);
          n_one_by_one++;
        }
      g_ptr_array_add (self->rows, row);
    }

  /* Out of the group rather than hidden: an empty list box would still
   * draw its frame under the header. */
  if (listing->lists->len > 0 && gtk_widget_get_parent (GTK_WIDGET (self->no_lists_row)) != NULL)
    adw_preferences_group_remove (self->lists_group, GTK_WIDGET (self->no_lists_row));
  else if (listing->lists->len == 0 && gtk_widget_get_parent (GTK_WIDGET (self->no_lists_row)) == NULL)
    adw_preferences_group_add (self->lists_group, GTK_WIDGET (self->no_lists_row));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), n_one_by_one == 0);
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

static GtkFileFilter *
certificate_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Certificates"));
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_filter_add_mime_type (filter, "application/pkix-cert");
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");
  gtk_file_filter_add_suffix (filter, "cer");
  gtk_file_filter_add_suffix (filter, "der");
  return filter;
}

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
  g_autoptr(GtkFileFilter) filter = certificate_filter ();

  chooser = gtk_file_chooser_native_new (_("Add a Trusted Issuer"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Importing a trust list ---------------------------------------------- */

/* What a verified list would do to the store, worked out before asking. */
typedef struct
{
  IdwVical       *vical;
  IdwTrustOrigin *replaced;   /* the provider's list held now, or NULL */
  guint           added;
  guint           kept;
  guint           removed;
  gboolean        unchanged;
} ListPreview;

static void
list_preview_free (ListPreview *preview)
{
  g_clear_object (&preview->vical);
  g_clear_pointer (&preview->replaced, idw_trust_origin_unref);
  g_free (preview);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListPreview, list_preview_free)

typedef struct
{
  GFile *vical_file;
  GFile *anchor_file;
} ImportFiles;

static void
import_files_free (ImportFiles *files)
{
  g_clear_object (&files->vical_file);
  g_clear_object (&files->anchor_file);
  g_free (files);
}

/* @file's contents, refused beyond @limit bytes with the engine's
 * IDW_ERROR_LIMIT. */
static GBytes *
read_limited (GFile        *file,
              gsize         limit,
              GCancellable *cancellable,
              GError      **error)
{
  g_autoptr(GFileInfo) info = NULL;
  char *contents = NULL;
  gsize length = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return NULL;

  if (g_file_info_get_size (info) > (goffset) limit
      || !g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
    {
      if (contents == NULL && (error == NULL || *error == NULL))
        g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                     /* Translators: %u is a size in megabytes */
                     _("The file is larger than a trust list may be (%u MB)."),
                     (guint) (limit / (1024 * 1024)));
      return NULL;
    }
  if (length > limit)
    {
      g_free (contents);
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The file is larger than a trust list may be (%u MB)."),
                   (guint) (limit / (1024 * 1024)));
      return NULL;
    }

  return g_bytes_new_take (contents, length);
}

static void
verify_list_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  IdwTrustPage *self = source_object;
  ImportFiles *files = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) anchor_data = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GPtrArray) held_lists = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GHashTable) origins = NULL;
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(ListPreview) preview = g_new0 (ListPreview, 1);
  g_autofree char *anchor_name = g_file_get_basename (files->anchor_file);
  GPtrArray *entries;
  const char *provider;

  anchor_data = read_limited (files->anchor_file, IDW_MAX_INPUT_FILE, cancellable, &error);
  if (anchor_data != NULL)
    anchors = idw_certificate_list_new_from_data (g_bytes_get_data (anchor_data, NULL),
                                                  g_bytes_get_size (anchor_data),
                                                  anchor_name, &error);
  if (anchors != NULL)
    data = read_limited (files->vical_file, IDW_MAX_VICAL_SIZE, cancellable, &error);
  if (data != NULL)
    preview->vical = idw_vical_new_from_bytes (data, anchors, NULL, NULL, &error);
  if (preview->vical == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* What the provider's list held now becomes: refused when it is
   * older, as the store would refuse it. */
  provider = idw_vical_get_provider (preview->vical);
  held_lists = idw_trust_store_list_vicals (self->store, NULL, NULL);
  for (guint i = 0; i < held_lists->len; i++)
    {
      IdwTrustOrigin *origin = held_lists->pdata[i];

      if (g_str_equal (idw_trust_origin_get_provider (origin), provider))
        preview->replaced = idw_trust_origin_ref (origin);
    }

  if (preview->replaced != NULL)
    {
      int cmp = idw_trust_origin_compare (idw_vical_get_origin (preview->vical), preview->replaced);

      if (cmp < 0)
        {
          g_autofree char *held_date = idw_ui_format_date (idw_trust_origin_get_date (preview->replaced));
          g_autofree char *new_date = idw_ui_format_date (idw_vical_get_date (preview->vical));

          g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_SUPERSEDED,
                                   /* Translators: a provider, then the date of the
                                    * list chosen, then the date of the one held */
                                   _("This list of %s, of %s, is older than the one already imported, of %s."),
                                   provider, new_date, held_date);
          return;
        }
      preview->unchanged = cmp == 0;
    }

  certificates = idw_trust_store_list_with_origins (self->store, &origins, NULL, NULL);
  for (guint i = 0; certificates != NULL && i < certificates->len; i++)
    {
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificates->pdata[i]);
      IdwTrustOrigin *origin = g_hash_table_lookup (origins, fingerprint);

      if (origin != NULL && g_str_equal (idw_trust_origin_get_provider (origin), provider))
        g_hash_table_add (held, g_steal_pointer (&fingerprint));
    }

  entries = idw_vical_get_entries (preview->vical);
  for (guint i = 0; i < entries->len; i++)
    {
      IdwVicalEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (entry->certificate);

      if (g_hash_table_contains (held, fingerprint))
        preview->kept++;
      else
        preview->added++;
    }
  preview->removed = g_hash_table_size (held) - MIN (preview->kept, g_hash_table_size (held));

  g_task_return_pointer (task, g_steal_pointer (&preview), (GDestroyNotify) list_preview_free);
}

static void
show_import_error (IdwTrustPage *self,
                   const char   *message)
{
  g_autofree char *shown = idw_ui_escape_text (message);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: why a trust list was refused, then that nothing changed */
  body = g_strdup_printf (_("%s Nothing was changed."), shown);
  dialog = adw_message_dialog_new (parent_window (self), _("Trust List Not Imported"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_list_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  IdwTrustPage *self = source_object;
  IdwVical *vical = task_data;
  g_autoptr(GError) error = NULL;
  g_auto(IdwTrustImport) import = { 0 };

  if (!idw_trust_store_import_vical (self->store, vical, &import, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
import_list_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  IdwVical *vical = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_import_error (self, error->message);
    }
  else
    {
      g_autofree char *provider = idw_ui_escape_text (idw_vical_get_provider (vical));
      g_autofree char *message = NULL;

      /* Translators: %s is the provider of a trust list */
      message = g_strdup_printf (_("List of %s imported"), provider);
      show_toast (self, message);
    }

  idw_trust_page_reload (self);
}

static void
on_confirm_import (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  IdwTrustPage *self = g_object_get_data (G_OBJECT (dialog), "page");
  IdwVical *vical = user_data;
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (response, "import"))
    return;

  task = g_task_new (self, self->cancellable, import_list_done, NULL);
  g_task_set_source_tag (task, on_confirm_import);
  g_task_set_task_data (task, g_object_ref (vical), g_object_unref);
  g_task_run_in_thread (task, import_list_thread);
}

/* A plain sentence in the dialog, styled as @css_class. */
static GtkWidget *
notice_label (const char *text,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static char *
issuers_text (ListPreview *preview)
{
  guint n = idw_vical_get_entries (preview->vical)->len;

  if (preview->replaced == NULL)
    /* Translators: how many issuing authorities a list holds */
    return g_strdup_printf (ngettext ("%u issuing authority", "%u issuing authorities", n), n);

  /* Translators: how many issuing authorities the new list holds, then
   * how many of them are new, kept from the list it replaces, and no
   * longer trusted */
  return g_strdup_printf (ngettext ("%u issuing authority: %u new, %u kept, %u no longer trusted",
                                    "%u issuing authorities: %u new, %u kept, %u no longer trusted", n),
                          n, preview->added, preview->kept, preview->removed);
}

static void
confirm_import (IdwTrustPage *self,
                ListPreview  *preview)
{
  IdwVical *vical = preview->vical;
  IdwCertificate *signer = idw_vical_get_signer (vical);
  g_autoptr(IdwTrustOrigin) origin = idw_trust_origin_ref (idw_vical_get_origin (vical));
  g_autoptr(GDateTime) signer_expiry = idw_certificate_get_not_after (signer);
  g_autofree char *signer_name = certificate_title (signer);
  g_autofree char *date = idw_ui_format_date (idw_vical_get_date (vical));
  g_autofree char *issuers = issuers_text (preview);
  g_autofree char *outdated = outdated_text (origin);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *list;
  guint64 issue_id = 0;

  if (preview->unchanged)
    heading = g_strdup (_("Import This List Again?"));
  else if (preview->replaced != NULL)
    heading = g_strdup (_("Replace the Trust List?"));
  else
    heading = g_strdup (_("Import This Trust List?"));

  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   _("IDs signed by the issuing authorities on this list will be shown as valid."));
  g_object_set_data (G_OBJECT (dialog), "page", self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  if (outdated != NULL)
    gtk_box_append (GTK_BOX (box), notice_label (outdated, "warning"));

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Provider"), idw_vical_get_provider (vical)));
  if (idw_vical_get_issue_id (vical, &issue_id))
    {
      /* Translators: the date of a trust list, then its issue number */
      g_autofree char *dated = g_strdup_printf (_("%s, issue %" PRIu64), date, issue_id);

      gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Date"), dated));
    }
  else
    gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Date"), date));
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Issuing Authorities"), issuers));
  if (preview->replaced != NULL && !preview->unchanged)
    {
      g_autofree char *held = idw_ui_format_date (idw_trust_origin_get_date (preview->replaced));
      /* Translators: %s is the date of the list held now */
      g_autofree char *replaces = g_strdup_printf (_("The list of %s"), held);

      gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Replaces"), replaces));
    }
  gtk_list_box_append (GTK_LIST_BOX (list), property_row (_("Signed By"), signer_name));
  gtk_box_append (GTK_BOX (box), list);

  if (is_past (signer_expiry))
    {
      g_autofree char *until = idw_ui_format_date (signer_expiry);
      g_autofree char *note = NULL;

      /* Translators: %s is a date */
      note = g_strdup_printf (_("The certificate that signed this list expired on %s; the list was signed before."),
                              until);
      gtk_box_append (GTK_BOX (box), notice_label (note, "dim-label"));
    }

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", preview->replaced != NULL && !preview->unchanged ? _("_Replace") : _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirm_import),
                         g_object_ref (vical), (GClosureNotify) (void (*) (void)) g_object_unref, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
verify_list_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(ListPreview) preview = g_task_propagate_pointer (G_TASK (result), &error);

  if (preview == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_import_error (self, error->message);
      return;
    }

  confirm_import (self, preview);
}

void
idw_trust_page_import_list_files (IdwTrustPage *self,
                                  GFile        *vical_file,
                                  GFile        *anchor_file)
{
  g_autoptr(GTask) task = NULL;
  ImportFiles *files;

  g_return_if_fail (IDW_IS_TRUST_PAGE (self));
  g_return_if_fail (G_IS_FILE (vical_file));
  g_return_if_fail (G_IS_FILE (anchor_file));

  files = g_new0 (ImportFiles, 1);
  files->vical_file = g_object_ref (vical_file);
  files->anchor_file = g_object_ref (anchor_file);

  task = g_task_new (self, self->cancellable, verify_list_done, NULL);
  g_task_set_source_tag (task, idw_trust_page_import_list_files);
  g_task_set_task_data (task, files, (GDestroyNotify) import_files_free);
  g_task_run_in_thread (task, verify_list_thread);
}

static void
on_anchor_chosen (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  IdwTrustPage *self = user_data;
  GFile *vical_file = g_object_get_data (G_OBJECT (chooser), "vical-file");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) anchor_file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (anchor_file != NULL)
        idw_trust_page_import_list_files (self, vical_file, anchor_file);
    }

  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose_anchor (IdwTrustPage *self,
               GFile        *vical_file)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = certificate_filter ();

  chooser = gtk_file_chooser_native_new (_("Choose the List Signer’s Certificate"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data_full (G_OBJECT (chooser), "vical-file", g_object_ref (vical_file), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (on_anchor_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_anchor_explained (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  IdwTrustPage *self = g_object_get_data (G_OBJECT (dialog), "page");

  if (g_str_equal (response, "choose"))
    choose_anchor (self, user_data);
}

/* The anchor is the one thing the list cannot vouch for itself: say
 * where it must come from before asking for it. */
static void
explain_anchor (IdwTrustPage *self,
                GFile        *vical_file)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (parent_window (self), _("Choose the Signer’s Certificate"),
                                   _("Choose the certificate of the organisation that signs this list, which you got from it directly. The list is imported only if it was signed under this certificate."));
  g_object_set_data (G_OBJECT (dialog), "page", self);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "choose", _("C_hoose Certificate…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "choose",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "choose");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_anchor_explained),
                         g_object_ref (vical_file), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_list_chosen (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  IdwTrustPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        explain_anchor (self, file);
    }

  g_object_unref (chooser);
  g_object_unref (self);
}

static void
import_list_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Trust Lists (VICAL)"));
  gtk_file_filter_add_suffix (filter, "vical");
  gtk_file_filter_add_suffix (filter, "cbor");
  gtk_file_filter_add_mime_type (filter, "application/cbor");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  chooser = gtk_file_chooser_native_new (_("Import a Trust List"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (on_list_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Removing a trust list ------------------------------------------------ */

static void
remove_list_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  IdwTrustPage *self = source_object;
  g_autoptr(GError) error = NULL;

  if (!idw_trust_store_remove_vical (self->store, task_data, NULL, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
remove_list_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("Removing a trust list failed: %s", error->message);
      show_toast (self, _("The list could not be removed."));
    }
  else
    {
      show_toast (self, _("Trust list removed"));
    }

  idw_trust_page_reload (self);
}

static void
on_confirm_remove_list (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  IdwTrustPage *self = g_object_get_data (G_OBJECT (dialog), "page");
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (response, "remove"))
    return;

  task = g_task_new (self, self->cancellable, remove_list_done, NULL);
  g_task_set_source_tag (task, on_confirm_remove_list);
  g_task_set_task_data (task, g_strdup (user_data), g_free);
  g_task_run_in_thread (task, remove_list_thread);
}

static void
remove_list_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  IdwTrustPage *self = IDW_TRUST_PAGE (widget);
  const char *provider = g_variant_get_string (parameter, NULL);
  g_autofree char *shown = idw_ui_escape_text (provider);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint n = 0;
  GtkWidget *dialog;

  for (guint i = 0; i < self->list_groups->len; i++)
    {
      GObject *group = self->list_groups->pdata[i];

      if (g_strcmp0 (g_object_get_data (group, "provider"), provider) == 0)
        n = GPOINTER_TO_UINT (g_object_get_data (group, "n-issuers"));
    }

  /* Translators: %s is the provider of a trust list */
  heading = g_strdup_printf (_("Remove the List of %s?"), shown);
  body = g_strdup_printf (ngettext ("IDs from its %u issuing authority will no longer be shown as valid, unless you added it one by one.",
                                    "IDs from its %u issuing authorities will no longer be shown as valid, unless you added them one by one.",
                                    n),
                          n);
  dialog = adw_message_dialog_new (parent_window (self), heading, body);
  g_object_set_data (G_OBJECT (dialog), "page", self);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirm_remove_list),
                         g_strdup (provider), (GClosureNotify) (void (*) (void)) g_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
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
  g_clear_object (&self->no_lists_row);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->list_groups, g_ptr_array_unref);

  G_OBJECT_CLASS (idw_trust_page_parent_class)->dispose (object);
}

static void
idw_trust_page_class_init (IdwTrustPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_trust_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-trust-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwTrustPage, lists_group);
  gtk_widget_class_bind_template_child (widget_class, IdwTrustPage, no_lists_row);
  gtk_widget_class_bind_template_child (widget_class, IdwTrustPage, issuers_group);
  gtk_widget_class_bind_template_child (widget_class, IdwTrustPage, empty_row);

  gtk_widget_class_install_action (widget_class, "trust.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "trust.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "trust.import-list", NULL, import_list_action);
  gtk_widget_class_install_action (widget_class, "trust.remove-list", "s", remove_list_action);
}

static void
idw_trust_page_init (IdwTrustPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->list_groups = g_ptr_array_new ();
  /* Taken out of its group and put back as lists come and go. */
  g_object_ref (self->no_lists_row);
  self->cancellable = g_cancellable_new ();
  self->store = idw_trust_store_new (NULL);

  idw_trust_page_reload (self);
}
