/* mdoc-test-util.h: shared helpers of the mdoc engine tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "idwallet.h"
#include "issuer-test-util.h"

static inline GBytes *
test_read_hex (const char *dir,
               const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  int hi = -1;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  for (const char *p = text; *p != '\0'; p++)
    {
      int v = g_ascii_xdigit_value (*p);

      if (v < 0)
        continue;
      if (hi < 0)
        hi = v;
      else
        {
          guint8 b = (guint8) (hi << 4 | v);

          g_byte_array_append (out, &b, 1);
          hi = -1;
        }
    }
  g_assert_cmpint (hi, ==, -1);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static inline GBytes *
test_read_file (const char *dir,
                const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static inline GDateTime *
test_date (const char *iso)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *dt = g_date_time_new_from_iso8601 (iso, utc);

  g_assert_nonnull (dt);
  return dt;
}

/* A small 1x1 JPEG-like blob stands in for a portrait; only bytes matter. */
static inline JsonObject *
test_person (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char json[] =
    "{\"org.iso.18013.5.1\": {"
    "  \"family_name\": \"Mustermann\","
    "  \"given_name\": \"Erika\","
    "  \"birth_date\": \"1990-05-17\","
    "  \"issue_date\": \"2024-01-02\","
    "  \"expiry_date\": \"2034-01-01\","
    "  \"issuing_country\": \"DE\","
    "  \"issuing_authority\": \"Stadt Köln\","
    "  \"document_number\": \"T22000129\","
    "  \"age_over_18\": true,"
    "  \"age_over_21\": true,"
    "  \"age_over_65\": false,"
    "  \"height\": 172,"
    "  \"sex\": 2,"
    "  \"portrait\": {\"base64\": \"/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==\"},"
    "  \"driving_privileges\": [{\"vehicle_category_code\": \"B\", \"issue_date\": \"2010-03-01\", \"expiry_date\": \"2034-01-01\"}]"
    "}}";

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static inline IdwCredential *
test_issue (TestIssuer            *issuer,
            IdwKey                *device_key,
            const IdwIssueOptions *options)
{
  g_autoptr(JsonObject) person = test_person ();
  g_autoptr(GError) error = NULL;
  IdwCredential *credential;

  credential = idw_issue_credential (person, NULL, device_key, issuer->ds_key, issuer->ds,
                                     options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credential);
  return credential;
}

static inline void
test_assert_only_failures (IdwVerdict *verdict,
                           ...)
{
  gboolean expected[IDW_N_CHECKS] = { FALSE };
  va_list args;
  int check;

  va_start (args, verdict);
  while ((check = va_arg (args, int)) >= 0)
    expected[check] = TRUE;
  va_end (args);

  for (guint i = 0; i < IDW_N_CHECKS; i++)
    {
      IdwCheckStatus status = idw_verdict_get_status (verdict, i);

      if (expected[i] != (status == IDW_CHECK_STATUS_FAILED))
        g_error ("check %s: %s (%s)", idw_check_to_string (i),
                 idw_check_status_to_string (status), idw_verdict_get_detail (verdict, i));
    }
}

/* Asserts every check's status, one letter per check in IdwCheck order:
 * 'p' passed, 'f' failed, 'n' not applicable. "ppppfppnn": only validity
 * failed, in a raw response (freshness not applicable). Also checks that
 * the verdict is valid exactly when nothing but a raw response's freshness
 * is missing, and that the first failure is the first 'f'. */
static inline void
test_assert_checks (IdwVerdict *verdict,
                    const char *statuses)
{
  IdwCheck first_failure = IDW_N_CHECKS;

  g_assert_cmpuint (strlen (statuses), ==, IDW_N_CHECKS);
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    {
      IdwCheckStatus status = idw_verdict_get_status (verdict, i);
      IdwCheckStatus expected = statuses[i] == 'p' ? IDW_CHECK_STATUS_PASSED
                                : statuses[i] == 'f' ? IDW_CHECK_STATUS_FAILED
                                : statuses[i] == 'u' ? IDW_CHECK_STATUS_UNDETERMINED
                                : IDW_CHECK_STATUS_NOT_APPLICABLE;

      g_assert_true (strchr ("pfnu", statuses[i]) != NULL);
      if (status != expected)
        g_error ("check %s: %s, expected %s (%s)", idw_check_to_string (i),
                 idw_check_status_to_string (status), idw_check_status_to_string (expected),
                 idw_verdict_get_detail (verdict, i));
      if (expected == IDW_CHECK_STATUS_FAILED && first_failure == IDW_N_CHECKS)
        first_failure = i;
    }
  g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, first_failure);
  if (first_failure != IDW_N_CHECKS)
    g_assert_false (idw_verdict_is_valid (verdict));
}

