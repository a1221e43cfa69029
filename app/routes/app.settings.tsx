import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { z } from "zod";
import { embeddedContext, rethrowAsResponse } from "../embedded.server";
import { createApiToken, listApiTokens, revokeApiToken } from "../integrations/api-tokens.server";
import { isAppError } from "../lib/errors";
import { PageError } from "../components/PageError";
import { formatDateTime } from "../components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { db, organization } = await embeddedContext(request);
  return json({ tokens: await listApiTokens(db, organization.organizationId) });
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: z.string() }),
  z.object({ intent: z.literal("revoke"), tokenId: z.string().min(1) }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { db, organization, actor } = await embeddedContext(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return json({ error: "That action is not available.", created: null }, { status: 400 });
  try {
    if (parsed.data.intent === "create") {
      const created = await createApiToken(db, {
        organizationId: organization.organizationId,
        name: parsed.data.name,
        createdBy: actor,
      });
      return json({ error: null, created: { name: created.name, token: created.token } });
    }
    await revokeApiToken(db, {
      organizationId: organization.organizationId,
      tokenId: parsed.data.tokenId,
      actor,
    });
    return json({ error: null, created: null });
  } catch (error) {
    if (isAppError(error) && error.httpStatus < 500)
      return json({ error: error.message, created: null }, { status: error.httpStatus });
    return rethrowAsResponse(error);
  }
};

/** Settings: organization API tokens for the integrations API (created, shown once, revoked). */
export default function Settings() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [name, setName] = useState("");
  const creating = navigation.formData?.get("intent") === "create";
  useEffect(() => {
    if (result?.created) setName("");
  }, [result]);
  return (
    <Page title="Settings">
      <Layout>
        <Layout.AnnotatedSection
          title="API tokens"
          description="Tokens let your support & marketing tools call the integrations API (GET /api/integrations, sync, disconnect, sync history) with 'Authorization: Bearer <token>'. The API is described at /api/openapi.json."
        >
          <BlockStack gap="400">
            {result?.created && (
              <Banner tone="success" title={`Token “${result.created.name}” created`}>
                <BlockStack gap="200">
                  <p>Copy it now: it is shown only once. Commerce Sync keeps only a fingerprint of it.</p>
                  <Box background="bg-surface-secondary" padding="200" borderRadius="200">
                    <code data-testid="new-api-token" style={{ wordBreak: "break-all", userSelect: "all" }}>
                      {result.created.token}
                    </code>
                  </Box>
                </BlockStack>
              </Banner>
            )}
            {result?.error && (
              <Banner tone="critical">
                <p>{result.error}</p>
              </Banner>
            )}
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="create" />
                <InlineStack gap="200" blockAlign="end" wrap={false}>
                  <Box width="100%">
                    <TextField
                      label="Token name"
                      name="name"
                      value={name}
                      onChange={setName}
                      autoComplete="off"
                      placeholder="e.g. Support desk"
                      maxLength={60}
                    />
                  </Box>
                  <div style={{ whiteSpace: "nowrap" }}>
                    <Button submit variant="primary" loading={creating}>
                      Create token
                    </Button>
                  </div>
                </InlineStack>
              </Form>
            </Card>
            <Card padding="0">
              {tokens.length === 0 ? (
                <Box padding="400">
                  <Text as="p" tone="subdued">
                    No API token yet.
                  </Text>
                </Box>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["Name", "Token", "Created", "Last used", ""]}
                  rows={tokens.map((t) => [
                    t.name,
                    <code key="p">{t.preview}</code>,
                    formatDateTime(t.createdAt),
                    formatDateTime(t.lastUsedAt, "Not yet"),
                    t.revokedAt ? (
                      <Badge key="r">Revoked</Badge>
                    ) : (
                      <Form method="post" key="f">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="tokenId" value={t.id} />
                        <Button
                          submit
                          tone="critical"
                          variant="plain"
                          accessibilityLabel={`Revoke token ${t.name}`}
                        >
                          Revoke
                        </Button>
                      </Form>
                    ),
                  ])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <PageError />;
}
