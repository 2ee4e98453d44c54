import { builder } from '../builder.js';
import { quotations } from '../db/schema.js';
import type { QuotationNode } from '../read/loaders.js';
import { filterId } from '../domain/global-id.js';
import { quotationList } from '../read/lists.js';
import { Person, Quotation, Statement, StatementConnection, loadNodes } from './refs.js';
import { relationConnection, requiredToOneField, rootListConnection, toOneField } from './reads.js';
import { readsTable } from '../read/fields.js';

builder.node(Quotation, {
  description:
    'The words one person said, once, however many articles report them: reports with the same speaker and the same words (ignoring case, punctuation, quote marks and spacing) are one quotation.',
  id: { resolve: (quotation) => quotation.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.quotation, Quotation),
  ...readsTable(quotations),
  fields: (t) => ({
    text: t.exposeString('text', { description: 'The words, as the first report gives them.' }),
    speaker: t.field({ type: Person, ...requiredToOneField('quotationSpeaker') }),
    firstReportedAt: t.expose('firstReportedAt', { type: 'DateTime', description: 'When the earliest report says it was said.' }),
    occurrenceCount: t.exposeInt('occurrenceCount', { description: 'How many statements (reports) carry it.' }),
    occurrences: t.connection(
      {
        type: Statement,
        description: 'The statements reporting it, each in its own article with its own span; newest first.',
        ...relationConnection('quotationOccurrences'),
      },
      StatementConnection,
    ),
  }),
});

const QuotationFilter = builder.inputType('QuotationFilter', {
  fields: (t) => ({
    speakerId: t.id({ description: "Only this person's quotations." }),
    search: t.string({ description: 'PostgreSQL full-text search (web-search syntax) on the words.' }),
    reportedAfter: t.field({ type: 'DateTime', description: 'First reported at or after this time.' }),
    minOccurrences: t.int({ description: 'At least this many reports (1 or more).' }),
  }),
});

/** The quotations a filter selects, its speaker ID decoded (a wrong one is an error naming its path). */
function quotationsMatching(f: typeof QuotationFilter.$inferInput | null | undefined) {
  return quotationList({ ...f, speakerId: filterId(f?.speakerId, 'Person', 'filter.speakerId') });
}

builder.queryField('quotations', (t) =>
  t.connection({
    type: Quotation,
    description: 'Quotations, first reported newest first.',
    args: { filter: t.arg({ type: QuotationFilter }) },
    ...rootListConnection<QuotationNode>()(quotationsMatching),
  }),
);

builder.objectField(Statement, 'quotation', (t) =>
  t.field({
    type: Quotation,
    nullable: true,
    description: 'The quotation this statement reports, shared with every other report of the same words by the same speaker.',
    ...toOneField('statementQuotation'),
  }),
);
