/* bench-verify.c: `id-wallet-bench verify`: a verification against the
 * bare signature verifications it needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Takes the options and INPUT of `id-wallet-cli verify` and reads them
 * the same way: the trust anchors, the reader key and the input all go
 * through the engine (idw_certificate_list_new_from_data(),
 * idw_verifier_set_reader_key_from_data(), idw_input_new_from_data()).
 */
#include "config.h"

#include <string.h>

#include "bench-common.h"

#define BARE_TARGET_SECONDS  0.5

/* ---- Bare signatures ---------------------------------------------------- */

typedef struct
{
  char   *what;
  char   *detail;
  gint64  alg;
  IdwKey *key;
  GBytes *data;
  GBytes *signature;
} BareSignature;

static void
bare_signature_free (BareSignature *bare)
{
  g_free (bare->what);
  g_free (bare->detail);
  g_clear_pointer (&bare->key, idw_key_unref);
  g_clear_pointer (&bare->data, g_bytes_unref);
  g_clear_pointer (&bare->signature, g_bytes_unref);
  g_free (bare);
}

static void
bare_signature_run (gpointer user_data)
{
  BareSignature *bare = user_data;
  gsize data_len;
  gsize signature_len;
  const guint8 *data = g_bytes_get_data (bare->data, &data_len);
  const guint8 *signature = g_bytes_get_data (bare->signature, &signature_len);

  idw_key_verify (bare->key, bare->alg, data, data_len, signature, signature_len, NULL);
}

static BareSignature *
bare_signature_new (const char *what,
                    const char *detail,
                    gint64      alg,
                    IdwKey     *key,
                    GBytes     *data,
                    GBytes     *signature)
{
  BareSignature *bare = g_new0 (BareSignature, 1);

  bare->what = g_strdup (what);
  bare->detail = g_strdup (detail);
  bare->alg = alg;
  bare->key = idw_key_ref (key);
  bare->data = g_bytes_ref (data);
  bare->signature = g_bytes_ref (signature);

  return bare;
}

/* Sig_structure = ["Signature1", protected, external_aad = h'', payload]:
 * the bytes a COSE_Sign1 signature covers (RFC 9052 §4.4). */
static GBytes *
sig_structure (IdwCoseSign1 *sign1,
               GBytes       *payload)
{
  g_autoptr(cbor_item_t) array = idw_cbor_new_array ();

  idw_cbor_array_add (array, idw_cbor_new_string ("Signature1"));
  idw_cbor_array_add (array, idw_cbor_new_gbytes (sign1->protected_bytes));
  idw_cbor_array_add (array, idw_cbor_new_bytes ((const guint8 *) "", 0));
  idw_cbor_array_add (array, idw_cbor_new_gbytes (payload));

  return idw_cbor_encode (array);
}

/* A minimal DER reader: the certificate's three top-level parts. */
static gboolean
der_next (const guint8  **p,
          const guint8   *end,
          guint8         *out_tag,
          const guint8  **out_start,
          const guint8  **out_content,
          gsize          *out_len)
{
  const guint8 *q = *p;
  gsize len;

  if (end - q < 2)
    return FALSE;

  *out_start = q;
  *out_tag = *q++;
  len = *q++;
  if (len & 0x80)
    {
      guint n = len & 0x7f;

      if (n == 0 || n > 4 || (gsize) (end - q) < n)
        return FALSE;
      len = 0;
      while (n-- > 0)
        len = (len << 8) | *q++;
    }
  if ((gsize) (end - q) < len)
    return FALSE;

  *out_content = q;
  *out_len = len;
  *p = q + len;

  return TRUE;
}

