/* idw-cli-backup.c: `id-wallet-cli backup` and `id-wallet-cli restore`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole wallet in one file encrypted with a passphrase (idw-backup.h,
 * docs/formats.md §12). The passphrase comes from --passphrase-file or is
 * typed on the terminal without echo; it is kept in guarded memory.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <fcntl.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

/* A passphrase file is short; this bounds what is read of a wrong one. */
#define MAX_PASSPHRASE_FILE (IDW_BACKUP_MAX_PASSPHRASE + 2)

/* ---- The passphrase ---------------------------------------------------- */

/* Bytes up to the first newline (or all of them), without a final "\r",
 * as a passphrase. */
static IdwPassphrase *
passphrase_from_line (const char  *line,
                      gsize        len,
                      GError     **error)
{
  const char *newline = memchr (line, '\n', len);

  if (newline != NULL)
    len = (gsize) (newline - line);
  if (len > 0 && line[len - 1] == '\r')
    len--;
  return idw_passphrase_new (line, (gssize) len, error);
}

/* The first line of @path ("-": standard input). */
static IdwPassphrase *
read_passphrase_file (const char  *path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd = g_str_equal (path, "-") ? STDIN_FILENO : open (path, O_RDONLY | O_CLOEXEC);
  guint8 *buffer;
  gsize len = 0;
  IdwPassphrase *passphrase;

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot read the passphrase file “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }

  /* Guarded: the passphrase never sits in ordinary memory. */
  buffer = sodium_malloc (MAX_PASSPHRASE_FILE + 1);
  if (buffer == NULL)
    g_error ("Out of secure memory for a passphrase");
  while (len <= MAX_PASSPHRASE_FILE)
    {
      gssize n = read (fd, buffer + len, MAX_PASSPHRASE_FILE + 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          if (fd != STDIN_FILENO)
            close (fd);
          sodium_free (buffer);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Cannot read the passphrase file “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  if (fd != STDIN_FILENO)
    close (fd);

  passphrase = passphrase_from_line ((const char *) buffer, MIN (len, MAX_PASSPHRASE_FILE + 1), &local_error);
  sodium_free (buffer);
  if (passphrase == NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "%s: %s", path, local_error->message);
  return passphrase;
}

/* The terminal, while it does not echo. */
static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_echo_off;

static void
restore_echo (void)
{
  if (tty_echo_off)
    {
      tcsetattr (tty_fd, TCSAFLUSH, &tty_saved);
      tty_echo_off = 0;
    }
}

static void
on_signal (int signum)
{
  /* Ctrl+C at the prompt must not leave the terminal silent. */
  restore_echo ();
  signal (signum, SIG_DFL);
  raise (signum);
}

/* Asks for the passphrase on the terminal with @prompt, without echo. */
static IdwPassphrase *
prompt_passphrase (const char  *prompt,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  struct termios silent;
  guint8 *buffer;
  gsize len = 0;
  IdwPassphrase *passphrase;

  if (tty_fd < 0)
    tty_fd = open ("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty_fd < 0 || tcgetattr (tty_fd, &tty_saved) != 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("No terminal to type the passphrase on: give it with --passphrase-file."));
      return NULL;
    }

  silent = tty_saved;
  silent.c_lflag &= ~(tcflag_t) (ECHO | ECHONL);
  silent.c_lflag |= ICANON;
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  signal (SIGHUP, on_signal);
  /* Silent first, then the prompt: nothing typed after the prompt shows
   * is echoed, or flushed. */
  tty_echo_off = 1;
  tcsetattr (tty_fd, TCSAFLUSH, &silent);
  if (write (tty_fd, prompt, strlen (prompt)) < 0)
    { /* a prompt that cannot be shown is still answered */ }

  buffer = sodium_malloc (MAX_PASSPHRASE_FILE + 1);
  if (buffer == NULL)
    g_error ("Out of secure memory for a passphrase");
  while (len <= MAX_PASSPHRASE_FILE)
    {
      gssize n = read (tty_fd, buffer + len, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || buffer[len] == '\n')
        break;
      len++;
    }

  restore_echo ();
  if (write (tty_fd, "\n", 1) < 0)
    { /* as above */ }
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGHUP, SIG_DFL);

  passphrase = passphrase_from_line ((const char *) buffer, len, &local_error);
  sodium_free (buffer);
  if (passphrase == NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, local_error->message);
  return passphrase;
}

