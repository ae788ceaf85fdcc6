/* fuzz-credential.c: credential files (.idwcred, mdoc, bare IssuerSigned)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person imports. A credential that parses must answer what the
 * wallet view asks of it, save and load to the same bytes, and, when it
 * holds its device key, present every preset.
 */
#include "config.h"

#include "idw-credential.h"
#include "idw-doctype.h"
#include "idw-present.h"

#include "fuzz-common.h"

static GDateTime *now;

static void
check_items (IdwCredential *credential)
{
  g_auto(GStrv) name_spaces = idw_credential_list_namespaces (credential);
  g_auto(GStrv) paths = idw_credential_list_paths (credential);

  for (guint i = 0; name_spaces[i] != NULL; i++)
    {
      GPtrArray *items = idw_credential_get_items (credential, name_spaces[i]);

      fuzz_check_text (name_spaces[i]);
      for (guint j = 0; items != NULL && j < items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (items, j);
          g_autofree char *label = idw_element_get_label (name_spaces[i], item->element_identifier);
          g_autofree char *shown = idw_element_format_value (name_spaces[i], item->element_identifier,
                                                             item->element_value);

          fuzz_check_text (label);
          fuzz_check_text (shown);
          g_assert_true (idw_credential_has_element (credential, name_spaces[i],
                                                     item->element_identifier));
        }
    }

  for (guint i = 0; paths[i] != NULL; i++)
    fuzz_check_text (paths[i]);
}

static void
check_presenting (IdwCredential *credential)
{
  static const IdwPreset presets[] = {
    IDW_PRESET_FULL, IDW_PRESET_NAME_PHOTO, IDW_PRESET_AGE_OVER_18,
  };

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_auto(GStrv) paths = idw_credential_get_preset_paths (credential, presets[i]);
      g_autoptr(IdwEnvelope) envelope = NULL;
      g_autoptr(GError) error = NULL;

      if (paths[0] == NULL)
        continue;
      envelope = idw_present_envelope (credential, NULL, (const char * const *) paths, now, NULL,
                                       &error);
      fuzz_check_result (envelope, error);
    }
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
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwCredential) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GError) signature_error = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) saved_again = NULL;
  g_autofree char *holder = NULL;
  gboolean signature_ok;

  credential = idw_credential_new_from_bytes (input, &error);
  fuzz_check_result (credential, error);
  if (credential == NULL)
    return 0;

  fuzz_check_text (idw_credential_get_doctype (credential));
  fuzz_check_text (idw_credential_get_display_name (credential));
  holder = idw_credential_dup_holder_name (credential);
  if (holder != NULL)
    fuzz_check_text (holder);
  g_assert_nonnull (idw_credential_get_issuer_signed (credential));
  g_assert_nonnull (idw_credential_get_mso (credential));
  idw_credential_get_signed (credential);
  idw_credential_get_valid_from (credential);
  idw_credential_get_valid_until (credential);
  idw_credential_is_valid_at (credential, now);
  idw_credential_get_ds_certificate (credential);
  idw_credential_get_x5chain (credential);
  idw_credential_is_test_issuer (credential);
  g_assert_nonnull (idw_credential_get_device_key (credential));
  signature_ok = idw_credential_verify_issuer_signature (credential, &signature_error);
  fuzz_check_result (signature_ok ? credential : NULL, signature_error);

  check_items (credential);

  /* Saved without its private key, it loads to the same bytes. */
  saved = idw_credential_to_bytes (credential, FALSE);
  again = idw_credential_new_from_bytes (saved, &again_error);
  g_assert_no_error (again_error);
  saved_again = idw_credential_to_bytes (again, FALSE);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved),
                   g_bytes_get_data (saved_again, NULL), g_bytes_get_size (saved_again));

  if (idw_credential_get_private_key (credential) != NULL)
    check_presenting (credential);

  return 0;
}
