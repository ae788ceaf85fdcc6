/* idw-verdict-page.c: the result of a verification, for people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verdict is said large and plain, with the reason for a failure in
 * one sentence; the engine's technical wording stays in "All Checks".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-ui-util.h"
#include "idw-verdict-page.h"

/* The verified photo's height on screen: large enough to compare a face
 * with, whatever size the issuer stored it at. */
#define PORTRAIT_MIN_HEIGHT 160
#define PORTRAIT_MAX_HEIGHT 200
#define PORTRAIT_WIDTH      150

struct _IdwVerdictPage
{
  AdwBin                parent_instance;

  GtkRevealer          *test_banner;
  GtkLabel             *test_banner_label;
  GtkScrolledWindow    *scroller;
  GtkWidget            *headline;
  GtkImage             *verdict_icon;
  GtkLabel             *title_label;
  GtkLabel             *reason_label;
  GtkLabel             *document_label;
  GtkBox               *age_box;
  GtkBox               *holder_box;
  AdwClamp             *portrait_clamp;
  GtkPicture           *portrait;
  GtkLabel             *holder_name;
  AdwPreferencesGroup  *details_group;
  AdwPreferencesGroup  *issuer_group;
  AdwActionRow         *issuer_row;
  AdwActionRow         *trust_list_row;
  AdwActionRow         *country_row;
  AdwActionRow         *valid_until_row;
  AdwActionRow         *presented_row;
  AdwExpanderRow       *checks_row;
  GtkButton            *again_button;

  IdwVerdict           *verdict;
  GPtrArray            *detail_rows;
  GPtrArray            *check_rows;
};

/* The verdict's headline: a box that is one stop of the Tab chain either
 * way (a GtkBox would only offer its children, none of them focusable, and
 * Shift+Tab would pass it by). */
#define IDW_TYPE_HEADLINE (idw_headline_get_type ())
G_DECLARE_FINAL_TYPE (IdwHeadline, idw_headline, IDW, HEADLINE, GtkBox)

struct _IdwHeadline
{
  GtkBox parent_instance;
};

G_DEFINE_FINAL_TYPE (IdwHeadline, idw_headline, GTK_TYPE_BOX)

static gboolean
idw_headline_focus (GtkWidget        *widget,
                    GtkDirectionType  direction)
{
  if (gtk_widget_is_focus (widget))
    return FALSE;

  return gtk_widget_grab_focus (widget);
}

static void
idw_headline_class_init (IdwHeadlineClass *klass)
{
  GTK_WIDGET_CLASS (klass)->focus = idw_headline_focus;
}

static void
idw_headline_init (IdwHeadline *self)
{
}

G_DEFINE_FINAL_TYPE (IdwVerdictPage, idw_verdict_page, ADW_TYPE_BIN)

GtkWidget *
idw_verdict_page_new (void)
{
  return g_object_new (IDW_TYPE_VERDICT_PAGE, NULL);
}

IdwVerdict *
idw_verdict_page_get_verdict (IdwVerdictPage *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT_PAGE (self), NULL);

  return self->verdict;
}

