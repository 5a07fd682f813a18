import { Field, Int, ObjectType } from 'type-graphql';
import { MessageEdge } from './message.type';
import { PageInfo } from './page-info.type';

@ObjectType({ description: 'A page of messages, newest first, in Gmail order (Relay cursor connection).' })
export class MessageConnection {
  @Field(() => [MessageEdge], { description: 'The messages of this page.' })
  edges!: MessageEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Gmail's estimate of how many messages match in all (not exact)." })
  resultSizeEstimate!: number;
}
