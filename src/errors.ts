import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values: frontends branch on these, so never rename one. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE' | 'CURSOR_EXPIRED';

export function userError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const badInput = (message: string, field?: string) => userError('BAD_USER_INPUT', message, field ? { field } : {});
