/* mdoc-test-util.h: shared helpers of the mdoc engine tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "idwallet.h"

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

/* An issuer made fresh for a test: IACA root and DS, their keys parsed. */
typedef struct
{
  IdwIssuerFiles *files;
  IdwCertificate *iaca;
  IdwCertificate *ds;
  IdwKey         *ds_key;
} TestIssuer;

static inline void
test_issuer_free (TestIssuer *issuer)
{
  g_clear_pointer (&issuer->files, idw_issuer_files_free);
  g_clear_pointer (&issuer->iaca, idw_certificate_unref);
  g_clear_pointer (&issuer->ds, idw_certificate_unref);
  g_clear_pointer (&issuer->ds_key, idw_key_unref);
  g_free (issuer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestIssuer, test_issuer_free)

static inline TestIssuer *
test_issuer_new_at (const char *name,
                    GDateTime  *not_before)
{
  TestIssuer *issuer = g_new0 (TestIssuer, 1);
  g_autoptr(GError) error = NULL;

  issuer->files = idw_x509_create_issuer (name, "UT", TRUE, not_before, &error);
  g_assert_no_error (error);
  issuer->iaca = idw_certificate_new_from_data ((const guint8 *) issuer->files->iaca_pem,
                                                strlen (issuer->files->iaca_pem), &error);
  g_assert_no_error (error);
  issuer->ds = idw_certificate_new_from_data ((const guint8 *) issuer->files->ds_pem,
                                              strlen (issuer->files->ds_pem), &error);
  g_assert_no_error (error);
  issuer->ds_key = idw_key_new_from_pem (issuer->files->ds_key_pem,
                                         strlen (issuer->files->ds_key_pem), &error);
  g_assert_no_error (error);
  return issuer;
}

static inline TestIssuer *
test_issuer_new (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);

  return test_issuer_new_at ("Utopia", yesterday);
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