char *
idw_verdict_describe_failure (IdwVerdict *verdict)
{
  IdwCheck failure;

  g_return_val_if_fail (IDW_IS_VERDICT (verdict), NULL);

  if (idw_verdict_is_valid (verdict))
    return NULL;

  failure = idw_verdict_get_first_failure (verdict);
  switch (failure)
    {
    case IDW_CHECK_DECODE:
      return g_strdup (_("This code could not be read as an ID. It may be damaged or incomplete."));

    case IDW_CHECK_ISSUER_SIGNATURE:
      return g_strdup (_("The issuer’s signature does not match. The ID may be forged."));

    case IDW_CHECK_ISSUER_TRUSTED:
      return g_strdup (_("The issuer of this ID is not one you trust."));

    case IDW_CHECK_MSO:
      return g_strdup (_("The ID’s signed data is damaged. It may be forged."));

    case IDW_CHECK_VALIDITY:
      {
        GDateTime *until = idw_verdict_get_valid_until (verdict);
        GDateTime *at = idw_verdict_get_verified_at (verdict);

        if (until != NULL && at != NULL && g_date_time_compare (at, until) > 0)
          return g_strdup (_("This ID has expired."));
        return g_strdup (_("This ID is not valid yet."));
      }

    case IDW_CHECK_DIGESTS:
      return g_strdup (_("Some details were changed after the ID was issued. The data is forged."));

    case IDW_CHECK_DEVICE_SIGNATURE:
      return g_strdup (_("The ID was not shown from the device it belongs to. It may be a copy."));

    case IDW_CHECK_REVOCATION:
      /* Revoked or suspended, and when the list said so (shown as text,
       * like every check's detail). */
      if (idw_verdict_get_detail (verdict, IDW_CHECK_REVOCATION) != NULL)
        return idw_ui_escape_text (idw_verdict_get_detail (verdict, IDW_CHECK_REVOCATION));
      return g_strdup (_("The issuer has revoked or suspended this ID."));

    case IDW_CHECK_FRESHNESS:
      {
        GDateTime *presented = idw_verdict_get_presented_at (verdict);
        GDateTime *at = idw_verdict_get_verified_at (verdict);
        gboolean has_nonce = idw_verdict_get_nonce (verdict) != NULL;
        IdwNonceState nonce_state = idw_verdict_get_nonce_state (verdict);

        if (has_nonce && nonce_state == IDW_NONCE_USED)
          return g_strdup (_("This reply was used before. It may be a copy."));
        if (has_nonce && nonce_state == IDW_NONCE_UNKNOWN)
          return g_strdup (_("This reply does not answer a request made on this computer."));
        if (presented != NULL && at != NULL && g_date_time_compare (presented, at) > 0)
          return g_strdup (_("The time in this code does not match this computer’s clock."));
        if (has_nonce)
          return g_strdup (_("This reply took too long to arrive. Ask for the ID again."));
        return g_strdup (_("This code is too old. It may be a screenshot or a recording."));
      }

    case IDW_N_CHECKS:
    default:
      return g_strdup (_("This ID could not be verified."));
    }
}

/* When the ID was shown, by the verifier's clock at the check: the time
 * the freshness check measured ("Made 6 seconds ago." in All Checks), so
 * the two never disagree, and neither runs on while the page is read. */
static char *
format_shown (GDateTime *presented,
              GDateTime *checked)
{
  gint64 seconds = g_date_time_difference (checked, presented) / G_USEC_PER_SEC;
  g_autoptr(GDateTime) local = g_date_time_to_local (presented);
  g_autofree char *time = g_date_time_format (local, "%X");

  /* Ahead of the check is clock skew, not the future (the freshness check
   * says whether it is too much). */
  if (seconds <= 0 && seconds > -30)
    /* Translators: %s is a time of day, such as 14:03:12. */
    return g_strdup_printf (_("At %s, when it was checked"), time);

  if (seconds > 0 && seconds < 60)
    /* Translators: %s is a time of day, such as 14:03:12; %d a number of seconds. */
    return g_strdup_printf (ngettext ("At %s, %d second before it was checked",
                                      "At %s, %d seconds before it was checked", (gulong) seconds),
                            time, (int) seconds);

  if (seconds >= 60 && seconds < 60 * 60)
    {
      int minutes = (int) (seconds / 60);

      /* Translators: %s is a time of day, such as 14:03:12; %d a number of minutes. */
      return g_strdup_printf (ngettext ("At %s, %d minute before it was checked",
                                        "At %s, %d minutes before it was checked", (gulong) minutes),
                              time, minutes);
    }

  if (seconds >= 60 * 60 && seconds < 24 * 60 * 60)
    {
      int hours = (int) (seconds / (60 * 60));

      /* Translators: %s is a time of day, such as 14:03:12; %d a number of hours. */
      return g_strdup_printf (ngettext ("At %s, %d hour before it was checked",
                                        "At %s, %d hours before it was checked", (gulong) hours),
                              time, hours);
    }

  return idw_format_date (local, TRUE);
}

