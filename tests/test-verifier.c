/* test-verifier.c: the verifier's checks and verdicts, one check at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Our own presentations, each wrong in one way that one check must name:
 * the issuer's signature and trust, the MSO, validity, the device
 * signature; and the chain cache. The other test-verifier-*.c programs
 * hold Annex D, freshness, decoding and tampering.
 */
#include "config.h"

#include "verifier-test-util.h"

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "portrait", NULL);
  g_autoptr(IdwVerdict) verdict = verify_is (f, is);

  test_assert_valid (verdict);
  test_assert_detail (verdict, IDW_CHECK_DIGESTS,
                      "All 2 disclosed elements are the ones the issuer signed.");
}

static void
test_wrong_device_key (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, other, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, DEVICE_SIGNATURE_DOES_NOT_VERIFY);
}

static void
test_validity (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) two_years_ago = g_date_time_add_years (now, -2);
  g_autoptr(GDateTime) issuer_start = g_date_time_add_days (two_years_ago, -1);
  g_autoptr(GDateTime) last_year = g_date_time_add_years (now, -1);
  g_autoptr(GDateTime) next_year = g_date_time_add_years (now, 1);
  g_autoptr(GDateTime) later = g_date_time_add_years (now, 2);
  /* An expired credential was signed when it became valid (ISO 18013-5:
   * validFrom ≥ signed), by a document signer that was valid then and is
   * still valid now: only the credential's own period is over. */
  g_autoptr(TestIssuer) older = test_issuer_new_at ("Utopia", issuer_start);
  IdwIssueOptions expired = { .valid_from = two_years_ago, .valid_until = last_year };
  IdwIssueOptions not_yet = { .valid_from = next_year, .valid_until = later };
  struct { IdwIssueOptions *options; const char *words; } cases[] = {
    { &expired, "The credential expired on " },
    { &not_yet, "The credential is not valid yet: valid from " },
  };

  idw_verifier_add_trust_anchor (f->verifier, older->iaca);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwCredential) c = test_issue (older, f->device_key, cases[i].options);
      g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
      g_autoptr(IdwVerdict) verdict = verify_is (f, is);

      test_assert_failure (verdict, IDW_CHECK_VALIDITY, cases[i].words);
      g_assert_nonnull (idw_verdict_get_valid_until (verdict));
    }
}

/* An MSO with @signed and @valid_from, otherwise the credential's, signed
 * by the genuine issuer. */
static IdwVerdict *
verify_with_times (Fixture   *f,
                   GDateTime *signed_at,
                   GDateTime *valid_from)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
  cbor_item_t *validity = idw_cbor_map_get (mso, "validityInfo");

  test_map_replace (validity, "signed", idw_cbor_new_tdate (signed_at));
  test_map_replace (validity, "validFrom", idw_cbor_new_tdate (valid_from));
  replace_issuer_auth (is, sign_mso_item (f->issuer, mso));
  return verify_is (f, is);
}

static void
test_signed_after_valid_from (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autoptr(GDateTime) second_later = g_date_time_add_seconds (hour_ago, 1);
  g_autoptr(GDateTime) soon = g_date_time_add_hours (now, 1);
  g_autoptr(IdwVerdict) equal = NULL, after = NULL, future = NULL;

  /* ISO 18013-5 §9.1.2.4: validFrom may equal signed… */
  equal = verify_with_times (f, hour_ago, hour_ago);
  test_assert_only_failures (equal, -1);

  /* …but not come a second before it. */
  after = verify_with_times (f, second_later, hour_ago);
  test_assert_failure (after, IDW_CHECK_VALIDITY, "before the issuer signed it");

  /* Signed in the future, valid from then: not valid yet. */
  future = verify_with_times (f, soon, soon);
  test_assert_failure (future, IDW_CHECK_VALIDITY, "The credential is not valid yet");
}

static void
test_untrusted_issuer (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TestIssuer) stranger = test_issuer_new ();
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) pinned = NULL;

  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, stranger->iaca);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED, UNTRUSTED_UTOPIA);
  g_assert_true (idw_verdict_is_untrusted_only (verdict));

  /* Pinning the DS certificate itself is trust too. */
  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->ds);
  pinned = verify_is (f, is);
  test_assert_valid (pinned);
}

