/* idw-credential.c: a held credential (the .idwcred file of DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-credential.h"
#include "idw-error.h"
#include "idw-read-file-private.h"

#define CREDENTIAL_FILE_VERSION 1

struct _IdwCredential
{
  GObject          parent_instance;

  char            *doctype;
  IdwIssuerSigned *issuer_signed;
  IdwMso          *mso;
  GPtrArray       *x5chain;       /* IdwCertificate* */
  IdwKey          *device_key;    /* public, from the MSO */
  IdwKey          *private_key;   /* nullable */
};

G_DEFINE_FINAL_TYPE (IdwCredential, idw_credential, G_TYPE_OBJECT)

static void
idw_credential_finalize (GObject *object)
{
  IdwCredential *self = IDW_CREDENTIAL (object);

  g_free (self->doctype);
  g_clear_pointer (&self->issuer_signed, idw_issuer_signed_free);
  g_clear_pointer (&self->mso, idw_mso_free);
  g_clear_pointer (&self->x5chain, g_ptr_array_unref);
  g_clear_pointer (&self->device_key, idw_key_unref);
  g_clear_pointer (&self->private_key, idw_key_unref);

  G_OBJECT_CLASS (idw_credential_parent_class)->finalize (object);
}

static void
idw_credential_class_init (IdwCredentialClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_credential_finalize;
}

static void
idw_credential_init (IdwCredential *self)
{
}

/* Every item must be backed by its MSO digest: a credential whose data does
 * not match what the issuer signed could never be presented. */
static gboolean
check_digests (IdwIssuerSigned  *issuer_signed,
               IdwMso           *mso,
               GError          **error)
{
  for (guint i = 0; i < issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (issuer_signed->name_spaces, i);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);
          GBytes *expected = idw_mso_lookup_digest (mso, ns->name_space, item->digest_id);
          g_autoptr(GBytes) actual = NULL;

          actual = idw_issuer_signed_item_digest (item, mso->digest_algorithm, error);
          if (actual == NULL)
            return FALSE;
          if (expected == NULL || !g_bytes_equal (expected, actual))
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_DIGEST_MISMATCH,
                           _("The element %s/%s does not match the issuer’s signed digest"),
                           ns->name_space, item->element_identifier);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/**
 * idw_credential_new:
 * @doctype: (nullable): the document type, or %NULL to take the MSO's
 * @issuer_signed: (transfer full): the issuer-signed data
 * @device_private_key: (nullable): the holder's key (Ed25519 or P-256)
 *   with its private part, to keep in the credential (demos and migrations)
 * @error: return location for a #GError
 *
 * Wraps issuer-signed data as a credential, checking what the file loader
 * checks: a well-formed MSO whose docType is @doctype (any when %NULL), a
 * DS certificate in x5chain, every item matching its MSO digest, and a
 * @device_private_key matching the MSO's device key.
 *
 * Returns: (transfer full): the credential, or %NULL with
 *   IDW_ERROR_MALFORMED, IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD,
 *   IDW_ERROR_BAD_CERTIFICATE, IDW_ERROR_DIGEST_MISMATCH or
 *   IDW_ERROR_UNSUPPORTED.
 */
IdwCredential *
idw_credential_new (const char       *doctype,
                    IdwIssuerSigned  *issuer_signed,
                    IdwKey           *device_private_key,
                    GError          **error)
{
  g_autoptr(IdwIssuerSigned) owned = issuer_signed;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(IdwCredential) self = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *x5chain;

  g_return_val_if_fail (issuer_signed != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sign1 = idw_cose_sign1_parse (issuer_signed->issuer_auth, &local_error);
  if (sign1 == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, _("IssuerSigned issuerAuth: %s"),
                   local_error->message);
      return NULL;
    }
  if (sign1->payload == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("IssuerSigned issuerAuth: the MSO payload is missing"));
      return NULL;
    }

  self = g_object_new (IDW_TYPE_CREDENTIAL, NULL);
  self->mso = idw_mso_parse_payload (sign1->payload, error);
  if (self->mso == NULL)
    return NULL;

  if (doctype != NULL && !g_str_equal (doctype, self->mso->doctype))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The document is a “%s” but its MSO is for “%s”"),
                   doctype, self->mso->doctype);
      return NULL;
    }
  self->doctype = g_strdup (self->mso->doctype);

  x5chain = idw_cose_sign1_get_header (sign1, IDW_COSE_HEADER_X5CHAIN);
  if (x5chain == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("IssuerSigned issuerAuth: no x5chain (document signer certificate)"));
      return NULL;
    }
  self->x5chain = idw_x5chain_parse (x5chain, error);
  if (self->x5chain == NULL)
    return NULL;
  if (self->x5chain->len == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("IssuerSigned issuerAuth: x5chain is empty"));
      return NULL;
    }

  self->device_key = idw_cose_key_decode (self->mso->device_key, &local_error);
  if (self->device_key == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, _("MSO deviceKeyInfo.deviceKey: %s"),
                   local_error->message);
      return NULL;
    }

  if (!check_digests (issuer_signed, self->mso, error))
    return NULL;

  self->issuer_signed = g_steal_pointer (&owned);

  if (device_private_key != NULL
      && !idw_credential_set_private_key (self, device_private_key, error))
    return NULL;

  return g_steal_pointer (&self);
}

