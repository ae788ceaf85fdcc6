/* idw-verifier.c: verifying a presentation (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks run in the order of IdwCheck. A decode failure leaves every
 * later check not applicable; any other failure lets the independent checks
 * run, so that the verdict explains everything that is wrong. Only the
 * checks that depend on a failed one are skipped (validity, digests and the
 * device signature need a usable MSO).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-doctype.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"
#include "idw-present.h"
#include "idw-qr.h"
#include "idw-transport.h"
#include "idw-verifier.h"

#define P256_SCALAR_LENGTH 32
#define COSE_ALG_HMAC_256_256 5
#define COSE_TAG_MAC0 17

/* ---- Checks ------------------------------------------------------------ */

static const char * const check_names[IDW_N_CHECKS] = {
  "decode",
  "issuer_signature",
  "issuer_trusted",
  "mso",
  "validity",
  "digests",
  "device_signature",
  "freshness",
};

const char *
idw_check_to_string (IdwCheck check)
{
  g_return_val_if_fail (check < IDW_N_CHECKS, NULL);
  return check_names[check];
}

const char *
idw_check_status_to_string (IdwCheckStatus status)
{
  switch (status)
    {
    case IDW_CHECK_STATUS_PASSED:
      return "passed";
    case IDW_CHECK_STATUS_FAILED:
      return "failed";
    case IDW_CHECK_STATUS_NOT_APPLICABLE:
      return "not_applicable";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
idw_check_get_title (IdwCheck check)
{
  switch (check)
    {
    case IDW_CHECK_DECODE:
      return _("Readable presentation");
    case IDW_CHECK_ISSUER_SIGNATURE:
      return _("Issuer signature");
    case IDW_CHECK_ISSUER_TRUSTED:
      return _("Trusted issuer");
    case IDW_CHECK_MSO:
      return _("Security object");
    case IDW_CHECK_VALIDITY:
      return _("Validity period");
    case IDW_CHECK_DIGESTS:
      return _("Unchanged data");
    case IDW_CHECK_DEVICE_SIGNATURE:
      return _("Holder’s device");
    case IDW_CHECK_FRESHNESS:
      return _("Freshness");
    case IDW_N_CHECKS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ---- Verdict ----------------------------------------------------------- */

struct _IdwVerdict
{
  GObject          parent_instance;

  IdwCheckStatus   status[IDW_N_CHECKS];
  char            *detail[IDW_N_CHECKS];
  gboolean         valid;

  char            *doctype;
  IdwCertificate  *ds_certificate;
  char            *issuer_subject;
  char            *issuer_common_name;
  char            *issuer_country;
  char            *issuer_organization;
  gboolean         test_issuer;

  GDateTime       *presented_at;
  GDateTime       *signed_at;
  GDateTime       *valid_from;
  GDateTime       *valid_until;
  GDateTime       *verified_at;
  GPtrArray       *disclosed;   /* IdwDisclosedElement* */
};

G_DEFINE_FINAL_TYPE (IdwVerdict, idw_verdict, G_TYPE_OBJECT)

static void
disclosed_element_free (IdwDisclosedElement *element)
{
  g_free (element->name_space);
  g_free (element->element);
  g_clear_pointer (&element->value, idw_cbor_unref);
  g_free (element);
}

static void
idw_verdict_finalize (GObject *object)
{
  IdwVerdict *self = IDW_VERDICT (object);

  for (guint i = 0; i < IDW_N_CHECKS; i++)
    g_free (self->detail[i]);
  g_free (self->doctype);
  g_clear_pointer (&self->ds_certificate, idw_certificate_unref);
  g_free (self->issuer_subject);
  g_free (self->issuer_common_name);
  g_free (self->issuer_country);
  g_free (self->issuer_organization);
  g_clear_pointer (&self->presented_at, g_date_time_unref);
  g_clear_pointer (&self->signed_at, g_date_time_unref);
  g_clear_pointer (&self->valid_from, g_date_time_unref);
  g_clear_pointer (&self->valid_until, g_date_time_unref);
  g_clear_pointer (&self->verified_at, g_date_time_unref);
  g_clear_pointer (&self->disclosed, g_ptr_array_unref);

  G_OBJECT_CLASS (idw_verdict_parent_class)->finalize (object);
}

static void
idw_verdict_class_init (IdwVerdictClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_verdict_finalize;
}

static void
idw_verdict_init (IdwVerdict *self)
{
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    {
      self->status[i] = IDW_CHECK_STATUS_NOT_APPLICABLE;
      self->detail[i] = g_strdup (_("Not checked."));
    }
  self->disclosed = g_ptr_array_new_with_free_func ((GDestroyNotify) disclosed_element_free);
}

static void
verdict_set (IdwVerdict     *self,
             IdwCheck        check,
             IdwCheckStatus  status,
             const char     *detail)
{
  self->status[check] = status;
  g_free (self->detail[check]);
  self->detail[check] = g_strdup (detail);
}

G_GNUC_PRINTF (4, 5)
static void
verdict_setf (IdwVerdict     *self,
              IdwCheck        check,
              IdwCheckStatus  status,
              const char     *format,
              ...)
{
  va_list args;

  self->status[check] = status;
  g_free (self->detail[check]);
  va_start (args, format);
  self->detail[check] = g_strdup_vprintf (format, args);
  va_end (args);
}

gboolean
idw_verdict_is_valid (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), FALSE);
  return self->valid;
}

IdwCheckStatus
idw_verdict_get_status (IdwVerdict *self,
                        IdwCheck    check)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), IDW_CHECK_STATUS_FAILED);
  g_return_val_if_fail (check < IDW_N_CHECKS, IDW_CHECK_STATUS_FAILED);
  return self->status[check];
}

const char *
idw_verdict_get_detail (IdwVerdict *self,
                        IdwCheck    check)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  g_return_val_if_fail (check < IDW_N_CHECKS, NULL);
  return self->detail[check];
}

IdwCheck
idw_verdict_get_first_failure (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), IDW_N_CHECKS);

  for (guint i = 0; i < IDW_N_CHECKS; i++)
    if (self->status[i] == IDW_CHECK_STATUS_FAILED)
      return (IdwCheck) i;
  return IDW_N_CHECKS;
}

gboolean
idw_verdict_is_untrusted_only (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), FALSE);

  if (self->status[IDW_CHECK_ISSUER_TRUSTED] != IDW_CHECK_STATUS_FAILED)
    return FALSE;
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    if (i != IDW_CHECK_ISSUER_TRUSTED && self->status[i] == IDW_CHECK_STATUS_FAILED)
      return FALSE;
  return TRUE;
}

const char *
idw_verdict_get_doctype (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->doctype;
}

IdwCertificate *
idw_verdict_get_ds_certificate (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->ds_certificate;
}

const char *
idw_verdict_get_issuer_subject (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->issuer_subject;
}

const char *
idw_verdict_get_issuer_common_name (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->issuer_common_name;
}

const char *
idw_verdict_get_issuer_country (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->issuer_country;
}

const char *
idw_verdict_get_issuer_organization (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->issuer_organization;
}

gboolean
idw_verdict_is_test_issuer (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), FALSE);
  return self->test_issuer;
}

GDateTime *
idw_verdict_get_presented_at (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->presented_at;
}

GDateTime *
idw_verdict_get_signed (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->signed_at;
}

GDateTime *
idw_verdict_get_valid_from (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->valid_from;
}

GDateTime *
idw_verdict_get_valid_until (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->valid_until;
}

GDateTime *
idw_verdict_get_verified_at (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->verified_at;
}

