/* idw-cli-common.c: helpers the id-wallet-cli commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "idw-cli-common.h"

/* Files `verify` reads as the frames of one animated code, at most: a
 * code of the largest size is about 90 frames. */
#define MAX_FRAME_FILES 1000

void
idw_cli_printerr (const char *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", g_get_prgname (), message);
}

IdwCliExit
idw_cli_exit_for_error (const GError *error)
{
  if (error == NULL)
    return IDW_CLI_EXIT_FAILED;

  if (error->domain == G_FILE_ERROR
      || error->domain == G_IO_ERROR
      || error->domain == G_OPTION_ERROR)
    return IDW_CLI_EXIT_USAGE;

  if (error->domain == IDW_ERROR
      && (error->code == IDW_ERROR_IO || error->code == IDW_ERROR_NOT_FOUND
          || error->code == IDW_ERROR_KEYRING))
    return IDW_CLI_EXIT_USAGE;

  return IDW_CLI_EXIT_FAILED;
}

IdwCliExit
idw_cli_report_error (const GError *error)
{
  /* Engine messages may quote what a credential or a request says. */
  g_autofree char *message = idw_cli_escape (error != NULL ? error->message : NULL);

  idw_cli_printerr ("%s", message != NULL ? message : _("Unknown error"));
  return idw_cli_exit_for_error (error);
}

IdwCliExit
idw_cli_usage_error (const char *command,
                     const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  idw_cli_printerr ("%s", message);
  if (command != NULL)
    /* Translators: %s is the program and command, e.g. "id-wallet-cli verify" */
    g_printerr (_("Run “%s --help” for usage.\n"), command);
  else
    g_printerr (_("Run “%s --help” for usage.\n"), g_get_prgname ());

  return IDW_CLI_EXIT_USAGE;
}

char *
idw_cli_escape (const char *text)
{
  return idw_text_escape (text);
}

IdwStore *
idw_cli_open_store (GError **error)
{
  /* A restore a kill interrupted is finished (or undone) first. */
  idw_backup_recover_sync (NULL, NULL);
  return idw_store_open_sync (NULL, NULL, error);
}

IdwHistory *
idw_cli_open_history (GError **error)
{
  g_autoptr(IdwWalletKey) wallet_key = idw_keystore_get_wallet_key_sync (NULL, error);

  if (wallet_key == NULL)
    return NULL;
  return idw_history_new (NULL, wallet_key);
}

gboolean
idw_cli_get_setting_boolean (const char *key,
                             gboolean    fallback)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;

  if (source == NULL)
    return fallback;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return fallback;
  schema_key = g_settings_schema_get_key (schema, key);
  if (!g_variant_type_equal (g_settings_schema_key_get_value_type (schema_key),
                             G_VARIANT_TYPE_BOOLEAN))
    return fallback;

  settings = g_settings_new_full (schema, NULL, NULL);
  return g_settings_get_boolean (settings, key);
}

gboolean
idw_cli_looks_like_id (const char *text)
{
  gsize len = strlen (text);

  if (len < IDW_CLI_MIN_ID_PREFIX || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }

  return TRUE;
}

IdwStoreEntry *
idw_cli_find_entry (IdwStore    *store,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *wanted = g_ascii_strdown (id, -1);
  IdwStoreEntry *match = NULL;
  guint matches = 0;

  if (!idw_cli_looks_like_id (id))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   _("“%s” is neither a credential file nor an ID in the wallet."), id);
      return NULL;
    }

  entries = idw_store_list_sync (store, NULL, error);
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_has_prefix (idw_store_entry_get_id (entry), wanted))
        {
          match = entry;
          matches++;
        }
    }

  if (matches == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   _("The wallet holds no ID “%s” (see “id-wallet-cli list”)."), id);
      return NULL;
    }
  if (matches > 1)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                   _("“%s” is the start of several IDs in the wallet; give more of it."), id);
      return NULL;
    }

  return g_object_ref (match);
}

