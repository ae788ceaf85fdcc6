/* idw-vical.c: reading and verifying a VICAL (ISO/IEC 18013-5 Annex C)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In this order, each step bounded before the next looks at the bytes:
 * the size; the CBOR (the engine's decoder: nesting, entries per
 * container, duplicate keys, truncation, trailing bytes); the COSE_Sign1
 * and its x5chain; the signature, with the signer's key; the signer's
 * path to an anchor the caller trusts (idw_x509_validate_vical_signer());
 * and only then the payload, field by field, every certificate an X.509
 * CA certificate listed once.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-error.h"
#include "idw-vical.h"
#include "idw-x509.h"

/* Clocks differ; a list dated a little ahead of ours is not from the
 * future. */
#define DATE_TOLERANCE_SECONDS (5 * 60)

/* A provider name becomes a folder name and a line of text. */
#define MAX_PROVIDER_LENGTH 256

struct _IdwVical
{
  GObject          parent_instance;

  char            *version;
  char            *provider;
  GDateTime       *date;
  gboolean         has_issue_id;
  guint64          issue_id;
  GDateTime       *next_update;
  GPtrArray       *entries;      /* IdwVicalEntry* */
  IdwCertificate  *signer;
  IdwCertificate  *anchor;
  IdwTrustOrigin  *origin;
};

G_DEFINE_FINAL_TYPE (IdwVical, idw_vical, G_TYPE_OBJECT)

static void
vical_entry_free (IdwVicalEntry *entry)
{
  g_clear_pointer (&entry->certificate, idw_certificate_unref);
  g_clear_pointer (&entry->serial_number, g_bytes_unref);
  g_clear_pointer (&entry->ski, g_bytes_unref);
  g_strfreev (entry->doc_types);
  g_strfreev (entry->certificate_profiles);
  g_free (entry->issuing_authority);
  g_free (entry->issuing_country);
  g_free (entry->state_or_province_name);
  g_clear_pointer (&entry->issuer, g_bytes_unref);
  g_clear_pointer (&entry->subject, g_bytes_unref);
  g_clear_pointer (&entry->not_before, g_date_time_unref);
  g_clear_pointer (&entry->not_after, g_date_time_unref);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwVicalEntry, vical_entry_free)

static void
idw_vical_finalize (GObject *object)
{
  IdwVical *self = IDW_VICAL (object);

  g_free (self->version);
  g_free (self->provider);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->next_update, g_date_time_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->signer, idw_certificate_unref);
  g_clear_pointer (&self->anchor, idw_certificate_unref);
  g_clear_pointer (&self->origin, idw_trust_origin_unref);

  G_OBJECT_CLASS (idw_vical_parent_class)->finalize (object);
}

static void
idw_vical_class_init (IdwVicalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_vical_finalize;
}

static void
idw_vical_init (IdwVical *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vical_entry_free);
}

/* ---- The signed envelope ---------------------------------------------- */

/* "VICAL: <what the engine said>", keeping the code. */
static void
propagate_prefixed (GError     **error,
                    GError      *local_error,
                    const char  *context)
{
  g_set_error (error, local_error->domain, local_error->code,
               "%s: %s", context, local_error->message);
  g_error_free (local_error);
}

