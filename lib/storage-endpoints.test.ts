import { describe, expect, it } from "vitest";
import { browserEndpoints, describeEndpoint, endpointProblem, splitEndpointList } from "./storage-endpoints";

describe("splitEndpointList", () => {
  it("trims entries and drops empties and repeats", () => {
    expect(splitEndpointList(" https://a.example , https://b.example,,https://a.example ")).toEqual(["https://a.example", "https://b.example"]);
  });
});

describe("endpointProblem", () => {
  it.each(["http://127.0.0.1:9000", "https://s3.eu-west-1.amazonaws.com", "https://cdn.example.com/s3"])("accepts %s", (entry) => {
    expect(endpointProblem(entry)).toBeNull();
  });

  it.each([
    ["not a url", /is not a URL/],
    ["ftp://files.example", /not an http\(s\) URL/],
    ["https://user:secret@s3.example", /plain endpoint/],
    ["https://s3.example/?x=1", /plain endpoint/],
  ])("refuses %s", (entry, message) => {
    expect(endpointProblem(entry)).toMatch(message);
  });
});

describe("browserEndpoints", () => {
  it("on AWS S3 (no S3_ENDPOINT): the bucket's standard and dual-stack hosts", () => {
    expect(browserEndpoints({})).toEqual([{ aws: "standard" }, { aws: "dualstack" }]);
  });

  it.each([
    ["http://127.0.0.1:9000", ["http://127.0.0.1:9000", "http://localhost:9000"]],
    ["http://localhost:4569", ["http://localhost:4569", "http://127.0.0.1:4569"]],
    ["http://127.0.0.1:9000/", ["http://127.0.0.1:9000/", "http://localhost:9000/"]],
  ])("a loopback S3_ENDPOINT %s: both loopback names, its own first", (endpoint, urls) => {
    expect(browserEndpoints({ endpoint })).toEqual(urls.map((url) => ({ url })));
  });

  it("another S3_ENDPOINT stays one host", () => {
    expect(browserEndpoints({ endpoint: "https://acct.r2.cloudflarestorage.com" })).toEqual([{ url: "https://acct.r2.cloudflarestorage.com" }]);
    expect(browserEndpoints({ endpoint: "http://[::1]:9000" })).toEqual([{ url: "http://[::1]:9000" }]);
  });

  it("S3_PUBLIC_ENDPOINT wins as listed, even one loopback entry", () => {
    expect(browserEndpoints({ publicEndpoints: ["http://127.0.0.1:9100"], endpoint: "http://127.0.0.1:9000" })).toEqual([{ url: "http://127.0.0.1:9100" }]);
    expect(browserEndpoints({ publicEndpoints: ["https://a.example", "https://b.example"] })).toEqual([{ url: "https://a.example" }, { url: "https://b.example" }]);
  });
});

describe("describeEndpoint", () => {
  it("names AWS's hosts: virtual-hosted, or path style for a dotted bucket (the wildcard certificate covers one label)", () => {
    expect(describeEndpoint({ aws: "standard" }, "photos", "eu-west-1")).toBe("https://photos.s3.eu-west-1.amazonaws.com");
    expect(describeEndpoint({ aws: "dualstack" }, "photos", "eu-west-1")).toBe("https://photos.s3.dualstack.eu-west-1.amazonaws.com");
    expect(describeEndpoint({ aws: "dualstack" }, "my.photos", "eu-west-1")).toBe("https://s3.dualstack.eu-west-1.amazonaws.com/my.photos");
    expect(describeEndpoint({ url: "http://localhost:9000" }, "photos", "us-east-1")).toBe("http://localhost:9000");
  });
});
