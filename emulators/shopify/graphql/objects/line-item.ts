/** Line item resolver object (its money in the order's shop and presentment currencies). */
import type { EmuLineItem, EmuOrder, EmuShop } from "../../model";
import { gid } from "../../model";
import { centsToDecimal, decimalToCents } from "../../store/money";
import { findVariant } from "../../store/views";
import { moneyBag } from "./common";
import { ProductNode, VariantNode } from "./product";

export class LineItemNode {
  readonly __typename = "LineItem";
  constructor(
    private readonly shop: EmuShop,
    private readonly order: EmuOrder,
    readonly record: EmuLineItem,
  ) {}
  id() {
    return gid("LineItem", this.record.id);
  }
  title() {
    return this.record.title;
  }
  name() {
    return this.record.variantTitle
      ? `${this.record.title} - ${this.record.variantTitle}`
      : this.record.title;
  }
  variantTitle() {
    return this.record.variantTitle;
  }
  sku() {
    return this.record.sku;
  }
  vendor() {
    return this.record.vendor;
  }
  quantity() {
    return this.record.quantity;
  }
  currentQuantity() {
    return this.order.financialStatus === "REFUNDED" ? 0 : this.record.quantity;
  }
  unfulfilledQuantity() {
    return this.order.fulfillmentStatus === "FULFILLED" ? 0 : this.record.quantity;
  }
  nonFulfillableQuantity() {
    return 0;
  }
  refundableQuantity() {
    return this.currentQuantity();
  }
  requiresShipping() {
    return true;
  }
  taxable() {
    return true;
  }
  isGiftCard() {
    return false;
  }
  private bag(amount: string) {
    return moneyBag(amount, this.order.currency, this.order.presentmentCurrency);
  }
  originalUnitPriceSet() {
    return this.bag(this.record.price);
  }
  discountedUnitPriceSet() {
    return this.bag(this.record.price);
  }
  originalTotalSet() {
    return this.bag(centsToDecimal(decimalToCents(this.record.price) * BigInt(this.record.quantity)));
  }
  discountedTotalSet() {
    return this.originalTotalSet();
  }
  totalDiscountSet() {
    return this.bag("0.00");
  }
  product() {
    if (this.record.productId === null) return null;
    const product = this.shop.products.get(this.record.productId);
    return product ? new ProductNode(this.shop, product) : null;
  }
  variant() {
    if (this.record.variantId === null) return null;
    const hit = findVariant(this.shop, this.record.variantId);
    return hit ? new VariantNode(this.shop, hit.product, hit.variant) : null;
  }
  customAttributes() {
    return [];
  }
  discountAllocations() {
    return [];
  }
  taxLines() {
    return [];
  }
  duties() {
    return [];
  }
}
