/* test-ui-expiry.c: what the holder is told about names and dates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A holder sees that an ID has expired before presenting it, on the card
 * and on the page that presents it, not first from the verifier: when the
 * document's date of expiry (expiry_date) has passed, and when the issuer's
 * signature (the MSO's validUntil) has. The card names the signature's
 * date "Digital copy valid until", apart from the document's "Date of
 * expiry". A Chinese holder's Latin name is written family name first;
 * a country is shown by its name and the issuer by its organisation; a
 * Chinese access key suffix is not shown on a pill button.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "idw-application.h"
#include "idw-card-page.h"
#include "idw-present-page.h"
#include "idw-ui-util.h"
#include "ui-test-util.h"
#include "test-util.h"

static IdwKey         *ds_key;
static IdwCertificate *ds;

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* An mDL from @country with @expiry_date, its signature valid from
 * @valid_from to @valid_until (NULL: now, and five years on). */
static IdwCredential *
issue (const char *country,
       const char *national_family,
       const char *expiry_date,
       GDateTime  *valid_from,
       GDateTime  *valid_until)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(GError) error = NULL;
  IdwIssueOptions options = { 0 };
  IdwCredential *credential;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "family_name");
  json_builder_add_string_value (builder, "Zhang");
  json_builder_set_member_name (builder, "given_name");
  json_builder_add_string_value (builder, "Wei");
  if (national_family != NULL)
    {
      json_builder_set_member_name (builder, "family_name_national_character");
      json_builder_add_string_value (builder, national_family);
    }
  json_builder_set_member_name (builder, "issuing_country");
  json_builder_add_string_value (builder, country);
  json_builder_set_member_name (builder, "expiry_date");
  json_builder_add_string_value (builder, expiry_date);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  options.signed_at = valid_from;
  options.valid_from = valid_from;
  options.valid_until = valid_until;
  credential = idw_issue_credential (json_node_get_object (root), NULL, device_key, ds_key, ds, &options, &error);
  g_assert_no_error (error);
  return credential;
}

/* The warning on the card page and on the present page: @title, or none. */
static void
assert_warned (IdwCredential *credential,
               const char    *title)
{
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  GtkWidget *card = g_object_ref_sink (idw_card_page_new (credential, "id"));
  GtkWidget *present = g_object_ref_sink (idw_present_page_new (credential, device_key));
  const char *all[] = {
    "This ID Has Expired", "This Digital Copy Has Expired", "This Digital Copy Is Not Valid Yet",
  };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      gboolean expected = g_strcmp0 (all[i], title) == 0;

      g_assert_true ((find_widget (card, is_row_titled, all[i]) != NULL) == expected);
      g_assert_true ((find_widget (present, is_row_titled, all[i]) != NULL) == expected);
    }

  g_object_unref (card);
  g_object_unref (present);
}

static void
test_document_expired (void)
{
  g_autoptr(IdwCredential) credential = issue ("CN", "张", "2025-05-31", NULL, NULL);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  g_assert_true (idw_ui_credential_expiry_warning (credential, &title, &body));
  g_assert_cmpstr (title, ==, "This ID Has Expired");
  g_assert_cmpstr (body, ==, "Its date of expiry was 31 May 2025. "
                             "Verifiers will refuse it: ask the issuer for a new one.");
  assert_warned (credential, "This ID Has Expired");
}

static void
test_signature_expired (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -30);
  g_autoptr(GDateTime) until = g_date_time_add_days (now, -1);
  g_autoptr(IdwCredential) credential = issue ("CN", "张", "2035-05-31", from, until);

  assert_warned (credential, "This Digital Copy Has Expired");
}

static void
test_valid (void)
{
  g_autoptr(IdwCredential) credential = issue ("CN", "张", "2035-05-31", NULL, NULL);
  g_autofree char *validity = idw_ui_credential_validity (credential);
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  GtkWidget *card;

  g_assert_false (idw_ui_credential_expiry_warning (credential, NULL, NULL));
  assert_warned (credential, NULL);

  /* The signature's date and the document's are named apart. */
  g_assert_true (g_str_has_prefix (validity, "Digital copy valid until "));
  card = g_object_ref_sink (idw_card_page_new (credential, "id"));
  g_assert_nonnull (find_widget (card, is_label_with, validity));
  g_assert_nonnull (find_widget (card, is_row_titled, "Digital copy validity"));
  g_object_unref (card);
}