/* The decoded payload of a verified VICAL; notes who signed it. */
static cbor_item_t *
verify_envelope (IdwVical      *self,
                 GBytes        *data,
                 GPtrArray     *anchors,
                 GPtrArray     *intermediates,
                 GError       **error)
{
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(cbor_item_t) payload_item = NULL;
  g_autoptr(IdwTrustPath) path = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) date = NULL;
  cbor_item_t *date_item;

  item = idw_cbor_decode_bytes (data, &local_error);
  if (item == NULL)
    {
      propagate_prefixed (error, g_steal_pointer (&local_error), "VICAL");
      return NULL;
    }

  sign1 = idw_cose_sign1_parse (item, &local_error);
  if (sign1 == NULL)
    {
      propagate_prefixed (error, g_steal_pointer (&local_error), "VICAL");
      return NULL;
    }

  if (sign1->payload == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("VICAL: the list is missing (the COSE_Sign1 payload is detached)"));
      return NULL;
    }

  chain = idw_x5chain_parse (idw_cose_sign1_get_header (sign1, IDW_COSE_HEADER_X5CHAIN),
                             &local_error);
  if (chain == NULL)
    {
      propagate_prefixed (error, g_steal_pointer (&local_error), "VICAL");
      return NULL;
    }

  key = idw_certificate_get_public_key (g_ptr_array_index (chain, 0), error);
  if (key == NULL)
    return NULL;

  if (!idw_cose_sign1_verify (sign1, key, NULL, &local_error))
    {
      if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE))
        g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                     _("The signature of the VICAL is not valid: the list was changed after it was signed, or not signed by the certificate it names."));
      else
        propagate_prefixed (error, g_steal_pointer (&local_error), "VICAL");
      return NULL;
    }

  /* The signer's path is checked at the list's date, which the signature
   * covers: read it before the rest of the payload. */
  payload_item = idw_cbor_decode_bytes (sign1->payload, &local_error);
  if (payload_item == NULL)
    {
      propagate_prefixed (error, g_steal_pointer (&local_error), "VICAL");
      return NULL;
    }
  if (!cbor_isa_map (payload_item))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("VICAL: expected a map"));
      return NULL;
    }
  date_item = idw_cbor_map_get (payload_item, "date");
  if (date_item == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("%s: missing %s"), "VICAL", "date");
      return NULL;
    }
  date = idw_cbor_get_tdate (date_item, "VICAL: date", error);
  if (date == NULL)
    return NULL;

  if (!idw_x509_validate_vical_signer (chain, intermediates, anchors, date, &path, &local_error))
    {
      if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_UNTRUSTED))
        g_set_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
                     /* Translators: %s says why, e.g. "No trusted issuer
                      * certificate matches “CN=…”." */
                     _("The VICAL’s signer does not chain to the trusted certificates given: %s"),
                     local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self->signer = idw_certificate_ref (g_ptr_array_index (chain, 0));
  self->anchor = idw_certificate_ref (path->anchor);
  return g_steal_pointer (&payload_item);
}

/* ---- The list ---------------------------------------------------------- */