char *
idw_cli_format_date (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;

  if (datetime == NULL)
    return g_strdup ("?");

  utc = g_date_time_to_utc (datetime);
  return g_date_time_format (utc, "%Y-%m-%d");
}

static const char *
display_name (const char *path)
{
  return g_strcmp0 (path, "-") == 0 ? _("standard input") : path;
}

static GBytes *
read_stream (FILE        *file,
             const char  *path,
             gsize        max_len,
             GError     **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[16384];

  for (;;)
    {
      size_t n = fread (chunk, 1, sizeof chunk, file);

      if (n > 0)
        {
          if (buffer->len + n > max_len)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                           _("“%s” is larger than %zu bytes."),
                           display_name (path), max_len);
              return NULL;
            }
          g_byte_array_append (buffer, chunk, (guint) n);
        }

      if (n < sizeof chunk)
        {
          if (ferror (file))
            {
              int saved_errno = errno;

              g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           _("Cannot read “%s”: %s"),
                           display_name (path), g_strerror (saved_errno));
              return NULL;
            }
          break;
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

GBytes *
idw_cli_read_file (const char  *path,
                   gsize        max_len,
                   GError     **error)
{
  GBytes *bytes;
  FILE *file;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_strcmp0 (path, "-") == 0)
    {
      /* Someone typing the command without input would otherwise wait
       * for nothing. */
      if (isatty (STDIN_FILENO))
        g_printerr (_("Reading from standard input; end with Ctrl+D.\n"));
      return read_stream (stdin, path, max_len, error);
    }

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot open “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fileno (file), &st) == 0 && S_ISDIR (st.st_mode))
    {
      fclose (file);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                   _("Cannot read “%s”: it is a folder."), path);
      return NULL;
    }

  bytes = read_stream (file, path, max_len, error);
  fclose (file);

  return bytes;
}

gboolean
idw_cli_write_file (const char  *path,
                    const void  *contents,
                    gsize        len,
                    int          mode,
                    gboolean     overwrite,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!overwrite && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   _("“%s” already exists; not overwriting it."), path);
      return FALSE;
    }

  if (!g_file_set_contents_full (path, contents, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                 &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot write “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
idw_cli_parse_device_alg (const char  *value,
                          gint64      *out_alg,
                          GError     **error)
{
  static const IdwCoseAlg algs[] = { IDW_COSE_ALG_EDDSA, IDW_COSE_ALG_ES256 };

  if (value == NULL)
    {
      *out_alg = IDW_COSE_ALG_EDDSA;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      if (g_ascii_strcasecmp (value, idw_key_alg_to_string (algs[i])) == 0)
        {
          *out_alg = algs[i];
          return TRUE;
        }
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--device-alg: “%s” is not a device key algorithm; use EdDSA (Ed25519) or ES256 (P-256)."),
               value);
  return FALSE;
}

GDateTime *
idw_cli_parse_time (const char  *option,
                    const char  *value,
                    GError     **error)
{
  GDateTime *result;

  g_return_val_if_fail (value != NULL, NULL);

  result = idw_text_parse_time (value);
  if (result == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: “%s” is not an RFC 3339 time such as “2024-05-17T12:00:00Z” or a date such as “2024-05-17”."),
                   option, value);
      return NULL;
    }

  return result;
}

GPtrArray *
idw_cli_load_certificates (const char  *path,
                           GError     **error)
{
  g_autoptr(GBytes) contents = NULL;
  gsize size;
  const guint8 *data;

  contents = idw_cli_read_file (path, IDW_MAX_INPUT_FILE, error);
  if (contents == NULL)
    return NULL;

  data = g_bytes_get_data (contents, &size);
  return idw_certificate_list_new_from_data (data, size, path, error);
}

/* "NAMESPACE/ELEMENT" as given (present: it must be held), or a bare
 * ELEMENT: with @credential, the one element of that name it holds; without,
 * ELEMENT of @doctype's main namespace. Paths the credential does not hold
 * are gathered in @missing. */
static gboolean
add_element_path (GStrvBuilder   *builder,
                  const char     *path,
                  const char     *doctype,
                  IdwCredential  *credential,
                  char          **held,
                  GString       **missing,
                  GError        **error)
{
  g_autofree char *name_space = NULL;
  g_autofree char *element = NULL;
  const char *match = NULL;
  guint matches = 0;

  if (credential == NULL)
    {
      const char *main_ns = idw_doctype_get_namespace (doctype);

      if (strchr (path, '/') != NULL)
        {
          g_strv_builder_add (builder, path);
        }
      else if (main_ns != NULL)
        {
          g_autofree char *full = idw_element_path_new (main_ns, path);

          g_strv_builder_add (builder, full);
        }
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--elements: write “%s” as NAMESPACE/%s: the document type “%s” is not known."),
                       path, path, doctype);
          return FALSE;
        }
      return TRUE;
    }

  if (idw_element_path_split (path, &name_space, &element))
    {
      if (!idw_credential_has_element (credential, name_space, element))
        {
          if (*missing == NULL)
            *missing = g_string_new (path);
          else
            g_string_append_printf (*missing, ", %s", path);
        }
      g_strv_builder_add (builder, path);
      return TRUE;
    }

  for (guint k = 0; held[k] != NULL; k++)
    {
      const char *slash = strrchr (held[k], '/');

      if (slash != NULL && strcmp (slash + 1, path) == 0)
        {
          match = held[k];
          matches++;
        }
    }

  if (matches != 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   matches == 0
                   ? _("--elements: the credential holds no element “%s”.")
                   : _("--elements: “%s” is in several namespaces; write it as NAMESPACE/%s."),
                   path, path);
      return FALSE;
    }
  g_strv_builder_add (builder, match);
  return TRUE;
}

