/* test-verifier-freshness.c: the freshness check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When a presentation was made (presentedAt and the freshness window), the
 * nonces a verifier issued and their store, and the session transcripts
 * and handovers of raw responses.
 */
#include "config.h"

#include "verifier-test-util.h"

static void
test_signature_over_other_transcript (Fixture       *f,
                                      gconstpointer  data)
{
  /* A signature made for one presentedAt cannot be replayed with another. */
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 3600, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);
  g_autofree char *moved = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;

  g_assert_no_error (error);
  envelope->presented_at = now_unix ();
  moved = idw_envelope_to_text (envelope);
  verdict = idw_verifier_verify_text (f->verifier, moved);
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, DEVICE_SIGNATURE_DOES_NOT_VERIFY);
}

static void
test_freshness (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  struct { gint64 offset; gboolean ok; const char *words; } cases[] = {
    { -200, FALSE, "The presentation is stale: it was made " },
    { 200, FALSE, "The presentation claims to be made " },
    { -85, TRUE, NULL },
    { 85, TRUE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                         now_unix () + cases[i].offset, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      if (cases[i].ok)
        test_assert_valid (verdict);
      else
        test_assert_failure (verdict, IDW_CHECK_FRESHNESS, cases[i].words);
    }

  /* A wider window accepts the stale one; --at moves the clock. */
  {
    g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 200, NULL);
    g_autoptr(IdwVerdict) wide = NULL;

    idw_verifier_set_freshness_window (f->verifier, 300);
    g_assert_cmpuint (idw_verifier_get_freshness_window (f->verifier), ==, 300);
    wide = idw_verifier_verify_text (f->verifier, text);
    test_assert_valid (wide);
  }
}

static IdwNonceState
nonce_func (GBytes   *nonce,
            gboolean  consume,
            gpointer  user_data)
{
  GHashTable *issued = user_data;
  gpointer used;

  if (!g_hash_table_lookup_extended (issued, nonce, NULL, &used))
    return IDW_NONCE_UNKNOWN;
  if (consume)
    g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (TRUE));
  return GPOINTER_TO_INT (used) ? IDW_NONCE_USED : IDW_NONCE_UNUSED;
}

static void
test_nonce (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) issued_nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GBytes) other_nonce = g_bytes_new ("another-nonce-45", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *right = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), issued_nonce);
  g_autofree char *wrong = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), other_nonce);
  g_autofree char *none = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL, v5 = NULL, v6 = NULL;

  /* An expected nonce. */
  idw_verifier_set_expected_nonce (f->verifier, issued_nonce);
  v1 = idw_verifier_verify_text (f->verifier, wrong);
  test_assert_failure (v1, IDW_CHECK_FRESHNESS,
                       "The presentation answers another request: its nonce does not match.");
  v2 = idw_verifier_verify_text (f->verifier, none);
  test_assert_failure (v2, IDW_CHECK_FRESHNESS,
                       "The presentation carries no nonce, but this check expects one: it was not made for this request.");
  v3 = idw_verifier_verify_text (f->verifier, right);
  test_assert_valid (v3);
  idw_verifier_set_expected_nonce (f->verifier, NULL);

  /* The nonce store: unknown, then fine once, then reused. */
  g_hash_table_insert (issued, g_bytes_ref (issued_nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  v4 = idw_verifier_verify_text (f->verifier, wrong);
  test_assert_failure (v4, IDW_CHECK_FRESHNESS,
                       "The presentation answers a request this verifier did not make: unknown nonce.");
  v5 = idw_verifier_verify_text (f->verifier, right);
  test_assert_valid (v5);
  v6 = idw_verifier_verify_text (f->verifier, right);
  test_assert_failure (v6, IDW_CHECK_FRESHNESS, NONCE_ALREADY_USED);
}

/* A reply to this verifier's request may be pasted minutes later: the
 * nonce, not the ±window, bounds its age. Its clock may not run ahead. */
static void
test_nonce_bound_reply_age (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GBytes) other = g_bytes_new ("issued-nonce-456", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *late = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 600, nonce);
  g_autofree char *ahead = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () + 600, other);
  g_autofree char *plain = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 600, NULL);
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL;

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  g_hash_table_insert (issued, g_bytes_ref (other), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);

  v1 = idw_verifier_verify_text (f->verifier, late);
  test_assert_valid (v1);
  v2 = idw_verifier_verify_text (f->verifier, ahead);
  test_assert_failure (v2, IDW_CHECK_FRESHNESS, "The presentation claims to be made ");
  test_assert_detail (v2, IDW_CHECK_FRESHNESS, " seconds in the future (at most 90 allowed).");
  /* Without a nonce the window still applies. */
  v3 = idw_verifier_verify_text (f->verifier, plain);
  test_assert_failure (v3, IDW_CHECK_FRESHNESS, "The presentation is stale: it was made ");
}