/* Asserts that @detail holds @words. */
static inline void
test_assert_detail (IdwVerdict *verdict,
                    IdwCheck    check,
                    const char *words)
{
  const char *detail = idw_verdict_get_detail (verdict, check);

  if (detail == NULL || strstr (detail, words) == NULL)
    g_error ("check %s: detail “%s” lacks “%s”", idw_check_to_string (check),
             detail != NULL ? detail : "(null)", words);
}

/* Asserts that @check, and only it, failed, saying @words; every other
 * check passed, but for the freshness of a raw response (no presentedAt)
 * and the status of a credential without a status list, which are not
 * applicable. */
static inline void
test_assert_failure (IdwVerdict *verdict,
                     IdwCheck    check,
                     const char *words)
{
  gboolean raw = idw_verdict_get_presented_at (verdict) == NULL;
  char statuses[IDW_N_CHECKS + 1];

  for (guint i = 0; i < IDW_N_CHECKS; i++)
    statuses[i] = i == check ? 'f'
                  : (i == IDW_CHECK_FRESHNESS && raw) || i == IDW_CHECK_REVOCATION ? 'n' : 'p';
  statuses[IDW_N_CHECKS] = '\0';
  test_assert_checks (verdict, statuses);
  test_assert_detail (verdict, check, words);
}

/* Asserts a valid verdict: every check passed (a raw response's freshness
 * is not applicable). */
static inline void
test_assert_valid (IdwVerdict *verdict)
{
  gboolean raw = idw_verdict_get_presented_at (verdict) == NULL;

  test_assert_checks (verdict, raw ? "pppppppnn" : "pppppppnp");
  g_assert_true (idw_verdict_is_valid (verdict));
}

/* @bytes with @delta zero bytes appended (@delta > 0) or its last -@delta
 * bytes cut off. */
static inline GBytes *
test_bytes_resize (GBytes *bytes,
                   gssize  delta)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize new_len = (gsize) ((gssize) len + delta);
  guint8 *copy = g_malloc0 (MAX (new_len, 1));

  g_assert_cmpint ((gssize) len + delta, >=, 0);
  memcpy (copy, data, MIN (len, new_len));
  return g_bytes_new_take (copy, new_len);
}

/* Replaces element @index of the CBOR array @array (in place). */
static inline void
test_array_replace (cbor_item_t *array,
                    gsize        index,
                    cbor_item_t *value_steal)
{
  cbor_item_t **handle;

  g_assert_true (cbor_isa_array (array));
  g_assert_cmpuint (index, <, cbor_array_size (array));
  handle = cbor_array_handle (array);
  cbor_decref (&handle[index]);
  handle[index] = value_steal;
}

/* Replaces the value under text @key in @map (in place). */
static inline void
test_map_replace (cbor_item_t *map,
                  const char  *key,
                  cbor_item_t *value_steal)
{
  struct cbor_pair *pairs = cbor_map_handle (map);

  for (gsize i = 0; i < cbor_map_size (map); i++)
    if (idw_cbor_string_equal (pairs[i].key, key))
      {
        cbor_decref (&pairs[i].value);
        pairs[i].value = value_steal;
        return;
      }
  g_error ("no key %s", key);
}

/* A COSE_Sign1 or COSE_Mac0 item, tagged or not: its array. */
static inline cbor_item_t *
test_cose_array (cbor_item_t *item)
{
  cbor_item_t *array = cbor_isa_tag (item) ? idw_cbor_untag (item, cbor_tag_value (item)) : item;

  g_assert_true (cbor_isa_array (array));
  g_assert_cmpuint (cbor_array_size (array), ==, 4);
  return array;
}

/* Element 3 (signature or tag) of the COSE structure @cose, resized by
 * @delta bytes (see test_bytes_resize()), in place. */
static inline void
test_cose_resize_tag (cbor_item_t *cose,
                      gssize       delta)
{
  cbor_item_t *array = test_cose_array (cose);
  g_autoptr(GBytes) old = idw_cbor_dup_bytes (cbor_array_handle (array)[3]);
  g_autoptr(GBytes) resized = test_bytes_resize (old, delta);

  test_array_replace (array, 3, idw_cbor_new_gbytes (resized));
}

/* A test issuer, a credential it issued for a fresh device key, and a
 * verifier that trusts the issuer: what most engine tests start from. */
typedef struct
{
  TestIssuer    *issuer;
  IdwKey        *device_key;
  IdwCredential *credential;
  IdwVerifier   *verifier;
} Fixture;

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->issuer = test_issuer_new ();
  f->device_key = idw_key_generate_ed25519 ();
  f->credential = test_issue (f->issuer, f->device_key, NULL);
  f->verifier = idw_verifier_new ();
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->iaca);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->issuer, test_issuer_free);
  g_clear_pointer (&f->device_key, idw_key_unref);
  g_clear_object (&f->credential);
  g_clear_object (&f->verifier);
}
