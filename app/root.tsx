import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";

function Document({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        {/* The ICO for browsers that read no SVG icon (and what any browser fetches without a link). */}
        <link rel="icon" href="/favicon.ico" sizes="32x32" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {title && <title>{title}</title>}
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

/**
 * Last resort for errors no page handled (pages and the embedded layout have their own boundaries): a plain page,
 * styled inline because the failing route's stylesheets may not be loaded.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound ? "Page not found" : "Something went wrong";
  return (
    <Document title={`${title} · Commerce Sync`}>
      <main
        style={{
          fontFamily: "system-ui, sans-serif",
          maxWidth: 560,
          margin: "64px auto",
          padding: "0 16px",
          color: "#303030",
        }}
      >
        <h1 style={{ fontSize: 24 }}>{title}</h1>
        <p>
          {notFound
            ? "The address may be mistyped, or what it pointed to was removed."
            : "Commerce Sync could not show this page. Your data is safe; try again in a moment."}
        </p>
        <p>
          <a href="/">Go to the start page</a>
        </p>
      </main>
    </Document>
  );
}
