/* idw-card-page.c: one ID, as a card and element by element
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-card-page.h"
#include "idw-ui-util.h"

struct _IdwCardPage
{
  AdwBin                parent_instance;

  IdwCredential        *credential;
  char                 *id;
  char                 *nickname;

  GtkLabel             *nickname_label;
  GtkWidget            *card;
  GtkLabel             *test_ribbon;
  GtkLabel             *doctype_label;
  GtkLabel             *country_label;
  GtkPicture           *portrait;
  GtkLabel             *name_label;
  GtkLabel             *latin_name_label;
  GtkGrid              *key_fields;
  GtkBox               *key_fields_stacked;
  GtkLabel             *authority_label;
  GtkLabel             *validity_label;
  GtkLabel             *authority_label_narrow;
  GtkLabel             *validity_label_narrow;
  GtkWidget            *present_button;
  GtkWidget            *cannot_present_label;
  char                 *cannot_present_text;  /* the .ui's, for when no reason is set */
  GtkWidget            *tpm_row;
  GtkBox               *groups_box;
  AdwPreferencesGroup  *details_group;

  GtkLabel             *status_label;
  GtkWidget            *status_warning;  /* below the card, when revoked or suspended */
  IdwCredentialStatus  *status;

};

G_DEFINE_FINAL_TYPE (IdwCardPage, idw_card_page, ADW_TYPE_BIN)