static void
update_presented (IdwVerdictPage *self)
{
  GDateTime *presented = idw_verdict_get_presented_at (self->verdict);
  GDateTime *checked = idw_verdict_get_verified_at (self->verdict);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->presented_row), presented != NULL && checked != NULL);
  if (presented == NULL || checked == NULL)
    return;

  text = format_shown (presented, checked);
  adw_action_row_set_subtitle (self->presented_row, text);
}

/* Names and describes @widget for assistive technologies. */
static void
set_accessible_text (GtkWidget  *widget,
                     const char *label,
                     const char *description)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  idw_ui_set_description (widget, description);
}

static GtkWidget *
new_value_row (const char *title,
               const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *shown = idw_ui_escape_text (value);

  /* Values are data: markup off before any text is set, and controls made
   * visible (a newline must not make a line that looks like a field). */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), shown);

  return row;
}

/* NN of an age_over_NN element, or 0. */
static guint
age_threshold (const char *element)
{
  const char *digits;
  guint64 n;

  if (!g_str_has_prefix (element, "age_over_"))
    return 0;
  digits = element + strlen ("age_over_");
  if (strlen (digits) != 2 || !g_ascii_isdigit (digits[0]) || !g_ascii_isdigit (digits[1]))
    return 0;
  n = g_ascii_strtoull (digits, NULL, 10);

  return (guint) n;
}

static void
clear_dynamic (IdwVerdictPage *self)
{
  GtkWidget *child;

  for (guint i = 0; i < self->detail_rows->len; i++)
    adw_preferences_group_remove (self->details_group, self->detail_rows->pdata[i]);
  g_ptr_array_set_size (self->detail_rows, 0);

  for (guint i = 0; i < self->check_rows->len; i++)
    adw_expander_row_remove (self->checks_row, self->check_rows->pdata[i]);
  g_ptr_array_set_size (self->check_rows, 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->age_box))) != NULL)
    gtk_box_remove (self->age_box, child);

  gtk_picture_set_paintable (self->portrait, NULL);
  gtk_label_set_label (self->holder_name, "");
  gtk_widget_set_visible (GTK_WIDGET (self->holder_box), FALSE);
}

static void
add_detail_row (IdwVerdictPage *self,
                GtkWidget      *row)
{
  adw_preferences_group_add (self->details_group, row);
  g_ptr_array_add (self->detail_rows, row);
}

/* Shows @texture at a fixed size of its own shape: a scrolled page gives
 * its rows their minimum height, and the picture's corners are rounded
 * only where it fills its box. */
static void
set_portrait (IdwVerdictPage *self,
              GdkTexture     *texture)
{
  double aspect = (double) gdk_texture_get_width (texture) / gdk_texture_get_height (texture);
  int height = CLAMP ((int) (PORTRAIT_WIDTH / aspect + 0.5), PORTRAIT_MIN_HEIGHT, PORTRAIT_MAX_HEIGHT);
  int width = (int) (height * aspect + 0.5);

  gtk_picture_set_paintable (self->portrait, GDK_PAINTABLE (texture));
  gtk_widget_set_size_request (GTK_WIDGET (self->portrait), width, height);
  adw_clamp_set_maximum_size (self->portrait_clamp, width);
  adw_clamp_set_tightening_threshold (self->portrait_clamp, width);
}

/* A portrait that cannot be trusted: a small thumbnail in the not-verified
 * details, said to be unverified, never large enough to compare a face
 * with. */
static GtkWidget *
new_unverified_portrait_row (const char *label,
                             GdkTexture *texture)
{
  GtkWidget *row = new_value_row (label, _("Not verified"));
  GtkWidget *thumbnail = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));

  gtk_image_set_pixel_size (GTK_IMAGE (thumbnail), 40);
  gtk_widget_add_css_class (thumbnail, "idw-unverified-portrait");
  gtk_accessible_update_property (GTK_ACCESSIBLE (thumbnail),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Photo from the ID, not verified"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), thumbnail);
  gtk_widget_add_css_class (row, "idw-property");

  return row;
}

