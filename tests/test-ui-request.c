/* test-ui-request.c: "Request a Credential…" makes a keyring key and a
 * credential request that an issuer can read back from the QR code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside build-aux/dev test's D-Bus session with an unlocked
 * gnome-keyring and an Xvfb display.
 */
#include "config.h"

#include <adwaita.h>

#include "idwallet.h"
#include "idw-credential-request-dialog.h"
#include "idw-qr-view.h"

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

static void
test_request_credential (void)
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
  g_autofree char *fingerprint = NULL;
  gint64 deadline;
  int side = 0;

  dialog = idw_credential_request_dialog_new (NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (idw_credential_request_dialog_get_text (dialog));

  /* The key is made in the keyring off the main loop. */
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
   * keyring, nowhere else. */
  request = idw_credential_request_parse_text (decoded, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_false (idw_key_has_private (idw_credential_request_get_device_key (request)));

  private_key = idw_keystore_find_private_key_sync (idw_credential_request_get_device_key (request),
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (private_key);
  g_assert_true (idw_key_has_private (private_key));
  g_assert_true (idw_key_equal (private_key, idw_credential_request_get_device_key (request)));

  fingerprint = idw_key_get_fingerprint (private_key);
  g_assert_true (idw_keystore_delete_device_key_sync (fingerprint, NULL, &error));
  g_assert_no_error (error);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/request/credential", test_request_credential);

  return g_test_run ();
}