static IdwCredential *
credential_from_file_map (cbor_item_t  *map,
                          GError      **error)
{
  const char *S = "Credential file";
  g_autoptr(IdwIssuerSigned) issuer_signed = NULL;
  g_autoptr(IdwKey) private_key = NULL;
  g_autofree char *doctype = NULL;
  cbor_item_t *value;
  guint64 version;

  value = idw_cbor_map_get (map, "version");
  if (value == NULL || !idw_cbor_get_uint (value, &version))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("%s version: expected %s"),
                   S, _("an unsigned integer"));
      return NULL;
    }
  if (version != CREDENTIAL_FILE_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Credential file version %llu is not supported"),
                   (unsigned long long) version);
      return NULL;
    }

  value = idw_cbor_map_get (map, "docType");
  doctype = value != NULL && cbor_isa_string (value) ? idw_cbor_dup_string (value) : NULL;
  if (doctype == NULL)
    {
      g_set_error (error, IDW_ERROR, value == NULL ? IDW_ERROR_MISSING_FIELD : IDW_ERROR_WRONG_TYPE,
                   _("%s docType: expected %s"), S, _("a text string"));
      return NULL;
    }

  issuer_signed = idw_issuer_signed_parse (idw_cbor_map_get (map, "issuerSigned"),
                                           IDW_MDOC_PARSE_DEFAULT, error);
  if (issuer_signed == NULL)
    return NULL;

  value = idw_cbor_map_get (map, "deviceKey");
  if (value != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      private_key = idw_cose_key_decode (value, &local_error);
      if (private_key == NULL)
        {
          g_set_error (error, IDW_ERROR, local_error->code, _("%s deviceKey: %s"), S,
                       local_error->message);
          return NULL;
        }
      if (!idw_key_has_private (private_key))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                       _("%s deviceKey: the private part “d” is missing"), S);
          return NULL;
        }
    }

  return idw_credential_new (doctype, g_steal_pointer (&issuer_signed), private_key, error);
}

static IdwCredential *
credential_from_mdoc (cbor_item_t  *map,
                      GError      **error)
{
  cbor_item_t *documents = idw_cbor_map_get (map, "documents");
  g_autoptr(IdwDocument) document = NULL;

  if (!cbor_isa_array (documents) || cbor_array_size (documents) == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("mdoc documents: expected %s"),
                   _("a non-empty array"));
      return NULL;
    }
  document = idw_document_parse (cbor_array_handle (documents)[0], IDW_MDOC_PARSE_DEFAULT, error);
  if (document == NULL)
    return NULL;
  return idw_credential_new (document->doctype, g_steal_pointer (&document->issuer_signed),
                             NULL, error);
}

/**
 * idw_credential_data_is_credential:
 * @bytes: a file's contents
 *
 * Returns: whether @bytes decode as a CBOR map with "issuerSigned",
 *   "issuerAuth" or "documents": a credential, possibly damaged
 */
gboolean
idw_credential_data_is_credential (GBytes *bytes)
{
  g_autoptr(cbor_item_t) item = NULL;

  g_return_val_if_fail (bytes != NULL, FALSE);

  item = idw_cbor_decode_bytes (bytes, NULL);
  return item != NULL && cbor_isa_map (item)
         && (idw_cbor_map_get (item, "issuerSigned") != NULL
             || idw_cbor_map_get (item, "issuerAuth") != NULL
             || idw_cbor_map_get (item, "documents") != NULL);
}

