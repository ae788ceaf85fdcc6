/* fuzz-requests.c: the remote verification request (IDWR1) and the
 * credential request (IDWC1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is read as IDWR1 text, as a credential request file or paste
 * (idw_credential_request_parse_data() tells text from CBOR), and, when it
 * starts like a CBOR map, as the CBOR inside an IDWR1 text. What parses
 * must answer its getters and travel as text again.
 */
#include "config.h"

#include "idw-credential-request.h"
#include "idw-present.h"
#include "idw-transport.h"

#include "fuzz-common.h"

static GDateTime *now;

static void
check_remote_request (IdwRemoteRequest *request)
{
  g_autoptr(IdwRemoteRequest) again = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) again_paths = NULL;
  g_autofree char *text = NULL;
  const char *doctype;

  g_assert_cmpuint (g_bytes_get_size (request->nonce), >=, IDW_REQUEST_NONCE_LENGTH);
  if (request->verifier != NULL)
    fuzz_check_text (request->verifier);

  /* What the respond dialog shows. */
  doctype = idw_remote_request_get_doctype (request);
  fuzz_check_text (doctype);
  fuzz_check_text (idw_doctype_get_display_name (doctype));
  paths = idw_remote_request_get_paths (request);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *name_space = NULL;
      g_autofree char *element = NULL;

      fuzz_check_text (paths[i]);
      if (idw_element_path_split (paths[i], &name_space, &element))
        {
          g_autofree char *label = idw_element_get_label (name_space, element);

          fuzz_check_text (label);
        }
    }

  text = idw_remote_request_to_text (request);
  again = idw_remote_request_parse (text, &error);
  if (again == NULL)
    {
      /* Ours may compress worse than the sender's did. */
      g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
      return;
    }
  g_assert_cmpstr (idw_remote_request_get_doctype (again), ==, doctype);
  again_paths = idw_remote_request_get_paths (again);
  g_assert_true (g_strv_equal ((const char * const *) paths, (const char * const *) again_paths));
}

static void
check_credential_request (IdwCredentialRequest *request)
{
  g_autoptr(IdwCredentialRequest) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  IdwKey *key;

  key = idw_credential_request_get_device_key (request);
  g_assert_nonnull (key);
  g_assert_false (idw_key_has_private (key));
  g_assert_nonnull (idw_credential_request_get_created (request));

  bytes = idw_credential_request_to_bytes (request);
  g_assert_nonnull (bytes);
  text = idw_credential_request_to_text (request);
  again = idw_credential_request_parse_text (text, now, &error);
  if (again == NULL)
    {
      g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
      return;
    }
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (again), key));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init (argv);
  now = fuzz_now ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(IdwRemoteRequest) remote = NULL;
  g_autoptr(IdwCredentialRequest) credential = NULL;
  g_autoptr(GError) remote_error = NULL;
  g_autoptr(GError) credential_error = NULL;

  remote = idw_remote_request_parse (text, &remote_error);
  fuzz_check_result (remote, remote_error);
  if (remote != NULL)
    check_remote_request (remote);

  credential = idw_credential_request_parse_data (input, now, &credential_error);
  fuzz_check_result (credential, credential_error);
  if (credential != NULL)
    check_credential_request (credential);

  /* The IDWR1 CBOR itself, which mutations of the text rarely reach. */
  if (size > 0 && data[0] >= 0xa0 && data[0] <= 0xbf)
    {
      g_autofree char *wrapped = idw_transport_wrap (IDW_PREFIX_REQUEST, input);
      g_autoptr(IdwRemoteRequest) from_cbor = NULL;
      g_autoptr(GError) error = NULL;

      from_cbor = idw_remote_request_parse (wrapped, &error);
      fuzz_check_result (from_cbor, error);
      if (from_cbor != NULL)
        check_remote_request (from_cbor);
    }

  return 0;
}
