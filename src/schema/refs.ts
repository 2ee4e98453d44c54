// The object refs, declared apart from their fields so the type files can point at each other.
import { brandWithType, getTypeBrand } from '@pothos/core';
import { builder } from '../builder.js';
import type { EventRow, PersonRow } from '../db/schema.js';
import type { ArticleNode, QuotationNode, StatementNode } from '../read/loaders.js';

export const Article = builder.objectRef<ArticleNode>('Article');
export const Person = builder.objectRef<PersonRow>('Person');
export const Statement = builder.objectRef<StatementNode>('Statement');
export const Event = builder.objectRef<EventRow>('Event');
export const Quotation = builder.objectRef<QuotationNode>('Quotation');

export const StatementKind = builder.enumType('StatementKind', {
  values: {
    DIRECT_QUOTE: { description: "The speaker's own words, quoted whole." },
    PARTIAL_QUOTE: { description: "A quoted fragment inside the reporter's sentence." },
    PARAPHRASE: { description: "Reported speech, in the reporter's words." },
  } as const,
});

// Connections that appear in several places share one named type each.
export const ArticleConnection = builder.connectionObject({ type: Article, name: 'ArticleConnection' });
export const PersonConnection = builder.connectionObject({ type: Person, name: 'PersonConnection' });
export const StatementConnection = builder.connectionObject({ type: Statement, name: 'StatementConnection' });
export const EventConnection = builder.connectionObject({ type: Event, name: 'EventConnection' });

/**
 * Loads rows for `node`/`nodes`, branded with their type so the Node interface can tell an
 * Article row from a Person row.
 */
export async function loadNodes<T extends object>(
  ids: string[],
  loader: { load(id: number): Promise<T | null> },
  type: typeof Article | typeof Person | typeof Statement | typeof Event | typeof Quotation,
): Promise<(T | null)[]> {
  const rows = await Promise.all(ids.map((id) => loader.load(Number(id))));
  for (const row of rows) if (row && !getTypeBrand(row)) brandWithType(row, type);
  return rows;
}