/**
 * idw_credential_new_from_bytes:
 * @bytes: CBOR: a credential file `{ "version": 1, "docType", "issuerSigned",
 *   ? "deviceKey" }`, a bare IssuerSigned, or an mdoc
 *   `{ "version", "documents": [{ "docType", "issuerSigned" }] }` (the
 *   first document)
 * @error: return location for a #GError
 *
 * Parses and checks the structure (not the issuer's signature or trust:
 * that is the verifier's job). A bare IssuerSigned takes its docType from
 * the MSO.
 *
 * Returns: (transfer full): the credential, or %NULL with IDW_ERROR_LIMIT
 *   (more than IDW_MAX_INPUT_FILE bytes), IDW_ERROR_MALFORMED,
 *   IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD, IDW_ERROR_DUPLICATE,
 *   IDW_ERROR_UNSUPPORTED (file version), IDW_ERROR_BAD_CERTIFICATE or
 *   IDW_ERROR_DIGEST_MISMATCH.
 */
IdwCredential *
idw_credential_new_from_bytes (GBytes  *bytes,
                               GError **error)
{
  g_autoptr(cbor_item_t) top = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (bytes) > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The credential is larger than %d bytes"), IDW_MAX_INPUT_FILE);
      return NULL;
    }

  top = idw_cbor_decode_bytes (bytes, error);
  if (top == NULL)
    return NULL;
  if (!cbor_isa_map (top))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("This is not a credential: expected a CBOR map"));
      return NULL;
    }

  if (idw_cbor_map_get (top, "issuerSigned") != NULL)
    return credential_from_file_map (top, error);
  if (idw_cbor_map_get (top, "documents") != NULL)
    return credential_from_mdoc (top, error);
  if (idw_cbor_map_get (top, "issuerAuth") != NULL)
    {
      g_autoptr(IdwIssuerSigned) issuer_signed = idw_issuer_signed_parse (top, IDW_MDOC_PARSE_DEFAULT, error);

      if (issuer_signed == NULL)
        return NULL;
      return idw_credential_new (NULL, g_steal_pointer (&issuer_signed), NULL, error);
    }

  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("This is not a credential: no issuerSigned, documents or issuerAuth"));
  return NULL;
}

IdwCredential *
idw_credential_new_from_file (const char  *path,
                              GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = _idw_read_file (path, IDW_MAX_INPUT_FILE, error);
  if (bytes == NULL)
    return NULL;
  return idw_credential_new_from_bytes (bytes, error);
}

/**
 * idw_credential_to_bytes:
 * @self: a credential
 * @with_private_key: whether to write the device private key (when held)
 *
 * Returns: (transfer full): the credential file CBOR, deterministic.
 */
GBytes *
idw_credential_to_bytes (IdwCredential *self,
                         gboolean       with_private_key)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  /* Keys in deterministic order (by their encoding). */
  idw_cbor_map_add_str (map, "docType", idw_cbor_new_string (self->doctype));
  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (CREDENTIAL_FILE_VERSION));
  if (with_private_key && self->private_key != NULL)
    {
      cbor_item_t *key = idw_cose_key_encode (self->private_key, TRUE);

      idw_mdoc_cbor_sort_maps (key);
      idw_cbor_map_add_str (map, "deviceKey", key);
    }
  idw_cbor_map_add_str (map, "issuerSigned", idw_issuer_signed_to_cbor (self->issuer_signed));
  return idw_cbor_encode (map);
}

