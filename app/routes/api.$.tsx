/**
 * Any `/api/…` address no API route serves, for every method: the API's JSON 404 (`{"error": {code, message}}`) that
 * an API client can read, not the HTML page the root splat route shows people.
 */
import { jsonResponse } from "../integrations/api/http.server";

const notFound = () =>
  jsonResponse(
    {
      error: {
        code: "not_found",
        message: "No API endpoint at this address. The endpoints are listed at /api/openapi.json.",
      },
    },
    404,
  );

export const loader = notFound;
export const action = notFound;