enum {
  SIGNAL_PRESENT,
  SIGNAL_RESPOND,
  SIGNAL_DELETE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
add_key_field (IdwCardPage *self,
               int          row,
               const char  *label,
               const char  *value)
{
  /* Side by side, unwrapped: where that does not fit, the card shows the
   * stacked copy, the name above the value, instead of breaking words. */
  for (guint stacked = 0; stacked < 2; stacked++)
    {
      GtkWidget *l = gtk_label_new (label);
      GtkWidget *v = gtk_label_new (value);

      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_widget_add_css_class (l, "caption");
      gtk_widget_add_css_class (l, "idw-card-field-label");
      gtk_label_set_xalign (GTK_LABEL (v), 0);
      gtk_label_set_wrap (GTK_LABEL (l), stacked);
      gtk_label_set_wrap (GTK_LABEL (v), stacked);
      gtk_label_set_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
      if (stacked)
        {
          GtkWidget *field = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

          gtk_box_append (GTK_BOX (field), l);
          gtk_box_append (GTK_BOX (field), v);
          gtk_box_append (self->key_fields_stacked, field);
        }
      else
        {
          gtk_grid_attach (self->key_fields, l, 0, row, 1, 1);
          gtk_grid_attach (self->key_fields, v, 1, row, 1, 1);
        }
    }
}

static char *
format_element (IdwCredential *credential,
                const char    *ns,
                const char    *element)
{
  cbor_item_t *value;

  if (!idw_credential_has_element (credential, ns, element))
    return NULL;

  value = idw_credential_get_value (credential, ns, element);
  return idw_ui_format_value (ns, element, value);
}

/* What the card shows, in one sentence for screen readers. */
static void
update_card_label (IdwCardPage *self)
{
  IdwCredential *credential = self->credential;
  g_autofree char *national = idw_ui_credential_national_name (credential);
  g_autofree char *raw_latin = idw_credential_dup_holder_name (credential);
  g_autofree char *latin = idw_ui_escape_text (raw_latin);
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GDateTime *from = idw_credential_get_valid_from (credential);
  GDateTime *until = idw_credential_get_valid_until (credential);
  g_autofree char *document = idw_ui_escape_text (idw_credential_get_display_name (credential));

  if (national != NULL && latin != NULL && g_strcmp0 (national, latin) != 0)
    /* Translators: a name in national characters and in Latin letters, "张伟 (Wei Zhang)" */
    name = g_strdup_printf (_("%1$s (%2$s)"), national, latin);
  else if (national != NULL)
    name = g_steal_pointer (&national);
  else
    name = idw_ui_credential_title (credential);

  if (from != NULL && g_date_time_compare (now, from) < 0)
    {
      g_autofree char *date = idw_ui_format_date (from);

      /* Translators: read by screen readers for the card, "Mobile driving licence of 张伟 (Wei Zhang), valid from 1 June 2025" */
      label = g_strdup_printf (_("%1$s of %2$s, valid from %3$s"), document, name, date);
    }
  else if (until != NULL && g_date_time_compare (now, until) > 0)
    {
      g_autofree char *date = idw_ui_format_date (until);

      /* Translators: read by screen readers for the card, "Mobile driving licence of 张伟 (Wei Zhang), expired on 31 May 2035" */
      label = g_strdup_printf (_("%1$s of %2$s, expired on %3$s"), document, name, date);
    }
  else if (until != NULL)
    {
      g_autofree char *date = idw_ui_format_date (until);

      /* Translators: read by screen readers for the card, "Mobile driving licence of 张伟 (Wei Zhang), valid until 31 May 2035" */
      label = g_strdup_printf (_("%1$s of %2$s, valid until %3$s"), document, name, date);
    }
  else
    {
      /* Translators: read by screen readers for the card, "Mobile driving licence of 张伟 (Wei Zhang)" */
      label = g_strdup_printf (_("%1$s of %2$s"), document, name);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  /* What would make a verifier refuse it is read with the card. */
  {
    g_autofree char *status_title = NULL;
    g_autoptr(GString) description = g_string_new (NULL);

    if (idw_ui_credential_status_warning (self->status, &status_title, NULL))
      g_string_append (description, status_title);
    if (idw_credential_is_test_issuer (credential))
      {
        if (description->len > 0)
          g_string_append (description, ", ");
        g_string_append (description, gtk_label_get_label (self->test_ribbon));
      }
    idw_ui_set_description (self->card, description->len > 0 ? description->str : NULL);
  }
}

static void
fill_card (IdwCardPage *self)
{
  IdwCredential *credential = self->credential;
  const char * const *key_elements = idw_doctype_get_card_elements (idw_credential_get_doctype (credential));
  g_autoptr(GdkTexture) portrait = idw_ui_credential_portrait (credential);
  /* Everything the credential says is shown escaped (labels have no
   * markup; escaping keeps each value on its line and in its order). */
  g_autofree char *national = idw_ui_credential_national_name (credential);
  g_autofree char *raw_latin = idw_credential_dup_holder_name (credential);
  g_autofree char *latin = idw_ui_escape_text (raw_latin);
  g_autofree char *document = idw_ui_escape_text (idw_credential_get_display_name (credential));
  g_autofree char *country = idw_ui_credential_dup_text (credential, "issuing_country");
  g_autofree char *authority = idw_ui_credential_dup_text (credential, "issuing_authority");
  g_autofree char *validity = idw_ui_credential_validity (credential);
  int row = 0;

  /* The first edition of ISO/IEC TS 23220-2 names it so. */
  if (authority == NULL)
    authority = idw_ui_credential_dup_text (credential, "issuing_authority_unicode");

  gtk_widget_add_css_class (self->card, idw_ui_doctype_style (idw_credential_get_doctype (credential)));
  gtk_widget_set_visible (GTK_WIDGET (self->test_ribbon), idw_credential_is_test_issuer (credential));
  gtk_label_set_label (self->doctype_label, document);
  /* The country's name where iso-codes knows the code ("China"), the
   * code as the credential gives it otherwise. */
  {
    const char *country_name = idw_ui_country_name (country);

    if (country_name != NULL)
      {
        gtk_label_set_label (self->country_label, country_name);
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->country_label), country);
      }
    else
      gtk_label_set_label (self->country_label, country != NULL ? country : "");
  }

