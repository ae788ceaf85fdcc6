/* tpm-test-util.h: a software TPM (swtpm) of the test program's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * swtpm_start() runs `swtpm socket --tpm2` on free loopback ports (the
 * TPM on P, its control channel on P + 1, as the swtpm TCTI expects) with a
 * fresh state directory and waits until it accepts connections; its TCTI
 * string goes into IDW_TPM_TCTI. The swtpm dies with the test program even
 * when an assertion aborts it (PR_SET_PDEATHSIG); swtpm_stop() ends it
 * cleanly and removes its state.
 *
 * swtpm_start_with_ek_cert() first has swtpm_setup (Debian: swtpm-tools)
 * manufacture the state with an RSA EK and its certificate in NV index
 * 0x01c00002, signed by swtpm_localca with a private CA made for the
 * occasion in @tpm->ca_dir (swtpm-localca-rootca-cert.pem, the root;
 * issuercert.pem, the intermediate that signs EK certificates). Offline,
 * about a second and a half: once per test program.
 *
 * hung_tpm_start() listens on two loopback ports like a swtpm, accepts
 * nothing and answers nothing: a TPM that never answers.
 */
#pragma once

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

typedef struct
{
  GPid   pid;
  char  *state_dir;
  char  *tcti;      /* "swtpm:host=127.0.0.1,port=N" */
  char  *ca_dir;    /* swtpm_start_with_ek_cert() only */
} SwTpm;

/* Removes @path and everything under it. */
static inline void
swtpm_remove_tree (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        swtpm_remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

static inline GSocket *
bind_loopback (guint16   port,
               GError  **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* A loopback TCP port P such that nobody listens on P or P + 1 at this
 * moment (the swtpm TCTI talks to the control channel on P + 1). */
static inline guint16
free_loopback_port (void)
{
  for (int attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) first = bind_loopback (0, &error);
      g_autoptr(GSocket) second = NULL;
      g_autoptr(GSocketAddress) bound = NULL;
      guint16 port;

      g_assert_no_error (error);
      bound = g_socket_get_local_address (first, &error);
      g_assert_no_error (error);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      if (port == G_MAXUINT16)
        continue;
      second = bind_loopback (port + 1, NULL);
      if (second != NULL)
        return port;
    }
  g_error ("no two free loopback ports in a row");
}

static inline void
swtpm_child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static inline gboolean
swtpm_accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* Whether swtpm is installed (Debian: swtpm). */
static inline gboolean
swtpm_available (void)
{
  g_autofree char *path = g_find_program_in_path ("swtpm");

  return path != NULL;
}

static inline void
swtpm_stop (SwTpm *tpm)
{
  if (tpm->pid > 0)
    {
      kill (tpm->pid, SIGTERM);
      waitpid (tpm->pid, NULL, 0);
      g_spawn_close_pid (tpm->pid);
      tpm->pid = 0;
    }
  if (tpm->state_dir != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (tpm->state_dir);
      g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                       G_FILE_QUERY_INFO_NONE, NULL, NULL);
      GFileInfo *info;

      while (children != NULL
             && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autofree char *child = g_build_filename (tpm->state_dir, g_file_info_get_name (info), NULL);

          g_unlink (child);
          g_object_unref (info);
        }
      g_rmdir (tpm->state_dir);
    }
  g_clear_pointer (&tpm->state_dir, g_free);
  g_clear_pointer (&tpm->tcti, g_free);
  if (tpm->ca_dir != NULL)
    swtpm_remove_tree (tpm->ca_dir);
  g_clear_pointer (&tpm->ca_dir, g_free);
}

static inline void swtpm_start_in_state (SwTpm *tpm);

/* Starts a swtpm with a fresh state; tries other ports when another
 * process took the ones picked in between. */
static inline void
swtpm_start (SwTpm *tpm)
{
  g_autoptr(GError) error = NULL;

  tpm->state_dir = g_dir_make_tmp ("idw-swtpm-XXXXXX", &error);
  g_assert_no_error (error);
  swtpm_start_in_state (tpm);
}

/* Whether swtpm_setup and swtpm_localca are installed (Debian:
 * swtpm-tools). */
static inline gboolean
swtpm_setup_available (void)
{
  g_autofree char *setup = g_find_program_in_path ("swtpm_setup");
  g_autofree char *localca = g_find_program_in_path ("swtpm_localca");

  return setup != NULL && localca != NULL;
}

