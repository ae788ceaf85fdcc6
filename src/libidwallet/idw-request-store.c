/* idw-request-store.c: the remote requests this verifier made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "idw-error.h"
#include "idw-request-store.h"

#define REQUEST_GROUP        "Request"
#define REQUEST_SUFFIX       ".request"
#define USED_SUFFIX          ".used"
#define MIN_NONCE_LENGTH     16
#define MAX_NONCE_LENGTH     64
#define MAX_REQUEST_FILE     (128 * 1024)

struct _IdwRequestStore
{
  GObject    parent_instance;

  char      *directory;
  GDateTime *now;
  /* Guards @now. Consumption needs no lock of ours: the use marker's
   * O_EXCL creation decides between threads as between processes. */
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

static gint64
store_now (IdwRequestStore *self)
{
  gint64 now;

  g_mutex_lock (&self->mutex);
  if (self->now != NULL)
    now = g_date_time_to_unix (self->now);
  else
    now = g_get_real_time () / G_USEC_PER_SEC;
  g_mutex_unlock (&self->mutex);

  return now;
}

static gboolean
nonce_length_ok (GBytes *nonce)
{
  gsize len = g_bytes_get_size (nonce);

  return len >= MIN_NONCE_LENGTH && len <= MAX_NONCE_LENGTH;
}

/* The request file and the use marker of @nonce; FALSE for a nonce that
 * cannot have been issued here. */
static gboolean
nonce_paths (IdwRequestStore  *self,
             GBytes           *nonce,
             char            **out_request_path,
             char            **out_used_path)
{
  static const char hex[] = "0123456789abcdef";
  const guint8 *data;
  gsize len;
  g_autoptr(GString) name = NULL;
  g_autofree char *request_name = NULL;
  g_autofree char *used_name = NULL;

  if (!nonce_length_ok (nonce))
    return FALSE;

  data = g_bytes_get_data (nonce, &len);
  name = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    {
      g_string_append_c (name, hex[data[i] >> 4]);
      g_string_append_c (name, hex[data[i] & 0xf]);
    }

  request_name = g_strconcat (name->str, REQUEST_SUFFIX, NULL);
  used_name = g_strconcat (name->str, USED_SUFFIX, NULL);
  *out_request_path = g_build_filename (self->directory, request_name, NULL);
  *out_used_path = g_build_filename (self->directory, used_name, NULL);

  return TRUE;
}

typedef struct
{
  gint64 created;
  gint64 used;    /* 0 when unused */
} RequestRecord;

/* FALSE when missing or damaged. */
static gboolean
read_record (const char    *path,
             RequestRecord *out_record)
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

/* Whether the use marker at @used_path is there. Anything but a clear "no
 * such file" counts as there: a state we cannot read must refuse. */
static gboolean
used_marker_present (const char *used_path)
{
  GStatBuf st;

  if (g_lstat (used_path, &st) == 0)
    return TRUE;

  return errno != ENOENT;
}

static IdwNonceState
lookup_paths (IdwRequestStore *self,
              const char      *request_path,
              const char      *used_path,
              RequestRecord   *out_record)
{
  RequestRecord record;

  if (!read_record (request_path, &record))
    return IDW_NONCE_UNKNOWN;

  if (store_now (self) - record.created > IDW_REQUEST_LIFETIME)
    return IDW_NONCE_UNKNOWN;

  if (out_record != NULL)
    *out_record = record;

  /* "Used" in the request itself is how older versions marked a use. */
  if (record.used != 0 || used_marker_present (used_path))
    return IDW_NONCE_USED;

  return IDW_NONCE_UNUSED;
}

static gboolean
fsync_directory (const char  *directory,
                 GError     **error)
{
  int fd;

  fd = open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot save the folder “%s”: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);

  return TRUE;
}

/* The single point of decision between every thread and process using the
 * folder: the one whose O_EXCL creation of the marker succeeds has used
 * the nonce. Returns %TRUE only for that one, once the marker is on disk.
 * A marker left behind by a failed write stays: the nonce is spent
 * without anyone having been accepted, which refuses rather than allows. */
