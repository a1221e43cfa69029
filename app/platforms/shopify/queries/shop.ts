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

/** The cheapest call that uses a shop's stored access token (1 point): does Shopify still accept it? */
export const SHOP_ACCESS_QUERY = `#graphql
  query ShopAccess {
    shop {
      id
    }
  }
`;
