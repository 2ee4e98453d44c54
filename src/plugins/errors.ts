import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { maskError as defaultMaskError } from 'graphql-yoga';
import { isConnectionFailure } from '../db/replicas.js';
import { userError } from '../errors.js';

/** The error and everything it wraps (drizzle wraps driver errors in `cause`, graphql in `originalError`). */
function* errorChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current = error;
  while (current != null && !seen.has(current)) {
    seen.add(current);
    yield current;
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
}

export type DatabaseFault = 'unavailable' | 'timeout' | 'bad_value';

/**
 * What a database error means for the client. SQLSTATE classes: 08 connection exception,
 * 57P0x shutdown / starting up, 53 out of resources, 57014 our statement timeout,
 * 22 data exception and 54 program limit (a value that reached SQL but PostgreSQL refuses).
 */
export function classifyDatabaseError(error: unknown): DatabaseFault | undefined {
  for (const link of errorChain(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (isConnectionFailure({ code }) || code.startsWith('53')) return 'unavailable';
    if (code === '57014') return 'timeout';
    if (code.startsWith('22') || code.startsWith('54')) return 'bad_value';
  }
  return undefined;
}

export function serviceUnavailable(message = 'The database is unavailable; try again shortly.'): GraphQLError {
  return userError('SERVICE_UNAVAILABLE', message, { http: { status: 503, headers: { 'retry-after': '1' } } });
}

/**
 * Expected failures become stable codes; everything else is masked by yoga (the original is
 * logged with the request id, see logging.ts).
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  // Input errors raised inside Pothos plugins (IDs of the wrong type, ...) are the client's fault.
  if (original instanceof PothosValidationError) {
    return new GraphQLError(original.message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const fault = classifyDatabaseError(error);
  const path = error instanceof GraphQLError ? error.path : undefined;
  if (fault === 'unavailable') return withPath(serviceUnavailable(), path);
  if (fault === 'timeout') return withPath(serviceUnavailable('The query took too long and was cancelled.'), path);
  if (fault === 'bad_value') return withPath(userError('BAD_USER_INPUT', 'A value in the request is out of range or malformed.'), path);
  return defaultMaskError(error, message, isDev);
}

function withPath(error: GraphQLError, path: readonly (string | number)[] | undefined): GraphQLError {
  return path ? new GraphQLError(error.message, { path, extensions: error.extensions }) : error;
}
