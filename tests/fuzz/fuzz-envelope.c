/* fuzz-envelope.c: the IDW1 presentation envelope
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is parsed as envelope CBOR with idw_envelope_parse() and as
 * text with idw_envelope_parse_text(). An envelope that parses must encode,
 * parse again to the same encoding, travel as IDW1 text and give its
 * session transcript.
 */
#include "config.h"

#include "idw-present.h"

#include "fuzz-common.h"

static void
check_envelope (IdwEnvelope *envelope)
{
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) reencoded = NULL;
  g_autoptr(GBytes) transcript = NULL;
  g_autoptr(IdwEnvelope) again = NULL;
  g_autoptr(IdwEnvelope) from_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) text_error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (envelope->presented_at, >=, 0);
  g_assert_nonnull (envelope->response);
  g_assert_true (cbor_isa_map (envelope->response));

  transcript = idw_envelope_get_session_transcript (envelope);
  g_assert_nonnull (transcript);

  encoded = idw_envelope_encode (envelope);
  again = idw_envelope_parse (encoded, &error);
  g_assert_no_error (error);
  reencoded = idw_envelope_encode (again);
  g_assert_cmpmem (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                   g_bytes_get_data (reencoded, NULL), g_bytes_get_size (reencoded));

  /* A large response may not fit the text limits once re-compressed. */
  text = idw_envelope_to_text (envelope);
  from_text = idw_envelope_parse_text (text, &text_error);
  if (from_text == NULL)
    g_assert_error (text_error, IDW_ERROR, IDW_ERROR_LIMIT);
  else
    g_assert_cmpint (from_text->presented_at, ==, envelope->presented_at);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init (argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(IdwEnvelope) from_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) text_error = NULL;

  envelope = idw_envelope_parse (input, &error);
  fuzz_check_result (envelope, error);
  if (envelope != NULL)
    check_envelope (envelope);

  from_text = idw_envelope_parse_text (text, &text_error);
  fuzz_check_result (from_text, text_error);
  if (from_text != NULL)
    check_envelope (from_text);

  return 0;
}
