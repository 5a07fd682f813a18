import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { pageSizeOf } from '../gmail/messages-query';
import { MAX_LABEL_COUNTS_PER_REQUEST } from '../gmail/user-mailbox';
import { selectedFieldsUnder, selectsBeyond, type SelectionScope } from '../schema/selection';
import { GMAIL_QUOTA_METHODS, type GmailQuotaCosts, type GmailQuotaMethod } from './gmail-costs';

// What an operation will ask of Gmail, read from the document as the executor will run it: variables coerced,
// argument defaults applied, fragments and inline fragments expanded, @skip/@include honoured, fields merged by
// response key (so every alias counts). The cap and the budget's reservation both come from here.
//
// Per root field (upper bounds):
// - messages(first: n): 1 messages.list (2 after a cursor: a skip may come first), plus n messages.get when a
//   Message field beyond id/threadId is selected (one call per message, whatever the mix: see message-fetch.ts).
// - message(id): 1 messages.get (existence is Gmail's to say, so even `{ id }` asks).
// - threads(first: n): 1 or 2 threads.list, plus n threads.get when a Thread field beyond id/snippet is
//   selected. A thread's messages come in its threads.get: no messages.get for them.
// - thread(id): 1 threads.get.
// - labels, or Message.labels anywhere: 1 labels.list; a Label count field anywhere: up to
//   MAX_LABEL_COUNTS_PER_REQUEST labels.get.
// Attachments are never fetched by a query (only by their download URL, which reserves its own call).

/**
 * At most this many items across all `messages`, `message`, `threads` and `thread` fields of one operation: one
 * full page. A thread counts as one item: its messages come in one threads.get, however many there are.
 */
export const MAX_MESSAGES_PER_OPERATION = 100;

export interface GmailPlan {
  /** Items asked for: messages and threads, summed over every list (by `first`) and single read. */
  readonly messages: number;
  readonly calls: Readonly<Record<GmailQuotaMethod, number>>;
  /** Upper bound of the units the operation spends, at `costs`. */
  readonly units: number;
}

/** Message fields that `messages.list` answers alone; any other needs the message (`messages.get`). */
const LISTED_MESSAGE_FIELDS = new Set(['id', 'threadId', '__typename']);
/** Thread fields that `threads.list` answers alone. */
const LISTED_THREAD_FIELDS = new Set(['id', 'snippet', '__typename']);
const LABEL_COUNT_FIELDS = new Set(['messagesTotal', 'messagesUnread', 'threadsUnread']);

/**
 * The plan of `operation`, or null when its variables do not coerce (execution then refuses it before any
 * resolver runs). Upper bounds: a page after a cursor may need a second list call to skip to its start; metadata
 * and labels served from cache are never called for (the settlement gives those units back).
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
  const scope: SelectionScope = { schema, fragments: fragmentsOf(document), variables: coerced.coerced };
  const calls = Object.fromEntries(GMAIL_QUOTA_METHODS.map((m) => [m, 0])) as Record<
    GmailQuotaMethod,
    number
  >;
  let items = 0;
  let readsLabels = false;
  let readsCounts = false;
  if (operation.operation === OperationTypeNode.QUERY && queryType) {
    for (const nodes of collectFields(
      schema,
      scope.fragments,
      scope.variables,
      queryType,
      operation.selectionSet,
    ).values()) {
      const [first] = nodes;
      const field = first === undefined ? undefined : queryType.getFields()[first.name.value];
      if (first === undefined || field === undefined) continue;
      const type = getNamedType(field.type);
      const selected = isObjectType(type)
        ? selectedFieldsUnder(scope, type, nodes)
        : new Map<string, Set<string>>();
      const args = getArgumentValues(field, first, scope.variables);
      const selectsMessages = selectsBeyond(selected, 'Message', LISTED_MESSAGE_FIELDS);
      switch (field.name) {
        case 'messages': {
          const size = pageSize(args['first']);
          if (size === 0) continue;
          items += size;
          calls['messages.list'] += args['after'] == null ? 1 : 2;
          if (selectsMessages) calls['messages.get'] += size;
          break;
        }
        case 'message':
          items += 1;
          calls['messages.get'] += 1;
          break;
        case 'threads': {
          const size = pageSize(args['first']);
          if (size === 0) continue;
          items += size;
          calls['threads.list'] += args['after'] == null ? 1 : 2;
          if (selectsBeyond(selected, 'Thread', LISTED_THREAD_FIELDS)) calls['threads.get'] += size;
          break;
        }
        case 'thread':
          items += 1;
          calls['threads.get'] += 1;
          break;
        case 'labels':
          readsLabels = true;
          break;
        default:
          break;
      }
      if (selected.get('Message')?.has('labels')) readsLabels = true;
      if (selectsBeyond(selected, 'Label', allBut(selected.get('Label'), LABEL_COUNT_FIELDS)))
        readsCounts = true;
    }
  }
  if (readsLabels) calls['labels.list'] = 1;
  if (readsCounts) calls['labels.get'] = MAX_LABEL_COUNTS_PER_REQUEST;
  const units = GMAIL_QUOTA_METHODS.reduce((sum, method) => sum + calls[method] * costs[method], 0);
  return { messages: items, calls, units };
}

/** The names in `names` that are not in `keep`: so that selectsBeyond asks "is one of `keep` selected?". */
function allBut(names: ReadonlySet<string> | undefined, keep: ReadonlySet<string>): Set<string> {
  return new Set([...(names ?? [])].filter((name) => !keep.has(name)));
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
