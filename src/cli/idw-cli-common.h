/* idw-cli-common.h: helpers the id-wallet-cli commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "idwallet.h"

G_BEGIN_DECLS

/**
 * IdwCliExit:
 * @IDW_CLI_EXIT_OK: success (for verify: the presentation is valid)
 * @IDW_CLI_EXIT_FAILED: the command ran but the result is negative (verify:
 *   not valid; other commands: the engine refused the data)
 * @IDW_CLI_EXIT_USAGE: usage error, or a file could not be read or written
 */
typedef enum
{
  IDW_CLI_EXIT_OK = 0,
  IDW_CLI_EXIT_FAILED = 1,
  IDW_CLI_EXIT_USAGE = 2,
} IdwCliExit;

/* Prints "id-wallet-cli: MESSAGE" (or the program name set with
 * g_set_prgname()) to stderr. */
void             idw_cli_printerr              (const char     *format,
                                                ...) G_GNUC_PRINTF (1, 2);
/* Prints @error, escaped with idw_cli_escape() (engine messages may quote
 * what a credential or a request carries), and returns the exit code it
 * stands for: IDW_CLI_EXIT_USAGE for I/O and file errors, option errors,
 * IDW_ERROR_IO / NOT_FOUND and IDW_ERROR_KEYRING (the command could not
 * run), IDW_CLI_EXIT_FAILED otherwise. */
IdwCliExit       idw_cli_report_error          (const GError   *error);
IdwCliExit       idw_cli_exit_for_error        (const GError   *error);
/* A usage error: prints the message and a hint to run --help. */
IdwCliExit       idw_cli_usage_error           (const char     *command,
                                                const char     *format,
                                                ...) G_GNUC_PRINTF (2, 3);

/* ---- Printing text that came from outside ---------------------------- */

/* @text (from a presentation, a credential, a certificate or a request,
 * or an engine message that may quote them) made safe for a terminal:
 * every C0 control character (\n, \t, \r for those three, \x1b style
 * for the rest), DEL (\x7f), C1 control character (\u009b), bidirectional
 * embedding, override and isolate (U+202A–U+202E, U+2066–U+2069) and the
 * line and paragraph separators (U+2028, U+2029) is written as a visible
 * escape, and each byte that is not part of valid UTF-8 as \xNN, so the
 * result is valid UTF-8 on one line. Backslashes are left as they are.
 * NULL gives NULL. */
char            *idw_cli_escape                (const char     *text);

/* ---- The holder's wallet (keyring and credential store) -------------- */

/* Opens the credential store on $XDG_DATA_HOME/id-wallet/credentials with
 * the wallet key from the keyring. Errors: IDW_ERROR_KEYRING (with how to
 * fix it), IDW_ERROR_IO. */
IdwStore        *idw_cli_open_store            (GError        **error);
/* The entry whose ID is @id or starts with @id (at least
 * IDW_CLI_MIN_ID_PREFIX characters). Errors: IDW_ERROR_NOT_FOUND,
 * IDW_ERROR_DUPLICATE (an ambiguous prefix), those of listing. */
#define IDW_CLI_MIN_ID_PREFIX 4
IdwStoreEntry   *idw_cli_find_entry            (IdwStore       *store,
                                                const char     *id,
                                                GError        **error);
/* The holder's history ($XDG_DATA_HOME/id-wallet/history) under the wallet
 * key from the keyring. Errors: IDW_ERROR_KEYRING. */
IdwHistory      *idw_cli_open_history          (GError        **error);
/* The boolean @key of the app's settings (GSettings schema APP_ID) when
 * that schema is installed and has the key; @fallback otherwise (the CLI
 * runs where the app is not installed, and must not abort there). */
gboolean         idw_cli_get_setting_boolean   (const char     *key,
                                                gboolean        fallback);
