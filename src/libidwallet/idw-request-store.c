/* idw-request-store.c: the remote requests this verifier made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "idw-error.h"
#include "idw-request-store.h"

#define REQUEST_GROUP        "Request"
#define REQUEST_SUFFIX       ".request"
#define MIN_NONCE_LENGTH     16
#define MAX_NONCE_LENGTH     64
#define MAX_REQUEST_FILE     (128 * 1024)

struct _IdwRequestStore
{
  GObject    parent_instance;

  char      *directory;
  GDateTime *now;
  /* Serialises look-ups and consumption within this process: the camera
   * and a paste may verify on two worker threads at once. */
  GMutex     mutex;
};

G_DEFINE_FINAL_TYPE (IdwRequestStore, idw_request_store, G_TYPE_OBJECT)

char *
idw_request_store_get_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "id-wallet", "requests", NULL);
}

IdwRequestStore *
idw_request_store_new (const char *directory)
{
  IdwRequestStore *self = g_object_new (IDW_TYPE_REQUEST_STORE, NULL);

  if (directory != NULL)
    self->directory = g_strdup (directory);
  else
    self->directory = idw_request_store_get_default_directory ();

  return self;
}

const char *
idw_request_store_get_directory (IdwRequestStore *self)
{
  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), NULL);

  return self->directory;
}

void
idw_request_store_set_time (IdwRequestStore *self,
                            GDateTime       *now)
{
  g_return_if_fail (IDW_IS_REQUEST_STORE (self));

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->now, g_date_time_unref);
  if (now != NULL)
    self->now = g_date_time_ref (now);
  g_mutex_unlock (&self->mutex);
}

/* Called with the mutex held. */
static gint64
store_now (IdwRequestStore *self)
{
  if (self->now != NULL)
    return g_date_time_to_unix (self->now);

  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
nonce_length_ok (GBytes *nonce)
{
  gsize len = g_bytes_get_size (nonce);

  return len >= MIN_NONCE_LENGTH && len <= MAX_NONCE_LENGTH;
}

/* NULL for a nonce that cannot have been issued here. */
static char *
nonce_path (IdwRequestStore *self,
            GBytes          *nonce)
{
  static const char hex[] = "0123456789abcdef";
  const guint8 *data;
  gsize len;
  g_autoptr(GString) name = NULL;

  if (!nonce_length_ok (nonce))
    return NULL;

  data = g_bytes_get_data (nonce, &len);
  name = g_string_sized_new (len * 2 + strlen (REQUEST_SUFFIX));
  for (gsize i = 0; i < len; i++)
    {
      g_string_append_c (name, hex[data[i] >> 4]);
      g_string_append_c (name, hex[data[i] & 0xf]);
    }
  g_string_append (name, REQUEST_SUFFIX);

  return g_build_filename (self->directory, name->str, NULL);
}

typedef struct
{
  gint64 created;
  gint64 used;    /* 0 when unused */
} RequestRecord;

/* FALSE when missing or damaged. */
static gboolean
read_record (const char    *path,
             RequestRecord *out_record,
             GKeyFile     **out_key_file)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *contents = NULL;
  gsize len;
  GError *error = NULL;
  gint64 created, used = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len > MAX_REQUEST_FILE)
    return FALSE;
  if (!g_key_file_load_from_data (key_file, contents, len, G_KEY_FILE_KEEP_COMMENTS, NULL))
    return FALSE;

  created = g_key_file_get_int64 (key_file, REQUEST_GROUP, "Created", &error);
  if (error != NULL)
    {
      g_clear_error (&error);
      return FALSE;
    }
  if (g_key_file_has_key (key_file, REQUEST_GROUP, "Used", NULL))
    {
      used = g_key_file_get_int64 (key_file, REQUEST_GROUP, "Used", &error);
      if (error != NULL)
        {
          /* A mangled use mark must never turn back into "unused". */
          g_clear_error (&error);
          used = 1;
        }
      used = MAX (used, 1);
    }

  out_record->created = created;
  out_record->used = used;
  if (out_key_file != NULL)
    *out_key_file = g_steal_pointer (&key_file);

  return TRUE;
}

