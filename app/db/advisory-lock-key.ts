/**
 * The PostgreSQL advisory-lock key of a named lock of this app: the two-int4 form
 * `(hashtext('commerce-sync'), hashtext(name))`, so our locks share one namespace apart from any other user of the
 * server. Used by the session locks of the job queue (app/jobs/locks.server.ts: `sync:<id>`, `webhook:<id>`) and by
 * the transaction locks that order a store's writes and redactions (app/sync/writer/suppressions.server.ts:
 * `redaction:<id>`). Names must differ between the two uses: a transaction lock on a name a session lock of the
 * same process holds on another connection would wait for it forever.
 */
export function advisoryLockKeySql(nameParam: string): string {
  return `hashtext('commerce-sync'), hashtext(${nameParam})`;
}
