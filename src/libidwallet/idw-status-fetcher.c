/* idw-status-fetcher.c: getting Status List Tokens, online or from the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fetch runs libsoup's asynchronous API on a main context of its own,
 * iterated by the calling thread until the response is read or the time is
 * up: one deadline for the whole fetch, redirects included, that cancels
 * whatever is pending. The caller (the verifier) already runs off the main
 * thread.
 *
 * The cache, $XDG_CACHE_HOME/id-wallet/status/SHA256(uri).cbor, keeps the
 * token as it was fetched and when (docs/formats.md):
 *
 *   CachedStatusList = { "uri": tstr, "fetched": uint (Unix seconds), "token": bstr }
 *
 * and is validated again on every use: the cache is not trusted more than
 * the network.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-issuer-status.h"
#include "idw-status-fetcher.h"

#define READ_CHUNK 16384

struct _IdwStatusFetcher
{
  GObject  parent_instance;

  char    *cache_dir;
  gboolean offline;
  guint    timeout;
};

G_DEFINE_FINAL_TYPE (IdwStatusFetcher, idw_status_fetcher, G_TYPE_OBJECT)

static void
idw_status_fetcher_finalize (GObject *object)
{
  IdwStatusFetcher *self = IDW_STATUS_FETCHER (object);

  g_free (self->cache_dir);
  G_OBJECT_CLASS (idw_status_fetcher_parent_class)->finalize (object);
}

static void
idw_status_fetcher_class_init (IdwStatusFetcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_status_fetcher_finalize;
}

static void
idw_status_fetcher_init (IdwStatusFetcher *self)
{
  const char *env = g_getenv (IDW_STATUS_TIMEOUT_ENV);
  guint64 seconds;

  self->timeout = IDW_STATUS_FETCH_TIMEOUT;
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 600, &seconds, NULL))
    self->timeout = (guint) seconds;
}

IdwStatusFetcher *
idw_status_fetcher_new (const char *cache_dir)
{
  IdwStatusFetcher *self = g_object_new (IDW_TYPE_STATUS_FETCHER, NULL);

  self->cache_dir = cache_dir != NULL ? g_strdup (cache_dir)
                                      : g_build_filename (g_get_user_cache_dir (), "id-wallet", "status", NULL);
  return self;
}

const char *
idw_status_fetcher_get_cache_dir (IdwStatusFetcher *self)
{
  g_return_val_if_fail (IDW_IS_STATUS_FETCHER (self), NULL);
  return self->cache_dir;
}

void
idw_status_fetcher_set_offline (IdwStatusFetcher *self,
                                gboolean          offline)
{
  g_return_if_fail (IDW_IS_STATUS_FETCHER (self));
  self->offline = offline;
}

gboolean
idw_status_fetcher_get_offline (IdwStatusFetcher *self)
{
  g_return_val_if_fail (IDW_IS_STATUS_FETCHER (self), FALSE);
  return self->offline;
}

void
idw_status_fetcher_set_timeout (IdwStatusFetcher *self,
                                guint             seconds)
{
  g_return_if_fail (IDW_IS_STATUS_FETCHER (self));
  g_return_if_fail (seconds > 0);
  self->timeout = seconds;
}

/* ---- The cache ------------------------------------------------------------- */

static char *
cache_path (IdwStatusFetcher *self,
            const char       *uri)
{
  guint8 hash[crypto_hash_sha256_BYTES];
  char hex[2 * sizeof hash + 1];
  g_autofree char *name = NULL;

  crypto_hash_sha256 (hash, (const guint8 *) uri, strlen (uri));
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  name = g_strconcat (hex, ".cbor", NULL);
  return g_build_filename (self->cache_dir, name, NULL);
}

/* The cached token for @uri and when it was fetched, or NULL. */
static GBytes *
cache_read (IdwStatusFetcher *self,
            const char       *uri,
            gint64           *out_fetched)
{
  g_autofree char *path = cache_path (self, uri);
  g_autofree char *contents = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  cbor_item_t *value;
  guint64 fetched;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len > IDW_MAX_STATUS_LIST_TOKEN + 4096)
    return NULL;
  item = idw_cbor_decode ((const guint8 *) contents, len, NULL);
  if (item == NULL || !cbor_isa_map (item)
      || !idw_cbor_string_equal (idw_cbor_map_get (item, "uri"), uri)
      || !idw_cbor_get_uint (idw_cbor_map_get (item, "fetched"), &fetched)
      || (value = idw_cbor_map_get (item, "token")) == NULL || !cbor_isa_bytestring (value))
    return NULL;
  *out_fetched = (gint64) MIN (fetched, (guint64) G_MAXINT64);
  return idw_cbor_dup_bytes (value);
}