gboolean
idw_credential_save (IdwCredential  *self,
                     const char     *path,
                     gboolean        with_private_key,
                     GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean secret;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  secret = with_private_key && self->private_key != NULL;
  bytes = idw_credential_to_bytes (self, with_private_key);
  data = g_bytes_get_data (bytes, &len);
  if (!g_file_set_contents_full (path, (const char *) data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT,
                                 secret ? 0600 : 0644, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO, _("Cannot write “%s”: %s"), path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

const char *
idw_credential_get_doctype (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->doctype;
}

const char *
idw_credential_get_display_name (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return idw_doctype_get_display_name (self->doctype);
}

static char *
dup_text_value (IdwCredential *self,
                const char    *element)
{
  const char *main_ns = idw_doctype_get_namespace (self->doctype);
  cbor_item_t *value = NULL;

  if (main_ns != NULL)
    value = idw_credential_get_value (self, main_ns, element);
  else
    for (guint i = 0; value == NULL && i < self->issuer_signed->name_spaces->len; i++)
      {
        IdwIssuerNameSpace *ns = g_ptr_array_index (self->issuer_signed->name_spaces, i);

        value = idw_credential_get_value (self, ns->name_space, element);
      }
  return value != NULL && cbor_isa_string (value) ? idw_cbor_dup_string (value) : NULL;
}

/* Whether the holder's own script or the issuing country writes the
 * family name first: Chinese, Japanese, Korean and Vietnamese names keep
 * that order in Latin letters too ("ZHANG Wei" on a Chinese licence). */
static gboolean
family_name_first (IdwCredential *self)
{
  static const char *const countries[] = { "CN", "HK", "MO", "TW", "JP", "KR", "KP", "VN", NULL };
  g_autofree char *national = dup_text_value (self, "family_name_national_character");
  g_autofree char *country = NULL;

  if (national != NULL && g_utf8_validate (national, -1, NULL) && *national != '\0' &&
      g_unichar_iswide (g_utf8_get_char (national)))
    return TRUE;

  country = dup_text_value (self, "issuing_country");
  return country != NULL && g_strv_contains (countries, country);
}

/**
 * idw_credential_dup_holder_name:
 * @self: a credential
 *
 * The holder's name in Latin letters, in the order the name is written:
 * family name first for a name whose national characters are Chinese,
 * Japanese or Korean or whose issuing country writes it so, given names
 * first otherwise.
 *
 * Returns: (transfer full) (nullable): the name, or %NULL when the
 *   credential holds neither given_name nor family_name
 */
char *
idw_credential_dup_holder_name (IdwCredential *self)
{
  g_autofree char *given = NULL;
  g_autofree char *family = NULL;
  const char *family_element = NULL;
  const char *given_element = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  /* The name in Latin letters; a photo ID may write it only in its own
   * script, in family_name. */
  if (idw_doctype_get_name_elements (self->doctype, IDW_NAME_SCRIPT_LATIN, &family_element, &given_element))
    {
      given = dup_text_value (self, given_element);
      family = dup_text_value (self, family_element);
    }
  if (given == NULL && family == NULL)
    {
      given = dup_text_value (self, "given_name");
      family = dup_text_value (self, "family_name");
    }
  if (given != NULL && family != NULL && family_name_first (self))
    /* Translators: a person's name written family name first (Chinese,
     * Japanese, Korean, Vietnamese), %1$s family name, %2$s given names */
    return g_strdup_printf (C_("family name first", "%1$s %2$s"), family, given);
  if (given != NULL && family != NULL)
    /* Translators: a person's name, %1$s given names, %2$s family name */
    return g_strdup_printf (_("%1$s %2$s"), given, family);
  if (family != NULL)
    return g_steal_pointer (&family);
  return g_steal_pointer (&given);
}

IdwIssuerSigned *
idw_credential_get_issuer_signed (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->issuer_signed;
}

IdwMso *
idw_credential_get_mso (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->mso;
}

/* The namespaces in the catalogue's order for the document type (a photo
 * ID's common elements, then its own, then ours), any others after them
 * as stored: deterministic CBOR sorts them by length, which says nothing
 * to people. */
static GPtrArray *
ordered_name_spaces (IdwCredential *self)
{
  const char * const *known = idw_doctype_list_namespaces (self->doctype);
  GPtrArray *stored = self->issuer_signed->name_spaces;
  GPtrArray *ordered = g_ptr_array_sized_new (stored->len);

  for (guint k = 0; known != NULL && known[k] != NULL; k++)
    {
      IdwIssuerNameSpace *ns = idw_issuer_signed_get_name_space (self->issuer_signed, known[k]);

      if (ns != NULL)
        g_ptr_array_add (ordered, ns);
    }
  for (guint i = 0; i < stored->len; i++)
    if (!g_ptr_array_find (ordered, g_ptr_array_index (stored, i), NULL))
      g_ptr_array_add (ordered, g_ptr_array_index (stored, i));
  return ordered;
}

GStrv
idw_credential_list_namespaces (IdwCredential *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) name_spaces = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  name_spaces = ordered_name_spaces (self);
  for (guint i = 0; i < name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (name_spaces, i);

      g_strv_builder_add (builder, ns->name_space);
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
idw_credential_get_items (IdwCredential *self,
                          const char    *name_space)
{
  IdwIssuerNameSpace *ns;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  ns = idw_issuer_signed_get_name_space (self->issuer_signed, name_space);
  return ns != NULL ? ns->items : NULL;
}

GStrv
idw_credential_list_paths (IdwCredential *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) name_spaces = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  name_spaces = ordered_name_spaces (self);
  for (guint i = 0; i < name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (name_spaces, i);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);
          g_autofree char *path = idw_element_path_new (ns->name_space, item->element_identifier);

          g_strv_builder_add (builder, path);
        }
    }
  return g_strv_builder_end (builder);
}

gboolean
idw_credential_has_element (IdwCredential *self,
                            const char    *name_space,
                            const char    *element)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), FALSE);
  return idw_issuer_signed_lookup (self->issuer_signed, name_space, element) != NULL;
}