static gboolean
write_key_file (const char  *path,
                GKeyFile    *key_file,
                GError     **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) local_error = NULL;

  data = g_key_file_to_data (key_file, &len, NULL);
  if (!g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a file, then the system's reason. */
                   _("Cannot save the request “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Called with the mutex held. */
static IdwNonceState
lookup_locked (IdwRequestStore *self,
               GBytes          *nonce,
               const char      *path,
               GKeyFile       **out_key_file)
{
  RequestRecord record;

  if (path == NULL || !read_record (path, &record, out_key_file))
    return IDW_NONCE_UNKNOWN;

  if (store_now (self) - record.created > IDW_REQUEST_LIFETIME)
    {
      if (out_key_file != NULL)
        g_clear_pointer (out_key_file, g_key_file_unref);
      return IDW_NONCE_UNKNOWN;
    }

  return record.used != 0 ? IDW_NONCE_USED : IDW_NONCE_UNUSED;
}

/* Called with the mutex held. */
static guint
expire_locked (IdwRequestStore *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  gint64 now = store_now (self);
  guint removed = 0;

  dir = g_dir_open (self->directory, 0, NULL);
  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      RequestRecord record;
      gint64 created;

      if (!g_str_has_suffix (name, REQUEST_SUFFIX))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      if (read_record (path, &record, NULL))
        {
          created = record.created;
        }
      else
        {
          GStatBuf st;

          if (g_stat (path, &st) != 0)
            continue;
          created = st.st_mtime;
        }

      if (now - created > IDW_REQUEST_LIFETIME && g_unlink (path) == 0)
        removed++;
    }

  return removed;
}

gboolean
idw_request_store_add (IdwRequestStore  *self,
                       GBytes           *nonce,
                       const char       *request_text,
                       GError          **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), FALSE);
  g_return_val_if_fail (nonce != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = nonce_path (self, nonce);
  if (path == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NONCE,
                   _("A request nonce must be %d to %d bytes long"),
                   MIN_NONCE_LENGTH, MAX_NONCE_LENGTH);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);

  expire_locked (self);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                           _("A request with this nonce was made already"));
      goto out;
    }

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot create the folder “%s”: %s"),
                   self->directory, g_strerror (saved_errno));
      goto out;
    }

  key_file = g_key_file_new ();
  g_key_file_set_int64 (key_file, REQUEST_GROUP, "Created", store_now (self));
  if (request_text != NULL)
    g_key_file_set_string (key_file, REQUEST_GROUP, "Text", request_text);

  ok = write_key_file (path, key_file, error);

out:
  g_mutex_unlock (&self->mutex);

  return ok;
}

IdwNonceState
idw_request_store_lookup (IdwRequestStore *self,
                          GBytes          *nonce)
{
  g_autofree char *path = NULL;
  IdwNonceState state;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), IDW_NONCE_UNKNOWN);
  g_return_val_if_fail (nonce != NULL, IDW_NONCE_UNKNOWN);

  path = nonce_path (self, nonce);

  g_mutex_lock (&self->mutex);
  state = lookup_locked (self, nonce, path, NULL);
  g_mutex_unlock (&self->mutex);

  return state;
}

IdwNonceState
idw_request_store_consume (IdwRequestStore  *self,
                           GBytes           *nonce,
                           GError          **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  IdwNonceState state;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), IDW_NONCE_UNKNOWN);
  g_return_val_if_fail (nonce != NULL, IDW_NONCE_UNKNOWN);
  g_return_val_if_fail (error == NULL || *error == NULL, IDW_NONCE_UNKNOWN);

  path = nonce_path (self, nonce);

  g_mutex_lock (&self->mutex);

  state = lookup_locked (self, nonce, path, &key_file);
  if (state == IDW_NONCE_UNUSED)
    {
      g_key_file_set_int64 (key_file, REQUEST_GROUP, "Used", MAX (store_now (self), 1));
      if (!write_key_file (path, key_file, error))
        state = IDW_NONCE_USED;
    }

  g_mutex_unlock (&self->mutex);

  return state;
}

guint
idw_request_store_expire (IdwRequestStore *self)
{
  guint removed;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  removed = expire_locked (self);
  g_mutex_unlock (&self->mutex);

  return removed;
}

guint
idw_request_store_count_pending (IdwRequestStore *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;
  gint64 now;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), 0);

  g_mutex_lock (&self->mutex);

  now = store_now (self);
  dir = g_dir_open (self->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      RequestRecord record;

      if (!g_str_has_suffix (name, REQUEST_SUFFIX))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      if (read_record (path, &record, NULL) && record.used == 0 &&
          now - record.created <= IDW_REQUEST_LIFETIME)
        count++;
    }

  g_mutex_unlock (&self->mutex);

  return count;
}

IdwNonceState
idw_request_store_nonce_func (GBytes   *nonce,
                              gboolean  consume,
                              gpointer  user_data)
{
  IdwRequestStore *self = IDW_REQUEST_STORE (user_data);

  if (consume)
    return idw_request_store_consume (self, nonce, NULL);

  return idw_request_store_lookup (self, nonce);
}

void
idw_request_store_attach (IdwRequestStore *self,
                          IdwVerifier     *verifier)
{
  g_return_if_fail (IDW_IS_REQUEST_STORE (self));
  g_return_if_fail (IDW_IS_VERIFIER (verifier));

  idw_verifier_set_nonce_func (verifier, idw_request_store_nonce_func,
                               g_object_ref (self), g_object_unref);
}

static void
idw_request_store_finalize (GObject *object)
{
  IdwRequestStore *self = IDW_REQUEST_STORE (object);

  g_free (self->directory);
  g_clear_pointer (&self->now, g_date_time_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (idw_request_store_parent_class)->finalize (object);
}

static void
idw_request_store_class_init (IdwRequestStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idw_request_store_finalize;
}

static void
idw_request_store_init (IdwRequestStore *self)
{
  g_mutex_init (&self->mutex);
}
