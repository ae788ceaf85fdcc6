/* idw-verifier.c: the verification pipeline (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier object, its caches, and the way in: an IdwInput comes in;
 * read_input() takes it to a DeviceResponse and its session transcript
 * (through the IDW1 transport and envelope for text and pictures); then
 * the checks run (idw-verifier-checks.c).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-verdict-private.h"
#include "idw-verifier-private.h"
#include "idw-verifier.h"

#define CACHE_MAX_ENTRIES 64

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
  g_clear_pointer (&entry->anchor, idw_certificate_unref);
  g_free (entry->ignored_extensions);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChainEntry, chain_entry_unref)

G_DEFINE_FINAL_TYPE (IdwVerifier, idw_verifier, G_TYPE_OBJECT)

static void
clear_reader_key (IdwVerifier *self)
{
  g_clear_pointer (&self->reader_key, sodium_free);
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

  g_mutex_lock (&self->cache_lock);
  g_ptr_array_add (self->anchors, idw_certificate_ref (anchor));
  self->anchors_generation++;
  g_mutex_unlock (&self->cache_lock);
}

void
idw_verifier_clear_trust_anchors (IdwVerifier *self)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));

  g_mutex_lock (&self->cache_lock);
  g_ptr_array_set_size (self->anchors, 0);
  self->anchors_generation++;
  g_mutex_unlock (&self->cache_lock);
}

void
idw_verifier_set_trust_anchors (IdwVerifier *self,
                                GPtrArray   *anchors)
{
  gboolean same;

  g_return_if_fail (IDW_IS_VERIFIER (self));
  g_return_if_fail (anchors != NULL);

  g_mutex_lock (&self->cache_lock);
  same = anchors->len == self->anchors->len;
  for (guint i = 0; same && i < anchors->len; i++)
    same = idw_certificate_equal (g_ptr_array_index (anchors, i), g_ptr_array_index (self->anchors, i));
  if (!same)
    {
      g_ptr_array_set_size (self->anchors, 0);
      for (guint i = 0; i < anchors->len; i++)
        g_ptr_array_add (self->anchors, idw_certificate_ref (g_ptr_array_index (anchors, i)));
      self->anchors_generation++;
    }
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

/**
 * idw_verifier_set_reader_key:
 * @self: a verifier
 * @d: (nullable): the reader's ephemeral P-256 private scalar (32 bytes,
 *   big-endian), %NULL to forget it
 * @len: length of @d
 * @error: return location for a #GError
 *
 * Lets the verifier check deviceMac (COSE_Mac0) authentication of real
 * ISO 18013-5 sessions. Without it, a deviceMac is reported as not
 * checkable and the verdict is invalid.
 *
 * Returns: %FALSE with IDW_ERROR_MALFORMED when @d is not a valid scalar.
 */
gboolean
idw_verifier_set_reader_key (IdwVerifier   *self,
                             const guint8  *d,
                             gsize          len,
                             GError       **error)
{
  g_return_val_if_fail (IDW_IS_VERIFIER (self), FALSE);

  clear_reader_key (self);
  if (d == NULL)
    return TRUE;

  if (!idw_key_check_p256_scalar (d, len, error))
    return FALSE;

  /* Guarded memory for the reader's private key (sodium_init() is cheap
   * and safe to repeat). */
  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");
  self->reader_key = sodium_malloc (IDW_P256_SCALAR_LENGTH);
  g_assert (self->reader_key != NULL);
  memcpy (self->reader_key, d, IDW_P256_SCALAR_LENGTH);
  return TRUE;
}

/* Hex text (white space ignored) or raw bytes of exactly @len bytes, in
 * guarded memory (free it with sodium_free()). Errors: IDW_ERROR_MALFORMED. */
static guint8 *
parse_key_file (GBytes  *contents,
                gsize    len,
                GError **error)
{
  const guint8 *data;
  gsize size;
  guint8 *result;
  gsize n = 0;
  int high = -1;

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");

  data = g_bytes_get_data (contents, &size);
  result = sodium_malloc (len);
  g_assert (result != NULL);

  /* Exactly @len bytes are the raw key; anything else must be hex. */
  if (size == len)
    {
      memcpy (result, data, len);
      return result;
    }

  for (gsize i = 0; i < size; i++)
    {
      int digit;

      if (g_ascii_isspace (data[i]))
        continue;

      digit = g_ascii_xdigit_value ((char) data[i]);
      if (digit < 0 || n >= len)
        goto bad;

      if (high < 0)
        {
          high = digit;
        }
      else
        {
          result[n++] = (guint8) ((high << 4) | digit);
          high = -1;
        }
    }

  if (n == len && high < 0)
    return result;

bad:
  sodium_free (result);
  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               _("The key file must hold %zu bytes, as raw bytes or hexadecimal text."),
               len);
  return NULL;
}

/**
 * idw_verifier_set_reader_key_from_data:
 * @self: a verifier
 * @contents: a key file's contents: the reader's ephemeral P-256 private
 *   scalar as 32 raw bytes, or as hexadecimal text (white space ignored)
 * @error: return location for a #GError
 *
 * idw_verifier_set_reader_key() for what a person hands over in a file.
 * The key passes through guarded memory only.
 *
 * Returns: %FALSE with IDW_ERROR_MALFORMED when @contents is neither form
 *   or not a valid scalar.
 */
