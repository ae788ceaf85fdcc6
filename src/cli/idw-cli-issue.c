/* idw-cli-issue.c: `id-wallet-cli issue`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

/* SubjectPublicKeyInfo DER prefixes of the public keys a device key file
 * may hold: the key follows them directly (RFC 8410, RFC 5480). */
static const guint8 spki_ed25519_prefix[] = {
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};
static const guint8 spki_p256_prefix[] = {
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
  0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
  0x42, 0x00, 0x04,
};

#define PEM_PUBLIC_BEGIN "-----BEGIN PUBLIC KEY-----"
#define PEM_PUBLIC_END "-----END PUBLIC KEY-----"

static IdwKey *
key_from_spki (const guint8  *der,
               gsize          len,
               GError       **error)
{
  if (len == sizeof spki_ed25519_prefix + 32
      && memcmp (der, spki_ed25519_prefix, sizeof spki_ed25519_prefix) == 0)
    return idw_key_new_ed25519_public (der + sizeof spki_ed25519_prefix, 32, error);

  if (len == sizeof spki_p256_prefix + 64
      && memcmp (der, spki_p256_prefix, sizeof spki_p256_prefix) == 0)
    {
      const guint8 *point = der + sizeof spki_p256_prefix;

      return idw_key_new_ec_public (IDW_CURVE_P256, point, 32, point + 32, 32, error);
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
               _("The public key is neither Ed25519 nor EC P-256."));
  return NULL;
}

/* A device key file: a COSE_Key (CBOR, binary or hex) or a PEM public key
 * (SubjectPublicKeyInfo, Ed25519 or P-256). */
static IdwKey *
load_device_key (const char  *path,
                 GError     **error)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GBytes) hex = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(IdwKey) key = NULL;
  const char *data;
  gsize size;

  contents = idw_cli_read_file (path, 64 * 1024, error);
  if (contents == NULL)
    return NULL;

  data = g_bytes_get_data (contents, &size);

  if (g_strstr_len (data, (gssize) size, "PRIVATE KEY-----") != NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s” holds a private key. Give the holder’s public key (a COSE_Key or a PEM public key), "
                     "or use --new-device-key."), path);
      return NULL;
    }

  if (g_strstr_len (data, (gssize) size, PEM_PUBLIC_BEGIN) != NULL)
    {
      g_autofree char *text = g_strndup (data, size);
      g_autofree guchar *der = NULL;
      char *begin = strstr (text, PEM_PUBLIC_BEGIN) + strlen (PEM_PUBLIC_BEGIN);
      char *end = strstr (begin, PEM_PUBLIC_END);
      gsize der_len = 0;

      if (end == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("“%s”: the PEM public key has no end line."), path);
          return NULL;
        }
      *end = '\0';
      der = g_base64_decode (begin, &der_len);
      key = key_from_spki (der, der_len, &local_error);
    }
  else
    {
      g_autoptr(cbor_item_t) item = NULL;

      hex = idw_input_decode_hex (contents);
      item = idw_cbor_decode_bytes (hex != NULL ? hex : contents, &local_error);
      if (item != NULL)
        key = idw_cose_key_decode (item, &local_error);
    }

  if (key == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("“%s” is not a device public key (a COSE_Key or a PEM public key): %s"),
                   path, local_error->message);
      return NULL;
    }

  /* The public part only: --device-key names the holder's key, and a
   * private part found in the file must not end up in the credential. */
  return idw_key_dup_public (key);
}

