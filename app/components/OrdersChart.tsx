import { useEffect, useState } from "react";
import { BlockStack, Box, Card, SkeletonBodyText, Text } from "@shopify/polaris";
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import type { OrdersPerDaySeries } from "../integrations/orders-view.server";
import { formatCount } from "./format";

const CHART_HEIGHT_PX = 260;
/** Whole orders per day: straight segments between days (a spline swings between them as if fractions existed). */
const STRAIGHT_LINES = { Light: { line: { hasSpline: false } } };

/**
 * Orders per day per store, drawn with Polaris Viz. Polaris Viz measures the browser (navigator, ResizeObserver), so
 * the chart renders after hydration; the server sends a skeleton of the same height and a text summary.
 */
export function OrdersChart({ series, days }: { series: OrdersPerDaySeries[]; days: number }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const total = series.reduce((n, s) => n + s.points.reduce((m, p) => m + p.orders, 0), 0);
  const summary = series
    .map((s) => `${s.name}: ${formatCount(s.points.reduce((m, p) => m + p.orders, 0))}`)
    .join(", ");
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Orders per day
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            Last {days} days, by store (UTC). {formatCount(total)} orders{summary ? ` — ${summary}` : ""}.
          </Text>
        </BlockStack>
        {series.length === 0 || total === 0 ? (
          <Box paddingBlock="400">
            <Text as="p" tone="subdued">
              No orders in the last {days} days yet. New orders appear here as they sync.
            </Text>
          </Box>
        ) : (
          <div
            style={{ height: CHART_HEIGHT_PX }}
            data-testid="orders-chart"
            // A figure, not an image: Polaris Viz's legend inside holds buttons, which an image's children may not.
            role="figure"
            aria-label={`Orders per day: ${summary}`}
          >
            {mounted ? (
              <PolarisVizProvider themes={STRAIGHT_LINES}>
                <LineChart
                  theme="Light"
                  isAnimated={false}
                  data={series.map((s) => ({
                    name: s.name,
                    data: s.points.map((p) => ({ key: p.day.slice(5), value: p.orders })),
                  }))}
                  xAxisOptions={{ labelFormatter: (value) => String(value) }}
                  yAxisOptions={{ integersOnly: true }}
                />
              </PolarisVizProvider>
            ) : (
              <SkeletonBodyText lines={8} />
            )}
          </div>
        )}
      </BlockStack>
    </Card>
  );
}
