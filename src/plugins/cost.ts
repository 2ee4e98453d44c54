import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
  type ValueNode,
  GraphQLError,
  Kind,
  Lexer,
  Source,
  type Token,
  TokenKind,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  print,
  typeFromAST,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../read/pagination.js';

const EXTRACT_CHARACTERS_PER_COST = 5;

/** The operation a request runs (the named one, else the first) and the document's fragments by name. */
function operationAndFragments(
  document: DocumentNode,
  operationName: string | null | undefined,
): { operation: OperationDefinitionNode | undefined; fragments: Map<string, FragmentDefinitionNode> } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) {
      operation ??= definition;
    }
  }
  return { operation, fragments };
}

/**
 * An upper bound on the values an operation can return: every field counts 1, and a list field
 * multiplies what it selects by the number of items it may return (`first`/`last`, the default
 * page size for a connection, or the number of `ids`). GraphQL Armor's cost limit cannot read
 * arguments, so `people(first: 100) { statements(first: 100) ... }` would look as cheap as
 * `first: 1`; this is the one limit we compute ourselves.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number {
  const { operation, fragments } = operationAndFragments(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const valueOfNode = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.LIST) return node.values;
    return undefined;
  };

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? typeFromAST(schema, selection.typeCondition) : parent;
        total += selectionCost(selection.selectionSet, isCompositeType(condition) ? condition : parent, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // validation rejects cycles; never loop here
        const condition = typeFromAST(schema, fragment.typeCondition);
        total += selectionCost(fragment.selectionSet, isCompositeType(condition) ? condition : parent, new Set([...visiting, name]));
      }
    }
    return total;
  };

  const fieldCost = (field: FieldNode, parent: GraphQLCompositeType, visiting: Set<string>): number => {
    if (!field.selectionSet) return 1;
    const definition = 'getFields' in parent ? parent.getFields()[field.name.value] : undefined;
    const introspection = field.name.value === '__schema' || field.name.value === '__type';
    const type = definition?.type ?? (introspection ? schema.getType(field.name.value === '__schema' ? '__Schema' : '__Type') : undefined);
    const named = type ? getNamedType(type) : undefined;
    const childCost = isCompositeType(named) ? selectionCost(field.selectionSet, named, visiting) : 0;
    return 1 + listSize(field, type, parent) * childCost + (parent === schema.getQueryType() ? extractionCost(field) : 0);
  };

  // An extraction costs by its body: 200,000 characters cost 40,000, so a request extracts about
  // 250,000 characters at most, however many aliases of `extract` it holds.
  const extractionCost = (field: FieldNode): number => {
    if (field.name.value !== 'extract') return 0;
    const input = field.arguments?.find((arg) => arg.name.value === 'input')?.value;
    let body: unknown;
    if (input?.kind === Kind.VARIABLE) body = (valueOfNode(input) as { body?: unknown } | undefined)?.body;
    else if (input?.kind === Kind.OBJECT) {
      const node = input.fields.find((f) => f.name.value === 'body')?.value;
      body = node?.kind === Kind.STRING ? node.value : node ? valueOfNode(node) : undefined;
    }
    return typeof body === 'string' ? Math.ceil(body.length / EXTRACT_CHARACTERS_PER_COST) : 0;
  };

  const listSize = (field: FieldNode, type: GraphQLType | undefined, parent: GraphQLCompositeType): number => {
    // A connection's size is counted once, on the connection field, not again on its `edges`;
    // the schema itself is small and finite, so introspection lists count once too.
    if (/Connection$/.test(parent.name) || parent.name.startsWith('__')) return 1;
    const args = new Map(field.arguments?.map((arg) => [arg.name.value, valueOfNode(arg.value)]) ?? []);
    for (const name of ['first', 'last']) {
      const value = args.get(name);
      // Out-of-range sizes are refused by the resolver; until then they cost what a page can hold.
      if (typeof value === 'number' && Number.isInteger(value)) return Math.min(Math.max(0, value), MAX_PAGE_SIZE);
    }
    const ids = args.get('ids');
    if (Array.isArray(ids)) return ids.length;
    const named = type ? getNamedType(type as GraphQLType) : undefined;
    if (named && /Connection$/.test(String(named))) return DEFAULT_PAGE_SIZE;
    const listed = isNonNullType(type) ? type.ofType : type;
    return isListType(listed) ? DEFAULT_PAGE_SIZE : 1;
  };

  return selectionCost(operation.selectionSet, root, new Set());
}

/** `spentBefore`: what the earlier operations of the same batch cost. */
export function costError(cost: number, maxCost: number, spentBefore = 0): GraphQLError {
  const message =
    spentBefore > 0
      ? `Query cost limit of ${maxCost} exceeded: this operation costs ${cost} and the batch's earlier operations ${spentBefore}.`
      : `Query cost limit of ${maxCost} exceeded, found ${cost}.`;
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost', http: { status: 400 } },
  });
}

