// The compiled reads cover most of the read schema; what they do not is answered by the executor.
// A field compiles when it declares what it reads (src/read/fields.ts: a type's table makes its
// exposed fields columns; relations, to-one rows and lists declare themselves). The fields without
// a declaration are written out here, so adding one is a visible choice (declare it, or list it)
// rather than a silent fall back to the slow path.
import { type GraphQLField, type GraphQLNamedType, getNamedType, isLeafType, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../src/read/compiled.js';
import { fieldRead } from '../src/read/fields.js';
import { schema } from '../src/schema/index.js';

/** Fields only the executor answers, as `Type.field`. */
const EXECUTOR_ONLY = ['Person.firstSeenAt', 'Person.mentionCount', 'Query.extract', 'Query.nodes'];

/** The types `node` compiles for: the Node types backed by a table. */
const NODE_TYPES = ['Article', 'Person', 'Statement', 'Event', 'Quotation'];

/** A selection for a value of `type`: the leaf itself, an object's `__typename`, a connection's nodes. */
function selectionFor(type: GraphQLNamedType): string {
  if (isLeafType(type)) return '';
  if (!isObjectType(type)) return ' { __typename }';
  const fields = type.getFields();
  if (fields.edges) return ' { edges { node { __typename } } }';
  return ' { __typename }';
}

/** `field(arg: $v)` with a variable for each required argument, and the variables' definitions. */
function fieldText(field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((arg) => arg.type.toString().endsWith('!') && arg.defaultValue === undefined);
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const definitions = required.map((arg) => `$${arg.name}: ${arg.type.toString()}`);
  return { text: `${field.name}${args ? `(${args})` : ''}${selectionFor(getNamedType(field.type))}`, definitions };
}

function compiles(typeName: string, field: GraphQLField<unknown, unknown>): boolean {
  const { text, definitions } = fieldText(field);
  const query =
    typeName === 'Query'
      ? `query${definitions.length ? `(${definitions.join(', ')})` : ''} { ${text} }`
      : `query($nodeId: ID!${definitions.map((d) => `, ${d}`).join('')}) { node(id: $nodeId) { ... on ${typeName} { ${text} } } }`;
  const document = parse(query);
  const operation = document.definitions[0]!;
  if (operation.kind !== 'OperationDefinition') throw new Error('not an operation');
  return compileQuery(schema, document, operation) !== null;
}

/** Every field of the root and of the Node types, as [type name, field]. */
function readFields() {
  return ['Query', ...NODE_TYPES].flatMap((typeName) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    return Object.values(type.getFields()).map((field) => [type, field] as const);
  });
}

describe('fields the compiled reads leave to the executor', () => {
  it('are the fields without a declaration', () => {
    // Relay's `node` is the compiler's own: it answers it for every Node type with a table.
    const undeclared = readFields()
      .filter(([type, field]) => !(type.name === 'Query' && field.name === 'node') && fieldRead(type, field) === undefined)
      .map(([type, field]) => `${type.name}.${field.name}`);
    expect(undeclared.sort()).toEqual([...EXECUTOR_ONLY].sort());
  });

  it('are exactly the listed ones, and every other field compiles', () => {
    const executorOnly: string[] = [];
    for (const typeName of ['Query', ...NODE_TYPES]) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!compiles(typeName, field)) executorOnly.push(`${typeName}.${field.name}`);
      }
    }
    expect(executorOnly.sort()).toEqual([...EXECUTOR_ONLY].sort());
  });
});
