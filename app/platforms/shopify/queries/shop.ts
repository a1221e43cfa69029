/** The connected shop's identity and settings (its currency prices products; its plan sets the restore rate). */
export const SHOP_QUERY = `#graphql
  query ShopInfo {
    shop {
      id
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
      plan {
        publicDisplayName
        shopifyPlus
        partnerDevelopment
      }
    }
  }
`;
