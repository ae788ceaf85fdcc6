/* id-wallet-bench: throughput and latency figures (DESIGN §7, §9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   id-wallet-bench verify [-n N] <the options and INPUT of id-wallet-cli verify>
 *   id-wallet-bench present [-n N] [--preset P] CRED.idwcred
 *   id-wallet-bench qr-decode [-n N] [TEXT-FILE]
 *
 * Each prints its figures and, as its last line, "NAME: N per second".
 * Without -n a measurement runs for about two seconds. This is not a test:
 * nothing here asserts a timing. Developer output, not translated.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "idw-cli-common.h"

#define TARGET_SECONDS       2.0
#define BARE_TARGET_SECONDS  0.5
#define FRAME_WIDTH          1280
#define FRAME_HEIGHT         720

typedef void (*BenchFunc) (gpointer user_data);

typedef struct
{
  gint64 iterations;
  double seconds;
} Timing;

static double
timing_us (const Timing *timing)
{
  return timing->iterations > 0 ? timing->seconds * 1e6 / (double) timing->iterations : 0.0;
}

static double
timing_per_second (const Timing *timing)
{
  return timing->seconds > 0 ? (double) timing->iterations / timing->seconds : 0.0;
}

/* Runs @func @n times, or for @target_seconds when @n is 0, after one
 * warm-up call. */
static Timing
measure (BenchFunc func,
         gpointer  user_data,
         gint64    n,
         double    target_seconds)
{
  Timing timing = { 0, 0.0 };
  gint64 start;
  gint64 now;
  gint64 target_us = (gint64) (target_seconds * G_USEC_PER_SEC);

  func (user_data);

  start = g_get_monotonic_time ();
  now = start;
  if (n > 0)
    {
      for (gint64 i = 0; i < n; i++)
        func (user_data);
      now = g_get_monotonic_time ();
      timing.iterations = n;
    }
  else
    {
      do
        {
          func (user_data);
          timing.iterations++;
          now = g_get_monotonic_time ();
        }
      while (now - start < target_us);
    }

  timing.seconds = (double) (now - start) / G_USEC_PER_SEC;
  /* The clock's resolution must not turn a tiny run into a division by 0. */
  if (timing.seconds <= 0)
    timing.seconds = 1e-6;

  return timing;
}

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("id-wallet-bench: %s\n", message);
  g_printerr ("Run “id-wallet-bench %s--help” for usage.\n", command != NULL ? command : "");
  return IDW_CLI_EXIT_USAGE;
}

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
  g_autofree char *subject = idw_cli_escape (raw_subject);
  g_autofree char *issuer_name = idw_cli_escape (raw_issuer_name);
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