GPtrArray *
idw_verdict_get_disclosed (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->disclosed;
}

cbor_item_t *
idw_verdict_lookup (IdwVerdict *self,
                    const char *name_space,
                    const char *element)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);

  for (guint i = 0; i < self->disclosed->len; i++)
    {
      IdwDisclosedElement *e = g_ptr_array_index (self->disclosed, i);

      if (g_strcmp0 (e->name_space, name_space) == 0 && g_strcmp0 (e->element, element) == 0)
        return e->value;
    }
  return NULL;
}

static JsonNode *
string_or_null (const char *str)
{
  JsonNode *node;

  if (str == NULL)
    return json_node_new (JSON_NODE_NULL);
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, str);
  return node;
}

static char *
format_rfc3339 (GDateTime *dt)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (dt);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

JsonNode *
idw_verdict_to_json_node (IdwVerdict *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *disclosed = json_object_new ();
  JsonNode *disclosed_node;

  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, self->valid);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, check_names[i]);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, idw_check_status_to_string (self->status[i]));
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, self->detail[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "docType");
  json_builder_add_value (builder, string_or_null (self->doctype));

  json_builder_set_member_name (builder, "issuer");
  if (self->ds_certificate != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "subject");
      json_builder_add_value (builder, string_or_null (self->issuer_subject));
      json_builder_set_member_name (builder, "commonName");
      json_builder_add_value (builder, string_or_null (self->issuer_common_name));
      json_builder_set_member_name (builder, "country");
      json_builder_add_value (builder, string_or_null (self->issuer_country));
      json_builder_set_member_name (builder, "organization");
      json_builder_add_value (builder, string_or_null (self->issuer_organization));
      json_builder_set_member_name (builder, "testIssuer");
      json_builder_add_boolean_value (builder, self->test_issuer);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "presentedAt");
  if (self->presented_at != NULL)
    {
      g_autofree char *str = format_rfc3339 (self->presented_at);

      json_builder_add_string_value (builder, str);
    }
  else
    json_builder_add_null_value (builder);

  for (guint i = 0; i < self->disclosed->len; i++)
    {
      IdwDisclosedElement *e = g_ptr_array_index (self->disclosed, i);
      JsonObject *ns = json_object_has_member (disclosed, e->name_space)
                       ? json_object_get_object_member (disclosed, e->name_space) : NULL;

      if (ns == NULL)
        {
          ns = json_object_new ();
          json_object_set_object_member (disclosed, e->name_space, ns);
        }
      json_object_set_member (ns, e->element, idw_cbor_value_to_json (e->value));
    }
  disclosed_node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (disclosed_node, disclosed);
  json_builder_set_member_name (builder, "disclosed");
  json_builder_add_value (builder, disclosed_node);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
idw_verdict_to_json (IdwVerdict *self,
                     gboolean    pretty)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);

  root = idw_verdict_to_json_node (self);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  return json_generator_to_data (generator, NULL);
}

/* ---- Verifier ---------------------------------------------------------- */

struct _IdwVerifier
{
  GObject         parent_instance;

  GPtrArray      *anchors;          /* IdwCertificate* */
  GDateTime      *at;               /* nullable: the clock */
  guint           window;
  IdwNonceFunc    nonce_func;
  gpointer        nonce_data;
  GDestroyNotify  nonce_destroy;
  GBytes         *expected_nonce;
  guint8         *reader_key;       /* P-256 scalar, nullable */

  /* Parsed and validated x5chains (DESIGN §9 allows caching validated DS
   * chains keyed on the certificate bytes, the trust anchors and the
   * validity window), and device keys, keyed on their encodings. */
  GMutex          cache_lock;
  guint           anchors_generation;
  GHashTable     *chain_cache;      /* GBytes (x5chain CBOR) → ChainEntry */
  GHashTable     *key_cache;        /* GBytes (COSE_Key CBOR) → IdwKey */
};

#define CACHE_MAX_ENTRIES 64

typedef struct
{
  gint            ref_count;
  GPtrArray      *chain;            /* IdwCertificate*, leaf first */
  IdwKey         *ds_key;           /* NULL when unusable */
  char           *ds_key_error;
  char           *subject;
  char           *common_name;
  char           *country;
  char           *organization;
  gboolean        test_issuer;
  /* A successful validation against anchors_generation, good for any
   * signing time and verification time within [valid_from, valid_until]:
   * the intersection of the validity of the chain and its anchor. */
  gboolean        validated;
  guint           validated_generation;
  gint64          valid_from;
  gint64          valid_until;
  char           *anchor_subject;
} ChainEntry;

static ChainEntry *
chain_entry_ref (ChainEntry *entry)
{
  g_atomic_int_inc (&entry->ref_count);
  return entry;
}

static void
chain_entry_unref (ChainEntry *entry)
{
  if (entry == NULL || !g_atomic_int_dec_and_test (&entry->ref_count))
    return;
  g_ptr_array_unref (entry->chain);
  g_clear_pointer (&entry->ds_key, idw_key_unref);
  g_free (entry->ds_key_error);
  g_free (entry->subject);
  g_free (entry->common_name);
  g_free (entry->country);
  g_free (entry->organization);
  g_free (entry->anchor_subject);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChainEntry, chain_entry_unref)

G_DEFINE_FINAL_TYPE (IdwVerifier, idw_verifier, G_TYPE_OBJECT)

static void
clear_reader_key (IdwVerifier *self)
{
  if (self->reader_key != NULL)
    {
      sodium_memzero (self->reader_key, P256_SCALAR_LENGTH);
      g_clear_pointer (&self->reader_key, g_free);
    }
}

static void
idw_verifier_finalize (GObject *object)
{
  IdwVerifier *self = IDW_VERIFIER (object);

  g_clear_pointer (&self->anchors, g_ptr_array_unref);
  g_clear_pointer (&self->at, g_date_time_unref);
  if (self->nonce_destroy != NULL)
    self->nonce_destroy (self->nonce_data);
  g_clear_pointer (&self->expected_nonce, g_bytes_unref);
  clear_reader_key (self);
  g_clear_pointer (&self->chain_cache, g_hash_table_unref);
  g_clear_pointer (&self->key_cache, g_hash_table_unref);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (idw_verifier_parent_class)->finalize (object);
}

static void
idw_verifier_class_init (IdwVerifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_verifier_finalize;
}

static void
idw_verifier_init (IdwVerifier *self)
{
  self->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  self->window = IDW_DEFAULT_FRESHNESS_WINDOW;
  g_mutex_init (&self->cache_lock);
  self->chain_cache = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                             (GDestroyNotify) g_bytes_unref,
                                             (GDestroyNotify) chain_entry_unref);
  self->key_cache = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                           (GDestroyNotify) g_bytes_unref,
                                           (GDestroyNotify) idw_key_unref);
}

IdwVerifier *
idw_verifier_new (void)
{
  return g_object_new (IDW_TYPE_VERIFIER, NULL);
}

void
idw_verifier_add_trust_anchor (IdwVerifier    *self,
                               IdwCertificate *anchor)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));
  g_return_if_fail (anchor != NULL);

  g_ptr_array_add (self->anchors, idw_certificate_ref (anchor));
  g_mutex_lock (&self->cache_lock);
  self->anchors_generation++;
  g_mutex_unlock (&self->cache_lock);
}

void
idw_verifier_clear_trust_anchors (IdwVerifier *self)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));
  g_ptr_array_set_size (self->anchors, 0);
  g_mutex_lock (&self->cache_lock);
  self->anchors_generation++;
  g_mutex_unlock (&self->cache_lock);
}