GStrv
idw_cli_parse_elements (char          **elements,
                        const char     *doctype,
                        IdwCredential  *credential,
                        GError        **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) held = credential != NULL ? idw_credential_list_paths (credential) : NULL;
  g_autoptr(GString) missing = NULL;
  guint count = 0;

  g_return_val_if_fail (elements != NULL, NULL);
  g_return_val_if_fail (credential != NULL || doctype != NULL, NULL);

  for (guint i = 0; elements[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (elements[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          const char *path = g_strstrip (parts[j]);

          if (*path == '\0')
            continue;
          if (!add_element_path (builder, path, doctype, credential, held, &missing, error))
            return NULL;
          count++;
        }
    }

  if (missing != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--elements: the credential does not hold %s."), missing->str);
      return NULL;
    }

  if (count == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--elements names no element."));
      return NULL;
    }

  return g_strv_builder_end (builder);
}

void
idw_cli_verify_options_add_entries (GOptionContext      *context,
                                    IdwCliVerifyOptions *options,
                                    gboolean             with_json)
{
  const GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->trust,
      N_("Trust the issuer certificate (IACA root or pinned DS certificate, PEM or DER) in CERT; repeatable"), N_("CERT") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &options->at,
      N_("Verify as of TIME (RFC 3339) instead of now"), N_("TIME") },
    { "session-transcript", 0, 0, G_OPTION_ARG_FILENAME, &options->session_transcript,
      N_("SessionTranscript CBOR (plain or tag-24 wrapped, binary or hex) for a raw DeviceResponse"), N_("FILE") },
    { "reader-key", 0, 0, G_OPTION_ARG_FILENAME, &options->reader_key,
      N_("The reader’s ephemeral P-256 private key (32 bytes, raw or hex) to check a deviceMac"), N_("FILE") },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &options->offline,
      N_("Check revocation with the status lists saved before only, without the network"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print the verdict as one JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->inputs,
      NULL, N_("[INPUT]") },
    { NULL }
  };

  if (with_json)
    {
      g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    }
  else
    {
      GOptionEntry without_json[G_N_ELEMENTS (entries)];
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
        {
          if (g_strcmp0 (entries[i].long_name, "json") != 0)
            without_json[n++] = entries[i];
        }
      g_option_context_add_main_entries (context, without_json, GETTEXT_PACKAGE);
    }
}