/* A text element of the holder, escaped, or NULL. */
static char *
dup_holder_text (IdwVerdict *verdict,
                 const char *name_space,
                 const char *element)
{
  cbor_item_t *value = idw_verdict_lookup (verdict, name_space, element);
  g_autofree char *text = NULL;

  if (value == NULL || !cbor_isa_string (value))
    return NULL;

  text = idw_cbor_dup_string (value);
  return idw_ui_escape_text (text);
}

/* The holder's name as the ID gives it: "Given Family", or the name in
 * national characters when there is one (as the wallet's card shows it). */
static char *
holder_name (IdwVerdict *verdict)
{
  const char *doctype = idw_verdict_get_doctype (verdict);
  const char *name_space = idw_doctype_get_namespace (doctype);
  g_autofree char *family = NULL;
  g_autofree char *given = NULL;

  if (name_space == NULL)
    return NULL;

  for (IdwNameScript script = IDW_NAME_SCRIPT_NATIONAL; script <= IDW_NAME_SCRIPT_LATIN; script++)
    {
      const char *family_element = NULL;
      const char *given_element = NULL;

      if (!idw_doctype_get_name_elements (doctype, script, &family_element, &given_element))
        continue;
      g_clear_pointer (&family, g_free);
      g_clear_pointer (&given, g_free);
      family = dup_holder_text (verdict, name_space, family_element);
      given = dup_holder_text (verdict, name_space, given_element);
      if (family != NULL && given != NULL)
        break;
    }

  if (family != NULL && given != NULL)
    {
      /* Chinese, Japanese and Korean names are written family name first,
       * without a space. */
      if (g_unichar_iswide (g_utf8_get_char (family)))
        return g_strconcat (family, given, NULL);
      /* Translators: a person's name, %1$s given names, %2$s family name */
      return g_strdup_printf (_("%1$s %2$s"), given, family);
    }

  return family != NULL ? g_steal_pointer (&family) : g_steal_pointer (&given);
}

static void
fill_details (IdwVerdictPage *self,
              gboolean        valid)
{
  GPtrArray *disclosed = idw_verdict_get_disclosed (self->verdict);
  guint n_rows = 0;

  for (guint i = 0; disclosed != NULL && i < disclosed->len; i++)
    {
      IdwDisclosedElement *element = disclosed->pdata[i];
      g_autofree char *label = idw_ui_element_label (element->name_space, element->element);
      IdwValueKind kind = idw_element_get_kind (element->name_space, element->element);
      guint age = age_threshold (element->element);

      if (kind == IDW_VALUE_KIND_IMAGE && g_str_equal (element->element, "portrait"))
        {
          g_autoptr(GdkTexture) texture = idw_ui_texture_from_value (element->value);

          if (texture != NULL && valid && gtk_picture_get_paintable (self->portrait) == NULL)
            {
              set_portrait (self, texture);
              continue;
            }
          if (texture != NULL && !valid)
            {
              add_detail_row (self, new_unverified_portrait_row (label, texture));
              n_rows++;
              continue;
            }
        }

      /* Only a trustworthy answer is stated as a fact. */
      if (age > 0 && valid && cbor_is_bool (element->value))
        {
          GtkWidget *sentence;
          g_autofree char *text = NULL;

          if (cbor_get_bool (element->value))
            /* Translators: %u is an age in years, such as 18. */
            text = g_strdup_printf (_("This person is %u or older"), age);
          else
            /* Translators: %u is an age in years, such as 18. */
            text = g_strdup_printf (_("This person is not %u or older"), age);

          sentence = gtk_label_new (text);
          gtk_label_set_wrap (GTK_LABEL (sentence), TRUE);
          gtk_label_set_justify (GTK_LABEL (sentence), GTK_JUSTIFY_CENTER);
          gtk_widget_add_css_class (sentence, "title-2");
          gtk_widget_add_css_class (sentence, "idw-age-statement");
          gtk_box_append (self->age_box, sentence);
        }

      {
        /* Dates with the year in full, as on the wallet's cards. */
        g_autofree char *value = idw_ui_format_value (element->name_space, element->element,
                                                      element->value);

        GtkWidget *row = new_value_row (label, value);

        gtk_widget_add_css_class (row, "idw-property");
        add_detail_row (self, row);
        n_rows++;
      }
    }

  /* Only a verified face is shown to compare with the person. */
  if (gtk_picture_get_paintable (self->portrait) != NULL)
    {
      g_autofree char *name = holder_name (self->verdict);

      gtk_label_set_label (self->holder_name, name != NULL ? name : "");
      gtk_widget_set_visible (GTK_WIDGET (self->holder_name), name != NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->holder_box), TRUE);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->details_group), n_rows > 0);
  adw_preferences_group_set_title (self->details_group,
                                   valid ? _("Details") : _("Details (Not Verified)"));
  adw_preferences_group_set_description (self->details_group,
                                         valid ? NULL : _("These details cannot be trusted."));
}