/* The passphrase from @file, or typed (twice when @confirm). */
static IdwPassphrase *
get_passphrase (const char  *file,
                gboolean     confirm,
                GError     **error)
{
  g_autoptr(IdwPassphrase) first = NULL;
  g_autoptr(IdwPassphrase) again = NULL;

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  if (file != NULL)
    return read_passphrase_file (file, error);

  first = prompt_passphrase (confirm ? _("Passphrase for the backup: ") : _("Passphrase of the backup: "),
                             error);
  if (first == NULL || !confirm)
    return g_steal_pointer (&first);
  again = prompt_passphrase (_("The same passphrase again: "), error);
  if (again == NULL)
    return NULL;
  if (!idw_passphrase_equal (first, again))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The two passphrases differ; nothing was written."));
      return NULL;
    }
  return g_steal_pointer (&first);
}

/* ---- backup ------------------------------------------------------------ */

int
idw_cli_backup (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *passphrase_file = NULL;
  g_autoptr(IdwPassphrase) passphrase = NULL;
  IdwBackupSummary summary;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the backup to FILE (it must not exist yet)"), N_("FILE") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      N_("Read the passphrase from the first line of F (“-”: standard input) instead of asking twice"), N_("F") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Backs up the wallet into one file encrypted with a passphrase: the credentials with\n"
                                  "their device keys, the trusted issuers and trust lists, the history and the settings.\n"
                                  "Keys kept in this computer’s TPM cannot leave it: those credentials must be re-issued\n"
                                  "after a restore on another computer. The passphrase cannot be recovered: without it,\n"
                                  "the backup cannot be opened. See docs/formats.md §12.\n"
                                  "Exit status: 0 written, 1 refused, 2 usage, file or keyring error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);
  if (out == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("Missing --out FILE."));
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    {
      idw_cli_printerr (_("“%s” exists already; choose another name or remove it first."), out);
      return IDW_CLI_EXIT_USAGE;
    }

  passphrase = get_passphrase (passphrase_file, TRUE, &error);
  if (passphrase == NULL)
    {
      idw_cli_printerr ("%s", error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  idw_backup_recover_sync (NULL, NULL);
  if (!idw_backup_create_sync (NULL, out, passphrase, &summary, NULL, &error))
    return idw_cli_report_error (error);

  /* Translators: what a backup holds; each %u a count */
  g_print (g_dngettext (GETTEXT_PACKAGE, "Backed up %u ID", "Backed up %u IDs", summary.credentials),
           summary.credentials);
  g_print (g_dngettext (GETTEXT_PACKAGE, ", %u trusted issuer", ", %u trusted issuers", summary.anchors),
           summary.anchors);
  g_print (g_dngettext (GETTEXT_PACKAGE, ", %u trust list", ", %u trust lists", summary.lists),
           summary.lists);
  g_print (g_dngettext (GETTEXT_PACKAGE, ", %u history entry", ", %u history entries", summary.history),
           summary.history);
  g_print (g_dngettext (GETTEXT_PACKAGE, " and %u setting.\n", " and %u settings.\n", summary.settings),
           summary.settings);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  if (summary.keys_hardware > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "%u ID has its key in this computer’s TPM, which it cannot leave: restored on another "
                             "computer, it must be re-issued there.\n",
                             "%u IDs have their keys in this computer’s TPM, which they cannot leave: restored on "
                             "another computer, they must be re-issued there.\n",
                             summary.keys_hardware),
                summary.keys_hardware);
  if (summary.damaged > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "%u damaged file was left out.\n",
                             "%u damaged files were left out.\n", summary.damaged),
                summary.damaged);
  if (summary.history_damaged)
    g_printerr (_("The history cannot be read and was left out.\n"));
  if (summary.settings_missing)
    g_printerr (_("The settings were left out: ID Wallet’s settings schema is not installed here.\n"));
  g_printerr (_("Keep the passphrase safe: without it, the backup cannot be opened.\n"));

  return IDW_CLI_EXIT_OK;
}