cbor_item_t *
idw_credential_get_value (IdwCredential *self,
                          const char    *name_space,
                          const char    *element)
{
  IdwIssuerSignedItem *item;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  item = idw_issuer_signed_lookup (self->issuer_signed, name_space, element);
  return item != NULL ? item->element_value : NULL;
}

GStrv
idw_credential_get_preset_paths (IdwCredential *self,
                                 IdwPreset      preset)
{
  g_auto(GStrv) paths = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  paths = idw_credential_list_paths (self);
  return idw_preset_get_elements (preset, self->doctype, (const char * const *) paths);
}

GDateTime *
idw_credential_get_signed (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->mso->signed_at;
}

GDateTime *
idw_credential_get_valid_from (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->mso->valid_from;
}

GDateTime *
idw_credential_get_valid_until (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->mso->valid_until;
}

gboolean
idw_credential_is_valid_at (IdwCredential *self,
                            GDateTime     *at)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), FALSE);

  now = at != NULL ? g_date_time_ref (at) : g_date_time_new_now_utc ();
  return g_date_time_compare (self->mso->valid_from, now) <= 0
         && g_date_time_compare (now, self->mso->valid_until) <= 0;
}

IdwCertificate *
idw_credential_get_ds_certificate (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return g_ptr_array_index (self->x5chain, 0);
}

GPtrArray *
idw_credential_get_x5chain (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->x5chain;
}

IdwCertificate *
idw_credential_get_status_anchor (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);

  if (self->x5chain == NULL || self->x5chain->len == 0)
    return NULL;
  return g_ptr_array_index (self->x5chain, self->x5chain->len - 1);
}

gboolean
idw_credential_is_test_issuer (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), FALSE);
  return idw_certificate_is_test_issuer (idw_credential_get_ds_certificate (self));
}

IdwKey *
idw_credential_get_device_key (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->device_key;
}

IdwKey *
idw_credential_get_private_key (IdwCredential *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), NULL);
  return self->private_key;
}

gboolean
idw_credential_set_private_key (IdwCredential  *self,
                                IdwKey         *key,
                                GError        **error)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), FALSE);

  if (key != NULL)
    {
      if (!idw_key_has_private (key))
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                               _("The device key has no private part"));
          return FALSE;
        }
      if (!idw_key_equal (key, self->device_key))
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                               _("The private key is not this credential’s device key"));
          return FALSE;
        }
      key = idw_key_ref (key);
    }
  g_clear_pointer (&self->private_key, idw_key_unref);
  self->private_key = key;
  return TRUE;
}

/**
 * idw_credential_verify_issuer_signature:
 * @self: a credential
 * @error: return location for a #GError
 *
 * Checks that issuerAuth verifies with the public key of the DS certificate
 * in its x5chain, so the credential holds what its issuer signed. Whether
 * that issuer is trusted is the verifier's question, not this one's.
 *
 * Returns: %TRUE when the signature verifies. Errors:
 *   %IDW_ERROR_BAD_SIGNATURE, %IDW_ERROR_BAD_CERTIFICATE,
 *   %IDW_ERROR_UNSUPPORTED, %IDW_ERROR_MALFORMED
 */
gboolean
idw_credential_verify_issuer_signature (IdwCredential  *self,
                                        GError        **error)
{
  IdwIssuerSigned *issuer_signed;
  IdwCertificate *ds;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(IdwKey) key = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (self), FALSE);

  issuer_signed = idw_credential_get_issuer_signed (self);
  ds = idw_credential_get_ds_certificate (self);
  sign1 = idw_cose_sign1_parse (issuer_signed->issuer_auth, error);
  if (sign1 == NULL)
    return FALSE;

  key = idw_certificate_get_public_key (ds, error);
  if (key == NULL)
    return FALSE;

  return idw_cose_sign1_verify (sign1, key, NULL, error);
}
