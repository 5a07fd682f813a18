import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { pageSizeOf } from '../gmail/messages-query';
import type { GmailQuotaCosts } from './gmail-costs';

// What an operation will ask of Gmail, read from the document as the executor will run it: variables coerced,
// argument defaults applied, fragments and inline fragments expanded, @skip/@include honoured, fields merged by
// response key (so every alias counts). The cap and the budget's reservation both come from here.

/** At most this many messages across all `messages` fields of one operation: one full page. */
export const MAX_MESSAGES_PER_OPERATION = 100;

export interface GmailPlan {
  /** Messages asked for, summed over every `messages` field (by `first`). */
  readonly messages: number;
  readonly calls: { readonly 'messages.list': number; readonly 'messages.get': number };
  /** Upper bound of the units the operation spends, at `costs`. */
  readonly units: number;
}

/** Message fields that `messages.list` answers alone; any other needs the message's metadata (`messages.get`). */
const LISTED_FIELDS = new Set(['id', 'threadId', '__typename']);

/**
 * The plan of `operation`, or null when its variables do not coerce (execution then refuses it before any
 * resolver runs). Upper bounds: a page after a cursor may need a second list call to skip to its start; metadata
 * served from cache is never called for (the settlement gives those units back).
 */
export function planGmailCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | undefined,
  costs: GmailQuotaCosts,
): GmailPlan | null {
  const queryType = schema.getQueryType();
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors !== undefined) return null;
  const variables = coerced.coerced;
  let messages = 0;
  let lists = 0;
  let gets = 0;
  if (operation.operation === OperationTypeNode.QUERY && queryType) {
    const fragments = fragmentsOf(document);
    const messagesField = queryType.getFields()['messages'];
    for (const nodes of collectFields(
      schema,
      fragments,
      variables,
      queryType,
      operation.selectionSet,
    ).values()) {
      const [first] = nodes;
      if (messagesField === undefined || first === undefined || first.name.value !== 'messages') continue;
      const args = getArgumentValues(messagesField, first, variables);
      const size = pageSize(args['first']);
      if (size === 0) continue;
      messages += size;
      lists += args['after'] == null ? 1 : 2;
      const connection = getNamedType(messagesField.type);
      if (isObjectType(connection) && selectsMetadata(schema, fragments, variables, connection, nodes)) {
        gets += size;
      }
    }
  }
  return {
    messages,
    calls: { 'messages.list': lists, 'messages.get': gets },
    units: lists * costs['messages.list'] + gets * costs['messages.get'],
  };
}

/** Whether `edges { node { … } }` under these connection fields selects a field the list does not answer. */
function selectsMetadata(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  connection: GraphQLObjectType,
  connectionNodes: readonly FieldNode[],
): boolean {
  const step = (type: GraphQLObjectType, nodes: readonly FieldNode[], name: string) => {
    const field = type.getFields()[name];
    const next = field === undefined ? undefined : getNamedType(field.type);
    if (next === undefined || !isObjectType(next)) return [];
    const found: { type: GraphQLObjectType; nodes: readonly FieldNode[] }[] = [];
    for (const sub of collectSubfields(schema, fragments, variables, type, nodes).values()) {
      if (sub[0]?.name.value === name) found.push({ type: next, nodes: sub });
    }
    return found;
  };
  for (const edges of step(connection, connectionNodes, 'edges')) {
    for (const node of step(edges.type, edges.nodes, 'node')) {
      for (const fields of collectSubfields(schema, fragments, variables, node.type, node.nodes).values()) {
        const name = fields[0]?.name.value;
        if (name !== undefined && !LISTED_FIELDS.has(name)) return true;
      }
    }
  }
  return false;
}

/** The page size the resolver will use (the same rule), or 0 when it refuses `first` before any Gmail call. */
function pageSize(first: unknown): number {
  if (first != null && typeof first !== 'number') return 0;
  try {
    return pageSizeOf({ first });
  } catch {
    return 0;
  }
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments = Object.create(null) as Record<string, FragmentDefinitionNode>;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}
