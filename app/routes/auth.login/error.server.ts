import type { LoginError } from "@shopify/shopify-app-remix/server";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";

/** Turns shopify-app-remix's login errors into messages a merchant can act on. */
export function loginErrorMessage(loginErrors: LoginError | undefined): { shop?: string } {
  if (loginErrors?.shop === LoginErrorType.MissingShop) {
    return { shop: "Enter your shop domain to log in, for example my-store.myshopify.com." };
  }
  if (loginErrors?.shop === LoginErrorType.InvalidShop) {
    return { shop: "That is not a Shopify shop domain. Use the form my-store.myshopify.com." };
  }
  return {};
}