static void
cache_write (IdwStatusFetcher *self,
             const char       *uri,
             GBytes           *token,
             gint64            fetched)
{
  g_autofree char *path = cache_path (self, uri);
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;

  idw_cbor_map_add_str (map, "uri", idw_cbor_new_string (uri));
  idw_cbor_map_add_str (map, "fetched", idw_cbor_new_int (fetched));
  idw_cbor_map_add_str (map, "token", idw_cbor_new_gbytes (token));
  data = idw_cbor_encode (map);
  /* A cache that cannot be written only costs a fetch next time. */
  if (g_mkdir_with_parents (self->cache_dir, 0700) != 0
      || !g_file_set_contents_full (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("Cannot cache the status list of %s: %s", uri,
             error != NULL ? error->message : g_strerror (errno));
}

/* ---- Fetching -------------------------------------------------------------- */

typedef struct
{
  GMainContext *context;
  GCancellable *cancellable;
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
wait_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

/* Iterates until the pending operation calls wait_done(). */
static GAsyncResult *
wait_run (Wait *wait)
{
  wait->done = FALSE;
  g_clear_object (&wait->result);
  while (!wait->done)
    g_main_context_iteration (wait->context, TRUE);
  return wait->result;
}

static gboolean
deadline_passed (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
set_network_error (GError       **error,
                   GError        *cause,
                   GCancellable  *cancellable,
                   guint          timeout)
{
  if (g_cancellable_is_cancelled (cancellable) || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                 g_dngettext (GETTEXT_PACKAGE, "the issuer’s server did not answer within %u second",
                              "the issuer’s server did not answer within %u seconds", timeout),
                 timeout);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_IO, _("the issuer’s server cannot be reached: %s"),
                 cause->message);
}

/* The body of @stream, at most IDW_MAX_STATUS_LIST_TOKEN bytes. */
static GBytes *
read_body (Wait          *wait,
           GInputStream  *stream,
           guint          timeout,
           GError       **error)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) chunk = NULL;

      g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT, wait->cancellable,
                                       wait_done, wait);
      chunk = g_input_stream_read_bytes_finish (stream, wait_run (wait), &local_error);
      if (chunk == NULL)
        {
          set_network_error (error, local_error, wait->cancellable, timeout);
          return NULL;
        }
      if (g_bytes_get_size (chunk) == 0)
        break;
      if (body->len + g_bytes_get_size (chunk) > IDW_MAX_STATUS_LIST_TOKEN)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("the status list is larger than %d bytes"), IDW_MAX_STATUS_LIST_TOKEN);
          return NULL;
        }
      g_byte_array_append (body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static GBytes *
fetch_in_context (IdwStatusFetcher  *self,
                  Wait              *wait,
                  const char        *uri,
                  GError           **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *location = g_strdup (uri);

  session = soup_session_new_with_options ("timeout", self->timeout,
                                           "idle-timeout", self->timeout,
                                           "user-agent", "id-wallet/" PACKAGE_VERSION,
                                           NULL);

  for (guint redirects = 0;; redirects++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(GError) local_error = NULL;
      SoupMessageHeaders *headers;
      guint status;

      if (!idw_status_uri_is_valid (location))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                       _("the status list address is not an http or https address"));
          return NULL;
        }
      msg = soup_message_new (SOUP_METHOD_GET, location);
      if (msg == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED, _("the status list address is not valid"));
          return NULL;
        }
      /* Redirects are followed here, counted and checked for their scheme. */
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      soup_message_headers_append (soup_message_get_request_headers (msg), "Accept",
                                   IDW_STATUS_LIST_CWT_TYPE);

      soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, wait->cancellable, wait_done, wait);
      stream = soup_session_send_finish (session, wait_run (wait), &local_error);
      if (stream == NULL)
        {
          set_network_error (error, local_error, wait->cancellable, self->timeout);
          return NULL;
        }

      status = soup_message_get_status (msg);
      headers = soup_message_get_response_headers (msg);
      if (SOUP_STATUS_IS_REDIRECTION (status) && soup_message_headers_get_one (headers, "Location") != NULL)
        {
          g_autoptr(GUri) next = NULL;

          if (redirects >= IDW_STATUS_MAX_REDIRECTS)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                           _("the issuer’s server redirected more than %d times"), IDW_STATUS_MAX_REDIRECTS);
              return NULL;
            }
          next = g_uri_parse_relative (soup_message_get_uri (msg),
                                       soup_message_headers_get_one (headers, "Location"),
                                       G_URI_FLAGS_NONE, NULL);
          if (next == NULL)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_IO, _("the issuer’s server redirected to a bad address"));
              return NULL;
            }
          g_free (location);
          location = g_uri_to_string (next);
          g_input_stream_close (stream, NULL, NULL);
          continue;
        }
      if (status != SOUP_STATUS_OK)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_IO, _("the issuer’s server answered %u %s"),
                       status, soup_message_get_reason_phrase (msg));
          return NULL;
        }
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
          && soup_message_headers_get_content_length (headers) > IDW_MAX_STATUS_LIST_TOKEN)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("the status list is larger than %d bytes"), IDW_MAX_STATUS_LIST_TOKEN);
          return NULL;
        }
      return read_body (wait, stream, self->timeout, error);
    }
}

