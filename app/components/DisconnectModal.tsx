import { useState } from "react";
import { BlockStack, ChoiceList, Modal, Text } from "@shopify/polaris";

/**
 * Confirmation before disconnecting a store: the person chooses to keep or delete the synced data. `onConfirm`
 * receives `keepData`.
 */
export function DisconnectModal({
  open,
  storeName,
  platform,
  busy,
  onClose,
  onConfirm,
}: {
  open: boolean;
  storeName: string;
  platform: string;
  busy: boolean;
  onClose: () => void;
  onConfirm: (keepData: boolean) => void;
}) {
  const [choice, setChoice] = useState<string[]>(["keep"]);
  const keep = choice[0] === "keep";
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Disconnect ${storeName}?`}
      primaryAction={{
        content: keep ? "Disconnect and keep data" : "Disconnect and delete data",
        destructive: true,
        loading: busy,
        onAction: () => onConfirm(keep),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {platform === "shopify" ? (
            // The shop's access is kept (its session): the store's page reconnects it (ADR 0059).
            <Text as="p">
              Syncing stops and Commerce Sync removes its webhooks from the shop. You can reconnect it later
              from this page.
            </Text>
          ) : (
            <Text as="p">
              Syncing stops and Commerce Sync forgets this store’s credentials
              {platform === "woocommerce" ? " and removes its webhooks from the store" : ""}. You can connect
              it again later.
            </Text>
          )}
          <ChoiceList
            title="Synced contacts, orders and products"
            choices={[
              { label: "Keep them", value: "keep", helpText: "They stay searchable; nothing new arrives." },
              {
                label: "Delete them",
                value: "delete",
                helpText:
                  "Orders and products from this store are deleted, and contacts no other store shares.",
              },
            ]}
            selected={choice}
            onChange={setChoice}
          />
          {platform === "shopify" && (
            <Text as="p" tone="subdued">
              To remove Commerce Sync’s access to this Shopify store entirely, uninstall the app from your
              Shopify admin.
            </Text>
          )}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
