import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Message } from './message.type';

@ObjectType({
  description:
    'A Gmail conversation. `id` and `snippet` come with the list; `messageCount` and `messages` read the thread in one threads.get, which also serves every selected field of its messages.',
})
export class Thread {
  @Field(() => ID, { description: "Gmail's thread id." })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A short excerpt of the latest message, HTML-escaped as Gmail makes it (insert it as text).',
  })
  snippet?: string | null;

  @Field(() => Int, { description: 'How many messages the thread has.' })
  messageCount?: number;

  @Field(() => [Message], { description: 'The messages, oldest first.' })
  messages?: Message[];
}