static gboolean
optional_text (cbor_item_t  *map,
               const char   *key,
               const char   *context,
               char        **out,
               GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get (map, key);

  if (value == NULL)
    return TRUE;

  *out = idw_cbor_dup_string (value);
  if (*out == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: %s: expected a text string"), context, key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
optional_bytes (cbor_item_t  *map,
                const char   *key,
                const char   *context,
                GBytes      **out,
                GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get (map, key);

  if (value == NULL)
    return TRUE;

  *out = cbor_isa_bytestring (value) ? idw_cbor_dup_bytes (value) : NULL;
  if (*out == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: %s: expected a byte string"), context, key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
optional_tdate (cbor_item_t  *map,
                const char   *key,
                const char   *context,
                GDateTime   **out,
                GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get (map, key);
  g_autofree char *field = NULL;

  if (value == NULL)
    return TRUE;

  field = g_strdup_printf ("%s: %s", context, key);
  *out = idw_cbor_get_tdate (value, field, error);
  return *out != NULL;
}

/* An array of one or more text strings. */
static char **
text_array (cbor_item_t  *value,
            const char   *context,
            const char   *key,
            GError      **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  cbor_item_t **items;
  gsize n;

  if (!cbor_isa_array (value) || cbor_array_size (value) == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: %s: expected a non-empty array of text strings"), context, key);
      return NULL;
    }

  items = cbor_array_handle (value);
  n = cbor_array_size (value);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *text = idw_cbor_dup_string (items[i]);

      if (text == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                       _("%s: %s: expected a non-empty array of text strings"), context, key);
          return NULL;
        }
      g_strv_builder_add (builder, text);
    }

  return g_strv_builder_end (builder);
}

/* biguint: an unsigned integer, or tag 2 around its big-endian bytes. */
static GBytes *
read_biguint (cbor_item_t  *value,
              const char   *context,
              GError      **error)
{
  cbor_item_t *bignum = idw_cbor_untag (value, 2);
  guint64 small;

  if (bignum != NULL && cbor_isa_bytestring (bignum))
    return idw_cbor_dup_bytes (bignum);

  if (idw_cbor_get_uint (value, &small))
    {
      guint8 bytes[8];
      guint start = 0;

      for (guint i = 0; i < 8; i++)
        bytes[i] = (guint8) (small >> (56 - 8 * i));
      while (start < 7 && bytes[start] == 0)
        start++;
      return g_bytes_new (bytes + start, 8 - start);
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
               _("%s: serialNumber: expected an unsigned integer or a bignum"), context);
  return NULL;
}

static IdwVicalEntry *
parse_entry (cbor_item_t  *item,
             const char   *context,
             GError      **error)
{
  g_autoptr(IdwVicalEntry) entry = g_new0 (IdwVicalEntry, 1);
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *value;
  const guint8 *der;
  gsize der_len;

  if (!cbor_isa_map (item))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: expected a map"), context);
      return NULL;
    }

  value = idw_cbor_require (item, "certificate", CBOR_TYPE_BYTESTRING, context, error);
  if (value == NULL)
    return NULL;
  {
    g_autoptr(GBytes) bytes = idw_cbor_dup_bytes (value);

    der = g_bytes_get_data (bytes, &der_len);
    entry->certificate = idw_certificate_new_from_der (der, der_len, &local_error);
  }
  if (entry->certificate == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("%s: certificate: %s"), context, local_error->message);
      return NULL;
    }
  if (!idw_certificate_is_ca (entry->certificate))
    {
      g_autofree char *subject = idw_certificate_get_subject (entry->certificate);

      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("%s: the certificate “%s” is not a certificate authority (CA) certificate, so it cannot be an issuing authority."),
                   context, subject);
      return NULL;
    }

  value = idw_cbor_map_get (item, "serialNumber");
  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("%s: missing %s"), context, "serialNumber");
      return NULL;
    }
  entry->serial_number = read_biguint (value, context, error);
  if (entry->serial_number == NULL)
    return NULL;

  value = idw_cbor_require (item, "ski", CBOR_TYPE_BYTESTRING, context, error);
  if (value == NULL)
    return NULL;
  entry->ski = idw_cbor_dup_bytes (value);

  value = idw_cbor_map_get (item, "docType");
  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("%s: missing %s"), context, "docType");
      return NULL;
    }
  entry->doc_types = text_array (value, context, "docType", error);
  if (entry->doc_types == NULL)
    return NULL;

  value = idw_cbor_map_get (item, "certificateProfile");
  if (value != NULL)
    {
      entry->certificate_profiles = text_array (value, context, "certificateProfile", error);
      if (entry->certificate_profiles == NULL)
        return NULL;
    }

  if (!optional_text (item, "issuingAuthority", context, &entry->issuing_authority, error)
      || !optional_text (item, "issuingCountry", context, &entry->issuing_country, error)
      || !optional_text (item, "stateOrProvinceName", context, &entry->state_or_province_name, error)
      || !optional_bytes (item, "issuer", context, &entry->issuer, error)
      || !optional_bytes (item, "subject", context, &entry->subject, error)
      || !optional_tdate (item, "notBefore", context, &entry->not_before, error)
      || !optional_tdate (item, "notAfter", context, &entry->not_after, error))
    return NULL;

  value = idw_cbor_map_get (item, "extensions");
  if (value != NULL && !cbor_isa_map (value))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: %s: expected a map"), context, "extensions");
      return NULL;
    }

  return g_steal_pointer (&entry);
}