static int
bench_verify (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCliVerifyInput) input = NULL;
  g_autoptr(IdwInput) pipeline_input = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(GPtrArray) bare = NULL;
  VerifyJob job;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_auto(IdwCliVerifyOptions) options = { 0 };
  gint64 n = 0;
  double bare_total_us = 0.0;
  Timing timing;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Verify N times (default: as many as fit in about 2 seconds)", "N" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Verifies INPUT repeatedly, exactly as “id-wallet-cli verify” does, and compares\n"
                                "the time with that of the bare signature verifications it needs.");
  g_option_context_add_main_entries (context, entries, NULL);
  idw_cli_verify_options_add_entries (context, &options, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("verify ", error->message);
  if (n < 0)
    return usage_error ("verify ", "-n must be positive");

  input = idw_cli_verify_input_new (&options, &error);
  if (input == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  {
    gint64 start = g_get_monotonic_time ();

    /* Recognised once, as the app and the CLI do: a picture's QR code is
     * read here, and the timing covers the rest of the pipeline. */
    pipeline_input = idw_input_new_from_data (input->data, &error);
    if (pipeline_input == NULL)
      {
        g_printerr ("id-wallet-bench: %s: %s\n", input->input_name, error->message);
        return IDW_CLI_EXIT_FAILED;
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
      g_autofree char *detail = idw_cli_escape (idw_verdict_get_detail (verdict, failure));

      g_print ("verdict: NOT valid (%s: %s); the timing covers a failing verification\n",
               idw_check_to_string (failure), detail);
    }
  if (options.json)
    {
      g_autofree char *json = idw_verdict_to_json (verdict, FALSE);
      g_autofree char *safe_json = idw_cli_escape_json (json);

      g_print ("verdict JSON: %s\n", safe_json);
    }

  timing = measure (verify_once, &job, n, TARGET_SECONDS);
  g_print ("verify: %" G_GINT64_FORMAT " presentations in %.2f s: %.1f µs each\n",
           timing.iterations, timing.seconds, timing_us (&timing));

  bare = collect_bare_signatures (input->verifier, pipeline_input, notes);
  g_print ("bare signature verifications it needs (same keys and bytes, IdwKey):\n");
  for (guint i = 0; i < bare->len; i++)
    {
      BareSignature *b = g_ptr_array_index (bare, i);
      Timing t = measure (bare_signature_run, b, n, BARE_TARGET_SECONDS);

      bare_total_us += timing_us (&t);
      g_print ("  %-17s %-6s %8.1f µs%s%s\n", b->what, idw_key_alg_to_string (b->alg),
               timing_us (&t), b->detail != NULL ? "  " : "", b->detail != NULL ? b->detail : "");
    }
  g_print ("  %-17s %-6s %8.1f µs\n", "total", "", bare_total_us);
  g_print ("%s", notes->str);

  if (bare_total_us > 0)
    g_print ("ratio verify / signatures: %.2f (target ≤ 1.3)\n", timing_us (&timing) / bare_total_us);

  g_print ("verify: %.0f per second\n", timing_per_second (&timing));

  return IDW_CLI_EXIT_OK;
}

/* ---- present -------------------------------------------------------------- */

typedef struct
{
  IdwCredential *credential;
  GStrv          paths;
  char          *text;
} PresentBench;

static void
present_sign_encode (gpointer user_data)
{
  PresentBench *bench = user_data;
  g_autofree char *text = idw_present_text_for_qr (bench->credential, NULL,
                                                   (const char * const *) bench->paths,
                                                   NULL, NULL, NULL, NULL);

  g_assert (text != NULL);
}

static void
present_matrix (gpointer user_data)
{
  PresentBench *bench = user_data;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (bench->text, NULL);

  g_assert (matrix != NULL);
}

static void
present_all (gpointer user_data)
{
  PresentBench *bench = user_data;
  g_autofree char *text = idw_present_text_for_qr (bench->credential, NULL,
                                                   (const char * const *) bench->paths,
                                                   NULL, NULL, NULL, NULL);
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, NULL);

  g_assert (matrix != NULL);
}

static int
bench_present (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *list = NULL;
  g_autofree char *safe_list = NULL;
  g_autofree char *doctype = NULL;
  g_auto(GStrv) paths = NULL;
  PresentBench bench = { 0 };
  gboolean portrait_dropped = FALSE;
  gint64 n = 0;
  IdwPreset preset = IDW_PRESET_FULL;
  Timing sign;
  Timing qr;
  Timing all;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Present N times (default: as many as fit in about 2 seconds)", "N" },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      "Disclose full (default), name-photo or age-over-18", "PRESET" },
    { NULL }
  };

  context = g_option_context_new ("CRED.idwcred");
  g_option_context_set_summary (context,
                                "Times a fresh in-person presentation: device signature, CBOR, zlib and Base45\n"
                                "(“sign + encode”), then the QR matrix. The credential must hold its device key.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("present ", error->message);
  if (argc != 2)
    return usage_error ("present ", "give one credential file");
  if (n < 0)
    return usage_error ("present ", "-n must be positive");
  if (preset_name != NULL && !idw_preset_from_string (preset_name, &preset))
    return usage_error ("present ", "unknown preset");

  credential = idw_credential_new_from_file (argv[1], &error);
  if (credential == NULL)
    {
      g_printerr ("id-wallet-bench: %s: %s\n", argv[1], error->message);
      return IDW_CLI_EXIT_USAGE;
    }
  if (idw_credential_get_private_key (credential) == NULL)
    {
      g_printerr ("id-wallet-bench: %s holds no device private key\n", argv[1]);
      return IDW_CLI_EXIT_USAGE;
    }

  paths = idw_credential_get_preset_paths (credential, preset);
  bench.credential = credential;
  bench.paths = paths;
  bench.text = idw_present_text_for_qr (credential, NULL, (const char * const *) paths,
                                        NULL, NULL, &portrait_dropped, &error);
  if (bench.text == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return IDW_CLI_EXIT_FAILED;
    }
  matrix = idw_qr_encode (bench.text, &error);
  if (matrix == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      g_free (bench.text);
      return IDW_CLI_EXIT_FAILED;
    }

  list = g_strjoinv (", ", paths);
  safe_list = idw_cli_escape (list);
  doctype = idw_cli_escape (idw_credential_get_doctype (credential));
  g_print ("credential: %s, %s: %s\n", doctype, idw_preset_to_string (preset), safe_list);
  g_print ("presentation: %zu characters%s, QR version %d level %c (%d modules)\n",
           strlen (bench.text), portrait_dropped ? " (portrait left out to fit)" : "",
           matrix->version, matrix->level, matrix->size);

  sign = measure (present_sign_encode, &bench, n, TARGET_SECONDS / 2);
  qr = measure (present_matrix, &bench, n, TARGET_SECONDS / 2);
  all = measure (present_all, &bench, n, TARGET_SECONDS);

  g_print ("sign + encode:             %8.1f µs\n", timing_us (&sign));
  g_print ("QR matrix:                 %8.1f µs\n", timing_us (&qr));
  g_print ("sign + encode + QR matrix: %8.1f µs (%" G_GINT64_FORMAT " in %.2f s; target < 10 ms)\n",
           timing_us (&all), all.iterations, all.seconds);
  g_print ("present: %.0f per second\n", timing_per_second (&all));

  g_free (bench.text);
  return IDW_CLI_EXIT_OK;
}

/* ---- qr-decode ------------------------------------------------------------ */

typedef struct
{
  guint8 *frame;
  char   *expected;
} DecodeBench;

/* A camera frame as the app's camera gives it to the pipeline. */
static IdwInput *
decode_frame (DecodeBench  *bench,
              GError      **error)
{
  return idw_input_new_from_pixels (bench->frame, FRAME_WIDTH, FRAME_HEIGHT, FRAME_WIDTH,
                                    IDW_PIXEL_FORMAT_GRAY8, TRUE, error);
}

static void
decode_once (gpointer user_data)
{
  g_autoptr(IdwInput) input = decode_frame (user_data, NULL);

  g_assert (input != NULL);
}

/* A camera-like frame: uneven light, a little sensor noise, and the code
 * somewhat off centre, as a phone held up to a webcam shows it. */
static guint8 *
make_frame (const IdwQrMatrix *matrix,
            int               *out_scale)
{
  g_autoptr(GBytes) rendered = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (18013);
  guint8 *frame = g_malloc (FRAME_WIDTH * FRAME_HEIGHT);
  const guint8 *code;
  int side = 0;
  int scale;
  int x0;
  int y0;

  scale = MAX (2, (FRAME_HEIGHT * 8 / 10) / (matrix->size + 2 * IDW_QR_QUIET_ZONE));
  rendered = idw_qr_matrix_render (matrix, scale, &side);
  code = g_bytes_get_data (rendered, NULL);

  for (int y = 0; y < FRAME_HEIGHT; y++)
    for (int x = 0; x < FRAME_WIDTH; x++)
      frame[y * FRAME_WIDTH + x] = (guint8) (90 + 60 * x / FRAME_WIDTH + 30 * y / FRAME_HEIGHT
                                             + g_rand_int_range (rand, -6, 7));

  x0 = (FRAME_WIDTH - side) / 2 + FRAME_WIDTH / 10;
  y0 = (FRAME_HEIGHT - side) / 2;
  for (int y = 0; y < side && y0 + y < FRAME_HEIGHT; y++)
    for (int x = 0; x < side && x0 + x < FRAME_WIDTH; x++)
      {
        int value = code[y * side + x] ? 215 : 35;

        frame[(y0 + y) * FRAME_WIDTH + x0 + x] = (guint8) CLAMP (value + g_rand_int_range (rand, -12, 13), 0, 255);
      }

  *out_scale = scale;
  return frame;
}

static int
bench_qr_decode (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwInput) first = NULL;
  DecodeBench bench = { 0 };
  gint64 n = 0;
  int scale = 0;
  Timing timing;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Decode N times (default: as many as fit in about 2 seconds)", "N" },
    { NULL }
  };

  context = g_option_context_new ("[TEXT-FILE]");
  g_option_context_set_summary (context,
                                "Times decoding a QR code from a 1280×720 grayscale frame. The code holds the\n"
                                "IDW1 text of TEXT-FILE, or by default a 1000-character stand-in of the size of\n"
                                "an age-over-18 presentation.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("qr-decode ", error->message);
  if (argc > 2)
    return usage_error ("qr-decode ", "give one text file at most");
  if (n < 0)
    return usage_error ("qr-decode ", "-n must be positive");

  if (argc == 2)
    {
      g_autoptr(GBytes) contents = idw_cli_read_file (argv[1], IDW_MAX_TEXT_LENGTH, &error);

      if (contents == NULL)
        {
          g_printerr ("id-wallet-bench: %s\n", error->message);
          return IDW_CLI_EXIT_USAGE;
        }
      text = g_strstrip (g_strndup (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents)));
    }
  else
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (5);
      guint8 random[663];
      g_autofree char *base45 = NULL;

      for (guint i = 0; i < sizeof random; i++)
        random[i] = (guint8) g_rand_int_range (rand, 0, 256);
      base45 = idw_base45_encode (random, sizeof random);
      text = g_strconcat (IDW_PREFIX_PRESENTATION, base45, NULL);
    }

  matrix = idw_qr_encode (text, &error);
  if (matrix == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return IDW_CLI_EXIT_FAILED;
    }

  bench.frame = make_frame (matrix, &scale);
  bench.expected = text;

  first = decode_frame (&bench, &error);
  if (first == NULL || g_strcmp0 (idw_input_get_text (first), text) != 0)
    {
      g_printerr ("id-wallet-bench: the frame does not decode to the text: %s\n",
                  error != NULL ? error->message : "different text");
      g_free (bench.frame);
      return IDW_CLI_EXIT_FAILED;
    }

  g_print ("frame: %dx%d grayscale, QR version %d level %c, %d modules at %d px, %zu characters\n",
           FRAME_WIDTH, FRAME_HEIGHT, matrix->version, matrix->level, matrix->size, scale, strlen (text));

  timing = measure (decode_once, &bench, n, TARGET_SECONDS);
  g_print ("qr-decode: %.2f ms per frame (%" G_GINT64_FORMAT " in %.2f s; target < 40 ms)\n",
           timing_us (&timing) / 1000.0, timing.iterations, timing.seconds);
  g_print ("qr-decode: %.0f per second\n", timing_per_second (&timing));

  g_free (bench.frame);
  return IDW_CLI_EXIT_OK;
}

