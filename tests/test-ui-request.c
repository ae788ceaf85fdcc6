/* test-ui-request.c: "Request a Credential…" makes a device key, in the
 * TPM when one can be used (a swtpm of the test's own) or else in the
 * keyring, and a credential request that an issuer can read back from the
 * QR code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/dev test's D-Bus session with an unlocked
 * gnome-keyring and an Xvfb display. IDW_TPM_TCTI always names a TPM of
 * the test's: a swtpm, or a port where nothing listens (never the
 * computer's own TPM).
 */
#include "config.h"

#include <adwaita.h>

#include "idwallet.h"
#include "idw-credential-request-dialog.h"
#include "idw-qr-view.h"
#include "tpm-test-util.h"

static GtkWidget *
find_qr_view (GtkWidget *root)
{
  if (IDW_IS_QR_VIEW (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_qr_view (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *widget))
{
  if (match (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_switch (GtkWidget *widget)
{
  return GTK_IS_SWITCH (widget);
}

static gboolean
is_create_button (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "request.create") == 0;
}

static gboolean
is_action_row (GtkWidget *widget)
{
  return ADW_IS_ACTION_ROW (widget);
}

/* Opens the dialog, waits for its TPM probe, checks the switch as
 * @tpm_usable says, makes the request, and returns the device key the
 * keystore holds for it (which the caller deletes). */
static IdwKey *
request_credential (gboolean tpm_usable)
{
  g_autoptr(GError) error = NULL;
  IdwCredentialRequestDialog *dialog;
  IdwQrView *qr_view;
  const char *text;
  const IdwQrMatrix *matrix;
  g_autoptr(GBytes) gray = NULL;
  g_autofree char *decoded = NULL;
  g_autoptr(IdwCredentialRequest) request = NULL;
  g_autoptr(IdwKey) private_key = NULL;
  GtkWidget *tpm_switch, *create_button, *tpm_row;
  gint64 deadline;
  int side = 0;

  dialog = idw_credential_request_dialog_new (NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (idw_credential_request_dialog_get_text (dialog));

  /* Nothing is made before the person chooses, and the choice waits for
   * the TPM probe (off the main loop). */
  tpm_switch = find_widget (GTK_WIDGET (dialog), is_switch);
  create_button = find_widget (GTK_WIDGET (dialog), is_create_button);
  tpm_row = gtk_widget_get_ancestor (tpm_switch, ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (tpm_switch);
  g_assert_nonnull (create_button);
  g_assert_nonnull (tpm_row);
  g_assert_true (find_widget (GTK_WIDGET (dialog), is_action_row) == tpm_row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (tpm_row)), ==,
                   "Keep the Key in This Computer’s TPM");
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!gtk_widget_get_sensitive (create_button) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_sensitive (create_button));

  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (tpm_switch)), ==, tpm_usable);
  g_assert_cmpint (gtk_widget_is_sensitive (tpm_switch), ==, tpm_usable);
  /* The row stays sensitive, so its subtitle (the reason) is not dimmed. */
  g_assert_true (gtk_widget_is_sensitive (tpm_row));
  if (tpm_usable)
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (tpm_row)), ==,
                     "The key can never be copied to another computer");
  else
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (tpm_row)),
                                     "No TPM is available: "));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "request.create", NULL));
  g_assert_false (gtk_widget_get_sensitive (create_button));

  /* The key is made off the main loop. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (idw_credential_request_dialog_get_text (dialog) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  text = idw_credential_request_dialog_get_text (dialog);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, IDW_PREFIX_CREDENTIAL));

  /* What the QR code shows is the same request, readable by a decoder. */
  qr_view = IDW_QR_VIEW (find_qr_view (GTK_WIDGET (dialog)));
  g_assert_nonnull (qr_view);
  g_assert_cmpstr (idw_qr_view_get_text (qr_view), ==, text);
  matrix = idw_qr_view_get_matrix (qr_view);
  g_assert_nonnull (matrix);
  gray = idw_qr_matrix_render (matrix, 3, &side);
  decoded = idw_qr_decode_gray (g_bytes_get_data (gray, NULL), side, side, side, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);

  /* The issuer's side: the proof verifies, and the private key is in the
   * keystore (the keyring, or the TPM through it), nowhere else. */
  request = idw_credential_request_parse_text (decoded, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_false (idw_key_has_private (idw_credential_request_get_device_key (request)));

  /* A TPM key comes certified by the TPM, for the issuer to check; a
   * keyring key without. */
  if (tpm_usable)
    {
      g_auto(IdwTpmCertificationResult) result = { 0 };

      g_assert_nonnull (idw_credential_request_get_tpm_certification (request));
      g_assert_true (idw_credential_request_verify_tpm (request, NULL, NULL, &result, &error));
      g_assert_no_error (error);
    }
  else
    g_assert_null (idw_credential_request_get_tpm_certification (request));

  private_key = idw_keystore_find_private_key_sync (idw_credential_request_get_device_key (request),
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (private_key);
  g_assert_true (idw_key_has_private (private_key));
  g_assert_true (idw_key_equal (private_key, idw_credential_request_get_device_key (request)));

  gtk_window_destroy (GTK_WINDOW (dialog));
  return g_steal_pointer (&private_key);
}

static void
delete_key (IdwKey *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);

  g_assert_true (idw_keystore_delete_device_key_sync (fingerprint, NULL, &error));
  g_assert_no_error (error);
}

/* No TPM answers: the switch is off and cannot be turned on, and the key
 * is made in the keyring. */
static void
test_request_keyring (void)
{
  g_autofree char *closed = g_strdup_printf ("swtpm:host=127.0.0.1,port=%u", free_loopback_port ());
  g_autoptr(IdwKey) key = NULL;

  g_setenv ("IDW_TPM_TCTI", closed, TRUE);
  key = request_credential (FALSE);
  g_assert_false (idw_key_is_hardware (key));
  delete_key (key);
}

/* A TPM answers: the switch is on, and the key is made in the TPM. */
static void
test_request_tpm (void)
{
  SwTpm tpm = { 0 };
  g_autoptr(IdwKey) key = NULL;

  if (!idw_tpm_is_supported ())
    {
      g_test_skip ("no TPM support in this build");
      return;
    }
  if (!swtpm_available ())
    {
      g_test_skip ("swtpm is not installed (Debian: swtpm)");
      return;
    }

  swtpm_start (&tpm);
  g_setenv ("IDW_TPM_TCTI", tpm.tcti, TRUE);
  key = request_credential (TRUE);
  g_assert_true (idw_key_is_hardware (key));
  delete_key (key);
  swtpm_stop (&tpm);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* tpm2-tss would print the failures the closed port provokes. */
  g_setenv ("TSS2_LOG", "all+none", TRUE);
  adw_init ();

  g_test_add_func ("/ui/request/keyring", test_request_keyring);
  g_test_add_func ("/ui/request/tpm", test_request_tpm);

  return g_test_run ();
}
