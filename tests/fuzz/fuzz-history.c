/* fuzz-history.c: the holder's history: one entry's CBOR (what a backup
 * carries) and a decrypted history file's CBOR sequence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history file is authenticated encryption under the wallet key, so
 * the harness fuzzes what is inside: a backup's entries come from outside
 * the wallet, and a file could have been sealed by an older or buggier
 * writer.
 *
 * Input: one mode byte, then
 *   mode & 1: a history file's plaintext (a header map, then entries),
 *             through _idw_history_parse_plaintext();
 *   otherwise one HistoryEntry map, through idw_history_entry_from_cbor().
 * Every entry read must encode back to CBOR that reads as the same entry,
 * and write JSON.
 */
#include "config.h"

#include "idw-history.h"
#include "idw-history-private.h"

#include "fuzz-common.h"

static void
check_entry (IdwHistoryEntry *entry)
{
  g_autoptr(GBytes) cbor = idw_history_entry_to_cbor (entry);
  g_autoptr(IdwHistoryEntry) again = NULL;
  g_autoptr(GBytes) cbor_again = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *elements;

  fuzz_check_text (idw_history_entry_get_id (entry));
  fuzz_check_text (idw_history_entry_get_credential_id (entry));
  fuzz_check_text (idw_history_entry_get_credential_name (entry));
  fuzz_check_text (idw_history_entry_get_doctype (entry));
  if (idw_history_entry_get_verifier (entry) != NULL)
    fuzz_check_text (idw_history_entry_get_verifier (entry));
  elements = idw_history_entry_get_elements (entry);
  g_assert_cmpuint (g_strv_length ((GStrv) elements), <=, IDW_HISTORY_MAX_ELEMENTS);
  for (guint i = 0; elements[i] != NULL; i++)
    fuzz_check_text (elements[i]);

  again = idw_history_entry_from_cbor (cbor, &error);
  g_assert_no_error (error);
  cbor_again = idw_history_entry_to_cbor (again);
  g_assert_true (g_bytes_equal (cbor, cbor_again));
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
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *json = NULL;

  if (size < 1)
    return 0;
  payload = g_bytes_new (data + 1, size - 1);

  if (data[0] & 1)
    {
      entries = _idw_history_parse_plaintext (payload, &error);
      fuzz_check_result (entries, error);
    }
  else
    {
      IdwHistoryEntry *entry = idw_history_entry_from_cbor (payload, &error);

      fuzz_check_result (entry, error);
      entries = g_ptr_array_new_with_free_func (g_object_unref);
      if (entry != NULL)
        g_ptr_array_add (entries, entry);
    }
  if (entries == NULL)
    return 0;

  for (guint i = 0; i < entries->len; i++)
    check_entry (g_ptr_array_index (entries, i));
  json = idw_history_to_json (entries);
  fuzz_check_text (json);
  return 0;
}