static void
test_nonce_not_consumed_when_invalid (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autofree char *forged = make_text (is, IDW_DOCTYPE_MDL, other, now_unix (), nonce);
  g_autoptr(IdwVerdict) verdict = NULL;

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  verdict = idw_verifier_verify_text (f->verifier, forged);
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, DEVICE_SIGNATURE_DOES_NOT_VERIFY);
  g_assert_false (GPOINTER_TO_INT (g_hash_table_lookup (issued, nonce)));
}

/* A nonce another verification consumed between the check and the end. */
static IdwNonceState
racing_nonce_func (GBytes   *nonce,
                   gboolean  consume,
                   gpointer  user_data)
{
  return consume ? IDW_NONCE_USED : IDW_NONCE_UNUSED;
}

static void
test_nonce_lost_race (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), nonce);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_set_nonce_func (f->verifier, racing_nonce_func, NULL, NULL);
  verdict = idw_verifier_verify_text (f->verifier, text);
  test_assert_failure (verdict, IDW_CHECK_FRESHNESS, NONCE_ALREADY_USED);
}

/* presentedAt within ±window of the clock, to the second. */
static void
test_freshness_boundaries (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  gint64 now = now_unix ();
  g_autoptr(GDateTime) clock = unix_date (now);
  struct { gint64 offset; const char *words; } cases[] = {
    { -91, "The presentation is stale: it was made 91 seconds ago (at most 90 allowed)." },
    { -90, "Made 90 seconds ago." },
    { 90, "Made 0 seconds ago." },
    { 91, "The presentation claims to be made 91 seconds in the future (at most 90 allowed)." },
  };

  idw_verifier_set_time (f->verifier, clock);
  g_assert_cmpuint (idw_verifier_get_freshness_window (f->verifier), ==, 90);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                         now + cases[i].offset, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      g_test_message ("offset %" G_GINT64_FORMAT, cases[i].offset);
      if (g_str_has_prefix (cases[i].words, "Made"))
        test_assert_valid (verdict);
      else
        test_assert_failure (verdict, IDW_CHECK_FRESHNESS, cases[i].words);
      g_assert_cmpstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), ==, cases[i].words);
    }
}

/* ---- The pipeline: raw responses with their transcripts -------------------- */

/* @text's envelope taken apart as an attacker (or an honest relying party)
 * would: the DeviceResponse and the QR transcript it was signed over. */
static void
split_text (const char  *text,
            GBytes     **out_response,
            GBytes     **out_transcript)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);

  g_assert_no_error (error);
  *out_response = idw_cbor_encode (envelope->response);
  *out_transcript = idw_envelope_get_session_transcript (envelope);
}

static void
test_raw_qr_handover_freshness (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autofree char *fresh = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autofree char *old = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 3 * 3600, NULL);
  g_autofree char *ahead = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () + 3600, NULL);
  g_autoptr(GBytes) response = NULL, transcript = NULL;
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL;

  /* Fresh: the raw form passes like the text, freshness included. */
  split_text (fresh, &response, &transcript);
  v1 = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (v1, -1);
  g_assert_cmpint (idw_verdict_get_status (v1, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_PASSED);
  g_assert_cmpint (idw_verdict_get_handover (v1), ==, IDW_HANDOVER_IDWALLET_QR);
  g_assert_nonnull (idw_verdict_get_presented_at (v1));

  /* Hours old: the same window as the text form, whether the transcript
   * comes plain or wrapped as SessionTranscriptBytes. */
  g_clear_pointer (&response, g_bytes_unref);
  g_clear_pointer (&transcript, g_bytes_unref);
  split_text (old, &response, &transcript);
  v2 = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (v2, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v2, IDW_CHECK_FRESHNESS), "stale"));
  {
    g_autoptr(GBytes) wrapped = idw_cbor_wrap_tag24 (transcript);

    v3 = idw_verifier_verify_response (f->verifier, response, wrapped);
    test_assert_only_failures (v3, IDW_CHECK_FRESHNESS, -1);
    g_assert_nonnull (strstr (idw_verdict_get_detail (v3, IDW_CHECK_FRESHNESS), "stale"));
  }

  g_clear_pointer (&response, g_bytes_unref);
  g_clear_pointer (&transcript, g_bytes_unref);
  split_text (ahead, &response, &transcript);
  v4 = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (v4, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v4, IDW_CHECK_FRESHNESS), "future"));
}

