import { S3Client, type S3ClientConfig, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PublishError, UsageError } from '../errors.js';

/** Connection options for an S3-compatible store; credentials come from the AWS chain. */
export interface S3Options {
  endpoint?: string;
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`); the default when an endpoint is given. */
  pathStyle?: boolean;
  /** Send no credentials at all (public buckets). */
  anonymous?: boolean;
  /** Allow the EC2 instance-metadata credential source (it calls a link-local address). */
  instanceMetadata?: boolean;
  /**
   * Seconds a connection may stay silent before the request fails (default 60, or
   * SLIDEPACK_S3_TIMEOUT); connecting may take at most 10 s of it.
   */
  timeout?: number;
}

/** How long a store may stay silent, in milliseconds: to connect, and mid-request. */
export function storeTimeouts(options: S3Options): { connect: number; idle: number } {
  const fromEnv = Number(process.env.SLIDEPACK_S3_TIMEOUT);
  const seconds =
    options.timeout ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT);
  const idle = Math.round(seconds * 1000);
  return { connect: Math.min(idle, CONNECT_TIMEOUT), idle };
}

const DEFAULT_TIMEOUT = 60;
const MAX_ATTEMPTS = 3;
const CONNECT_TIMEOUT = 10_000;

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** `s3://bucket/some/prefix` → bucket and prefix (no trailing slash). */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m?.[1])
    throw new UsageError(`"${url}" is not an s3:// address; expected s3://bucket/prefix`);
  return { bucket: m[1], prefix: m[2]!.replace(/\/+$/, '') };
}

/**
 * An S3 client for one endpoint. Checksums are computed and sent by slidepack itself
 * (`requestChecksumCalculation: 'WHEN_REQUIRED'`): the SDK's default CRC32 with aws-chunked
 * bodies is refused by radosgw and others (see ../shared/docs/s3-test-server.md).
 */
export function createS3Client(options: S3Options): S3Client {
  // The default credential chain ends with the EC2 metadata service, a network address the
  // user never named; it is only consulted when asked for.
  if (!options.instanceMetadata && process.env.AWS_EC2_METADATA_DISABLED === undefined) {
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  }
  // The SDK warns that its releases after January 2027 need Node 22; slidepack pins its SDK.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = endpointOf(options);
  const timeouts = storeTimeouts(options);
  return new S3Client({
    ...(endpoint ? { endpoint } : {}),
    region:
      options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    forcePathStyle: options.pathStyle ?? Boolean(endpoint),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: MAX_ATTEMPTS,
    // A socket idle timeout, not a whole-request one: a long part upload that keeps sending
    // bytes is never cut, a gateway that accepts and then says nothing is.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeouts.connect,
      socketTimeout: timeouts.idle,
    }),
    ...(options.anonymous ? ANONYMOUS : {}),
  });
}

/** The endpoint requests go to, when one was named (else the SDK's AWS default). */
export function endpointOf(options: S3Options): string | undefined {
  return options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
}

/** Unsigned requests, as a browser or curl sends them: the store's public-read policy decides. */
const ANONYMOUS = {
  httpAuthSchemeProvider: () => [{ schemeId: 'smithy.api#noAuth' }],
  httpAuthSchemes: [
    {
      schemeId: 'smithy.api#noAuth',
      identityProvider: () => async () => ({}),
      signer: { sign: async (request: unknown) => request },
    },
  ],
} as unknown as Partial<S3ClientConfig>;

const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
]);

/** Turn an SDK failure into a {@link PublishError} that says what to do; never shows keys. */
export function explainS3Error(
  error: unknown,
  url: string,
  key?: string,
  options: S3Options = {},
): PublishError {
  const where = key ? `${url} (${key})` : url;
  const code = errorCode(error);
  const anonymous = options.anonymous ?? false;
  if (code === 'TimeoutError') return silentStore(error, options, key);
  if (code === 'CredentialsProviderError') {
    return new PublishError(
      `${where}: no credentials were found locally; set AWS_ACCESS_KEY_ID and ` +
        'AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/credentials ' +
        '(verify and fetch read a public release with --anonymous)',
      code,
      key,
    );
  }
  if (code === 'NoSuchBucket') {
    return new PublishError(`the bucket of ${url} does not exist; create it first`, code, key);
  }
  if (anonymous && AUTH_CODES.has(code)) {
    return new PublishError(
      `${where}: anonymous read refused (${code}); this release is not public`,
      code,
      key,
    );
  }
  if (AUTH_CODES.has(code)) {
    return new PublishError(
      `${where}: the store refused the credentials (${code}); check AWS_ACCESS_KEY_ID / ` +
        'AWS_SECRET_ACCESS_KEY or the AWS profile, and that they may write here',
      code,
      key,
    );
  }
  if (isNetworkCode(code)) {
    return new PublishError(
      `cannot reach the endpoint ${endpointOf(options) ?? 'of AWS S3'} for ${url} (${code}); ` +
        'is it running?',
      code,
      key,
    );
  }
  if (code === 'PreconditionFailed' && key) {
    return new PublishError(
      `${where}: written meanwhile by someone else (another publish?); not overwritten`,
      code,
      key,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PublishError(`${where}: the store failed: ${code} ${message}`.trim(), code, key);
}

/** The store accepted no connection, or went silent mid-request, for longer than allowed. */
function silentStore(error: unknown, options: S3Options, key?: string): PublishError {
  const { connect, idle } = storeTimeouts(options);
  const connecting = /establish a connection/.test(error instanceof Error ? error.message : '');
  const what = connecting ? 'accept a connection' : 'answer';
  const seconds = (connecting ? connect : idle) / 1000;
  return new PublishError(
    `the store at ${endpointOf(options) ?? 'AWS S3'} did not ${what} within ${seconds} s ` +
      `(${MAX_ATTEMPTS} attempts); is it overloaded or not an S3 endpoint?`,
    'TimeoutError',
    key,
  );
}

export function errorCode(error: unknown): string {
  if (error instanceof S3ServiceException) {
    if (error.name && error.name !== 'UnknownError') return error.name;
    return httpCode(error.$metadata?.httpStatusCode);
  }
  const e = error as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code ?? e?.name ?? 'Error';
}

function httpCode(status: number | undefined): string {
  if (status === 403) return 'AccessDenied';
  if (status === 404) return 'NotFound';
  if (status === 412) return 'PreconditionFailed';
  return `HTTP${status ?? ''}`;
}

function isNetworkCode(code: string): boolean {
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ETIMEDOUT',
    'EAI_AGAIN',
  ].includes(code);
}

/** The store refused a body whose bytes differ from its signed SHA-256 (or Content-MD5). */
export function isPayloadMismatch(error: unknown): boolean {
  return statusOf(error) === 400 && /sha256|digest/i.test(errorCode(error));
}

export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/**
 * Give the SigV4 signer the body's SHA-256, already computed for the checksum header, so the
 * SDK does not hash every byte a second time (on a 2-core machine that is the bottleneck).
 */
export function withPayloadHash<T extends { middlewareStack: { add(...args: never[]): unknown } }>(
  command: T,
  sha256Hex: string,
): T {
  type Args = { request: { headers: Record<string, string> } };
  const middleware = (next: (args: Args) => unknown) => (args: Args) => {
    args.request.headers['x-amz-content-sha256'] = sha256Hex;
    return next(args);
  };
  command.middlewareStack.add(
    middleware as never,
    { step: 'build', name: 'slidepackPayloadHash' } as never,
  );
  return command;
}
