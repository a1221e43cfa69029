/** `POST /woocommerce/sign-out`: ends this browser's owner session. */
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { wooApp } from "../woocommerce-app.server";
import { assertSameOrigin, endOwnerSession } from "../integrations/woocommerce-session.server";
import { loadEnv } from "../env.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  assertSameOrigin(request, loadEnv().SHOPIFY_APP_URL);
  const app = wooApp();
  const token = (await app.cookies.session.parse(request.headers.get("Cookie"))) as string | null;
  await endOwnerSession(app.db, token);
  return redirect("/woocommerce/connect", {
    headers: { "Set-Cookie": await app.cookies.session.serialize("", { maxAge: 0 }) },
  });
};

export const loader = () => redirect("/woocommerce");
