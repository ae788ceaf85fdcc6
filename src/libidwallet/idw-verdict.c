/* idw-verdict.c: the outcome of a verification, check by check (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-cbor-json.h"
#include "idw-doctype.h"
#include "idw-verdict-private.h"

/* ---- Checks ------------------------------------------------------------ */

static const char * const check_names[IDW_N_CHECKS] = {
  "decode",
  "issuer_signature",
  "issuer_trusted",
  "mso",
  "validity",
  "digests",
  "device_signature",
  "status",
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
    case IDW_CHECK_STATUS_UNDETERMINED:
      return "undetermined";
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
    case IDW_CHECK_REVOCATION:
      return _("Not revoked");
    case IDW_CHECK_FRESHNESS:
      return _("Freshness");
    case IDW_N_CHECKS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ---- Verdict ----------------------------------------------------------- */

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
  g_clear_pointer (&self->trust_anchor, idw_certificate_unref);
  g_clear_pointer (&self->trust_origin, idw_trust_origin_unref);
  g_clear_error (&self->decode_error);
  g_clear_pointer (&self->nonce, g_bytes_unref);
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

IdwVerdict *
_idw_verdict_new (GDateTime *verified_at)
{
  IdwVerdict *self = g_object_new (IDW_TYPE_VERDICT, NULL);

  self->verified_at = g_date_time_ref (verified_at);
  return self;
}

void
_idw_verdict_add_disclosed (IdwVerdict  *self,
                            const char  *name_space,
                            const char  *element,
                            cbor_item_t *value)
{
  IdwDisclosedElement *e = g_new0 (IdwDisclosedElement, 1);

  e->name_space = g_strdup (name_space);
  e->element = g_strdup (element);
  e->value = cbor_incref (value);
  g_ptr_array_add (self->disclosed, e);
}

void
_idw_verdict_set (IdwVerdict     *self,
                  IdwCheck        check,
                  IdwCheckStatus  status,
                  const char     *detail)
{
  self->status[check] = status;
  g_free (self->detail[check]);
  self->detail[check] = g_strdup (detail);
}

void
_idw_verdict_setf (IdwVerdict     *self,
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

IdwCertificate *
idw_verdict_get_trust_anchor (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->trust_anchor;
}

IdwTrustOrigin *
idw_verdict_get_trust_origin (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);

  return self->trust_origin;
}

gboolean
idw_verdict_is_pinned (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), FALSE);
  return self->pinned;
}

IdwInputSource
idw_verdict_get_input_source (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), IDW_INPUT_SOURCE_TEXT);
  return self->input_source;
}

IdwInputKind
idw_verdict_get_input_kind (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), IDW_INPUT_UNKNOWN);
  return self->input_kind;
}

const GError *
idw_verdict_get_decode_error (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->decode_error;
}

IdwHandoverKind
idw_verdict_get_handover (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), IDW_HANDOVER_NONE);
  return self->handover;
}

GBytes *
idw_verdict_get_nonce (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), NULL);
  return self->nonce;
}

IdwNonceState
idw_verdict_get_nonce_state (IdwVerdict *self)
{
  g_return_val_if_fail (IDW_IS_VERDICT (self), IDW_NONCE_UNKNOWN);
  return self->nonce_state;
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

/**
 * idw_verdict_to_json_node:
 * @self: a verdict
 *
 * The verdict as `{"valid": bool, "checks": [{"name", "status",
 * "detail"}], "docType", "issuer": {"subject", "commonName", "country",
 * "organization", "testIssuer", "pinned", "trustOrigin":
 * idw_trust_origin_to_json_node() | null} | null, "presentedAt": RFC 3339 |
 * null, "handover": idw_handover_kind_to_string() | null, "nonce": base64 |
 * null, "disclosed": {ns: {element: value}}}`, values as
 * idw_cbor_value_to_json() writes them.
 *
 * Returns: (transfer full): an object node.
 */
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
      json_builder_set_member_name (builder, "pinned");
      json_builder_add_boolean_value (builder, self->pinned);
      json_builder_set_member_name (builder, "trustOrigin");
      if (self->trust_origin != NULL)
        json_builder_add_value (builder, idw_trust_origin_to_json_node (self->trust_origin));
      else
        json_builder_add_null_value (builder);
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

  json_builder_set_member_name (builder, "handover");
  if (self->handover != IDW_HANDOVER_NONE)
    json_builder_add_string_value (builder, idw_handover_kind_to_string (self->handover));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "nonce");
  if (self->nonce != NULL)
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (self->nonce, NULL),
                                              g_bytes_get_size (self->nonce));

      json_builder_add_string_value (builder, b64);
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

