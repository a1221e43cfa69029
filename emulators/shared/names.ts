/**
 * Word lists for generated store data, shared by both emulators. They mix accents, apostrophes and spaces on
 * purpose ("Zoë", "O'Brien", "de Vries"): names like these are where encodings and slugs go wrong.
 */

export const FIRST_NAMES: readonly string[] = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Amelia",
  "Oliver",
  "Sophia",
  "Elijah",
  "Mia",
  "Lucas",
  "Charlotte",
  "Mateo",
  "Ava",
  "Hugo",
  "Léa",
  "Jonas",
  "Zoë",
  "Aarav",
  "Priya",
  "Chen",
  "Mei",
  "Hiroshi",
  "Yuki",
  "Fatima",
  "Omar",
  "Amara",
  "Kwame",
  "Sofía",
  "Diego",
  "Camila",
  "Lars",
  "Ingrid",
  "Mateusz",
  "Zofia",
  "Giulia",
  "Marco",
  "Anaïs",
  "Björn",
  "Siobhan",
  "Declan",
  "Nia",
  "Tariq",
  "Ana",
  "João",
  "Élodie",
  "Rafael",
  "Isla",
  "Finn",
  "Maya",
  "Ethan",
  "Alice",
  "Bob",
  "Carol",
  "Dave",
  "Erin",
  "Grace",
  "Heidi",
  "Ivan",
  "Judy",
  "Mallory",
  "Peggy",
  "Rupert",
  "Sybil",
  "Trent",
  "Victor",
  "Walter",
  "Dmitri",
  "Emeka",
  "José",
  "Chloé",
];

export const LAST_NAMES: readonly string[] = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Garcia",
  "Miller",
  "Davis",
  "Martinez",
  "Lopez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Moore",
  "Martin",
  "Lee",
  "Thompson",
  "White",
  "Harris",
  "Clark",
  "Lewis",
  "Müller",
  "Schmidt",
  "Dubois",
  "Lefèvre",
  "Rossi",
  "Bianchi",
  "Nowak",
  "Kowalski",
  "Jansen",
  "de Vries",
  "Nakamura",
  "Tanaka",
  "Kim",
  "Park",
  "Nguyen",
  "Singh",
  "Patel",
  "Okafor",
  "Mensah",
  "O'Brien",
  "Murphy",
  "Andersson",
  "Johansson",
  "Silva",
  "Santos",
  "Fernández",
  "González",
  "Novak",
  "Horvat",
  "Yilmaz",
  "Diaz",
  "Evans",
  "Fox",
  "Hughes",
  "Ito",
  "Jones",
  "Khan",
  "Quinn",
  "Ulrich",
  "Vega",
  "Weber",
  "Young",
];

/** Reserved example domains (RFC 2606), so generated addresses can never reach a real mailbox. */
export const EMAIL_DOMAINS: readonly string[] = [
  "example.com",
  "example.net",
  "example.org",
  "mail.example.com",
  "shop.example.net",
];

export interface SampleCity {
  city: string;
  /** Full province/state name ("" where the country has none in addresses). */
  province: string;
  /** ISO 3166-2 subdivision code without the country prefix where stores use it that way ("CA", "ON"). */
  provinceCode: string;
  country: string;
  countryCode: string;
  postcode: string;
}

export const CITIES: readonly SampleCity[] = [
  {
    city: "Ottawa",
    province: "Ontario",
    provinceCode: "ON",
    country: "Canada",
    countryCode: "CA",
    postcode: "K1P 1J1",
  },
  {
    city: "Toronto",
    province: "Ontario",
    provinceCode: "ON",
    country: "Canada",
    countryCode: "CA",
    postcode: "M5H 2N2",
  },
  {
    city: "New York",
    province: "New York",
    provinceCode: "NY",
    country: "United States",
    countryCode: "US",
    postcode: "10001",
  },
  {
    city: "Austin",
    province: "Texas",
    provinceCode: "TX",
    country: "United States",
    countryCode: "US",
    postcode: "73301",
  },
  {
    city: "Portland",
    province: "Oregon",
    provinceCode: "OR",
    country: "United States",
    countryCode: "US",
    postcode: "97201",
  },
  {
    city: "San Francisco",
    province: "California",
    provinceCode: "CA",
    country: "United States",
    countryCode: "US",
    postcode: "94103",
  },
  {
    city: "London",
    province: "",
    provinceCode: "",
    country: "United Kingdom",
    countryCode: "GB",
    postcode: "SW1A 1AA",
  },
  {
    city: "Berlin",
    province: "",
    provinceCode: "",
    country: "Germany",
    countryCode: "DE",
    postcode: "10115",
  },
  { city: "Paris", province: "", provinceCode: "", country: "France", countryCode: "FR", postcode: "75001" },
  {
    city: "Sydney",
    province: "New South Wales",
    provinceCode: "NSW",
    country: "Australia",
    countryCode: "AU",
    postcode: "2000",
  },
  {
    city: "Tokyo",
    province: "Tokyo",
    provinceCode: "JP13",
    country: "Japan",
    countryCode: "JP",
    postcode: "100-0001",
  },
];

export const PRODUCT_ADJECTIVES: readonly string[] = [
  "Linen",
  "Wool",
  "Canvas",
  "Cedar",
  "Ceramic",
  "Organic",
  "Vintage",
  "Alpine",
  "Coastal",
  "Copper",
  "Classic",
  "Premium",
  "Everyday",
  "Mini",
  "Deluxe",
];

export const PRODUCT_NOUNS: readonly string[] = [
  "Tote",
  "Mug",
  "Scarf",
  "Candle",
  "Notebook",
  "Beanie",
  "Apron",
  "Planter",
  "Blanket",
  "Backpack",
  "T-Shirt",
  "Hoodie",
  "Sticker Pack",
  "Cap",
  "Poster",
  "Socks",
];

export const VENDORS: readonly string[] = [
  "Northwind Goods",
  "Maple & Co",
  "Harbor Supply",
  "Atelier Nord",
  "Kiln Studio",
];

export const COLORS: readonly string[] = ["Black", "White", "Green", "Sand", "Navy", "Rust", "Red", "Blue"];
export const SIZES: readonly string[] = ["XS", "S", "M", "L", "XL"];

/** ASCII slug: accents folded, everything else but letters and digits becomes "-". */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