static const guint8 oid_ed25519[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
static const guint8 oid_ecdsa_sha256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const guint8 oid_ecdsa_sha384[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const guint8 oid_ecdsa_sha512[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 };

/* ECDSA-Sig-Value (DER) to the raw r||s that IdwKey verifies. */
static GBytes *
ecdsa_der_to_raw (const guint8 *der,
                  gsize         len,
                  gsize         field_len)
{
  const guint8 *p = der;
  const guint8 *start;
  const guint8 *seq;
  gsize seq_len;
  guint8 tag;
  g_autofree guint8 *raw = g_malloc0 (2 * field_len);

  if (!der_next (&p, der + len, &tag, &start, &seq, &seq_len) || tag != 0x30)
    return NULL;

  p = seq;
  for (guint i = 0; i < 2; i++)
    {
      const guint8 *integer;
      gsize integer_len;

      if (!der_next (&p, seq + seq_len, &tag, &start, &integer, &integer_len) || tag != 0x02)
        return NULL;
      while (integer_len > 0 && integer[0] == 0)
        {
          integer++;
          integer_len--;
        }
      if (integer_len > field_len)
        return NULL;
      memcpy (raw + i * field_len + (field_len - integer_len), integer, integer_len);
    }

  return g_bytes_new_take (g_steal_pointer (&raw), 2 * field_len);
}

static gsize
curve_field_len (IdwCurve curve)
{
  switch (curve)
    {
    case IDW_CURVE_P256:
      return 32;
    case IDW_CURVE_P384:
      return 48;
    case IDW_CURVE_P521:
      return 66;
    case IDW_CURVE_ED25519:
    default:
      return 0;
    }
}

/* The signature of @cert by @issuer, as IdwKey verifies it. */
static BareSignature *
certificate_link (IdwCertificate  *cert,
                  IdwCertificate  *issuer,
                  GString         *notes)
{
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *raw_subject = idw_certificate_get_common_name (cert);
  g_autofree char *raw_issuer_name = idw_certificate_get_common_name (issuer);
  g_autofree char *subject = idw_text_escape (raw_subject);
  g_autofree char *issuer_name = idw_text_escape (raw_issuer_name);
  g_autofree char *detail = g_strdup_printf ("\"%s\" signed by \"%s\"", subject, issuer_name);
  const guint8 *p;
  const guint8 *end;
  const guint8 *start;
  const guint8 *content;
  const guint8 *alg_content;
  const guint8 *sig_content;
  gsize content_len;
  gsize alg_len;
  gsize sig_len;
  gsize der_len;
  guint8 tag;
  gint64 alg;

  key = idw_certificate_get_public_key (issuer, NULL);
  p = g_bytes_get_data (der, &der_len);
  end = p + der_len;

  if (key == NULL
      || !der_next (&p, end, &tag, &start, &content, &content_len) || tag != 0x30)
    goto unsupported;

  p = content;
  end = content + content_len;
  if (!der_next (&p, end, &tag, &start, &content, &content_len) || tag != 0x30)
    goto unsupported;
  tbs = g_bytes_new (start, (content + content_len) - start);
  if (!der_next (&p, end, &tag, &start, &alg_content, &alg_len) || tag != 0x30
      || !der_next (&p, end, &tag, &start, &sig_content, &sig_len) || tag != 0x03
      || sig_len < 2 || sig_content[0] != 0)
    goto unsupported;
  sig_content++;
  sig_len--;

#define HAS_OID(oid) (alg_len >= sizeof oid && memcmp (alg_content, oid, sizeof oid) == 0)
  if (HAS_OID (oid_ed25519))
    {
      alg = IDW_COSE_ALG_EDDSA;
      signature = g_bytes_new (sig_content, sig_len);
    }
  else if (HAS_OID (oid_ecdsa_sha256) || HAS_OID (oid_ecdsa_sha384) || HAS_OID (oid_ecdsa_sha512))
    {
      alg = HAS_OID (oid_ecdsa_sha256) ? IDW_COSE_ALG_ES256
            : HAS_OID (oid_ecdsa_sha384) ? IDW_COSE_ALG_ES384 : IDW_COSE_ALG_ES512;
      signature = ecdsa_der_to_raw (sig_content, sig_len, curve_field_len (idw_key_get_curve (key)));
    }
  else
    {
      goto unsupported;
    }
#undef HAS_OID

  /* IdwKey ties the hash to the curve (ES256 = P-256 with SHA-256); a
   * certificate may combine them otherwise. */
  if (signature == NULL || !idw_key_allows_alg (key, alg))
    goto unsupported;

  return bare_signature_new ("certificate link", detail, alg, key, tbs, signature);

unsupported:
  g_string_append_printf (notes, "  note: certificate link %s: its algorithm cannot be timed with IdwKey\n", detail);
  return NULL;
}

/* The links the verifier checks: from the DS certificate up to the first
 * certificate that is an anchor (pinned: no link) or that an anchor issued. */
static void
collect_certificate_links (GPtrArray *chain,
                           GPtrArray *anchors,
                           GPtrArray *out,
                           GString   *notes)
{
  for (guint i = 0; i < chain->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (chain, i);
      g_autofree char *issuer = idw_certificate_get_issuer (cert);
      IdwCertificate *issuing_anchor = NULL;
      BareSignature *bare;

      for (guint j = 0; j < anchors->len; j++)
        {
          if (idw_certificate_equal (cert, g_ptr_array_index (anchors, j)))
            return;
        }

      for (guint j = 0; j < anchors->len && issuing_anchor == NULL; j++)
        {
          g_autofree char *subject = idw_certificate_get_subject (g_ptr_array_index (anchors, j));

          if (g_strcmp0 (subject, issuer) == 0)
            issuing_anchor = g_ptr_array_index (anchors, j);
        }

      if (issuing_anchor != NULL)
        {
          bare = certificate_link (cert, issuing_anchor, notes);
          if (bare != NULL)
            g_ptr_array_add (out, bare);
          return;
        }

      if (i + 1 == chain->len)
        {
          g_string_append (notes, "  note: the chain reaches no trust anchor (no --trust?): no anchor link counted\n");
          return;
        }

      bare = certificate_link (cert, g_ptr_array_index (chain, i + 1), notes);
      if (bare != NULL)
        g_ptr_array_add (out, bare);
    }
}

/* The signature verifications a verification of @input needs, with the
 * same keys and bytes. */
static GPtrArray *
collect_bare_signatures (IdwVerifier *verifier,
                         IdwInput    *input,
                         GString     *notes)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) bare_signature_free);
  g_autoptr(IdwInputContents) contents = NULL;
  g_autoptr(IdwDeviceResponse) response = NULL;
  g_autoptr(IdwCoseSign1) issuer_auth = NULL;
  g_autoptr(IdwMso) mso = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GError) error = NULL;
  IdwDocument *document;
  cbor_item_t *x5chain;
  GBytes *transcript;

  /* The pipeline's own reading of the input: transport, envelope, transcript. */
  contents = idw_input_open (input, &error);
  if (contents == NULL)
    goto failed;
  transcript = contents->transcript;

  response = idw_device_response_parse (contents->response, IDW_MDOC_PARSE_DEFAULT, &error);
  if (response == NULL)
    goto failed;
  if (response->documents->len == 0)
    {
      g_string_append (notes, "  note: the response holds no document\n");
      return g_steal_pointer (&result);
    }
  if (response->documents->len > 1)
    g_string_append (notes, "  note: only the first document's signatures are counted\n");
  document = g_ptr_array_index (response->documents, 0);

  /* issuerAuth with the DS certificate's key. */
  issuer_auth = idw_cose_sign1_parse (document->issuer_signed->issuer_auth, &error);
  if (issuer_auth == NULL)
    goto failed;
  x5chain = idw_cose_sign1_get_header (issuer_auth, IDW_COSE_HEADER_X5CHAIN);
  chain = x5chain != NULL ? idw_x5chain_parse (x5chain, &error) : NULL;
  if (chain == NULL || chain->len == 0)
    goto failed;
  ds_key = idw_certificate_get_public_key (g_ptr_array_index (chain, 0), &error);
  if (ds_key == NULL || issuer_auth->payload == NULL)
    goto failed;
  tbs = sig_structure (issuer_auth, issuer_auth->payload);
  g_ptr_array_add (result, bare_signature_new ("issuerAuth", NULL, issuer_auth->alg, ds_key,
                                               tbs, issuer_auth->signature));
  g_clear_pointer (&tbs, g_bytes_unref);

  /* deviceSignature with the MSO's device key over DeviceAuthenticationBytes. */
  mso = idw_mso_parse_payload (issuer_auth->payload, &error);
  if (mso == NULL)
    goto failed;

  if (document->device_signed != NULL && document->device_signed->device_signature != NULL)
    {
      g_autoptr(IdwCoseSign1) device_signature = NULL;
      g_autoptr(IdwKey) device_key = NULL;
      g_autoptr(GBytes) device_authentication = NULL;

      device_signature = idw_cose_sign1_parse (document->device_signed->device_signature, &error);
      if (device_signature == NULL)
        goto failed;
      device_key = idw_cose_key_decode (mso->device_key, &error);
      if (device_key == NULL)
        goto failed;

      if (transcript == NULL)
        {
          g_string_append (notes, "  note: no session transcript: deviceSignature not counted\n");
        }
      else
        {
          device_authentication = idw_device_authentication_bytes (transcript, document->doctype,
                                                                   document->device_signed->name_spaces_bytes);
          tbs = sig_structure (device_signature, device_authentication);
          g_ptr_array_add (result, bare_signature_new ("deviceSignature", NULL, device_signature->alg,
                                                       device_key, tbs, device_signature->signature));
        }
    }
  else if (document->device_signed != NULL && document->device_signed->device_mac != NULL)
    {
      g_string_append (notes,
                       "  note: deviceMac (ECDH + HKDF + HMAC) is not a signature; the engine exposes no bare\n"
                       "        ECDH to time it, so the ratio below leaves it out of the signature side\n");
    }

  collect_certificate_links (chain, idw_verifier_get_trust_anchors (verifier), result, notes);

  /* Every counted verification must succeed, or we time a failure path. */
  for (guint i = 0; i < result->len; i++)
    {
      BareSignature *bare = g_ptr_array_index (result, i);
      g_autoptr(GError) verify_error = NULL;

      if (!idw_key_verify (bare->key, bare->alg, g_bytes_get_data (bare->data, NULL),
                           g_bytes_get_size (bare->data), g_bytes_get_data (bare->signature, NULL),
                           g_bytes_get_size (bare->signature), &verify_error))
        g_string_append_printf (notes, "  note: %s does not verify (%s): timing a failure\n",
                                bare->what, verify_error->message);
    }

  return g_steal_pointer (&result);