GPtrArray *
idw_verifier_get_trust_anchors (IdwVerifier *self)
{
  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  return self->anchors;
}

void
idw_verifier_set_time (IdwVerifier *self,
                       GDateTime   *at)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));

  g_clear_pointer (&self->at, g_date_time_unref);
  if (at != NULL)
    self->at = g_date_time_ref (at);
}

void
idw_verifier_set_freshness_window (IdwVerifier *self,
                                   guint        seconds)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));
  self->window = seconds;
}

guint
idw_verifier_get_freshness_window (IdwVerifier *self)
{
  g_return_val_if_fail (IDW_IS_VERIFIER (self), 0);
  return self->window;
}

void
idw_verifier_set_nonce_func (IdwVerifier    *self,
                             IdwNonceFunc    func,
                             gpointer        user_data,
                             GDestroyNotify  destroy)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));

  if (self->nonce_destroy != NULL)
    self->nonce_destroy (self->nonce_data);
  self->nonce_func = func;
  self->nonce_data = user_data;
  self->nonce_destroy = destroy;
}

void
idw_verifier_set_expected_nonce (IdwVerifier *self,
                                 GBytes      *nonce)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));

  g_clear_pointer (&self->expected_nonce, g_bytes_unref);
  if (nonce != NULL)
    self->expected_nonce = g_bytes_ref (nonce);
}

static const struct ecc_curve *
p256 (void)
{
  return nettle_get_secp_256r1 ();
}

gboolean
idw_verifier_set_reader_key (IdwVerifier   *self,
                             const guint8  *d,
                             gsize          len,
                             GError       **error)
{
  struct ecc_scalar scalar;
  mpz_t z;
  int ok;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), FALSE);

  clear_reader_key (self);
  if (d == NULL)
    return TRUE;

  if (len != P256_SCALAR_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The reader key must be a %d-byte P-256 private scalar"), P256_SCALAR_LENGTH);
      return FALSE;
    }
  mpz_init (z);
  nettle_mpz_set_str_256_u (z, len, d);
  ecc_scalar_init (&scalar, p256 ());
  ok = ecc_scalar_set (&scalar, z);
  ecc_scalar_clear (&scalar);
  mpz_clear (z);
  if (!ok)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The reader key is not a valid P-256 private scalar"));
      return FALSE;
    }
  self->reader_key = g_memdup2 (d, len);
  return TRUE;
}

/* ---- deviceMac (ISO 18013-5 9.1.3.5) ----------------------------------- */

/* The x-coordinate of d·Q on P-256. */
static gboolean
p256_ecdh (const guint8  *d,
           GBytes        *public_point,
           guint8         out[32])
{
  struct ecc_point q, r;
  struct ecc_scalar k;
  mpz_t x, y, z;
  gsize len;
  const guint8 *pub = g_bytes_get_data (public_point, &len);
  gboolean ok = FALSE;

  if (len != 65 || pub[0] != 0x04)
    return FALSE;

  mpz_inits (x, y, z, NULL);
  ecc_point_init (&q, p256 ());
  ecc_point_init (&r, p256 ());
  ecc_scalar_init (&k, p256 ());

  nettle_mpz_set_str_256_u (x, 32, pub + 1);
  nettle_mpz_set_str_256_u (y, 32, pub + 33);
  nettle_mpz_set_str_256_u (z, 32, d);
  if (ecc_point_set (&q, x, y) && ecc_scalar_set (&k, z))
    {
      ecc_point_mul (&r, &k, &q);
      ecc_point_get (&r, x, y);
      if (nettle_mpz_sizeinbase_256_u (x) <= 32)
        {
          nettle_mpz_get_str_256 (32, out, x);
          ok = TRUE;
        }
    }

  ecc_scalar_clear (&k);
  ecc_point_clear (&r);
  ecc_point_clear (&q);
  mpz_clears (x, y, z, NULL);
  return ok;
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_len,
             const guint8 *data,
             gsize         len,
             guint8        out[crypto_auth_hmacsha256_BYTES])
{
  crypto_auth_hmacsha256_state state;

  crypto_auth_hmacsha256_init (&state, key, key_len);
  crypto_auth_hmacsha256_update (&state, data, len);
  crypto_auth_hmacsha256_final (&state, out);
  sodium_memzero (&state, sizeof state);
}

/* HKDF-SHA256 (RFC 5869) with L = 32: one expand block. */
static void
hkdf_sha256_32 (const guint8 *ikm,
                gsize         ikm_len,
                const guint8 *salt,
                gsize         salt_len,
                const char   *info,
                guint8        out[32])
{
  guint8 prk[crypto_auth_hmacsha256_BYTES];
  g_autoptr(GByteArray) t = g_byte_array_new ();
  guint8 one = 1;

  hmac_sha256 (salt, salt_len, ikm, ikm_len, prk);
  g_byte_array_append (t, (const guint8 *) info, (guint) strlen (info));
  g_byte_array_append (t, &one, 1);
  hmac_sha256 (prk, sizeof prk, t->data, t->len, out);
  sodium_memzero (prk, sizeof prk);
}

static void
append_cbor_head (GByteArray *out,
                  guint8      major,
                  guint64     value)
{
  guint8 buf[9];
  gsize n = 0;

  major <<= 5;
  if (value < 24)
    buf[n++] = major | (guint8) value;
  else if (value <= G_MAXUINT8)
    {
      buf[n++] = major | 24;
      buf[n++] = (guint8) value;
    }
  else if (value <= G_MAXUINT16)
    {
      buf[n++] = major | 25;
      buf[n++] = (guint8) (value >> 8);
      buf[n++] = (guint8) value;
    }
  else if (value <= G_MAXUINT32)
    {
      buf[n++] = major | 26;
      for (int i = 3; i >= 0; i--)
        buf[n++] = (guint8) (value >> (8 * i));
    }
  else
    {
      buf[n++] = major | 27;
      for (int i = 7; i >= 0; i--)
        buf[n++] = (guint8) (value >> (8 * i));
    }
  g_byte_array_append (out, buf, (guint) n);
}

/* Checks a COSE_Mac0 [protected, unprotected, nil, tag] over the detached
 * DeviceAuthenticationBytes. The detail explains a failure. */
