import { json } from "@remix-run/node";
import { isAppError } from "./errors";

/** Turns an AppError into a thrown JSON response `{ code, message }` with its status; rethrows anything else. */
export function rethrowAsResponse(error: unknown): never {
  if (isAppError(error))
    throw json({ code: error.code, message: error.message }, { status: error.httpStatus });
  throw error;
}
