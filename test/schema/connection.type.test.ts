import { getNamedType, graphql, isObjectType, printType, type GraphQLObjectType } from 'graphql';
import { buildSchema, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { MessageResolver } from '../../src/resolvers/message.resolver';
import { ConnectionType } from '../../src/schema/connection.type';

@ObjectType({ description: 'A Gmail thread.' })
class Thread {
  @Field(() => ID, { description: "Gmail's thread id." })
  id!: string;
}

const ThreadConnection = ConnectionType(Thread, {
  name: 'Thread',
  description: 'A page of threads, newest first, in Gmail order (Relay cursor connection).',
  noun: { one: 'thread', many: 'threads' },
});
type ThreadConnection = InstanceType<typeof ThreadConnection>;

@Resolver()
class ThreadResolver {
  @Query(() => ThreadConnection, { description: 'Threads.' })
  threads(): ThreadConnection {
    return {
      edges: [{ cursor: 'c1', node: { id: 't1' } }],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c1' },
      resultSizeEstimate: 1,
    };
  }
}

function objectType(schema: Awaited<ReturnType<typeof buildSchema>>, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

describe('ConnectionType', () => {
  it('makes a second connection and edge, described for their node, next to MessageConnection', async () => {
    const schema = await buildSchema({ resolvers: [MessageResolver, ThreadResolver], validate: false });

    expect(printType(objectType(schema, 'ThreadConnection'))).toBe(
      [
        '"""',
        'A page of threads, newest first, in Gmail order (Relay cursor connection).',
        '"""',
        'type ThreadConnection {',
        '  """The threads of this page."""',
        '  edges: [ThreadEdge!]!',
        '',
        '  """Where this page stands."""',
        '  pageInfo: PageInfo!',
        '',
        `  """Gmail's estimate of how many threads match in all (not exact)."""`,
        '  resultSizeEstimate: Int!',
        '}',
      ].join('\n'),
    );
    expect(printType(objectType(schema, 'ThreadEdge'))).toBe(
      [
        '"""A thread and its cursor."""',
        'type ThreadEdge {',
        '  """Opaque cursor; as `after` it resumes right after this edge."""',
        '  cursor: String!',
        '',
        '  """The thread."""',
        '  node: Thread!',
        '}',
      ].join('\n'),
    );
  });

  it('shares one PageInfo type between the connections', async () => {
    const schema = await buildSchema({ resolvers: [MessageResolver, ThreadResolver], validate: false });
    const pageInfoOf = (name: string) => getNamedType(objectType(schema, name).getFields()['pageInfo']!.type);
    expect(pageInfoOf('ThreadConnection')).toBe(schema.getType('PageInfo'));
    expect(pageInfoOf('MessageConnection')).toBe(schema.getType('PageInfo'));
  });

  it('resolves a page through the generated types', async () => {
    const schema = await buildSchema({ resolvers: [ThreadResolver], validate: false });
    const result = await graphql({
      schema,
      source: '{ threads { edges { cursor node { id } } pageInfo { endCursor } resultSizeEstimate } }',
    });
    expect(result).toEqual({
      data: {
        threads: {
          edges: [{ cursor: 'c1', node: { id: 't1' } }],
          pageInfo: { endCursor: 'c1' },
          resultSizeEstimate: 1,
        },
      },
    });
  });
});
