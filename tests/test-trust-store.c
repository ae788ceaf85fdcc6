/* test-trust-store.c: trusted issuer certificates on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "idw-credential.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-present.h"
#include "idw-trust-store.h"
#include "idw-verifier.h"
#include "idw-x509.h"
#include "test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = test_tmp_dir_new ("idw-trust-XXXXXX");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_tmp_dir_free (fixture->dir);
}

static IdwCertificate *
make_iaca (const char      *name,
           gboolean         test,
           IdwIssuerFiles **out_files)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerFiles) files = NULL;
  IdwCertificate *cert;

  files = idw_x509_create_issuer (name, "DE", IDW_COSE_ALG_EDDSA, test, NULL, &error);
  g_assert_no_error (error);
  cert = idw_certificate_new_from_data ((const guint8 *) files->iaca_pem,
                                        strlen (files->iaca_pem), &error);
  g_assert_no_error (error);

  if (out_files != NULL)
    *out_files = g_steal_pointer (&files);

  return cert;
}

static void
on_changed (IdwTrustStore *store,
            guint         *count)
{
  (*count)++;
}

static void
test_add_list_remove (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *trust_dir = g_build_filename (fixture->dir, "trust", NULL);
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (trust_dir);
  g_autoptr(IdwCertificate) zeta = make_iaca ("Zeta Authority", FALSE, NULL);
  g_autoptr(IdwCertificate) alpha = make_iaca ("Alpha Authority", TRUE, NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *zeta_fp = idw_certificate_get_fingerprint (zeta);
  g_autofree char *alpha_fp = idw_certificate_get_fingerprint (alpha);
  g_autofree char *zeta_file = g_strconcat (zeta_fp, ".pem", NULL);
  g_autofree char *zeta_path = g_build_filename (trust_dir, zeta_file, NULL);
  g_auto(GStrv) damaged = NULL;
  guint changed = 0;
  gboolean added = FALSE;
  GStatBuf st;

  g_signal_connect (store, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_cmpstr (idw_trust_store_get_directory (store), ==, trust_dir);

  /* A store whose folder does not exist yet is empty, not broken. */
  list = idw_trust_store_list (store, &damaged, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpuint (g_strv_length (damaged), ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&damaged, g_strfreev);

  g_assert_true (idw_trust_store_add (store, zeta, &added, &error));
  g_assert_no_error (error);
  g_assert_true (added);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (g_file_test (zeta_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (trust_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Adding it again changes nothing. */
  g_assert_true (idw_trust_store_add (store, zeta, &added, &error));
  g_assert_false (added);
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (idw_trust_store_add (store, alpha, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);

  /* Sorted by name, and what comes back is what went in. */
  list = idw_trust_store_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (idw_certificate_equal (list->pdata[0], alpha));
  g_assert_true (idw_certificate_equal (list->pdata[1], zeta));
  g_assert_true (idw_certificate_is_test_issuer (list->pdata[0]));
  g_assert_false (idw_certificate_is_test_issuer (list->pdata[1]));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A second store on the same folder sees the same (as the CLI does). */
  {
    g_autoptr(IdwTrustStore) other = idw_trust_store_new (trust_dir);
    g_autoptr(GPtrArray) other_list = idw_trust_store_list (other, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (other_list->len, ==, 2);
  }

  g_assert_true (idw_trust_store_remove (store, zeta_fp, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_false (g_file_test (zeta_path, G_FILE_TEST_EXISTS));

  list = idw_trust_store_list (store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (idw_certificate_equal (list->pdata[0], alpha));

  g_assert_false (idw_trust_store_remove (store, zeta_fp, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 3);

  (void) alpha_fp;
}

static void
test_fingerprints (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (fixture->dir);
  g_autoptr(IdwCertificate) cert = make_iaca ("Prefix Authority", FALSE, NULL);
  g_autoptr(IdwCertificate) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fp = idw_certificate_get_fingerprint (cert);
  g_autofree char *upper = g_ascii_strup (fp, -1);
  g_autofree char *colons = NULL;
  g_autofree char *norm = NULL;
  g_autofree char *prefix = NULL;
  GString *with_colons = g_string_new (NULL);

  g_assert_cmpuint (strlen (fp), ==, 64);
  g_assert_true (idw_trust_store_add (store, cert, NULL, &error));

  for (guint i = 0; i < 16; i += 2)
    g_string_append_printf (with_colons, "%s%c%c", i > 0 ? ":" : "", upper[i], upper[i + 1]);
  colons = g_string_free (with_colons, FALSE);

  norm = idw_trust_normalize_fingerprint (colons);
  prefix = g_strndup (fp, 16);
  g_assert_cmpstr (norm, ==, prefix);
  g_assert_null (idw_trust_normalize_fingerprint ("xyz"));
  g_assert_null (idw_trust_normalize_fingerprint (""));

  /* Upper case with colons, a prefix of 8 bytes. */
  found = idw_trust_store_lookup (store, colons, &error);
  g_assert_no_error (error);
  g_assert_true (idw_certificate_equal (found, cert));

  g_assert_null (idw_trust_store_lookup (store, "abc", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_trust_store_lookup (store, "not a fingerprint", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_trust_store_lookup (store, fp[0] == '0' ? "1111111111" : "0000000000", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_damaged_and_copies (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (fixture->dir);
  g_autoptr(IdwCertificate) cert = make_iaca ("Copy Authority", FALSE, NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  g_autofree char *garbage = g_build_filename (fixture->dir, "garbage.pem", NULL);
  g_autofree char *copy = g_build_filename (fixture->dir, "copy.der", NULL);
  g_autofree char *ignored = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_autofree char *fp = idw_certificate_get_fingerprint (cert);
  g_auto(GStrv) damaged = NULL;

  g_assert_true (idw_trust_store_add (store, cert, NULL, &error));
  g_assert_true (g_file_set_contents (garbage, "-----BEGIN CERTIFICATE-----\nnope\n", -1, NULL));
  g_assert_true (g_file_set_contents (ignored, "not a certificate file name", -1, NULL));
  /* The same certificate dropped in by hand as DER under another name. */
  g_assert_true (g_file_set_contents (copy, g_bytes_get_data (der, NULL),
                                      (gssize) g_bytes_get_size (der), NULL));

  /* The damaged file is reported, silently; the good one still loads,
   * and the copy does not show twice. */
  list = idw_trust_store_list (store, &damaged, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (g_strv_length (damaged), ==, 1);
  g_assert_cmpstr (damaged[0], ==, garbage);

  /* Removing takes the copy too. */
  g_assert_true (idw_trust_store_remove (store, fp, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = idw_trust_store_list (store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_true (g_file_test (garbage, G_FILE_TEST_EXISTS));
}

static void
test_unreadable_folder (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "a-file", NULL);
  g_autoptr(IdwTrustStore) store = NULL;
  g_autoptr(IdwCertificate) cert = make_iaca ("Nowhere Authority", FALSE, NULL);
  g_autoptr(GError) error = NULL;

  /* A plain file where the folder should be. */
  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  store = idw_trust_store_new (file);

  g_assert_null (idw_trust_store_list (store, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
  g_clear_error (&error);

  g_assert_false (idw_trust_store_add (store, cert, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
}

static void
test_default_directory (void)
{
  g_autofree char *dir = idw_trust_store_get_default_directory ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "id-wallet", "trust", NULL);
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);

  g_assert_cmpstr (dir, ==, expected);
  g_assert_cmpstr (idw_trust_store_get_directory (store), ==, expected);
}

/* The store feeds the verifier: trusted while listed, "issuer not trusted"
 * (and nothing worse) once removed. */
static void
test_verifier_anchors (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (fixture->dir);
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(IdwCertificate) iaca = make_iaca ("Verify Authority", TRUE, &files);
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *fp = idw_certificate_get_fingerprint (iaca);
  const char *paths[] = { "org.iso.18013.5.1/family_name", NULL };

  ds = idw_certificate_new_from_data ((const guint8 *) files->ds_pem, strlen (files->ds_pem), &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);

  json_parser_load_from_data (parser,
                              "{\"org.iso.18013.5.1\": {\"family_name\": \"Mustermann\","
                              " \"given_name\": \"Erika\", \"age_over_18\": true}}",
                              -1, &error);
  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)),
                                     NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);
  text = idw_present_text (credential, device_key, paths, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (idw_trust_store_add (store, iaca, NULL, &error));
  g_assert_cmpint (idw_trust_store_apply (store, verifier, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_verifier_get_trust_anchors (verifier)->len, ==, 1);

  verdict = idw_verifier_verify_text (verifier, text);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_true (idw_verdict_is_test_issuer (verdict));
  g_clear_object (&verdict);

  g_assert_true (idw_trust_store_remove (store, fp, &error));
  g_assert_cmpint (idw_trust_store_apply (store, verifier, &error), ==, 0);
  g_assert_cmpuint (idw_verifier_get_trust_anchors (verifier)->len, ==, 0);

  verdict = idw_verifier_verify_text (verifier, text);
  g_assert_false (idw_verdict_is_valid (verdict));
  g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, IDW_CHECK_ISSUER_TRUSTED);
  g_assert_true (idw_verdict_is_untrusted_only (verdict));
}

int
main (int   argc,
      char *argv[])
{
  char *data_home;
  int ret;

  data_home = test_tmp_dir_new ("idw-trust-home-XXXXXX");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/trust-store/add-list-remove", Fixture, NULL,
              fixture_set_up, test_add_list_remove, fixture_tear_down);
  g_test_add ("/trust-store/fingerprints", Fixture, NULL,
              fixture_set_up, test_fingerprints, fixture_tear_down);
  g_test_add ("/trust-store/damaged-and-copies", Fixture, NULL,
              fixture_set_up, test_damaged_and_copies, fixture_tear_down);
  g_test_add ("/trust-store/unreadable-folder", Fixture, NULL,
              fixture_set_up, test_unreadable_folder, fixture_tear_down);
  g_test_add_func ("/trust-store/default-directory", test_default_directory);
  g_test_add ("/trust-store/verifier-anchors", Fixture, NULL,
              fixture_set_up, test_verifier_anchors, fixture_tear_down);

  ret = g_test_run ();
  test_tmp_dir_free (data_home);

  return ret;
}
