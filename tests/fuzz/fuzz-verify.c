/* fuzz-verify.c: DeviceResponse parsing and the whole verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One IdwVerifier lives across runs, as in the app, so that its caches
 * (x5chain, device keys) are fuzzed too. It trusts the test issuer of the
 * corpus presentations, verifies at FUZZ_NOW, and holds the reader key of
 * the ISO 18013-5 Annex D example so that deviceMac is checked as well.
 *
 * Input: one flags byte, then
 *   flags & 1: a 2-byte big-endian length and that many bytes of
 *              SessionTranscript, then the response;
 *   flags & 2: the rest is envelope CBOR, sent as IDW1 text through
 *              idw_verifier_verify_text();
 *   otherwise the rest goes to idw_verifier_verify_data() (IDW1 text or a
 *   raw DeviceResponse), and text to idw_verifier_verify_response() too.
 * Images, which idw_verifier_verify_data() would hand to the QR decoder,
 * are left to the other two calls (tests/fuzz/README.md says why).
 */
#include "config.h"

#include "idw-cbor.h"
#include "idw-doctype.h"
#include "idw-mdoc.h"
#include "idw-transport.h"
#include "idw-verifier.h"

#include "fuzz-common.h"

#define FLAG_TRANSCRIPT 0x01
#define FLAG_ENVELOPE   0x02

/* ISO/IEC 18013-5:2021 Annex D: the reader's ephemeral private key
 * (tests/data/annexd/annexd-ereader-key-d.hex). */
static const guint8 annexd_reader_key[32] = {
  0xde, 0x3b, 0x4b, 0x9e, 0x5f, 0x72, 0xdd, 0x9b, 0x58, 0x40, 0x6a, 0xe3, 0x09, 0x14, 0x34, 0xda,
  0x48, 0xa6, 0xf9, 0xfd, 0x01, 0x0d, 0x88, 0xfc, 0xb0, 0x95, 0x8e, 0x2c, 0xeb, 0xec, 0x94, 0x7c,
};

static IdwVerifier *verifier;

/* As idw_verifier_verify_data() tells an image. */
static gboolean
looks_like_image (const guint8 *data,
                  gsize         len)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };

  return (len >= sizeof png && memcmp (data, png, sizeof png) == 0)
         || (len >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
         || (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
         || (len >= 2 && memcmp (data, "BM", 2) == 0);
}

/* What idw_verifier_verify_data() reads as text: a DeviceResponse map
 * never starts with a letter. */
static gboolean
looks_like_text (const guint8 *data,
                 gsize         len)
{
  gsize i = 0;

  while (i < len && g_ascii_isspace (data[i]))
    i++;
  return i < len && g_ascii_isalpha (data[i]);
}

static void
check_verdict (IdwVerdict *verdict)
{
  g_autofree char *json = NULL;
  g_autofree char *pretty = NULL;
  IdwCertificate *ds;
  GPtrArray *disclosed;
  gboolean any_failed = FALSE;

  g_assert_true (IDW_IS_VERDICT (verdict));

  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    {
      IdwCheckStatus status = idw_verdict_get_status (verdict, check);

      g_assert_cmpint (status, <=, IDW_CHECK_STATUS_NOT_APPLICABLE);
      fuzz_check_text (idw_verdict_get_detail (verdict, check));
      any_failed |= status == IDW_CHECK_STATUS_FAILED;
    }
  g_assert_true (!idw_verdict_is_valid (verdict) || !any_failed);
  g_assert_true (any_failed == (idw_verdict_get_first_failure (verdict) != IDW_N_CHECKS));
  idw_verdict_is_untrusted_only (verdict);

  if (idw_verdict_get_doctype (verdict) != NULL)
    fuzz_check_text (idw_verdict_get_doctype (verdict));
  ds = idw_verdict_get_ds_certificate (verdict);
  if (ds != NULL)
    {
      g_autofree char *subject = idw_certificate_get_subject (ds);

      fuzz_check_text (subject);
    }
  idw_verdict_get_issuer_subject (verdict);
  idw_verdict_get_issuer_common_name (verdict);
  idw_verdict_get_issuer_country (verdict);
  idw_verdict_get_issuer_organization (verdict);
  idw_verdict_is_test_issuer (verdict);
  idw_verdict_get_presented_at (verdict);
  idw_verdict_get_signed (verdict);
  idw_verdict_get_valid_from (verdict);
  idw_verdict_get_valid_until (verdict);
  g_assert_nonnull (idw_verdict_get_verified_at (verdict));

  /* What the verify page shows of each element. */
  disclosed = idw_verdict_get_disclosed (verdict);
  for (guint i = 0; disclosed != NULL && i < disclosed->len; i++)
    {
      IdwDisclosedElement *element = g_ptr_array_index (disclosed, i);
      g_autofree char *shown = NULL;
      g_autofree char *label = NULL;

      shown = idw_element_format_value (element->name_space, element->element, element->value);
      fuzz_check_text (shown);
      label = idw_element_get_label (element->name_space, element->element);
      fuzz_check_text (label);
      g_assert_true (idw_verdict_lookup (verdict, element->name_space, element->element) != NULL);
    }

  json = idw_verdict_to_json (verdict, FALSE);
  fuzz_check_text (json);
  pretty = idw_verdict_to_json (verdict, TRUE);
  fuzz_check_text (pretty);
}

/* The parser the verifier's decode check uses, on its own. */
static void
fuzz_parse_response (GBytes *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  IdwMdocParseFlags flags[] = { IDW_MDOC_PARSE_DEFAULT, IDW_MDOC_PARSE_KEEP_DUPLICATES };

  item = idw_cbor_decode_bytes (response, NULL);
  if (item == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(IdwDeviceResponse) parsed = idw_device_response_parse (item, flags[i], &error);
      g_autoptr(cbor_item_t) cbor = NULL;

      fuzz_check_result (parsed, error);
      g_clear_error (&error);
      if (parsed == NULL)
        continue;
      cbor = idw_device_response_to_cbor (parsed);
      g_assert_nonnull (cbor);
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(IdwCertificate) anchor = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init (argv);

  now = fuzz_now ();
  anchor = fuzz_anchor_new ();
  verifier = idw_verifier_new ();
  idw_verifier_set_time (verifier, now);
  idw_verifier_add_trust_anchor (verifier, anchor);
  idw_verifier_set_reader_key (verifier, annexd_reader_key, sizeof annexd_reader_key, &error);
  g_assert_no_error (error);

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) transcript = NULL;
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) response_verdict = NULL;
  guint8 flags;

  if (size < 1)
    return 0;
  flags = data[0];
  data++, size--;

  if (flags & FLAG_TRANSCRIPT)
    {
      gsize len;

      if (size < 2)
        return 0;
      len = MIN ((gsize) (data[0] << 8 | data[1]), size - 2);
      transcript = g_bytes_new (data + 2, len);
      data += 2 + len, size -= 2 + len;
    }
  rest = g_bytes_new (data, size);

  if (flags & FLAG_ENVELOPE)
    {
      g_autofree char *text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, rest);

      verdict = idw_verifier_verify_text (verifier, text);
      check_verdict (verdict);
      return 0;
    }

  fuzz_parse_response (rest);

  if (!looks_like_image (data, size))
    {
      verdict = idw_verifier_verify_data (verifier, rest, transcript);
      check_verdict (verdict);
    }
  /* For anything else verify_data() was verify_response(). */
  if (looks_like_image (data, size) || looks_like_text (data, size))
    {
      response_verdict = idw_verifier_verify_response (verifier, rest, transcript);
      check_verdict (response_verdict);
    }

  return 0;
}
