import { randomUUID } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { SecureRestApi } from '../../infra/constructs/secure-rest-api.ts';

/**
 * An API Gateway REST API (Lambda proxy integration) in front of a Lambda handler, as far as a
 * client can tell: requests become the events API Gateway builds, and handler results become the
 * responses API Gateway sends back, with its rules for bodies and headers. Nothing here is the
 * application's logic; it is the part of AWS that local tests would otherwise skip.
 */

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface RestApiSettings {
  /** `BinaryMediaTypes` of the REST API (as synthesized). */
  binaryMediaTypes: string[];
  stageName: string;
}

/**
 * The settings of the REST API this project synthesizes: the real construct in a bare stack, so a
 * binary media type added to it (or the stage renamed) changes what the harness does.
 */
export function synthesizedRestApiSettings(): RestApiSettings {
  const stack = new Stack(new App(), 'ApiGatewayHarness');
  const handler = new LambdaFunction(stack, 'Fn', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({})'),
  });
  new SecureRestApi(stack, 'Api', { name: 'harness', handler, stageName: 'v1' });
  const template = Template.fromStack(stack);
  const [restApi] = Object.values(template.findResources('AWS::ApiGateway::RestApi')) as {
    Properties: { BinaryMediaTypes?: string[] };
  }[];
  const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage')) as {
    Properties: { StageName: string };
  }[];
  return {
    binaryMediaTypes: restApi?.Properties.BinaryMediaTypes ?? [],
    stageName: stage!.Properties.StageName,
  };
}

/** `*\/*`, `image/*` and exact types, as API Gateway matches them (the first Accept type counts). */
export function matchesMediaType(contentType: string | undefined | null, patterns: string[]): boolean {
  if (!contentType) return false;
  const type = contentType.split(/[;,]/)[0]!.trim().toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
    return p === type;
  });
}

/** Response headers API Gateway (REST, proxy integration) renames rather than passes on. */
const REMAPPED_RESPONSE_HEADERS = new Set([
  'authorization',
  'connection',
  'date',
  'server',
  'www-authenticate',
]);
/** Response headers API Gateway drops (hop-by-hop) or sets itself. */
const DROPPED_RESPONSE_HEADERS = new Set(['transfer-encoding', 'trailer', 'upgrade', 'te', 'content-length']);

const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const bad = () =>
  new Response(JSON.stringify({ message: 'Internal server error' }), {
    status: 502,
    headers: { 'content-type': 'application/json' },
  });

export interface ApiGatewayOptions extends Partial<RestApiSettings> {
  host?: string;
  sourceIp?: string;
  accountId?: string;
}

