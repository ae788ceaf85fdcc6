/* status-list-test-util.h: the draft's Token Status List examples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * shared/vectors/status-list is read at run time, never copied into the
 * repository: next to the repository (G_TEST_SRCDIR/../../shared, or one
 * level up for a git worktree under a folder of its own), or
 * $IDW_STATUS_LIST_VECTORS. A test whose file is absent is skipped.
 */
#pragma once

#include <glib.h>
#include <string.h>

#define STATUS_LIST_VECTORS_ENV "IDW_STATUS_LIST_VECTORS"

static inline char *
status_vector_path (const char *name)
{
  const char *override = g_getenv (STATUS_LIST_VECTORS_ENV);
  g_autofree char *near = NULL;
  g_autofree char *far = NULL;

  if (override != NULL && *override != '\0')
    return g_build_filename (override, name, NULL);
  near = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "vectors", "status-list", name, NULL);
  if (g_file_test (near, G_FILE_TEST_EXISTS))
    return g_canonicalize_filename (near, NULL);
  far = g_test_build_filename (G_TEST_DIST, "..", "..", "..", "shared", "vectors", "status-list", name, NULL);
  return g_canonicalize_filename (far, NULL);
}

static inline GBytes *
status_vector_hex (const char *text)
{
  GByteArray *out = g_byte_array_new ();
  int high = -1;

  for (const char *p = text; *p != '\0'; p++)
    {
      int digit;

      if (g_ascii_isspace (*p))
        continue;
      digit = g_ascii_xdigit_value (*p);
      g_assert_cmpint (digit, >=, 0);
      if (high < 0)
        high = digit;
      else
        {
          guint8 b = (guint8) (high << 4 | digit);

          g_byte_array_append (out, &b, 1);
          high = -1;
        }
    }
  g_assert_cmpint (high, <, 0);
  return g_byte_array_free_to_bytes (out);
}

/* Loads @name: "byte_array = [0x.., …] encoded: HEX" or just HEX. Skips
 * the test and returns FALSE when the file is absent. */
static inline gboolean
status_vector_load (const char  *name,
                    GBytes     **out_byte_array,
                    GBytes     **out_encoded)
{
  g_autofree char *path = status_vector_path (name);
  g_autofree char *contents = NULL;
  const char *encoded;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent", path);

      g_test_skip (message);
      return FALSE;
    }
  encoded = strstr (contents, "encoded:");
  if (out_byte_array != NULL)
    {
      const char *open = strchr (contents, '[');
      const char *close = open != NULL ? strchr (open, ']') : NULL;
      GByteArray *bytes = g_byte_array_new ();
      g_auto(GStrv) parts = NULL;

      g_assert_nonnull (close);
      {
        g_autofree char *inner = g_strndup (open + 1, close - open - 1);

        parts = g_strsplit (inner, ",", -1);
      }
      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint8 b = (guint8) g_ascii_strtoull (g_strstrip (parts[i]), NULL, 16);

          g_byte_array_append (bytes, &b, 1);
        }
      *out_byte_array = g_byte_array_free_to_bytes (bytes);
    }
  *out_encoded = status_vector_hex (encoded != NULL ? encoded + strlen ("encoded:") : contents);
  return TRUE;
}