static gboolean
verify_device_mac (IdwVerifier  *self,
                   cbor_item_t  *mac0,
                   IdwKey       *device_key,
                   GBytes       *transcript_tagged,
                   GBytes       *device_auth_bytes,
                   char        **detail)
{
  cbor_item_t *array = mac0;
  cbor_item_t **fields;
  g_autoptr(GBytes) protected_bytes = NULL;
  g_autoptr(cbor_item_t) protected_map = NULL;
  g_autoptr(GBytes) tag = NULL;
  g_autoptr(GBytes) public_point = NULL;
  g_autoptr(GByteArray) structure = g_byte_array_new ();
  guint8 shared[32], salt[crypto_hash_sha256_BYTES], emac_key[32];
  guint8 expected[crypto_auth_hmacsha256_BYTES];
  cbor_item_t *alg_item;
  gint64 alg;
  gsize len;
  const guint8 *data;
  gboolean ok;

  if (self->reader_key == NULL)
    {
      *detail = g_strdup (_("The holder’s device authenticated with deviceMac, which cannot be checked without the reader’s key."));
      return FALSE;
    }

  if (cbor_isa_tag (array))
    array = idw_cbor_untag (array, COSE_TAG_MAC0);
  if (array == NULL || !cbor_isa_array (array) || cbor_array_size (array) != 4)
    {
      *detail = g_strdup (_("deviceMac is not a COSE_Mac0 structure."));
      return FALSE;
    }
  fields = cbor_array_handle (array);
  if (!cbor_isa_bytestring (fields[0]) || !cbor_isa_map (fields[1])
      || !cbor_isa_bytestring (fields[3]))
    {
      *detail = g_strdup (_("deviceMac is not a COSE_Mac0 structure."));
      return FALSE;
    }
  if (!_idw_cbor_is_null_safe (fields[2]))
    {
      *detail = g_strdup (_("deviceMac must have a detached payload."));
      return FALSE;
    }

  protected_bytes = idw_cbor_dup_bytes (fields[0]);
  protected_map = g_bytes_get_size (protected_bytes) > 0
                  ? idw_cbor_decode_bytes (protected_bytes, NULL) : NULL;
  alg_item = protected_map != NULL ? idw_cbor_map_get_int (protected_map, IDW_COSE_HEADER_ALG) : NULL;
  if (alg_item == NULL || !idw_cbor_get_int (alg_item, &alg) || alg != COSE_ALG_HMAC_256_256)
    {
      *detail = g_strdup (_("deviceMac uses an unsupported algorithm (only HMAC 256/256 is supported)."));
      return FALSE;
    }

  if (idw_key_get_curve (device_key) != IDW_CURVE_P256)
    {
      *detail = g_strdup (_("deviceMac needs a P-256 device key."));
      return FALSE;
    }
  public_point = idw_key_get_public_bytes (device_key);
  if (!p256_ecdh (self->reader_key, public_point, shared))
    {
      *detail = g_strdup (_("The key agreement with the holder’s device key failed."));
      return FALSE;
    }

  data = g_bytes_get_data (transcript_tagged, &len);
  crypto_hash_sha256 (salt, data, len);
  hkdf_sha256_32 (shared, sizeof shared, salt, sizeof salt, "EMacKey", emac_key);
  sodium_memzero (shared, sizeof shared);

  /* MAC_structure = ["MAC0", protected, external_aad h'', payload] */
  append_cbor_head (structure, 4, 4);
  append_cbor_head (structure, 3, 4);
  g_byte_array_append (structure, (const guint8 *) "MAC0", 4);
  data = g_bytes_get_data (protected_bytes, &len);
  append_cbor_head (structure, 2, len);
  g_byte_array_append (structure, data, (guint) len);
  append_cbor_head (structure, 2, 0);
  data = g_bytes_get_data (device_auth_bytes, &len);
  append_cbor_head (structure, 2, len);
  g_byte_array_append (structure, data, (guint) len);

  hmac_sha256 (emac_key, sizeof emac_key, structure->data, structure->len, expected);
  sodium_memzero (emac_key, sizeof emac_key);

  tag = idw_cbor_dup_bytes (fields[3]);
  data = g_bytes_get_data (tag, &len);
  ok = len == sizeof expected && sodium_memcmp (data, expected, sizeof expected) == 0;
  if (!ok)
    *detail = g_strdup (_("The holder’s device MAC does not verify: the presentation was not made by the device the credential was issued to, or was altered."));
  else
    *detail = g_strdup (_("The holder’s device authenticated the presentation (deviceMac)."));
  return ok;
}

/* ---- Caches ---------------------------------------------------------------- */

/* The parsed x5chain @item, from the cache when seen before. Errors of
 * idw_x5chain_parse(); an empty chain is IDW_ERROR_MISSING_FIELD. */
static ChainEntry *
chain_entry_get (IdwVerifier  *self,
                 cbor_item_t  *item,
                 GError      **error)
{
  g_autoptr(GBytes) key = idw_cbor_encode (item);
  g_autoptr(ChainEntry) entry = NULL;
  g_autoptr(GError) key_error = NULL;
  IdwCertificate *ds;

  g_mutex_lock (&self->cache_lock);
  entry = g_hash_table_lookup (self->chain_cache, key);
  if (entry != NULL)
    chain_entry_ref (entry);
  g_mutex_unlock (&self->cache_lock);
  if (entry != NULL)
    return g_steal_pointer (&entry);

  entry = g_new0 (ChainEntry, 1);
  entry->ref_count = 1;
  entry->chain = idw_x5chain_parse (item, error);
  if (entry->chain == NULL)
    {
      entry->chain = g_ptr_array_new ();
      return NULL;
    }
  if (entry->chain->len == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD, _("x5chain is empty"));
      return NULL;
    }

  ds = g_ptr_array_index (entry->chain, 0);
  entry->ds_key = idw_certificate_get_public_key (ds, &key_error);
  if (entry->ds_key == NULL)
    entry->ds_key_error = g_strdup (key_error->message);
  entry->subject = idw_certificate_get_subject (ds);
  entry->common_name = idw_certificate_get_common_name (ds);
  entry->country = idw_certificate_get_country (ds);
  entry->organization = idw_certificate_get_organization (ds);
  entry->test_issuer = idw_certificate_is_test_issuer (ds);

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->chain_cache) >= CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (self->chain_cache);
  g_hash_table_insert (self->chain_cache, g_bytes_ref (key), chain_entry_ref (entry));
  g_mutex_unlock (&self->cache_lock);
  return g_steal_pointer (&entry);
}

static gboolean
chain_entry_is_validated (IdwVerifier *self,
                          ChainEntry  *entry,
                          GDateTime   *signed_at,
                          GDateTime   *now,
                          char       **out_anchor_subject)
{
  gint64 s = g_date_time_to_unix (signed_at);
  gint64 n = g_date_time_to_unix (now);
  gboolean ok;

  g_mutex_lock (&self->cache_lock);
  ok = entry->validated && entry->validated_generation == self->anchors_generation
       && entry->valid_from <= s && s <= entry->valid_until
       && entry->valid_from <= n && n <= entry->valid_until;
  if (ok)
    *out_anchor_subject = g_strdup (entry->anchor_subject);
  g_mutex_unlock (&self->cache_lock);
  return ok;
}

static void
chain_entry_set_validated (IdwVerifier    *self,
                           ChainEntry     *entry,
                           IdwCertificate *anchor,
                           guint           generation,
                           const char     *anchor_subject)
{
  gint64 from = G_MININT64, until = G_MAXINT64;

  /* Conservative: every certificate of the chain and the anchor. */
  for (guint i = 0; i <= entry->chain->len; i++)
    {
      IdwCertificate *cert = i < entry->chain->len ? g_ptr_array_index (entry->chain, i) : anchor;
      g_autoptr(GDateTime) not_before = NULL;
      g_autoptr(GDateTime) not_after = NULL;

      if (cert == NULL)
        continue;
      not_before = idw_certificate_get_not_before (cert);
      not_after = idw_certificate_get_not_after (cert);
      if (not_before == NULL || not_after == NULL)
        return;
      from = MAX (from, g_date_time_to_unix (not_before));
      until = MIN (until, g_date_time_to_unix (not_after));
    }

  g_mutex_lock (&self->cache_lock);
  entry->validated = TRUE;
  entry->validated_generation = generation;
  entry->valid_from = from;
  entry->valid_until = until;
  g_free (entry->anchor_subject);
  entry->anchor_subject = g_strdup (anchor_subject);
  g_mutex_unlock (&self->cache_lock);
}

