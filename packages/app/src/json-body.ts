import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import secureJson from 'secure-json-parse';
import { HttpError } from './http-error';

/** The variable a `jsonBody` route reads its parsed body from: `c.get('body')`. */
export interface JsonBodyVariables {
  body: unknown;
}

function mediaType(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}

/**
 * Middleware that parses the request body as JSON into `c.get('body')`, in the order a caller's mistakes are
 * best reported: a body that is not JSON by its content-type (415), then one over `limitBytes` (413, checked
 * against content-length before anything is read and counted while reading a chunked body — hono's
 * `bodyLimit`), then one that does not parse (400). `__proto__` and `constructor.prototype` keys are refused
 * (secure-json-parse), as they would be by any JSON endpoint that merges input into objects. A request with
 * neither a content-type nor a body leaves the body `undefined`, for the route to say what it expected.
 */
export function jsonBody(limitBytes: number): MiddlewareHandler<{ Variables: JsonBodyVariables }> {
  const limit = bodyLimit({
    maxSize: limitBytes,
    onError: () => tooLarge(limitBytes),
  });
  return async (c, next) => {
    const contentType = c.req.header('content-type');
    if (contentType === undefined && !hasBody(c)) {
      c.set('body', undefined);
      return next();
    }
    if (contentType === undefined || mediaType(contentType) !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type', `content-type ${contentType ?? 'none'} is not accepted; send the body as JSON with content-type: application/json`);
    }
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      // The common case, answered as bodyLimit would, but read through the adapter's direct path: bodyLimit
      // reads every body through a web stream, which halves the rate of small requests. node's parser never
      // reads past content-length.
      if (Number(length) > limitBytes) tooLarge(limitBytes);
      c.set('body', await parse(c));
      return next();
    }
    return limit(c, async () => {
      c.set('body', await parse(c));
      await next();
    });
  };
}

function tooLarge(limitBytes: number): never {
  throw new HttpError(413, 'body_too_large', `request body is larger than ${limitBytes} bytes (QRAFT_HTTP_BODY_LIMIT_BYTES); send fewer events per request`);
}

function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  return c.req.header('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

async function parse(c: Context): Promise<unknown> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `request body could not be read (${(error as Error).message}); send it again`);
  }
  if (text.length === 0) throw new HttpError(400, 'invalid_json', "request body is not valid JSON: Body cannot be empty when content-type is set to 'application/json'");
  try {
    return secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' }) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
