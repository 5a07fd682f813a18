import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Connection, Edge } from './connection';
import { PageInfo } from './page-info.type';

export interface ConnectionTypeOptions {
  /** The node type's GraphQL name, e.g. `Message`: the types are named `MessageConnection` and `MessageEdge`. */
  readonly name: string;
  /** The connection type's description, e.g. `A page of messages, newest first, in Gmail order.` */
  readonly description: string;
  /**
   * The node in words, for the field descriptions: `{ one: 'message', many: 'messages' }` describes the edge as
   * `A message and its cursor.` and `resultSizeEstimate` as `Gmail's estimate of how many messages match ...`.
   */
  readonly noun: { readonly one: string; readonly many: string };
}

/**
 * The GraphQL types of a page of a Gmail list (`messages.list`, `threads.list`, ...) as a Relay connection: the
 * `<Name>Connection` class, with its `<Name>Edge`, both defined here once for every node type. Call it once per
 * node type, at module load (type-graphql registers the classes as it decorates them):
 *
 * ```ts
 * export const ThreadConnection = ConnectionType(Thread, { name: 'Thread', description, noun });
 * export type ThreadConnection = InstanceType<typeof ThreadConnection>;
 * ```
 */
export function ConnectionType<TNode extends object>(
  NodeType: ClassType<TNode>,
  options: ConnectionTypeOptions,
) {
  const { one, many } = options.noun;

  @ObjectType(`${options.name}Edge`, { description: `A ${one} and its cursor.` })
  class EdgeType implements Edge<TNode> {
    @Field(() => String, { description: 'Opaque cursor; as `after` it resumes right after this edge.' })
    cursor!: string;

    @Field(() => NodeType, { description: `The ${one}.` })
    node!: TNode;
  }

  @ObjectType(`${options.name}Connection`, { description: options.description })
  class ConnectionClass implements Connection<TNode> {
    @Field(() => [EdgeType], { description: `The ${many} of this page.` })
    edges!: EdgeType[];

    @Field(() => PageInfo, { description: 'Where this page stands.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `Gmail's estimate of how many ${many} match in all (not exact).` })
    resultSizeEstimate!: number;
  }

  return ConnectionClass;
}
