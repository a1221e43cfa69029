/** Product and variant resolver objects. */
import type { EmuProduct, EmuShop, EmuVariant } from "../../model";
import { gid } from "../../model";
import { shopifyDecimal } from "../../store/money";
import { paginate, type PageArgs } from "../connection";
import { count, iso } from "./common";

export class VariantNode {
  readonly __typename = "ProductVariant";
  constructor(
    private readonly shop: EmuShop,
    private readonly productRecord: EmuProduct,
    readonly record: EmuVariant,
  ) {}
  id() {
    return gid("ProductVariant", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  title() {
    return this.record.title;
  }
  displayName() {
    return `${this.productRecord.title} - ${this.record.title}`;
  }
  sku() {
    return this.record.sku;
  }
  barcode() {
    return null;
  }
  price() {
    return shopifyDecimal(this.record.price);
  }
  compareAtPrice() {
    return this.record.compareAtPrice === null ? null : shopifyDecimal(this.record.compareAtPrice);
  }
  position() {
    return this.record.position;
  }
  inventoryQuantity() {
    return this.record.inventoryQuantity;
  }
  availableForSale() {
    return this.productRecord.status === "ACTIVE" && this.record.inventoryQuantity > 0;
  }
  taxable() {
    return true;
  }
  selectedOptions() {
    return this.record.title === "Default Title"
      ? [{ name: "Title", value: "Default Title" }]
      : [{ name: "Option", value: this.record.title }];
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
  product() {
    return new ProductNode(this.shop, this.productRecord);
  }
}

export class ProductNode {
  readonly __typename = "Product";
  constructor(
    private readonly shop: EmuShop,
    readonly record: EmuProduct,
  ) {}
  id() {
    return gid("Product", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  title() {
    return this.record.title;
  }
  handle() {
    return this.record.handle;
  }
  descriptionHtml() {
    return this.record.descriptionHtml;
  }
  bodyHtml() {
    return this.record.descriptionHtml;
  }
  description(args: { truncateAt?: number | null }) {
    const text = this.record.descriptionHtml.replace(/<[^>]*>/g, "");
    return args.truncateAt != null ? text.slice(0, args.truncateAt) : text;
  }
  vendor() {
    return this.record.vendor;
  }
  productType() {
    return this.record.productType;
  }
  status() {
    return this.record.status;
  }
  tags() {
    return this.record.tags;
  }
  isGiftCard() {
    return false;
  }
  hasOnlyDefaultVariant() {
    return this.record.variants.length === 1 && this.record.variants[0].title === "Default Title";
  }
  totalInventory() {
    return this.record.variants.reduce((sum, v) => sum + v.inventoryQuantity, 0);
  }
  tracksInventory() {
    return true;
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
  publishedAt() {
    return iso(this.record.publishedAt);
  }
  variantsCount() {
    return count(this.record.variants.length);
  }
  variants(args: PageArgs) {
    const product = this.record;
    return paginate(
      product.variants,
      (v) => [v.position, v.id],
      args,
      (v) => new VariantNode(this.shop, product, v),
    );
  }
  seo() {
    return { title: null, description: null };
  }
}