  if (portrait != NULL)
    gtk_picture_set_paintable (self->portrait, GDK_PAINTABLE (portrait));
  else
    gtk_widget_set_visible (GTK_WIDGET (self->portrait), FALSE);

  if (national != NULL)
    {
      gtk_label_set_label (self->name_label, national);
      if (latin != NULL && g_strcmp0 (latin, national) != 0)
        {
          gtk_label_set_label (self->latin_name_label, latin);
          gtk_widget_set_visible (GTK_WIDGET (self->latin_name_label), TRUE);
        }
    }
  else
    {
      g_autofree char *title = idw_ui_credential_title (credential);

      gtk_label_set_label (self->name_label, title);
    }

  for (guint i = 0; key_elements[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;
      g_autofree char *value = NULL;
      g_autofree char *label = NULL;

      if (!idw_element_path_split (key_elements[i], &ns, &element))
        continue;
      value = format_element (credential, ns, element);
      if (value == NULL)
        continue;
      label = idw_element_get_label (ns, element);
      add_key_field (self, row++, label, value);
    }

  gtk_label_set_label (self->authority_label, authority != NULL ? authority : "");
  gtk_label_set_label (self->validity_label, validity);
  gtk_label_set_label (self->authority_label_narrow, authority != NULL ? authority : "");
  gtk_label_set_label (self->validity_label_narrow, validity);

  /* An expired ID is said so before Present, not first by the verifier. */
  {
    GtkWidget *warning = idw_ui_expiry_warning_new (credential);

    if (warning != NULL)
      gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->card)), warning, self->card);
  }

  update_card_label (self);
}

static GtkWidget *
element_row (const char          *name_space,
             IdwIssuerSignedItem *item)
{
  const char *element = item->element_identifier;
  g_autofree char *label = idw_ui_element_label (name_space, element);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_widget_add_css_class (row, "property");
  /* Read-only: out of the Tab chain, read with its group. */
  gtk_widget_set_focusable (row, FALSE);

  if (idw_element_get_kind (name_space, element) == IDW_VALUE_KIND_IMAGE)
    {
      g_autoptr(GdkTexture) texture = idw_ui_texture_from_value (item->element_value);

      if (texture != NULL)
        {
          GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

          gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
          gtk_widget_set_size_request (picture, 64, 80);
          gtk_widget_set_margin_top (picture, 6);
          gtk_widget_set_margin_bottom (picture, 6);
          gtk_picture_set_alternative_text (GTK_PICTURE (picture), label);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), picture);
          return row;
        }
    }

  {
    g_autofree char *value = idw_ui_format_value (name_space, element, item->element_value);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  }

  return row;
}

static void
fill_elements (IdwCardPage *self)
{
  g_auto(GStrv) namespaces = idw_credential_list_namespaces (self->credential);

  for (guint i = 0; namespaces[i] != NULL; i++)
    {
      const char *ns = namespaces[i];
      GPtrArray *items = idw_credential_get_items (self->credential, ns);
      const char *title = idw_ui_namespace_title (ns);
      GtkWidget *group = adw_preferences_group_new ();
      /* A group's title and description are always markup in libadwaita
       * 1.2, and an unknown namespace is the credential's text. */
      g_autofree char *title_markup = idw_ui_escape_markup (title);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title_markup);
      if (g_strcmp0 (title, ns) != 0)
        {
          g_autofree char *ns_markup = idw_ui_escape_markup (ns);

          adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), ns_markup);
        }

      for (guint j = 0; items != NULL && j < items->len; j++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   element_row (ns, g_ptr_array_index (items, j)));

      gtk_box_append (self->groups_box, group);
    }
}

static void
add_detail (IdwCardPage *self,
            const char  *title,
            const char  *value)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *shown = idw_ui_escape_text (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), shown);
  gtk_widget_add_css_class (row, "property");
  /* Read-only: out of the Tab chain, read with its group. */
  gtk_widget_set_focusable (row, FALSE);
  adw_preferences_group_add (self->details_group, row);
}

