/** The body of a webhook delivery: the resource as `GET` would show it at send time, or GET's error once it is gone. */
import type { WooEmulatorContext } from "../context";
import { RestError } from "../errors";
import { renderCustomer } from "../render/customer";
import { renderOrder } from "../render/order";
import { renderProduct, renderVariation } from "../render/product";

export function webhookPayload(ctx: WooEmulatorContext, resource: string, id: number): unknown {
  const { store, render } = ctx;
  const gone = (code: string, message: string) => new RestError(404, code, message).body();
  switch (resource) {
    case "order": {
      const order = store.orders.get(id);
      return order
        ? renderOrder(order, render)
        : gone("woocommerce_rest_shop_order_invalid_id", "Invalid ID.");
    }
    case "customer": {
      const user = store.user(id);
      return user ? renderCustomer(user, render) : gone("wc_user_invalid_id", "Invalid user ID.");
    }
    case "product": {
      const variation = store.variations.get(id);
      if (variation) return renderVariation(variation, render);
      const product = store.products.get(id);
      return product
        ? renderProduct(product, render)
        : gone("woocommerce_rest_product_invalid_id", "Invalid ID.");
    }
    default:
      return { id };
  }
}