static const char *
status_icon (IdwCheckStatus status)
{
  switch (status)
    {
    case IDW_CHECK_STATUS_PASSED:
      return "emblem-ok-symbolic";
    case IDW_CHECK_STATUS_FAILED:
      return "dialog-error-symbolic";
    case IDW_CHECK_STATUS_UNDETERMINED:
      return "dialog-warning-symbolic";
    case IDW_CHECK_STATUS_NOT_APPLICABLE:
    default:
      return "content-loading-symbolic";
    }
}

static void
fill_checks (IdwVerdictPage *self)
{
  guint passed = 0, failed = 0;
  g_autofree char *summary = NULL;

  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    {
      IdwCheckStatus status = idw_verdict_get_status (self->verdict, check);
      const char *detail = idw_verdict_get_detail (self->verdict, check);
      GtkWidget *row = new_value_row (idw_check_get_title (check), detail != NULL ? detail : "");
      GtkWidget *icon = gtk_image_new_from_icon_name (status_icon (status));
      const char *status_text;
      g_autofree char *name = NULL;

      switch (status)
        {
        case IDW_CHECK_STATUS_PASSED:
          gtk_widget_add_css_class (icon, "success");
          status_text = _("Passed");
          passed++;
          break;
        case IDW_CHECK_STATUS_FAILED:
          gtk_widget_add_css_class (icon, "error");
          status_text = _("Failed");
          failed++;
          break;
        case IDW_CHECK_STATUS_UNDETERMINED:
          gtk_widget_add_css_class (icon, "warning");
          status_text = _("Undetermined");
          break;
        case IDW_CHECK_STATUS_NOT_APPLICABLE:
        default:
          gtk_widget_add_css_class (icon, "dim-label");
          status_text = _("Not checked");
          break;
        }

      /* The row, which takes the focus, says the status its icon shows. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, status_text, -1);
      /* Translators: a check in "All Checks" and its status, such as
       * "Issuer signature: Passed" */
      name = g_strdup_printf (_("%1$s: %2$s"), idw_check_get_title (check), status_text);
      set_accessible_text (row, name, detail);

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_expander_row_add_row (self->checks_row, row);
      g_ptr_array_add (self->check_rows, row);
    }

  if (failed > 0)
    summary = g_strdup_printf (ngettext ("%u check failed", "%u checks failed", failed), failed);
  else
    summary = g_strdup_printf (ngettext ("%u check passed", "%u checks passed", passed), passed);
  adw_expander_row_set_subtitle (self->checks_row, summary);
  adw_expander_row_set_expanded (self->checks_row, FALSE);
}