/* The device key of @cose_key, from the cache when seen before. */
static IdwKey *
device_key_get (IdwVerifier  *self,
                cbor_item_t  *cose_key,
                GError      **error)
{
  g_autoptr(GBytes) bytes = idw_cbor_encode (cose_key);
  IdwKey *key;

  g_mutex_lock (&self->cache_lock);
  key = g_hash_table_lookup (self->key_cache, bytes);
  if (key != NULL)
    idw_key_ref (key);
  g_mutex_unlock (&self->cache_lock);
  if (key != NULL)
    return key;

  key = idw_key_new_from_cose (cose_key, error);
  if (key == NULL)
    return NULL;

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->key_cache) >= CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (self->key_cache);
  g_hash_table_insert (self->key_cache, g_bytes_ref (bytes), idw_key_ref (key));
  g_mutex_unlock (&self->cache_lock);
  return key;
}

/* ---- The checks ------------------------------------------------------------ */

typedef struct
{
  IdwVerifier       *verifier;
  IdwVerdict        *verdict;
  GDateTime         *now;
  /* Input */
  IdwEnvelope       *envelope;            /* NULL for a raw response */
  GBytes            *transcript;          /* plain SessionTranscript CBOR, nullable */
  GBytes            *transcript_tagged;   /* #6.24 wrapped, nullable */
  /* Decoded */
  IdwDeviceResponse *response;
  IdwDocument       *document;
  IdwCoseSign1      *issuer_auth;         /* NULL when the alg is unsupported */
  GBytes            *mso_payload;
  ChainEntry        *chain;               /* NULL when x5chain is absent or unreadable */
  IdwMso            *mso;
} Context;

static void
context_clear (Context *ctx)
{
  g_clear_pointer (&ctx->now, g_date_time_unref);
  g_clear_pointer (&ctx->envelope, idw_envelope_free);
  g_clear_pointer (&ctx->transcript, g_bytes_unref);
  g_clear_pointer (&ctx->transcript_tagged, g_bytes_unref);
  g_clear_pointer (&ctx->response, idw_device_response_free);
  g_clear_pointer (&ctx->issuer_auth, idw_cose_sign1_free);
  g_clear_pointer (&ctx->mso_payload, g_bytes_unref);
  g_clear_pointer (&ctx->chain, chain_entry_unref);
  g_clear_pointer (&ctx->mso, idw_mso_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Context, context_clear)

static char *
format_time (GDateTime *dt)
{
  /* Details are read by people: a localised date and time. */
  return idw_format_date (dt, TRUE);
}

static void
decode_failed (Context    *ctx,
               const char *reason)
{
  verdict_setf (ctx->verdict, IDW_CHECK_DECODE, IDW_CHECK_STATUS_FAILED,
                _("The presentation cannot be read: %s"), reason);
  for (guint i = IDW_CHECK_DECODE + 1; i < IDW_N_CHECKS; i++)
    verdict_set (ctx->verdict, i, IDW_CHECK_STATUS_NOT_APPLICABLE,
                 _("Not checked: the presentation could not be read."));
}

/* The payload of a COSE_Sign1 whose header we cannot use, so that the MSO
 * can still be examined. */
static GBytes *
sign1_payload_fallback (cbor_item_t *item)
{
  cbor_item_t *array = cbor_isa_tag (item) ? idw_cbor_untag (item, IDW_CBOR_TAG_COSE_SIGN1) : item;

  if (array == NULL || !cbor_isa_array (array) || cbor_array_size (array) != 4)
    return NULL;
  if (!cbor_isa_bytestring (cbor_array_handle (array)[2]))
    return NULL;
  return idw_cbor_dup_bytes (cbor_array_handle (array)[2]);
}

static cbor_item_t *
sign1_x5chain_fallback (cbor_item_t *item)
{
  cbor_item_t *array = cbor_isa_tag (item) ? idw_cbor_untag (item, IDW_CBOR_TAG_COSE_SIGN1) : item;
  cbor_item_t *unprotected;

  if (array == NULL || !cbor_isa_array (array) || cbor_array_size (array) != 4)
    return NULL;
  unprotected = cbor_array_handle (array)[1];
  return cbor_isa_map (unprotected) ? idw_cbor_map_get_int (unprotected, IDW_COSE_HEADER_X5CHAIN) : NULL;
}

/* decode: the DeviceResponse, its one Document, issuerAuth's structure and
 * x5chain within its limit. */
static gboolean
check_decode (Context     *ctx,
              cbor_item_t *response_item)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) cose_error = NULL;
  cbor_item_t *x5chain;

  ctx->response = idw_device_response_parse (response_item, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
  if (ctx->response == NULL)
    {
      decode_failed (ctx, error->message);
      return FALSE;
    }
  if (ctx->response->documents->len == 0)
    {
      g_autofree char *reason = g_strdup_printf (_("the response holds no document (status %llu)"),
                                                 (unsigned long long) ctx->response->status);

      decode_failed (ctx, reason);
      return FALSE;
    }
  if (ctx->response->documents->len > 1)
    {
      decode_failed (ctx, _("the response holds more than one document, which is not supported"));
      return FALSE;
    }
  ctx->document = g_ptr_array_index (ctx->response->documents, 0);
  g_free (ctx->verdict->doctype);
  ctx->verdict->doctype = g_strdup (ctx->document->doctype);

  ctx->issuer_auth = idw_cose_sign1_parse (ctx->document->issuer_signed->issuer_auth, &cose_error);
  if (ctx->issuer_auth == NULL && !g_error_matches (cose_error, IDW_ERROR, IDW_ERROR_UNSUPPORTED))
    {
      g_autofree char *reason = g_strdup_printf ("IssuerSigned issuerAuth: %s", cose_error->message);

      decode_failed (ctx, reason);
      return FALSE;
    }
  if (ctx->issuer_auth != NULL)
    {
      ctx->mso_payload = ctx->issuer_auth->payload != NULL ? g_bytes_ref (ctx->issuer_auth->payload) : NULL;
      x5chain = idw_cose_sign1_get_header (ctx->issuer_auth, IDW_COSE_HEADER_X5CHAIN);
    }
  else
    {
      ctx->mso_payload = sign1_payload_fallback (ctx->document->issuer_signed->issuer_auth);
      x5chain = sign1_x5chain_fallback (ctx->document->issuer_signed->issuer_auth);
    }
  if (ctx->mso_payload == NULL)
    {
      decode_failed (ctx, _("IssuerSigned issuerAuth: the MSO payload is missing"));
      return FALSE;
    }

  if (x5chain != NULL)
    {
      g_autoptr(GError) chain_error = NULL;

      ctx->chain = chain_entry_get (ctx->verifier, x5chain, &chain_error);
      if (ctx->chain == NULL && g_error_matches (chain_error, IDW_ERROR, IDW_ERROR_LIMIT))
        {
          decode_failed (ctx, chain_error->message);
          return FALSE;
        }
      /* Other certificate problems are the issuer checks' to report. */
    }

  if (ctx->chain != NULL)
    {
      IdwVerdict *v = ctx->verdict;

      v->ds_certificate = idw_certificate_ref (g_ptr_array_index (ctx->chain->chain, 0));
      v->issuer_subject = g_strdup (ctx->chain->subject);
      v->issuer_common_name = g_strdup (ctx->chain->common_name);
      v->issuer_country = g_strdup (ctx->chain->country);
      v->issuer_organization = g_strdup (ctx->chain->organization);
      v->test_issuer = ctx->chain->test_issuer;
    }

  for (guint i = 0; i < ctx->document->issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (ctx->document->issuer_signed->name_spaces, i);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);
          IdwDisclosedElement *e = g_new0 (IdwDisclosedElement, 1);

          e->name_space = g_strdup (ns->name_space);
          e->element = g_strdup (item->element_identifier);
          e->value = cbor_incref (item->element_value);
          g_ptr_array_add (ctx->verdict->disclosed, e);
        }
    }

  if (ctx->envelope != NULL)
    verdict_set (ctx->verdict, IDW_CHECK_DECODE, IDW_CHECK_STATUS_PASSED,
                 _("The presentation is well formed."));
  else
    verdict_set (ctx->verdict, IDW_CHECK_DECODE, IDW_CHECK_STATUS_PASSED,
                 _("The device response is well formed."));
  return TRUE;
}