gboolean
idw_verifier_set_reader_key_from_data (IdwVerifier  *self,
                                       GBytes       *contents,
                                       GError      **error)
{
  guint8 *d;
  gboolean ok;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  d = parse_key_file (contents, IDW_P256_SCALAR_LENGTH, error);
  if (d == NULL)
    return FALSE;
  ok = idw_verifier_set_reader_key (self, d, IDW_P256_SCALAR_LENGTH, error);
  sodium_free (d);
  return ok;
}

/* ---- Caches ---------------------------------------------------------------- */

/* "IssuerAltName (2.5.29.18) of “CN=…”, …", or NULL when every extension
 * of every certificate could be read. */
static char *
describe_ignored_extensions (GPtrArray *chain)
{
  g_autoptr(GString) out = NULL;

  for (guint i = 0; i < chain->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (chain, i);
      const char * const *names = idw_certificate_get_ignored_extensions (cert);
      g_autofree char *subject = NULL;

      if (names == NULL || names[0] == NULL)
        continue;
      subject = idw_certificate_get_subject (cert);
      for (guint j = 0; names[j] != NULL; j++)
        {
          if (out == NULL)
            out = g_string_new (NULL);
          else
            g_string_append (out, ", ");
          /* Translators: "IssuerAltName (2.5.29.18) of “CN=…”" */
          g_string_append_printf (out, _("%s of “%s”"), names[j], subject);
        }
    }
  return out != NULL ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* The parsed x5chain @item, from the cache when seen before. Errors of
 * idw_x5chain_parse(); an empty chain is IDW_ERROR_MISSING_FIELD. */
ChainEntry *
_idw_verifier_chain_entry_get (IdwVerifier  *self,
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
  /* The mark counts wherever it appears: a test IACA's document signer
   * without the mark is still a test issuer. */
  for (guint i = 0; i < entry->chain->len; i++)
    entry->test_issuer = entry->test_issuer
                         || idw_certificate_is_test_issuer (g_ptr_array_index (entry->chain, i));
  entry->ignored_extensions = describe_ignored_extensions (entry->chain);

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->chain_cache) >= CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (self->chain_cache);
  g_hash_table_insert (self->chain_cache, g_bytes_ref (key), chain_entry_ref (entry));
  g_mutex_unlock (&self->cache_lock);
  return g_steal_pointer (&entry);
}

/* Whether @entry was validated against the current anchors for a window
 * that holds @signed_at and @now; then its anchor (new reference). */
gboolean
_idw_verifier_chain_entry_is_validated (IdwVerifier     *self,
                                        ChainEntry      *entry,
                                        GDateTime       *signed_at,
                                        GDateTime       *now,
                                        IdwCertificate **out_anchor,
                                        gboolean        *out_pinned,
                                        gboolean        *out_test_issuer)
{
  gint64 s = g_date_time_to_unix (signed_at);
  gint64 n = g_date_time_to_unix (now);
  gboolean ok;

  g_mutex_lock (&self->cache_lock);
  ok = entry->validated && entry->validated_generation == self->anchors_generation
       && entry->valid_from <= s && s <= entry->valid_until
       && entry->valid_from <= n && n <= entry->valid_until;
  if (ok)
    {
      *out_anchor = idw_certificate_ref (entry->anchor);
      *out_pinned = entry->pinned;
      *out_test_issuer = entry->path_test_issuer;
    }
  g_mutex_unlock (&self->cache_lock);
  return ok;
}

void
_idw_verifier_chain_entry_set_validated (IdwVerifier    *self,
                                         ChainEntry     *entry,
                                         IdwTrustPath   *path,
                                         gboolean        path_test_issuer,
                                         guint           generation)
{
  IdwCertificate *anchor = path->anchor;
  gint64 from = G_MININT64, until = G_MAXINT64;

  /* Conservative: every certificate of the chain and the anchor. */
  for (guint i = 0; i <= entry->chain->len; i++)
    {
      IdwCertificate *cert = i < entry->chain->len ? g_ptr_array_index (entry->chain, i) : anchor;
      g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
      g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);

      from = MAX (from, g_date_time_to_unix (not_before));
      until = MIN (until, g_date_time_to_unix (not_after));
    }

  g_mutex_lock (&self->cache_lock);
  entry->validated = TRUE;
  entry->validated_generation = generation;
  entry->valid_from = from;
  entry->valid_until = until;
  g_clear_pointer (&entry->anchor, idw_certificate_unref);
  entry->anchor = idw_certificate_ref (anchor);
  entry->pinned = path->ds_pinned;
  entry->path_test_issuer = path_test_issuer;
  g_mutex_unlock (&self->cache_lock);
}

