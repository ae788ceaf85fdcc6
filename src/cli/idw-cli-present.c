/* idw-cli-present.c: `id-wallet-cli present`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

/* Pixels per QR module in --png output: crisp and readable from a file. */
#define PNG_MODULE_SCALE 8

/* At most this many frames with --frames: 10 minutes at 10 a second. */
#define MAX_FRAMES 6000

static gboolean
has_frame_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, "frame-") && g_str_has_suffix (name, ".png"))
        return TRUE;
    }
  return FALSE;
}

/* The frames the app shows for @text, as PNG files frame-000.png, … in
 * @dir: the frames of the fountain code from seq 0, or the one code when
 * @text fits in one. */
static int
write_frames (const char *text,
              const char *dir,
              int         n_frames)
{
  g_autoptr(IdwAnimation) animation = NULL;
  g_autoptr(GError) error = NULL;
  gboolean one_code = idw_animation_fits_one_frame (text);

  if (!one_code)
    {
      animation = idw_animation_new (text, &error);
      if (animation == NULL)
        return idw_cli_report_error (error);
    }
  if (n_frames == 0)
    n_frames = one_code ? 1 : 2 * (int) idw_animation_get_n_blocks (animation);
  if (one_code)
    n_frames = 1;

  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved_errno = errno;

      idw_cli_printerr (_("Cannot make the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return IDW_CLI_EXIT_USAGE;
    }
  /* Never mix the frames of two presentations in one folder. */
  if (has_frame_files (dir))
    {
      idw_cli_printerr (_("“%s” already holds frames (frame-*.png); choose an empty folder."), dir);
      return IDW_CLI_EXIT_USAGE;
    }

  for (int seq = 0; seq < n_frames; seq++)
    {
      g_autoptr(IdwQrMatrix) matrix = NULL;
      g_autofree char *name = g_strdup_printf ("frame-%0*d.png", n_frames > 1000 ? 4 : 3, seq);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      matrix = one_code ? idw_qr_encode_low (text, &error)
                        : idw_animation_get_frame_matrix (animation, (guint32) seq, &error);
      if (matrix == NULL)
        return idw_cli_report_error (error);
      if (!idw_qr_matrix_write_png (matrix, PNG_MODULE_SCALE, path, &error))
        {
          idw_cli_printerr (_("Cannot write “%s”: %s"), path, error->message);
          return IDW_CLI_EXIT_USAGE;
        }
    }

  if (one_code)
    g_printerr (_("The presentation fits in one QR code: one frame written.\n"));
  else
    g_printerr (ngettext ("%d frames written; any %u of them rebuild the presentation.\n",
                          "%d frames written; any %u of them rebuild the presentation.\n",
                          n_frames),
                n_frames, idw_animation_get_n_blocks (animation));

  return IDW_CLI_EXIT_OK;
}

/* @paths without the portrait, which idw_present_text_for_qr() left out
 * (takes @paths). */
static GStrv
without_portrait (GStrv paths)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (gsize i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *element = NULL;

      if (!idw_element_path_split (paths[i], NULL, &element) || !g_str_equal (element, "portrait"))
        g_strv_builder_add (builder, paths[i]);
    }
  g_strfreev (paths);
  return g_strv_builder_end (builder);
}

/* Records the presentation of the wallet's @entry in the history, unless
 * the "record-history" setting is off. A failure is reported, never fatal:
 * the presentation the holder asked for has been made. */
static void
record_presentation (IdwStoreEntry      *entry,
                     const char * const *paths,
                     IdwHistoryChannel   channel,
                     const char         *verifier,
                     GDateTime          *presented_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwHistory) history = NULL;
  g_autoptr(IdwHistoryEntry) record = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *name = NULL;
  IdwCredential *credential = idw_store_entry_get_credential (entry);

  if (!idw_cli_get_setting_boolean ("record-history", TRUE))
    return;

  now = presented_at != NULL ? g_date_time_ref (presented_at) : g_date_time_new_now_utc ();
  name = idw_history_name_for_credential (credential, idw_store_entry_get_nickname (entry));
  record = idw_history_entry_new (now, idw_store_entry_get_id (entry), name,
                                  idw_credential_get_doctype (credential), paths, channel,
                                  verifier, IDW_HISTORY_OUTCOME_SHARED);
  history = idw_cli_open_history (&error);
  if (history == NULL || !idw_history_append_sync (history, record, NULL, &error))
    {
      g_autofree char *message = idw_cli_escape (error->message);

      idw_cli_printerr (_("The presentation was made but not recorded in your history: %s"), message);
    }
}

