/**
 * `GET /woocommerce/sign-in/{token}`: spends a one-time sign-in link (minted with database access only — the demo
 * prints one for the store it connected) and opens the owner's stores. A used, expired or unknown link leads to
 * the sign-in page, which explains how to sign in through the store.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { wooApp } from "../woocommerce-app.server";
import { readOwnerSession, redeemSignInLink } from "../integrations/woocommerce-session.server";

const NO_REFERRER = { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" };

export const loader = async ({ params, request }: LoaderFunctionArgs) => {
  const app = wooApp();
  const signedIn = await redeemSignInLink(app.db, params.token ?? "");
  if (!signedIn) {
    // A spent link reopened in the browser it signed in: that browser still has its session.
    const current = (await app.cookies.session.parse(request.headers.get("Cookie"))) as string | null;
    if (await readOwnerSession(app.db, current)) return redirect("/woocommerce", { headers: NO_REFERRER });
    return redirect("/woocommerce/connect?signin=1&link=spent", { headers: NO_REFERRER });
  }
  return redirect("/woocommerce", {
    headers: { ...NO_REFERRER, "Set-Cookie": await app.cookies.session.serialize(signedIn.token) },
  });
};