static void
fill_issuer (IdwVerdictPage *self)
{
  const char *organization = idw_verdict_get_issuer_organization (self->verdict);
  const char *common_name = idw_verdict_get_issuer_common_name (self->verdict);
  /* From the x5chain, before anything about it is checked: shown as text
   * (the rows have markup off), controls made visible. */
  g_autofree char *issuer = idw_ui_escape_text (organization != NULL ? organization : common_name);
  g_autofree char *country = idw_ui_escape_text (idw_verdict_get_issuer_country (self->verdict));
  GDateTime *until = idw_verdict_get_valid_until (self->verdict);
  IdwTrustOrigin *origin = idw_verdict_get_trust_origin (self->verdict);

  gtk_widget_set_visible (GTK_WIDGET (self->issuer_row), issuer != NULL);
  if (issuer != NULL)
    adw_action_row_set_subtitle (self->issuer_row, issuer);

  /* The trust list the issuer was found in, when it was found in one. */
  gtk_widget_set_visible (GTK_WIDGET (self->trust_list_row), origin != NULL);
  if (origin != NULL)
    {
      g_autofree char *provider = idw_ui_escape_text (idw_trust_origin_get_provider (origin));
      g_autofree char *date = idw_ui_format_date (idw_trust_origin_get_date (origin));
      /* Translators: a trust list, "AAMVA list of 18 November 2025" */
      g_autofree char *text = g_strdup_printf (_("%s list of %s"), provider, date);

      adw_action_row_set_subtitle (self->trust_list_row, text);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->country_row), country != NULL);
  if (country != NULL)
    {
      /* "Germany", not "DE", where iso-codes knows the code. */
      const char *country_name = idw_ui_country_name (country);

      adw_action_row_set_subtitle (self->country_row, country_name != NULL ? country_name : country);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->valid_until_row), until != NULL);
  if (until != NULL)
    {
      g_autofree char *text = idw_ui_format_date (until);

      adw_action_row_set_subtitle (self->valid_until_row, text);
    }

  update_presented (self);

  gtk_widget_set_visible (GTK_WIDGET (self->issuer_group),
                          issuer != NULL || country != NULL || until != NULL ||
                          idw_verdict_get_presented_at (self->verdict) != NULL);
}

/* PART as a sentence of its own: a screen reader pauses after it. */
static void
add_sentence (GPtrArray  *parts,
              const char *part)
{
  static const char *const ends[] = { ".", "!", "?", "\u3002", "\uff01", "\uff1f", NULL };

  if (part == NULL || *part == '\0')
    return;

  for (guint i = 0; ends[i] != NULL; i++)
    if (g_str_has_suffix (part, ends[i]))
      {
        g_ptr_array_add (parts, g_strdup (part));
        return;
      }

  /* Translators: a sentence that screen readers say after the verdict,
   * such as "Mobile driving licence.", ended as your language ends one. */
  g_ptr_array_add (parts, g_strdup_printf (C_("accessible sentence", "%s."), part));
}

/* The headline's accessible name is the verdict; its description is what
 * the page says around it, in the order a person reads it: the reason, the
 * test-issuer banner (above the page, which the focus never visits), the
 * document type, the age statements and the photo to compare. It is what a
 * screen reader says when the focus lands on it. */
static void
update_headline (IdwVerdictPage *self,
                 const char     *title,
                 const char     *reason,
                 const char     *document)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *description = NULL;

  add_sentence (parts, reason);
  if (idw_verdict_is_test_issuer (self->verdict))
    add_sentence (parts, gtk_label_get_label (self->test_banner_label));
  add_sentence (parts, document);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->age_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      add_sentence (parts, gtk_label_get_label (GTK_LABEL (child)));
  if (gtk_widget_get_visible (GTK_WIDGET (self->holder_box)))
    add_sentence (parts, _("The photo from the ID is shown to compare with the person."));
  g_ptr_array_add (parts, NULL);

  description = g_strjoinv (" ", (char **) parts->pdata);
  set_accessible_text (self->headline, title, description);
}

static void
focus_headline (IdwVerdictPage *self)
{
  gtk_widget_grab_focus (self->headline);
}