static void
test_expired_ds_certificate (Fixture       *f,
                             gconstpointer  data)
{
  /* DS certificates live 3 years, the IACA 10: this DS expired a year ago. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) four_years_ago = g_date_time_add_years (now, -4);
  g_autoptr(GDateTime) signed_at = g_date_time_add_days (four_years_ago, 10);
  g_autoptr(GDateTime) until = g_date_time_add_years (now, 1);
  g_autoptr(TestIssuer) old = test_issuer_new_at ("Old Utopia", four_years_ago);
  IdwIssueOptions options = { .signed_at = signed_at, .valid_until = until };
  g_autoptr(IdwCredential) c = test_issue (old, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_add_trust_anchor (f->verifier, old->iaca);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED,
                       "The document signer certificate “CN=Old Utopia DS,");
  test_assert_detail (verdict, IDW_CHECK_ISSUER_TRUSTED, "” expired on ");
}

static void
test_doctype_mismatch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_EU_PID, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

  test_assert_failure (verdict, IDW_CHECK_MSO,
                       "The issuer signed a “" IDW_DOCTYPE_MDL "”, but the document claims to be a “"
                       IDW_DOCTYPE_EU_PID "”.");
}

static void
test_unsupported_algorithm (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
  g_autoptr(GBytes) protected_bytes = NULL;
  cbor_item_t *forged = idw_cbor_new_array ();
  g_autoptr(IdwVerdict) verdict = NULL;

  /* PS256 (-37): well formed, not allowed. The signature is the old one. */
  idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (-37));
  protected_bytes = idw_cbor_encode (protected_map);
  for (guint i = 0; i < 4; i++)
    {
      cbor_item_t *orig = cbor_array_handle (is->issuer_auth)[i];

      idw_cbor_array_add (forged, i == 0 ? idw_cbor_new_gbytes (protected_bytes) : cbor_incref (orig));
    }
  replace_issuer_auth (is, forged);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                       "The issuer’s signature cannot be checked: COSE_Sign1: unsupported algorithm -37 (allowed algorithms: EdDSA, ES256, ES384, ES512).");
}

static void
test_mso_errors (Fixture       *f,
                 gconstpointer  data)
{
  /* MSOs signed by the genuine issuer but malformed: the mso check names the field. */
  static const struct {
    const char *key;
    const char *sub;
    int         kind;
    const char *words;
    const char *statuses;
  } cases[] = {
    /* An unusable MSO: what depends on it is not applicable. */
    { "validityInfo", "validUntil", 0,
      "The mobile security object is not usable: MSO validityInfo.validUntil: expected tdate", "pppfnnnnp" },
    { "version", NULL, 1,
      "The mobile security object is not usable: MSO version: “2.0” is not supported", "pppfnnnnp" },
    /* A parsed MSO with a digest algorithm we lack: only the digests are
     * left unchecked. */
    { "digestAlgorithm", NULL, 2, "The digest algorithm “SHA-1” is not supported.", "pppfpnpnp" },
    { "valueDigests", NULL, 3,
      "The mobile security object is not usable: MSO valueDigests: expected a map", "pppfnnnnp" },
    { "deviceKeyInfo", NULL, 3,
      "The mobile security object is not usable: MSO deviceKeyInfo: expected a map", "pppfnnnnp" },
    { "docType", NULL, 4,
      "The mobile security object is not usable: MSO docType: expected a text string", "pppfnnnnp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
      g_autoptr(IdwVerdict) verdict = NULL;

      switch (cases[i].kind)
        {
        case 0:
          test_map_replace (idw_cbor_map_get (mso, cases[i].key), cases[i].sub, idw_cbor_new_string ("tomorrow"));
          break;
        case 1:
          test_map_replace (mso, cases[i].key, idw_cbor_new_string ("2.0"));
          break;
        case 2:
          test_map_replace (mso, cases[i].key, idw_cbor_new_string ("SHA-1"));
          break;
        case 3:
          test_map_replace (mso, cases[i].key, idw_cbor_new_array ());
          break;
        case 4:
        default:
          test_map_replace (mso, cases[i].key, idw_cbor_new_int (7));
          break;
        }
      replace_issuer_auth (is, sign_mso_item (f->issuer, mso));
      verdict = verify_is (f, is);
      g_test_message ("case %u", i);
      test_assert_checks (verdict, cases[i].statuses);
      test_assert_detail (verdict, IDW_CHECK_MSO, cases[i].words);
    }
}

/* The verifier caches validated chains: the cache must never stand in for
 * a check whose answer would differ. */
static void
test_chain_cache (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) ds_expired = g_date_time_add_years (now, 4);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autofree char *later_text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                           g_date_time_to_unix (ds_expired), NULL);
  g_autoptr(TestIssuer) stranger = test_issuer_new ();
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL, v5 = NULL, v6 = NULL;

  v1 = idw_verifier_verify_text (f->verifier, text);
  test_assert_valid (v1);
  v2 = idw_verifier_verify_text (f->verifier, text);
  test_assert_valid (v2);
  g_assert_cmpstr (idw_verdict_get_detail (v1, IDW_CHECK_ISSUER_TRUSTED), ==,
                   idw_verdict_get_detail (v2, IDW_CHECK_ISSUER_TRUSTED));

  /* Four years on the DS certificate (3 years) has expired. */
  idw_verifier_set_time (f->verifier, ds_expired);
  v3 = idw_verifier_verify_text (f->verifier, later_text);
  /* The credential ends with its DS certificate. */
  test_assert_checks (v3, "ppfpfppnp");
  test_assert_detail (v3, IDW_CHECK_ISSUER_TRUSTED,
                      "The document signer certificate “CN=Utopia DS,");
  test_assert_detail (v3, IDW_CHECK_ISSUER_TRUSTED, "” expired on ");
  test_assert_detail (v3, IDW_CHECK_VALIDITY, "The credential expired on ");
  idw_verifier_set_time (f->verifier, NULL);

  /* Other anchors: not trusted any more, however often it passed before. */
  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, stranger->iaca);
  v4 = idw_verifier_verify_text (f->verifier, text);
  test_assert_failure (v4, IDW_CHECK_ISSUER_TRUSTED, UNTRUSTED_UTOPIA);
  idw_verifier_clear_trust_anchors (f->verifier);
  v5 = idw_verifier_verify_text (f->verifier, text);
  test_assert_failure (v5, IDW_CHECK_ISSUER_TRUSTED,
                       "Issuer not trusted: no trusted issuers are configured.");
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->iaca);
  v6 = idw_verifier_verify_text (f->verifier, text);
  test_assert_valid (v6);
}

