/**
 * SSRF guard for requests to addresses a person typed (a WooCommerce store URL): the host is resolved and every
 * address it resolves to must be a public one. Loopback and private networks are allowed only when the deployment
 * says so (`ALLOW_PRIVATE_STORE_URLS`, for the local emulator); link-local, cloud metadata, unspecified, multicast
 * and reserved addresses never are.
 *
 * The same policy runs twice: once up front (`checkUrl`, for an error the person can read before anything is sent)
 * and again inside every connection (`lookup`, given to the HTTP agents), so a DNS answer that changes between the
 * two (rebinding) or a redirect target is refused before a socket opens.
 */
import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { AppError } from "./errors";

export type AddressKind =
  "public" | "loopback" | "private" | "link_local" | "metadata" | "unspecified" | "multicast" | "reserved";

/** Kinds `ALLOW_PRIVATE_STORE_URLS` unlocks. Everything else but "public" stays refused. */
const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(["loopback", "private"]);

const KIND_TEXT: Record<Exclude<AddressKind, "public">, string> = {
  loopback: "this server itself (loopback)",
  private: "a private network",
  link_local: "a link-local network",
  metadata: "a cloud metadata service",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  reserved: "a reserved address range",
};

/** A store address that must not be contacted. Raised before any request is sent to it. */
export class AddressRefusedError extends AppError {
  readonly kind: AddressKind;
  constructor(host: string, kind: Exclude<AddressKind, "public">) {
    super(
      "store_address_refused",
      `${host} points to ${KIND_TEXT[kind]}. Commerce Sync only connects to stores reachable on the public ` +
        "internet; enter the store's public address.",
      { httpStatus: 400 },
    );
    this.kind = kind;
  }
}

/** The host name could not be resolved at all. */
export class HostNotFoundError extends AppError {
  constructor(host: string, cause?: unknown) {
    super(
      "store_host_not_found",
      `No server named ${host} could be found. Check the store address for typos.`,
      {
        httpStatus: 400,
        cause,
      },
    );
  }
}

export type ResolveFn = (host: string) => Promise<string[]>;

export interface AddressPolicyOptions {
  /** Allow loopback and private networks (development against a local store). Never in production. */
  allowPrivate: boolean;
  /** DNS resolution (default: the operating system's resolver, like every outgoing connection). */
  resolve?: ResolveFn;
  /**
   * Addresses to classify as public. Only for tests, which stand a local server in for a public store; a deployment
   * never sets it.
   */
  treatAsPublic?: readonly string[];
}

export interface AddressPolicy {
  readonly allowPrivate: boolean;
  /** Classifies one IP address. */
  classify(address: string): AddressKind;
  /** Resolves `host` (or takes it as an IP literal) and throws unless every address is allowed; returns them. */
  checkHost(host: string): Promise<{ addresses: string[]; kinds: AddressKind[] }>;
  /** A `lookup` for http(s) agents: the same check on every connection, after every redirect. */
  lookup: LookupFunction;
}

const systemResolve: ResolveFn = async (host) =>
  (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Builds the policy every store request of the app goes through. */
export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const resolve = options.resolve ?? systemResolve;
  const publicOverrides = new Set(options.treatAsPublic ?? []);
  const classify = (address: string): AddressKind =>
    publicOverrides.has(address) ? "public" : classifyAddress(address);
  const allowed = (kind: AddressKind) =>
    kind === "public" || (options.allowPrivate && PRIVATE_KINDS.has(kind));

  async function checkHost(host: string) {
    const bare = host.replace(/^\[|\]$/g, "");
    let addresses: string[];
    if (isIP(bare)) addresses = [bare];
    else {
      try {
        addresses = await resolve(bare);
      } catch (error) {
        throw new HostNotFoundError(bare, error);
      }
      if (addresses.length === 0) throw new HostNotFoundError(bare);
    }
    const kinds = addresses.map(classify);
    // One refused address is enough: a name that also resolves to an internal address is not a store address.
    const refused = kinds.find((k) => !allowed(k));
    if (refused && refused !== "public") throw new AddressRefusedError(bare, refused);
    return { addresses, kinds };
  }

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    checkHost(hostname).then(
      ({ addresses }) => {
        const family = (a: string) => (isIP(a) === 6 ? 6 : 4);
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
        const usable = addresses.filter((a) => wanted === 0 || family(a) === wanted);
        if (usable.length === 0) {
          const error = Object.assign(new Error(`No IPv${wanted} address for ${hostname}`), {
            code: "ENOTFOUND",
          });
          callback(error, "", 0);
          return;
        }
        if (lookupOptions.all) {
          (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(
            null,
            usable.map((address) => ({ address, family: family(address) })),
          );
        } else callback(null, usable[0], family(usable[0]));
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, "", 0),
    );
  };

  return { allowPrivate: options.allowPrivate, classify, checkHost, lookup };
}

