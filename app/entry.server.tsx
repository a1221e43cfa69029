import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { emulatedAdminHeaders } from "./emulated-admin.server";
import { loadEnv } from "./env.server";
import prisma from "./db.server";
import { startInProcessJobs } from "./jobs/runtime.server";
import { appLogger } from "./logger.server";
import { getPlatforms } from "./platforms.server";
import { getJobQueue } from "./queue.server";

const ABORT_DELAY_MS = 5_000;

/**
 * The webhook intake for a POST path (app/webhook-intake.server.ts): the production server (app/lib/app-server.server.ts)
 * finds it on the build's entry module and answers webhook deliveries with it before the Remix router.
 */
export { webhookIntakeFor as webhookIntake } from "./webhook-intake.server";

// Under the test runner (NODE_ENV=test, set before any module loads) nothing boots: tests wire what they need.
if (process.env.NODE_ENV !== "test") bootProcess();

/**
 * At server start: the platform modules are built (a process that cannot build them refuses to start, with one
 * line), then, on the embedded default (RUN_JOBS_IN_PROCESS=true), the web process also runs queued jobs and the
 * reconcile scheduler. A failure to start the job runtime is logged and retried by the next server start.
 */
function bootProcess() {
  const env = loadEnv();
  let platforms;
  try {
    platforms = getPlatforms();
  } catch (error) {
    console.error(`Commerce Sync cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  startInProcessJobs({ db: prisma, platforms, logger: appLogger(), env, queue: getJobQueue }).catch(
    (error: unknown) =>
      appLogger()("error", "Could not start the in-process job worker", {
        error: error instanceof Error ? error.message : String(error),
      }),
  );
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  emulatedAdminHeaders(responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} />,
      {
        [callbackName]: () => {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error) {
          reject(error);
        },
        onError(error) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}
