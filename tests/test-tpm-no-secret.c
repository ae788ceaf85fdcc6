/* test-tpm-no-secret.c: no private key bytes of a TPM-bound key outside
 * the TPM (issue 15)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TPM makes its keys inside itself (sensitiveDataOrigin), so the test
 * cannot know the private scalar it looks for. It looks for any: every
 * 32-byte window of everything the wallet keeps (every file under the
 * CLI's data folder and the test's folder, decrypted store records, every
 * secret of every keyring item, and the base64 decodings of all of these)
 * is taken as a P-256 scalar d, and d·G is compared with the public key.
 * A window that gives the public key is the private key, in whatever form
 * it was written.
 *
 * The search must be able to find one: a software P-256 key made the same
 * way (`request --device-alg ES256`) is in the same keyring, and the test
 * requires that the search finds its scalar (in its keyring item), and does
 * not find the TPM key's.
 */
#include "config.h"

#include <string.h>

#include <gmp.h>
#include <libsecret/secret.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <sodium.h>

#include "idwallet.h"
#include "idw-store-private.h"
#include "test-util.h"
#include "cli-test-util.h"
#include "tpm-test-util.h"

#define SCALAR_LEN 32

typedef struct
{
  const char *name;
  mpz_t       x;
  mpz_t       y;
  guint       found;       /* windows that gave this key */
  char       *found_in;    /* where, the first time */
} Target;

typedef struct
{
  Target            *targets;
  guint              n_targets;
  struct ecc_scalar  scalar;
  struct ecc_point   point;
  mpz_t              d, px, py;
  guint64            windows; /* scalars tried */
  guint              blobs;   /* places searched */
} Search;

static void
search_init (Search *search,
             Target *targets,
             guint   n_targets)
{
  const struct ecc_curve *curve = nettle_get_secp_256r1 ();

  memset (search, 0, sizeof *search);
  search->targets = targets;
  search->n_targets = n_targets;
  ecc_scalar_init (&search->scalar, curve);
  ecc_point_init (&search->point, curve);
  mpz_inits (search->d, search->px, search->py, NULL);
}

static void
search_clear (Search *search)
{
  ecc_scalar_clear (&search->scalar);
  ecc_point_clear (&search->point);
  mpz_clears (search->d, search->px, search->py, NULL);
}

/* Every 32-byte window of @data as a big-endian and as a little-endian
 * scalar. */
static void
search_bytes (Search       *search,
              const char   *where,
              const guint8 *data,
              gsize         len)
{
  search->blobs++;
  if (len < SCALAR_LEN)
    return;

  for (gsize i = 0; i + SCALAR_LEN <= len; i++)
    for (int order = 1; order >= -1; order -= 2)
      {
        mpz_import (search->d, SCALAR_LEN, order, 1, 0, 0, data + i);
        /* 0 < d < n, or it is no private key. */
        if (!ecc_scalar_set (&search->scalar, search->d))
          continue;
        search->windows++;
        ecc_point_mul_g (&search->point, &search->scalar);
        ecc_point_get (&search->point, search->px, search->py);
        for (guint t = 0; t < search->n_targets; t++)
          {
            Target *target = &search->targets[t];

            if (mpz_cmp (search->px, target->x) == 0 && mpz_cmp (search->py, target->y) == 0)
              {
                if (target->found++ == 0)
                  target->found_in = g_strdup_printf ("%s at byte %zu", where, i);
              }
          }
      }
}

/* @text's runs of base64 or base64url characters, decoded. */
static void
search_base64_runs (Search     *search,
                    const char *where,
                    const char *text,
                    gsize       len)
{
  gsize i = 0;

  while (i < len)
    {
      gsize start = i;

      while (i < len && (g_ascii_isalnum (text[i]) || strchr ("+/-_=", text[i]) != NULL)
             && text[i] != '\0')
        i++;
      /* 32 bytes are 43 characters at least. */
      if (i - start >= 43)
        {
          g_autofree char *run = g_strndup (text + start, i - start);
          g_autofree guchar *decoded = NULL;
          g_autofree char *label = g_strdup_printf ("%s (base64 at %zu)", where, start);
          gsize decoded_len = 0;

          g_strdelimit (run, "-", '+');
          g_strdelimit (run, "_", '/');
          decoded = g_base64_decode (run, &decoded_len);
          search_bytes (search, label, decoded, decoded_len);
        }
      i = MAX (i, start + 1);
    }
}

static void
search_blob (Search     *search,
             const char *where,
             GBytes     *blob)
{
  gsize len;
  const char *data = g_bytes_get_data (blob, &len);

  search_bytes (search, where, (const guint8 *) data, len);
  search_base64_runs (search, where, data, len);
}