/* The device key of @cose_key, from the cache when seen before. */
IdwKey *
_idw_verifier_device_key_get (IdwVerifier  *self,
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

  key = idw_cose_key_decode (cose_key, error);
  if (key == NULL)
    return NULL;

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->key_cache) >= CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (self->key_cache);
  g_hash_table_insert (self->key_cache, g_bytes_ref (bytes), idw_key_ref (key));
  g_mutex_unlock (&self->cache_lock);
  return key;
}

/* ---- Reading the input ----------------------------------------------------- */

static void
context_clear (Context *ctx)
{
  g_clear_pointer (&ctx->now, g_date_time_unref);
  g_clear_pointer (&ctx->input, idw_input_contents_free);
  g_clear_pointer (&ctx->response, idw_device_response_free);
  g_clear_pointer (&ctx->issuer_auth, idw_cose_sign1_free);
  g_clear_pointer (&ctx->issuer_auth_error, g_free);
  g_clear_pointer (&ctx->mso_payload, g_bytes_unref);
  g_clear_pointer (&ctx->chain, chain_entry_unref);
  g_clear_pointer (&ctx->mso, idw_mso_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Context, context_clear)

/* Input to DeviceResponse and transcript: the transport and envelope. */
static gboolean
read_input (Context  *ctx,
            IdwInput *input)
{
  GError *error = NULL;
  IdwInputContents *contents;

  ctx->verdict->input_source = idw_input_get_source (input);
  ctx->verdict->input_kind = idw_input_get_kind (input);

  contents = idw_input_open (input, &error);
  if (contents == NULL)
    {
      _idw_verifier_decode_failed (ctx, error);
      return FALSE;
    }
  ctx->input = contents;
  return TRUE;
}

/* ---- The pipeline ---------------------------------------------------------- */

/**
 * idw_verifier_verify:
 * @self: a verifier
 * @input: what was given
 *
 * The pipeline: runs every check of DESIGN §4 on @input. Never fails: an
 * input that is no presentation gives a verdict whose `decode` check
 * failed with the reason (idw_verdict_get_decode_error() has the code). A
 * response must hold exactly one document. Freshness: an ID Wallet QR
 * handover, in an IDW1 envelope or as the transcript of a raw response,
 * must be within the freshness window (a reply bound to a nonce this
 * verifier issued and has not seen used may be older) and its nonce must
 * be known and unused; other transcripts come from sessions the caller
 * ran, and the caller vouches for their freshness (`freshness` is then
 * not applicable). When the verdict is valid, the nonce is used up.
 * Thread-safe: several verifications may run at once.
 *
 * Returns: (transfer full): the verdict.
 */
IdwVerdict *
idw_verifier_verify (IdwVerifier *self,
                     IdwInput    *input)
{
  g_auto(Context) ctx = { 0 };
  IdwVerdict *verdict;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (input != NULL, NULL);

  ctx.verifier = self;
  ctx.now = self->at != NULL ? g_date_time_to_utc (self->at) : g_date_time_new_now_utc ();
  ctx.verdict = verdict = _idw_verdict_new (ctx.now);

  if (read_input (&ctx, input))
    {
      verdict->handover = ctx.input->handover;
      verdict->nonce = ctx.input->nonce != NULL ? g_bytes_ref (ctx.input->nonce) : NULL;
      if (ctx.input->has_presented_at)
        verdict->presented_at = g_date_time_new_from_unix_utc (ctx.input->presented_at);
      _idw_verifier_run_checks (&ctx);
    }
  return verdict;
}

/* A verdict for input that could not even be recognised. */
static IdwVerdict *
verify_unreadable (IdwVerifier *self,
                   GError      *error)
{
  g_auto(Context) ctx = { 0 };

  ctx.verifier = self;
  ctx.now = self->at != NULL ? g_date_time_to_utc (self->at) : g_date_time_new_now_utc ();
  ctx.verdict = _idw_verdict_new (ctx.now);
  ctx.verdict->input_kind = IDW_INPUT_UNKNOWN;
  _idw_verifier_decode_failed (&ctx, error);
  return ctx.verdict;
}

IdwVerdict *
idw_verifier_verify_text (IdwVerifier *self,
                          const char  *text)
{
  g_autoptr(IdwInput) input = NULL;
  GError *error = NULL;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  input = idw_input_new_from_text (text, &error);
  if (input == NULL)
    return verify_unreadable (self, error);
  return idw_verifier_verify (self, input);
}

IdwVerdict *
idw_verifier_verify_response (IdwVerifier *self,
                              GBytes      *device_response,
                              GBytes      *session_transcript)
{
  g_autoptr(IdwInput) input = NULL;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (device_response != NULL, NULL);

  input = idw_input_new_from_device_response (device_response, session_transcript);
  return idw_verifier_verify (self, input);
}

IdwVerdict *
idw_verifier_verify_data (IdwVerifier *self,
                          GBytes      *data,
                          GBytes      *session_transcript)
{
  g_autoptr(IdwInput) input = NULL;
  GError *error = NULL;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  input = idw_input_new_from_data (data, &error);
  if (input == NULL)
    return verify_unreadable (self, error);
  if (session_transcript != NULL)
    idw_input_set_session_transcript (input, session_transcript);
  return idw_verifier_verify (self, input);
}
