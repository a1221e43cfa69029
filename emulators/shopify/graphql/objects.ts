/** The resolver objects, one module per family (see objects/). */
export { moneyBag, moneyV2, toPresentment, type MoneyV2 } from "./objects/common";
export { CustomerNode, OrderNode, RefundNode } from "./objects/customer-order";
export { LineItemNode } from "./objects/line-item";
export { ProductNode, VariantNode } from "./objects/product";
export { ShopNode, WebhookSubscriptionNode } from "./objects/shop";
