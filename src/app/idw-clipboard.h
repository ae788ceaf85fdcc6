/* idw-clipboard.h: what the clipboard or a drop offers, read one way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every place that accepts files, pictures or text (the Verify view, the
 * respond dialog, the wallet's import drop) reads them here: the best
 * format offered wins, files first (a copied file offers its path as text
 * too), then a picture, then text. No widget: the caller says what it
 * accepts and gets a GFile, a GdkTexture or a string back.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  IDW_CLIPBOARD_FILE      = 1 << 0,  /* the first file offered */
  IDW_CLIPBOARD_ALL_FILES = 1 << 1,  /* every file dropped, one call each */
  IDW_CLIPBOARD_PICTURE   = 1 << 2,
  IDW_CLIPBOARD_TEXT      = 1 << 3,
} IdwClipboardFormats;

typedef enum
{
  IDW_CLIPBOARD_READ_OK,
  IDW_CLIPBOARD_READ_NO_PICTURE,  /* a picture was offered and could not be read */
  IDW_CLIPBOARD_READ_NO_TEXT,     /* the text offered could not be read */
} IdwClipboardResult;

/**
 * IdwClipboardFunc:
 * @file: (nullable): a file
 * @texture: (nullable): a picture
 * @text: (nullable): a text
 * @result: IDW_CLIPBOARD_READ_OK with one of the three, or what could
 *   not be read (all three %NULL)
 * @user_data: the caller's data
 *
 * Never called for a read that was cancelled.
 *
 * Returns: whether the content was taken (what a drop answers)
 */
typedef gboolean (*IdwClipboardFunc) (GFile              *file,
                                      GdkTexture         *texture,
                                      const char         *text,
                                      IdwClipboardResult  result,
                                      gpointer            user_data);

/* Whether @formats offer something of @accepted. */
gboolean       idw_clipboard_offers          (GdkContentFormats   *formats,
                                              IdwClipboardFormats  accepted);

/* Reads the best of @accepted that @clipboard offers and calls @func once,
 * unless @cancellable is cancelled first; then @destroy(@user_data).
 * Returns FALSE, calling nothing, when nothing of @accepted is offered. */
gboolean       idw_clipboard_read            (GdkClipboard        *clipboard,
                                              IdwClipboardFormats  accepted,
                                              GCancellable        *cancellable,
                                              IdwClipboardFunc     func,
                                              gpointer             user_data,
                                              GDestroyNotify       destroy);

/* A drop target for @accepted that calls @func with what is dropped (for
 * IDW_CLIPBOARD_ALL_FILES, once per file). @user_data is not referenced:
 * the widget the target is added to owns it. */
GtkDropTarget *idw_clipboard_drop_target_new (IdwClipboardFormats  accepted,
                                              IdwClipboardFunc     func,
                                              gpointer             user_data);

G_END_DECLS