static GBytes *
fetch (IdwStatusFetcher  *self,
       const char        *uri,
       GError           **error)
{
  Wait wait = { 0 };
  g_autoptr(GSource) deadline = NULL;
  GBytes *body;

  wait.context = g_main_context_new ();
  wait.cancellable = g_cancellable_new ();
  g_main_context_push_thread_default (wait.context);

  deadline = g_timeout_source_new_seconds (self->timeout);
  g_source_set_callback (deadline, deadline_passed, wait.cancellable, NULL);
  g_source_attach (deadline, wait.context);

  body = fetch_in_context (self, &wait, uri, error);

  g_source_destroy (deadline);
  /* The last result holds the response stream: libsoup must see it go
   * on the context the request was made on. */
  g_clear_object (&wait.result);
  /* Lets libsoup finish what the session's disposal queued. */
  while (g_main_context_iteration (wait.context, FALSE))
    ;
  g_main_context_pop_thread_default (wait.context);
  g_object_unref (wait.cancellable);
  g_main_context_unref (wait.context);
  return body;
}

/* ---- Lookup ---------------------------------------------------------------- */

static IdwStatusToken *
token_from_bytes (GBytes      *data,
                  const char  *uri,
                  GPtrArray   *anchors,
                  GDateTime   *now,
                  GError     **error)
{
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(GError) local_error = NULL;

  token = idw_status_token_parse (data, &local_error);
  if (token == NULL || !idw_status_token_validate (token, anchors, uri, now, &local_error))
    {
      if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_EXPIRED)
          || g_error_matches (local_error, IDW_ERROR, IDW_ERROR_LIMIT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, IDW_ERROR, local_error->code,
                     _("the status list is not a valid signed list: %s"), local_error->message);
      return NULL;
    }
  return g_steal_pointer (&token);
}

IdwStatusToken *
idw_status_fetcher_lookup (IdwStatusFetcher  *self,
                           const char        *uri,
                           GPtrArray         *anchors,
                           GDateTime         *now,
                           GError           **error)
{
  g_autoptr(GBytes) cached_bytes = NULL;
  g_autoptr(IdwStatusToken) cached = NULL;
  g_autoptr(GError) cache_error = NULL;
  g_autoptr(GError) fetch_error = NULL;
  g_autoptr(GBytes) fetched = NULL;
  IdwStatusToken *token;
  gint64 fetched_at = 0;
  gint64 now_unix;

  g_return_val_if_fail (IDW_IS_STATUS_FETCHER (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (anchors != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (!idw_status_uri_is_valid (uri))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("the status list address is not an http or https address"));
      return NULL;
    }
  now_unix = g_date_time_to_unix (now);

  cached_bytes = cache_read (self, uri, &fetched_at);
  if (cached_bytes != NULL)
    cached = token_from_bytes (cached_bytes, uri, anchors, now, &cache_error);
  /* Fresh by its ttl (and fetched no later than now): no network. */
  if (cached != NULL
      && (self->offline
          || (cached->ttl > 0 && fetched_at <= now_unix && now_unix - fetched_at < (gint64) MIN (cached->ttl, G_MAXINT64))))
    return g_steal_pointer (&cached);
  if (self->offline)
    {
      if (cache_error != NULL)
        g_set_error (error, IDW_ERROR, cache_error->code, _("offline, and the saved list is unusable: %s"),
                     cache_error->message);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND, _("offline, and no list was saved"));
      return NULL;
    }

  fetched = fetch (self, uri, &fetch_error);
  if (fetched != NULL)
    {
      token = token_from_bytes (fetched, uri, anchors, now, &fetch_error);
      if (token != NULL)
        {
          cache_write (self, uri, fetched, g_get_real_time () / G_USEC_PER_SEC);
          return token;
        }
    }
  /* The network failed us: a list fetched before is good until it expires. */
  if (cached != NULL)
    return g_steal_pointer (&cached);
  g_propagate_error (error, g_steal_pointer (&fetch_error));
  return NULL;
}

gboolean
idw_status_fetcher_get_status (IdwStatusFetcher  *self,
                               const char        *uri,
                               guint64            index,
                               IdwCertificate    *anchor,
                               GDateTime         *now,
                               guint             *out_status,
                               IdwStatusToken   **out_token,
                               GError           **error)
{
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean found;

  g_return_val_if_fail (IDW_IS_STATUS_FETCHER (self), FALSE);
  g_return_val_if_fail (anchor != NULL, FALSE);
  g_return_val_if_fail (out_status != NULL, FALSE);

  anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  g_ptr_array_add (anchors, idw_certificate_ref (anchor));
  token = idw_status_fetcher_lookup (self, uri, anchors, now, error);
  if (token == NULL)
    return FALSE;
  found = idw_status_list_get (token->list, index, out_status, &local_error);
  if (!found)
    g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                 _("the issuer’s revocation list has no entry %llu"), (unsigned long long) index);
  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return found;
}
