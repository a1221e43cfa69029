/** Shop and webhook subscription resolver objects. */
import type { EmuShop, EmuWebhookSubscription } from "../../model";
import { gid } from "../../model";
import { PRESENTMENT_RATES } from "../../seed/catalog";
import type { GqlContext } from "../context";
import { iso } from "./common";

export class WebhookSubscriptionNode {
  readonly __typename = "WebhookSubscription";
  constructor(readonly record: EmuWebhookSubscription) {}
  id() {
    return gid("WebhookSubscription", this.record.id);
  }
  legacyResourceId() {
    return this.record.id.toString();
  }
  topic() {
    return this.record.topic;
  }
  format() {
    return this.record.format;
  }
  uri() {
    return this.record.uri;
  }
  name() {
    return this.record.name ?? null;
  }
  /** Deprecated since 2025-10 (strict mode rejects it on 2026-07): `uri`. */
  callbackUrl() {
    return this.record.uri;
  }
  /** Deprecated since 2025-10 (strict mode rejects it on 2026-07): `uri`. */
  endpoint() {
    const uri = this.record.uri;
    if (uri.startsWith("pubsub://")) {
      const [project, topic] = uri.slice("pubsub://".length).split(":");
      return { __typename: "WebhookPubSubEndpoint", pubSubProject: project, pubSubTopic: topic };
    }
    if (uri.startsWith("arn:")) return { __typename: "WebhookEventBridgeEndpoint", arn: uri };
    return { __typename: "WebhookHttpEndpoint", callbackUrl: uri };
  }
  includeFields() {
    return [];
  }
  metafieldNamespaces() {
    return [];
  }
  filter() {
    return null;
  }
  /** Deliveries use the app's configured webhook version, whatever version created the subscription. */
  apiVersion(_args: unknown, ctx: GqlContext) {
    const handle = ctx.emu.webhooks.apiVersion ?? this.record.apiVersion;
    return { handle, displayName: handle, supported: true };
  }
  createdAt() {
    return iso(this.record.createdAt);
  }
  updatedAt() {
    return iso(this.record.updatedAt);
  }
}

export class ShopNode {
  readonly __typename = "Shop";
  constructor(private readonly shop: EmuShop) {}
  id() {
    return gid("Shop", this.shop.id);
  }
  name() {
    return this.shop.name;
  }
  email() {
    return this.shop.email;
  }
  contactEmail() {
    return this.shop.email;
  }
  myshopifyDomain() {
    return this.shop.domain;
  }
  url() {
    return `https://${this.shop.domain}`;
  }
  currencyCode() {
    return this.shop.currencyCode;
  }
  enabledPresentmentCurrencies() {
    return Object.keys(PRESENTMENT_RATES);
  }
  ianaTimezone() {
    return this.shop.ianaTimezone;
  }
  timezoneAbbreviation() {
    return "EST";
  }
  timezoneOffset() {
    return "-0500";
  }
  timezoneOffsetMinutes() {
    return -300;
  }
  plan() {
    const name = this.shop.plan === "Standard" ? "Shopify" : this.shop.plan;
    return {
      publicDisplayName: name,
      /** Deprecated on 2026-07: `publicDisplayName`. */
      displayName: name,
      partnerDevelopment: false,
      shopifyPlus: this.shop.plan === "Plus" || this.shop.plan === "Enterprise",
    };
  }
  primaryDomain() {
    return {
      __typename: "Domain",
      id: gid("Domain", this.shop.id),
      host: this.shop.domain,
      url: `https://${this.shop.domain}`,
      sslEnabled: true,
    };
  }
  weightUnit() {
    return "KILOGRAMS";
  }
  unitSystem() {
    return "METRIC_SYSTEM";
  }
  taxesIncluded() {
    return false;
  }
  taxShipping() {
    return false;
  }
  setupRequired() {
    return false;
  }
  checkoutApiSupported() {
    return true;
  }
  shopOwnerName() {
    return `${this.shop.name} Owner`;
  }
  description() {
    return null;
  }
  orderNumberFormatPrefix() {
    return "#";
  }
  orderNumberFormatSuffix() {
    return "";
  }
}
