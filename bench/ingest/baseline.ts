import { createPrismaClient } from "../../app/db/client.server";
import type { ContactRecord, OrderRecord, ProductRecord } from "../../app/sync/types";
import { normalizeEmail } from "../../app/sync/writer/context";
import { mappedPages, type BenchTarget, type IngestResult, type IngestRun } from "./common";

/** `baseline`: the naive loop: per record, look up by email / external id through Prisma, then create or update. */
export async function baseline(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  const db = createPrismaClient(run.url);
  const started = performance.now();
  for await (const page of mappedPages(run)) {
    if (page.resource === "customers") {
      for (const c of page.records as ContactRecord[]) {
        const email = normalizeEmail(c.email);
        const existing = email
          ? await db.contact.findFirst({ where: { organizationId: ctx.organizationId, email } })
          : null;
        const data = {
          firstName: c.firstName,
          lastName: c.lastName,
          phone: c.phone,
          tags: c.tags,
          customFields: c.customFields as object,
          marketingState: c.marketingState,
          externalUpdatedAt: c.externalUpdatedAt,
        };
        const contact = existing
          ? await db.contact.update({ where: { id: existing.id }, data })
          : await db.contact.create({
              data: { ...data, organizationId: ctx.organizationId, email, source: "memory" },
            });
        await db.contactSource.upsert({
          where: { integrationId_externalId: { integrationId: ctx.integrationId, externalId: c.externalId } },
          create: { contactId: contact.id, integrationId: ctx.integrationId, externalId: c.externalId },
          update: { contactId: contact.id },
        });
      }
    } else if (page.resource === "orders") {
      for (const o of page.records as OrderRecord[]) {
        const email = normalizeEmail(o.email);
        const contact = email
          ? await db.contact.findFirst({ where: { organizationId: ctx.organizationId, email } })
          : null;
        const existing = await db.order.findUnique({
          where: { integrationId_externalId: { integrationId: ctx.integrationId, externalId: o.externalId } },
        });
        const data = {
          contactId: contact?.id ?? null,
          orderNumber: o.orderNumber,
          financialStatus: o.financialStatus,
          fulfillmentStatus: o.fulfillmentStatus,
          totalMinor: o.totalMinor,
          currency: o.currency,
          email,
          orderDate: o.orderDate,
          externalUpdatedAt: o.externalUpdatedAt,
        };
        const items = o.items.map((i, position) => ({
          externalId: i.externalId,
          productExternalId: i.productExternalId,
          variantExternalId: i.variantExternalId,
          title: i.title,
          sku: i.sku,
          quantity: i.quantity,
          unitPriceMinor: i.unitPriceMinor,
          position,
        }));
        if (existing)
          await db.order.update({
            where: { id: existing.id },
            data: { ...data, items: { deleteMany: {}, create: items } },
          });
        else
          await db.order.create({
            data: {
              ...data,
              organizationId: ctx.organizationId,
              integrationId: ctx.integrationId,
              externalId: o.externalId,
              platform: "memory",
              items: { create: items },
            },
          });
      }
    } else {
      for (const p of page.records as ProductRecord[]) {
        const existing = await db.product.findUnique({
          where: { integrationId_externalId: { integrationId: ctx.integrationId, externalId: p.externalId } },
        });
        const data = {
          title: p.title,
          status: p.status,
          vendor: p.vendor,
          productType: p.productType,
          handle: p.handle,
          currency: p.currency,
          minPriceMinor: p.minPriceMinor,
          maxPriceMinor: p.maxPriceMinor,
          externalUpdatedAt: p.externalUpdatedAt,
        };
        const variants = p.variants.map((v) => ({
          integrationId: ctx.integrationId,
          externalId: v.externalId,
          title: v.title,
          sku: v.sku,
          priceMinor: v.priceMinor,
          externalUpdatedAt: v.externalUpdatedAt,
        }));
        if (existing) await db.product.update({ where: { id: existing.id }, data });
        else
          await db.product.create({
            data: {
              ...data,
              organizationId: ctx.organizationId,
              integrationId: ctx.integrationId,
              externalId: p.externalId,
              variants: { create: variants },
            },
          });
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await db.$disconnect();
  return { seconds, rows: {} };
}