failed:
  g_string_append_printf (notes, "  note: cannot take the signatures apart (%s): none timed\n",
                          error != NULL ? error->message : "no x5chain or payload");
  return g_steal_pointer (&result);
}

/* ---- The options and input of id-wallet-cli verify ----------------------- */

typedef struct
{
  char     **trust;
  char      *at;
  char      *session_transcript;
  char      *reader_key;
  gboolean   json;
  char     **inputs;
} VerifyOptions;

static void
verify_options_clear (VerifyOptions *options)
{
  g_clear_pointer (&options->trust, g_strfreev);
  g_clear_pointer (&options->at, g_free);
  g_clear_pointer (&options->session_transcript, g_free);
  g_clear_pointer (&options->reader_key, g_free);
  g_clear_pointer (&options->inputs, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VerifyOptions, verify_options_clear)

/* What the options name, read: the verifier set up as id-wallet-cli sets
 * it up with --trust, the input and its session transcript. */
typedef struct
{
  IdwVerifier *verifier;
  GBytes      *data;
  GBytes      *session_transcript;
  char        *input_name;
} VerifyInput;

static void
verify_input_free (VerifyInput *input)
{
  g_clear_object (&input->verifier);
  g_clear_pointer (&input->data, g_bytes_unref);
  g_clear_pointer (&input->session_transcript, g_bytes_unref);
  g_free (input->input_name);
  g_free (input);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VerifyInput, verify_input_free)

static VerifyInput *
verify_input_new (VerifyOptions  *options,
                  GError        **error)
{
  g_autoptr(VerifyInput) input = g_new0 (VerifyInput, 1);
  guint n_inputs = options->inputs != NULL ? g_strv_length (options->inputs) : 0;

  if (n_inputs > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "Give one input at most (a file, or “-” for standard input).");
      return NULL;
    }

  input->input_name = g_strdup (n_inputs == 1 ? options->inputs[0] : "-");
  input->verifier = idw_verifier_new ();

  for (guint i = 0; options->trust != NULL && options->trust[i] != NULL; i++)
    {
      g_autoptr(GBytes) contents = bench_read_file (options->trust[i], IDW_MAX_INPUT_FILE, error);
      g_autoptr(GPtrArray) certs = NULL;

      if (contents == NULL)
        return NULL;
      certs = idw_certificate_list_new_from_data (g_bytes_get_data (contents, NULL),
                                                  g_bytes_get_size (contents),
                                                  options->trust[i], error);
      if (certs == NULL)
        return NULL;

      for (guint j = 0; j < certs->len; j++)
        idw_verifier_add_trust_anchor (input->verifier, g_ptr_array_index (certs, j));
    }

  if (options->at != NULL)
    {
      g_autoptr(GDateTime) at = idw_text_parse_time (options->at);

      if (at == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--at: “%s” is not an RFC 3339 time such as “2024-05-17T12:00:00Z” or a date such as “2024-05-17”.",
                       options->at);
          return NULL;
        }
      idw_verifier_set_time (input->verifier, at);
    }

  if (options->reader_key != NULL)
    {
      g_autoptr(GBytes) contents = bench_read_file (options->reader_key, 4096, error);
      g_autoptr(GError) local_error = NULL;

      if (contents == NULL)
        return NULL;
      if (!idw_verifier_set_reader_key_from_data (input->verifier, contents, &local_error))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--reader-key “%s”: %s", options->reader_key, local_error->message);
          return NULL;
        }
    }

  if (options->session_transcript != NULL)
    {
      g_autoptr(GBytes) contents = NULL;
      g_autoptr(GBytes) decoded = NULL;

      contents = bench_read_file (options->session_transcript, IDW_MAX_INPUT_FILE, error);
      if (contents == NULL)
        return NULL;

      decoded = idw_input_decode_hex (contents);
      input->session_transcript = decoded != NULL ? g_steal_pointer (&decoded)
                                                  : g_steal_pointer (&contents);
    }

  input->data = bench_read_file (input->input_name, IDW_MAX_INPUT_FILE, error);
  if (input->data == NULL)
    return NULL;

  if (g_bytes_get_size (input->data) == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "“%s” is empty.",
                   strcmp (input->input_name, "-") == 0 ? "standard input" : input->input_name);
      return NULL;
    }

  return g_steal_pointer (&input);
}