/* Every --tpm-ca file, PEM or DER. */
static IdwTpmCaList *
load_tpm_cas (char   **files,
              GError **error)
{
  g_autoptr(IdwTpmCaList) cas = idw_tpm_ca_list_new ();

  for (char **file = files; file != NULL && *file != NULL; file++)
    {
      g_autoptr(GBytes) data = NULL;
      g_autoptr(GError) local_error = NULL;

      data = idw_cli_read_file (*file, 1024 * 1024, error);
      if (data == NULL)
        return NULL;
      if (!idw_tpm_ca_list_add_data (cas, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                     &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       "--tpm-ca “%s”: %s", *file, local_error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&cas);
}

/* What the issuer learnt about the request's device key, in words
 * (docs/formats.md §11.1 says what each means). */
static char *
describe_tpm_result (IdwTpmCertificationResult *result)
{
  g_autofree char *issuer = NULL;
  g_autofree char *anchor = NULL;

  if (result->ek_chained)
    {
      anchor = idw_cli_escape (result->ek_anchor);
      /* Translators: %s is the subject of a TPM maker's CA certificate. */
      return g_strdup_printf (_("Device key: in a TPM, certified by its attestation key; the endorsement key "
                                "certificate chains to “%s”."), anchor);
    }
  if (result->ek_present)
    {
      issuer = idw_cli_escape (result->ek_issuer);
      /* Translators: %s is the issuer named in a TPM's endorsement key certificate. */
      return g_strdup_printf (_("Device key: in a TPM, certified by its attestation key; an endorsement key "
                                "certificate issued by “%s” came with it, not checked (give --tpm-ca)."),
                              issuer);
    }
  return g_strdup (_("Device key: in a TPM, certified by its attestation key; the TPM has no endorsement key "
                     "certificate."));
}

static char *
format_date (GDateTime *datetime)
{
  return datetime != NULL ? g_date_time_format_iso8601 (datetime) : g_strdup ("?");
}

int
idw_cli_issue (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer_dir = NULL;
  g_autofree char *data_file = NULL;
  g_autofree char *device_key_file = NULL;
  g_autofree char *request_file = NULL;
  g_autofree char *doctype = NULL;
  g_autofree char *valid_from_text = NULL;
  g_autofree char *valid_until_text = NULL;
  g_autofree char *out_file = NULL;
  g_autofree char *ds_cert_path = NULL;
  g_autofree char *ds_key_path = NULL;
  g_autofree char *base_dir = NULL;
  g_autofree char *raw_holder = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *document = NULL;
  g_autofree char *doctype_text = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *until_text = NULL;
  g_autoptr(GDateTime) signed_at = NULL;
  g_autoptr(GDateTime) valid_from = NULL;
  g_autoptr(GDateTime) valid_until = NULL;
  g_autoptr(GBytes) ds_key_pem = NULL;
  g_autoptr(IdwCertificate) ds_cert = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwKey) device_key = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwIssuerStatus) status_list = NULL;
  guint64 status_index = 0;
  IdwIssueOptions options = { 0 };
  gboolean new_device_key = FALSE;
  gboolean require_hardware = FALSE;
  g_auto(GStrv) tpm_ca_files = NULL;
  g_autoptr(IdwTpmCaList) tpm_cas = NULL;
  g_autofree char *hardware_note = NULL;
  g_autofree char *device_alg_text = NULL;
  gint64 device_alg;
  const GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir,
      N_("The issuer folder made by “issuer init” (ds.pem and ds.key are used)"), N_("DIR") },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_file,
      N_("The holder’s data: {namespace: {element: value}} as JSON"), N_("PERSON.json") },
    { "device-key", 0, 0, G_OPTION_ARG_FILENAME, &device_key_file,
      N_("The holder’s device public key: a COSE_Key (CBOR, binary or hex) or a PEM public key (Ed25519 or P-256)"), N_("FILE") },
    { "new-device-key", 0, 0, G_OPTION_ARG_NONE, &new_device_key,
      N_("Generate a device key and keep its private part in the credential file"), NULL },
    { "device-alg", 0, 0, G_OPTION_ARG_STRING, &device_alg_text,
      N_("With --new-device-key: the key’s algorithm, EdDSA (Ed25519, the default) or ES256 (P-256)"), N_("ALG") },
    { "request", 0, 0, G_OPTION_ARG_FILENAME, &request_file,
      N_("The holder’s credential request (CBOR or IDWC1 text, from “id-wallet-cli request”): its proof is "
         "checked and the credential is bound to its device key"), N_("FILE") },
    { "require-hardware-key", 0, 0, G_OPTION_ARG_NONE, &require_hardware,
      N_("With --request: refuse a request whose device key is not certified by a TPM"), NULL },
    { "tpm-ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &tpm_ca_files,
      N_("With --request: a TPM maker’s CA certificate (PEM or DER; repeatable) that the endorsement key "
         "certificate of a TPM-certified request must chain to"), N_("CERT") },
    { "doctype", 0, 0, G_OPTION_ARG_STRING, &doctype,
      N_("The document type (default: from the namespaces of the data)"), N_("TYPE") },
    { "valid-from", 0, 0, G_OPTION_ARG_STRING, &valid_from_text,
      N_("Start of validity (now or later), RFC 3339 or YYYY-MM-DD (default: now)"), N_("TIME") },
    { "valid-until", 0, 0, G_OPTION_ARG_STRING, &valid_until_text,
      N_("End of validity, RFC 3339 or YYYY-MM-DD (default: 5 years after the start)"), N_("TIME") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_file,
      N_("Write the credential to FILE (not overwritten if it exists)"), N_("FILE.idwcred") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Issues an ISO 18013-5 mdoc credential signed by the issuer’s document signer key.\n"
                                  "Values take their CBOR type from the document type’s catalogue; byte strings\n"
                                  "may be given as {\"file\": \"face.jpg\"} (relative to the JSON file) or {\"base64\": \"…\"}."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);
  if (issuer_dir == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--issuer DIR is required."));
  if (data_file == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--data PERSON.json is required."));
  if (out_file == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--out FILE is required."));
  if ((request_file != NULL) + (device_key_file != NULL) + (new_device_key ? 1 : 0) != 1)
    return idw_cli_usage_error (g_get_prgname (),
                                _("Give exactly one of --request FILE, --device-key FILE and --new-device-key."));
  /* A request or a key file brings its own algorithm. */
  if (device_alg_text != NULL && !new_device_key)
    return idw_cli_usage_error (g_get_prgname (), _("--device-alg goes with --new-device-key."));
  if (!idw_cli_parse_device_alg (device_alg_text, &device_alg, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  /* Only a request can carry a TPM's certification. */
  if ((require_hardware || tpm_ca_files != NULL) && request_file == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--require-hardware-key and --tpm-ca go with --request FILE."));
  if (tpm_ca_files != NULL)
    {
      tpm_cas = load_tpm_cas (tpm_ca_files, &error);
      if (tpm_cas == NULL)
        {
          idw_cli_report_error (error);
          return IDW_CLI_EXIT_USAGE;
        }
    }

  if (valid_from_text != NULL)
    {
      valid_from = idw_cli_parse_time ("--valid-from", valid_from_text, &error);
      if (valid_from == NULL)
        return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
    }
  /* Whole seconds: that is what a tdate holds. */
  signed_at = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  /* ISO 18013-5 §9.1.2.4: validFrom is equal to or later than signed, and
   * a credential is signed now: it cannot be backdated. */
  if (valid_from != NULL && g_date_time_compare (valid_from, signed_at) < 0)
    return idw_cli_usage_error (g_get_prgname (),
                                _("--valid-from must not be earlier than now, when the credential is signed "
                                  "(ISO 18013-5 requires validFrom ≥ signed). Leave it out to start now."));

  if (valid_until_text != NULL)
    {
      valid_until = idw_cli_parse_time ("--valid-until", valid_until_text, &error);
      if (valid_until == NULL)
        return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
    }

  if (g_file_test (out_file, G_FILE_TEST_EXISTS))
    {
      idw_cli_printerr (_("“%s” already exists; not overwriting it."), out_file);
      return IDW_CLI_EXIT_USAGE;
    }

  ds_cert_path = g_build_filename (issuer_dir, "ds.pem", NULL);
  ds_key_path = g_build_filename (issuer_dir, "ds.key", NULL);

  ds_cert = idw_certificate_new_from_file (ds_cert_path, &error);
  if (ds_cert == NULL)
    return idw_cli_report_error (error);

  ds_key_pem = idw_cli_read_file (ds_key_path, 64 * 1024, &error);
  if (ds_key_pem == NULL)
    return idw_cli_report_error (error);
  ds_key = idw_key_new_from_pem (g_bytes_get_data (ds_key_pem, NULL),
                                 g_bytes_get_size (ds_key_pem), &error);
  /* The PEM text of a private key does not stay in freed memory. */
  sodium_memzero ((void *) g_bytes_get_data (ds_key_pem, NULL), g_bytes_get_size (ds_key_pem));
  if (ds_key == NULL)
    {
      idw_cli_printerr ("%s: %s", ds_key_path, error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  data = idw_issue_load_data (data_file, &base_dir, &error);
  if (data == NULL)
    return idw_cli_report_error (error);

  if (request_file != NULL)
    {
      g_autoptr(IdwCredentialRequest) request = NULL;

      /* The proof first: binding a credential to a key whose holder has
       * not shown they hold it would hand it to anyone. */
      request = idw_credential_request_new_from_file (request_file, NULL, &error);
      if (request == NULL)
        {
          IdwCliExit status = idw_cli_exit_for_error (error);
          g_autofree char *message = idw_cli_escape (error->message);

          idw_cli_printerr (_("--request “%s”: %s"), request_file, message);
          return status;
        }
      device_key = idw_key_ref (idw_credential_request_get_device_key (request));

      /* A certification that does not hold is refused whatever the
       * options: a request claiming a TPM it cannot show is no software
       * request either. */
      if (idw_credential_request_get_tpm_certification (request) != NULL)
        {
          g_auto(IdwTpmCertificationResult) result = { 0 };

          if (!idw_credential_request_verify_tpm (request, tpm_cas, NULL, &result, &error))
            {
              g_autofree char *message = idw_cli_escape (error->message);

              idw_cli_printerr (_("--request “%s”: the TPM certification of the device key does not verify: %s"),
                                request_file, message);
              return IDW_CLI_EXIT_FAILED;
            }
          {
            g_autofree char *found = describe_tpm_result (&result);

            /* What the line above does not mean (docs/formats.md §11.1). */
            hardware_note = g_strdup_printf ("%s\n%s", found,
                                             _("This is the TPM’s own statement about the key, bound to this request; "
                                               "offline nothing ties its attestation key to the endorsement key, so it "
                                               "does not prove that the key is in a genuine TPM."));
          }
        }
      else if (require_hardware)
        {
          idw_cli_printerr (_("--request “%s”: the device key is not proven to be in hardware: the request "
                              "carries no TPM certification (--require-hardware-key)."),
                            request_file);
          return IDW_CLI_EXIT_FAILED;
        }
      else
        hardware_note = g_strdup (_("Device key: not proven to be in hardware (the request carries no TPM "
                                    "certification)."));
    }
  else
    {
      if (new_device_key)
        device_key = idw_key_generate_for_alg (device_alg, &error);
      else
        device_key = load_device_key (device_key_file, &error);
      if (device_key == NULL)
        {
          idw_cli_report_error (error);
          return IDW_CLI_EXIT_USAGE;
        }
    }

  options.doctype = doctype;
  options.signed_at = signed_at;
  options.valid_from = valid_from;
  options.valid_until = valid_until;

  /* The engine caps the default validity at the document signer's end;
   * an explicit --valid-until past it would make an ID that verifiers
   * reject before it expires. */
  if (valid_until != NULL)
    {
      g_autoptr(GDateTime) ds_end = idw_certificate_get_not_after (ds_cert);

      if (g_date_time_compare (valid_until, ds_end) > 0)
        {
          g_autofree char *when = g_date_time_format_iso8601 (ds_end);

          return idw_cli_usage_error (g_get_prgname (),
                                      _("--valid-until is after the document signer certificate expires (%s): "
                                        "verifiers would reject the ID from then on."),
                                      when);
        }
    }

  /* An issuer that keeps a status list gives each credential the next
   * entry. The index is saved before the credential is made: one lost to
   * a failure later is harmless, one handed out twice is not. The lock is
   * held until the credential is written. */
  {
    g_autofree char *status_path = g_build_filename (issuer_dir, IDW_ISSUER_STATUS_FILE, NULL);

    if (g_file_test (status_path, G_FILE_TEST_EXISTS))
      {
        status_list = idw_issuer_status_open (issuer_dir, &error);
        if (status_list == NULL || !idw_issuer_status_allocate (status_list, &status_index, &error)
            || !idw_issuer_status_save (status_list, &error))
          return idw_cli_report_error (error);
        options.status_uri = idw_issuer_status_get_uri (status_list);
        options.status_index = status_index;
      }
  }

  credential = idw_issue_credential (data, base_dir, device_key, ds_key, ds_cert, &options, &error);
  if (credential == NULL)
    return idw_cli_report_error (error);

  if (!idw_credential_save (credential, out_file, new_device_key, &error))
    return idw_cli_report_error (error);

  /* The holder's data is the applicant's: printed escaped. */
  raw_holder = idw_credential_dup_holder_name (credential);
  holder = idw_cli_escape (raw_holder);
  document = idw_cli_escape (idw_credential_get_display_name (credential));
  doctype_text = idw_cli_escape (idw_credential_get_doctype (credential));
  from_text = format_date (idw_credential_get_valid_from (credential));
  until_text = format_date (idw_credential_get_valid_until (credential));
  /* Translators: "Issued <document type> (<doctype id>) for <holder>, valid <from> to <until>: <file>" */
  g_print (_("Issued %s (%s) for %s, valid %s to %s: %s\n"),
           document, doctype_text,
           holder != NULL ? holder : _("an unnamed holder"),
           from_text, until_text, out_file);
  if (status_list != NULL)
    g_print (_("Status list entry %llu of %s\n"), (unsigned long long) status_index,
             idw_issuer_status_get_uri (status_list));
  if (new_device_key)
    g_print (_("The credential file holds the holder’s private device key: keep it private.\n"));
  if (request_file != NULL)
    {
      g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);

      /* Translators: %s is a key fingerprint (hex) */
      g_print (_("Bound to the device key of the request, %s.\n"), fingerprint);
      g_print ("%s\n", hardware_note);
    }

  return IDW_CLI_EXIT_OK;
}
