import { loadEnv } from "../env.server";
import { openApiDocument } from "../integrations/api/openapi";
import { jsonResponse } from "../integrations/api/http.server";

/** GET /api/openapi.json — the integrations API's OpenAPI document (public). */
export const loader = () => jsonResponse(openApiDocument(loadEnv().SHOPIFY_APP_URL));
