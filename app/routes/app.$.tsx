import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { NotFound } from "../components/NotFound";

/** Any /app address that is no page: authenticated like the rest, answered with a Polaris 404. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return json(null, { status: 404 });
};

export default function AppNotFound() {
  return <NotFound homeUrl="/app" />;
}
