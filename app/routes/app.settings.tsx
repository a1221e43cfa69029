import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
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
  Modal,
  Page,
  Text,
  TextField,
  useBreakpoints,
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

type TokenRow = ReturnType<typeof useLoaderData<typeof loader>>["tokens"][number];

/** "Revoke", behind a confirmation: the tools using the token stop at once, and a revoked token cannot come back. */
function RevokeToken({ token }: { token: TokenRow }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const [confirming, setConfirming] = useState(false);
  const revoking = navigation.formData?.get("tokenId") === token.id;
  useEffect(() => {
    if (token.revokedAt) setConfirming(false);
  }, [token.revokedAt]);
  if (token.revokedAt) return <Badge>Revoked</Badge>;
  return (
    <>
      <Button
        tone="critical"
        variant="plain"
        accessibilityLabel={`Revoke token ${token.name}`}
        onClick={() => setConfirming(true)}
      >
        Revoke
      </Button>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Revoke token “${token.name}”?`}
        primaryAction={{
          content: "Revoke token",
          destructive: true,
          loading: revoking,
          onAction: () => submit({ intent: "revoke", tokenId: token.id }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">
            Tools that call the API with {token.preview} stop working at once (their requests are refused with
            401). A revoked token cannot be turned back on: give those tools a new token.
          </Text>
        </Modal.Section>
      </Modal>
    </>
  );
}

/** The organization's tokens: a table, or on phones one stacked block per token (five columns would scroll). */
function TokenList({ tokens }: { tokens: TokenRow[] }) {
  const { mdDown } = useBreakpoints();
  if (mdDown)
    return (
      <BlockStack>
        {tokens.map((t, i) => (
          <Box
            key={t.id}
            padding="400"
            borderBlockStartWidth={i === 0 ? "0" : "025"}
            borderColor="border-secondary"
          >
            <BlockStack gap="100">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="span" fontWeight="semibold" breakWord>
                  {t.name}
                </Text>
                <RevokeToken token={t} />
              </InlineStack>
              <Text as="span" variant="bodySm">
                <code>{t.preview}</code>
              </Text>
              <Text as="span" tone="subdued" variant="bodySm">
                Created {formatDateTime(t.createdAt)} · Last used {formatDateTime(t.lastUsedAt, "not yet")}
              </Text>
            </BlockStack>
          </Box>
        ))}
      </BlockStack>
    );
  return (
    <DataTable
      columnContentTypes={["text", "text", "text", "text", "text"]}
      headings={[
        "Name",
        "Token",
        "Created",
        "Last used",
        <Text key="a" as="span" visuallyHidden>
          Actions
        </Text>,
      ]}
      rows={tokens.map((t) => [
        t.name,
        <code key="p">{t.preview}</code>,
        formatDateTime(t.createdAt),
        formatDateTime(t.lastUsedAt, "Not yet"),
        <RevokeToken key="r" token={t} />,
      ])}
    />
  );
}

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
          title={
            // Below Polaris's sm breakpoint the page has no side padding (cards run edge to edge); text does not.
            <Box as="span" paddingInlineStart={{ xs: "400", sm: "0" }}>
              API tokens
            </Box>
          }
          description={
            <Box paddingInline={{ xs: "400", sm: "0" }}>
              <Text as="p">
                Tokens let your support & marketing tools call the integrations API (GET /api/integrations,
                sync, disconnect, sync history) with &apos;Authorization: Bearer &lt;token&gt;&apos;. The API
                is described at /api/openapi.json.
              </Text>
            </Box>
          }
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
                <TokenList tokens={tokens} />
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