/* ---- main ----------------------------------------------------------------- */

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  id-wallet-bench verify [-n N] [--trust CERT]... [--at TIME] [--session-transcript FILE]\n"
           "                         [--reader-key FILE] [INPUT]\n"
           "  id-wallet-bench present [-n N] [--preset P] CRED.idwcred\n"
           "  id-wallet-bench qr-decode [-n N] [TEXT-FILE]\n"
           "\n"
           "Each prints its figures and, last, \"NAME: N per second\". Without -n a\n"
           "measurement runs for about 2 seconds.\n");
}

int
main (int    argc,
      char **argv)
{
  static const struct
  {
    const char *name;
    int       (*run) (int argc, char **argv);
  } commands[] = {
    { "verify", bench_verify },
    { "present", bench_present },
    { "qr-decode", bench_qr_decode },
  };

  setlocale (LC_ALL, "");
  g_set_prgname ("id-wallet-bench");

  if (argc < 2)
    {
      print_usage (stderr);
      return IDW_CLI_EXIT_USAGE;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return IDW_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("id-wallet-bench %s", argv[1]);

          g_set_prgname (prgname);
          return commands[i].run (argc - 1, argv + 1);
        }
    }

  g_printerr ("id-wallet-bench: unknown command “%s”\n", argv[1]);
  print_usage (stderr);
  return IDW_CLI_EXIT_USAGE;
}