/* The expander row's own header: the first action row inside it. */
static GtkWidget *
find_header_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ACTION_ROW (child))
        return child;
      found = find_header_row (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* "All Checks" says whether it is open: libadwaita 1.2's expander row
 * sets no expanded state, on itself or on its header, which has the focus. */
static void
on_checks_expanded (IdwVerdictPage *self)
{
  gboolean expanded = adw_expander_row_get_expanded (self->checks_row);
  GtkWidget *checks = GTK_WIDGET (self->checks_row);
  GtkWidget *header = find_header_row (checks);

  gtk_accessible_update_state (GTK_ACCESSIBLE (checks), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
  if (header != NULL)
    gtk_accessible_update_state (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
}

static void
scroll_to_top (IdwVerdictPage *self)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

void
idw_verdict_page_set_verdict (IdwVerdictPage *self,
                              IdwVerdict     *verdict)
{
  gboolean had_focus;
  gboolean valid;
  const char *doctype;
  const char *title;
  g_autofree char *document = NULL;
  g_autofree char *reason = NULL;

  g_return_if_fail (IDW_IS_VERDICT_PAGE (self));
  g_return_if_fail (IDW_IS_VERDICT (verdict));

  /* A focused row that goes hands the focus to its list, which scrolls the
   * page down to where the list is: the focus moves to the new verdict's
   * headline instead (focus_headline() below). */
  had_focus = (gtk_widget_get_state_flags (GTK_WIDGET (self)) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0;
  if (had_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self->again_button));

  clear_dynamic (self);
  g_set_object (&self->verdict, verdict);

  valid = idw_verdict_is_valid (verdict);
  reason = idw_verdict_describe_failure (verdict);

  gtk_image_set_from_icon_name (self->verdict_icon, valid ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), valid ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), valid ? "success" : "error");
  title = valid ? _("Valid ID") : _("Not Valid");
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL);

  doctype = idw_verdict_get_doctype (verdict);
  document = idw_ui_escape_text (doctype != NULL ? idw_doctype_get_display_name (doctype) : "");
  gtk_label_set_label (self->document_label, document);
  gtk_widget_set_visible (GTK_WIDGET (self->document_label), doctype != NULL);

  gtk_revealer_set_reveal_child (self->test_banner, idw_verdict_is_test_issuer (verdict));

  fill_details (self, valid);
  gtk_widget_set_visible (GTK_WIDGET (self->age_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->age_box)) != NULL);
  fill_issuer (self);
  fill_checks (self);
  update_headline (self, title, reason, doctype != NULL ? document : NULL);

  /* Every verdict is read from its headline, wherever the last one was
   * scrolled to. */
  if (had_focus)
    focus_headline (self);
  scroll_to_top (self);
}

/**
 * idw_verdict_page_focus_default:
 *
 * Puts the keyboard focus on the verdict's headline, whose accessible name
 * is the verdict and whose description the reason, so that a screen reader
 * says the verdict first. The page shows its top.
 */
void
idw_verdict_page_focus_default (IdwVerdictPage *self)
{
  g_return_if_fail (IDW_IS_VERDICT_PAGE (self));

  focus_headline (self);
  scroll_to_top (self);
}

static void
idw_verdict_page_dispose (GObject *object)
{
  IdwVerdictPage *self = IDW_VERDICT_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_VERDICT_PAGE);
  g_clear_object (&self->verdict);
  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);
  g_clear_pointer (&self->check_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (idw_verdict_page_parent_class)->dispose (object);
}

static void
idw_verdict_page_class_init (IdwVerdictPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_verdict_page_dispose;

  g_type_ensure (IDW_TYPE_HEADLINE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-verdict-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, test_banner);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, headline);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, test_banner_label);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, document_label);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, age_box);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, holder_box);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, portrait_clamp);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, portrait);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, holder_name);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, issuer_group);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, trust_list_row);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, country_row);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, valid_until_row);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, presented_row);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, checks_row);
  gtk_widget_class_bind_template_child (widget_class, IdwVerdictPage, again_button);
  gtk_widget_class_bind_template_callback (widget_class, on_checks_expanded);
}

static void
idw_verdict_page_init (IdwVerdictPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->detail_rows = g_ptr_array_new ();
  self->check_rows = g_ptr_array_new ();
  on_checks_expanded (self);
}