/**
 * What an operation spends of the limits a JSON batch shares, counted as GraphQL Armor's rules
 * count one operation: aliases (but `__typename`'s) and directives of the operation with its
 * fragments' at every spread, and the document's lexical tokens (comments and the end not
 * counted). Depth is no sum: each operation nests only as deep as itself.
 */
export interface BatchSpend {
  aliases: number;
  directives: number;
  tokens: number;
}

const spendOfDocument = new WeakMap<DocumentNode, Map<string, BatchSpend>>();

export function operationSpend(document: DocumentNode, operationName: string | null | undefined): BatchSpend {
  let byOperation = spendOfDocument.get(document);
  if (!byOperation) spendOfDocument.set(document, (byOperation = new Map()));
  const key = operationName ?? '';
  let spend = byOperation.get(key);
  if (!spend) byOperation.set(key, (spend = countSpend(document, operationName)));
  return spend;
}

function countSpend(document: DocumentNode, operationName: string | null | undefined): BatchSpend {
  const { operation, fragments } = operationAndFragments(document, operationName);
  let aliases = 0;
  let directives = operation?.directives?.length ?? 0;
  const visit = (selectionSet: SelectionSetNode, visiting: Set<string>) => {
    for (const selection of selectionSet.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias && selection.alias.value !== '__typename' && selection.name.value !== '__typename') aliases++;
        if (selection.selectionSet) visit(selection.selectionSet, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, visiting);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue; // validation rejects cycles
        directives += fragment.directives?.length ?? 0;
        visit(fragment.selectionSet, new Set([...visiting, fragment.name.value]));
      }
    }
  };
  if (operation) visit(operation.selectionSet, new Set());
  return { aliases, directives, tokens: documentTokens(document) };
}

/** The parser's token count, read off the document's token list (or, without one, its printed text). */
function documentTokens(document: DocumentNode): number {
  let tokens = 0;
  let token: Token | null | undefined = document.loc?.startToken;
  if (!token) {
    const lexer = new Lexer(new Source(print(document)));
    while (lexer.advance().kind !== TokenKind.EOF) tokens++;
    return tokens;
  }
  for (; token; token = token.next) {
    if (token.kind !== TokenKind.SOF && token.kind !== TokenKind.EOF && token.kind !== TokenKind.COMMENT) tokens++;
  }
  return tokens;
}

const LIMIT_WORDS: Record<keyof BatchSpend, string> = { aliases: 'Aliases', directives: 'Directives', tokens: 'Token' };

/** A batch-wide limit the operations of one request together exceed. */
export function batchLimitError(limit: keyof BatchSpend, max: number, spent: number, spentBefore: number): GraphQLError {
  return new GraphQLError(
    `${LIMIT_WORDS[limit]} limit of ${max} exceeded by the batch: this operation has ${spent} ${limit} and the batch's earlier operations ${spentBefore}. Send the operations in separate requests.`,
    { extensions: { code: 'QUERY_TOO_COMPLEX', limit, http: { status: 400 } } },
  );
}
