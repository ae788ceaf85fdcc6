/* idw-cli-request.c: `id-wallet-cli request`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder's side of getting a credential (DESIGN §3.2): a fresh device
 * key in the keyring and a signed credential request for an issuer.
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

int
idw_cli_request (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwCredentialRequest) request = NULL;
  g_autoptr(GBytes) cbor = NULL;
  g_autofree char *device_alg_text = NULL;
  gint64 device_alg;
  gboolean hardware = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_file,
      N_("Write the request (CBOR) to FILE (not overwritten if it exists)"), N_("FILE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("What the device key is called in the keyring (default: “ID Wallet device key”)"), N_("NAME") },
    { "device-alg", 0, 0, G_OPTION_ARG_STRING, &device_alg_text,
      N_("The device key’s algorithm: EdDSA (Ed25519, the default) or ES256 (P-256)"), N_("ALG") },
    { "hardware", 0, 0, G_OPTION_ARG_NONE, &hardware,
      N_("Make the device key inside this computer’s TPM (P-256): it can never be copied to another computer"),
      NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Creates a device key in the keyring and a credential request signed with it,\n"
                                  "for an issuer to bind a credential to (“id-wallet-cli issue --request FILE”).\n"
                                  "Writes the request to FILE and prints it as IDWC1 text. The private key never\n"
                                  "leaves the keyring, or with --hardware this computer’s TPM."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);
  if (out_file == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--out FILE is required."));
  if (!idw_cli_parse_device_alg (device_alg_text, &device_alg, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  /* A TPM makes P-256 keys only. */
  if (hardware && device_alg_text != NULL && device_alg != IDW_COSE_ALG_ES256)
    return idw_cli_usage_error (g_get_prgname (), _("--hardware makes an ES256 (P-256) key; leave out --device-alg."));

  /* Before a key is made for nothing. */
  if (g_file_test (out_file, G_FILE_TEST_EXISTS))
    {
      idw_cli_printerr (_("“%s” already exists; not overwriting it."), out_file);
      return IDW_CLI_EXIT_USAGE;
    }

  /* An explicit --hardware is never quietly downgraded to a copyable key. */
  if (hardware)
    key = idw_keystore_create_tpm_device_key_sync (name, NULL, &error);
  else
    key = idw_keystore_create_device_key_for_alg_sync (device_alg, name, NULL, &error);
  if (key == NULL && g_error_matches (error, IDW_ERROR, IDW_ERROR_NO_TPM))
    {
      idw_cli_printerr ("%s", error->message);
      idw_cli_printerr (_("Without --hardware the device key is kept in the keyring instead."));
      return IDW_CLI_EXIT_FAILED;
    }
  if (key == NULL)
    return idw_cli_report_error (error);
  fingerprint = idw_key_get_fingerprint (key);

  if (hardware)
    {
      /* The TPM certifies the key, so that an issuer can check it is in a
       * TPM (docs/formats.md §11.1). A TPM that refuses to (an endorsement
       * hierarchy with a password) still gets a request, said aloud. */
      request = idw_credential_request_new_certified (key, NULL, &error);
      if (request == NULL && g_error_matches (error, IDW_ERROR, IDW_ERROR_FAILED))
        {
          idw_cli_printerr (_("The TPM did not certify the device key: %s"), error->message);
          idw_cli_printerr (_("The request goes without a certification: an issuer cannot tell that the "
                              "key is in a TPM, and one that requires it refuses the request."));
          g_clear_error (&error);
          request = idw_credential_request_new (key, NULL, &error);
        }
    }
  else
    request = idw_credential_request_new (key, NULL, &error);
  if (request != NULL)
    {
      cbor = idw_credential_request_to_bytes (request);
      text = idw_credential_request_to_text (request);
    }

  if (request == NULL
      || !idw_cli_write_file (out_file, g_bytes_get_data (cbor, NULL), g_bytes_get_size (cbor),
                              0644, FALSE, &error))
    {
      /* No request went out: the key would only clutter the keyring. */
      idw_keystore_delete_device_key_sync (fingerprint, NULL, NULL);
      return idw_cli_report_error (error);
    }

  /* The text is ASCII; written as is, never converted to the locale. */
  fputs (text, stdout);
  fputc ('\n', stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  if (idw_key_is_hardware (key))
    {
      IdwTpmCertification *certification = idw_credential_request_get_tpm_certification (request);

      /* Translators: %s is a file name, then a key fingerprint (hex) */
      g_printerr (_("Wrote the credential request to “%s”; device key %s is in this computer’s TPM.\n"),
                  out_file, fingerprint);
      if (certification != NULL && certification->ek_certificate != NULL)
        g_printerr (_("The TPM certified the key with its attestation key; its endorsement key certificate "
                      "is in the request.\n"));
      else if (certification != NULL)
        g_printerr (_("The TPM certified the key with its attestation key; this TPM has no endorsement key "
                      "certificate, so the request carries none.\n"));
    }
  else
    /* Translators: %s is a file name, then a key fingerprint (hex) */
    g_printerr (_("Wrote the credential request to “%s”; device key %s is in the keyring.\n"),
                out_file, fingerprint);

  return IDW_CLI_EXIT_OK;
}
