import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/**
 * Re-runs the page's loader every `intervalMs` while the tab is visible (live progress and counts without a manual
 * refresh). Skips a tick while a previous refresh is still loading.
 */
export function useLiveRefresh(intervalMs: number) {
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, revalidator]);
}