static gboolean
create_used_marker (IdwRequestStore  *self,
                    const char       *used_path,
                    gint64            now,
                    GError          **error)
{
  g_autofree char *contents = NULL;
  gsize len, done = 0;
  int saved_errno = 0;
  int fd;

  fd = open (used_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;

      /* Someone else used it first: not an error. */
      if (saved_errno != EEXIST)
        g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                     /* Translators: %s is a file, then the system's reason. */
                     _("Cannot mark the request “%s” used: %s"),
                     used_path, g_strerror (saved_errno));
      return FALSE;
    }

  /* For people reading the folder; only the marker's existence counts. */
  contents = g_strdup_printf ("[Use]\nTime=%" G_GINT64_FORMAT "\n", now);
  len = strlen (contents);
  while (done < len && saved_errno == 0)
    {
      ssize_t n = write (fd, contents + done, len - done);

      if (n > 0)
        done += (gsize) n;
      else if (n == 0)
        saved_errno = EIO;
      else if (errno != EINTR)
        saved_errno = errno;
    }
  if (saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;

  if (saved_errno != 0)
    {
      close (fd);
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Cannot mark the request “%s” used: %s"),
                   used_path, g_strerror (saved_errno));
      return FALSE;
    }

  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Cannot mark the request “%s” used: %s"),
                   used_path, g_strerror (saved_errno));
      return FALSE;
    }

  /* The marker's name must survive a crash too. */
  return fsync_directory (self->directory, error);
}

static void
remove_file (const char *path)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_debug ("Cannot remove “%s”: %s", path, g_strerror (errno));
}

/* The path in the store of @name (ending in @suffix) ending in @other_suffix
 * instead: a request's marker or a marker's request. */
static char *
sibling_path (IdwRequestStore *self,
              const char      *name,
              const char      *suffix,
              const char      *other_suffix)
{
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (suffix));
  g_autofree char *other = g_strconcat (stem, other_suffix, NULL);

  return g_build_filename (self->directory, other, NULL);
}

static guint
expire_requests (IdwRequestStore *self,
                 gint64           now)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint removed = 0;

  dir = g_dir_open (self->directory, 0, NULL);
  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *other = NULL;
      RequestRecord record;
      gint64 created;

      if (g_str_has_suffix (name, USED_SUFFIX))
        {
          /* A marker whose request is gone (a crash between the two
           * unlinks below): nobody can win with it any more, since
           * consumption needs the request, before and after its mark. */
          other = sibling_path (self, name, USED_SUFFIX, REQUEST_SUFFIX);
          if (!g_file_test (other, G_FILE_TEST_EXISTS))
            {
              path = g_build_filename (self->directory, name, NULL);
              remove_file (path);
            }
          continue;
        }

      if (!g_str_has_suffix (name, REQUEST_SUFFIX))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      if (read_record (path, &record))
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

      if (now - created <= IDW_REQUEST_LIFETIME)
        continue;

      /* The request first, its marker second: a consumer that read the
       * request before it went and marks it after the marker went sees
       * the request gone when it looks again, and does not count. */
      if (g_unlink (path) != 0)
        continue;
      removed++;

      other = sibling_path (self, name, REQUEST_SUFFIX, USED_SUFFIX);
      remove_file (other);
    }

  return removed;
}

/**
 * idw_request_store_add:
 * @self: a request store
 * @nonce: the request's nonce (16 to 64 bytes)
 * @request_text: (nullable): the "IDWR1:" text, kept for reference
 * @error: return location for a #GError
 *
 * Remembers a request created now, atomically, and forgets expired ones.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_NONCE (bad length),
 *   IDW_ERROR_DUPLICATE (the nonce is known already) or IDW_ERROR_IO.
 */
