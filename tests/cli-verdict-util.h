/* cli-verdict-util.h: presentations made with `id-wallet-cli present`,
 * and the verdict JSON of `id-wallet-cli verify --json` taken apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the test-cli*.c programs and test-bench.c, after cli-test-util.h.
 */
#pragma once

#include <string.h>

#include <json-glib/json-glib.h>

#include "cli-test-util.h"

static const char * const check_names[] = {
  "decode", "issuer_signature", "issuer_trusted", "mso",
  "validity", "digests", "device_signature", "status", "freshness",
};

/* ---- Presentations ---------------------------------------------------- */

static inline char *
present_text (const char *first_option,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  const char *arg;
  va_list ap;

  ensure_credential ();

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "present");
  g_ptr_array_add (args, credential);
  va_start (ap, first_option);
  for (arg = first_option; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "IDW1:"));
  g_assert_true (g_str_has_suffix (run->out, "\n"));

  return g_strstrip (g_steal_pointer (&run->out));
}

/* ---- The verdict JSON ------------------------------------------------- */

static inline JsonObject *
parse_verdict (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *object;

  /* Exactly one JSON object on one line. */
  g_assert_nonnull (json);
  g_assert_true (g_str_has_suffix (json, "}\n"));
  g_assert_true (strchr (json, '\n') == json + strlen (json) - 1);

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);

  g_assert_true (json_object_has_member (object, "valid"));
  g_assert_true (json_object_has_member (object, "checks"));
  g_assert_true (json_object_has_member (object, "docType"));
  g_assert_true (json_object_has_member (object, "issuer"));
  g_assert_true (json_object_has_member (object, "presentedAt"));
  g_assert_true (json_object_has_member (object, "disclosed"));

  return json_object_ref (object);
}

static inline const char *
check_status (JsonObject *verdict,
              const char *name)
{
  JsonArray *checks = json_object_get_array_member (verdict, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_strcmp0 (json_object_get_string_member (check, "name"), name) == 0)
        return json_object_get_string_member (check, "status");
    }

  g_assert_not_reached ();
}

static inline const char *
check_detail (JsonObject *verdict,
              const char *name)
{
  JsonArray *checks = json_object_get_array_member (verdict, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_strcmp0 (json_object_get_string_member (check, "name"), name) == 0)
        return json_object_get_string_member (check, "detail");
    }

  g_assert_not_reached ();
}

static inline void
assert_checks (JsonObject *verdict,
               const char *expected)
{
  /* @expected: one letter per check in order, p(assed), f(ailed),
   * n(ot applicable), ? (anything). */
  JsonArray *checks = json_object_get_array_member (verdict, "checks");

  g_assert_cmpuint (json_array_get_length (checks), ==, G_N_ELEMENTS (check_names));
  g_assert_cmpuint (strlen (expected), ==, G_N_ELEMENTS (check_names));

  for (guint i = 0; i < G_N_ELEMENTS (check_names); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);
      const char *status = json_object_get_string_member (check, "status");
      const char *detail = json_object_get_string_member (check, "detail");

      g_assert_cmpstr (json_object_get_string_member (check, "name"), ==, check_names[i]);
      g_assert_nonnull (detail);
      g_assert_cmpstr (detail, !=, "");

      switch (expected[i])
        {
        case 'p':
          g_assert_cmpstr (status, ==, "passed");
          break;
        case 'f':
          g_assert_cmpstr (status, ==, "failed");
          break;
        case 'n':
          g_assert_cmpstr (status, ==, "not_applicable");
          break;
        case 'u':
          g_assert_cmpstr (status, ==, "undetermined");
          break;
        default:
          g_assert_true (g_str_equal (status, "passed") || g_str_equal (status, "failed")
                         || g_str_equal (status, "not_applicable") || g_str_equal (status, "undetermined"));
        }
    }
}

static inline JsonObject *
disclosed_namespace (JsonObject *verdict,
                     const char *name_space)
{
  JsonObject *disclosed = json_object_get_object_member (verdict, "disclosed");

  g_assert_nonnull (disclosed);
  g_assert_true (json_object_has_member (disclosed, name_space));

  return json_object_get_object_member (disclosed, name_space);
}

static inline int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static inline void
assert_members (JsonObject *object,
                const char *expected_csv)
{
  g_auto(GStrv) members = NULL;
  g_auto(GStrv) expected = g_strsplit (expected_csv, ",", -1);
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  GList *list = json_object_get_members (object);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (GList *l = list; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  g_list_free (list);
  members = g_strv_builder_end (builder);

  qsort (members, g_strv_length (members), sizeof (char *), compare_strings);
  qsort (expected, g_strv_length (expected), sizeof (char *), compare_strings);
  got = g_strjoinv (",", members);
  want = g_strjoinv (",", expected);
  g_assert_cmpstr (got, ==, want);
}

static inline JsonObject *
verify_json (int         expected_status,
             const char *input,
             const char *first_arg,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(Run) run = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "verify");
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  run = run_argv (input, args);
  g_assert_cmpint (run->status, ==, expected_status);

  return parse_verdict (run->out);
}

/* ---- ISO 18013-5 Annex D ----------------------------------------------- */

/* tests/data/annexd/@name, hex, as a binary file in the test's folder. */
static inline char *
annexd_binary (const char *name)
{
  g_autofree char *hex_path = g_test_build_filename (G_TEST_DIST, "data", "annexd", name, NULL);
  g_autofree char *hex = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *out_name = g_strconcat (name, ".bin", NULL);
  gsize len;

  g_assert_true (g_file_get_contents (hex_path, &hex, &len, NULL));
  g_strstrip (hex);
  len = strlen (hex);
  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len; i += 2)
    {
      guint8 byte = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));

      g_byte_array_append (bytes, &byte, 1);
    }

  return write_tmp (out_name, (const char *) bytes->data, bytes->len);
}