static void
check_issuer_signature (Context *ctx)
{
  g_autoptr(GError) error = NULL;
  IdwKey *key;
  const char *alg_name;

  if (ctx->issuer_auth == NULL)
    {
      verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                   _("The issuer signed with an unsupported algorithm (allowed: EdDSA, ES256, ES384, ES512)."));
      return;
    }
  alg_name = idw_cose_alg_to_string (ctx->issuer_auth->alg);
  if (alg_name == NULL)
    {
      verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                   _("The issuer signed with an unsupported algorithm (allowed: EdDSA, ES256, ES384, ES512)."));
      return;
    }
  if (ctx->chain == NULL)
    {
      verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                   _("The issuer’s document signer certificate (x5chain) is missing or unreadable."));
      return;
    }

  key = ctx->chain->ds_key;
  if (key == NULL)
    {
      verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                    _("The document signer certificate’s key cannot be used: %s"),
                    ctx->chain->ds_key_error);
      return;
    }
  if (!idw_key_allows_alg (key, ctx->issuer_auth->alg))
    {
      verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                    _("The algorithm %s does not match the document signer certificate’s key."),
                    alg_name);
      return;
    }
  if (!idw_cose_sign1_verify (ctx->issuer_auth, key, NULL, &error))
    {
      verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                   _("The issuer’s signature does not verify: the signed data was altered or forged."));
      return;
    }
  verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_PASSED,
                _("The issuer’s %s signature verifies with the document signer certificate."),
                alg_name);
}

static void
check_issuer_trusted (Context *ctx)
{
  IdwVerifier *self = ctx->verifier;
  g_autoptr(GError) error = NULL;
  IdwCertificate *anchor = NULL;
  GDateTime *signed_at;
  g_autofree char *subject = NULL;
  guint generation;

  if (ctx->chain == NULL)
    {
      verdict_set (ctx->verdict, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                   _("Issuer not trusted: there is no usable document signer certificate."));
      return;
    }
  if (self->anchors->len == 0)
    {
      verdict_set (ctx->verdict, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                   _("Issuer not trusted: no trusted issuers are configured."));
      return;
    }

  /* Without a usable MSO the signing time is unknown: check at now only. */
  signed_at = ctx->mso != NULL ? ctx->mso->signed_at : ctx->now;

  if (!chain_entry_is_validated (self, ctx->chain, signed_at, ctx->now, &subject))
    {
      g_mutex_lock (&self->cache_lock);
      generation = self->anchors_generation;
      g_mutex_unlock (&self->cache_lock);

      if (!idw_x509_validate_chain (ctx->chain->chain, self->anchors, signed_at, ctx->now,
                                    &anchor, &error))
        {
          if (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNTRUSTED))
            verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                          _("Issuer not trusted: %s"), error->message);
          else
            verdict_set (ctx->verdict, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                         error->message);
          return;
        }
      subject = anchor != NULL ? idw_certificate_get_subject (anchor) : g_strdup ("");
      chain_entry_set_validated (self, ctx->chain, anchor, generation, subject);
      g_clear_pointer (&anchor, idw_certificate_unref);
    }

  verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_PASSED,
                _("The issuer chains to the trusted certificate “%s”."), subject);
}

static void
check_mso (Context *ctx)
{
  g_autoptr(GError) error = NULL;

  ctx->mso = idw_mso_parse_payload (ctx->mso_payload, &error);
  if (ctx->mso == NULL)
    {
      verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_FAILED,
                    _("The mobile security object is not usable: %s"), error->message);
      return;
    }

  ctx->verdict->signed_at = g_date_time_ref (ctx->mso->signed_at);
  ctx->verdict->valid_from = g_date_time_ref (ctx->mso->valid_from);
  ctx->verdict->valid_until = g_date_time_ref (ctx->mso->valid_until);

  if (!g_str_equal (ctx->mso->doctype, ctx->document->doctype))
    {
      verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_FAILED,
                    _("The issuer signed a “%s”, but the document claims to be a “%s”."),
                    ctx->mso->doctype, ctx->document->doctype);
      return;
    }
  if (!idw_mdoc_digest_algorithm_supported (ctx->mso->digest_algorithm))
    {
      verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_FAILED,
                    _("The digest algorithm “%s” is not supported."), ctx->mso->digest_algorithm);
      return;
    }
  verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_PASSED,
                _("The mobile security object is well formed (%s digests)."),
                ctx->mso->digest_algorithm);
}

static void
check_validity (Context *ctx)
{
  g_autofree char *from = format_time (ctx->mso->valid_from);
  g_autofree char *until = format_time (ctx->mso->valid_until);
  g_autofree char *signed_str = format_time (ctx->mso->signed_at);

  if (g_date_time_compare (ctx->mso->valid_from, ctx->mso->valid_until) > 0)
    verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                  _("The validity period is empty: valid from %s until %s."), from, until);
  else if (g_date_time_compare (ctx->now, ctx->mso->valid_from) < 0)
    verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                  _("The credential is not valid yet: valid from %s."), from);
  else if (g_date_time_compare (ctx->now, ctx->mso->valid_until) > 0)
    verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                  _("The credential expired on %s."), until);
  else if (g_date_time_compare (ctx->now, ctx->mso->signed_at) < 0)
    verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                  _("The credential claims to be signed in the future (%s)."), signed_str);
  else
    verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_PASSED,
                  _("Valid from %s until %s."), from, until);
}

static void
check_digests (Context *ctx)
{
  IdwIssuerSigned *is = ctx->document->issuer_signed;
  guint count = 0;

  if (!idw_mdoc_digest_algorithm_supported (ctx->mso->digest_algorithm))
    {
      verdict_set (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_NOT_APPLICABLE,
                   _("Not checked: the digest algorithm is not supported."));
      return;
    }

  for (guint i = 0; i < is->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, i);
      g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);
          GBytes *expected;
          g_autoptr(GBytes) actual = NULL;

          if (g_hash_table_contains (names, item->element_identifier))
            {
              verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                            _("The element %s/%s is disclosed twice."),
                            ns->name_space, item->element_identifier);
              return;
            }
          if (g_hash_table_contains (ids, &item->digest_id))
            {
              verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                            _("Two disclosed elements in %s use the digest ID %llu."),
                            ns->name_space, (unsigned long long) item->digest_id);
              return;
            }
          g_hash_table_add (names, item->element_identifier);
          g_hash_table_add (ids, &item->digest_id);

          expected = idw_mso_lookup_digest (ctx->mso, ns->name_space, item->digest_id);
          if (expected == NULL)
            {
              verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                            _("The issuer signed no digest for %s/%s (digest ID %llu)."),
                            ns->name_space, item->element_identifier,
                            (unsigned long long) item->digest_id);
              return;
            }
          actual = idw_issuer_signed_item_digest (item, ctx->mso->digest_algorithm, NULL);
          if (actual == NULL || !g_bytes_equal (actual, expected))
            {
              verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                            _("The value of %s/%s is not the one the issuer signed."),
                            ns->name_space, item->element_identifier);
              return;
            }
          count++;
        }
    }

  verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_PASSED,
                g_dngettext (GETTEXT_PACKAGE,
                             "The %u disclosed element is the one the issuer signed.",
                             "All %u disclosed elements are the ones the issuer signed.", count),
                count);
}

