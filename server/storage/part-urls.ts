import "server-only";
import { S3Client, UploadPartCommand, type UploadPartCommandInput } from "@aws-sdk/client-s3";
import { formatUrl } from "@aws-sdk/core/util";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { clients } from "./clients";
import { getEnv } from "@/lib/env";

export type PartToSign = { partNumber: number; size: number; checksumCRC32?: string };

/** The unsigned request as the SDK builds it, and how getSignedUrl would sign it. */
type UnsignedPart = {
  request: Parameters<S3RequestPresigner["presign"]>[0];
  presigner: S3RequestPresigner;
  options: { signingRegion?: string; signingService?: string };
  s3ExpressIdentity?: Parameters<S3RequestPresigner["presignWithCredentials"]>[1];
};

/**
 * Runs UploadPart through the client's middleware (endpoint, path, query) and stops where
 * getSignedUrl's own interceptor stops it, just before signing; the rest mirrors getSignedUrl.
 */
async function unsignedUploadPart(client: S3Client, input: UploadPartCommandInput): Promise<UnsignedPart> {
  const command = new UploadPartCommand(input);
  const stack = client.middlewareStack.clone();
  let captured: UnsignedPart | undefined;
  const capture = (_next: unknown, context: Record<string, unknown>) => async (args: { request: unknown }) => {
    const request = args.request as UnsignedPart["request"];
    // Per-call SDK headers getSignedUrl drops too (an x-amz-* one would be hoisted into the URL).
    delete request.headers["amz-sdk-invocation-id"];
    delete request.headers["amz-sdk-request"];
    delete request.headers["x-amz-user-agent"];
    const endpoint = context.endpointV2 as { properties?: { authSchemes?: Array<{ signingName?: string; signingRegion?: string }> } };
    const scheme = endpoint?.properties?.authSchemes?.[0];
    captured = {
      request,
      presigner: new S3RequestPresigner({ ...client.config, signingName: scheme?.signingName, region: async () => scheme?.signingRegion ?? "" }),
      options: {
        signingRegion: (context.signing_region as string | undefined) ?? scheme?.signingRegion,
        signingService: context.signing_service as string | undefined,
      },
      s3ExpressIdentity: context.s3ExpressIdentity as UnsignedPart["s3ExpressIdentity"],
    };
    return { response: {}, output: { $metadata: {} } };
  };
  stack.addRelativeTo(capture as never, { name: "capturePartRequest", relation: "before", toMiddleware: "awsAuthMiddleware", override: true });
  await command.resolveMiddleware(stack, client.config, {})({ input: command.input });
  if (!captured) throw new Error("UploadPart never reached the signing step");
  return captured;
}

/**
 * Presigned UploadPart URLs for one upload, each bound to its part number, the part's exact
 * Content-Length and (when given) its CRC32: S3 refuses a part of another size or other bytes.
 * The same URLs getSignedUrl makes (tests/part-urls.test.ts compares them), but the SDK builds
 * the request once per batch and its presigner signs each part: getSignedUrl runs the whole
 * command stack per URL, about 0.3 ms of CPU each (B3 in docs/benchmarks.md).
 */
export async function signUploadPartUrls(input: {
  key: string;
  uploadId: string;
  parts: PartToSign[];
  expiresInSeconds: number;
}): Promise<string[]> {
  const [first] = input.parts;
  if (!first) return [];
  const unsigned = await unsignedUploadPart(clients().public, {
    Bucket: getEnv().S3_BUCKET,
    Key: input.key,
    UploadId: input.uploadId,
    PartNumber: first.partNumber,
    ContentLength: first.size,
  });
  return Promise.all(
    input.parts.map(async (part) => {
      const headers: Record<string, string> = { ...unsigned.request.headers, "content-length": String(part.size) };
      const signed = new Set(["content-length"]);
      if (part.checksumCRC32) {
        headers["x-amz-checksum-crc32"] = part.checksumCRC32;
        signed.add("x-amz-checksum-crc32");
      }
      const request = { ...unsigned.request, headers, query: { ...unsigned.request.query, partNumber: String(part.partNumber) } };
      // Kept as headers (not query parameters) so S3 checks the body against them.
      const options = { ...unsigned.options, expiresIn: input.expiresInSeconds, signableHeaders: signed, unhoistableHeaders: signed };
      const presigned = unsigned.s3ExpressIdentity
        ? await unsigned.presigner.presignWithCredentials(request, unsigned.s3ExpressIdentity, options)
        : await unsigned.presigner.presign(request, options);
      return formatUrl(presigned);
    }),
  );
}