static inline void
write_test_file (const char *dir,
                 const char *name,
                 const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* A swtpm whose state swtpm_setup manufactured with an EK certificate
 * from a private CA in @tpm->ca_dir. */
static inline void
swtpm_start_with_ek_cert (SwTpm *tpm)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *localca_conf = NULL;
  g_autofree char *setup_conf = NULL;
  g_autofree char *setup_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *state_arg = NULL;
  int status = 0;

  tpm->state_dir = g_dir_make_tmp ("idw-swtpm-XXXXXX", &error);
  g_assert_no_error (error);
  tpm->ca_dir = g_dir_make_tmp ("idw-swtpm-ca-XXXXXX", &error);
  g_assert_no_error (error);

  localca_conf = g_strdup_printf ("statedir = %s\n"
                                  "signingkey = %s/signkey.pem\n"
                                  "issuercert = %s/issuercert.pem\n"
                                  "certserial = %s/certserial\n",
                                  tpm->ca_dir, tpm->ca_dir, tpm->ca_dir, tpm->ca_dir);
  write_test_file (tpm->ca_dir, "localca.conf", localca_conf);
  write_test_file (tpm->ca_dir, "localca.options", "");
  setup_conf = g_strdup_printf ("create_certs_tool = swtpm_localca\n"
                                "create_certs_tool_config = %s/localca.conf\n"
                                "create_certs_tool_options = %s/localca.options\n"
                                "active_pcr_banks = sha256\n",
                                tpm->ca_dir, tpm->ca_dir);
  write_test_file (tpm->ca_dir, "swtpm_setup.conf", setup_conf);
  setup_path = g_build_filename (tpm->ca_dir, "swtpm_setup.conf", NULL);
  state_arg = g_strdup (tpm->state_dir);

  {
    const char *argv[] = {
      "swtpm_setup", "--tpm2", "--tpmstate", state_arg, "--create-ek-cert",
      "--config", setup_path, "--overwrite", NULL,
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("swtpm_setup failed: %s%s", out, err);

  swtpm_start_in_state (tpm);
}

/* A "TPM" that accepts connections (the kernel does, on a listening
 * socket) and never answers. */
typedef struct
{
  GSocket *server;
  GSocket *ctrl;
  char    *tcti;
} HungTpm;

static inline void
hung_tpm_start (HungTpm *hung)
{
  for (int attempt = 0; attempt < 10; attempt++)
    {
      guint16 port = free_loopback_port ();
      g_autoptr(GSocket) server = bind_loopback (port, NULL);
      g_autoptr(GSocket) ctrl = server != NULL ? bind_loopback (port + 1, NULL) : NULL;

      if (ctrl == NULL || !g_socket_listen (server, NULL) || !g_socket_listen (ctrl, NULL))
        continue;
      hung->server = g_steal_pointer (&server);
      hung->ctrl = g_steal_pointer (&ctrl);
      hung->tcti = g_strdup_printf ("swtpm:host=127.0.0.1,port=%u", port);
      return;
    }
  g_error ("no two free loopback ports in a row");
}

/* Closing the sockets ends the connections the workers still wait on. */
static inline void
hung_tpm_stop (HungTpm *hung)
{
  if (hung->server != NULL)
    g_socket_close (hung->server, NULL);
  if (hung->ctrl != NULL)
    g_socket_close (hung->ctrl, NULL);
  g_clear_object (&hung->server);
  g_clear_object (&hung->ctrl);
  g_clear_pointer (&hung->tcti, g_free);
}

static inline void
swtpm_start_in_state (SwTpm *tpm)
{
  g_autoptr(GError) error = NULL;

  for (int attempt = 0; attempt < 5; attempt++)
    {
      guint16 port = free_loopback_port ();
      guint16 ctrl_port = port + 1;
      g_autofree char *state = g_strdup_printf ("dir=%s", tpm->state_dir);
      g_autofree char *server = g_strdup_printf ("type=tcp,port=%u,bindaddr=127.0.0.1", port);
      g_autofree char *ctrl = g_strdup_printf ("type=tcp,port=%u,bindaddr=127.0.0.1", ctrl_port);
      const char *argv[] = {
        "swtpm", "socket", "--tpm2", "--tpmstate", state, "--server", server,
        "--ctrl", ctrl, "--flags", "not-need-init,startup-clear", NULL,
      };

      g_spawn_async (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                     swtpm_child_setup, NULL, &tpm->pid, &error);
      g_assert_no_error (error);

      for (int i = 0; i < 100; i++)
        {
          int status;

          if (waitpid (tpm->pid, &status, WNOHANG) == tpm->pid)
            {
              /* It exited: most likely a port taken in between. */
              g_spawn_close_pid (tpm->pid);
              tpm->pid = 0;
              break;
            }
          if (swtpm_accepts (port))
            {
              tpm->tcti = g_strdup_printf ("swtpm:host=127.0.0.1,port=%u", port);
              return;
            }
          g_usleep (50 * G_TIME_SPAN_MILLISECOND);
        }
      if (tpm->pid > 0)
        {
          kill (tpm->pid, SIGKILL);
          waitpid (tpm->pid, NULL, 0);
          tpm->pid = 0;
        }
    }
  g_error ("swtpm did not start");
}