/* Every regular file under @dir. */
static void
search_tree (Search     *search,
             const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        search_tree (search, path);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *contents = NULL;
          gsize len = 0;

          g_file_get_contents (path, &contents, &len, &error);
          g_assert_no_error (error);
          {
            g_autoptr(GBytes) blob = g_bytes_new_take (g_steal_pointer (&contents), len);

            search_blob (search, path, blob);
          }
        }
    }
}

/* The plaintext of every credential file of the store in @dir. */
static guint
search_store (Search     *search,
              const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwWalletKey) wallet_key = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_autoptr(GDir) handle = NULL;
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  handle = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *id = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) file = NULL;
      GBytes *plaintext;
      gsize len = 0;

      if (!g_str_has_suffix (name, IDW_STORE_FILE_SUFFIX))
        continue;
      id = g_strndup (name, strlen (name) - strlen (IDW_STORE_FILE_SUFFIX));
      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      file = g_bytes_new_take (g_steal_pointer (&contents), len);
      plaintext = _idw_store_record_decrypt (wallet_key, id, file, &error);
      g_assert_no_error (error);
      {
        g_autofree char *where = g_strdup_printf ("the decrypted store record %s", id);

        search_blob (search, where, plaintext);
      }
      _idw_store_wipe_bytes (plaintext);
      n++;
    }

  return n;
}

/* The secret of every item in every collection of the Secret Service. */
static guint
search_keyring (Search *search)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SecretService) service = NULL;
  GList *items;
  guint n = 0;

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  items = secret_service_search_sync (service, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK
                                      | SECRET_SEARCH_LOAD_SECRETS,
                                      NULL, &error);
  g_assert_no_error (error);
  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;
      g_autoptr(SecretValue) value = secret_item_get_secret (item);
      g_autofree char *label = secret_item_get_label (item);
      g_autofree char *where = g_strdup_printf ("the keyring item “%s”", label);
      g_autoptr(GBytes) blob = NULL;
      const char *data;
      gsize len = 0;

      if (value == NULL)
        continue;
      data = secret_value_get (value, &len);
      blob = g_bytes_new (data, len);
      search_blob (search, where, blob);
      n++;
    }
  g_list_free_full (items, g_object_unref);

  return n;
}

static void
target_init (Target     *target,
             const char *name,
             IdwKey     *key)
{
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  gsize len;
  const guint8 *point = g_bytes_get_data (public_bytes, &len);

  g_assert_cmpint (idw_key_get_curve (key), ==, IDW_CURVE_P256);
  g_assert_cmpuint (len, ==, 1 + 2 * SCALAR_LEN);
  g_assert_cmpuint (point[0], ==, 0x04);
  target->name = name;
  mpz_inits (target->x, target->y, NULL);
  mpz_import (target->x, SCALAR_LEN, 1, 1, 0, 0, point + 1);
  mpz_import (target->y, SCALAR_LEN, 1, 1, 0, 0, point + 1 + SCALAR_LEN);
}

static void
target_clear (Target *target)
{
  mpz_clears (target->x, target->y, NULL);
  g_free (target->found_in);
}

static IdwKey *
request_key (const char *request_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) request = idw_credential_request_new_from_file (request_file, NULL,
                                                                                 &error);

  g_assert_no_error (error);
  return idw_key_ref (idw_credential_request_get_device_key (request));
}

/* The search finds a scalar wherever it sits in a blob, in either byte
 * order and in base64: the search itself can fail. */
static void
test_search_finds (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_p256 ();
  guint8 d[SCALAR_LEN];
  g_autofree char *b64 = NULL;
  guint8 buffer[100];
  Target target = { 0 };
  Search search;

  g_assert_true (idw_key_export_ec_scalar (key, d, sizeof d));
  target_init (&target, "control", key);
  search_init (&search, &target, 1);

  randombytes_buf (buffer, sizeof buffer);
  search_bytes (&search, "noise", buffer, sizeof buffer);
  g_assert_cmpuint (target.found, ==, 0);

  memcpy (buffer + 37, d, sizeof d);
  search_bytes (&search, "raw", buffer, sizeof buffer);
  g_assert_cmpuint (target.found, ==, 1);

  for (gsize i = 0; i < SCALAR_LEN; i++)
    buffer[3 + i] = d[SCALAR_LEN - 1 - i];
  search_bytes (&search, "reversed", buffer, 3 + SCALAR_LEN);
  g_assert_cmpuint (target.found, ==, 2);

  b64 = g_base64_encode (d, sizeof d);
  {
    g_autofree char *text = g_strdup_printf ("{\"secret\":\"%s\"}", b64);

    search_base64_runs (&search, "base64", text, strlen (text));
  }
  g_assert_cmpuint (target.found, ==, 3);

  sodium_memzero (d, sizeof d);
  search_clear (&search);
  target_clear (&target);
}