static void
fill_details (IdwCardPage *self)
{
  IdwCertificate *ds = idw_credential_get_ds_certificate (self->credential);
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (self->credential));
  g_autofree char *fingerprint_str = idw_ui_format_fingerprint (fingerprint);
  g_autofree char *signed_str = idw_ui_format_date (idw_credential_get_signed (self->credential));
  g_autofree char *from_str = idw_ui_format_date (idw_credential_get_valid_from (self->credential));
  g_autofree char *until_str = idw_ui_format_date (idw_credential_get_valid_until (self->credential));
  g_autofree char *validity = NULL;

  if (ds != NULL)
    {
      g_autofree char *subject = idw_certificate_get_subject (ds);
      g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (ds);
      g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (ds);
      g_autofree char *nb = idw_ui_format_date (not_before);
      g_autofree char *na = idw_ui_format_date (not_after);
      g_autofree char *cert_validity = NULL;

      g_autofree char *organisation = idw_certificate_get_organization (ds);

      /* Whom a person knows the issuer as ("ID Wallet Demo"), then the
       * certificate's full name for those who check it. */
      if (organisation == NULL)
        organisation = idw_certificate_get_common_name (ds);
      if (organisation != NULL)
        add_detail (self, _("Issuer"), organisation);
      add_detail (self, _("Issuer certificate"), subject);
      /* Translators: a period of time, "17/05/2024 – 17/05/2027" */
      cert_validity = g_strdup_printf (_("%1$s – %2$s"), nb, na);
      add_detail (self, _("Issuer certificate validity"), cert_validity);
    }

  /* Translators: a period of time, "17/05/2024 – 17/05/2027" */
  validity = g_strdup_printf (_("%1$s – %2$s"), from_str, until_str);
  add_detail (self, _("Digital copy validity"), validity);
  add_detail (self, _("Signed by the issuer"), signed_str);
  add_detail (self, _("Document type"), idw_credential_get_doctype (self->credential));
  add_detail (self, _("Device key fingerprint (SHA-256)"), fingerprint_str);
}

/**
 * idw_card_page_set_can_present:
 *
 * Says whether the device key is in this computer's keyring; without it
 * the card can be looked at but not presented.
 */
void
idw_card_page_set_can_present (IdwCardPage *self,
                               gboolean     can_present)
{
  g_return_if_fail (IDW_IS_CARD_PAGE (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.present", can_present);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.respond", can_present);
  gtk_widget_set_visible (self->cannot_present_label, !can_present);
}

void
idw_card_page_set_key_in_tpm (IdwCardPage *self,
                              gboolean     in_tpm)
{
  g_return_if_fail (IDW_IS_CARD_PAGE (self));

  if (in_tpm && self->tpm_row == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Key protected by this computer’s TPM"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The key can never be copied to another computer"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("channel-secure-symbolic"));
      gtk_widget_set_focusable (row, FALSE);
      adw_preferences_group_add (self->details_group, row);
      self->tpm_row = row;
    }
  else if (!in_tpm && self->tpm_row != NULL)
    {
      adw_preferences_group_remove (self->details_group, self->tpm_row);
      self->tpm_row = NULL;
    }
}

void
idw_card_page_set_cannot_present_reason (IdwCardPage *self,
                                         const char  *reason)
{
  g_return_if_fail (IDW_IS_CARD_PAGE (self));

  if (self->cannot_present_text == NULL)
    self->cannot_present_text = g_strdup (gtk_label_get_label (GTK_LABEL (self->cannot_present_label)));
  if (reason != NULL)
    {
      g_autofree char *shown = idw_ui_escape_text (reason);

      gtk_label_set_label (GTK_LABEL (self->cannot_present_label), shown);
    }
  else
    gtk_label_set_label (GTK_LABEL (self->cannot_present_label), self->cannot_present_text);
}

