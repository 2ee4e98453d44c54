import { BREAK, type DocumentNode, visit } from 'graphql';

const seen = new WeakMap<DocumentNode, boolean>();

/**
 * True when the document asks for incremental delivery (`@defer` / `@stream`): the answer is a
 * stream of patches, which only graphql-js's executor (with the defer-stream plugin) produces.
 * Compilers that build one whole answer (graphql-jit, the SQL reads) must leave such operations alone.
 */
export function usesIncrementalDelivery(document: DocumentNode): boolean {
  let found = seen.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Directive(node) {
        if (node.name.value === 'defer' || node.name.value === 'stream') {
          found = true;
          return BREAK;
        }
      },
    });
    seen.set(document, found);
  }
  return found;
}
