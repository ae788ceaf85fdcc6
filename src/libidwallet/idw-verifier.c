/* idw-verifier.c: the verification pipeline (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier object and the way in: an IdwInput comes in;
 * read_input() takes it to a DeviceResponse and its session transcript
 * (through the IDW1 transport and envelope for text and pictures); then
 * the checks run (idw-verifier-checks.c), helped by the caches of
 * validated chains and device keys (idw-verifier-cache.c).
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
  g_clear_pointer (&self->origins, g_hash_table_unref);
  g_clear_pointer (&self->at, g_date_time_unref);
  if (self->nonce_destroy != NULL)
    self->nonce_destroy (self->nonce_data);
  g_clear_pointer (&self->expected_nonce, g_bytes_unref);
  clear_reader_key (self);
  g_clear_object (&self->status_fetcher);
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
                                             (GDestroyNotify) _idw_verifier_chain_entry_unref);
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
  g_clear_pointer (&self->origins, g_hash_table_unref);
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

/**
 * idw_verifier_set_trust_origins:
 * @self: a verifier
 * @origins: (nullable) (element-type utf8 IdwTrustOrigin): SHA-256
 *   fingerprint (lowercase hex) of an anchor → where it came from
 *
 * Replaces the origins of the anchors with a copy of @origins. Origins
 * say where trust came from; they change no check, and keep the
 * validated chains.
 */
void
idw_verifier_set_trust_origins (IdwVerifier *self,
                                GHashTable  *origins)
{
  g_autoptr(GHashTable) copy = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_return_if_fail (IDW_IS_VERIFIER (self));

  if (origins != NULL && g_hash_table_size (origins) > 0)
    {
      copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) idw_trust_origin_unref);
      g_hash_table_iter_init (&iter, origins);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy, g_strdup (key), idw_trust_origin_ref (value));
    }

  g_mutex_lock (&self->cache_lock);
  g_clear_pointer (&self->origins, g_hash_table_unref);
  self->origins = g_steal_pointer (&copy);
  g_mutex_unlock (&self->cache_lock);
}

/**
 * idw_verifier_lookup_trust_origin:
 * @self: a verifier
 * @anchor: a trust anchor
 *
 * Returns: (transfer full) (nullable): where @anchor came from, %NULL for
 *   an anchor added one by one
 */
IdwTrustOrigin *
idw_verifier_lookup_trust_origin (IdwVerifier    *self,
                                  IdwCertificate *anchor)
{
  g_autofree char *fingerprint = NULL;
  IdwTrustOrigin *origin = NULL;

  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (anchor != NULL, NULL);

  g_mutex_lock (&self->cache_lock);
  if (self->origins != NULL)
    {
      fingerprint = idw_certificate_get_fingerprint (anchor);
      origin = g_hash_table_lookup (self->origins, fingerprint);
      if (origin != NULL)
        idw_trust_origin_ref (origin);
    }
  g_mutex_unlock (&self->cache_lock);

  return origin;
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

void
idw_verifier_set_status_fetcher (IdwVerifier      *self,
                                 IdwStatusFetcher *fetcher)
{
  g_return_if_fail (IDW_IS_VERIFIER (self));
  g_return_if_fail (fetcher == NULL || IDW_IS_STATUS_FETCHER (fetcher));
  g_set_object (&self->status_fetcher, fetcher);
}

IdwStatusFetcher *
idw_verifier_get_status_fetcher (IdwVerifier *self)
{
  g_return_val_if_fail (IDW_IS_VERIFIER (self), NULL);
  return self->status_fetcher;
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
  g_clear_pointer (&ctx->chain, _idw_verifier_chain_entry_unref);
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
