import { loadEnv } from "./env.server";
import { createLogger, type Logger } from "./lib/logger";

let logger: Logger | undefined;

/** The process's logger, at LOG_LEVEL. */
export function appLogger(): Logger {
  logger ??= createLogger(loadEnv().LOG_LEVEL);
  return logger;
}
