import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { NotFound } from "../components/NotFound";
import { StandalonePolaris } from "../components/StandalonePolaris";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Page not found · Commerce Sync" }];

/** Every address no route serves: a Polaris 404 page with the status 404. */
export const loader = () => json(null, { status: 404 });

export default function NotFoundPage() {
  return (
    <StandalonePolaris>
      <main>
        <NotFound homeUrl="/" />
      </main>
    </StandalonePolaris>
  );
}
