/* locustfile: `hornet locustfile SCENARIO.json`, the stub locustfile a Locust master needs to
 * drive hornet worker nodes: a User class per scenario user class, with the same name, weight
 * and fixed count (Locust's dispatcher splits the users by them and sends the class names in
 * its spawn messages), and no task (the master never runs a user; the workers run the
 * scenario). Main thread. */
#ifndef HORNET_LOCUSTFILE_H
#define HORNET_LOCUSTFILE_H


/* `hornet locustfile SCENARIO.json [UserClass ...]` (argv[0] "locustfile"): the stub on stdout,
 * of the named classes only when some are given. Returns the exit code: 0, 2 on a usage or
 * scenario error (one line on stderr), 4 when stdout could not be written. */
int locustfile_main(int argc, char **argv);

#endif
