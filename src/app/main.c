/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "idw-application.h"
#include "idw-tpm.h"

/* The catalogues beside this binary. An install staged under another root
 * (`meson install --destdir ROOT`, as build-aux/dev run does) has the binary
 * at ROOT/BINDIR and the catalogues at ROOT/LOCALEDIR: look there, or the
 * interface stays in English until the app is installed for real. */
static char *
find_localedir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *staged = NULL;
  gsize root_len;

  if (exe == NULL)
    return g_strdup (LOCALEDIR);
  dir = g_path_get_dirname (exe);
  if (!g_str_has_suffix (dir, BINDIR) || strlen (dir) == strlen (BINDIR))
    return g_strdup (LOCALEDIR);

  root_len = strlen (dir) - strlen (BINDIR);
  staged = g_strdup_printf ("%.*s%s", (int) root_len, dir, LOCALEDIR);
  if (!g_file_test (staged, G_FILE_TEST_IS_DIR))
    return g_strdup (LOCALEDIR);

  return g_steal_pointer (&staged);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(IdwApplication) app = NULL;
  g_autofree char *localedir = find_localedir ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("ID Wallet"));
  idw_tpm_quiet_library_log ();
  app = idw_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
