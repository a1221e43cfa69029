import { useState } from "react";
import { Button, InlineStack, Text } from "@shopify/polaris";

/** An id shown in monospace with a button that copies it (the CLI and the API ask for it). */
export function CopyableId({ id, label = "Integration id" }: { id: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard access can be refused (permissions policy): the id stays selectable.
      setCopied(false);
    }
  };
  return (
    <InlineStack gap="200" blockAlign="center" wrap>
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="bodySm" fontWeight="medium">
        <code style={{ userSelect: "all", wordBreak: "break-all" }}>{id}</code>
      </Text>
      <Button variant="plain" onClick={copy} accessibilityLabel={`Copy ${label.toLowerCase()} ${id}`}>
        {copied ? "Copied" : "Copy"}
      </Button>
    </InlineStack>
  );
}