GtkWidget *
idw_card_page_new (IdwCredential *credential,
                   const char    *id)
{
  IdwCardPage *self;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);

  self = g_object_new (IDW_TYPE_CARD_PAGE, NULL);
  self->credential = g_object_ref (credential);
  self->id = g_strdup (id);

  fill_card (self);
  fill_elements (self);
  fill_details (self);

  return GTK_WIDGET (self);
}

/**
 * idw_card_page_set_nickname:
 *
 * Shows above the card the name the person gave this ID on import (%NULL
 * or empty: none), which tells apart two IDs of one holder.
 */
void
idw_card_page_set_nickname (IdwCardPage *self,
                            const char  *nickname)
{
  g_autofree char *shown = NULL;

  g_return_if_fail (IDW_IS_CARD_PAGE (self));

  g_free (self->nickname);
  self->nickname = g_strdup (nickname);
  shown = idw_ui_escape_text (nickname);
  gtk_label_set_label (self->nickname_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->nickname_label), shown != NULL && *shown != '\0');
}

void
idw_card_page_set_status (IdwCardPage         *self,
                          IdwCredentialStatus *status,
                          gboolean             check_failed)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  gboolean was_warning;
  gboolean warning;

  g_return_if_fail (IDW_IS_CARD_PAGE (self));

  was_warning = idw_ui_credential_status_warning (self->status, NULL, NULL);
  if (status != self->status)
    {
      g_clear_pointer (&self->status, idw_credential_status_free);
      self->status = idw_credential_status_copy (status);
    }
  warning = idw_ui_credential_status_warning (self->status, &title, &body);

  if (self->status_warning != NULL)
    {
      gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->status_warning)), self->status_warning);
      self->status_warning = NULL;
    }
  if (warning)
    {
      self->status_warning = idw_ui_status_warning_new (self->status);
      gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->card)), self->status_warning,
                                  self->card);
    }

  if (self->status != NULL && !warning)
    {
      g_autofree char *date = idw_ui_format_date (self->status->checked);
      g_autofree char *line = NULL;

      /* Translators: under the card; %s is the date the wallet last read the issuer's revocation list */
      line = g_strdup_printf (_("Not revoked · checked %s"), date);
      gtk_label_set_label (self->status_label, line);
    }
  else if (self->status == NULL && check_failed)
    gtk_label_set_label (self->status_label, _("Could not check for revocation"));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label),
                          !warning && (self->status != NULL || check_failed));

  update_card_label (self);
  /* Said as it appears, to whoever is on the page already. */
  if (warning && !was_warning && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* Translators: a warning's heading and its sentence, read aloud */
      g_autofree char *message = g_strdup_printf (_("%1$s. %2$s"), title, body);

      idw_ui_announce (GTK_WIDGET (self), message);
    }
}

IdwCredentialStatus *
idw_card_page_get_status (IdwCardPage *self)
{
  g_return_val_if_fail (IDW_IS_CARD_PAGE (self), NULL);

  return self->status;
}

IdwCredential *
idw_card_page_get_credential (IdwCardPage *self)
{
  g_return_val_if_fail (IDW_IS_CARD_PAGE (self), NULL);

  return self->credential;
}

const char *
idw_card_page_get_id (IdwCardPage *self)
{
  g_return_val_if_fail (IDW_IS_CARD_PAGE (self), NULL);

  return self->id;
}

/**
 * idw_card_page_focus_default:
 *
 * Puts the keyboard focus on "Present", what a card is opened for; when
 * the ID cannot be presented here, on the first control.
 */