/* @item is the payload, a map. */
static gboolean
parse_payload (IdwVical     *self,
               cbor_item_t  *item,
               GDateTime    *now,
               GError      **error)
{
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GDateTime) latest = NULL;
  cbor_item_t *value;
  cbor_item_t *infos;
  cbor_item_t **items;
  gsize n;

  value = idw_cbor_require (item, "version", CBOR_TYPE_STRING, "VICAL", error);
  if (value == NULL)
    return FALSE;
  self->version = idw_cbor_dup_string (value);
  if (self->version == NULL
      || !(g_str_equal (self->version, "1") || g_str_has_prefix (self->version, "1.")))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("VICAL: version “%s” is not supported; only version 1 is"),
                   self->version != NULL ? self->version : "?");
      return FALSE;
    }

  value = idw_cbor_require (item, "vicalProvider", CBOR_TYPE_STRING, "VICAL", error);
  if (value == NULL)
    return FALSE;
  self->provider = idw_cbor_dup_string (value);
  if (self->provider == NULL || self->provider[0] == '\0')
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("VICAL: vicalProvider: the provider has no name"));
      return FALSE;
    }
  if (strlen (self->provider) > MAX_PROVIDER_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("VICAL: vicalProvider: longer than %d bytes"), MAX_PROVIDER_LENGTH);
      return FALSE;
    }

  value = idw_cbor_map_get (item, "date");
  self->date = idw_cbor_get_tdate (value, "VICAL: date", error);
  if (self->date == NULL)
    return FALSE;

  value = idw_cbor_map_get (item, "vicalIssueID");
  if (value != NULL)
    {
      if (!idw_cbor_get_uint (value, &self->issue_id))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                       _("VICAL: vicalIssueID: expected an unsigned integer"));
          return FALSE;
        }
      self->has_issue_id = TRUE;
    }

  if (!optional_tdate (item, "nextUpdate", "VICAL", &self->next_update, error))
    return FALSE;
  if (self->next_update != NULL && g_date_time_compare (self->next_update, self->date) < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("VICAL: nextUpdate is before the list's date"));
      return FALSE;
    }

  /* A list from the future would stand in for every real list until its
   * date, as an older list is refused. */
  latest = g_date_time_add_seconds (now, DATE_TOLERANCE_SECONDS);
  if (g_date_time_compare (self->date, latest) > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (self->date);
      g_autofree char *when = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");

      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                   _("The VICAL is dated %s, in the future; check the computer’s clock."), when);
      return FALSE;
    }

  value = idw_cbor_map_get (item, "extensions");
  if (value != NULL && !cbor_isa_map (value))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: %s: expected a map"), "VICAL", "extensions");
      return FALSE;
    }

  infos = idw_cbor_require (item, "certificateInfos", CBOR_TYPE_ARRAY, "VICAL", error);
  if (infos == NULL)
    return FALSE;

  n = cbor_array_size (infos);
  if (n > IDW_MAX_VICAL_ENTRIES)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("VICAL: certificateInfos: %zu certificates, more than the %d allowed"),
                   n, IDW_MAX_VICAL_ENTRIES);
      return FALSE;
    }

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  items = cbor_array_handle (infos);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *context = g_strdup_printf ("VICAL certificateInfos[%" G_GSIZE_FORMAT "]", i);
      IdwVicalEntry *entry = parse_entry (items[i], context, error);
      g_autofree char *fingerprint = NULL;
      gpointer first;

      if (entry == NULL)
        return FALSE;
      g_ptr_array_add (self->entries, entry);

      fingerprint = idw_certificate_get_fingerprint (entry->certificate);
      if (g_hash_table_lookup_extended (seen, fingerprint, NULL, &first))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                       _("%s: the same certificate as certificateInfos[%u]"),
                       context, GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (seen, g_steal_pointer (&fingerprint), GUINT_TO_POINTER ((guint) i));
    }

  return TRUE;
}

/**
 * idw_vical_new_from_bytes:
 * @data: the VICAL file's contents
 * @anchors: (element-type IdwCertificate): the certificates the user
 *   trusts to vouch for the list (a root, or an intermediate, or the
 *   signer itself)
 * @intermediates: (element-type IdwCertificate) (nullable): CA
 *   certificates that may complete the signer's path where its x5chain
 *   does not (not trusted by themselves)
 * @now: (nullable): the time to check the list's date against; %NULL for
 *   the clock
 * @error: return location for a #GError
 *
 * Reads and verifies a VICAL: at most %IDW_MAX_VICAL_SIZE bytes of CBOR,
 * a COSE_Sign1 (tag 18 or untagged; ES256, ES384, ES512 or EdDSA) whose
 * x5chain (protected or unprotected) starts with the signer; the
 * signature verifies with the signer's key; the signer chains to one of
 * @anchors under idw_x509_validate_vical_signer() at the list's date; the
 * payload is a VICAL map of version 1 dated no later than @now, with at
 * most %IDW_MAX_VICAL_ENTRIES certificateInfos, each certificate a DER
 * X.509 CA certificate listed once. Unknown keys are ignored.
 *
 * Returns: (transfer full): the verified list, or %NULL with
 *   %IDW_ERROR_LIMIT (too large, too many entries, too deep),
 *   %IDW_ERROR_MALFORMED (not CBOR, truncated, trailing bytes, not a
 *   COSE_Sign1), %IDW_ERROR_DUPLICATE (a map key or a certificate twice),
 *   %IDW_ERROR_WRONG_TYPE, %IDW_ERROR_MISSING_FIELD,
 *   %IDW_ERROR_UNSUPPORTED (algorithm, key, version),
 *   %IDW_ERROR_BAD_SIGNATURE (the list was changed),
 *   %IDW_ERROR_BAD_CERTIFICATE (an entry that is no CA certificate, a
 *   signer or issuer outside the profile), %IDW_ERROR_UNTRUSTED (no path
 *   to @anchors), %IDW_ERROR_EXPIRED or %IDW_ERROR_NOT_YET_VALID (a
 *   certificate at the list's date, a list dated in the future)
 */
