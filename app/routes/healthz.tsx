import { json } from "@remix-run/node";
import prisma from "../db.server";

/** Liveness + database check for load balancers, the demo and e2e. */
export const loader = async () => {
  await prisma.organization.count();
  return json({ ok: true, database: prisma.$kind }, { headers: { "Cache-Control": "no-store" } });
};