/* ---- verify --------------------------------------------------------------- */

typedef struct
{
  IdwVerifier *verifier;
  IdwInput    *input;
} VerifyJob;

static void
verify_once (gpointer user_data)
{
  VerifyJob *job = user_data;
  IdwVerdict *verdict = idw_verifier_verify (job->verifier, job->input);

  g_object_unref (verdict);
}

int
bench_verify (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VerifyInput) input = NULL;
  g_autoptr(IdwInput) pipeline_input = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(GPtrArray) bare = NULL;
  VerifyJob job;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_auto(VerifyOptions) options = { 0 };
  gint64 n = 0;
  double bare_total_us = 0.0;
  BenchTiming timing;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Verify N times (default: as many as fit in about 2 seconds)", "N" },
    /* Those of id-wallet-cli verify. */
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.trust,
      "Trust the issuer certificate (IACA root or pinned DS certificate, PEM or DER) in CERT; repeatable", "CERT" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &options.at,
      "Verify as of TIME (RFC 3339) instead of now", "TIME" },
    { "session-transcript", 0, 0, G_OPTION_ARG_FILENAME, &options.session_transcript,
      "SessionTranscript CBOR (plain or tag-24 wrapped, binary or hex) for a raw DeviceResponse", "FILE" },
    { "reader-key", 0, 0, G_OPTION_ARG_FILENAME, &options.reader_key,
      "The reader’s ephemeral P-256 private key (32 bytes, raw or hex) to check a deviceMac", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json,
      "Print the verdict as one JSON object", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.inputs,
      NULL, "[INPUT]" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Verifies INPUT repeatedly, exactly as “id-wallet-cli verify” does, and compares\n"
                                "the time with that of the bare signature verifications it needs.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bench_usage_error ("verify ", error->message);
  if (n < 0)
    return bench_usage_error ("verify ", "-n must be positive");

  input = verify_input_new (&options, &error);
  if (input == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return BENCH_EXIT_USAGE;
    }

  {
    gint64 start = g_get_monotonic_time ();

    /* Recognised once, as the app and the CLI do: a picture's QR code is
     * read here, and the timing covers the rest of the pipeline. */
    pipeline_input = idw_input_new_from_data (input->data, &error);
    if (pipeline_input == NULL)
      {
        g_printerr ("id-wallet-bench: %s: %s\n", input->input_name, error->message);
        return BENCH_EXIT_FAILED;
      }
    if (input->session_transcript != NULL)
      idw_input_set_session_transcript (pipeline_input, input->session_transcript);

    if (idw_input_get_source (pipeline_input) == IDW_INPUT_SOURCE_IMAGE)
      g_print ("input: QR code image %s, decoded once in %.1f ms (see qr-decode); timing the text\n",
               input->input_name, (double) (g_get_monotonic_time () - start) / 1000.0);
  }

  if (idw_input_get_kind (pipeline_input) == IDW_INPUT_DEVICE_RESPONSE)
    g_print ("input: DeviceResponse CBOR, %zu bytes%s\n", g_bytes_get_size (idw_input_get_cbor (pipeline_input)),
             input->session_transcript != NULL ? ", with session transcript" : ", no session transcript");
  else
    g_print ("input: %s text, %zu characters\n", idw_input_kind_to_string (idw_input_get_kind (pipeline_input)),
             strlen (idw_input_get_text (pipeline_input)));

  job.verifier = input->verifier;
  job.input = pipeline_input;
  verdict = idw_verifier_verify (job.verifier, job.input);
  if (idw_verdict_is_valid (verdict))
    {
      g_print ("verdict: valid\n");
    }
  else
    {
      IdwCheck failure = idw_verdict_get_first_failure (verdict);
      g_autofree char *detail = idw_text_escape (idw_verdict_get_detail (verdict, failure));

      g_print ("verdict: NOT valid (%s: %s); the timing covers a failing verification\n",
               idw_check_to_string (failure), detail);
    }
  if (options.json)
    {
      g_autofree char *json = idw_verdict_to_json (verdict, FALSE);
      g_autofree char *safe_json = idw_text_escape_json (json);

      g_print ("verdict JSON: %s\n", safe_json);
    }

  timing = bench_measure (verify_once, &job, n, BENCH_TARGET_SECONDS);
  g_print ("verify: %" G_GINT64_FORMAT " presentations in %.2f s: %.1f µs each\n",
           timing.iterations, timing.seconds, bench_timing_us (&timing));

  bare = collect_bare_signatures (input->verifier, pipeline_input, notes);
  g_print ("bare signature verifications it needs (same keys and bytes, IdwKey):\n");
  for (guint i = 0; i < bare->len; i++)
    {
      BareSignature *b = g_ptr_array_index (bare, i);
      BenchTiming t = bench_measure (bare_signature_run, b, n, BARE_TARGET_SECONDS);

      bare_total_us += bench_timing_us (&t);
      g_print ("  %-17s %-6s %8.1f µs%s%s\n", b->what, idw_key_alg_to_string (b->alg),
               bench_timing_us (&t), b->detail != NULL ? "  " : "", b->detail != NULL ? b->detail : "");
    }
  g_print ("  %-17s %-6s %8.1f µs\n", "total", "", bare_total_us);
  g_print ("%s", notes->str);

  if (bare_total_us > 0)
    g_print ("ratio verify / signatures: %.2f (target ≤ 1.3)\n", bench_timing_us (&timing) / bare_total_us);

  g_print ("verify: %.0f per second\n", bench_timing_per_second (&timing));

  return BENCH_EXIT_OK;
}