gboolean
idw_request_store_add (IdwRequestStore  *self,
                       GBytes           *nonce,
                       const char       *request_text,
                       GError          **error)
{
  g_autofree char *path = NULL;
  g_autofree char *used_path = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  gint64 now;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), FALSE);
  g_return_val_if_fail (nonce != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!nonce_paths (self, nonce, &path, &used_path))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NONCE,
                   _("A request nonce must be %d to %d bytes long"),
                   MIN_NONCE_LENGTH, MAX_NONCE_LENGTH);
      return FALSE;
    }

  now = store_now (self);
  expire_requests (self, now);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                           _("A request with this nonce was made already"));
      return FALSE;
    }

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Cannot create the folder “%s”: %s"),
                   self->directory, g_strerror (saved_errno));
      return FALSE;
    }

  key_file = g_key_file_new ();
  g_key_file_set_int64 (key_file, REQUEST_GROUP, "Created", now);
  if (request_text != NULL)
    g_key_file_set_string (key_file, REQUEST_GROUP, "Text", request_text);

  return write_key_file (path, key_file, error);
}

IdwNonceState
idw_request_store_lookup (IdwRequestStore *self,
                          GBytes          *nonce)
{
  g_autofree char *path = NULL;
  g_autofree char *used_path = NULL;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), IDW_NONCE_UNKNOWN);
  g_return_val_if_fail (nonce != NULL, IDW_NONCE_UNKNOWN);

  if (!nonce_paths (self, nonce, &path, &used_path))
    return IDW_NONCE_UNKNOWN;

  return lookup_paths (self, path, used_path, NULL);
}

/**
 * idw_request_store_consume:
 * @self: a request store
 * @nonce: a nonce
 * @error: return location for a #GError
 *
 * Marks @nonce used when it is unused, as one step that no other thread
 * or process using the same folder can interleave with: of any number of
 * concurrent callers for one nonce, exactly one gets IDW_NONCE_UNUSED. The
 * mark is on disk (file and folder synced) before this returns.
 * Thread-safe.
 *
 * Returns: the state before the call; IDW_NONCE_UNUSED means it is now
 *   used, by this caller. When the mark cannot be written or synced,
 *   returns IDW_NONCE_USED (refusing rather than allowing a replay) and
 *   sets @error to IDW_ERROR_IO; a nonce someone else used is not an
 *   error.
 */
IdwNonceState
idw_request_store_consume (IdwRequestStore  *self,
                           GBytes           *nonce,
                           GError          **error)
{
  g_autofree char *path = NULL;
  g_autofree char *used_path = NULL;
  RequestRecord before, after;
  IdwNonceState state;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), IDW_NONCE_UNKNOWN);
  g_return_val_if_fail (nonce != NULL, IDW_NONCE_UNKNOWN);
  g_return_val_if_fail (error == NULL || *error == NULL, IDW_NONCE_UNKNOWN);

  if (!nonce_paths (self, nonce, &path, &used_path))
    return IDW_NONCE_UNKNOWN;

  /* Only a known, live, unmarked request can be used … */
  state = lookup_paths (self, path, used_path, &before);
  if (state != IDW_NONCE_UNUSED)
    return state;

  /* … by the one who creates its marker … */
  if (!create_used_marker (self, used_path, MAX (store_now (self), 1), error))
    return IDW_NONCE_USED;

  /* … while the request is still there. An expiry in between may have
   * removed the marker of an earlier winner before ours was made: the
   * request went first, so looking again tells. */
  if (!read_record (path, &after))
    {
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          remove_file (used_path);
          return IDW_NONCE_UNKNOWN;
        }
      return IDW_NONCE_USED;
    }
  if (after.created != before.created || after.used != 0)
    return IDW_NONCE_USED;

  return IDW_NONCE_UNUSED;
}

guint
idw_request_store_expire (IdwRequestStore *self)
{
  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), 0);

  return expire_requests (self, store_now (self));
}

guint
idw_request_store_count_pending (IdwRequestStore *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;
  gint64 now;

  g_return_val_if_fail (IDW_IS_REQUEST_STORE (self), 0);

  now = store_now (self);
  dir = g_dir_open (self->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *used_path = NULL;
      RequestRecord record;

      if (!g_str_has_suffix (name, REQUEST_SUFFIX))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      used_path = sibling_path (self, name, REQUEST_SUFFIX, USED_SUFFIX);
      if (read_record (path, &record) && record.used == 0 &&
          now - record.created <= IDW_REQUEST_LIFETIME &&
          !used_marker_present (used_path))
        count++;
    }

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
