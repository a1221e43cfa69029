import { describe, expect, it } from "vitest";
import { clientAddress, plainAddress, UNKNOWN_ADDRESS } from "./client-address";

describe("clientAddress", () => {
  it("is the connection's address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.5", "198.51.100.7", 0)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:203.0.113.5", undefined, 0)).toBe("203.0.113.5");
    expect(clientAddress(undefined, "198.51.100.7", 0)).toBe(UNKNOWN_ADDRESS);
  });

  it("behind one trusted proxy, is the entry that proxy appended (the last), not one the client wrote", () => {
    expect(clientAddress("10.0.0.2", "198.51.100.7", 1)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", "1.2.3.4, 198.51.100.7", 1)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", ["1.2.3.4", "198.51.100.7"], 1)).toBe("198.51.100.7");
  });

  it("behind two trusted proxies, is the second entry from the end", () => {
    expect(clientAddress("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.9", 2)).toBe("198.51.100.7");
    // Fewer entries than proxies: the furthest one there is.
    expect(clientAddress("10.0.0.2", "198.51.100.7", 2)).toBe("198.51.100.7");
  });

  it("falls back to the connection's address when a trusted proxy sent no usable entry", () => {
    expect(clientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", " , ", 1)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "1.2.3.4, not-an-address", 1)).toBe("10.0.0.2");
  });
});

describe("plainAddress", () => {
  it("drops ports, brackets and the IPv4-mapped prefix", () => {
    expect(plainAddress("203.0.113.5:8080")).toBe("203.0.113.5");
    expect(plainAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(plainAddress("[2001:db8::1]")).toBe("2001:db8::1");
    expect(plainAddress("::FFFF:203.0.113.5")).toBe("203.0.113.5");
    expect(plainAddress("2001:db8::1")).toBe("2001:db8::1");
  });

  it("is null for anything that is not an address", () => {
    expect(plainAddress(undefined)).toBeNull();
    expect(plainAddress("")).toBeNull();
    expect(plainAddress("unknown")).toBeNull();
    expect(plainAddress("example.com")).toBeNull();
    expect(plainAddress("203.0.113.5; DROP")).toBeNull();
  });
});
