import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { LoadedThread, MessageRef, ThreadRef } from '../gmail/mailbox.service';
import { gmailIdOf } from '../gmail/messages-query';
import { Message } from '../schema/message.type';
import { ThreadConnection } from '../schema/thread-connection.type';
import { Thread } from '../schema/thread.type';
import { ThreadsArgs } from '../schema/threads.args';
import type { GatewayContext } from './context';
import { messageFetchOf } from './message-fetch-of';

/** `threads` lists ids and snippets; `messageCount` and `messages` read the thread (one threads.get). */
@Resolver(() => Thread)
export class ThreadResolver {
  @Query(() => ThreadConnection, {
    description:
      "The signed-in user's threads, most recent first, as a Relay connection over Gmail's threads.list. Needs a session.",
  })
  async threads(
    @Args(() => ThreadsArgs) args: ThreadsArgs,
    @Ctx() context: GatewayContext,
  ): Promise<ThreadConnection> {
    return (await context.userMailbox()).listThreads(args);
  }

  @Query(() => Thread, {
    nullable: true,
    description:
      'One thread of the signed-in user by id; null when Gmail has no such thread. Needs a session.',
  })
  async thread(
    @Arg('id', () => ID, { description: "Gmail's thread id, e.g. a message's `threadId`." }) id: string,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<LoadedThread | null> {
    return (await context.userMailbox()).thread(gmailIdOf(id, 'id'), messageFetchOf(info));
  }

  @FieldResolver(() => Int)
  async messageCount(
    @Root() thread: ThreadRef,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<number> {
    return (await loaded(thread, context, info))?.messages.length ?? 0;
  }

  @FieldResolver(() => [Message])
  async messages(
    @Root() thread: ThreadRef,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MessageRef[]> {
    return (await loaded(thread, context, info))?.messages.map((message) => message.ref) ?? [];
  }
}

/** The thread itself when the root is one (thread(id)), else one threads.get through the request's loader. */
async function loaded(
  thread: ThreadRef | LoadedThread,
  context: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<LoadedThread | null> {
  if ('messages' in thread) return thread;
  return (await context.userMailbox()).thread(thread.id, messageFetchOf(info));
}
