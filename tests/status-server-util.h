/* status-server-util.h: an HTTP server on loopback for status lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer in a thread of its own (so that a test may block in the
 * verifier or the CLI while it answers). /list serves the token set with
 * server_set_list() (404 without one); /redirect, /loop, /ftp, /junk, /big
 * and /slow give the bad answers a verifier must survive. The test build
 * of the sanitizer suppresses libsoup 3.2.2's own server-side leaks
 * (tests/data/lsan-soup-server.supp).
 */
#pragma once

#include <libsoup/soup.h>

#include "idwallet.h"

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GBytes       *list;     /* what /list serves, NULL: 404 */
  char         *base;     /* http://127.0.0.1:PORT */
} Server;

static inline gboolean
resume_slow (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static inline void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Server *s = user_data;

  if (g_str_equal (path, "/list") || g_str_equal (path, "/list2"))
    {
      g_autoptr(GBytes) list = NULL;

      g_mutex_lock (&s->lock);
      list = s->list != NULL ? g_bytes_ref (s->list) : NULL;
      g_mutex_unlock (&s->lock);
      if (list == NULL)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
          return;
        }
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_COPY,
                                        g_bytes_get_data (list, NULL), g_bytes_get_size (list));
    }
  else if (g_str_equal (path, "/redirect"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/list");
  else if (g_str_equal (path, "/loop"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/loop");
  else if (g_str_equal (path, "/ftp"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "ftp://127.0.0.1/list");
  else if (g_str_equal (path, "/junk"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_STATIC, "not a token", 11);
    }
  else if (g_str_equal (path, "/big"))
    {
      gsize len = IDW_MAX_STATUS_LIST_TOKEN + 1;

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_TAKE,
                                        g_malloc0 (len), len);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* Answers long after the client's 1-second deadline. */
      g_autoptr(GSource) later = g_timeout_source_new_seconds (5);

      soup_server_message_pause (msg);
      g_source_set_callback (later, resume_slow, g_object_ref (msg), g_object_unref);
      g_source_attach (later, s->context);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static inline gpointer
server_thread (gpointer data)
{
  Server *s = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (s->context);
  s->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->server, NULL, handle, s, NULL);
  soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (s->server);
  g_mutex_lock (&s->lock);
  s->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  s->ready = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (s->loop);

  soup_server_disconnect (s->server);
  g_clear_object (&s->server);
  while (g_main_context_iteration (s->context, FALSE))
    ;
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static inline void
server_start (Server *s)
{
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  s->thread = g_thread_new ("status-server", server_thread, s);
  g_mutex_lock (&s->lock);
  while (!s->ready)
    g_cond_wait (&s->cond, &s->lock);
  g_mutex_unlock (&s->lock);
}

static inline gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Stops serving; the port is closed (connections to it are refused). */
static inline void
server_stop (Server *s)
{
  if (s->thread == NULL)
    return;
  g_main_context_invoke (s->context, quit_loop, s->loop);
  g_thread_join (g_steal_pointer (&s->thread));
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
}

static inline void
server_set_list (Server *s,
                 GBytes *list)
{
  g_mutex_lock (&s->lock);
  g_clear_pointer (&s->list, g_bytes_unref);
  s->list = list != NULL ? g_bytes_ref (list) : NULL;
  g_mutex_unlock (&s->lock);
}

/* The address of @path on the server: "/list" → http://127.0.0.1:PORT/list */
static inline char *
server_uri (Server     *s,
            const char *path)
{
  return g_strconcat (s->base, path, NULL);
}

/* Stops the server if it runs and frees what it held. */
static inline void
server_free (Server *s)
{
  server_stop (s);
  g_clear_pointer (&s->list, g_bytes_unref);
  g_clear_pointer (&s->base, g_free);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
}