/* A reply accepted once (as text) and replayed hours later as a raw
 * response with its rebuilt transcript: the nonce is used. */
static void
test_raw_qr_handover_replay (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GBytes) foreign = g_bytes_new ("foreign-nonce-45", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *reply = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), nonce);
  g_autofree char *other = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), foreign);
  g_autoptr(GBytes) response = NULL, transcript = NULL;
  g_autoptr(GBytes) other_response = NULL, other_transcript = NULL;
  g_autoptr(IdwVerdict) first = NULL, replay = NULL, later = NULL, unknown = NULL;
  g_autoptr(GDateTime) hours_later = g_date_time_new_from_unix_utc (now_unix () + 5 * 3600);

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);

  first = idw_verifier_verify_text (f->verifier, reply);
  test_assert_only_failures (first, -1);
  g_assert_true (g_bytes_equal (idw_verdict_get_nonce (first), nonce));
  g_assert_true (GPOINTER_TO_INT (g_hash_table_lookup (issued, nonce)));

  split_text (reply, &response, &transcript);
  replay = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (replay, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (replay, IDW_CHECK_FRESHNESS), "already used"));
  g_assert_cmpint (idw_verdict_get_nonce_state (replay), ==, IDW_NONCE_USED);

  idw_verifier_set_time (f->verifier, hours_later);
  later = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (later, IDW_CHECK_FRESHNESS, -1);
  g_assert_false (idw_verdict_is_valid (later));

  /* A nonce this verifier never issued, in the raw form. */
  idw_verifier_set_time (f->verifier, NULL);
  split_text (other, &other_response, &other_transcript);
  unknown = idw_verifier_verify_response (f->verifier, other_response, other_transcript);
  test_assert_only_failures (unknown, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (unknown, IDW_CHECK_FRESHNESS), "unknown nonce"));
}

/* A transcript that names our handover but is not well formed is refused,
 * so that it cannot pass for another kind, whose freshness is not ours to
 * check. */
static void
test_raw_qr_handover_malformed (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(GBytes) response = NULL, transcript = NULL, bad_bytes = NULL;
  g_autoptr(cbor_item_t) bad = idw_cbor_new_array ();
  cbor_item_t *handover = idw_cbor_new_array ();
  g_autoptr(IdwVerdict) verdict = NULL;

  split_text (text, &response, &transcript);
  idw_cbor_array_add (handover, idw_cbor_new_string (IDW_QR_HANDOVER_NAME));
  idw_cbor_array_add (handover, idw_cbor_new_string ("yesterday"));
  idw_cbor_array_add (handover, idw_cbor_new_null ());
  idw_cbor_array_add (bad, idw_cbor_new_null ());
  idw_cbor_array_add (bad, idw_cbor_new_null ());
  idw_cbor_array_add (bad, handover);
  bad_bytes = idw_cbor_encode (bad);

  verdict = idw_verifier_verify_response (f->verifier, response, bad_bytes);
  test_assert_only_failures (verdict, IDW_CHECK_DECODE, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_DECODE), "presentedAt"));
  g_assert_error ((GError *) idw_verdict_get_decode_error (verdict), IDW_ERROR, IDW_ERROR_WRONG_TYPE);
}

/* Transcripts of sessions the caller ran: named, and vouched for by the
 * caller; without any transcript, nothing can be said. */