/** A `fetch`-like client whose requests go through the simulated API Gateway to `handler`. */
export function restApiGateway(handler: ProxyHandler, opts: ApiGatewayOptions = {}) {
  const settings = {
    binaryMediaTypes: opts.binaryMediaTypes ?? [],
    stageName: opts.stageName ?? 'v1',
    host: opts.host ?? 'abc123.execute-api.us-east-1.amazonaws.com',
    sourceIp: opts.sourceIp ?? '203.0.113.7',
    accountId: opts.accountId ?? '123456789012',
  };
  const events: APIGatewayProxyEvent[] = [];
  const results: APIGatewayProxyResult[] = [];

  async function toEvent(request: Request, rawHeaders: [string, string][]): Promise<APIGatewayProxyEvent> {
    const url = new URL(request.url);
    // The REST API hands the path over still percent-encoded; path parameters and the query decoded.
    const rawPath = url.pathname;
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    const add = (name: string, value: string) => {
      const canonical = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
      multiValueHeaders[canonical] = [...(multiValueHeaders[canonical] ?? []), value];
      headers[canonical] = value;
    };
    // Repeated headers stay apart (fetch's Headers would join them with ", ").
    for (const [name, value] of rawHeaders) {
      if (name === 'host' || name === 'content-length') continue;
      add(name, value);
    }
    add('host', settings.host);
    const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    add('x-amzn-trace-id', traceId);
    add('x-forwarded-for', settings.sourceIp);
    add('x-forwarded-port', '443');
    add('x-forwarded-proto', 'https');

    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      multiQuery[k] = [...(multiQuery[k] ?? []), v];
      query[k] = v;
    }
    const hasQuery = Object.keys(query).length > 0;

    const bytes = new Uint8Array(await request.arrayBuffer());
    const binaryBody = matchesMediaType(request.headers.get('content-type'), settings.binaryMediaTypes);
    const body =
      bytes.length === 0
        ? null
        : binaryBody
          ? Buffer.from(bytes).toString('base64')
          : // Without a binary media type the body travels as UTF-8 text.
            Buffer.from(bytes).toString('utf8');

    const isRoot = rawPath === '/' || rawPath === '';
    const resource = isRoot ? '/' : '/{proxy+}';
    const requestId = randomUUID();
    const now = new Date();
    return {
      resource,
      path: rawPath,
      httpMethod: request.method,
      headers,
      multiValueHeaders,
      queryStringParameters: hasQuery ? query : null,
      multiValueQueryStringParameters: hasQuery ? multiQuery : null,
      pathParameters: isRoot ? null : { proxy: safeDecode(rawPath.slice(1)) },
      stageVariables: null,
      body,
      isBase64Encoded: body !== null && binaryBody,
      requestContext: {
        resourceId: 'a1b2c3',
        resourcePath: resource,
        httpMethod: request.method,
        extendedRequestId: `${randomUUID().slice(0, 14)}=`,
        requestTime: now.toUTCString(),
        path: `/${settings.stageName}${rawPath}`,
        accountId: settings.accountId,
        protocol: 'HTTP/1.1',
        stage: settings.stageName,
        domainPrefix: settings.host.split('.')[0]!,
        requestTimeEpoch: now.getTime(),
        requestId,
        identity: {
          cognitoIdentityPoolId: null,
          accountId: null,
          cognitoIdentityId: null,
          caller: null,
          sourceIp: settings.sourceIp,
          principalOrgId: null,
          accessKey: null,
          cognitoAuthenticationType: null,
          cognitoAuthenticationProvider: null,
          userArn: null,
          userAgent: request.headers.get('user-agent'),
          user: null,
          apiKey: null,
          apiKeyId: null,
          clientCert: null,
        },
        domainName: settings.host,
        apiId: settings.host.split('.')[0]!,
        authorizer: undefined,
      },
    } as APIGatewayProxyEvent;
  }

  function toResponse(result: APIGatewayProxyResult, request: Request, requestId: string): Response {
    if (
      !result ||
      typeof result.statusCode !== 'number' ||
      (result.body !== undefined && result.body !== null && typeof result.body !== 'string')
    )
      return bad();
    // headers and multiValueHeaders are merged; for a name in both, only the multi values remain.
    const merged = new Map<string, string[]>();
    for (const [name, value] of Object.entries(result.headers ?? {}))
      merged.set(name.toLowerCase(), [String(value)]);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
      merged.set(name.toLowerCase(), (values ?? []).map(String));
    const headers = new Headers();
    for (const [name, values] of merged) {
      if (DROPPED_RESPONSE_HEADERS.has(name)) continue;
      const target = REMAPPED_RESPONSE_HEADERS.has(name) ? `x-amzn-Remapped-${name}` : name;
      for (const value of values) headers.append(target, value);
    }
    headers.set('x-amzn-RequestId', requestId);
    headers.set('x-amz-apigw-id', 'harness=');
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');

    const text = result.body ?? '';
    // A base64 body is decoded only when the API has a binary media type matching the caller's
    // Accept; otherwise the client gets the base64 text itself.
    const decode =
      result.isBase64Encoded === true &&
      matchesMediaType(request.headers.get('accept'), settings.binaryMediaTypes);
    const payload = decode ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    if (payload.length > MAX_RESPONSE_BYTES) return bad();
    const status = result.statusCode;
    const nullBody = status === 204 || status === 304 || request.method === 'HEAD';
    return new Response(nullBody ? null : payload, { status, headers });
  }

  return {
    events,
    results,
    /** `init.headers` as `[name, value][]` sends a header more than once, as a client can. */
    async fetch(input: string | URL, init?: RequestInit): Promise<Response> {
      const request = new Request(new URL(String(input), `https://${settings.host}`), init);
      const rawHeaders: [string, string][] = Array.isArray(init?.headers)
        ? (init.headers as [string, string][]).map(([k, v]) => [k.toLowerCase(), v])
        : [...request.headers];
      const event = await toEvent(request, rawHeaders);
      events.push(event);
      let result: APIGatewayProxyResult;
      try {
        result = await handler(event, lambdaContext(event.requestContext.requestId));
      } catch {
        // An invocation error (the function threw) is a 502 from API Gateway.
        return bad();
      }
      results.push(result);
      return toResponse(result, request, event.requestContext.requestId);
    },
  };
}

function safeDecode(text: string) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The Lambda context a function gets; the fields are what the runtime fills in. */
export function lambdaContext(
  awsRequestId: string = randomUUID(),
  functionName = 'agenticai-dev-api',
): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '7',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}:live`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/23/[7]0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