static const char *
row_subtitle_of (GtkWidget  *root,
                 const char *title)
{
  GtkWidget *row = find_widget (root, is_row_titled, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The country by its name, the issuer by whom a person knows it. */
static void
test_country_and_issuer (void)
{
  g_autoptr(IdwCredential) credential = issue ("CN", "张", "2035-05-31", NULL, NULL);
  GtkWidget *card;

  g_assert_cmpstr (idw_ui_country_name ("CN"), ==, "China");
  g_assert_cmpstr (idw_ui_country_name ("TW"), ==, "Taiwan");
  g_assert_null (idw_ui_country_name ("ZZ"));
  g_assert_null (idw_ui_country_name (NULL));

  card = g_object_ref_sink (idw_card_page_new (credential, "id"));
  g_assert_nonnull (find_widget (card, is_label_with, "China"));
  g_assert_cmpstr (row_subtitle_of (card, "Issuing country"), ==, "China");
  g_assert_cmpstr (row_subtitle_of (card, "Issuer"), ==, "Expiry Test");
  g_object_unref (card);
}

static void
test_name_order (void)
{
  g_autoptr(IdwCredential) chinese = issue ("CN", "张", "2035-05-31", NULL, NULL);
  g_autoptr(IdwCredential) by_script = issue ("SG", "张", "2035-05-31", NULL, NULL);
  g_autoptr(IdwCredential) german = issue ("DE", NULL, "2035-05-31", NULL, NULL);
  g_autofree char *a = idw_credential_dup_holder_name (chinese);
  g_autofree char *b = idw_credential_dup_holder_name (by_script);
  g_autofree char *c = idw_credential_dup_holder_name (german);

  g_assert_cmpstr (a, ==, "Zhang Wei");
  g_assert_cmpstr (b, ==, "Zhang Wei");
  g_assert_cmpstr (c, ==, "Wei Zhang");
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Chinese access keys as the suffix "(_P)" are not shown on pill buttons,
 * and Alt+P still presses them; other labels are left as they are. */
static void
test_pill_mnemonics (void)
{
  struct { const char *label; const char *text; guint keyval; } cases[] = {
    { "出示(_P)", "出示", GDK_KEY_p },
    { "回复请求(_R)…", "回复请求…", GDK_KEY_r },
    { "打开图片（_O）...", "打开图片...", GDK_KEY_o },
    { "_Present", NULL, 0 },
    { "Copy as _Text", NULL, 0 },
    { "(_P)", NULL, 0 },
  };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *pill = gtk_button_new_with_mnemonic ("出示(_P)");
  GtkWidget *plain = gtk_button_new_with_mnemonic ("删除(_D)");
  g_autoptr(GListModel) controllers = NULL;
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;
      guint keyval = 0;

      g_assert_true (idw_ui_split_suffix_mnemonic (cases[i].label, &text, &keyval) == (cases[i].text != NULL));
      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpuint (keyval, ==, cases[i].keyval);
    }

  gtk_widget_add_css_class (pill, "pill");
  gtk_box_append (GTK_BOX (box), pill);
  gtk_box_append (GTK_BOX (box), plain);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_until (mapped, pill, 5000, "the pill button is shown");

  g_assert_nonnull (find_widget (pill, is_label_with, "出示"));
  /* Only pill buttons: a dialog's button keeps the usual form. */
  g_assert_nonnull (find_widget (plain, is_label_with, "删除(_D)"));

  controllers = gtk_widget_observe_controllers (pill);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          found |= GTK_IS_MNEMONIC_TRIGGER (trigger) &&
                   gtk_mnemonic_trigger_get_keyval (GTK_MNEMONIC_TRIGGER (trigger)) == GDK_KEY_p;
        }
    }
  g_assert_true (found);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerFiles) issuer = NULL;
  g_autoptr(IdwApplication) app = NULL;

  g_test_init (&argc, &argv, NULL);
  app = ui_test_app_new ();

  issuer = idw_x509_create_issuer ("Expiry Test", "CN", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (issuer->ds_key_pem, strlen (issuer->ds_key_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) issuer->ds_pem, strlen (issuer->ds_pem), &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/expiry/document-expired", test_document_expired);
  g_test_add_func ("/ui/expiry/signature-expired", test_signature_expired);
  g_test_add_func ("/ui/expiry/valid", test_valid);
  g_test_add_func ("/ui/expiry/name-order", test_name_order);
  g_test_add_func ("/ui/expiry/country-and-issuer", test_country_and_issuer);
  g_test_add_func ("/ui/expiry/pill-mnemonics", test_pill_mnemonics);

  return g_test_run ();
}