int
idw_cli_present (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) elements = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *nonce_request = NULL;
  g_autofree char *png_file = NULL;
  g_autofree char *animate_dir = NULL;
  int n_frames = 0;
  g_autofree char *at_text = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) presented_at = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwKey) device_key = NULL;
  GBytes *nonce = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;
  gboolean as_text = FALSE;
  gboolean no_history = FALSE;
  gboolean portrait_dropped = FALSE;
  IdwHistoryChannel channel;
  const GOptionEntry entries[] = {
    { "elements", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &elements,
      N_("Disclose these elements, comma-separated (NAMESPACE/ELEMENT, or ELEMENT when unambiguous)"), N_("NS/ELEM,…") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      N_("Disclose a preset: full (default), name-photo or age-over-18"), N_("PRESET") },
    { "nonce-request", 0, 0, G_OPTION_ARG_STRING, &nonce_request,
      N_("Answer this IDWR1 request of a remote verifier: its nonce, and by default the elements it asks for"), N_("TEXT") },
    { "text", 't', 0, G_OPTION_ARG_NONE, &as_text,
      N_("Print the presentation as IDW1 text (the default)"), NULL },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_file,
      N_("Write the presentation as a QR code image (PNG); the portrait is left out if it does not fit"), N_("FILE") },
    { "animate", 0, 0, G_OPTION_ARG_FILENAME, &animate_dir,
      N_("Write the QR frames of the presentation, portrait included, as PNG files frame-000.png, … "
         "into this folder (one frame when it fits in one code)"), N_("DIR") },
    { "frames", 0, 0, G_OPTION_ARG_INT, &n_frames,
      N_("With --animate: how many frames to write (default: twice as many as rebuild it)"), N_("N") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text,
      N_("The presentation time, RFC 3339 (default: now)"), N_("TIME") },
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &no_history,
      N_("Do not record this presentation in the wallet’s history"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("(ID | FILE.idwcred)"));
  g_option_context_set_summary (context,
                                _("Signs a presentation of a credential in the wallet (its ID, or the start of it, from\n"
                                  "“id-wallet-cli list”; the device key comes from the keyring) or of a credential file\n"
                                  "that holds its device key: an ISO 18013-5 DeviceResponse in an IDW1 envelope\n"
                                  "(see docs/formats.md)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the credential: a wallet ID or a credential file."));
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);
  if ((as_text ? 1 : 0) + (png_file != NULL ? 1 : 0) + (animate_dir != NULL ? 1 : 0) > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Give one of --text, --png and --animate."));
  if (n_frames != 0 && animate_dir == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--frames goes with --animate."));
  if (n_frames < 0 || n_frames > MAX_FRAMES)
    return idw_cli_usage_error (g_get_prgname (), _("--frames: give a number from 1 to %d."), MAX_FRAMES);
  if (elements != NULL && preset_name != NULL)
    return idw_cli_usage_error (g_get_prgname (), _("Give either --elements or --preset, not both."));

  if (at_text != NULL)
    {
      presented_at = idw_cli_parse_time ("--at", at_text, &error);
      if (presented_at == NULL)
        return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
    }

  if (nonce_request != NULL)
    {
      request = idw_remote_request_parse (nonce_request, &error);
      if (request == NULL)
        {
          g_autofree char *message = idw_cli_escape (error->message);

          idw_cli_printerr (_("--nonce-request: %s"), message);
          return IDW_CLI_EXIT_USAGE;
        }
      nonce = request->nonce;
    }

  if (!g_file_test (argv[1], G_FILE_TEST_EXISTS) && idw_cli_looks_like_id (argv[1]))
    {
      g_autoptr(IdwStore) store = NULL;

      store = idw_cli_open_store (&error);
      if (store == NULL)
        return idw_cli_report_error (error);

      entry = idw_cli_find_entry (store, argv[1], &error);
      if (entry == NULL)
        return idw_cli_report_error (error);
      if (idw_store_entry_is_damaged (entry))
        {
          const GError *reason = idw_store_entry_get_error (entry);
          g_autofree char *message = idw_cli_escape (reason != NULL ? reason->message : "");

          idw_cli_printerr (_("The credential %s is damaged and cannot be presented: %s"),
                            idw_store_entry_get_id (entry), message);
          return IDW_CLI_EXIT_FAILED;
        }
      credential = g_object_ref (idw_store_entry_get_credential (entry));
      if (idw_store_entry_get_reissue_needed (entry))
        {
          idw_cli_printerr (_("Re-issue needed on this device: the key of the credential %s stayed in the TPM of "
                              "the computer its backup was made on. Ask its issuer to issue it to this device."),
                            idw_store_entry_get_id (entry));
          return IDW_CLI_EXIT_FAILED;
        }

      device_key = idw_keystore_find_private_key_sync (idw_credential_get_device_key (credential), NULL, &error);
      if (device_key == NULL)
        {
          if (g_error_matches (error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
            {
              idw_cli_printerr (_("The keyring holds no device key for the credential %s: it cannot be presented "
                                  "from this device."), idw_store_entry_get_id (entry));
              return IDW_CLI_EXIT_FAILED;
            }
          return idw_cli_report_error (error);
        }
    }
  else
    {
      credential = idw_credential_new_from_file (argv[1], &error);
      if (credential == NULL)
        {
          IdwCliExit status = idw_cli_exit_for_error (error);
          g_autofree char *message = idw_cli_escape (error->message);

          idw_cli_printerr ("%s: %s", argv[1], message);
          return status;
        }
    }

  if (device_key == NULL && idw_credential_get_private_key (credential) == NULL)
    {
      idw_cli_printerr (_("“%s” holds no device private key, so it cannot be presented from the command line. "
                          "Issue it with --new-device-key, or import it into the wallet."), argv[1]);
      return IDW_CLI_EXIT_USAGE;
    }

  if (elements != NULL)
    {
      paths = idw_cli_parse_elements (elements, NULL, credential, &error);
      if (paths == NULL)
        return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
    }
  else if (preset_name != NULL)
    {
      IdwPreset preset;

      if (!idw_preset_from_string (preset_name, &preset))
        return idw_cli_usage_error (g_get_prgname (),
                                    _("Unknown preset “%s”: use full, name-photo or age-over-18."),
                                    preset_name);

      paths = idw_credential_get_preset_paths (credential, preset);
      if (paths == NULL || paths[0] == NULL)
        {
          idw_cli_printerr (_("The credential holds none of the elements of the preset “%s”."), preset_name);
          return IDW_CLI_EXIT_FAILED;
        }
    }
  else if (request != NULL)
    {
      g_auto(GStrv) missing = NULL;
      g_autofree char *who = NULL;
      /* The request names itself and what it wants: print it escaped. */
      g_autofree char *verifier = idw_cli_escape (request->verifier);
      g_autofree char *doctype = idw_cli_escape (idw_remote_request_get_doctype (request));

      paths = idw_remote_request_select (request, credential, &missing);

      who = verifier != NULL ? g_strdup_printf ("“%s”", verifier)
                             : g_strdup (_("A verifier (unnamed)"));
      g_printerr (_("%s asks for %s.\n"), who, doctype);
      if (missing != NULL && missing[0] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", missing);
          g_autofree char *safe_list = idw_cli_escape (list);

          g_printerr (_("Not in this credential, left out: %s\n"), safe_list);
        }

      if (paths == NULL || paths[0] == NULL)
        {
          idw_cli_printerr (_("The credential holds none of the requested elements."));
          return IDW_CLI_EXIT_FAILED;
        }
    }
  else
    {
      paths = idw_credential_list_paths (credential);
    }

  if (animate_dir != NULL)
    {
      int status;

      text = idw_present_text (credential, device_key, (const char * const *) paths,
                               presented_at, nonce, &error);
      if (text == NULL)
        return idw_cli_report_error (error);
      status = write_frames (text, animate_dir, n_frames);
      if (status != IDW_CLI_EXIT_OK)
        return status;
      channel = IDW_HISTORY_CHANNEL_QR;
    }
  else if (png_file != NULL)
    {
      g_autoptr(IdwQrMatrix) matrix = NULL;

      text = idw_present_text_for_qr (credential, device_key, (const char * const *) paths,
                                      presented_at, nonce, &portrait_dropped, &error);
      if (text == NULL)
        return idw_cli_report_error (error);

      matrix = idw_qr_encode (text, &error);
      if (matrix == NULL)
        return idw_cli_report_error (error);

      if (!idw_qr_matrix_write_png (matrix, PNG_MODULE_SCALE, png_file, &error))
        {
          idw_cli_printerr (_("Cannot write “%s”: %s"), png_file, error->message);
          return IDW_CLI_EXIT_USAGE;
        }

      if (portrait_dropped)
        {
          g_printerr (_("The portrait was left out so that the presentation fits in one QR code.\n"));
          paths = without_portrait (paths);
        }
      channel = IDW_HISTORY_CHANNEL_QR;
    }
  else
    {
      text = idw_present_text (credential, device_key, (const char * const *) paths,
                               presented_at, nonce, &error);
      if (text == NULL)
        return idw_cli_report_error (error);

      /* The text is ASCII; written as is, never converted to the locale. */
      fputs (text, stdout);
      fputc ('\n', stdout);
      if (fflush (stdout) != 0)
        return IDW_CLI_EXIT_USAGE;
      channel = IDW_HISTORY_CHANNEL_TEXT;
    }

  /* Only the wallet's own credentials have a history; a file presented
   * from outside the wallet is not recorded. */
  if (entry != NULL && !no_history)
    record_presentation (entry, (const char * const *) paths,
                         request != NULL ? IDW_HISTORY_CHANNEL_REPLY : channel,
                         request != NULL ? request->verifier : NULL, presented_at);

  return IDW_CLI_EXIT_OK;
}
