// The exit statuses MTAs act on (sysexits.h): Postfix pipe(8), Exim's pipe transport and sendmail's prog mailer
// keep and retry a message on EX_TEMPFAIL, and return it on the others.
export const EX_OK = 0;
/** the input is not a message we can take (empty, over the size cap): retrying cannot help */
export const EX_DATAERR = 65;
/** Kafka did not acknowledge in time (down, unreachable, refusing us): the MTA keeps the message and retries */
export const EX_TEMPFAIL = 75;