void
idw_cli_verify_options_clear (IdwCliVerifyOptions *options)
{
  g_clear_pointer (&options->trust, g_strfreev);
  g_clear_pointer (&options->at, g_free);
  g_clear_pointer (&options->session_transcript, g_free);
  g_clear_pointer (&options->reader_key, g_free);
  g_clear_pointer (&options->inputs, g_strfreev);
}

void
idw_cli_verify_input_free (IdwCliVerifyInput *input)
{
  if (input == NULL)
    return;

  g_clear_object (&input->verifier);
  g_clear_pointer (&input->data, g_bytes_unref);
  g_clear_pointer (&input->session_transcript, g_bytes_unref);
  g_clear_pointer (&input->input_name, g_free);
  g_free (input);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The files of @inputs, folders expanded to their files in name order. */
static GPtrArray *
list_frame_files (char    **inputs,
                  GError  **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; inputs[i] != NULL; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (inputs[i], G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (files, g_strdup (inputs[i]));
          continue;
        }

      dir = g_dir_open (inputs[i], 0, error);
      if (dir == NULL)
        return NULL;
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (inputs[i], name, NULL);

          if (name[0] != '.' && g_file_test (path, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add (names, g_steal_pointer (&path));
        }
      g_ptr_array_sort (names, compare_paths);
      g_ptr_array_extend_and_steal (files, g_steal_pointer (&names));
    }

  if (files->len > MAX_FRAME_FILES)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%u files are more than the %d frames read at most."), files->len, MAX_FRAME_FILES);
      return NULL;
    }
  if (files->len == 0)
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("There is no file to read."));
      return NULL;
    }

  return g_steal_pointer (&files);
}

/* The frames of an animated code in several files (pictures or texts), put
 * together as the camera does: frames that are not frames, or of another
 * code, are left out with a note; the first code rebuilt is the result,
 * as "IDW1:" text. One file of a whole presentation is that presentation. */
static GBytes *
read_frames (char    **inputs,
             GError  **error)
{
  g_autoptr(GPtrArray) files = list_frame_files (inputs, error);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  guint n_frames = 0;

  if (files == NULL)
    return NULL;

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GBytes) data = NULL;
      g_autoptr(IdwInput) frame = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *safe_path = NULL;
      g_autofree char *message = NULL;

      data = idw_cli_read_file (path, IDW_MAX_INPUT_FILE, error);
      if (data == NULL)
        return NULL;

      frame = idw_input_new_from_data (data, &local_error);
      if (frame != NULL && idw_input_get_kind (frame) == IDW_INPUT_PRESENTATION && files->len == 1)
        return g_bytes_new (idw_input_get_text (frame), strlen (idw_input_get_text (frame)));
      if (frame != NULL && idw_input_get_kind (frame) != IDW_INPUT_FRAME)
        g_set_error_literal (&local_error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                             _("not a frame of an animated ID code"));
      else if (frame != NULL)
        {
          IdwFrameResult result;

          result = idw_frame_collector_add (collector, idw_input_get_text (frame), &text, &local_error);
          if (result == IDW_FRAME_COMPLETE)
            {
              gsize len = strlen (text);

              return g_bytes_new_take (g_steal_pointer (&text), len);
            }
          if (local_error == NULL)
            n_frames++;
        }

      if (local_error != NULL)
        {
          safe_path = idw_cli_escape (path);
          message = idw_cli_escape (local_error->message);
          g_printerr (_("Note: “%s” is left out: %s\n"), safe_path, message);
        }
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               _("The %u frames given are not enough to rebuild the animated code (%.0f %% of it); "
                 "give more of its frames."),
               n_frames, 100.0 * idw_frame_collector_get_progress (collector));
  return NULL;
}