/** Classifies an IPv4 or IPv6 address (IPv4 embedded in IPv6 — mapped, NAT64, 6to4 — is classified as IPv4). */
export function classifyAddress(address: string): AddressKind {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const version = isIP(bare);
  if (version === 4) return classifyV4(bare.split(".").map(Number));
  if (version === 6) return classifyV6(parseV6(bare));
  return "reserved";
}

function classifyV4([a, b, c, d]: number[]): AddressKind {
  if (a === 169 && b === 254 && c === 169 && d === 254) return "metadata";
  if (a === 100 && b === 100 && c === 100 && d === 200) return "metadata"; // Alibaba Cloud
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "private"; // carrier-grade NAT
  if (a === 169 && b === 254) return "link_local";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240) return "reserved"; // incl. 255.255.255.255
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return "reserved"; // IETF protocol assignments, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return "reserved"; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return "reserved"; // TEST-NET
  return "public";
}

function classifyV6(bytes: number[]): AddressKind {
  const zeroUpTo = (n: number) => bytes.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(15) && bytes[15] === 0) return "unspecified";
  if (zeroUpTo(15) && bytes[15] === 1) return "loopback";
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated)
  if (zeroUpTo(10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || (bytes[10] === 0 && bytes[11] === 0)))
    return classifyV4(bytes.slice(12));
  // 64:ff9b::/96 (NAT64)
  const nat64 = bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b;
  if (nat64 && bytes.slice(4, 12).every((x) => x === 0)) return classifyV4(bytes.slice(12));
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return classifyV4(bytes.slice(2, 6)); // 6to4
  // fd00:ec2::254 (AWS IMDS over IPv6)
  if (bytes[0] === 0xfd && bytes[1] === 0 && bytes[2] === 0x0e && bytes[3] === 0xc2 && bytes[15] === 0x54)
    if (bytes.slice(4, 14).every((x) => x === 0) && bytes[14] === 0x02) return "metadata";
  if ((bytes[0] & 0xfe) === 0xfc) return "private"; // fc00::/7 unique local
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return "link_local"; // fe80::/10
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return "private"; // fec0::/10 site-local (deprecated)
  if (bytes[0] === 0xff) return "multicast";
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) return "reserved"; // doc
  if (bytes[0] === 0) return "reserved"; // the rest of ::/8
  return "public";
}

/** "fe80::1" → 16 bytes (the caller checked `isIP(...) === 6`). */
function parseV6(text: string): number[] {
  let head = text;
  const tailV4: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (v4) {
    tailV4.push(...v4[1].split(".").map(Number));
    head = head.slice(0, -v4[1].length);
    head = head.endsWith("::") ? head : head.replace(/:$/, "");
  }
  const groupsNeeded = 8 - tailV4.length / 2;
  const [left, right] = head.includes("::") ? head.split("::") : [head, null];
  const parse = (part: string | null) => (part ? part.split(":").filter(Boolean) : []);
  const l = parse(left);
  const r = parse(right);
  const groups =
    right === null ? l : [...l, ...Array<string>(groupsNeeded - l.length - r.length).fill("0"), ...r];
  const bytes: number[] = [];
  for (const g of groups) {
    const n = parseInt(g, 16);
    bytes.push((n >> 8) & 0xff, n & 0xff);
  }
  return [...bytes, ...tailV4];
}
