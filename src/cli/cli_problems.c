/*
 * cli_problems.c — `ichigen problems [--markdown]`: the table of problems every error answer
 * comes from (src/app/app_problem.c). --markdown prints docs/problems.md's table exactly (a
 * unit test keeps that file equal to it); without it, one line per problem.
 */
#include "cli.h"
#include "../app/app_problem.h"

int cli_problems(int argc, char **argv)
{
    bool md = cli_flag(&argc, argv, "--markdown");
    struct buf out;
    if (argc != 1)
        return cli_usage("problems", stderr);
    UNUSED(argv);
    buf_init(&out, BUF_UNLIMITED);
    if (md) {
        app_problems_markdown(&out);
    } else {
        for (int p = APP_OK + 1; p < APP_PROB__COUNT; p++) {
            const struct app_problem_def *d = app_problem_def((enum app_problem)p);
            buf_appendf(&out, "%d %-28s %s / %s\n", d->status, d->code, d->title_en, d->title_ja);
        }
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_release(&out);
    return CLI_OK;
}
