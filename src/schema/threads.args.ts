import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ThreadsArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A Gmail search query, as in the Gmail search box: threads with a matching message.',
  })
  query?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'Page size, from 1 to 100.' })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Return the threads after this cursor (an `endCursor` or any edge cursor of the same query).',
  })
  after?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Only threads with a message that carries every one of these label ids.',
  })
  labelIds?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Include threads in SPAM and TRASH.',
  })
  includeSpamTrash?: boolean | null;
}
