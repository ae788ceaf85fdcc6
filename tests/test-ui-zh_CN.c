/* test-ui-zh_CN.c: the Chinese interface, as a Chinese user starts the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run with LANGUAGE=zh_CN and the zh_CN.UTF-8 locale (meson generates one
 * into the build with localedef and names it with LOCPATH), on the
 * catalogues of this build: the window reads "证件钱包", and every date the
 * wallet list and the card show is written the Chinese way ("1990年5月17日"),
 * never an English pattern around a translated month ("5 十二月 2029").
 * Drives the real widgets under Xvfb with the session's gnome-keyring (as
 * build-aux/dev test provides).
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "ui-wallet-util.h"

static const char * const english_months[] = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};

/* The texts of every visible label under @widget. */
static void
collect_texts (GtkWidget *widget,
               GPtrArray *texts)
{
  if (!gtk_widget_is_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

/* Checks every date under @root and returns how many there are. */
static guint
check_dates (GtkWidget *root)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) chinese = g_regex_new ("[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日", 0, 0, NULL);
  /* A month's name in Chinese between numbers, as "%-d %B %Y" writes it. */
  g_autoptr(GRegex) mixed = g_regex_new ("[0-9] *[一二三四五六七八九十]+月 *[0-9]", 0, 0, NULL);
  guint dates = 0;

  collect_texts (root, texts);
  g_assert_cmpuint (texts->len, >, 0);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = texts->pdata[i];
      g_autoptr(GMatchInfo) match = NULL;

      g_test_message ("label: %s", text);
      g_assert_false (g_regex_match (mixed, text, 0, NULL));
      for (gsize m = 0; m < G_N_ELEMENTS (english_months); m++)
        g_assert_null (strstr (text, english_months[m]));

      for (g_regex_match (chinese, text, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
        dates++;
    }

  return dates;
}

static gboolean
has_label_with (GtkWidget  *root,
                const char *text)
{
  return find_widget (root, is_label_with, text) != NULL;
}

static void
run_scenario (gpointer data)
{
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GtkWidget) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  ImportResult r;
  IdwCardPage *card;
  guint loaded;

  fx.window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx.app)));
  g_assert_nonnull (fx.window);
  fx.view = idw_window_get_wallet_view (fx.window);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fx.window)), ==, "证件钱包");

  wait_until (loaded_at_least, GUINT_TO_POINTER (1), 30000);
  loaded = fx.loaded;
  r = import_path (fx.cred_path);
  g_assert_no_error (r.error);
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);
  id = g_strdup (idw_store_entry_get_id (r.entry));
  g_clear_object (&r.entry);

  /* The list: "有效期至 2030年…日". */
  rows = idw_wallet_view_get_rows (fx.view);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  row = g_list_model_get_item (rows, 0);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "移动驾驶证"));
  g_assert_cmpuint (check_dates (row), ==, 1);

  /* The card: the dates of the ID (birth, issue, expiry), its validity and
   * the issuer certificate's in the details. */
  idw_wallet_view_open_card (fx.view, id);
  wait_until (visible_page_is_card, NULL, 5000);
  card = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
  settle (300);
  g_assert_true (has_label_with (GTK_WIDGET (card), "1990年5月17日"));
  g_assert_true (has_label_with (GTK_WIDGET (card), "2025年6月1日"));
  g_assert_true (has_label_with (GTK_WIDGET (card), "2035年5月31日"));
  g_assert_cmpuint (check_dates (GTK_WIDGET (card)), >=, 6);

  /* The ID's key leaves the session's keyring as it came. */
  g_assert_true (idw_store_delete_sync (idw_wallet_view_get_store (fx.view), id, NULL, &error));
  g_assert_no_error (error);

  fx.done = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (fx.app), "quit", NULL);
}

static void
test_zh_cn (void)
{
  run_app (run_scenario);
}

int
main (int   argc,
      char *argv[])
{
  const char *lc_time;

  /* The catalogues of this build, as main() binds the installed ones. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("IDW_TEST_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The locale is really Chinese, or the dates prove nothing. */
  lc_time = setlocale (LC_TIME, NULL);
  if (lc_time == NULL || !g_str_has_prefix (lc_time, "zh_CN"))
    g_error ("LC_TIME is %s, not zh_CN.UTF-8: is LOCPATH set to a folder with that locale?", lc_time);
  g_assert_cmpstr (_("ID Wallet"), ==, "证件钱包");

  return run_test (argc, argv, "/ui/zh_CN/title-and-dates", test_zh_cn);
}
