import 'reflect-metadata';
import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { buildGatewaySchema } from '../../src/resolvers';
import { DEFAULT_GMAIL_QUOTA_COSTS } from '../../src/quota/gmail-costs';
import { planGmailCalls } from '../../src/quota/gmail-plan';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

function plan(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return planGmailCalls(schema, document, operation, variables, DEFAULT_GMAIL_QUOTA_COSTS)!;
}

describe('the Gmail plan of the reading fields', () => {
  it('counts one messages.get for message(id), even for its id alone', () => {
    expect(plan(`{ message(id: "a1") { id } }`).calls['messages.get']).toBe(1);
  });

  it('counts threads.get per thread only when more than id and snippet is selected, and no messages.get for its messages', () => {
    expect(plan(`{ threads(first: 7) { edges { node { id snippet } } } }`).calls).toMatchObject({
      'threads.list': 1,
      'threads.get': 0,
      'messages.get': 0,
    });
    const deep = plan(`{ threads(first: 7) { edges { node { messages { subject body { html } } } } } }`);
    expect(deep.calls).toMatchObject({ 'threads.list': 1, 'threads.get': 7, 'messages.get': 0 });
    expect(deep.messages).toBe(7);
    expect(deep.units).toBe(10 + 7 * 10);
  });

  it('counts one labels.list for labels, and labels.get only when a count is selected', () => {
    expect(plan(`{ labels { id name } }`).calls).toMatchObject({ 'labels.list': 1, 'labels.get': 0 });
    expect(plan(`{ labels { messagesUnread } }`).calls['labels.get']).toBe(50);
    expect(plan(`{ messages(first: 2) { edges { node { labels { name } } } } }`).calls).toMatchObject({
      'labels.list': 1,
      'messages.get': 2,
    });
  });

  it('caps messages and threads together', () => {
    const both = plan(
      `{ messages(first: 60) { edges { node { id } } } threads(first: 50) { edges { node { id } } } }`,
    );
    expect(both.messages).toBe(110);
  });
});