static void
check_device_signature (Context *ctx)
{
  IdwDeviceSigned *ds = ctx->document->device_signed;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = NULL;
  g_autoptr(GBytes) auth_bytes = NULL;

  device_key = device_key_get (ctx->verifier, ctx->mso->device_key, &error);
  if (device_key == NULL)
    {
      verdict_setf (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                    _("The device key in the security object cannot be used: %s"), error->message);
      return;
    }
  if (ctx->transcript == NULL)
    {
      verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                   _("The device authentication cannot be checked without the session transcript."));
      return;
    }

  auth_bytes = idw_device_authentication_bytes (ctx->transcript, ctx->document->doctype,
                                                ds->name_spaces_bytes);

  if (ds->device_mac != NULL)
    {
      g_autofree char *detail = NULL;
      gboolean ok = verify_device_mac (ctx->verifier, ds->device_mac, device_key,
                                       ctx->transcript_tagged, auth_bytes, &detail);

      verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE,
                   ok ? IDW_CHECK_STATUS_PASSED : IDW_CHECK_STATUS_FAILED, detail);
      return;
    }

  {
    g_autoptr(IdwCoseSign1) sign1 = idw_cose_sign1_parse (ds->device_signature, &error);

    if (sign1 == NULL)
      {
        if (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED))
          verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                       _("The holder’s device signed with an unsupported algorithm."));
        else
          verdict_setf (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The device signature is malformed: %s"), error->message);
        return;
      }
    if (!idw_key_allows_alg (device_key, sign1->alg))
      {
        verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                     _("The device signature’s algorithm does not match the device key."));
        return;
      }
    if (sign1->payload != NULL && !g_bytes_equal (sign1->payload, auth_bytes))
      {
        verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                     _("The device signature covers something other than this session."));
        return;
      }
    if (!idw_cose_sign1_verify (sign1, device_key, auth_bytes, &error))
      {
        verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                     _("The device signature does not verify: the presentation was not made with the key the credential was issued to, or was altered."));
        return;
      }
    verdict_set (ctx->verdict, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_PASSED,
                 _("The holder’s device signed this presentation."));
  }
}

/* The nonce of a QR-handover transcript, or NULL. @found tells whether the
 * transcript is one. */
static GBytes *
qr_handover_nonce (GBytes   *transcript,
                   gboolean *found)
{
  g_autoptr(cbor_item_t) item = idw_cbor_decode_bytes (transcript, NULL);
  cbor_item_t *handover;
  cbor_item_t **fields;

  *found = FALSE;
  if (item == NULL || !cbor_isa_array (item) || cbor_array_size (item) != 3)
    return NULL;
  handover = cbor_array_handle (item)[2];
  if (!cbor_isa_array (handover) || cbor_array_size (handover) != 3)
    return NULL;
  fields = cbor_array_handle (handover);
  if (!idw_cbor_string_equal (fields[0], IDW_QR_HANDOVER_NAME))
    return NULL;
  *found = TRUE;
  return cbor_isa_bytestring (fields[2]) ? idw_cbor_dup_bytes (fields[2]) : NULL;
}

/* Checks a nonce against the expected one and the nonce function. */
static gboolean
check_nonce (Context  *ctx,
             GBytes   *nonce,
             char    **detail)
{
  IdwVerifier *v = ctx->verifier;

  if (v->expected_nonce == NULL && v->nonce_func == NULL)
    return TRUE;
  if (nonce == NULL)
    {
      *detail = g_strdup (_("The presentation carries no nonce, but this check expects one: it was not made for this request."));
      return FALSE;
    }
  if (v->expected_nonce != NULL && !g_bytes_equal (nonce, v->expected_nonce))
    {
      *detail = g_strdup (_("The presentation answers another request: its nonce does not match."));
      return FALSE;
    }
  if (v->nonce_func != NULL)
    {
      switch (v->nonce_func (nonce, FALSE, v->nonce_data))
        {
        case IDW_NONCE_UNUSED:
          break;
        case IDW_NONCE_USED:
          *detail = g_strdup (_("The request’s nonce was already used: this presentation is a replay."));
          return FALSE;
        case IDW_NONCE_UNKNOWN:
        default:
          *detail = g_strdup (_("The presentation answers a request this verifier did not make: unknown nonce."));
          return FALSE;
        }
    }
  return TRUE;
}

static void
check_freshness (Context *ctx)
{
  g_autofree char *detail = NULL;

  if (ctx->envelope == NULL)
    {
      g_autoptr(GBytes) nonce = NULL;
      gboolean is_qr = FALSE;

      if (ctx->verifier->expected_nonce == NULL && ctx->verifier->nonce_func == NULL)
        {
          verdict_set (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_NOT_APPLICABLE,
                       _("Not applicable: the session transcript was supplied with the response."));
          return;
        }
      if (ctx->transcript != NULL)
        nonce = qr_handover_nonce (ctx->transcript, &is_qr);
      if (!is_qr)
        {
          verdict_set (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                       _("A nonce is expected, but the session transcript carries none."));
          return;
        }
      if (!check_nonce (ctx, nonce, &detail))
        {
          verdict_set (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED, detail);
          return;
        }
      verdict_set (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_PASSED,
                   _("The presentation answers this verifier’s request."));
      return;
    }

  {
    gint64 now = g_date_time_to_unix (ctx->now);
    gint64 at = ctx->envelope->presented_at;
    gint64 delta = now - at;
    gint64 window = ctx->verifier->window;
    /* A reply that signs a nonce this verifier issued and has not seen used
     * cannot be older than the request, whose lifetime the issuer of the
     * nonce bounds: a person may take minutes to paste it back. */
    gboolean nonce_bound = ctx->envelope->nonce != NULL &&
                           (ctx->verifier->expected_nonce != NULL || ctx->verifier->nonce_func != NULL);

    if (delta > window && !nonce_bound)
      {
        verdict_setf (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The presentation is stale: it was made %lld second ago (at most %lld allowed).",
                                   "The presentation is stale: it was made %lld seconds ago (at most %lld allowed).",
                                   (gulong) delta),
                      (long long) delta, (long long) window);
        return;
      }
    if (-delta > window)
      {
        verdict_setf (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The presentation claims to be made %lld second in the future (at most %lld allowed).",
                                   "The presentation claims to be made %lld seconds in the future (at most %lld allowed).",
                                   (gulong) -delta),
                      (long long) -delta, (long long) window);
        return;
      }
    if (!check_nonce (ctx, ctx->envelope->nonce, &detail))
      {
        verdict_set (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED, detail);
        return;
      }
    delta = MAX (delta, 0);
    if (ctx->verifier->expected_nonce != NULL || ctx->verifier->nonce_func != NULL)
      verdict_setf (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_PASSED,
                    g_dngettext (GETTEXT_PACKAGE,
                                 "Made %lld second ago, in answer to this verifier’s request.",
                                 "Made %lld seconds ago, in answer to this verifier’s request.",
                                 (gulong) delta),
                    (long long) delta);
    else
      verdict_setf (ctx->verdict, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_PASSED,
                    g_dngettext (GETTEXT_PACKAGE, "Made %lld second ago.", "Made %lld seconds ago.",
                                 (gulong) delta),
                    (long long) delta);
  }
}

