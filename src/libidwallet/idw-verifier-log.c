/* idw-verifier-log.c: the verifier's log of verdicts (docs/store.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One JSON object per line, appended under an exclusive flock() on a lock
 * file beside the log; when a line would take the file over
 * IDW_VERIFIER_LOG_MAX_FILE, the log is rewritten atomically without its
 * oldest lines (down to three quarters of the limit, so that this happens
 * seldom). Only what idw_verifier_log_entry_new_from_verdict() takes from
 * a verdict ever reaches the file: no disclosed value, nonce or key.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idw-error.h"
#include "idw-text.h"
#include "idw-verifier-log.h"

/* A file this much larger than the limit is not a log this code wrote. */
#define MAX_READ (2 * IDW_VERIFIER_LOG_MAX_FILE)

/* ---- Entries ------------------------------------------------------------ */

/* @text as valid UTF-8 of at most IDW_VERIFIER_LOG_MAX_TEXT bytes, cut on
 * a character boundary; NULL stays NULL. */
static char *
bounded_text (const char *text)
{
  g_autofree char *valid = NULL;
  const char *end;

  if (text == NULL)
    return NULL;
  valid = idw_text_make_valid (text, strlen (text));
  if (strlen (valid) <= IDW_VERIFIER_LOG_MAX_TEXT)
    return g_steal_pointer (&valid);
  end = g_utf8_find_prev_char (valid, valid + IDW_VERIFIER_LOG_MAX_TEXT + 1);
  return g_strndup (valid, (gsize) (end - valid));
}

/**
 * idw_verifier_log_entry_new_from_verdict:
 * @verdict: a verdict
 *
 * Takes from @verdict only what the log keeps: its time, docType, the
 * issuer's name and country, whether it was valid, the first failed
 * check, the status check's result and the test-issuer mark.
 *
 * Returns: (transfer full): the entry.
 */
IdwVerifierLogEntry *
idw_verifier_log_entry_new_from_verdict (IdwVerdict *verdict)
{
  IdwVerifierLogEntry *entry;
  const char *issuer;
  IdwCheck failed;

  g_return_val_if_fail (IDW_IS_VERDICT (verdict), NULL);

  issuer = idw_verdict_get_issuer_organization (verdict);
  if (issuer == NULL)
    issuer = idw_verdict_get_issuer_common_name (verdict);
  if (issuer == NULL)
    issuer = idw_verdict_get_issuer_subject (verdict);
  failed = idw_verdict_get_first_failure (verdict);

  entry = g_new0 (IdwVerifierLogEntry, 1);
  entry->time = g_date_time_new_from_unix_utc (g_date_time_to_unix (idw_verdict_get_verified_at (verdict)));
  entry->doctype = bounded_text (idw_verdict_get_doctype (verdict));
  entry->issuer = bounded_text (issuer);
  entry->country = bounded_text (idw_verdict_get_issuer_country (verdict));
  entry->valid = idw_verdict_is_valid (verdict);
  entry->failed_check = failed < IDW_N_CHECKS ? g_strdup (idw_check_to_string (failed)) : NULL;
  entry->status = g_strdup (idw_check_status_to_string (idw_verdict_get_status (verdict,
                                                                               IDW_CHECK_REVOCATION)));
  entry->test_issuer = idw_verdict_is_test_issuer (verdict);
  return entry;
}

/**
 * idw_verifier_log_entry_free:
 * @entry: (nullable): an entry
 */
void
idw_verifier_log_entry_free (IdwVerifierLogEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->time, g_date_time_unref);
  g_free (entry->doctype);
  g_free (entry->issuer);
  g_free (entry->country);
  g_free (entry->failed_check);
  g_free (entry->status);
  g_free (entry);
}

static IdwVerifierLogEntry *
entry_copy (IdwVerifierLogEntry *entry)
{
  IdwVerifierLogEntry *copy = g_new0 (IdwVerifierLogEntry, 1);

  copy->time = g_date_time_ref (entry->time);
  copy->doctype = g_strdup (entry->doctype);
  copy->issuer = g_strdup (entry->issuer);
  copy->country = g_strdup (entry->country);
  copy->valid = entry->valid;
  copy->failed_check = g_strdup (entry->failed_check);
  copy->status = g_strdup (entry->status);
  copy->test_issuer = entry->test_issuer;
  return copy;
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* A member that is a text (bounded: an entry may be made by hand) or null. */
static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  g_autofree char *bounded = bounded_text (value);

  json_builder_set_member_name (builder, name);
  if (bounded != NULL)
    json_builder_add_string_value (builder, bounded);
  else
    json_builder_add_null_value (builder);
}