static void
test_no_private_bytes (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *issuer = tmp_path ("issuer");
  g_autofree char *tpm_request = tmp_path ("request-tpm.cbor");
  g_autofree char *soft_request = tmp_path ("request-soft.cbor");
  g_autofree char *tpm_cred = tmp_path ("tpm.idwcred");
  g_autofree char *soft_cred = tmp_path ("soft.idwcred");
  g_autofree char *store_dir = NULL;
  g_autoptr(IdwKey) tpm_key = NULL;
  g_autoptr(IdwKey) soft_key = NULL;
  Target targets[2] = { { 0 } };
  Search search;
  SwTpm tpm = { 0 };
  guint n_records, n_items;

  if (!idw_tpm_is_supported () || !swtpm_available ())
    {
      g_test_skip (idw_tpm_is_supported () ? "swtpm is not installed (Debian: swtpm)"
                                           : "built without TPM support");
      return;
    }

  swtpm_start (&tpm);
  g_setenv ("IDW_TPM_TCTI", tpm.tcti, TRUE);

  {
    g_autoptr(Run) init = run_cli (NULL, "issuer", "init", "--out", issuer, "--name", "No Secret Republic",
                                   "--country", "zz", "--test", NULL);
    g_autoptr(Run) hard = run_cli (NULL, "request", "--hardware", "--out", tpm_request,
                                   "--name", "TPM key", NULL);
    g_autoptr(Run) soft = run_cli (NULL, "request", "--device-alg", "ES256", "--out", soft_request,
                                   "--name", "Software key", NULL);

    g_assert_cmpint (init->status, ==, 0);
    g_assert_cmpint (hard->status, ==, 0);
    g_assert_cmpint (soft->status, ==, 0);
  }
  tpm_key = request_key (tpm_request);
  soft_key = request_key (soft_request);

  /* Both through the whole holder flow: issued, imported, presented. */
  for (int i = 0; i < 2; i++)
    {
      const char *request = i == 0 ? tpm_request : soft_request;
      const char *cred = i == 0 ? tpm_cred : soft_cred;
      g_autoptr(Run) issue = run_cli (NULL, "issue", "--issuer", issuer, "--data", person,
                                      "--request", request, "--out", cred, NULL);
      g_autoptr(Run) import = NULL;
      g_autoptr(Run) present = NULL;
      g_autofree char *id = NULL;

      g_assert_cmpint (issue->status, ==, 0);
      import = run_cli (NULL, "import", cred, NULL);
      g_assert_cmpint (import->status, ==, 0);
      id = g_strstrip (g_strdup (import->out));
      present = run_cli (NULL, "present", id, NULL);
      g_assert_cmpint (present->status, ==, 0);
      g_assert_true (g_str_has_prefix (present->out, "IDW1:"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwKey) in_tpm = idw_keystore_find_private_key_sync (tpm_key, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (idw_key_is_hardware (in_tpm));
  }

  target_init (&targets[0], "the TPM-bound key", tpm_key);
  target_init (&targets[1], "the software key", soft_key);
  search_init (&search, targets, G_N_ELEMENTS (targets));

  /* The test's folder holds the CLI's data folder (credentials, trust,
   * requests), the requests and the credential files. The swtpm's state
   * (the TPM itself) is elsewhere. */
  g_assert_false (g_str_has_prefix (tpm.state_dir, tmp_dir));
  search_tree (&search, tmp_dir);
  store_dir = g_build_filename (data_home, "id-wallet", "credentials", NULL);
  n_records = search_store (&search, store_dir);
  n_items = search_keyring (&search);
  g_test_message ("searched %u places, %" G_GUINT64_FORMAT " scalars: %u store records, %u keyring items",
                  search.blobs, search.windows, n_records, n_items);

  g_assert_cmpuint (n_records, ==, 2);
  g_assert_cmpuint (n_items, >=, 3); /* the wallet key and both device keys */
  g_assert_cmpuint (search.windows, >, 10000);

  /* The control: the software key's scalar is in its keyring item. */
  g_assert_cmpuint (targets[1].found, >, 0);
  g_assert_nonnull (strstr (targets[1].found_in, "keyring item"));
  /* The TPM key's is nowhere. */
  if (targets[0].found > 0)
    g_error ("the private key of %s is in %s", targets[0].name, targets[0].found_in);

  search_clear (&search);
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    target_clear (&targets[t]);
  swtpm_stop (&tpm);
  g_unsetenv ("IDW_TPM_TCTI");
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (sodium_init () < 0)
    g_error ("libsodium cannot start");
  idw_tpm_quiet_library_log ();
  cli_test_init (&argc, &argv, "test-tpm-no-secret-XXXXXX");

  g_test_add_func ("/tpm-no-secret/search-finds", test_search_finds);
  g_test_add_func ("/tpm-no-secret/no-private-bytes", test_no_private_bytes);

  status = cli_test_finish (g_test_run ());

  return status;
}
