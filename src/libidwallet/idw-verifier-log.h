/* idw-verifier-log.h: the verifier's log of verdicts (issue 16), off by
 * default
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the verifier turns it on (the GSettings key `verifier-log`, or
 * `id-wallet-cli verify --log`), each verdict is logged as when it was
 * made, the document type, the issuer as the verdict names it, whether it
 * was valid, the first failing check, the status (revocation) check's
 * result and whether the issuer is a test issuer. Never a disclosed value,
 * a nonce, a key or a portrait.
 *
 * The verifier side works without a keyring, so the log is a plain file
 * (mode 0600): `$XDG_DATA_HOME/id-wallet/verifier-log.jsonl`, one JSON
 * object per line (docs/store.md), kept under IDW_VERIFIER_LOG_MAX_FILE by
 * dropping the oldest lines. Writers in several processes are serialised
 * with a lock file beside it.
 */
#pragma once

#include <gio/gio.h>

#include "idw-verdict.h"

G_BEGIN_DECLS

/* The log's size: adding beyond it drops the oldest quarter of the log. */
#define IDW_VERIFIER_LOG_MAX_FILE  (1024 * 1024)
/* Bytes of a logged docType, issuer or country (longer ones are cut on a
 * character boundary: they come from the presentation). */
#define IDW_VERIFIER_LOG_MAX_TEXT  256

/**
 * IdwVerifierLogEntry:
 * @time: when the verdict was made (UTC, whole seconds)
 * @doctype: (nullable): the presentation's docType
 * @issuer: (nullable): the issuer's organization, else its common name,
 *   else its subject (from the DS certificate; unverified unless @valid)
 * @country: (nullable): the issuer's country code
 * @valid: the verdict
 * @failed_check: (nullable): the first failed check's name ("digests"…)
 * @status: the status check's result: "passed", "failed",
 *   "not_applicable" or "undetermined"
 * @test_issuer: whether the issuer carries the test-issuer mark
 */
typedef struct
{
  GDateTime *time;
  char      *doctype;
  char      *issuer;
  char      *country;
  gboolean   valid;
  char      *failed_check;
  char      *status;
  gboolean   test_issuer;
} IdwVerifierLogEntry;

/* What the log keeps of @verdict (texts cut to IDW_VERIFIER_LOG_MAX_TEXT). */
IdwVerifierLogEntry *idw_verifier_log_entry_new_from_verdict (IdwVerdict          *verdict);
void                 idw_verifier_log_entry_free            (IdwVerifierLogEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwVerifierLogEntry, idw_verifier_log_entry_free)

#define IDW_TYPE_VERIFIER_LOG (idw_verifier_log_get_type ())
G_DECLARE_FINAL_TYPE (IdwVerifierLog, idw_verifier_log, IDW, VERIFIER_LOG, GObject)

/* `$XDG_DATA_HOME/id-wallet/verifier-log.jsonl` (transfer full). */
char           *idw_verifier_log_get_default_path (void);

/* The log in the file @path (NULL: the default). Touches no file. */
IdwVerifierLog *idw_verifier_log_new              (const char      *path);
const char     *idw_verifier_log_get_path         (IdwVerifierLog  *self);

/* Appends @entry (folder 0700 and file 0600 made when needed); beyond
 * IDW_VERIFIER_LOG_MAX_FILE the oldest lines go. Errors: IDW_ERROR_IO. */
gboolean        idw_verifier_log_append_sync      (IdwVerifierLog       *self,
                                                   IdwVerifierLogEntry  *entry,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
/* Every entry, oldest first (element-type IdwVerifierLogEntry); no file is
 * an empty log. A line that is not a log entry is skipped. Errors:
 * IDW_ERROR_IO, IDW_ERROR_LIMIT (a file far larger than any log). */
GPtrArray      *idw_verifier_log_list_sync        (IdwVerifierLog       *self,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
/* Deletes the log. Errors: IDW_ERROR_IO. */
gboolean        idw_verifier_log_clear_sync       (IdwVerifierLog       *self,
                                                   GCancellable         *cancellable,
                                                   GError              **error);

/* The same in a worker thread; @entry is copied. */
void            idw_verifier_log_append           (IdwVerifierLog       *self,
                                                   IdwVerifierLogEntry  *entry,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean        idw_verifier_log_append_finish    (IdwVerifierLog       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void            idw_verifier_log_list             (IdwVerifierLog       *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray      *idw_verifier_log_list_finish      (IdwVerifierLog       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void            idw_verifier_log_clear            (IdwVerifierLog       *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean        idw_verifier_log_clear_finish     (IdwVerifierLog       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* @entries as CSV (RFC 4180: a header line, CRLF line ends, fields quoted
 * where they need it). Every text from a presentation is neutralised for
 * spreadsheets: control, bidi and separator characters become visible
 * escapes (\x1b, \u202e), and a cell that would start with "=", "+", "-",
 * "@", a tab or a carriage return gets a leading "'" (transfer full). */
char           *idw_verifier_log_to_csv           (GPtrArray            *entries);

G_END_DECLS