/* One line of the file, without its newline. */
static char *
entry_to_line (IdwVerifierLogEntry *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *time = format_time (entry->time);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "time", time);
  add_string_or_null (builder, "docType", entry->doctype);
  add_string_or_null (builder, "issuer", entry->issuer);
  add_string_or_null (builder, "country", entry->country);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, entry->valid);
  add_string_or_null (builder, "failedCheck", entry->failed_check);
  add_string_or_null (builder, "status", entry->status);
  json_builder_set_member_name (builder, "testIssuer");
  json_builder_add_boolean_value (builder, entry->test_issuer);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* A text member: a string (bounded), null or absent; FALSE for another type. */
static gboolean
get_text_member (JsonObject  *object,
                 const char  *name,
                 char       **out)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *out = bounded_text (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_bool_member (JsonObject *object,
                 const char *name,
                 gboolean   *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
is_check_status (const char *name)
{
  for (int s = IDW_CHECK_STATUS_PASSED; s <= IDW_CHECK_STATUS_UNDETERMINED; s++)
    if (g_strcmp0 (name, idw_check_status_to_string ((IdwCheckStatus) s)) == 0)
      return TRUE;
  return FALSE;
}

/* An entry from one line, or NULL when the line is not one. */
static IdwVerifierLogEntry *
entry_from_line (const char *line,
                 gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(IdwVerifierLogEntry) entry = g_new0 (IdwVerifierLogEntry, 1);
  g_autofree char *time = NULL;
  JsonNode *root;
  JsonObject *object;

  if (!g_utf8_validate_len (line, len, NULL) || !json_parser_load_from_data (parser, line, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  if (!get_text_member (object, "time", &time) || time == NULL
      || !get_text_member (object, "docType", &entry->doctype)
      || !get_text_member (object, "issuer", &entry->issuer)
      || !get_text_member (object, "country", &entry->country)
      || !get_text_member (object, "failedCheck", &entry->failed_check)
      || !get_text_member (object, "status", &entry->status)
      || !get_bool_member (object, "valid", &entry->valid)
      || !get_bool_member (object, "testIssuer", &entry->test_issuer)
      || !is_check_status (entry->status))
    return NULL;
  entry->time = g_date_time_new_from_iso8601 (time, NULL);
  if (entry->time == NULL)
    return NULL;
  return g_steal_pointer (&entry);
}

/* ---- IdwVerifierLog ---------------------------------------------------- */

struct _IdwVerifierLog
{
  GObject  parent_instance;

  char    *path;
};

G_DEFINE_FINAL_TYPE (IdwVerifierLog, idw_verifier_log, G_TYPE_OBJECT)

static void
idw_verifier_log_finalize (GObject *object)
{
  IdwVerifierLog *self = IDW_VERIFIER_LOG (object);

  g_free (self->path);

  G_OBJECT_CLASS (idw_verifier_log_parent_class)->finalize (object);
}

static void
idw_verifier_log_class_init (IdwVerifierLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_verifier_log_finalize;
}

static void
idw_verifier_log_init (IdwVerifierLog *self)
{
}

/**
 * idw_verifier_log_get_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/id-wallet/verifier-log.jsonl`.
 */
char *
idw_verifier_log_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "id-wallet", "verifier-log.jsonl", NULL);
}

/**
 * idw_verifier_log_new:
 * @path: (nullable): the log's file, or %NULL for
 *   idw_verifier_log_get_default_path()
 *
 * Returns: (transfer full): the log.
 */
IdwVerifierLog *
idw_verifier_log_new (const char *path)
{
  IdwVerifierLog *self = g_object_new (IDW_TYPE_VERIFIER_LOG, NULL);

  self->path = path != NULL ? g_strdup (path) : idw_verifier_log_get_default_path ();
  return self;
}

/**
 * idw_verifier_log_get_path:
 * @self: a log
 *
 * Returns: its file.
 */
const char *
idw_verifier_log_get_path (IdwVerifierLog *self)
{
  g_return_val_if_fail (IDW_IS_VERIFIER_LOG (self), NULL);

  return self->path;
}

/* IDW_ERROR_IO: "@what: the system's reason". */
static gboolean
set_io_error (GError     **error,
              const char  *what,
              int          saved_errno)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_IO, "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* The exclusive lock of a read-modify-write, or -1 with IDW_ERROR_IO. */
static int
lock_log (IdwVerifierLog  *self,
          GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      set_io_error (error, _("Could not create the folder of the verification log"), saved_errno);
      return -1;
    }
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      set_io_error (error, _("Could not lock the verification log"), saved_errno);
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          int saved_errno = errno;

          close (fd);
          set_io_error (error, _("Could not lock the verification log"), saved_errno);
          return -1;
        }
    }
  return fd;
}

