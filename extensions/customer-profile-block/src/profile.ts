/** The shape `GET /extensions/customer-profile` answers with (kept in step with app/routes/extensions.customer-profile.tsx). */
export interface ProfileResponse {
  found: boolean;
  message?: string;
  profile?: {
    email: string | null;
    name: string | null;
    marketingState: string;
    marketingOptInLevel: string | null;
    stores: Array<{ name: string; platform: string; guest: boolean }>;
    ordersCount: number;
    totalSpent: Array<{ currency: string; amount: string }>;
  };
}

const CONSENT: Record<string, string> = {
  subscribed: "Subscribed to email",
  not_subscribed: "Not subscribed",
  pending: "Pending confirmation",
  unsubscribed: "Unsubscribed",
  invalid: "Invalid email address",
  redacted: "Redacted",
};

export function consentLabel(state: string, level: string | null): string {
  const label = CONSENT[state] ?? state;
  return state === "subscribed" && level === "confirmed_opt_in" ? `${label} (confirmed)` : label;
}

/** "1,234.50 USD" from an exact decimal string. */
export function money(amount: string, currency: string): string {
  const [whole, fraction] = amount.split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""} ${currency}`;
}
