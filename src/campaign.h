/* campaign: `hornet campaign FILE.json [--out DIR] [hornet options]`: the campaign file's
 * scenarios run one after the other, each wired and ended as a single run is (run.h: the same
 * host loop, dashboard or console, setup, preflight and teardown), each writing its CSV files
 * and reports under DIR with the prefix NN_name, a cool-down between two, OUT/campaign.csv
 * rewritten before and after each, and at the end the results document DIR/RESULTS.md and
 * DIR/RESULTS.html (report_campaign.h). Options after the file apply to every scenario, above
 * the campaign's own overrides (-t 20s shortens every run). A Ctrl-C, the dashboard's A or q
 * stops the scenario in progress (its results are written, marked INTERRUPTED) and the rest do
 * not run; n ends it and goes on with the next. Main thread. */
#ifndef HORNET_CAMPAIGN_H
#define HORNET_CAMPAIGN_H

/* The default output directory. */
#define CAMPAIGN_DEFAULT_OUT "results"

/* argv[0] is "campaign". Returns the exit code: 0 every scenario passed; 1 one failed, was
 * interrupted or did not run; 2 usage, campaign or scenario file error (nothing ran); 3
 * internal error; 4 the results document could not be written. */
int campaign_main(int argc, char **argv);

#endif