/* Verifies a presentation of @is made at @at, with the verifier's clock
 * at @at too (so that freshness passes). */
static IdwVerdict *
verify_is_at (Fixture         *f,
              IdwIssuerSigned *is,
              gint64           at)
{
  g_autoptr(GDateTime) now = unix_date (at);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, at, NULL);

  idw_verifier_set_time (f->verifier, now);
  return idw_verifier_verify_text (f->verifier, text);
}

/* validFrom ≤ now ≤ validUntil, to the second. (validFrom before signed
 * is its own failure: test_signed_after_valid_from().) */
static void
test_validity_boundaries (Fixture       *f,
                          gconstpointer  data)
{
  gint64 now = now_unix ();
  gint64 signed_at = now + 600, valid_from = now + 3600, valid_until = now + 7200;
  g_autoptr(GDateTime) signed_dt = unix_date (signed_at);
  g_autoptr(GDateTime) from_dt = unix_date (valid_from);
  g_autoptr(GDateTime) until_dt = unix_date (valid_until);
  IdwIssueOptions options = {
    .signed_at = signed_dt, .valid_from = from_dt, .valid_until = until_dt
  };
  g_autoptr(IdwCredential) c = test_issue (f->issuer, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  struct { IdwIssuerSigned *is; gint64 at; const char *words; } cases[] = {
    { is, valid_from - 1, "The credential is not valid yet" },
    { is, valid_from, NULL },
    { is, valid_from + 1, NULL },
    { is, valid_until - 1, NULL },
    { is, valid_until, NULL },
    { is, valid_until + 1, "The credential expired on" },
    /* Signed in the future of the clock: not valid yet, as validFrom
     * cannot come before signed. */
    { is, signed_at - 1, "The credential is not valid yet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwVerdict) verdict = verify_is_at (f, cases[i].is, cases[i].at);

      g_test_message ("case %u", i);
      if (cases[i].words == NULL)
        test_assert_valid (verdict);
      else
        test_assert_failure (verdict, IDW_CHECK_VALIDITY, cases[i].words);
    }
}

/* The DS certificate must be valid when the MSO was signed, not only
 * now: one signed before the certificate's start is not trusted. */
static void
test_signed_before_ds_certificate (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) not_before = g_date_time_add_days (now, -10);
  g_autoptr(GDateTime) signed_at = g_date_time_add_days (now, -20);
  g_autoptr(TestIssuer) issuer = test_issuer_new_at ("Young Utopia", not_before);
  IdwIssueOptions options = { .signed_at = signed_at };
  g_autoptr(IdwCredential) c = test_issue (issuer, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_add_trust_anchor (f->verifier, issuer->iaca);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED, "The document was signed on ");
  test_assert_detail (verdict, IDW_CHECK_ISSUER_TRUSTED, ", before the document signer certificate");
  g_assert_true (idw_verdict_is_untrusted_only (verdict));

  /* The same issuer's credential signed within its validity is trusted. */
  {
    g_autoptr(IdwCredential) good = test_issue (issuer, f->device_key, NULL);
    g_autoptr(IdwIssuerSigned) good_is = select_items (good, "family_name", NULL);
    g_autoptr(IdwVerdict) again = verify_is (f, good_is);

    test_assert_valid (again);
  }
}

static void
test_check_names (void)
{
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_DECODE), ==, "decode");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_ISSUER_SIGNATURE), ==, "issuer_signature");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_ISSUER_TRUSTED), ==, "issuer_trusted");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_MSO), ==, "mso");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_VALIDITY), ==, "validity");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_DIGESTS), ==, "digests");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_DEVICE_SIGNATURE), ==, "device_signature");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_FRESHNESS), ==, "freshness");
  g_assert_cmpstr (idw_check_status_to_string (IDW_CHECK_STATUS_NOT_APPLICABLE), ==, "not_applicable");
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    g_assert_nonnull (idw_check_get_title (i));
}