static void
test_raw_other_handover (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) transcript = idw_cbor_new_array ();
  cbor_item_t *handover = idw_cbor_new_array ();
  g_autoptr(GBytes) transcript_bytes = NULL;
  g_autoptr(IdwDeviceResponse) response = idw_device_response_new ();
  g_autoptr(cbor_item_t) is_item = idw_issuer_signed_to_cbor (is);
  g_autoptr(cbor_item_t) response_item = NULL;
  g_autoptr(GBytes) response_bytes = NULL;
  g_autoptr(IdwVerdict) verdict = NULL, without = NULL, expecting = NULL;
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  IdwIssuerSigned *copy;
  IdwDeviceSigned *ds;
  guint8 hash[32] = { 1, 2, 3 };

  idw_cbor_array_add (handover, idw_cbor_new_string ("OpenID4VPDCAPIHandover"));
  idw_cbor_array_add (handover, idw_cbor_new_bytes (hash, sizeof hash));
  idw_cbor_array_add (transcript, idw_cbor_new_null ());
  idw_cbor_array_add (transcript, idw_cbor_new_null ());
  idw_cbor_array_add (transcript, handover);
  transcript_bytes = idw_cbor_encode (transcript);

  copy = idw_issuer_signed_parse (is_item, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
  g_assert_no_error (error);
  ds = idw_device_signed_new_signature (f->device_key, transcript_bytes, IDW_DOCTYPE_MDL, &error);
  g_assert_no_error (error);
  idw_device_response_add_document (response, idw_document_new (IDW_DOCTYPE_MDL, copy, ds));
  response_item = idw_device_response_to_cbor (response);
  response_bytes = idw_cbor_encode (response_item);

  verdict = idw_verifier_verify_response (f->verifier, response_bytes, transcript_bytes);
  test_assert_only_failures (verdict, -1);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_cmpint (idw_verdict_get_handover (verdict), ==, IDW_HANDOVER_DC_API);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_NOT_APPLICABLE);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), "Digital Credentials API"));
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), "vouches"));
  g_assert_null (idw_verdict_get_presented_at (verdict));

  without = idw_verifier_verify_response (f->verifier, response_bytes, NULL);
  test_assert_only_failures (without, IDW_CHECK_DEVICE_SIGNATURE, -1);
  g_assert_cmpint (idw_verdict_get_status (without, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_NOT_APPLICABLE);
  g_assert_nonnull (strstr (idw_verdict_get_detail (without, IDW_CHECK_FRESHNESS), "no session transcript"));
  g_assert_false (idw_verdict_is_valid (without));

  /* A check that expects a nonce cannot be satisfied by a transcript it
   * cannot read one from. */
  idw_verifier_set_expected_nonce (f->verifier, nonce);
  expecting = idw_verifier_verify_response (f->verifier, response_bytes, transcript_bytes);
  test_assert_only_failures (expecting, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (expecting, IDW_CHECK_FRESHNESS), "A nonce is expected"));
}

/* A verifier's nonce store does not turn away in-person codes: a
 * presentation without a nonce is judged by its time alone. */
static void
test_nonce_store_accepts_in_person (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  verdict = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (verdict, -1);
  g_assert_null (idw_verdict_get_nonce (verdict));
}

/* A nonce alone proves nothing to a verifier that issued none: without a
 * nonce store or an expected nonce, the window applies. */
static void
test_nonce_without_store (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  gint64 now = now_unix ();
  g_autoptr(GDateTime) clock = unix_date (now);
  g_autofree char *late = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now - 600, nonce);
  g_autofree char *fresh = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now, nonce);
  g_autoptr(IdwVerdict) stale = NULL;
  g_autoptr(IdwVerdict) ok = NULL;

  idw_verifier_set_time (f->verifier, clock);
  stale = idw_verifier_verify_text (f->verifier, late);
  ok = idw_verifier_verify_text (f->verifier, fresh);

  test_assert_failure (stale, IDW_CHECK_FRESHNESS, "The presentation is stale: it was made 600 seconds ago");
  test_assert_valid (ok);
  g_assert_nonnull (strstr (idw_verdict_get_detail (ok, IDW_CHECK_FRESHNESS), "Made "));
  g_assert_null (strstr (idw_verdict_get_detail (ok, IDW_CHECK_FRESHNESS), "request"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define FIXTURE(path, func) \
  g_test_add ("/verifier/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("raw-qr-handover-freshness", test_raw_qr_handover_freshness);
  FIXTURE ("raw-qr-handover-replay", test_raw_qr_handover_replay);
  FIXTURE ("raw-qr-handover-malformed", test_raw_qr_handover_malformed);
  FIXTURE ("raw-other-handover", test_raw_other_handover);
  FIXTURE ("nonce-store-accepts-in-person", test_nonce_store_accepts_in_person);
  FIXTURE ("nonce-without-store", test_nonce_without_store);
  FIXTURE ("signature-over-other-transcript", test_signature_over_other_transcript);
  FIXTURE ("freshness", test_freshness);
  FIXTURE ("nonce", test_nonce);
  FIXTURE ("nonce-not-consumed-when-invalid", test_nonce_not_consumed_when_invalid);
  FIXTURE ("nonce-lost-race", test_nonce_lost_race);
  FIXTURE ("nonce-bound-reply-age", test_nonce_bound_reply_age);
  FIXTURE ("freshness-boundaries", test_freshness_boundaries);

  return g_test_run ();
}