IdwVical *
idw_vical_new_from_bytes (GBytes     *data,
                          GPtrArray  *anchors,
                          GPtrArray  *intermediates,
                          GDateTime  *now,
                          GError    **error)
{
  g_autoptr(IdwVical) self = NULL;
  g_autoptr(cbor_item_t) payload = NULL;
  g_autoptr(GDateTime) clock = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (anchors != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (data) > IDW_MAX_VICAL_SIZE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The VICAL is %zu bytes long, more than the %d MiB allowed."),
                   g_bytes_get_size (data), IDW_MAX_VICAL_SIZE / (1024 * 1024));
      return NULL;
    }

  if (anchors->len == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
                   _("No certificate was given to trust the VICAL’s signer with."));
      return NULL;
    }

  if (now == NULL)
    now = clock = g_date_time_new_now_utc ();

  self = g_object_new (IDW_TYPE_VICAL, NULL);

  payload = verify_envelope (self, data, anchors, intermediates, error);
  if (payload == NULL)
    return NULL;

  if (!parse_payload (self, payload, now, error))
    return NULL;

  self->origin = idw_trust_origin_new (self->provider, self->date, self->has_issue_id,
                                       self->issue_id, self->next_update);

  return g_steal_pointer (&self);
}

const char *
idw_vical_get_version (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->version;
}

const char *
idw_vical_get_provider (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->provider;
}

GDateTime *
idw_vical_get_date (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->date;
}

gboolean
idw_vical_get_issue_id (IdwVical *self,
                        guint64  *out_issue_id)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), FALSE);

  if (out_issue_id != NULL)
    *out_issue_id = self->issue_id;

  return self->has_issue_id;
}

GDateTime *
idw_vical_get_next_update (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->next_update;
}

GPtrArray *
idw_vical_get_entries (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->entries;
}

IdwCertificate *
idw_vical_get_signer (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->signer;
}

IdwCertificate *
idw_vical_get_anchor (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->anchor;
}

IdwTrustOrigin *
idw_vical_get_origin (IdwVical *self)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), NULL);

  return self->origin;
}

/**
 * idw_vical_is_outdated:
 * @self: a VICAL
 * @now: the time to compare with
 *
 * Returns: whether @now is after the list's nextUpdate: the provider has
 *   published a newer list since (or should have). Such a list still
 *   imports; the caller says how old it is.
 */
gboolean
idw_vical_is_outdated (IdwVical  *self,
                       GDateTime *now)
{
  g_return_val_if_fail (IDW_IS_VICAL (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  return self->next_update != NULL && g_date_time_compare (now, self->next_update) > 0;
}

/**
 * idw_vical_get_age_days:
 * @self: a VICAL
 * @now: the time to compare with
 *
 * Returns: the whole days from the list's date to @now, 0 when @now is
 *   not later
 */
gint64
idw_vical_get_age_days (IdwVical  *self,
                        GDateTime *now)
{
  GTimeSpan age;

  g_return_val_if_fail (IDW_IS_VICAL (self), 0);
  g_return_val_if_fail (now != NULL, 0);

  age = g_date_time_difference (now, self->date);
  return age > 0 ? age / G_TIME_SPAN_DAY : 0;
}
