import { AppError } from "./errors";

/** The Node.js major this project runs and tests on (Node 24 LTS, shipped as the `node` devDependency). */
export const SUPPORTED_NODE_MAJOR = 24;
/** Below this, better-sqlite3 13 crashes the process (segmentation fault) when it opens a database. */
const MINIMUM_NODE_MAJOR = 22;

/**
 * Refuses to go on under a Node.js that would crash natively (better-sqlite3 13 segfaults on Node 20) with a message
 * that says what to do instead. Call before opening a SQLite database.
 */
export function assertSupportedNode(version: string = process.versions.node): void {
  const major = Number(version.split(".")[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return;
  throw new AppError(
    "unsupported_node",
    `Commerce Sync runs on Node.js ${SUPPORTED_NODE_MAJOR}, not ${version}. ` +
      `Use the npm scripts (npm test, npm run dev, npm run demo …): "npm install" adds Node ${SUPPORTED_NODE_MAJOR} ` +
      `to node_modules and every npm script runs on it. To call a tool directly, use npx from an npm script, put ` +
      `node_modules/.bin first on your PATH, or install Node ${SUPPORTED_NODE_MAJOR}.`,
  );
}
