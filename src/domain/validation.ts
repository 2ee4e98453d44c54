import type { ZodError } from 'zod';
import { z } from 'zod';
import { badInput } from '../errors.js';
import { normalizeWhitespace } from './text.js';

type Issue = ZodError['issues'][number];

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
};

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : (TYPE_NAMES[typeof value] ?? typeof value));

/**
 * A zod issue in words a person reads. Our rules carry their own messages; zod's defaults
 * ("Invalid input: expected string, received undefined") are for programmers.
 */
export function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_type') {
    const received = 'input' in issue ? issue.input : /received (\w+)/.exec(issue.message)?.[1];
    if (received === undefined || received === 'undefined') return 'is required';
    const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
    return `must be ${expected}${'input' in issue ? `, not ${kindOf(issue.input)}` : ''}`;
  }
  if (issue.code === 'unrecognized_keys') return `has fields this API does not know: ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  return issue.message;
}

/** `"field": what is wrong`, for the first zod issue. */
export function describeIssue(issue: Issue): { message: string; field: string | undefined } {
  const field = issue.path.map(String).join('.') || undefined;
  return { message: field ? `"${field}": ${issueMessage(issue)}` : issueMessage(issue), field };
}

/** The first zod issue as a BAD_USER_INPUT naming its field ("input.statements.2.text"). */
export function zodInputError(error: ZodError) {
  const issue = error.issues[0];
  if (!issue) return badInput('Invalid input.');
  const { message, field } = describeIssue(issue);
  return badInput(message, field);
}

/** The most aliases a person holds, however they got them (input, merges). */
export const MAX_ALIASES = 50;

// Shared field rules for the mutation inputs.
export const rules = {
  name: z.string().transform(normalizeWhitespace).pipe(z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters')),
  shortText: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  optionalShortText: z.string().trim().max(500, 'must be at most 500 characters'),
  description: z.string().trim().max(2_000, 'must be at most 2000 characters'),
  statementText: z.string().trim().min(1, 'must not be empty').max(10_000, 'must be at most 10000 characters'),
  body: z.string().min(1, 'must not be empty').max(1_000_000, 'must be at most 1000000 characters'),
  url: z
    .string()
    .trim()
    .max(2_000, 'must be at most 2000 characters')
    .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL'),
  aliases: z.array(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters')).max(MAX_ALIASES, `at most ${MAX_ALIASES} aliases`),
};

/** End not before start, for anything with optional start/end dates. */
export function datesOrdered(value: { startDate?: Date | null; endDate?: Date | null }) {
  return !(value.startDate && value.endDate && value.endDate < value.startDate);
}
