/* test-util.h: small helpers the test programs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes @path and everything below it (a test's temporary folder). */
static inline void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

/* g_ptr_array_sort() of an array of strings: its compare function gets
 * pointers to the elements, not the strings (so never g_strcmp0 itself). */
static inline int
test_compare_strings (gconstpointer a,
                      gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* A fresh, empty folder for a test or a test program: g_dir_make_tmp()
 * with @tmpl ("name-XXXXXX"), which must succeed. test_tmp_dir_free()
 * removes it with everything in it. */
static inline char *
test_tmp_dir_new (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @dir and everything below it, and frees the name. */
static inline void
test_tmp_dir_free (char *dir)
{
  if (dir == NULL)
    return;
  remove_tree (dir);
  g_free (dir);
}

/* A private profile for a whole test program, set before GLib reads it:
 * HOME is a "home" folder inside a new test_tmp_dir_new (@tmpl), and the
 * XDG data, config and cache folders are that folder itself. Returns it,
 * for test_tmp_dir_free(). */
static inline char *
test_private_home_new (const char *tmpl)
{
  char *dir = test_tmp_dir_new (tmpl);
  g_autofree char *home = g_build_filename (dir, "home", NULL);

  g_mkdir_with_parents (home, 0700);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  return dir;
}

/* Runs the main loop for @ms milliseconds. */
static inline void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}
