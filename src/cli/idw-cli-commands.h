/* idw-cli-commands.h: the commands of id-wallet-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each takes the arguments from the command name on (argv[0] is the
 * command) and returns the process exit status (IdwCliExit).
 */
#pragma once

G_BEGIN_DECLS

int idw_cli_issuer  (int    argc,
                     char **argv);
int idw_cli_issue   (int    argc,
                     char **argv);
int idw_cli_present (int    argc,
                     char **argv);
int idw_cli_verify  (int    argc,
                     char **argv);
int idw_cli_request (int    argc,
                     char **argv);
int idw_cli_import  (int    argc,
                     char **argv);
int idw_cli_list    (int    argc,
                     char **argv);
int idw_cli_trust   (int    argc,
                     char **argv);
int idw_cli_ask     (int    argc,
                     char **argv);
int idw_cli_status  (int    argc,
                     char **argv);
int idw_cli_backup  (int    argc,
                     char **argv);
int idw_cli_restore (int    argc,
                     char **argv);
int idw_cli_history (int    argc,
                     char **argv);
int idw_cli_verifier_log (int    argc,
                          char **argv);

G_END_DECLS