IdwCliVerifyInput *
idw_cli_verify_input_new (IdwCliVerifyOptions  *options,
                          GError              **error)
{
  g_autoptr(IdwCliVerifyInput) input = g_new0 (IdwCliVerifyInput, 1);
  guint n_inputs = options->inputs != NULL ? g_strv_length (options->inputs) : 0;
  gboolean frames;

  /* Several files, or a folder: the frames of an animated code. */
  frames = n_inputs > 1 || (n_inputs == 1 && g_file_test (options->inputs[0], G_FILE_TEST_IS_DIR));
  if (frames && g_strv_contains ((const char * const *) options->inputs, "-"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Standard input (“-”) cannot be one of several inputs."));
      return NULL;
    }

  input->input_name = g_strdup (n_inputs == 1 ? options->inputs[0] : "-");
  input->verifier = idw_verifier_new ();
  {
    /* Status lists are fetched (or, offline, taken from the cache) under
     * $XDG_CACHE_HOME/id-wallet/status. */
    g_autoptr(IdwStatusFetcher) fetcher = idw_status_fetcher_new (NULL);

    idw_status_fetcher_set_offline (fetcher, options->offline);
    idw_verifier_set_status_fetcher (input->verifier, fetcher);
  }

  for (guint i = 0; options->trust != NULL && options->trust[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) certs = idw_cli_load_certificates (options->trust[i], error);

      if (certs == NULL)
        return NULL;

      for (guint j = 0; j < certs->len; j++)
        idw_verifier_add_trust_anchor (input->verifier, g_ptr_array_index (certs, j));
    }

  if (options->at != NULL)
    {
      g_autoptr(GDateTime) at = idw_cli_parse_time ("--at", options->at, error);

      if (at == NULL)
        return NULL;
      idw_verifier_set_time (input->verifier, at);
    }

  if (options->reader_key != NULL)
    {
      g_autoptr(GBytes) contents = NULL;
      g_autoptr(GError) local_error = NULL;

      contents = idw_cli_read_file (options->reader_key, 4096, error);
      if (contents == NULL)
        return NULL;

      if (!idw_verifier_set_reader_key_from_data (input->verifier, contents, &local_error))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--reader-key “%s”: %s"), options->reader_key, local_error->message);
          return NULL;
        }
    }

  if (options->session_transcript != NULL)
    {
      g_autoptr(GBytes) contents = NULL;
      g_autoptr(GBytes) decoded = NULL;

      contents = idw_cli_read_file (options->session_transcript, IDW_MAX_INPUT_FILE, error);
      if (contents == NULL)
        return NULL;

      decoded = idw_input_decode_hex (contents);
      input->session_transcript = decoded != NULL ? g_steal_pointer (&decoded)
                                                  : g_steal_pointer (&contents);
    }

  if (frames)
    input->data = read_frames (options->inputs, error);
  else
    input->data = idw_cli_read_file (input->input_name, IDW_MAX_INPUT_FILE, error);
  if (input->data == NULL)
    return NULL;

  if (g_bytes_get_size (input->data) == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is empty."), display_name (input->input_name));
      return NULL;
    }

  return g_steal_pointer (&input);
}

IdwVerdict *
idw_cli_verify_input_run (IdwCliVerifyInput *input)
{
  /* The engine's pipeline recognises the input and reads it once. */
  return idw_verifier_verify_data (input->verifier, input->data, input->session_transcript);
}

/* "VICAL of AAMVA of 2025-11-18", the provider escaped. */
char *
idw_cli_describe_trust_origin (IdwTrustOrigin *origin)
{
  g_autofree char *provider = idw_cli_escape (idw_trust_origin_get_provider (origin));
  g_autofree char *date = idw_cli_format_date (idw_trust_origin_get_date (origin));
  guint64 issue_id = 0;

  if (idw_trust_origin_get_issue_id (origin, &issue_id))
    /* Translators: a trust list: its provider ("AAMVA"), date and issue number */
    return g_strdup_printf (_("VICAL of %s of %s (issue %" PRIu64 ")"),
                            provider, date, (uint64_t) issue_id);

  /* Translators: a trust list: its provider ("AAMVA") and date */
  return g_strdup_printf (_("VICAL of %s of %s"), provider, date);
}