/* Whether @text could be a wallet ID or a prefix of one (hex digits). */
gboolean         idw_cli_looks_like_id         (const char     *text);
/* "VICAL of AAMVA of 2025-11-18 (issue 7)", the provider escaped. */
char            *idw_cli_describe_trust_origin (IdwTrustOrigin *origin);
/* "YYYY-MM-DD" in UTC, or "?" for NULL. */
char            *idw_cli_format_date           (GDateTime      *datetime);

/* Reads a whole file, at most @max_len bytes; "-" reads stdin. Errors
 * (G_FILE_ERROR or IDW_ERROR_LIMIT) name the file. */
GBytes          *idw_cli_read_file             (const char     *path,
                                                gsize           max_len,
                                                GError        **error);
/* Writes @contents atomically with @mode, refusing to replace an existing
 * file (G_FILE_ERROR_EXIST) when @overwrite is FALSE. */
gboolean         idw_cli_write_file            (const char     *path,
                                                const void     *contents,
                                                gsize           len,
                                                int             mode,
                                                gboolean        overwrite,
                                                GError        **error);

/* idw_text_parse_time(): RFC 3339 ("2024-05-01T12:00:00Z", an offset or
 * Z required unless only a date is given) or a plain date "2024-05-01"
 * (midnight UTC). Errors: G_OPTION_ERROR_BAD_VALUE naming @option. */
GDateTime       *idw_cli_parse_time            (const char     *option,
                                                const char     *value,
                                                GError        **error);

/* --device-alg: "EdDSA" (Ed25519, the default when @value is NULL) or
 * "ES256" (P-256), in any case. Errors: G_OPTION_ERROR_BAD_VALUE. */
gboolean         idw_cli_parse_device_alg      (const char     *value,
                                                gint64         *out_alg,
                                                GError        **error);

/* Every certificate in a PEM file (one or several blocks) or a DER file
 * (idw_certificate_list_new_from_data()); "-" reads stdin. */
GPtrArray       *idw_cli_load_certificates     (const char     *path,
                                                GError        **error);

/* The element paths named by --elements (each value comma-separated, blanks
 * ignored) of `present` (@credential: bare names it holds in exactly one
 * namespace, and every path must be held) or of `ask` (@credential NULL:
 * bare names are in @doctype's main namespace). Errors:
 * G_OPTION_ERROR_BAD_VALUE, with the message to show. */
GStrv            idw_cli_parse_elements        (char          **elements,
                                                const char     *doctype,
                                                IdwCredential  *credential,
                                                GError        **error);

/**
 * IdwCliVerifyOptions:
 *
 * The options of `id-wallet-cli verify` (`id-wallet-bench verify` takes the
 * same ones).
 */
typedef struct
{
  char     **trust;
  char      *at;
  char      *session_transcript;
  char      *reader_key;
  gboolean   offline;
  gboolean   json;
  char     **inputs;
} IdwCliVerifyOptions;

void             idw_cli_verify_options_add_entries (GOptionContext      *context,
                                                     IdwCliVerifyOptions *options,
                                                     gboolean             with_json);
void             idw_cli_verify_options_clear       (IdwCliVerifyOptions *options);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwCliVerifyOptions, idw_cli_verify_options_clear)

/**
 * IdwCliVerifyInput:
 * @verifier: a verifier with the trust anchors, time and reader key set
 * @data: the input bytes, as read (the engine recognises them)
 * @session_transcript: the transcript file's contents (hex decoded), or NULL
 * @input_name: the input file name, or "-" for stdin
 */
typedef struct
{
  IdwVerifier     *verifier;
  GBytes          *data;
  GBytes          *session_transcript;
  char            *input_name;
} IdwCliVerifyInput;

/* Checks the options (usage errors are G_OPTION_ERROR), reads the files
 * and sets up the verifier. */
IdwCliVerifyInput *idw_cli_verify_input_new    (IdwCliVerifyOptions *options,
                                                GError             **error);
void               idw_cli_verify_input_free   (IdwCliVerifyInput   *input);
/* One verification of the input as the CLI does it. */
IdwVerdict        *idw_cli_verify_input_run    (IdwCliVerifyInput   *input);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCliVerifyInput, idw_cli_verify_input_free)

G_END_DECLS
