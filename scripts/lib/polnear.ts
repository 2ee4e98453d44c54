// Reads a PolNeAR-format directory (text/, attributions/*.ann in BRAT standoff, metadata.tsv) for
// training and scoring the extractor. The data stays in ../shared: nothing of it enters the repository.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GoldAttribution as TrainingAttribution } from '../../src/extract/train-tagger.js';
import type { TextSpan } from '../../src/extract/types.js';

export interface GoldSpan {
  id: string;
  type: string;
  start: number;
  end: number;
  segments: TextSpan[];
}

export interface GoldAttribution {
  content: GoldSpan;
  source: GoldSpan | null;
  cue: GoldSpan | null;
}

export interface Article {
  name: string;
  body: string;
  publishedAt: Date | null;
  source: string | null;
  headline: string | null;
  /** one list per annotator file */
  annotations: GoldAttribution[][];
}

export function parseAnnotations(text: string): GoldAttribution[] {
  const spans = new Map<string, GoldSpan>();
  const relations: string[][] = [];
  for (const line of text.split('\n')) {
    const columns = line.split('\t');
    const id = columns[0] ?? '';
    if (id.startsWith('T') && columns[1] !== undefined) {
      const [type = '', ...rest] = columns[1].split(' ');
      const segments = rest
        .join(' ')
        .split(';')
        .map((segment) => segment.trim().split(/\s+/).map(Number))
        .map(([start = 0, end = 0]) => ({ start, end }));
      // Segments are not always listed in text order ("300 340;120 160", a quote told after its second half): the span runs from the
      // earliest start to the latest end.
      const start = Math.min(...segments.map((segment) => segment.start));
      const end = Math.max(...segments.map((segment) => segment.end));
      spans.set(id, { id, type, start, end, segments });
    } else if (id.startsWith('E') && columns[1] !== undefined) {
      relations.push(columns[1].trim().split(/\s+/));
    }
  }
  const attributions: GoldAttribution[] = [];
  for (const roles of relations) {
    const byRole = new Map(roles.map((role) => role.split(':') as [string, string]));
    const content = spans.get(byRole.get('Content') ?? '');
    if (content === undefined) continue;
    const source = spans.get(byRole.get('Source') ?? '') ?? null;
    const cue = spans.get(byRole.get('Cue') ?? '') ?? null;
    attributions.push({ content, source, cue });
  }
  return attributions;
}

function readMetadata(dir: string): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  const path = join(dir, 'metadata.tsv');
  if (!existsSync(path)) return rows;
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n');
  const columns = (header ?? '').split('\t');
  for (const line of lines) {
    if (line.trim() === '') continue;
    const values = line.split('\t');
    const row: Record<string, string> = {};
    columns.forEach((column, index) => (row[column] = values[index] ?? ''));
    if (row.filename) rows.set(row.filename, row);
  }
  return rows;
}

/** The annotated articles of a directory, in name order. */
export function loadArticles(dir: string): Article[] {
  const metadata = readMetadata(dir);
  const annotationFiles = readdirSync(join(dir, 'attributions')).filter((file) => file.endsWith('.ann'));
  return readdirSync(join(dir, 'text'))
    .filter((file) => file.endsWith('.txt'))
    .sort()
    .map((file) => {
      const name = basename(file, '.txt');
      const row = metadata.get(name);
      const annotations = annotationFiles
        .filter((annotationFile) => annotationFile.replace(/_[^_]+\.ann$/, '') === name)
        .sort()
        .map((annotationFile) => parseAnnotations(readFileSync(join(dir, 'attributions', annotationFile), 'utf8')));
      return {
        name,
        body: readFileSync(join(dir, 'text', file), 'utf8'),
        publishedAt: row?.publication_date ? new Date(`${row.publication_date}T12:00:00Z`) : null,
        source: row?.publisher ?? null,
        headline: row?.title ?? null,
        annotations,
      };
    })
    .filter((article) => article.annotations.length > 0);
}

/** The publisher of an article, from its file name ("wash-post_2016-…"). */
export function publisherOf(article: Article): string {
  return article.source ?? article.name.split('_')[0] ?? 'unknown';
}

/** Training input: the first annotator file of each article (deterministic). */
export function trainingArticles(articles: readonly Article[]): { body: string; attributions: TrainingAttribution[] }[] {
  return articles.map((article) => ({
    body: article.body,
    attributions: (article.annotations[0] ?? []).map((attribution) => ({
      content: attribution.content.segments,
      cue: attribution.cue?.segments ?? [],
      source: attribution.source?.segments ?? [],
    })),
  }));
}