/* RFC 9052 §3.1: a critical header parameter the verifier does not
 * understand makes the signature unusable, whatever it says. */
static void
test_issuer_auth_crit (Fixture       *f,
                       gconstpointer  data)
{
  static const struct { gint64 crit_label; gboolean ok; const char *words; } cases[] = {
    { IDW_COSE_HEADER_ALG, TRUE, NULL },
    { 99, FALSE, "not understood" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
      cbor_item_t *crit = idw_cbor_new_array ();
      g_autoptr(GBytes) protected_bytes = NULL;
      g_autoptr(GBytes) payload = NULL;
      g_autoptr(GByteArray) tbs = g_byte_array_new ();
      g_autoptr(GBytes) signature = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwVerdict) verdict = NULL;
      cbor_item_t *orig = is->issuer_auth;
      cbor_item_t *forged = idw_cbor_new_array ();
      gsize len;
      const guint8 *p;

      /* {1: -8, 2: [label], 99: 1}, signed for real by the issuer. */
      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (IDW_COSE_ALG_EDDSA));
      idw_cbor_array_add (crit, idw_cbor_new_int (cases[i].crit_label));
      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_CRIT, crit);
      idw_cbor_map_add_int (protected_map, 99, idw_cbor_new_int (1));
      protected_bytes = idw_cbor_encode (protected_map);
      payload = idw_cbor_dup_bytes (cbor_array_handle (orig)[2]);

      idw_cbor_write_head (tbs, CBOR_TYPE_ARRAY, 4);
      idw_cbor_write_head (tbs, CBOR_TYPE_STRING, 10);
      g_byte_array_append (tbs, (const guint8 *) "Signature1", 10);
      p = g_bytes_get_data (protected_bytes, &len);
      idw_cbor_write_bytes (tbs, p, len);
      idw_cbor_write_bytes (tbs, NULL, 0);
      p = g_bytes_get_data (payload, &len);
      idw_cbor_write_bytes (tbs, p, len);
      signature = idw_key_sign (f->issuer->ds_key, tbs->data, tbs->len, &error);
      g_assert_no_error (error);

      idw_cbor_array_add (forged, idw_cbor_new_gbytes (protected_bytes));
      idw_cbor_array_add (forged, cbor_incref (cbor_array_handle (orig)[1]));
      idw_cbor_array_add (forged, idw_cbor_new_gbytes (payload));
      idw_cbor_array_add (forged, idw_cbor_new_gbytes (signature));
      replace_issuer_auth (is, forged);

      verdict = verify_is (f, is);
      if (cases[i].ok)
        test_assert_only_failures (verdict, -1);
      else
        {
          test_assert_only_failures (verdict, IDW_CHECK_ISSUER_SIGNATURE, -1);
          g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_SIGNATURE), cases[i].words));
          g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_SIGNATURE), "99"));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define FIXTURE(path, func) \
  g_test_add ("/verifier/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("valid", test_valid);
  FIXTURE ("issuer-auth-crit", test_issuer_auth_crit);
  FIXTURE ("wrong-device-key", test_wrong_device_key);
  FIXTURE ("validity", test_validity);
  FIXTURE ("signed-after-valid-from", test_signed_after_valid_from);
  FIXTURE ("untrusted-issuer", test_untrusted_issuer);
  FIXTURE ("expired-ds-certificate", test_expired_ds_certificate);
  FIXTURE ("doctype-mismatch", test_doctype_mismatch);
  FIXTURE ("unsupported-algorithm", test_unsupported_algorithm);
  FIXTURE ("mso-errors", test_mso_errors);
  FIXTURE ("chain-cache", test_chain_cache);
  FIXTURE ("validity-boundaries", test_validity_boundaries);
  FIXTURE ("signed-before-ds-certificate", test_signed_before_ds_certificate);
  g_test_add_func ("/verifier/check-names", test_check_names);

  return g_test_run ();
}