static void
unlock_log (int fd)
{
  if (fd >= 0)
    close (fd);
}

typedef int LogLock;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (LogLock, unlock_log, -1)

/* The file's bytes; an empty buffer when there is none. Errors:
 * IDW_ERROR_IO, IDW_ERROR_LIMIT. */
static GBytes *
read_log (IdwVerifierLog  *self,
          GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize len = 0;

  if (g_stat (self->path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return g_bytes_new (NULL, 0);
      set_io_error (error, _("Could not read the verification log"), saved_errno);
      return NULL;
    }
  if (st.st_size > MAX_READ)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The verification log is larger than %d MiB: it was not written by ID Wallet."),
                   MAX_READ / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (self->path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_bytes_new (NULL, 0);
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not read the verification log: %s"), local_error->message);
      return NULL;
    }
  if (len > MAX_READ)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The verification log is larger than %d MiB: it was not written by ID Wallet."),
                   MAX_READ / (1024 * 1024));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* Rewrites the log with the newest of its lines that fit in three quarters
 * of the limit together with @line. */
static gboolean
rewrite_without_oldest (IdwVerifierLog  *self,
                        const char      *line,
                        GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize budget = IDW_VERIFIER_LOG_MAX_FILE / 4 * 3;
  gsize used = strlen (line) + 1;
  guint n, first;

  bytes = read_log (self, error);
  if (bytes == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (bytes, NULL) != NULL ? g_bytes_get_data (bytes, NULL) : "",
                    g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);

  /* Back from the newest, whole lines while they fit. */
  first = n;
  while (first > 0 && used + strlen (lines[first - 1]) + 1 <= budget)
    used += strlen (lines[--first]) + 1;
  for (guint i = first; i < n; i++)
    if (*lines[i] != '\0')
      g_string_append_printf (out, "%s\n", lines[i]);
  g_string_append_printf (out, "%s\n", line);

  if (!g_file_set_contents_full (self->path, out->str, (gssize) out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not save the verification log: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Appends @line and a newline (and first a newline when the file does not
 * end in one: a line cut short by a crash stays a line of its own). */
static gboolean
append_line (IdwVerifierLog  *self,
             const char      *line,
             GError         **error)
{
  g_autofree char *with_newline = g_strconcat (line, "\n", NULL);
  struct stat st;
  int fd;

  fd = g_open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      return set_io_error (error, _("Could not save the verification log"), saved_errno);
    }
  if (fstat (fd, &st) == 0 && st.st_size > 0)
    {
      int rfd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
      char last = '\n';

      if (rfd >= 0)
        {
          if (pread (rfd, &last, 1, st.st_size - 1) != 1)
            last = '\n';
          close (rfd);
        }
      if (last != '\n' && !write_all (fd, "\n", 1))
        goto fail;
    }
  if (!write_all (fd, with_newline, strlen (with_newline)) || fsync (fd) != 0)
    goto fail;
  close (fd);
  return TRUE;

fail:
  {
    int saved_errno = errno;

    close (fd);
    return set_io_error (error, _("Could not save the verification log"), saved_errno);
  }
}

/**
 * idw_verifier_log_append_sync:
 * @self: a log
 * @entry: what to log
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Appends @entry. The folder is made (0700) and the file (0600) when
 * needed; when the file would grow beyond IDW_VERIFIER_LOG_MAX_FILE, it is
 * rewritten atomically without its oldest lines.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_IO, IDW_ERROR_LIMIT (the
 *   file is far larger than a log) or G_IO_ERROR_CANCELLED.
 */
gboolean
idw_verifier_log_append_sync (IdwVerifierLog       *self,
                              IdwVerifierLogEntry  *entry,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_auto(LogLock) lock = -1;
  g_autofree char *line = NULL;
  GStatBuf st;
  gsize size = 0;

  g_return_val_if_fail (IDW_IS_VERIFIER_LOG (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->time != NULL && entry->status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  line = entry_to_line (entry);
  lock = lock_log (self, error);
  if (lock < 0)
    return FALSE;

  if (g_stat (self->path, &st) == 0)
    size = (gsize) st.st_size;
  if (size + strlen (line) + 2 > IDW_VERIFIER_LOG_MAX_FILE)
    return rewrite_without_oldest (self, line, error);
  return append_line (self, line, error);
}

/**
 * idw_verifier_log_list_sync:
 * @self: a log
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the log. A line that is not a log entry (cut short by a crash,
 * edited) is skipped; the others are read.
 *
 * Returns: (transfer full) (element-type IdwVerifierLogEntry): the entries,
 *   oldest first; or %NULL with IDW_ERROR_IO, IDW_ERROR_LIMIT or
 *   G_IO_ERROR_CANCELLED.
 */
GPtrArray *
idw_verifier_log_list_sync (IdwVerifierLog  *self,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *data, *p, *end;
  gsize len;

  g_return_val_if_fail (IDW_IS_VERIFIER_LOG (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  bytes = read_log (self, error);
  if (bytes == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_verifier_log_entry_free);
  data = g_bytes_get_data (bytes, &len);
  end = data != NULL ? data + len : NULL;
  for (p = data; p != NULL && p < end;)
    {
      const char *newline = memchr (p, '\n', (gsize) (end - p));
      const char *line_end = newline != NULL ? newline : end;
      IdwVerifierLogEntry *entry = entry_from_line (p, (gsize) (line_end - p));

      if (entry != NULL)
        g_ptr_array_add (entries, entry);
      else if (line_end > p)
        g_debug ("Skipping a line of the verification log that is not an entry");
      p = line_end + 1;
    }
  return g_steal_pointer (&entries);
}

/**
 * idw_verifier_log_clear_sync:
 * @self: a log
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deletes the log (no log is not an error).
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_IO or
 *   G_IO_ERROR_CANCELLED.
 */
gboolean
idw_verifier_log_clear_sync (IdwVerifierLog  *self,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_auto(LogLock) lock = -1;

  g_return_val_if_fail (IDW_IS_VERIFIER_LOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  lock = lock_log (self, error);
  if (lock < 0)
    return FALSE;
  if (g_unlink (self->path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      return set_io_error (error, _("Could not clear the verification log"), saved_errno);
    }
  return TRUE;
}

/* ---- CSV ---------------------------------------------------------------- */

/* One CSV cell: @text neutralised for spreadsheets, quoted when needed. */
static void
append_cell (GString    *out,
             const char *text)
{
  g_autofree char *safe = NULL;
  g_autoptr(GString) cell = NULL;

  if (text == NULL || *text == '\0')
    return;

  /* Controls, bidi overrides and separators become visible escapes: no
   * raw CR, LF or tab is left to split a cell or a row. */
  safe = idw_text_escape (text);
  cell = g_string_new (NULL);
  if (strchr ("=+-@\t\r", safe[0]) != NULL)
    g_string_append_c (cell, '\'');
  g_string_append (cell, safe);

  if (strpbrk (cell->str, ",\"\r\n") == NULL)
    {
      g_string_append (out, cell->str);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = cell->str; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * idw_verifier_log_to_csv:
 * @entries: (element-type IdwVerifierLogEntry): entries
 *
 * The entries as CSV (RFC 4180), with the header line
 * `time,docType,issuer,country,valid,failedCheck,status,testIssuer`, CRLF
 * line ends, "true"/"false" for the flags. Every text is made safe for a
 * spreadsheet: control, bidi and separator characters become visible
 * escapes, and a cell starting with "=", "+", "-", "@", a tab or a
 * carriage return gets a leading "'" so that no formula runs.
 *
 * Returns: (transfer full): the CSV text.
 */
char *
idw_verifier_log_to_csv (GPtrArray *entries)
{
  GString *out = g_string_new ("time,docType,issuer,country,valid,failedCheck,status,testIssuer\r\n");

  g_return_val_if_fail (entries != NULL, NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      IdwVerifierLogEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *time = format_time (entry->time);

      append_cell (out, time);
      g_string_append_c (out, ',');
      append_cell (out, entry->doctype);
      g_string_append_c (out, ',');
      append_cell (out, entry->issuer);
      g_string_append_c (out, ',');
      append_cell (out, entry->country);
      g_string_append_printf (out, ",%s,", entry->valid ? "true" : "false");
      append_cell (out, entry->failed_check);
      g_string_append_c (out, ',');
      append_cell (out, entry->status);
      g_string_append_printf (out, ",%s\r\n", entry->test_issuer ? "true" : "false");
    }
  return g_string_free (out, FALSE);
}

/* ---- Asynchronous variants ------------------------------------------- */

typedef enum
{
  LOG_OP_APPEND,
  LOG_OP_LIST,
  LOG_OP_CLEAR,
} LogOp;

typedef struct
{
  LogOp                op;
  IdwVerifierLogEntry *entry;
} LogTaskData;

static void
log_task_data_free (LogTaskData *data)
{
  idw_verifier_log_entry_free (data->entry);
  g_free (data);
}

static void
log_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  IdwVerifierLog *self = source_object;
  LogTaskData *data = task_data;
  GError *error = NULL;

  switch (data->op)
    {
    case LOG_OP_APPEND:
      if (idw_verifier_log_append_sync (self, data->entry, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case LOG_OP_LIST:
      {
        GPtrArray *entries = idw_verifier_log_list_sync (self, cancellable, &error);

        if (entries != NULL)
          g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
        break;
      }
    case LOG_OP_CLEAR:
      if (idw_verifier_log_clear_sync (self, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
}

static void
log_run (IdwVerifierLog      *self,
         LogOp                op,
         IdwVerifierLogEntry *entry,
         gpointer             source_tag,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LogTaskData *data = g_new0 (LogTaskData, 1);

  data->op = op;
  data->entry = entry;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) log_task_data_free);
  g_task_run_in_thread (task, log_thread);
}

/**
 * idw_verifier_log_append:
 * @self: a log
 * @entry: what to log (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_verifier_log_append_sync() in a worker thread.
 */
void
idw_verifier_log_append (IdwVerifierLog      *self,
                         IdwVerifierLogEntry *entry,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (IDW_IS_VERIFIER_LOG (self));
  g_return_if_fail (entry != NULL);

  log_run (self, LOG_OP_APPEND, entry_copy (entry), idw_verifier_log_append,
           cancellable, callback, user_data);
}

/**
 * idw_verifier_log_append_finish:
 * @self: a log
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_verifier_log_append_sync().
 */
gboolean
idw_verifier_log_append_finish (IdwVerifierLog  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_verifier_log_list:
 * @self: a log
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_verifier_log_list_sync() in a worker thread.
 */
void
idw_verifier_log_list (IdwVerifierLog      *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (IDW_IS_VERIFIER_LOG (self));

  log_run (self, LOG_OP_LIST, NULL, idw_verifier_log_list, cancellable, callback, user_data);
}

/**
 * idw_verifier_log_list_finish:
 * @self: a log
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type IdwVerifierLogEntry): as
 *   idw_verifier_log_list_sync().
 */
GPtrArray *
idw_verifier_log_list_finish (IdwVerifierLog  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idw_verifier_log_clear:
 * @self: a log
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_verifier_log_clear_sync() in a worker thread.
 */
void
idw_verifier_log_clear (IdwVerifierLog      *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (IDW_IS_VERIFIER_LOG (self));

  log_run (self, LOG_OP_CLEAR, NULL, idw_verifier_log_clear, cancellable, callback, user_data);
}

/**
 * idw_verifier_log_clear_finish:
 * @self: a log
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_verifier_log_clear_sync().
 */
gboolean
idw_verifier_log_clear_finish (IdwVerifierLog  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
