/** The connected shop's identity and settings. */
export const SHOP_QUERY = `#graphql
  query ShopInfo {
    shop {
      id
      name
      email
      myshopifyDomain
      currencyCode
      ianaTimezone
      plan {
        displayName
        shopifyPlus
      }
    }
  }
`;