static void
run_checks (Context     *ctx,
            cbor_item_t *response_item)
{
  IdwVerdict *v = ctx->verdict;

  if (!check_decode (ctx, response_item))
    return;

  check_issuer_signature (ctx);
  /* The MSO is parsed before the trust check needs its signing time, but
   * reported in the standard's order. */
  check_mso (ctx);
  check_issuer_trusted (ctx);

  /* A parsed MSO with the wrong docType or digest algorithm still lets the
   * later checks say what else is wrong. */
  if (ctx->mso != NULL)
    {
      check_validity (ctx);
      check_digests (ctx);
      check_device_signature (ctx);
    }
  else
    {
      const char *why = _("Not checked: the mobile security object is not usable.");

      verdict_set (v, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
      verdict_set (v, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
      verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
    }
  check_freshness (ctx);

  /* Valid: every check passed, except freshness, which is legitimately not
   * applicable to a raw response. */
  v->valid = TRUE;
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    {
      if (v->status[i] == IDW_CHECK_STATUS_PASSED)
        continue;
      if (i == IDW_CHECK_FRESHNESS && v->status[i] == IDW_CHECK_STATUS_NOT_APPLICABLE
          && ctx->envelope == NULL)
        continue;
      v->valid = FALSE;
    }

  if (v->valid && ctx->verifier->nonce_func != NULL)
    {
      g_autoptr(GBytes) nonce = NULL;
      gboolean is_qr;

      if (ctx->envelope != NULL && ctx->envelope->nonce != NULL)
        nonce = g_bytes_ref (ctx->envelope->nonce);
      else if (ctx->envelope == NULL && ctx->transcript != NULL)
        nonce = qr_handover_nonce (ctx->transcript, &is_qr);
      /* Another verification may have consumed the nonce between the
       * check and now: only the one that really took it is valid. */
      if (nonce != NULL &&
          ctx->verifier->nonce_func (nonce, TRUE, ctx->verifier->nonce_data) != IDW_NONCE_UNUSED)
        {
          verdict_set (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                       _("The request’s nonce was already used: this presentation is a replay."));
          v->valid = FALSE;
        }
    }
}

static IdwVerdict *
verdict_new (IdwVerifier *self,
             Context     *ctx)
{
  IdwVerdict *verdict = g_object_new (IDW_TYPE_VERDICT, NULL);

  ctx->verifier = self;
  ctx->verdict = verdict;
  ctx->now = self->at != NULL ? g_date_time_to_utc (self->at) : g_date_time_new_now_utc ();
  verdict->verified_at = g_date_time_ref (ctx->now);
  return verdict;
}

IdwVerdict *
idw_verifier_verify_text (IdwVerifier *self,
                          const char  *text)
{
  g_auto(Context) ctx = { 0 };
  g_autoptr(GError) error = NULL;
  IdwVerdict *verdict;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  verdict = verdict_new (self, &ctx);
  ctx.envelope = idw_envelope_parse_text (text, &error);
  if (ctx.envelope == NULL)
    {
      decode_failed (&ctx, error->message);
      return verdict;
    }
  verdict->presented_at = g_date_time_new_from_unix_utc (ctx.envelope->presented_at);
  ctx.transcript = idw_envelope_get_session_transcript (ctx.envelope);
  {
    GByteArray *tagged = g_byte_array_new ();
    gsize len;
    const guint8 *data = g_bytes_get_data (ctx.transcript, &len);

    append_cbor_head (tagged, 6, IDW_CBOR_TAG_ENCODED_CBOR);
    append_cbor_head (tagged, 2, len);
    g_byte_array_append (tagged, data, (guint) len);
    ctx.transcript_tagged = g_byte_array_free_to_bytes (tagged);
  }
  run_checks (&ctx, ctx.envelope->response);
  return verdict;
}

IdwVerdict *
idw_verifier_verify_response (IdwVerifier *self,
                              GBytes      *device_response,
                              GBytes      *session_transcript)
{
  g_auto(Context) ctx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) response = NULL;
  IdwVerdict *verdict;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (device_response != NULL, NULL);

  verdict = verdict_new (self, &ctx);

  if (g_bytes_get_size (device_response) > IDW_MAX_INFLATED_LENGTH)
    {
      g_autofree char *reason = g_strdup_printf (_("the response is larger than %d bytes"),
                                                 IDW_MAX_INFLATED_LENGTH);

      decode_failed (&ctx, reason);
      return verdict;
    }
  response = idw_cbor_decode_bytes (device_response, &error);
  if (response == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("DeviceResponse: %s", error->message);

      decode_failed (&ctx, reason);
      return verdict;
    }

  if (session_transcript != NULL)
    {
      g_autoptr(cbor_item_t) st = idw_cbor_decode_bytes (session_transcript, &error);

      if (st == NULL)
        {
          g_autofree char *reason = g_strdup_printf (_("SessionTranscript: %s"), error->message);

          decode_failed (&ctx, reason);
          return verdict;
        }
      if (idw_cbor_untag (st, IDW_CBOR_TAG_ENCODED_CBOR) != NULL)
        {
          g_autoptr(cbor_item_t) inner = idw_cbor_decode_tag24 (st, &ctx.transcript, &error);

          if (inner == NULL)
            {
              g_autofree char *reason = g_strdup_printf (_("SessionTranscript: %s"), error->message);

              decode_failed (&ctx, reason);
              return verdict;
            }
          ctx.transcript_tagged = g_bytes_ref (session_transcript);
        }
      else
        {
          GByteArray *tagged = g_byte_array_new ();
          gsize len;
          const guint8 *data = g_bytes_get_data (session_transcript, &len);

          ctx.transcript = g_bytes_ref (session_transcript);
          append_cbor_head (tagged, 6, IDW_CBOR_TAG_ENCODED_CBOR);
          append_cbor_head (tagged, 2, len);
          g_byte_array_append (tagged, data, (guint) len);
          ctx.transcript_tagged = g_byte_array_free_to_bytes (tagged);
        }
    }

  run_checks (&ctx, response);
  return verdict;
}

static gboolean
looks_like_image (const guint8 *data,
                  gsize         len)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };

  return (len >= sizeof png && memcmp (data, png, sizeof png) == 0)
         || (len >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
         || (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
         || (len >= 2 && memcmp (data, "BM", 2) == 0);
}

IdwVerdict *
idw_verifier_verify_data (IdwVerifier *self,
                          GBytes      *data,
                          GBytes      *session_transcript)
{
  gsize len, start = 0;
  const guint8 *bytes;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  bytes = g_bytes_get_data (data, &len);
  while (start < len && g_ascii_isspace (bytes[start]))
    start++;

  if (looks_like_image (bytes, len))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = idw_qr_decode_image (data, &error);

      if (text == NULL)
        {
          g_auto(Context) ctx = { 0 };
          IdwVerdict *verdict = verdict_new (self, &ctx);

          decode_failed (&ctx, error->message);
          return verdict;
        }
      return idw_verifier_verify_text (self, text);
    }

  /* Text starts with a letter; a DeviceResponse map never does. */
  if (start < len && g_ascii_isalpha (bytes[start]))
    {
      g_autofree char *text = NULL;

      if (memchr (bytes, '\0', len) != NULL)
        {
          g_auto(Context) ctx = { 0 };
          IdwVerdict *verdict = verdict_new (self, &ctx);

          decode_failed (&ctx, _("the text contains a NUL byte"));
          return verdict;
        }
      text = g_strndup ((const char *) bytes, len);
      return idw_verifier_verify_text (self, text);
    }

  return idw_verifier_verify_response (self, data, session_transcript);
}
