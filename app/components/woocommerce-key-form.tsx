/**
 * The "paste REST API keys" card of the WooCommerce connect pages (standalone and embedded): store address, consumer
 * key and secret, the connect result's errors (on the field they concern, anything else in a banner) and, for a
 * read-only key, the owner's choice to continue without webhooks.
 */
import { Form } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

export interface KeyFormFailure {
  error: { code: string; message: string; field?: string };
  needsReadOnlyConfirmation?: boolean;
}

export function WooKeyForm(props: {
  /** The last connect attempt's failure, if any. */
  failure: KeyFormFailure | null;
  busy: boolean;
  storeUrl: string;
  onStoreUrlChange: (value: string) => void;
  /** Extra hidden fields sent with every submission (intent, organization grant). */
  hidden?: Record<string, string>;
}) {
  const [consumerKey, setConsumerKey] = useState("");
  const [consumerSecret, setConsumerSecret] = useState("");
  const { failure } = props;
  const readOnly = !!failure?.needsReadOnlyConfirmation;
  const fieldError = (name: string) =>
    !readOnly && failure?.error.field === name ? failure.error.message : undefined;
  const bannerError = failure && (readOnly || !failure.error.field) ? failure.error : null;
  const hidden = (extra: Record<string, string> = {}) =>
    Object.entries({ ...props.hidden, ...extra }).map(([name, value]) => (
      <input key={name} type="hidden" name={name} value={value} />
    ));

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Or paste REST API keys
        </Text>
        {bannerError && (
          <Banner
            tone={readOnly ? "warning" : "critical"}
            title={readOnly ? "This key is read-only" : "The store could not be connected"}
          >
            <BlockStack gap="200">
              <p>{bannerError.message}</p>
              {readOnly && (
                // The same key again, with the owner's consent to a read-only connection.
                <Form method="post">
                  {hidden({ allowReadOnly: "1", storeUrl: props.storeUrl, consumerKey, consumerSecret })}
                  <Button submit loading={props.busy}>
                    Continue read-only
                  </Button>
                </Form>
              )}
            </BlockStack>
          </Banner>
        )}
        <Form method="post" aria-label="Paste REST API keys">
          <BlockStack gap="400">
            {hidden()}
            <TextField
              label="Store address"
              name="storeUrl"
              value={props.storeUrl}
              onChange={props.onStoreUrlChange}
              placeholder="https://mystore.com"
              autoComplete="url"
              error={fieldError("storeUrl")}
            />
            <TextField
              label="Consumer key"
              name="consumerKey"
              value={consumerKey}
              onChange={setConsumerKey}
              placeholder="ck_…"
              autoComplete="off"
              monospaced
              error={fieldError("consumerKey")}
            />
            <TextField
              label="Consumer secret"
              name="consumerSecret"
              type="password"
              value={consumerSecret}
              onChange={setConsumerSecret}
              placeholder="cs_…"
              autoComplete="off"
              monospaced
              error={fieldError("consumerSecret")}
            />
            <Box>
              <Button submit loading={props.busy}>
                Connect
              </Button>
            </Box>
          </BlockStack>
        </Form>
      </BlockStack>
    </Card>
  );
}