/* ---- restore ------------------------------------------------------------ */

static void
print_items (GPtrArray  *items,
             const char *heading)
{
  if (items->len == 0)
    return;
  g_print ("%s\n", heading);
  for (guint i = 0; i < items->len; i++)
    {
      IdwBackupItem *item = items->pdata[i];
      /* A name is what a credential says: printed escaped. */
      g_autofree char *name = idw_cli_escape (item->name);

      g_print ("  %s\t%s\n", item->id, name);
    }
}

int
idw_cli_restore (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *passphrase_file = NULL;
  g_autoptr(IdwPassphrase) passphrase = NULL;
  g_autoptr(IdwBackup) backup = NULL;
  g_autoptr(IdwBackupReport) report = NULL;
  g_autofree char *made = NULL;
  g_autofree char *heading = NULL;
  const char *path;
  const GOptionEntry entries[] = {
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      N_("Read the passphrase from the first line of F (“-”: standard input) instead of asking"), N_("F") },
    { NULL }
  };

  context = g_option_context_new (_("FILE"));
  g_option_context_set_summary (context,
                                _("Restores a backup into this wallet, all or nothing: the whole backup is decrypted and\n"
                                  "checked first, and a wrong passphrase or a damaged file changes nothing. Credentials\n"
                                  "the wallet holds already are skipped; those whose key stayed in another computer’s TPM\n"
                                  "are restored marked “Re-issue needed on this device”.\n"
                                  "Exit status: 0 restored, 1 refused (wrong passphrase, damaged backup),\n"
                                  "2 usage, file or keyring error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the backup file."));
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);
  path = argv[1];
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      idw_cli_printerr (_("“%s” does not exist."), path);
      return IDW_CLI_EXIT_USAGE;
    }

  passphrase = get_passphrase (passphrase_file, FALSE, &error);
  if (passphrase == NULL)
    {
      idw_cli_printerr ("%s", error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  backup = idw_backup_open_sync (path, passphrase, NULL, &error);
  if (backup == NULL)
    {
      IdwCliExit status = idw_cli_report_error (error);

      g_printerr (_("Nothing was changed.\n"));
      return status;
    }

  made = idw_cli_format_date (idw_backup_get_created (backup));
  g_printerr (_("The backup was made on %s.\n"), made);

  report = idw_backup_restore_sync (backup, NULL, NULL, &error);
  if (report == NULL)
    {
      IdwCliExit status = idw_cli_report_error (error);

      g_printerr (_("Nothing was changed.\n"));
      return status;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Restored %u ID:", "Restored %u IDs:",
                                          report->restored->len), report->restored->len);
  print_items (report->restored, heading);
  g_free (heading);
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Re-issue needed on this device (its key stayed in the TPM of the computer the backup was made on) for %u ID:",
                                          "Re-issue needed on this device (their keys stayed in the TPM of the computer the backup was made on) for %u IDs:",
                                          report->reissue->len), report->reissue->len);
  print_items (report->reissue, heading);
  g_free (heading);
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Skipped %u ID the wallet holds already:",
                                          "Skipped %u IDs the wallet holds already:",
                                          report->skipped->len), report->skipped->len);
  print_items (report->skipped, heading);

  /* Translators: counts of what a restore did */
  g_print (_("Trusted issuers: %u added, %u trusted already. Trust lists: %u restored, %u kept "
             "(the wallet’s was as new or newer). History: %u entries added.\n"),
           report->anchors_added, report->anchors_present, report->lists_restored, report->lists_kept,
           report->history_added);
  if (report->settings_pending)
    g_print (_("Settings: restored when ID Wallet next starts (its settings schema is not installed here).\n"));
  else
    g_print (_("Settings: %u restored, %u skipped (unknown here, or out of range).\n"),
             report->settings_restored, report->settings_skipped);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  return IDW_CLI_EXIT_OK;
}
