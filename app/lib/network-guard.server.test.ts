import { describe, expect, it } from "vitest";
import {
  AddressRefusedError,
  HostNotFoundError,
  classifyAddress,
  createAddressPolicy,
} from "./network-guard.server";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["2606:4700:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["169.254.1.1", "link_local"],
    ["fe80::1", "link_local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a00:1", "private"],
    ["2002:a9fe:a9fe::1", "metadata"],
    ["[::1]", "loopback"],
    ["not an ip", "reserved"],
  ])("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe("address policy", () => {
  const resolveTo = (map: Record<string, string[]>) => async (host: string) => {
    if (!(host in map)) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    return map[host];
  };

  it("refuses a host name that resolves to a private address", async () => {
    const policy = createAddressPolicy({
      allowPrivate: false,
      resolve: resolveTo({ "shop.test": ["10.0.0.7"] }),
    });
    await expect(policy.checkHost("shop.test")).rejects.toBeInstanceOf(AddressRefusedError);
  });

  it("refuses a name with one internal address among public ones", async () => {
    const policy = createAddressPolicy({
      allowPrivate: false,
      resolve: resolveTo({ "mixed.test": ["8.8.8.8", "127.0.0.1"] }),
    });
    await expect(policy.checkHost("mixed.test")).rejects.toMatchObject({ code: "store_address_refused" });
  });

  it("allows loopback and private networks only when the deployment allows them, and never metadata", async () => {
    const strict = createAddressPolicy({ allowPrivate: false });
    const dev = createAddressPolicy({ allowPrivate: true });
    await expect(strict.checkHost("127.0.0.1")).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(dev.checkHost("127.0.0.1")).resolves.toEqual({
      addresses: ["127.0.0.1"],
      kinds: ["loopback"],
    });
    await expect(dev.checkHost("169.254.169.254")).rejects.toMatchObject({ kind: "metadata" });
    await expect(dev.checkHost("[fe80::1]")).rejects.toMatchObject({ kind: "link_local" });
  });

  it("says when a host name does not exist", async () => {
    const policy = createAddressPolicy({ allowPrivate: false, resolve: resolveTo({}) });
    await expect(policy.checkHost("nowhere.test")).rejects.toBeInstanceOf(HostNotFoundError);
  });

  it("refuses in the agents' lookup too (every connection, after every redirect)", async () => {
    const policy = createAddressPolicy({
      allowPrivate: false,
      resolve: resolveTo({ "rebind.test": ["10.9.9.9"] }),
    });
    const error = await new Promise<Error | null>((resolve) =>
      policy.lookup("rebind.test", {}, (err) => resolve(err as Error | null)),
    );
    expect(error).toBeInstanceOf(AddressRefusedError);
    const ok = await new Promise<unknown>((resolve) =>
      createAddressPolicy({ allowPrivate: false, resolve: resolveTo({ "ok.test": ["8.8.4.4"] }) }).lookup(
        "ok.test",
        { all: true },
        (_err, addresses) => resolve(addresses),
      ),
    );
    expect(ok).toEqual([{ address: "8.8.4.4", family: 4 }]);
  });
});
