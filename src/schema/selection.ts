import {
  getNamedType,
  isObjectType,
  OperationTypeNode,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';

// Which fields of which types an operation selects, read as the executor will run it (fragments expanded,
// @skip/@include honoured). Both the quota plan and the resolvers deciding what to fetch read it, so that the
// plan and the fetch agree on what a selection costs.

/** Field names selected, by the GraphQL name of the object type they are selected on. */
export type SelectedFields = ReadonlyMap<string, ReadonlySet<string>>;

export interface SelectionScope {
  readonly schema: GraphQLSchema;
  readonly fragments: Record<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
}

/** Every field selected under `nodes` (fields of `type`), at any depth, by the type it is selected on. */
export function selectedFieldsUnder(
  scope: SelectionScope,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  into: Map<string, Set<string>> = new Map(),
): Map<string, Set<string>> {
  for (const [, sub] of collectSubfields(scope.schema, scope.fragments, scope.variables, type, nodes)) {
    const name = sub[0]?.name.value;
    if (name === undefined) continue;
    let names = into.get(type.name);
    if (names === undefined) into.set(type.name, (names = new Set()));
    names.add(name);
    const field = type.getFields()[name];
    const next = field === undefined ? undefined : getNamedType(field.type);
    if (next !== undefined && isObjectType(next)) selectedFieldsUnder(scope, next, sub, into);
  }
  return into;
}

/** Whether any field of `typeName` other than `except` is selected. */
export function selectsBeyond(
  fields: SelectedFields,
  typeName: string,
  except: ReadonlySet<string>,
): boolean {
  return [...(fields.get(typeName) ?? [])].some((name) => !except.has(name));
}

/** Every field the operation selects, at any depth, by the type it is selected on. */
export function selectedFieldsOfOperation(
  scope: SelectionScope,
  operation: OperationDefinitionNode,
): Map<string, Set<string>> {
  const into = new Map<string, Set<string>>();
  const root = operationRootType(scope.schema, operation);
  if (root === undefined) return into;
  const names = new Set<string>();
  into.set(root.name, names);
  for (const [name, nodes] of collectFields(
    scope.schema,
    scope.fragments,
    scope.variables,
    root,
    operation.selectionSet,
  )) {
    names.add(nodes[0]?.name.value ?? name);
    const field = root.getFields()[nodes[0]?.name.value ?? name];
    const next = field === undefined ? undefined : getNamedType(field.type);
    if (next !== undefined && isObjectType(next)) selectedFieldsUnder(scope, next, nodes, into);
  }
  return into;
}

function operationRootType(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
): GraphQLObjectType | undefined {
  switch (operation.operation) {
    case OperationTypeNode.QUERY:
      return schema.getQueryType() ?? undefined;
    case OperationTypeNode.MUTATION:
      return schema.getMutationType() ?? undefined;
    case OperationTypeNode.SUBSCRIPTION:
      return schema.getSubscriptionType() ?? undefined;
  }
}
