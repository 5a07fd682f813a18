import type { GraphQLResolveInfo, OperationDefinitionNode } from 'graphql';
import { messageFetchFor, type MessageFetch } from '../gmail/message-fetch';
import { selectedFieldsOfOperation } from '../schema/selection';

/** The operation's fetch, computed once per operation (every resolver of a request sees the same one). */
const fetches = new WeakMap<OperationDefinitionNode, WeakMap<object, MessageFetch>>();

/**
 * What this request reads of each message: decided from every Message field the whole operation selects, so
 * that one Gmail call per message serves all of them (see gmail/message-fetch.ts).
 */
export function messageFetchOf(info: GraphQLResolveInfo): MessageFetch {
  let byVariables = fetches.get(info.operation);
  if (byVariables === undefined) fetches.set(info.operation, (byVariables = new WeakMap()));
  const known = byVariables.get(info.variableValues);
  if (known !== undefined) return known;
  const selected = selectedFieldsOfOperation(
    { schema: info.schema, fragments: info.fragments, variables: info.variableValues },
    info.operation,
  );
  const fetch = messageFetchFor(selected.get('Message') ?? new Set());
  byVariables.set(info.variableValues, fetch);
  return fetch;
}