void
idw_card_page_focus_default (IdwCardPage *self)
{
  g_return_if_fail (IDW_IS_CARD_PAGE (self));

  if (gtk_widget_is_sensitive (self->present_button) &&
      gtk_widget_grab_focus (self->present_button))
    return;

  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
show_toast (IdwCardPage *self,
            const char  *title)
{
  idw_ui_add_toast (GTK_WIDGET (self), idw_ui_toast_new (title));
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(IdwCardPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is an error message */
      message = g_strdup_printf (_("Could not export the ID: %s"), error->message);
      show_toast (self, message);
      return;
    }

  show_toast (self, _("ID exported"));
}

static void
export_chosen (gpointer  instance,
               GFile    *file)
{
  IdwCardPage *self = instance;
  g_autoptr(GBytes) bytes = NULL;

  /* Never the private key: it stays in the keyring. */
  bytes = idw_credential_to_bytes (self->credential, FALSE);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       NULL, export_written_cb, g_object_ref (self));
}

/* The ID's history, in the History window (win.history). */
static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  IdwCardPage *self = IDW_CARD_PAGE (widget);
  g_autofree char *name = idw_history_name_for_credential (self->credential, self->nickname);

  gtk_widget_activate_action (widget, "win.history", "(ss)", self->id != NULL ? self->id : "", name);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  IdwCardPage *self = IDW_CARD_PAGE (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = idw_credential_dup_holder_name (self->credential);
  g_autofree char *file_name = NULL;

  gtk_file_filter_set_name (filter, _("ID Wallet credentials"));
  gtk_file_filter_add_pattern (filter, "*.idwcred");
  gtk_file_filter_add_mime_type (filter, "application/x-idwallet-credential");

  file_name = g_strdup_printf ("%s.idwcred", name != NULL ? name : "id");
  g_strdelimit (file_name, "/\\", '-');
  idw_ui_choose_save_file (widget, _("Export ID"), _("_Export"), file_name, filter, export_chosen, self);
}

static void
signal_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  if (g_str_equal (action_name, "card.present"))
    g_signal_emit (widget, signals[SIGNAL_PRESENT], 0);
  else if (g_str_equal (action_name, "card.respond"))
    g_signal_emit (widget, signals[SIGNAL_RESPOND], 0);
  else if (g_str_equal (action_name, "card.delete"))
    g_signal_emit (widget, signals[SIGNAL_DELETE], 0);
}

static void
idw_card_page_dispose (GObject *object)
{
  IdwCardPage *self = IDW_CARD_PAGE (object);

  /* The template's root is the bin's child: AdwBin must unparent it, or it
   * keeps a dangling pointer (gtk_widget_dispose_template() would do it). */
  adw_bin_set_child (ADW_BIN (self), NULL);

  G_OBJECT_CLASS (idw_card_page_parent_class)->dispose (object);
}

static void
idw_card_page_finalize (GObject *object)
{
  IdwCardPage *self = IDW_CARD_PAGE (object);

  g_clear_object (&self->credential);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->nickname, g_free);
  g_clear_pointer (&self->cannot_present_text, g_free);
  g_clear_pointer (&self->status, idw_credential_status_free);

  G_OBJECT_CLASS (idw_card_page_parent_class)->finalize (object);
}

static void
idw_card_page_class_init (IdwCardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_card_page_dispose;
  object_class->finalize = idw_card_page_finalize;

  /**
   * IdwCardPage::present:
   *
   * The holder wants to show this ID.
   */
  signals[SIGNAL_PRESENT] = g_signal_new ("present", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[SIGNAL_RESPOND] = g_signal_new ("respond", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[SIGNAL_DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-card-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, nickname_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, card);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, test_ribbon);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, doctype_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, country_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, portrait);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, latin_name_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, key_fields);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, key_fields_stacked);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, authority_label_narrow);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, validity_label_narrow);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, authority_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, validity_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, present_button);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, cannot_present_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, groups_box);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, IdwCardPage, status_label);

  gtk_widget_class_install_action (widget_class, "card.present", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "card.respond", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "card.delete", NULL, signal_action);
  gtk_widget_class_install_action (widget_class, "card.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "card.history", NULL, history_action);
}

static void
idw_card_page_init (IdwCardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
